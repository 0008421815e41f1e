"""The dashboard in a real headless chromium against a real server: what a user does with it.

Sign in (and a wrong or revoked key), run Python, JavaScript, TypeScript and PHP, a function,
a timeout; guest output that looks like HTML stays text; a long output is capped; the history
and one execution; a tool run through the form made from its schema; a runtime built while
the page watches; secrets, and one deleted after a confirm in its row; metrics. Screenshots of the main views are saved (see conftest).
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests.browser.conftest import Dashboard, expect, set_code, sign_in

RENDER_CAP = 1 << 20  # web/src/output.js

pytestmark = pytest.mark.guest


def _api(dashboard: Dashboard, method: str, path: str, body: Any = None) -> Any:
    response = httpx.request(
        method,
        dashboard.server.url + path,
        json=body,
        headers={"Authorization": f"Bearer {dashboard.key}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _run(page: Any, language: str, code: str) -> None:
    page.get_by_test_id("language").select_option(language)
    set_code(page, code)
    page.get_by_test_id("run").click()
    page.get_by_test_id("run-facts").wait_for()


def test_a_wrong_key_gets_a_clear_sign_in_error_and_is_not_kept(
    page: Any, dashboard: Dashboard
) -> None:
    page.goto(dashboard.url)
    page.get_by_test_id("api-key").fill("esk_not_a_real_key")
    page.get_by_test_id("signin").click()
    error = page.get_by_test_id("signin-error")
    error.wait_for()
    assert "The server refused this key" in error.text_content()
    assert "not valid or was revoked" in error.text_content()
    assert page.evaluate("sessionStorage.length") == 0
    assert page.evaluate("localStorage.length") == 0


def test_a_revoked_key_signs_the_user_out_with_a_message(page: Any, dashboard: Dashboard) -> None:
    made = json.loads(dashboard.server.cli("keys", "create", "--json").stdout)
    sign_in(page, dashboard, made["key"])
    # The key is in this tab's sessionStorage only: never in the URL, localStorage or a cookie.
    assert page.evaluate("Object.values(sessionStorage)") == [made["key"]]
    assert made["key"] not in page.url and page.evaluate("localStorage.length") == 0
    assert page.context.cookies() == []
    assert dashboard.server.cli("keys", "revoke", made["id"]).returncode == 0
    page.get_by_test_id("nav-history").click()
    error = page.get_by_test_id("signin-error")
    error.wait_for()
    assert "no longer accepts this key" in error.text_content()
    assert page.evaluate("sessionStorage.length") == 0


def test_python_javascript_and_typescript_run_and_show_their_output(
    page: Any, dashboard: Dashboard
) -> None:
    sign_in(page, dashboard)
    _run(page, "javascript", 'console.log("js", [1, 2].map((x) => x * 2).join(","))')
    assert page.get_by_test_id("stdout").text_content() == "js 2,4\n"
    _run(page, "typescript", 'const n: number = 21;\nconsole.error("ts", n * 2);\nprocess.exit(3);')
    assert page.get_by_test_id("stderr").text_content() == "ts 42\n"
    assert page.get_by_test_id("exit-code").text_content() == "3"
    page.get_by_text("Inputs, limits and HTTP").click()
    page.get_by_test_id("args").fill("Ada")
    page.get_by_test_id("stdin").fill("from stdin")
    _run(page, "python", "import sys\nprint(f'Hello, {sys.argv[1]}!', sys.stdin.read())")
    assert page.get_by_test_id("stdout").text_content() == "Hello, Ada! from stdin\n"
    assert page.get_by_test_id("exit-code").text_content() == "0"
    assert page.get_by_test_id("limit-hit").text_content() == "none"
    assert re.fullmatch(r"\d+ ms", page.get_by_test_id("duration").text_content())
    assert re.fullmatch(r"[\d,]+", page.get_by_test_id("fuel").text_content())
    page.screenshot(path=dashboard.shots / "playground.png", full_page=True)


def test_php_is_highlighted_and_runs_in_the_playground(page: Any, dashboard: Dashboard) -> None:
    sign_in(page, dashboard)
    _run(page, "php", '<?php echo "hi";')
    assert page.get_by_test_id("stdout").text_content() == "hi"
    assert page.get_by_test_id("exit-code").text_content() == "0"
    # The PHP grammar marks its tokens (CodeMirror wraps each in a classed span); plain
    # text would be one unstyled text node.
    tokens = page.locator(".cm-line span").all_text_contents()
    assert "echo" in tokens and '"hi"' in tokens, tokens


def test_a_function_runs_with_its_json_input(page: Any, dashboard: Dashboard) -> None:
    sign_in(page, dashboard)
    page.get_by_test_id("mode").select_option("function")
    page.get_by_test_id("function-input").fill('{"a": 40, "b": 2}')
    _run(page, "javascript", "function execute(input) { return { sum: input.a + input.b } }")
    assert json.loads(page.get_by_test_id("function-output").text_content()) == {"sum": 42}
    assert page.get_by_test_id("output-status").text_content() == "valid"


def test_a_timeout_shows_its_limit_hit(page: Any, dashboard: Dashboard) -> None:
    sign_in(page, dashboard)
    page.get_by_text("Inputs, limits and HTTP").click()
    page.get_by_test_id("limit-timeout").fill("0.5")
    _run(page, "python", "while True:\n    pass")
    assert page.get_by_test_id("limit-hit").text_content() == "execution_timeout"
    assert page.get_by_test_id("exit-code").text_content() != "0"


def test_guest_output_that_looks_like_html_is_shown_as_text(
    page: Any, dashboard: Dashboard
) -> None:
    sign_in(page, dashboard)
    markup = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"
    _run(page, "python", f"import sys\nprint({markup!r})\nprint({markup!r}, file=sys.stderr)")
    assert page.get_by_test_id("stdout").text_content() == markup + "\n"
    assert page.get_by_test_id("stderr").text_content() == markup + "\n"
    assert page.locator("img").count() == 0 and page.locator("main script").count() == 0
    assert page.title() == "embedsandbox"


def test_a_long_output_is_capped_and_the_page_stays_responsive(
    page: Any, dashboard: Dashboard
) -> None:
    sign_in(page, dashboard)
    page.get_by_text("Inputs, limits and HTTP").click()
    page.get_by_test_id("limit-output").fill(str(16 << 20))
    _run(page, "python", "import sys\nsys.stdout.write('x' * 10_000_000)")
    stdout = page.get_by_test_id("stdout")
    assert stdout.evaluate("pre => pre.textContent.length") == RENDER_CAP
    assert "Showing the first 1,048,576 of 10,000,000 characters" in page.content()
    # The page still answers at once, and the whole output is one click away.
    assert page.evaluate("1 + 1") == 2
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").first.click()
    assert download.value.suggested_filename == "stdout.txt"
    assert stdout.is_visible()


def test_history_lists_filters_and_opens_an_execution(page: Any, dashboard: Dashboard) -> None:
    sign_in(page, dashboard)
    _run(page, "javascript", 'console.log("for the history")')
    execution_id = page.get_by_test_id("execution-id").text_content()
    _run(page, "python", "import sys\nsys.exit(4)")
    page.get_by_test_id("nav-history").click()
    listing = page.get_by_test_id("history-list")
    expect(listing).to_have_attribute("aria-busy", "false")
    assert page.locator(f"text={execution_id}").count() == 1
    page.get_by_test_id("filter-nonzero").check()
    expect(listing).to_have_attribute("aria-busy", "false")
    assert execution_id not in listing.text_content()
    rows = page.locator("[data-testid=executions] tbody tr")
    assert rows.count() >= 1
    for index in range(rows.count()):
        assert rows.nth(index).locator("td").nth(4).text_content() != "0"
    page.get_by_test_id("filter-nonzero").uncheck()
    page.get_by_test_id("filter-language").select_option("javascript")
    expect(listing).to_have_attribute("aria-busy", "false")
    languages = page.locator(
        "[data-testid=executions] tbody tr td:nth-child(3)"
    ).all_text_contents()
    assert languages and set(languages) == {"javascript"}
    page.locator(f"text={execution_id}").click()
    page.get_by_test_id("detail-request").wait_for()
    assert page.get_by_test_id("detail-kind").text_content() == "script"
    assert page.get_by_test_id("stdout").text_content() == "for the history\n"
    request = json.loads(page.get_by_test_id("detail-request").text_content())
    assert request["code"] == 'console.log("for the history")'
    assert json.loads(page.get_by_test_id("detail-response").text_content())["id"] == execution_id
    page.screenshot(path=dashboard.shots / "history-detail.png", full_page=True)


def test_a_tool_runs_through_the_form_made_from_its_schema(page: Any, dashboard: Dashboard) -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "description": "the first number"},
            "b": {"type": "integer"},
            "op": {"enum": ["add", "mul"]},
            "label": {"type": "string", "maxLength": 40},
            "loud": {"type": "boolean"},
        },
        "required": ["a", "b", "op"],
    }
    code = (
        "def execute(input):\n"
        "    value = input['a'] + input['b'] if input['op'] == 'add' else input['a'] * input['b']\n"
        "    text = f\"{input.get('label', 'result')}: {value}\"\n"
        "    return text.upper() if input.get('loud') else text\n"
    )
    tool = _api(
        dashboard,
        "POST",
        "/v1/tools",
        {"name": "calc", "language": "python", "code": code, "input_schema": schema},
    )
    sign_in(page, dashboard)
    page.get_by_test_id("nav-tools").click()
    page.get_by_role("link", name="calc").first.click()
    page.get_by_test_id("schema-form").wait_for()
    assert page.get_by_test_id("tool-current-revision").text_content() == tool["revision_id"]
    page.get_by_test_id("input-a").fill("6")
    page.get_by_test_id("input-b").fill("7")
    page.get_by_test_id("input-op").select_option(label='"mul"')
    page.get_by_test_id("input-label").fill("product")
    page.get_by_test_id("input-loud").check()
    page.get_by_test_id("tool-run").click()
    page.get_by_test_id("tool-output").wait_for()
    assert json.loads(page.get_by_test_id("tool-output").text_content()) == "PRODUCT: 42"
    assert page.get_by_test_id("output-status").text_content() == "valid"
    page.screenshot(path=dashboard.shots / "tool-form.png", full_page=True)
    # A required field left empty is refused before any request, naming it.
    page.get_by_test_id("input-a").fill("")
    page.get_by_test_id("tool-run").click()
    assert "a is required" in page.get_by_test_id("error").text_content()
    # A new revision: the page lists it as current and the earlier one its run used; the
    # earlier one can still be run.
    new_code = "def execute(input):\n    return 'v2'\n"
    updated = _api(dashboard, "POST", f"/v1/tools/{tool['id']}", {"code": new_code})
    page.reload()
    revisions = page.get_by_test_id("tool-revisions")
    expect(revisions).to_contain_text(tool["revision_id"])
    assert updated["revision_id"] in revisions.text_content()
    assert page.get_by_test_id("tool-revision").input_value() == updated["revision_id"]
    page.get_by_role("row", name=tool["revision_id"]).get_by_role("button").click()
    assert page.get_by_test_id("tool-revision").input_value() == tool["revision_id"]
    page.get_by_test_id("input-a").fill("2")
    page.get_by_test_id("input-b").fill("3")
    page.get_by_test_id("tool-run").click()
    page.get_by_test_id("tool-output").wait_for()
    assert json.loads(page.get_by_test_id("tool-output").text_content()) == "result: 5"


def test_a_runtime_build_is_watched_until_it_finishes(page: Any, dashboard: Dashboard) -> None:
    sign_in(page, dashboard)
    page.get_by_test_id("nav-runtimes").click()
    page.get_by_test_id("runtime-name").fill("toml")
    page.get_by_test_id("runtime-manifest").fill("tomli==2.0.1\n")
    page.get_by_test_id("runtime-create").click()
    status = page.locator("[data-testid=revision] [data-testid=runtime-status]")
    status.wait_for()
    assert status.text_content() in {"pending", "building", "succeeded"}
    # The page polls the revision; the status changes in place until the build ends.
    expect(status).to_have_text("succeeded", timeout=100_000)  # under the 120 s test timeout
    log = page.get_by_test_id("build-log").text_content()
    assert "tomli" in log
    packages = page.locator("[data-testid=packages] tbody tr").all_text_contents()
    assert any("tomli" in row and "2.0.1" in row and "installed" in row for row in packages)
    page.screenshot(path=dashboard.shots / "runtime-build.png", full_page=True)


def test_secrets_show_names_only(page: Any, dashboard: Dashboard) -> None:
    value = "s3cr3t-value-never-shown"
    sign_in(page, dashboard)
    page.get_by_test_id("nav-secrets").click()
    page.get_by_test_id("secret-name").fill("github")
    page.get_by_test_id("secret-value").fill(value)
    page.get_by_test_id("secret-create").click()
    page.get_by_text("Its value is never shown again").wait_for()
    assert page.get_by_test_id("secret-value").input_value() == ""
    assert "github" in page.get_by_test_id("secrets").text_content()
    assert value not in page.content()


def test_a_secret_is_deleted_after_a_confirm_in_its_row(page: Any, dashboard: Dashboard) -> None:
    kept = _api(dashboard, "POST", "/v1/secrets", {"name": "kept-one", "value": "k"})
    doomed = _api(dashboard, "POST", "/v1/secrets", {"name": "doomed-one", "value": "d"})
    sign_in(page, dashboard)
    page.get_by_test_id("nav-secrets").click()
    row = page.get_by_test_id("secret-row").filter(has_text=doomed["id"])
    row.get_by_test_id("secret-delete").click()
    expect(row).to_contain_text("Delete doomed-one?")
    page.screenshot(path=dashboard.shots / "secret-delete.png", full_page=True)
    # Cancel deletes nothing; only the second, confirming click does.
    row.get_by_test_id("secret-delete-cancel").click()
    expect(row.get_by_test_id("secret-delete")).to_be_visible()
    assert doomed["id"] in [s["id"] for s in _api(dashboard, "GET", "/v1/secrets")["secrets"]]
    row.get_by_test_id("secret-delete").click()
    row.get_by_test_id("secret-delete-confirm").click()
    expect(page.get_by_text(f"Deleted doomed-one ({doomed['id']}).")).to_be_visible()
    expect(page.get_by_test_id("secret-row").filter(has_text=doomed["id"])).to_have_count(0)
    expect(page.get_by_test_id("secret-row").filter(has_text=kept["id"])).to_have_count(1)
    listed = [s["id"] for s in _api(dashboard, "GET", "/v1/secrets")["secrets"]]
    assert kept["id"] in listed and doomed["id"] not in listed


@pytest.mark.parametrize("view", ["metrics"])
def test_metrics_chart_the_history(page: Any, dashboard: Dashboard, view: str) -> None:
    _api(dashboard, "POST", "/v1/execute", {"language": "python", "code": "print(1)"})
    listed = _api(dashboard, "GET", "/v1/executions?limit=100")["data"]
    sign_in(page, dashboard)
    page.get_by_test_id(f"nav-{view}").click()
    page.get_by_test_id("chart-runs").wait_for()
    summary = page.get_by_test_id("metrics-summary").text_content()
    assert f"newest {len(listed)} executions" in summary
    python_runs = sum(1 for e in listed if e["language"] == "python")
    labels = page.locator("[data-testid=chart-runs] text").all_text_contents()
    assert "python" in labels and str(python_runs) in labels
    assert page.locator("[data-testid=chart-durations] rect").count() >= 2


def test_history_pages_older_and_newer(page: Any, dashboard: Dashboard) -> None:
    have = len(_api(dashboard, "GET", "/v1/executions?limit=100")["data"])
    for n in range(max(0, 55 - have)):
        _api(dashboard, "POST", "/v1/execute", {"language": "javascript", "code": f"// {n}"})
    sign_in(page, dashboard)
    page.get_by_test_id("nav-history").click()
    listing = page.get_by_test_id("history-list")
    expect(listing).to_have_attribute("aria-busy", "false")
    first = page.get_by_test_id("execution-link").all_text_contents()
    assert len(first) == 50 and page.get_by_test_id("page-newer").is_disabled()
    page.get_by_test_id("page-older").click()
    expect(listing).to_have_attribute("aria-busy", "false")
    second = page.get_by_test_id("execution-link").all_text_contents()
    assert second and not set(first) & set(second)
    newest = [e["id"] for e in _api(dashboard, "GET", "/v1/executions?limit=100")["data"]]
    assert first + second == newest[: len(first) + len(second)]
    page.get_by_test_id("page-newer").click()
    expect(listing).to_have_attribute("aria-busy", "false")
    assert page.get_by_test_id("execution-link").all_text_contents() == first
