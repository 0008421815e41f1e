// The dashboard: sign-in with an API key (kept in sessionStorage only), then one view per
// hash route (#/playground, #/history[/id], #/tools[/id], #/runtimes[/id[/revision]],
// #/secrets, #/metrics). Everything it shows comes from the public /v1 API.

import { api, clearKey, getKey, onUnauthorized, setKey } from "./api.js";
import { fill, h } from "./dom.js";
import { executionDetail, history } from "./views/history.js";
import { metrics } from "./views/metrics.js";
import { playground } from "./views/playground.js";
import { runtimeDetail, runtimes } from "./views/runtimes.js";
import { secrets } from "./views/secrets.js";
import { toolDetail, tools } from "./views/tools.js";

const app = document.getElementById("app");
const NAV = [
	["playground", "Playground"],
	["history", "History"],
	["tools", "Tools"],
	["runtimes", "Runtimes"],
	["secrets", "Secrets"],
	["metrics", "Metrics"],
];

let generation = 0;

function signIn(message) {
	generation += 1;
	const key = h("input", { type: "password", id: "api-key", autocomplete: "off", required: true, placeholder: "esk_…", "data-testid": "api-key" });
	const error = h("p", { class: "error-text", role: "alert", "data-testid": "signin-error" }, message || "");
	const button = h("button", { type: "submit", class: "primary", "data-testid": "signin" }, "Sign in");
	const form = h(
		"form",
		{
			class: "signin",
			onsubmit: async (event) => {
				event.preventDefault();
				button.disabled = true;
				error.textContent = "";
				try {
					// The cheapest call that needs a valid key.
					await api("GET", "/v1/executions?limit=1", undefined, key.value.trim());
					setKey(key.value.trim());
					if (!location.hash || location.hash === "#/") location.hash = "#/playground";
					render();
				} catch (failure) {
					error.textContent =
						failure.status === 401
							? `The server refused this key: ${failure.message}. Use a key from \`embedsandbox keys create\` that has not been revoked.`
							: `Could not sign in: ${failure.message}`;
				} finally {
					button.disabled = false;
				}
			},
		},
		h("h1", {}, "embedsandbox"),
		h("p", {}, "Sign in with an API key. It is kept in this tab's session storage only, and is gone when the tab closes."),
		h("label", { for: "api-key" }, "API key"),
		key,
		button,
		error,
	);
	fill(app, form);
	key.focus();
}

onUnauthorized((error) => {
	clearKey();
	signIn(`Signed out: the server no longer accepts this key (${error.message}). It may have been revoked; sign in with a valid key.`);
});

function route() {
	const parts = (location.hash.replace(/^#\/?/, "") || "playground").split("/").map(decodeURIComponent);
	return parts;
}

function render() {
	if (!getKey()) {
		signIn();
		return;
	}
	generation += 1;
	const mine = generation;
	const alive = () => mine === generation;
	const [view, id, sub] = route();
	const main = h("main", { id: "view" });
	const nav = h(
		"nav",
		{},
		h("span", { class: "brand" }, "embedsandbox"),
		NAV.map(([name, label]) => h("a", { href: `#/${name}`, class: name === view ? "active" : "", "data-testid": `nav-${name}` }, label)),
		h("span", { class: "spacer" }),
		h(
			"button",
			{
				type: "button",
				class: "small",
				"data-testid": "signout",
				onclick: () => {
					clearKey();
					signIn("Signed out.");
				},
			},
			"Sign out",
		),
	);
	fill(app, nav, main);
	if (view === "history" && id) executionDetail(main, id);
	else if (view === "history") history(main);
	else if (view === "tools" && id) toolDetail(main, id);
	else if (view === "tools") tools(main);
	else if (view === "runtimes" && id) runtimeDetail(main, id, sub, alive);
	else if (view === "runtimes") runtimes(main);
	else if (view === "secrets") secrets(main);
	else if (view === "metrics") metrics(main);
	else playground(main);
}

window.addEventListener("hashchange", render);
render();
