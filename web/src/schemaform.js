// A form made from a tool's input_schema. An object schema with `properties` gets one control
// per property (text, number, checkbox, a select for `enum`, JSON for arrays and objects);
// any other schema (or none) gets one JSON box for the whole input. `read()` gives the input
// or throws an Error naming the field that is wrong; the server checks it against the schema.

import { field, h, json } from "./dom.js";

function controlFor(name, schema, required) {
	const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
	const testid = `input-${name}`;
	const hasDefault = schema.default !== undefined;
	if (Array.isArray(schema.enum)) {
		const select = h(
			"select",
			{ "data-testid": testid },
			required ? null : h("option", { value: "" }, "(leave out)"),
			schema.enum.map((value, index) => h("option", { value: String(index) }, json(value))),
		);
		if (hasDefault) {
			const at = schema.enum.findIndex((value) => json(value) === json(schema.default));
			if (at >= 0) select.value = String(at);
		}
		return { el: select, read: () => (select.value === "" ? undefined : schema.enum[Number(select.value)]) };
	}
	if (type === "boolean") {
		const box = h("input", { type: "checkbox", "data-testid": testid, checked: schema.default === true });
		return { el: box, read: () => box.checked };
	}
	if (type === "integer" || type === "number") {
		const input = h("input", { type: "number", step: type === "integer" ? "1" : "any", "data-testid": testid, value: hasDefault ? String(schema.default) : "" });
		return {
			el: input,
			read: () => {
				if (input.value === "") return undefined;
				const value = Number(input.value);
				if (!Number.isFinite(value) || (type === "integer" && !Number.isInteger(value))) throw new Error(`${name}: ${input.value} is not ${type === "integer" ? "an integer" : "a number"}`);
				return value;
			},
		};
	}
	if (type === "string") {
		const multiline = schema.maxLength === undefined || schema.maxLength > 200;
		const input = multiline ? h("textarea", { rows: 1, "data-testid": testid, value: hasDefault ? String(schema.default) : "" }) : h("input", { type: "text", "data-testid": testid, value: hasDefault ? String(schema.default) : "" });
		return { el: input, read: () => (input.value === "" && !required ? undefined : input.value) };
	}
	const area = h("textarea", { rows: 3, class: "mono", "data-testid": testid, placeholder: "JSON", value: hasDefault ? json(schema.default) : "" });
	return {
		el: area,
		read: () => {
			if (area.value.trim() === "") return undefined;
			try {
				return JSON.parse(area.value);
			} catch (error) {
				throw new Error(`${name}: not valid JSON (${error.message})`);
			}
		},
	};
}

export function schemaForm(schema) {
	const properties = schema && typeof schema === "object" && schema.properties && typeof schema.properties === "object" ? schema.properties : null;
	if (!properties) {
		const whole = h("textarea", { rows: 5, class: "mono", "data-testid": "input-json", placeholder: "the input as JSON" });
		return {
			el: h("div", { class: "schema-form" }, field("Input (JSON)", whole, schema ? "the schema has no properties to make fields of" : "the tool has no input_schema")),
			read: () => {
				if (whole.value.trim() === "") return null;
				try {
					return JSON.parse(whole.value);
				} catch (error) {
					throw new Error(`input: not valid JSON (${error.message})`);
				}
			},
		};
	}
	const required = new Set(Array.isArray(schema.required) ? schema.required : []);
	const controls = Object.entries(properties).map(([name, sub]) => {
		const subschema = sub && typeof sub === "object" ? sub : {};
		const control = controlFor(name, subschema, required.has(name));
		const type = Array.isArray(subschema.enum) ? "one of" : Array.isArray(subschema.type) ? subschema.type.join(" | ") : subschema.type || "any";
		const label = h("span", {}, name, required.has(name) ? h("span", { class: "required", title: "required" }, " *") : null, h("span", { class: "muted" }, ` (${type})`));
		return { name, control, el: field(label, control.el, subschema.description || null) };
	});
	return {
		el: h(
			"div",
			{ class: "schema-form", "data-testid": "schema-form" },
			controls.map((c) => c.el),
		),
		read: () => {
			const value = {};
			for (const { name, control } of controls) {
				const item = control.read();
				if (item === undefined) {
					if (required.has(name)) throw new Error(`${name} is required`);
				} else value[name] = item;
			}
			return value;
		},
	};
}
