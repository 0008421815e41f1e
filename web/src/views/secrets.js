// Secrets: names and ids only (GET /v1/secrets), a new one (POST /v1/secrets), and a delete
// per row (DELETE /v1/secrets/{id}, our extension of the Riza API), confirmed in the row itself
// rather than with window.confirm. A value is sent once and never shown again: the API never
// returns it, and the field is emptied.

import { api, query } from "../api.js";
import { field, fill, h } from "../dom.js";
import { errorBox, table } from "./common.js";

export async function secrets(container) {
	const list = h("div", {}, h("p", { class: "muted" }, "Loading…"));
	const name = h("input", { type: "text", required: true, autocomplete: "off", "data-testid": "secret-name" });
	const value = h("input", { type: "password", required: true, autocomplete: "new-password", "data-testid": "secret-value" });
	const state = h("div", { "aria-live": "polite" });
	// "Delete" turns into "Delete <name>?" with Delete / Cancel; only the second click deletes.
	const deleteControl = (secret) => {
		const cell = h("span", {});
		const ask = () =>
			fill(
				cell,
				h("span", { class: "confirm" }, `Delete ${secret.name}? Runs naming its id will be refused.`),
				h("button", { type: "button", class: "danger small", "data-testid": "secret-delete-confirm", onclick: remove }, "Delete"),
				h("button", { type: "button", class: "small", "data-testid": "secret-delete-cancel", onclick: idle }, "Cancel"),
			);
		const idle = () => fill(cell, h("button", { type: "button", class: "danger small", "data-testid": "secret-delete", onclick: ask }, "Delete"));
		const remove = async () => {
			for (const button of cell.querySelectorAll("button")) button.disabled = true;
			try {
				const deleted = await api("DELETE", `/v1/secrets/${encodeURIComponent(secret.id)}`);
				fill(state, h("p", { class: "ok-text" }, `Deleted ${deleted.name} (${deleted.id}).`));
				await load();
			} catch (error) {
				fill(state, errorBox(error));
				idle();
			}
		};
		idle();
		return cell;
	};
	const load = async () => {
		try {
			const page = await api("GET", `/v1/secrets${query({ limit: 100 })}`);
			fill(list, 
				table(
					["Name", "Id", ""],
					page.secrets.map((secret) => h("tr", { "data-testid": "secret-row" }, h("td", {}, secret.name), h("td", {}, h("code", {}, secret.id)), h("td", { class: "row-actions" }, deleteControl(secret)))),
					{ empty: "No secrets yet.", testid: "secrets" },
				),
			);
		} catch (error) {
			fill(list, errorBox(error));
		}
	};
	container.append(
		h(
			"div",
			{ class: "view" },
			h("h2", {}, "Secrets"),
			h("p", { class: "muted" }, "A run uses a secret by its id (http.allow[].auth … secret_id, or a tool's env). Values are never shown again. Once a secret is deleted, a run naming its id is refused."),
			list,
			h(
				"form",
				{
					onsubmit: async (event) => {
						event.preventDefault();
						const body = { name: name.value, value: value.value };
						value.value = "";
						try {
							const secret = await api("POST", "/v1/secrets", body);
							name.value = "";
							fill(state, h("p", { class: "ok-text" }, `Stored ${secret.name} as ${secret.id}. Its value is never shown again.`));
							await load();
						} catch (error) {
							fill(state, errorBox(error));
						}
					},
				},
				h("h3", {}, "New secret"),
				h("div", { class: "grid" }, field("Name", name), field("Value", value)),
				h("button", { type: "submit", "data-testid": "secret-create" }, "Store the secret"),
				state,
			),
		),
	);
	await load();
}
