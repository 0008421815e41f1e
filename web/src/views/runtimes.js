// Runtimes: the list (GET /v1/runtimes), a new one (POST /v1/runtimes), and one runtime's
// revisions with the chosen revision's status, packages and build log, polled
// (GET /v1/runtimes/{id}/revisions/{revision_id}) every POLL_MS while it builds.

import { api, query } from "../api.js";
import { append, field, fill, formatDate, h } from "../dom.js";
import { errorBox, link, table } from "./common.js";

export const POLL_MS = 1000;

const MANIFESTS = {
	python: { name: "requirements.txt", contents: "" },
	javascript: { name: "package.json", contents: '{\n  "dependencies": {}\n}\n' },
};

function status(value) {
	return h("span", { class: `status ${value}`, "data-testid": "runtime-status" }, value);
}

export async function runtimes(container) {
	const view = h("div", { class: "view" }, h("h2", {}, "Runtimes"));
	const list = h("div", {}, h("p", { class: "muted" }, "Loading…"));
	container.append(view);
	view.append(list, newRuntimeForm());
	try {
		const page = await api("GET", `/v1/runtimes${query({ limit: 100 })}`);
		const rows = page.runtimes.map((runtime) =>
			h(
				"tr",
				{},
				h("td", {}, link(`#/runtimes/${encodeURIComponent(runtime.id)}`, runtime.name, "runtime-link")),
				h("td", {}, runtime.language),
				h("td", {}, status(runtime.status)),
				h("td", {}, h("code", {}, runtime.revision_id)),
				h("td", {}, formatDate(runtime.created_at)),
			),
		);
		fill(list, table(["Name", "Language", "Status", "Newest revision", "Created"], rows, { empty: "No runtimes yet.", testid: "runtimes" }));
	} catch (error) {
		fill(list, errorBox(error));
	}
}

function newRuntimeForm() {
	const name = h("input", { type: "text", required: true, placeholder: "my-runtime", "data-testid": "runtime-name" });
	const language = h("select", { "data-testid": "runtime-language" }, h("option", { value: "python" }, "python"), h("option", { value: "javascript" }, "javascript"));
	const manifestName = h("code", {}, MANIFESTS.python.name);
	const manifest = h("textarea", { rows: 5, class: "mono", placeholder: "requests==2.32.3", "data-testid": "runtime-manifest" });
	const imports = h("input", { type: "text", placeholder: "optional, Python only" });
	language.addEventListener("change", () => {
		manifestName.textContent = MANIFESTS[language.value].name;
		if (!manifest.value.trim()) manifest.value = MANIFESTS[language.value].contents;
	});
	const state = h("div", {});
	const form = h(
		"form",
		{
			"data-testid": "runtime-form",
			onsubmit: async (event) => {
				event.preventDefault();
				const body = { name: name.value, language: language.value, manifest_file: { name: MANIFESTS[language.value].name, contents: manifest.value } };
				if (imports.value.trim()) body.additional_python_imports = imports.value.trim();
				try {
					const runtime = await api("POST", "/v1/runtimes", body);
					location.hash = `#/runtimes/${encodeURIComponent(runtime.id)}`;
				} catch (error) {
					fill(state, errorBox(error));
				}
			},
		},
		h("div", { class: "grid" }, field("Name", name), field("Language", language), field("Additional Python imports", imports)),
		field(h("span", {}, "Manifest ", manifestName), manifest),
		h("button", { type: "submit", "data-testid": "runtime-create" }, "Create and build"),
		state,
	);
	return h("details", { class: "options", open: true }, h("summary", {}, "New runtime"), form);
}

// `alive()` is false once the user has gone to another view: polling stops then.
export async function runtimeDetail(container, id, revisionId, alive) {
	const view = h("div", { class: "view" }, h("p", {}, link("#/runtimes", "← Runtimes")));
	container.append(view);
	let runtime;
	let revisions;
	try {
		runtime = await api("GET", `/v1/runtimes/${encodeURIComponent(id)}`);
		revisions = (await api("GET", `/v1/runtimes/${encodeURIComponent(id)}/revisions`)).revisions;
	} catch (error) {
		view.append(errorBox(error));
		return;
	}
	const chosen = revisionId || runtime.revision_id;
	// The chosen revision's row follows the polled status too.
	const chosenCell = h("td", {});
	const rows = revisions.map((revision) =>
		h(
			"tr",
			{ class: revision.id === chosen ? "chosen" : "" },
			h("td", {}, link(`#/runtimes/${encodeURIComponent(id)}/${encodeURIComponent(revision.id)}`, revision.id)),
			revision.id === chosen ? fill(chosenCell, status(revision.status)) : h("td", {}, status(revision.status)),
			h("td", {}, formatDate(revision.created_at)),
			h("td", {}, revision.interpreter_version),
		),
	);
	const panel = h("div", { class: "revision", "data-testid": "revision" });
	const manifest = h("textarea", { rows: 4, class: "mono", value: runtime.manifest_file ? runtime.manifest_file.contents : "" });
	const newState = h("div", {});
	append(view, 
		h("h2", {}, "Runtime ", h("code", {}, runtime.name)),
		h(
			"dl",
			{ class: "facts" },
			h("div", { class: "fact" }, h("dt", {}, "Id"), h("dd", {}, runtime.id)),
			h("div", { class: "fact" }, h("dt", {}, "Language"), h("dd", {}, runtime.language)),
			h("div", { class: "fact" }, h("dt", {}, "Created"), h("dd", {}, formatDate(runtime.created_at))),
		),
		h("h3", {}, "Revisions"),
		table(["Revision", "Status", "Created", "Interpreter"], rows, { testid: "revisions" }),
		panel,
		h(
			"details",
			{ class: "options" },
			h("summary", {}, "New revision"),
			h(
				"form",
				{
					onsubmit: async (event) => {
						event.preventDefault();
						try {
							const revision = await api("POST", `/v1/runtimes/${encodeURIComponent(id)}/revisions`, { manifest_file: { name: runtime.manifest_file ? runtime.manifest_file.name : MANIFESTS[runtime.language].name, contents: manifest.value } });
							location.hash = `#/runtimes/${encodeURIComponent(id)}/${encodeURIComponent(revision.id)}`;
						} catch (error) {
							fill(newState, errorBox(error));
						}
					},
				},
				field("Manifest", manifest),
				h("button", { type: "submit" }, "Build a new revision"),
				newState,
			),
		),
		h(
			"button",
			{
				type: "button",
				class: "danger small",
				onclick: async () => {
					if (!confirm(`Delete runtime ${runtime.name} and its revisions?`)) return;
					try {
						await api("DELETE", `/v1/runtimes/${encodeURIComponent(id)}`);
						location.hash = "#/runtimes";
					} catch (error) {
						fill(newState, errorBox(error));
					}
				},
			},
			"Delete this runtime",
		),
	);
	await pollRevision(panel, id, chosen, alive, chosenCell);
}

async function pollRevision(panel, id, revisionId, alive, cell) {
	const path = `/v1/runtimes/${encodeURIComponent(id)}/revisions/${encodeURIComponent(revisionId)}`;
	const statusHost = h("div", {});
	const packages = h("div", {});
	const log = h("pre", { class: "output log", "data-testid": "build-log" });
	const message = h("p", { class: "error-text", "data-testid": "build-message" });
	fill(panel, h("h3", {}, "Revision ", h("code", {}, revisionId)), statusHost, message, h("h4", {}, "Packages"), packages, h("h4", {}, "Build log"), log);
	while (alive()) {
		let revision;
		try {
			revision = await api("GET", path);
		} catch (error) {
			panel.append(errorBox(error));
			return;
		}
		if (!alive()) return;
		fill(statusHost, h("p", {}, "Status: ", status(revision.status), revision.status === "pending" || revision.status === "building" ? h("span", { class: "muted" }, " (updating while it builds)") : null));
		fill(cell, h("span", { class: `status ${revision.status}` }, revision.status));
		message.textContent = revision.message || "";
		const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
		if (log.textContent !== revision.build_log) log.textContent = revision.build_log || "(no log yet)";
		if (atBottom) log.scrollTop = log.scrollHeight;
		fill(packages, 
			table(
				["Package", "Requested", "Version", "Status", "Note"],
				revision.packages.map((p) => h("tr", { class: p.status === "installed" ? "" : "bad" }, h("td", {}, p.name), h("td", {}, p.requested), h("td", {}, p.version || ""), h("td", {}, p.status), h("td", {}, p.message))),
				{ empty: "No packages (yet).", testid: "packages" },
			),
		);
		if (revision.status !== "pending" && revision.status !== "building") return;
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}
