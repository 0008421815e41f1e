// Pieces the views share: an error box and a table.

import { h } from "../dom.js";

export function errorBox(error) {
	const status = error && error.status ? ` (HTTP ${error.status}${error.code !== null && error.code !== undefined ? `, code ${error.code}` : ""})` : "";
	return h("div", { class: "error", role: "alert", "data-testid": "error" }, h("strong", {}, "Error"), status, ": ", error && error.message ? error.message : String(error));
}

export function table(columns, rows, { empty = "Nothing here yet.", testid } = {}) {
	if (rows.length === 0) return h("p", { class: "muted", "data-testid": testid ? `${testid}-empty` : undefined }, empty);
	return h(
		"table",
		{ "data-testid": testid },
		h("thead", {}, h("tr", {}, columns.map((column) => h("th", {}, column)))),
		h("tbody", {}, rows),
	);
}

export function link(href, text, testid) {
	return h("a", { href, "data-testid": testid }, text);
}
