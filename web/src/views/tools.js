// Tools: the list (GET /v1/tools), one tool with its code and current revision, a form made
// from its input_schema, and a run (POST /v1/tools/{id}/execute). A new tool can be made here
// too (POST /v1/tools).

import { api, query } from "../api.js";
import { append, field, fill, h, json } from "../dom.js";
import { runFacts, runStreams } from "../output.js";
import { schemaForm } from "../schemaform.js";
import { errorBox, link, table } from "./common.js";

export async function tools(container) {
	const view = h("div", { class: "view" }, h("h2", {}, "Tools"));
	container.append(view);
	const list = h("div", {}, h("p", { class: "muted" }, "Loading…"));
	view.append(list, newToolForm());
	try {
		const all = [];
		let cursor = null;
		for (let pages = 0; pages < 10; pages++) {
			const page = await api("GET", `/v1/tools${query({ limit: 100, starting_after: cursor })}`);
			all.push(...page.tools);
			if (page.tools.length < 100) break;
			cursor = page.tools[page.tools.length - 1].id;
		}
		const rows = all.map((tool) =>
			h(
				"tr",
				{},
				h("td", {}, link(`#/tools/${encodeURIComponent(tool.id)}`, tool.name, "tool-link")),
				h("td", {}, tool.language),
				h("td", {}, tool.description),
				h("td", {}, h("code", {}, tool.revision_id)),
			),
		);
		fill(list, table(["Name", "Language", "Description", "Revision"], rows, { empty: "No tools yet.", testid: "tools" }));
	} catch (error) {
		fill(list, errorBox(error));
	}
}

function newToolForm() {
	const name = h("input", { type: "text", required: true, pattern: "[A-Za-z0-9_\\-]+", placeholder: "add" });
	const language = h("select", {}, ["python", "javascript", "typescript", "ruby"].map((l) => h("option", { value: l }, l)));
	const description = h("input", { type: "text" });
	const code = h("textarea", { rows: 4, class: "mono", required: true, value: 'def execute(input):\n    return input["a"] + input["b"]\n' });
	const schema = h("textarea", { rows: 4, class: "mono", value: '{"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a", "b"]}' });
	const status = h("div", {});
	const form = h(
		"form",
		{
			onsubmit: async (event) => {
				event.preventDefault();
				try {
					const body = { name: name.value, language: language.value, description: description.value, code: code.value };
					if (schema.value.trim()) body.input_schema = JSON.parse(schema.value);
					const tool = await api("POST", "/v1/tools", body);
					location.hash = `#/tools/${encodeURIComponent(tool.id)}`;
				} catch (error) {
					fill(status, errorBox(error));
				}
			},
		},
		h("div", { class: "grid" }, field("Name", name), field("Language", language), field("Description", description)),
		field("Code", code),
		field("Input schema (JSON)", schema),
		h("button", { type: "submit" }, "Create the tool"),
		status,
	);
	return h("details", { class: "options" }, h("summary", {}, "New tool"), form);
}

export async function toolDetail(container, id) {
	const view = h("div", { class: "view" }, h("p", {}, link("#/tools", "← Tools")));
	container.append(view);
	let tool;
	try {
		tool = await api("GET", `/v1/tools/${encodeURIComponent(id)}`);
	} catch (error) {
		view.append(errorBox(error));
		return;
	}
	const form = schemaForm(tool.input_schema);
	const revision = h("input", { type: "text", value: tool.revision_id, "data-testid": "tool-revision" });
	const result = h("div", { class: "result", "data-testid": "tool-result" });
	const run = h("button", { type: "submit", class: "primary", "data-testid": "tool-run" }, "Run");
	append(view, 
		h("h2", {}, "Tool ", h("code", {}, tool.name)),
		tool.description ? h("p", {}, tool.description) : null,
		h(
			"dl",
			{ class: "facts" },
			h("div", { class: "fact" }, h("dt", {}, "Id"), h("dd", {}, tool.id)),
			h("div", { class: "fact" }, h("dt", {}, "Language"), h("dd", {}, tool.language)),
			h("div", { class: "fact" }, h("dt", {}, "Current revision"), h("dd", { "data-testid": "tool-current-revision" }, tool.revision_id)),
			tool.runtime_revision_id ? h("div", { class: "fact" }, h("dt", {}, "Runtime revision"), h("dd", {}, tool.runtime_revision_id)) : null,
		),
		h("details", { class: "options" }, h("summary", {}, "Code and input schema"), h("pre", { class: "output code" }, tool.code), h("pre", { class: "output" }, json(tool.input_schema))),
		h("h3", {}, "Revisions"),
		revisionsSeen(tool, revision),
		h("h3", {}, "Run it"),
		h(
			"form",
			{
				"data-testid": "tool-form",
				onsubmit: async (event) => {
					event.preventDefault();
					let body;
					try {
						body = { input: form.read() };
					} catch (error) {
						fill(result, errorBox(error));
						return;
					}
					if (revision.value.trim() && revision.value.trim() !== tool.revision_id) body.revision_id = revision.value.trim();
					run.disabled = true;
					fill(result, h("p", { class: "muted" }, "Running…"));
					try {
						const response = await api("POST", `/v1/tools/${encodeURIComponent(tool.id)}/execute`, body);
						fill(result, 
							h("dl", { class: "facts" }, h("div", { class: "fact" }, h("dt", {}, "Output status"), h("dd", { "data-testid": "output-status" }, response.output_status))),
							h("h4", {}, "Output"),
							h("pre", { class: "output", "data-testid": "tool-output" }, json(response.output)),
							runFacts(response.execution),
							runStreams(response.execution),
						);
					} catch (error) {
						fill(result, errorBox(error));
					} finally {
						run.disabled = false;
					}
				},
			},
			form.el,
			field("Revision", revision, "an earlier revision's id runs that revision"),
			run,
		),
		result,
	);
}

// The API lists no tool revisions; the ones this tool's recent runs used are in the history.
function revisionsSeen(tool, input) {
	const host = h("div", { "data-testid": "tool-revisions" }, h("p", { class: "muted" }, "Loading…"));
	(async () => {
		try {
			const seen = new Map([[tool.revision_id, "current"]]);
			let cursor = null;
			for (let pages = 0; pages < 5; pages++) {
				const page = await api("GET", `/v1/executions${query({ limit: 100, starting_after: cursor })}`);
				for (const execution of page.data) {
					const details = execution.details;
					if (details && details.type === "tool" && details.tool_id === tool.id && details.revision_id && !seen.has(details.revision_id)) {
						seen.set(details.revision_id, `last run ${new Date(execution.started_at).toLocaleString()}`);
					}
				}
				if (page.data.length < 100) break;
				cursor = page.data[page.data.length - 1].id;
			}
			const rows = [...seen.entries()].map(([id, note]) =>
				h(
					"tr",
					{},
					h("td", {}, h("code", {}, id)),
					h("td", {}, note),
					h("td", {}, h("button", { type: "button", class: "small", onclick: () => (input.value = id) }, "Run this revision")),
				),
			);
			fill(host, table(["Revision", "", ""], rows), h("p", { class: "muted small" }, "The current revision and those the newest 500 executions ran."));
		} catch (error) {
			fill(host, errorBox(error));
		}
	})();
	return host;
}
