// History: GET /v1/executions a page at a time (newest first), with filters, and one
// execution's request and response (GET /v1/executions/{id}; secrets are redacted as stored).
//
// The API filters non-zero exits itself (`only_non_zero_exit_codes`); language, kind, tool and
// date are applied here to each page it returns.

import { api, query, runOf } from "../api.js";
import { append, field, fill, formatDate, h, json } from "../dom.js";
import { outputBlock, runFacts, runStreams } from "../output.js";
import { errorBox, link, table } from "./common.js";

const PAGE = 50;
const filters = { language: "", kind: "", tool: "", nonZero: false, from: "", to: "" };

export function matches(execution, f) {
	if (f.language && execution.language !== f.language) return false;
	const details = execution.details;
	if (f.kind && (!details || details.type !== f.kind)) return false;
	if (f.tool && (!details || details.type !== "tool" || !details.tool_id.includes(f.tool))) return false;
	const started = new Date(execution.started_at).getTime();
	if (f.from && started < new Date(`${f.from}T00:00:00`).getTime()) return false;
	if (f.to && started >= new Date(`${f.to}T00:00:00`).getTime() + 86400000) return false;
	return true;
}

export function history(container) {
	const cursors = [null];
	const language = h(
		"select",
		{ "data-testid": "filter-language" },
		h("option", { value: "" }, "any"),
		["python", "javascript", "typescript", "ruby", "php"].map((name) => h("option", { value: name }, name)),
	);
	const kind = h("select", { "data-testid": "filter-kind" }, h("option", { value: "" }, "any"), ["script", "function", "tool", "session"].map((name) => h("option", { value: name }, name)));
	const tool = h("input", { type: "text", placeholder: "tool_...", "data-testid": "filter-tool" });
	const nonZero = h("input", { type: "checkbox", "data-testid": "filter-nonzero" });
	const from = h("input", { type: "date" });
	const to = h("input", { type: "date" });
	language.value = filters.language;
	kind.value = filters.kind;
	tool.value = filters.tool;
	nonZero.checked = filters.nonZero;
	from.value = filters.from;
	to.value = filters.to;
	const list = h("div", { class: "list", "data-testid": "history-list", "aria-busy": "true" });
	const newer = h("button", { type: "button", class: "small", "data-testid": "page-newer" }, "← Newer");
	const older = h("button", { type: "button", class: "small", "data-testid": "page-older" }, "Older →");
	const pageNote = h("span", { class: "muted" });

	let latest = 0;
	const load = async () => {
		// Only the newest load may fill the list: filters changed in a row start several.
		const mine = ++latest;
		Object.assign(filters, { language: language.value, kind: kind.value, tool: tool.value.trim(), nonZero: nonZero.checked, from: from.value, to: to.value });
		const cursor = cursors[cursors.length - 1];
		list.setAttribute("aria-busy", "true");
		fill(list, h("p", { class: "muted" }, "Loading…"));
		try {
			const page = await api("GET", `/v1/executions${query({ limit: PAGE, starting_after: cursor, only_non_zero_exit_codes: filters.nonZero })}`);
			if (mine !== latest) return;
			const rows = page.data.filter((execution) => matches(execution, filters)).map(row);
			fill(list, table(["Started", "Execution", "Language", "Kind", "Exit", "Duration", "Limit hit"], rows, { empty: "No execution on this page matches.", testid: "executions" }));
			newer.disabled = cursors.length === 1;
			older.disabled = page.data.length < PAGE;
			older.onclick = () => {
				cursors.push(page.data[page.data.length - 1].id);
				load();
			};
			pageNote.textContent = `Page ${cursors.length}: ${rows.length} of ${page.data.length} shown`;
		} catch (error) {
			if (mine !== latest) return;
			fill(list, errorBox(error));
		}
		list.setAttribute("aria-busy", "false");
	};
	newer.onclick = () => {
		cursors.pop();
		load();
	};
	const reset = () => {
		cursors.length = 1;
		load();
	};
	for (const control of [language, kind, nonZero, from, to]) control.addEventListener("change", reset);
	tool.addEventListener("change", reset);

	container.append(
		h(
			"div",
			{ class: "view" },
			h("h2", {}, "History"),
			h(
				"div",
				{ class: "row filters" },
				field("Language", language),
				field("Kind", kind),
				field("Tool id", tool),
				h("label", { class: "check" }, nonZero, " non-zero exits only"),
				field("From", from),
				field("To", to),
			),
			list,
			h("div", { class: "row pager" }, newer, pageNote, older),
		),
	);
	load();
}

function row(execution) {
	const run = runOf(execution.details);
	const href = `#/history/${encodeURIComponent(execution.id)}`;
	return h(
		"tr",
		{ class: execution.exit_code === 0 ? "" : "bad" },
		h("td", {}, formatDate(execution.started_at)),
		h("td", {}, link(href, execution.id, "execution-link")),
		h("td", {}, execution.language),
		h("td", {}, execution.details ? execution.details.type : ""),
		h("td", {}, String(execution.exit_code)),
		h("td", {}, `${execution.duration} ms`),
		h("td", {}, run && run.limit_hit ? run.limit_hit : ""),
	);
}

export async function executionDetail(container, id) {
	const body = h("div", { class: "view" }, h("p", {}, link("#/history", "← History")), h("h2", {}, "Execution ", h("code", {}, id)));
	container.append(body);
	let execution;
	try {
		execution = await api("GET", `/v1/executions/${encodeURIComponent(id)}`);
	} catch (error) {
		append(body, errorBox(error));
		return;
	}
	const details = execution.details;
	const run = runOf(details);
	append(body, 
		h(
			"dl",
			{ class: "facts" },
			h("div", { class: "fact" }, h("dt", {}, "Language"), h("dd", {}, execution.language)),
			h("div", { class: "fact" }, h("dt", {}, "Kind"), h("dd", { "data-testid": "detail-kind" }, details ? details.type : "(no details)")),
			h("div", { class: "fact" }, h("dt", {}, "Started"), h("dd", {}, formatDate(execution.started_at))),
			details && details.tool_id ? h("div", { class: "fact" }, h("dt", {}, "Tool"), h("dd", {}, link(`#/tools/${encodeURIComponent(details.tool_id)}`, details.tool_id))) : null,
			execution.session_id ? h("div", { class: "fact" }, h("dt", {}, "Session"), h("dd", {}, execution.session_id)) : null,
		),
	);
	if (run) append(body, runFacts(run));
	if (details) {
		const request = details.request || {};
		if (typeof request.code === "string" && request.code) append(body, h("h3", {}, "Code"), h("pre", { class: "output code", "data-testid": "detail-code" }, request.code));
		if (details.response && "output" in details.response) {
			append(body, h("h3", {}, "Output"), h("pre", { class: "output", "data-testid": "detail-output" }, json(details.response.output)));
		}
		if (run) append(body, h("h3", {}, "Streams"), runStreams(run));
		append(body, 
			h("h3", {}, "Request"),
			outputBlock("request (JSON)", json(details.request), { name: `${id}-request.json`, testid: "detail-request" }),
			h("h3", {}, "Response"),
			outputBlock("response (JSON)", json(details.response), { name: `${id}-response.json`, testid: "detail-response" }),
		);
	}
}
