// Guest output, shown as text. At most RENDER_CAP characters go into the page at first, so a
// 10 MB stdout does not freeze it; "Show all" renders the rest on request and "Download"
// saves the whole text as a file.

import { h } from "./dom.js";

export const RENDER_CAP = 1 << 20;

export function outputBlock(label, text, { name = "output.txt", testid } = {}) {
	const value = text ?? "";
	const pre = h("pre", { class: "output", "data-testid": testid });
	const note = h("p", { class: "note" });
	const actions = h("div", { class: "actions" });
	if (value.length > RENDER_CAP) {
		pre.textContent = value.slice(0, RENDER_CAP);
		note.textContent = `Showing the first ${RENDER_CAP.toLocaleString()} of ${value.length.toLocaleString()} characters.`;
		const showAll = h("button", {
			type: "button",
			class: "small",
			onclick: () => {
				pre.textContent = value;
				note.textContent = `All ${value.length.toLocaleString()} characters.`;
				showAll.remove();
			},
			text: "Show all",
		});
		actions.append(showAll);
	} else {
		pre.textContent = value;
	}
	if (value.length > 0) {
		actions.append(
			h("button", {
				type: "button",
				class: "small",
				onclick: () => download(name, value),
				text: "Download",
			}),
		);
	}
	return h(
		"section",
		{ class: "stream" },
		h("header", {}, h("h4", {}, label), actions),
		value.length === 0 ? h("p", { class: "muted", text: "(empty)" }) : null,
		note,
		value.length === 0 ? null : pre,
	);
}

export function download(name, text) {
	const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
	const link = h("a", { href: url, download: name });
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// The facts of one ExecuteResponse: exit code, duration, fuel, limit hit, then its streams.
export function runFacts(run) {
	const limit = run.limit_hit;
	return h(
		"dl",
		{ class: "facts", "data-testid": "run-facts" },
		fact("Exit code", String(run.exit_code), run.exit_code === 0 ? "ok" : "bad", "exit-code"),
		fact("Duration", `${run.duration} ms`, "", "duration"),
		fact("Fuel used", run.fuel_used === null || run.fuel_used === undefined ? "not counted" : run.fuel_used.toLocaleString(), "", "fuel"),
		fact("Limit hit", limit || "none", limit ? "bad" : "", "limit-hit"),
		fact("Execution", run.id || "", "", "execution-id"),
	);
}

function fact(name, value, tone, testid) {
	return h("div", { class: `fact ${tone}` }, h("dt", {}, name), h("dd", { "data-testid": testid }, value));
}

export function runStreams(run) {
	const files = (run.files || []).map((file) => outputBlock(`File ${file.path} (${file.encoding})`, file.contents, { name: file.path.split("/").pop() || "file" }));
	return [outputBlock("stdout", run.stdout, { name: "stdout.txt", testid: "stdout" }), outputBlock("stderr", run.stderr, { name: "stderr.txt", testid: "stderr" }), files];
}
