"""The guest's `URL` and `URLSearchParams` against whatwg-url, the URL Standard's reference.

The JavaScript prelude (src/embedsandbox/_guest/js_prelude.js, "URL (WHATWG URL Standard)")
has its own small URL parser; the maintained package costs ~0.5 MB in every guest's start-up
image. Instead we prove ours against whatwg-url 17.3.0 (the spec editors' implementation,
pinned in scripts/js-tools and installed by scripts/check into .venv/js-tools) as a test
oracle: it is bundled with esbuild once per module and evaluated in the same guest run as
the cases, so both parsers see exactly the same strings (lone surrogates included).

Each guest run takes a batch of checks and prints the mismatches as JSON:

- parse: `new URL(input[, base])` either throws TypeError in both, or every component
  (href, origin, protocol, username, password, host, hostname, port, pathname, search,
  hash, and searchParams' serialisation) agrees; `URL.canParse` agrees too;
- setters: the same setter with the same value on the same URL leaves the same components;
- search params: parsing, `toString`, `sort`, the mutators, and the link to `url.search`.

The curated cases below are our own, in the spirit of the URL Standard's categories; a
hypothesis property adds strings built from URL-significant pieces.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from embedsandbox import Limits, Sandbox

pytestmark = pytest.mark.guest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".venv" / "js-tools" / "node_modules"
ESBUILD = TOOLS / ".bin" / "esbuild"
WHATWG_URL = TOOLS / "whatwg-url"
WHATWG_URL_VERSION = "17.3.0"

LIMITS = Limits(execution_timeout=120.0, memory_size=512, output_bytes=4 << 20)
SHOWN = 20  # mismatches shown when the test fails

COMPONENTS = (
    "href",
    "origin",
    "protocol",
    "username",
    "password",
    "host",
    "hostname",
    "port",
    "pathname",
    "search",
    "hash",
)

# Known differences, as (input, base, reason). Each must still differ (like a strict xfail:
# test_known_differences fails once one is gone); the other tests do not use such inputs.
UNICODE_17 = (
    "QuickJS-ng's Unicode tables are Unicode 16, tr46's IDNA table is Unicode 17: code points "
    "new in 17 are unassigned to us, so disallowed in a domain"
)
KNOWN_DIFFERENCES: list[tuple[str, str | None, str]] = [
    ("http://\ua7dd.example/", None, UNICODE_17),  # a Latin letter new in 17.0
    ("http://a\u1ade.example/", None, UNICODE_17),  # a combining mark new in 17.0
    ("http://\U000107bb.example/", None, UNICODE_17),  # a modifier letter new in 17.0
]


# ----------------------------------------------------------------------------- the oracle


def build_oracle(out: Path) -> str:
    """whatwg-url bundled into an IIFE that defines `WhatwgURL` (URL, URLSearchParams)."""
    if not ESBUILD.exists() or not (WHATWG_URL / "package.json").exists():
        pytest.skip(
            f"whatwg-url and esbuild are not installed in {TOOLS.parent}; "
            "scripts/check installs them (scripts/test runs scripts/check first)"
        )
    version = json.loads((WHATWG_URL / "package.json").read_text(encoding="utf-8"))["version"]
    if version != WHATWG_URL_VERSION:
        pytest.skip(
            f"{TOOLS.parent} has whatwg-url {version}, not {WHATWG_URL_VERSION}; "
            "scripts/check reinstalls the pinned tools"
        )
    entry = out / "entry.js"
    entry.write_text(
        f"const w = require({json.dumps(str(WHATWG_URL))});\n"
        "module.exports = { URL: w.URL, URLSearchParams: w.URLSearchParams };\n",
        encoding="utf-8",
    )
    bundle = out / "bundle.js"
    # platform=neutral: @exodus/bytes' browser build needs TextDecoder("latin1"), which
    # the guest does not have; its default build detects what the platform has.
    subprocess.run(
        [
            str(ESBUILD),
            str(entry),
            "--bundle",
            "--format=iife",
            "--global-name=WhatwgURL",
            "--platform=neutral",
            "--main-fields=main,module",
            "--minify",
            "--target=es2022",
            "--log-level=warning",
            f"--outfile={bundle}",
        ],
        check=True,
        cwd=out,
        timeout=60,
    )
    return bundle.read_text(encoding="utf-8")


class Oracle:
    """Runs batches of checks in a guest that has both our URL and whatwg-url's."""

    def __init__(self, sandbox: Sandbox, bundle: str) -> None:
        self.sandbox = sandbox
        self.bundle = bundle
        self.checked: dict[str, int] = {}  # what the last run checked, by kind

    def __repr__(self) -> str:  # hypothesis prints the test's arguments
        return f"Oracle(whatwg-url {WHATWG_URL_VERSION})"

    def mismatches(
        self,
        *,
        parse: list[tuple[str, str | None]] | None = None,
        setters: list[tuple[str, str, str]] | None = None,
        params: list[tuple[str, list[list[Any]]]] | None = None,
        sweep: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Runs one guest with the oracle and the checks; returns the mismatches."""
        checks: dict[str, list[Any]] = {
            "parse": parse or [],
            "setters": setters or [],
            "params": params or [],
        }
        code = (
            "const WhatwgURL = (() => {\n"
            + self.bundle
            + "\nreturn WhatwgURL;\n})();\n"
            + "const PAYLOAD = "
            + json.dumps({**checks, "sweep": sweep})
            + ";\n"
            + HARNESS % {"components": json.dumps(list(COMPONENTS))}
        )
        result = self.sandbox.run_script(language="javascript", code=code, limits=LIMITS)
        assert result.exit_code == 0, (result.limit_hit, result.stderr[-3000:])
        report = json.loads(result.stdout)
        self.checked = report["checked"]
        assert {k: self.checked[k] for k in checks} == {k: len(v) for k, v in checks.items()}
        found: list[dict[str, Any]] = report["mismatches"]
        return found


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oracle]:
    bundle = build_oracle(tmp_path_factory.mktemp("whatwg-url"))
    with Sandbox(store=None) as sandbox:
        yield Oracle(sandbox, bundle)


# The checks, run in the guest after the bundle. `PAYLOAD` is {parse, setters, params};
# prints {"checked": {...}, "mismatches": [...]}. A value that threw is "<ErrorName>".
HARNESS = r"""
const Ours = { URL: globalThis.URL, URLSearchParams: globalThis.URLSearchParams };
const Oracle = WhatwgURL;
const COMPONENTS = %(components)s;
const mismatches = [];
const checked = { parse: 0, setters: 0, params: 0 };
const thrown = (e) => "<" + (e instanceof TypeError ? "TypeError" : String(e && e.name) + ": " + String(e && e.message)) + ">";
const attempt = (f) => {
  try {
    return f();
  } catch (e) {
    return thrown(e);
  }
};
const make = (impl, input, base) => (base === null ? new impl.URL(input) : new impl.URL(input, base));
function components(u) {
  const r = {};
  for (const c of COMPONENTS) r[c] = attempt(() => u[c]);
  r.searchParams = attempt(() => u.searchParams.toString());
  return r;
}
function compare(kind, input, base, ours, oracle) {
  for (const k of Object.keys(oracle)) {
    if (ours[k] !== oracle[k]) mismatches.push({ kind, input, base, component: k, ours: ours[k], oracle: oracle[k] });
  }
}
function parsed(impl, input, base) {
  let u;
  try {
    u = make(impl, input, base);
  } catch (e) {
    return { failure: thrown(e) };
  }
  return { failure: "", ...components(u) };
}

for (const [input, base] of PAYLOAD.parse) {
  checked.parse++;
  const ours = parsed(Ours, input, base);
  const oracle = parsed(Oracle, input, base);
  if (ours.failure !== "" || oracle.failure !== "") {
    const show = (r) => r.failure || r.href;
    if (ours.failure !== oracle.failure) mismatches.push({ kind: "parse", input, base, component: "failure", ours: show(ours), oracle: show(oracle) });
  } else compare("parse", input, base, ours, oracle);
  const can = attempt(() => (base === null ? Ours.URL.canParse(input) : Ours.URL.canParse(input, base)));
  if (can !== (oracle.failure === "")) mismatches.push({ kind: "parse", input, base, component: "canParse", ours: can, oracle: oracle.failure === "" });
}

for (const [url, setter, value] of PAYLOAD.setters) {
  checked.setters++;
  const run = (impl) => {
    let u;
    try {
      u = make(impl, url, null);
    } catch (e) {
      return { parse: thrown(e) }; // (a generated URL may not parse)
    }
    const r = { parse: "", threw: attempt(() => { u[setter] = value; return ""; }) };
    return { ...r, ...components(u) };
  };
  compare("setter", url, setter + " = " + JSON.stringify(value), run(Ours), run(Oracle));
}

// Each params case is [query, ops]: an op is [name, ...args] on the URLSearchParams (or
// on a URL's searchParams for "url:" queries); every op's result and the state after it
// are compared.
function paramsRun(impl, query, ops) {
  const out = [];
  let p;
  let u = null;
  const init = query.startsWith("url:") ? null : JSON.parse(query);
  try {
    if (init === null) {
      u = new impl.URL(query.slice(4));
      p = u.searchParams;
    } else p = new impl.URLSearchParams(init);
  } catch (e) {
    return [thrown(e)];
  }
  const state = () => JSON.stringify([p.toString(), p.size, [...p], u === null ? null : u.href, u === null ? null : u.search]);
  out.push(state());
  for (const [name, ...args] of ops) {
    out.push(name + " -> " + attempt(() => JSON.stringify(name === "search" ? ((u.search = args[0]), "") : p[name](...args)) ?? "undefined"));
    out.push(state());
  }
  return out;
}
for (const [query, ops] of PAYLOAD.params) {
  checked.params++;
  const ours = paramsRun(Ours, query, ops);
  const oracle = paramsRun(Oracle, query, ops);
  const n = Math.max(ours.length, oracle.length);
  for (let i = 0; i < n; i++) {
    if (ours[i] !== oracle[i]) {
      mismatches.push({ kind: "params", input: query, base: JSON.stringify(ops), component: "step " + i, ours: ours[i], oracle: oracle[i] });
      break;
    }
  }
}

// A sweep: each code point (but surrogates and those unassigned in this engine's Unicode) in
// each template's host, parsed like PAYLOAD.parse.
if (PAYLOAD.sweep !== null) {
  const { start, stop, step, templates } = PAYLOAD.sweep;
  checked.sweep = 0;
  for (let cp = start; cp < stop; cp += step) {
    const c = String.fromCodePoint(cp);
    if (/\p{Cs}|\p{Cn}/u.test(c)) continue;
    checked.sweep++;
    for (const t of templates) {
      const input = t.replace("*", c);
      const ours = parsed(Ours, input, null);
      const oracle = parsed(Oracle, input, null);
      if (ours.failure !== oracle.failure || ours.href !== oracle.href) {
        mismatches.push({ kind: "parse", input, base: null, component: "href", ours: ours.failure || ours.href, oracle: oracle.failure || oracle.href });
      }
    }
  }
}

console.log(JSON.stringify({ checked, mismatches }));
"""


def assert_agrees(mismatches: list[dict[str, Any]]) -> None:
    known = {("parse", inp, base) for inp, base, _ in KNOWN_DIFFERENCES}
    unexpected = [m for m in mismatches if (m["kind"], m["input"], m["base"]) not in known]
    if unexpected:
        lines = [
            f"{m['kind']} {m['input']!r} (base/setter {m['base']!r}) {m['component']}: "
            f"ours {m['ours']!r}, whatwg-url {m['oracle']!r}"
            for m in unexpected[:SHOWN]
        ]
        more = len(unexpected) - SHOWN
        if more > 0:
            lines.append(f"... and {more} more")
        pytest.fail(
            f"{len(unexpected)} mismatches with whatwg-url:\n" + "\n".join(lines), pytrace=False
        )


# ----------------------------------------------------------------------------- curated cases
# Our own cases, grouped like the URL Standard's sections. Absolute inputs are parsed with no
# base; RELATIVE inputs are resolved against every base in BASES.

SCHEMES_AND_SLASHES = [
    "http://example.com",
    "HTTP://EXAMPLE.COM/",
    "hTtPs://Ex.Com:443/",
    "https://ex.com:444",
    "ws://ex:80/",
    "wss://ex:443/chat",
    "WSS://ex:444",
    "ftp://ex:21/pub",
    "ftp://ex:22/pub",
    "http:example.com/a",
    "http:/example.com/a",
    "http:\\\\example.com\\a\\b",
    "http:///example.com/",
    "http:////example.com///",
    "https:\\/\\/ex.com",
    "http://",
    "http:///",
    "http:",
    "https://?x",
    "https://#x",
    "http://@/",
    "foo:",
    "foo://",
    "foo:///",
    "foo:////x",
    "foo://x",
    "foo://x/",
    "foo://x//y",
    "foo:/x/y",
    "foo:x/y",
    "FOO://Host/Path",
    "a+b-c.d://host/",
    "a1://h",
    "1a://h",
    "+a://h",
    "-a:b",
    ".a:b",
    "a_b://h",
    "a%62://h",
    "ht tp://h",
    "http ://h",
    "://h",
    ":",
    "",
    " ",
    "\\\\server\\share",
    "//example.com",
    "/path",
    "?query",
    "#hash",
    "web+demo://ex.com/x",
    "git+ssh://git@github.com:owner/repo.git",
    "ssh://git@host:22/x",
    "redis://:secret@host:6379/0",
]

PORTS = [
    "http://ex:0/",
    "http://ex:1",
    "http://ex:80",
    "http://ex:080",
    "http://ex:00080/",
    "http://ex:65535",
    "http://ex:65536",
    "http://ex:99999999999999999999",
    "http://ex:/",
    "http://ex:?q",
    "http://ex:#f",
    "http://ex::80",
    "http://ex:8a",
    "http://ex:a8",
    "http://ex:-1",
    "http://ex:+80",
    "http://ex: 80",
    "http://ex:8 0",
    "http://ex:8\t0/",
    "http://ex:1e3",
    "http://ex:0x50",
    "https://ex:443",
    "https://ex:80",
    "ws://ex:443",
    "wss://ex:443",
    "ftp://ex:21",
    "file://ex:80/",
    "file://:80/",
    "foo://ex:80",
    "foo://ex:0",
    "foo://ex:65536",
    "foo://ex:",
    "foo://:99",
    "foo://ex:99/x",
    "http://[::1]:80/",
    "http://[::1]:8080",
    "http://[::1]:",
    "http://[::1]80",
    "http://user@ex:81",
    "http://ex:81@ex2:82/",
]

CREDENTIALS = [
    "http://user@ex/",
    "http://user:@ex/",
    "http://:pass@ex/",
    "http://:@ex/",
    "http://@ex/",
    "http://a:b@ex:99/",
    "http://a:b:c@ex/",
    "http://a@b@ex/",
    "http://a:b@c:d@ex/",
    "http://us er:pa ss@ex/",
    "http://\u00fc:\u00f6@ex/",
    "http://a%40b:c%3Ad@ex/",
    "http://a%zz@ex/",
    "http://[::1]@ex/",
    "http://a[b]c:d@ex/",
    "http://user@/",
    "http://user:pass@/x",
    "http://user@:80/",
    "http://a\\b@ex/",
    "http://a/b@ex/",
    "http://a?b@ex/",
    "http://a#b@ex/",
    "http://!$&'()*+,;=:!$&'()*+,;=@ex/",
    'http://"<>`{}|^:"<>`{}|^@ex/',
    "http://\t\n@ex/",
    "http://\u0001:\u007f@ex/",
    "http://\U0001f600@ex/",
    "https://user:pass@ex.com:443/",
    "foo://user@ex/",
    "foo://user:pass@ex:1/x",
    "foo://user@",
    "foo://user@/x",
    "foo://:@ex",
    "foo://a\\b@ex/",
    "foo://@ex",
    "file://user@ex/x",
    "file://user:pass@/x",
    "mailto:user@ex.com",
    "ssh://a:b@[::1]:22/",
]

IPV4 = [
    "http://192.168.0.1/",
    "http://192.168.0.1./",
    "http://192.168.0.1../",
    "http://0x7f.1/",
    "http://0X7F.0.0.1/",
    "http://0177.0.0.1/",
    "http://0177.0.0.08/",
    "http://2130706433/",
    "http://4294967295/",
    "http://4294967296/",
    "http://0xffffffff/",
    "http://0x100000000/",
    "http://0x00000000000000000001/",
    "http://00000000000000000000000001/",
    "http://017700000001/",
    "http://0x7F000001/",
    "http://256.0.0.1/",
    "http://1.256.0.1/",
    "http://1.2.3.256",
    "http://1.2.65536",
    "http://1.2.65535",
    "http://1.16777215",
    "http://1.16777216",
    "http://1.2.3.4.5",
    "http://1.2.3.4.5.",
    "http://0x/",
    "http://0x.0x.0",
    "http://0x.1",
    "http://09/",
    "http://08.1",
    "http://0.0.0.0x100",
    "http://1.0x",
    "http://1.0xg",
    "http://1.0x1g",
    "http://999999999999999999999/",
    "http://1.2.3.09",
    "http://foo.09",
    "http://foo.0x4",
    "http://foo.0xg",
    "http://foo.1.2.3",
    "http://1.2.3.foo",
    "http://1.2.3.4foo",
    "http://%31%32%37.0.0.1/",
    "http://%30x7f.1/",
    "http://\uff11\uff12\uff17.0.0.1/",
    "http://0..0x300/",
    "http://.1/",
    "http://1..2/",
    "http://1.2.3.4/..",
    "http://0/",
    "http://00/",
    "http://0.0.0.0/",
    "http://0.00.000.0000/",
    "http://4.3.2.1.in-addr.arpa/",
    "http://1e2/",
    "http://0o7/",
    "http://0b1/",
    "http://-1/",
    "http://+1/",
    "http://1.2.3.4:80/",
    "foo://1.2.3.999/",
    "foo://0x7f.1/",
    "foo://999999999999/",
    "file://0x7f.1/x",
    "file://999999999999/x",
    "ws://127.1/",
    "ftp://10.0.0.0x1/",
]

IPV6 = [
    "http://[::]/",
    "http://[::1]",
    "http://[0:0:0:0:0:0:0:1]",
    "http://[0000:0000:0000:0000:0000:0000:0000:0001]/",
    "http://[1:0:0:2:0:0:0:3]/",
    "http://[1:0:0:0:2:0:0:3]/",
    "http://[1:0:0:2:0:0:3:4]/",
    "http://[1::]/",
    "http://[1:0::]/",
    "http://[0::]/",
    "http://[::0:0:1:0:0]/",
    "http://[1:0:0:1:0:0:0:0]/",
    "http://[0:0::0:0:8]/",
    "http://[::ffff:192.0.2.1]/",
    "http://[::ffff:c000:201]/",
    "http://[::127.0.0.1]/",
    "http://[::ffff:0:0]/",
    "http://[1:2:3:4:5:6:7:8]/",
    "http://[1:2:3:4:5:6:7:8:9]/",
    "http://[1:2:3:4:5:6:7::]/",
    "http://[::1:2:3:4:5:6:7]/",
    "http://[1:2:3:4:5:6:7::8]/",
    "http://[1::2::3]/",
    "http://[:1]/",
    "http://[1:]/",
    "http://[:::]/",
    "http://[12345::]/",
    "http://[ABCD:EF01::]/",
    "http://[abcd:ef01::Ab]/",
    "http://[g::]/",
    "http://[::1.2.3]/",
    "http://[::1.2.3.4.5]/",
    "http://[::01.2.3.4]/",
    "http://[::1.2.3.256]/",
    "http://[::1.2.3.]/",
    "http://[::1.2..3]/",
    "http://[::.1.2.3]/",
    "http://[::1.2.3.4x]/",
    "http://[::0.0.0.0]/",
    "http://[1:2:3:4:5:6:1.2.3.4]/",
    "http://[1:2:3:4:5:6:7:1.2.3.4]/",
    "http://[1:2:3:4:5::1.2.3.4]/",
    "http://[::ffff:1.2.3.4:5]/",
    "http://[1.2.3.4]/",
    "http://[::1]:8080/",
    "http://[::1",
    "http://::1]/",
    "http://[::1]x/",
    "http://[::1]]/",
    "http://[[::1]]/",
    "http://[%3A%3A1]/",
    "http://[::1%25eth0]/",
    "http://[::%31]/",
    "http://[ ::1]/",
    "http://[::1\t]/",
    "http://[]/",
    "http://[/",
    "http://]/",
    "http://a[::1]/",
    "http://[::1]a/",
    "foo://[::1]/",
    "foo://[::1",
    "foo://[v1.x]/",
    "foo://[::1]:99/",
    "foo://[1:2::3]x/",
    "file://[::1]/x",
    "file://[1:0::]/x",
]

HOSTS = [
    "http://EXAMPLE.COM/",
    "http://ExAmPlE.cOm./",
    "http://example.com../",
    "http://.example/",
    "http://a..b/",
    "http://a.b-.c/",
    "http://-a.b/",
    "http://a-.b/",
    "http://ex ample.com/",
    "http://ex%20ample.com/",
    "http://ex%41mple.com/",
    "http://ex%zzmple/",
    "http://ex%2/",
    "http://%/",
    "http://%25/",
    "http://%2525/",
    "http://%00/",
    "http://%7f/",
    "http://%ff/",
    "http://%c3%bc/",
    "http://%C3%9C/",
    "http://%e2%98%83/",
    "http://%ef%bc%a1/",
    "http://ex<.com/",
    "http://ex>/",
    "http://ex^/",
    "http://ex|/",
    "http://ex%7C/",
    "http://ex%5E/",
    "http://a*b/",
    "http://a~b/",
    "http://a_b/",
    "http://a!$&'()*+,;=b/",
    'http://a"b/',
    "http://a`b/",
    "http://a{b}/",
    "http://a\u0000b/",
    "http://a\u0001b/",
    "http://a\u001fb/",
    "http://a\u007fb/",
    "http://a\u000bb/",
    "http://a\u000cb/",
    "http://a\u00a0b/",
    "http://\u00a0/",
    "http://a%2Fb/",
    "http://a%3Ab/",
    "http://a%40b/",
    "http://a%23b/",
    "http://a%3Fb/",
    "http://a%5Cb/",
    "http://a%5B::1%5D/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://xn--/",
    "http://xn--a/",
    "http://xn--zz/",
    "http://xn--ls8h/",
    "http://XN--LS8H/",
    "http://xn--mnchen-3ya.de/",
    "http://XN--MNCHEN-3YA.DE/",
    "http://xn--mnchen-3ya-.de/",
    "http://xn--nxasmq6b/",
    "http://xn--a.xn--nxasmq6b/",
    "http://xn---/",
    "http://xn--0/",
    "http://a.xn--/",
    "http://xn--zca/",
    "http://xn--Zca/",
    "http://m\u00fcnchen.de/",
    "http://M\u00dcNCHEN.DE/",
    "http://mu\u0308nchen.de/",
    "http://fa\u00df.de/",
    "http://FA\u00df.DE/",
    "http://\u03c3\u03bf\u03c6\u03af\u03b1.gr/",
    "http://\u03a3\u039f\u03a6\u0399\u0391.gr/",
    "http://\u03bd\u03b5\u03c2.gr/",
    "http://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444/",
    "http://\u041f\u0420\u0418\u041c\u0415\u0420.\u0420\u0424/",
    "http://\u4f8b\u3048.\u30c6\u30b9\u30c8/",
    "http://\u4e2d\u6587.\u4e2d\u56fd/",
    "http://\u2603.net/",
    "http://\U0001f600.example/",
    "http://example\u3002com/",
    "http://example\uff0ecom/",
    "http://example\uff61com/",
    "http://\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.com/",
    "http://ex\u00adample.com/",
    "http://caf\u00e9.fr/",
    "http://cafe\u0301.fr/",
    "http://CAF\u00c9.fr/",
    "http://\u00e9.\u00e9.\u00e9/",
    "http://ab\u00e7d.\u00e7om/",
    "http://a.b.c.\u00fc/",
    "http://\u00fc.1/",
    "http://\u00fc.0x1/",
    "http://\ufffd/",
    "http://a\ufffdb/",
    "http://\ud800/",
    "http://a\udfffb.com/",
    "http://%ed%a0%80/",
    "http://%80/",
    "http://\u0130stanbul.tr/",
    "http://K\u0130/",
    "http://\u1e9e.de/",
    "http://\u2168.com/",
    "foo://ex%20ample/",
    "foo://ex ample/",
    "foo://ex<>/",
    "foo://M\u00dcNCHEN/",
    "foo://%41/",
    "foo://a%00/",
    "foo://a\u0000/",
    "foo://ex^/",
    "foo://ex|/",
    "foo://ex'/",
    'foo://ex"/',
    "foo://ex`{}/",
    "foo://ex%zz/",
    "foo://a\u007fb/",
    "foo://a\u00a0b/",
    "foo://xn--/",
    "foo://EX.COM/",
    "foo://1.2.3.4./",
    "ws://M\u00dcNCHEN.de/",
    "ftp://\u00fc/",
]

# UTS #46 as the URL Standard uses it (nontransitional, CheckBidi, CheckJoiners, no STD3).
IDNA = [
    "http://\u0661.com/",
    "http://\u0661\u0662/",
    "http://a\u0661/",
    "http://\u05d0\u05d1.com/",
    "http://\u05d0\u05d1.\u05d2\u05d3/",
    "http://\u05d0a/",
    "http://a\u05d0/",
    "http://\u05d01/",
    "http://1\u05d0/",
    "http://\u05d0-1/",
    "http://\u05d0\u0661\u06f1/",
    "http://\u05d0\u0300/",
    "http://\u05d0.a1/",
    "http://\u05d0.1a/",
    "http://\u05d0.a-/",
    "http://\u05d0.\u00e9\u0301/",
    "http://\u0627\u0644\u0639\u0631\u0628\u064a\u0629.\u0645\u0635\u0631/",
    "http://\u0645\u062b\u0627\u0644.\u0625\u062e\u062a\u0628\u0627\u0631/",
    "http://\u0627\u0660\u0661/",
    "http://\u0627\u06f0\u0661/",
    "http://\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.ir/",
    "http://\u0648\u200c\u062e.ir/",
    "http://\u0628\u200c\u064b\u0628.ir/",
    "http://\u200c\u0628.ir/",
    "http://a\u200cb/",
    "http://a\u200db/",
    "http://\u0915\u094d\u200d\u0937/",
    "http://\u0915\u094d\u200c\u0937/",
    "http://\u0300a.com/",
    "http://a.\u0301b/",
    "http://a\u0300.com/",
    "http://\u2488.com/",
    "http://\u2474.com/",
    "http://\u33c2.com/",
    "http://\ufe52.com/",
    "http://\u2024.com/",
    "http://a\u200bb.com/",
    "http://a\u2060b.com/",
    "http://a\ufe0fb.com/",
    "http://a\u180bb.com/",
    "http://a\u200eb.com/",
    "http://a\u202eb.com/",
    "http://a\u2028b.com/",
    "http://a\u0085b.com/",
    "http://a\ue000b.com/",
    "http://a\ufdd0b.com/",
    "http://a\uffffb.com/",
    "http://a\U000e0001b.com/",
    "http://\U0001f1fa\U0001f1f8.com/",
    "http://xn--zz.\u00fc/",
    "http://xn--.\u00fc/",
    "http://xn--a.\u00fc/",
    "http://xn--ls8h.\u00fc/",
    "http://XN--LS8H.\u00fc/",
    "http://xn--mnchen-3ya.\u00fc/",
    "http://xn--mnchen-3yA.\u00fc/",
    "http://xn--abc.\u00fc/",
    "http://xn--abc-.\u00fc/",
    "http://xn--99999999999.\u00fc/",
    "http://xn--n3h\u00fc/",
    "http://xn--zca.\u00fc/",
    "http://xn--ss-.\u00fc/",
    "http://\u00fc.xn--nxasmq6b/",
    "http://\u00fc.xn--4db/",
    "http://\u00fc.xn--9hb/",
    "http://\u00fc.xn--xn--a-/",
    "http://\u1f80.gr/",
    "http://\u1f88.gr/",
    "http://\u1fb3\u05b0.gr/",
    "http://\u037a.gr/",
    "http://\u03f2.gr/",
    "http://\u03a3\u0391\u03a3.gr/",
    "http://\u03c2.gr/",
    "http://\U0001d6d3.gr/",
    "http://\u13a0\uab70.com/",
    "http://\u13f8.com/",
    "http://\u1c80.ru/",
    "http://\u01c4.com/",
    "http://\u0130.com/",
    "http://\u1e9e.com/",
    "http://\u00c5.com/",
    "http://\u212b.com/",
    "http://A\u030a.com/",
    "http://\u2126.com/",
    "http://\ufb01.com/",
    "http://\u3164.com/",
    "http://a\u3164b.com/",
    "http://\uffa0.com/",
    "http://\u1100\u1161\u11a8.kr/",
    "http://\ud55c\uad6d.kr/",
    "http://\uff21\uff22\uff23.\uff44\uff45/",
    "http://\uff10\uff58\uff17\uff26.1/",
    "http://\u2460.com/",
    "http://\u00b2.com/",
    "http://\u00aa.com/",
    "http://\u00b5.com/",
    "http://\u2100.com/",
    "http://\u2103.com/",
    "http://\u00bd.com/",
    "http://\u00a8.com/",
    "http://\u2000.com/",
    "http://\u3000.com/",
    "http://a\u3002b\uff0ec\uff61d/",
    "http://\u00fc\u3002/",
    "http://\u00fc../",
    "http://.\u00fc/",
    "http://\u00fc.-/",
    "http://-\u00fc-/",
    "http://\u00fc--a/",
    "http://ab--\u00fc/",
    "http://\u00fc.123/",
    "http://\u00fc.0x7f/",
    "http://\u00fc%41/",
    "http://\u00fc%2e/",
    "http://%C3%BC%2e%41/",
    "http://%EF%BB%BFxn--zz/",
    "http://\ufeffxn--zz/",
    "http://a\ufeffb/",
    "http://\u00fc\u0000/",
    "http://\u00fc /",
    "http://\u00fc%20/",
    "http://\u00fc<>/",
    "http://\u00fc^/",
    "http://\u00fc%/",
    "foo://\u0661/",
    "foo://\u2488/",
    "file://\u0661/x",
    "file://\u00fc\u00fc/x",
]

FILES = [
    "file:///C:/x",
    "file:///c|/x",
    "file:///C|\\x",
    "file://C:/x",
    "file://c|/x",
    "file:C:/x",
    "file:C|x",
    "file:/C:/x",
    "file:\\\\C:\\x",
    "file:\\C:\\x",
    "file:///C:",
    "file:///C:/",
    "file:///C:/../..",
    "file:///C:/a/../../b",
    "file:///C:/a/%2e%2e/%2E%2E/b",
    "file:///c:/..",
    "file:///C%3A/x",
    "file:///C%7C/x",
    "file:///ab:/x",
    "file:///a:b/c",
    "file:///1:/x",
    "file:c:",
    "file:/C|",
    "file:C",
    "file://localhost/x",
    "file://LOCALHOST/x",
    "file://localhost./x",
    "file://localhost:/x",
    "file://localhost",
    "file://localhost/C:/x",
    "file://host/x",
    "file://HOST/x",
    "file://ho%41st/x",
    "file://1.2.3.4/x",
    "file://a b/x",
    "file://a%20b/x",
    "file://a<b/x",
    "file://\u00fc/x",
    "file://xn--/x",
    "file://h/C:/x/../../..",
    "file://h/C:",
    "file://h/x/..",
    "file:///x/..",
    "file:///x/.",
    "file:///x/./",
    "file:..",
    "file:.",
    "file:x",
    "file:x/../y",
    "file:?q",
    "file:#h",
    "file:",
    "file:/",
    "file://",
    "file:///",
    "file:////x",
    "file://///x",
    "file:\\\\server\\share\\x",
    "file:/\\x",
    "file:\\/x",
    "file://\\x",
    "FILE:///X",
    "File://Host/X",
    "file:///x?q#h",
    "file:///x y/a%zz\u00fc",
    "file:///C:/a b/",
    "file://h:80/x",
    "file://user@h/x",
    "file:///\u00e9",
    "file://\u00a0/",
]

OPAQUE = [
    "mailto:a@b.c",
    "MAILTO:A@B.C",
    'mailto:a b<>"`{}|^@ex',
    "mailto:?subject=hi there",
    "mailto:x#frag ment",
    "javascript:alert(1)",
    "javascript:/x/",
    "JavaScript:void(0)",
    "javascript:a%20b",
    "data:text/html,<b>hi</b>",
    "data:,",
    "data:, spaces ",
    "data:text/plain;base64,SGk=",
    "data:\u00fc",
    "sc:\\../",
    "sc: x ",
    "sc:a%zz",
    "sc:\u00fc\U0001f600",
    "sc:\u0001\u007f\u0080",
    "sc:x\ty\nz",
    "sc:?q",
    "sc:#f",
    "sc:",
    "sc:/",
    "sc://",
    "sc:/./x",
    "sc:/../x",
    "sc:/.//x",
    "sc:/..//x",
    "sc:/a/..//x",
    "sc:/%2e//x",
    "sc://h/.//x",
    "sc:/.//",
    "sc://@/",
    "web+demo:/.//not-a-host/",
    "sc:a b#c d",
    "sc:a b?c d",
    "sc:a?b\"c'd",
    'sc:a#b"c`d',
    "urn:isbn:0451450523",
    "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
    "tel:+1-800-555",
    "about:blank",
    "about:blank?x#y",
    "about:srcdoc",
    "blob:https://example.com/uuid",
    "blob:http://ex:8080/x",
    "blob:https://ex:443/x",
    "blob:ftp://ex/x",
    "blob:ws://ex/x",
    "blob:null/x",
    "blob:foo://ex/",
    "blob:blob:https://ex/",
    "blob:",
    "blob:%20https://ex/",
    "blob:file:///x",
    "blob:data:,x",
    "BLOB:https://ex/",
    "blob:HTTPS://EX/",
    "blob:https://user@ex:444/",
    "blob:https:ex",
    "blob:///https://ex/",
    "blob://h/x",
    "blob:d3958f5c-0777-0845-9dcf-2cb28783acaf",
]

PERCENT_ENCODING = [
    prefix + ALL
    for ALL in ("".join(chr(c) for c in range(0x21, 0x7F)) + " \u0080\u00ff\u0100\u4e2d",)
    for prefix in (
        "http://ex/",
        "http://ex/?",
        "http://ex/#",
        "foo://ex/",
        "foo://ex/?",
        "foo://ex/#",
        "foo:",
        "foo:?",
        "file:///",
    )
] + [
    "http://ex/%",
    "http://ex/%2",
    "http://ex/%zz%ZZ%2g",
    "http://ex/%41%2f%2F%5c%25",
    "http://ex/a%2fb/%2e/%2E%2e/c",
    "http://ex/\u0000\u001f\u007f",
    "http://ex/?\u0000\u001f\u007f",
    "http://ex/#\u0000\u001f\u007f",
    "http://ex/\ud800",
    "http://ex/?\udc00x",
    "http://ex/#\ud83d",
    "http://ex/\U0001f600?\U0001f600#\U0001f600",
    "http://ex/'?'#'",
    "foo://ex/'?'#'",
    "http://ex/?a=b&c=d e&f=g+h",
    "http://ex/?#",
    "http://ex/#?",
    "http://ex/##",
    "http://ex/??",
    "http://ex/a?b?c#d#e",
    "http://ex/{}|^`",
    "http://ex/a\\b\\c",
    "foo://ex/a\\b\\c",
    "http://ex/a/./b/../c/.",
    "http://ex/a/.%2e/b",
    "http://ex/a/%2e./b",
    "http://ex/a/%2E%2E",
    "http://ex/a/..%2f",
    "http://ex/a/...",
    "http://ex/a/.../b",
    "http://ex/a/..b",
    "http://ex/a/.b",
    "http://ex/./",
    "http://ex/.",
    "http://ex/..",
    "http://ex/../../..",
    "http://ex/..\\..\\x",
    "foo://ex/a/./b/../c",
    "foo://ex/..",
    "foo://ex",
    "foo://ex?q",
    "foo://ex#f",
    "foo:/a/../..",
    "foo:/..",
    "foo:/./",
    "foo:/.",
    "http://ex/;a=b;c",
    "http://ex/a%3Fb%23c",
]

WHITESPACE = [
    "\u0000\u001f http://ex/ \u0000",
    "\u0001http://ex/\u001f",
    "  http://ex/  ",
    "\u00a0http://ex/",
    "http://ex/\u00a0",
    "\thttp://e\tx/\n",
    "http://ex/\r\npath",
    "h\tt\ntp://ex",
    "http:\t//ex",
    "http://ex/a\u000bb",
    "http://ex/a\u000cb",
    "http://e\nx.c\rom/",
    "http://ex/ a b ",
    "http://ex/?\ta b\n",
    "http://ex/#\ta b\n",
    "http://ex:8\n0/",
    "http://u\ts:p\nw@ex/",
    "foo://ex/ a ",
    "foo: a ",
    "foo:a \t",
    "\u3000http://ex/",
    "http://ex/\ufeff",
    "\ufeffhttp://ex/",
    " \t\n\r\u0000",
]

# Relative references: resolved against each base below.
RELATIVE = [
    "",
    " ",
    ".",
    "..",
    "./",
    "../",
    "../../../../x",
    "/",
    "//",
    "///",
    "////x",
    "?",
    "#",
    "?x",
    "#y",
    "?x#y",
    "a",
    "a/",
    "/a/./b/../c",
    "%2e",
    "%2E%2e/x",
    ".%2e/x",
    "%2e./x",
    "a/%2e%2e",
    "a/..%2f",
    "\\x",
    "\\\\other\\y",
    "/\\other/y",
    "\\/other/y",
    "//other",
    "///other",
    "//other:99/p",
    "//@h",
    "//u:p@h:1/p?q#f",
    "//[::1]/",
    "//%/",
    "x:y",
    "http:rel",
    "http:/abs",
    "http:\\\\host",
    "http:",
    "HTTP:rel",
    "https:rel",
    "foo:rel",
    "foo:/abs",
    "file:rel",
    "file:",
    "mailto:x",
    "a b",
    "\ta\nb\r",
    "c:/d",
    "C|/x",
    "/C:/x",
    "C:",
    "C|",
    "..\\..",
    ";x",
    "?a=b&c",
    "#a#b",
    "a?b#c",
    "\u00fc",
    "//\u00fc/",
    "//EX.COM:80/",
    "./a:b",
    "a:b",
    "1:2",
    "/..",
    "/.",
    "/./..//",
]

BASES: list[str] = [
    "http://user:pass@example.org:8080/dir/sub/file.html?q=1#frag",
    "https://example.com/",
    "https://example.com",
    "ws://sock.example/chat/room",
    "file:///C:/Users/me/doc.txt",
    "file://server/share/dir/x",
    "file:///",
    "file:///tmp/a/",
    "foo://host/a/b/c",
    "foo://host",
    "foo:/a/b",
    "foo:///a",
    "foo://",
    "mailto:someone@example.net",
    "data:text/plain,hello?x#y",
    "sc:opaque",
]

# Bases that fail, and odd bases.
BAD_BASES = [
    ("x", ""),
    ("x", "not a url"),
    ("x", "/relative"),
    ("x", "http://"),
    ("x", "http://ex:99999/"),
    ("http://absolute/", "not a url"),
    ("#f", "mailto:x"),
    ("?q", "mailto:x"),
    ("", "mailto:x#old"),
    ("x", "mailto:x"),
    ("x", "blob:https://ex/uuid"),
    ("", "http://ex/p?q#f"),
    ("#", "http://ex/p?q#f"),
    ("?", "http://ex/p?q#f"),
    ("//h", "mailto:x"),
    ("\u0000", "http://ex/"),
    ("http:", "http://ex/p"),
    ("http:?q", "http://ex/p"),
    ("http:#f", "http://ex/p"),
    ("https:", "http://ex/p"),
    ("file:", "file://h/a/b?q#f"),
    ("file:?x", "file://h/a/b?q#f"),
    ("file:#x", "file://h/a/b?q#f"),
    ("file:c:/x", "file://h/a/b"),
    ("c:", "file:///D:/a/b"),
    ("/c:", "file:///D:/a/b"),
    ("..", "file:///D:/"),
    ("../..", "file:///D:/a"),
    ("/x", "file:///D:/a"),
    ("//x", "file:///D:/a"),
    ("///x", "file:///D:/a"),
    ("\\\\x\\y", "file:///D:/a"),
    ("x", "file://h/D:/a"),
    ("/x", "file://h/D:/a"),
    ("/D:", "file://h/a"),
    ("D|", "file://h/a/b"),
    ("D:/x/../../..", "file:///a"),
]

CURATED_ABSOLUTE = (
    SCHEMES_AND_SLASHES
    + PORTS
    + CREDENTIALS
    + IPV4
    + IPV6
    + HOSTS
    + IDNA
    + FILES
    + OPAQUE
    + PERCENT_ENCODING
    + WHITESPACE
)
CURATED_PARSE: list[tuple[str, str | None]] = [
    *((s, None) for s in CURATED_ABSOLUTE),
    *itertools.product(RELATIVE, BASES),
    *BAD_BASES,
]

SETTER_URLS = [
    "http://u:p@ex.com:8080/p/a?q#f",
    "https://ex.com/",
    "ws://ex/x",
    "file:///C:/dir/f",
    "file://host/f",
    "file:///x",
    "foo://h/p?q#f",
    "foo://h",
    "foo:/p",
    "foo://",
    "mailto:x@y?s#h",
    "data:,x",
    "http://[::1]:99/",
    "blob:https://ex/uuid",
]

SETTER_VALUES: dict[str, list[str]] = {
    "protocol": [
        "https",
        "HTTPS:",
        "ftp:",
        "file",
        "foo",
        "mailto:",
        "http:junk",
        "ws://x",
        "1x",
        "",
        ":",
        "h t t p",
        "ws\t",
        "a+b",
    ],
    "username": ["me", "m e", "@:/", "", "\u00fc", "%41", "a\u0000b"],
    "password": ["pw", "p w", "@:/", "", "\u00fc", "%zz"],
    "host": [
        "other.com",
        "other.com:99",
        "other:80",
        "other:443",
        "[::1]:3",
        "[::1",
        "a b",
        "",
        "x/y",
        "x?y",
        "x#y",
        "x\\y",
        "ex.com:",
        "ex.com:abc",
        "ex.com:99999",
        "ex.com:12abc",
        "%41",
        "xn--",
        "M\u00dcNCHEN",
        "a@b",
        "1.2.3.4.5",
        "0x7f.1",
        "localhost",
        ":99",
        "x:\t8",
    ],
    "hostname": [
        "other",
        "other:99",
        "[::2]",
        "[::2]:9",
        "",
        "a@b",
        "a b",
        "x/y",
        "ex\u00e4mple",
        "localhost",
        "0x100000000",
    ],
    "port": ["8080", "80", "443", "", "abc", "12abc", "99999", "0", " 1", "-1", "65535", "1\t2"],
    "pathname": [
        "/new",
        "new",
        "a/../b",
        "\\x\\y",
        "%2e%2e",
        " sp ",
        "?#",
        "",
        "//x",
        "C:/z",
        "/./..//",
        "\u00fc",
    ],
    "search": ["x=y", "?x=y", "", "?", "a b#c", "\u00fc'", "??"],
    "hash": ["x", "#x", "", "#", "a b`<>", "\u00fc", "##"],
    "href": [
        "http://new/",
        "not a url",
        "",
        "foo:bar",
        "relative/path",
        "HTTPS://U:P@H:443/p?q#f",
    ],
}

CURATED_SETTERS: list[tuple[str, str, str]] = [
    (url, setter, value)
    for url in SETTER_URLS
    for setter, values in SETTER_VALUES.items()
    for value in values
]

QUERIES = [
    "",
    "?",
    "??a",
    "a=b",
    "?a=b&c=d",
    "a=b=c",
    "=a",
    "a=",
    "=",
    "&&a&&",
    "a+b=c+d",
    "a%20b=%2B",
    "%zz=%4",
    "%e2%98%83=%C3",
    "%ff%fe=%c3%28",
    "a=1&a=2&b=0&a=3",
    "\u00fc=\u00df",
    "z=1&y=2&x=3&y=1",
    "\U0001f600=x&\ufffd=y&\uffff=z",
    "a;b=c",
    "+=+",
    "%=%",
    "a=b#c",
    "~!*()'=~!*()'",
    "a\u0000b=\u0001",
    "\ud800=\udc00",
    "a b=c d",
    "a=%2526",
    "\ufeffa=\ufeffb&\ufeff=\ufeff\ufeff",
    "%EF%BB%BFa=%ef%bb%bf%ef%bb%bfb",
    "%EF%BB=%BF",
]


def _params_cases() -> list[tuple[str, list[list[Any]]]]:
    ops: list[list[Any]] = [
        ["sort"],
        ["append", "a b", "c&d=e"],
        ["set", "a", "\u00fc"],
        ["get", "a"],
        ["getAll", "a"],
        ["has", "a", "2"],
        ["delete", "a", "1"],
        ["delete", "a"],
        ["toString"],
    ]
    cases = [(json.dumps(q), ops) for q in QUERIES]
    cases += [
        (json.dumps(init), [["sort"], ["toString"]])
        for init in (
            {"a": "1", "b": "2 3", "\u00fc": "~"},
            [["z", "1"], ["a", "2"], ["z", "0"]],
            [["", ""]],
            {},
        )
    ]
    url_ops: list[list[Any]] = [
        ["append", "x", "1 2"],
        ["delete", "x"],
        ["search", "?p=q r"],
        ["set", "p", "'"],
        ["sort"],
        ["delete", "p"],
        ["search", ""],
        ["append", "k", ""],
    ]
    cases += [
        ("url:" + u, url_ops)
        for u in (
            "http://ex/?b=2&a=1#f",
            "http://ex/",
            "http://ex/?",
            "foo://h/p?a=%20b",
            "foo:opaque?x=y#f",
            "foo:opaque ?x=y",
            "file:///p?\u00fc=1",
        )
    ]
    return cases


CURATED_PARAMS = _params_cases()


def test_curated_cases_are_many_and_distinct() -> None:
    assert len(CURATED_PARSE) >= 500
    assert len(set(CURATED_PARSE)) == len(CURATED_PARSE)


def test_known_differences(oracle: Oracle) -> None:
    cases = [(inp, base) for inp, base, _ in KNOWN_DIFFERENCES]
    differ = {(m["input"], m["base"]) for m in oracle.mismatches(parse=cases)}
    assert [case for case in cases if case not in differ] == [], "no longer differ: unlist them"


def test_curated_parse(oracle: Oracle) -> None:
    assert_agrees(oracle.mismatches(parse=CURATED_PARSE))


def test_idna_code_point_sweep(oracle: Oracle) -> None:
    # Every 127th code point up to U+31FFF (the planes with assigned ones), inside a label and
    # next to a right-to-left one. (Every code point agreed when this was written.)
    sweep = {
        "start": 0x80,
        "stop": 0x32000,
        "step": 127,
        "templates": ["http://a*b.example/", "http://*.\u05d0/"],
    }
    mismatches = oracle.mismatches(sweep=sweep)
    assert oracle.checked["sweep"] > 1000
    assert_agrees(mismatches)


def test_curated_setters(oracle: Oracle) -> None:
    assert_agrees(oracle.mismatches(setters=CURATED_SETTERS))


def test_curated_search_params(oracle: Oracle) -> None:
    assert_agrees(oracle.mismatches(params=CURATED_PARAMS))


# ----------------------------------------------------------------------------- generated cases
# URL-ish strings from URL-significant pieces. No code point here is newer than Unicode 16
# (see KNOWN_DIFFERENCES).

SCHEME_PIECES = [
    "http:",
    "https:",
    "HTTP:",
    "ws:",
    "wss:",
    "ftp:",
    "file:",
    "FILE:",
    "foo:",
    "sc:",
    "a+b.c-d:",
    "mailto:",
    "javascript:",
    "data:",
    "blob:",
    "urn:",
    "C:",
    "c|",
    "",
    "",
]
PIECES = [
    *("//", "///", "/", "\\", "\\\\", "@", ":", "::", "[", "]", "?", "#", "&", "=", "+"),
    *(";", ",", "-", "_", "~", "'", '"', "<", ">", "^", "`", "{", "}", "|", "!", "$", "*"),
    *("%", "%2e", "%2E", "%2f", "%5C", "%40", "%41", "%zz", "%00", "%ff", "%c3%bc", "%e2%80"),
    *("0x", "0X1f", "0", "1", "08", "127", "255", "256", "4294967296", "99999", "7", "f"),
    *("a", "B", "ex", "com", "xn--", "xn--ls8h", "localhost", "http", "file"),
    *(".", "..", "...", ".", "1.2.3.4", "[::1]", "[1::2:3]", "::ffff:1.2.3.4"),
    *(" ", "\t", "\n", "\r", "\x00", "\x01", "\x1f", "\x7f", "\u00a0", "\u3000", "\ufeff"),
    *("\u00e9", "\u00fc", "\u00dc", "\u00df", "\u03c2", "\u03a3", "\u4e2d", "\u6587"),
    *("\u044f", "\u042f", "\uff46", "\u2168", "\u0301", "\u00ad", "\u200b", "\ufffd"),
    *("\U0001f600", "\ud800", "\u05d0", "\u0627", "\u0661", "\u200c", "\u200d", "\u094d"),
    *("\u0915", "\u3002", "\uff0e", "\u2488", "\u1f80", "\u0130"),
]
GENERATED_BASES = [*BASES, "http://ex/a/b", "file:///C:/a/b", "foo://h/a/b", "sc:x"]

pieces = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)
few_pieces = st.lists(st.sampled_from(PIECES), max_size=3).map("".join)
HOST_PIECES = [
    *("ex", "EX", "a.b", "xn--", "localhost", "0x7f", "1", "256", "08", "0.0", "1.2.3", ""),
    *("[::1]", "[::ffff:1.2.3.4]", "[1:2:3:4:5:6:7:8]", "[", "]", "%41", "%2e", "%", " "),
    *("\u00fc", "\u00dc", "\u00df", "\uff21", "\u05d0", "\u0661", "\u200c", "\u00ad"),
]
# scheme, slashes, [userinfo@]host[:port], path, [?query], [#fragment]
structured = st.builds(
    lambda scheme, slashes, user, host, port, path, query, fragment: (
        scheme + slashes + user + host + port + path + query + fragment
    ),
    st.sampled_from(SCHEME_PIECES),
    st.sampled_from(["//", "///", "/", "\\\\", "/\\", "", "////"]),
    st.one_of(st.just(""), st.builds(lambda u: u + "@", few_pieces)),
    st.lists(st.sampled_from(HOST_PIECES), max_size=4).map(".".join),
    st.one_of(
        st.just(""),
        st.builds(
            lambda p: ":" + p, st.sampled_from(["", "0", "80", "443", "21", "65536", "8a", "00"])
        ),
    ),
    st.lists(
        st.one_of(st.sampled_from([".", "..", "%2e", ".%2E", "C:", "c|", ""]), few_pieces),
        max_size=4,
    ).map(lambda segs: "".join("/" + seg for seg in segs)),
    st.one_of(st.just(""), st.builds(lambda q: "?" + q, few_pieces)),
    st.one_of(st.just(""), st.builds(lambda f: "#" + f, few_pieces)),
)
url_ish = st.one_of(
    st.builds(lambda scheme, rest: scheme + rest, st.sampled_from(SCHEME_PIECES), pieces),
    structured,
)
bases = st.one_of(
    st.none(),
    st.sampled_from(GENERATED_BASES),
    st.builds(lambda s, rest: s + "//" + rest, st.sampled_from(SCHEME_PIECES[:10]), pieces),
    structured,
)
setter_checks = st.tuples(
    st.one_of(st.sampled_from(SETTER_URLS), url_ish),
    st.sampled_from(sorted(SETTER_VALUES)),
    st.one_of(pieces, st.sampled_from([v for vs in SETTER_VALUES.values() for v in vs])),
)
query_checks = st.builds(
    lambda q, ops: (json.dumps(q), ops),
    pieces,
    st.lists(
        st.one_of(
            st.just(["sort"]),
            st.builds(lambda n, v: ["append", n, v], pieces, pieces),
            st.builds(lambda n, v: ["set", n, v], pieces, pieces),
            st.builds(lambda n: ["delete", n], pieces),
        ),
        max_size=3,
    ),
)

# No shrinking: each example is one guest run, and a failure already names every mismatch.
GENERATED = settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# 50 cases per example: hypothesis's choice buffer overruns at ~200 of these tuples, and it
# then retries for minutes. More examples instead.
@settings(GENERATED, max_examples=24)
@given(cases=st.lists(st.tuples(url_ish, bases), min_size=50, max_size=50))
def test_generated_parse(oracle: Oracle, cases: list[tuple[str, str | None]]) -> None:
    assert_agrees(oracle.mismatches(parse=cases))


@GENERATED
@given(
    setters=st.lists(setter_checks, min_size=100, max_size=100),
    params=st.lists(query_checks, min_size=50, max_size=50),
)
def test_generated_setters_and_search_params(
    oracle: Oracle,
    setters: list[tuple[str, str, str]],
    params: list[tuple[str, list[list[Any]]]],
) -> None:
    # A generated URL that does not parse makes no setter check (both would throw alike).
    assert_agrees(oracle.mismatches(setters=setters, params=params))
