// Playground: code, its inputs and limits; run it as a script (POST /v1/execute) or as a
// function with a JSON input (POST /v1/execute-function); show what happened.

import { api } from "../api.js";
import { field, fill, h, json } from "../dom.js";
import { createEditor } from "../editor.js";
import { runFacts, runStreams } from "../output.js";
import { errorBox } from "./common.js";

const LANGUAGES = ["python", "javascript", "typescript", "ruby", "php"];

const SAMPLES = {
	script: {
		python: 'import sys\n\nname = sys.argv[1] if len(sys.argv) > 1 else "world"\nprint(f"Hello, {name}!")\n',
		javascript: 'const name = process.argv[2] ?? "world";\nconsole.log("Hello, " + name + "!");\n',
		typescript: 'const name: string = process.argv[2] ?? "world";\nconsole.log("Hello, " + name + "!");\n',
		ruby: 'name = ARGV[0] || "world"\nputs "Hello, #{name}!"\n',
		php: '<?php\necho "Hello, world!\\n";\n',
	},
	function: {
		python: 'def execute(input):\n    return {"sum": input["a"] + input["b"]}\n',
		javascript: "function execute(input) {\n  return { sum: input.a + input.b };\n}\n",
		typescript: "export function execute(input: { a: number; b: number }) {\n  return { sum: input.a + input.b };\n}\n",
		ruby: 'def execute(input)\n  { "sum" => input["a"] + input["b"] }\nend\n',
		php: '<?php\nfunction execute($input) { return ["sum" => $input["a"] + $input["b"]]; }\n',
	},
};

let root = null;

export function playground(container) {
	if (root === null) root = build();
	container.append(root);
}

function lines(text) {
	return text
		.split("\n")
		.map((line) => line.replace(/\r$/, ""))
		.filter((line) => line.length > 0);
}

function build() {
	const language = h("select", { "data-testid": "language" }, LANGUAGES.map((name) => h("option", { value: name }, name)));
	const mode = h("select", { "data-testid": "mode" }, h("option", { value: "script" }, "script"), h("option", { value: "function" }, "function (execute(input))"));
	const editorHost = h("div", { class: "editor" });
	const args = h("textarea", { rows: 2, placeholder: "one argument a line", "data-testid": "args" });
	const env = h("textarea", { rows: 2, placeholder: "NAME=value, one a line", "data-testid": "env" });
	const stdin = h("textarea", { rows: 2, "data-testid": "stdin" });
	const input = h("textarea", { rows: 3, value: '{"a": 1, "b": 2}', "data-testid": "function-input" });
	const timeout = h("input", { type: "number", min: "0", step: "any", placeholder: "30", "data-testid": "limit-timeout" });
	const memory = h("input", { type: "number", min: "64", max: "4096", step: "1", placeholder: "128" });
	const fuel = h("input", { type: "number", min: "1", step: "1", placeholder: "no cap" });
	const outputBytes = h("input", { type: "number", min: "1", step: "1", placeholder: "1048576", "data-testid": "limit-output" });
	const hosts = h("textarea", { rows: 2, placeholder: "api.example.com, one host a line" });
	const runtime = h("input", { type: "text", placeholder: "rtrev_... (optional)" });
	const files = h("div", { class: "files" });
	const result = h("div", { class: "result", "data-testid": "result", "aria-live": "polite" });
	const run = h("button", { type: "submit", class: "primary", "data-testid": "run" }, "Run");

	let touched = false;
	const editor = createEditor(editorHost, { doc: SAMPLES.script.python, language: "python", onRun: () => form.requestSubmit() });
	editorHost.addEventListener("input", () => {
		touched = true;
	});
	const sampleChanged = () => {
		editor.setLanguage(language.value);
		const isFunction = mode.value === "function";
		for (const el of root.querySelectorAll(".script-only")) el.hidden = isFunction;
		for (const el of root.querySelectorAll(".function-only")) el.hidden = !isFunction;
		if (!touched) editor.set(SAMPLES[mode.value][language.value]);
	};
	language.addEventListener("change", sampleChanged);
	mode.addEventListener("change", sampleChanged);

	const addFile = () => {
		const path = h("input", { type: "text", placeholder: "data/input.txt", class: "file-path" });
		const contents = h("textarea", { rows: 2, placeholder: "contents", class: "file-contents" });
		const row = h("div", { class: "file-row" }, path, contents, h("button", { type: "button", class: "small", onclick: () => row.remove() }, "Remove"));
		files.append(row);
	};

	const request = () => {
		const body = { language: language.value, code: editor.get() };
		const envLines = lines(env.value);
		if (envLines.length) {
			body.env = {};
			for (const line of envLines) {
				const at = line.indexOf("=");
				if (at <= 0) throw new Error(`env: "${line}" is not NAME=value`);
				body.env[line.slice(0, at)] = line.slice(at + 1);
			}
		}
		const fileList = [...files.querySelectorAll(".file-row")].map((row) => ({
			path: row.querySelector(".file-path").value,
			contents: row.querySelector(".file-contents").value,
		}));
		if (fileList.length) body.files = fileList;
		const limits = {};
		if (timeout.value) limits.execution_timeout = Number(timeout.value);
		if (memory.value) limits.memory_size = Number.parseInt(memory.value, 10);
		if (fuel.value) limits.fuel = Number.parseInt(fuel.value, 10);
		if (outputBytes.value) limits.output_bytes = Number.parseInt(outputBytes.value, 10);
		if (Object.keys(limits).length) body.limits = limits;
		const allow = lines(hosts.value).map((host) => ({ host: host.trim() }));
		if (allow.length) body.http = { allow };
		if (runtime.value.trim()) body.runtime_revision_id = runtime.value.trim();
		if (mode.value === "function") {
			try {
				body.input = input.value.trim() ? JSON.parse(input.value) : null;
			} catch (error) {
				throw new Error(`input: not valid JSON (${error.message})`);
			}
		} else {
			const argList = lines(args.value);
			if (argList.length) body.args = argList;
			if (stdin.value) body.stdin = stdin.value;
		}
		return body;
	};

	const form = h(
		"form",
		{
			class: "playground",
			onsubmit: async (event) => {
				event.preventDefault();
				let body;
				try {
					body = request();
				} catch (error) {
					fill(result, errorBox(error));
					return;
				}
				run.disabled = true;
				fill(result, h("p", { class: "muted", "data-testid": "running" }, "Running…"));
				try {
					if (mode.value === "function") {
						const response = await api("POST", "/v1/execute-function", body);
						fill(result, 
							h("h3", {}, "Result"),
							runFacts(response.execution),
							h("dl", { class: "facts" }, h("div", { class: "fact" }, h("dt", {}, "Output status"), h("dd", { "data-testid": "output-status" }, response.output_status))),
							h("h4", {}, "Output"),
							h("pre", { class: "output", "data-testid": "function-output" }, json(response.output)),
							runStreams(response.execution),
						);
					} else {
						const response = await api("POST", "/v1/execute", body);
						fill(result, h("h3", {}, "Result"), runFacts(response), runStreams(response));
					}
				} catch (error) {
					fill(result, errorBox(error));
				} finally {
					run.disabled = false;
				}
			},
		},
		h("div", { class: "row" }, field("Language", language), field("Mode", mode), h("div", { class: "spacer" }), run),
		editorHost,
		h("p", { class: "muted small" }, "Ctrl+Enter (⌘+Enter) runs the code."),
		h(
			"details",
			{ class: "options" },
			h("summary", {}, "Inputs, limits and HTTP"),
			h(
				"div",
				{ class: "grid" },
				h("div", { class: "script-only" }, field("Arguments", args)),
				h("div", { class: "script-only" }, field("stdin", stdin)),
				field("Environment", env),
				field("HTTP allow (hosts)", hosts, "requests to other hosts are refused"),
				field("Timeout (s)", timeout, "default 30, at most 3600"),
				field("Memory (MiB)", memory, "default 128, from 64 to 4096"),
				field("Fuel", fuel, "instructions; default: no cap"),
				field("Output bytes per stream", outputBytes, "default 1 MiB"),
				field("Runtime revision", runtime),
			),
			h("h4", {}, "Files"),
			files,
			h("button", { type: "button", class: "small", onclick: addFile }, "Add a file"),
		),
		h("div", { class: "function-only", hidden: true }, field("Input (JSON)", input)),
	);
	return h("div", { class: "view" }, h("h2", {}, "Playground"), form, result);
}
