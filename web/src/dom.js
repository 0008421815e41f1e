// The one way the dashboard makes elements. Text always goes in as text nodes (`append` of a
// string, `textContent`): nothing here parses HTML, so guest output and stored data can never
// become markup (tests/unit/test_dashboard_build.py checks that no view uses an HTML sink).

export function h(tag, props = {}, ...children) {
	const el = document.createElement(tag);
	for (const [key, value] of Object.entries(props)) {
		if (value === null || value === undefined || value === false) continue;
		if (key === "class") el.className = value;
		else if (key === "text") el.textContent = String(value);
		else if (key.startsWith("on") && typeof value === "function") {
			el.addEventListener(key.slice(2), value);
		} else if (key === "value" || key === "checked" || key === "selected") el[key] = value;
		else el.setAttribute(key, value === true ? "" : String(value));
	}
	append(el, children);
	return el;
}

export function append(el, ...children) {
	for (const child of children.flat(Number.POSITIVE_INFINITY)) {
		if (child === null || child === undefined || child === false) continue;
		el.append(child instanceof Node ? child : String(child));
	}
	return el;
}

// An SVG element (charts), attributes only: never a style attribute (the CSP forbids them).
export function svg(tag, attrs = {}, ...children) {
	const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
	for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
	append(el, children);
	return el;
}

export function clear(el) {
	el.replaceChildren();
	return el;
}

export function field(label, control, hint) {
	return h("label", { class: "field" }, h("span", { class: "label" }, label), control, hint ? h("small", {}, hint) : null);
}

export function formatDate(iso) {
	if (!iso) return "";
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

export function json(value) {
	return JSON.stringify(value, null, 2);
}

// Replace an element's children (arrays flattened, strings as text).
export function fill(el, ...children) {
	el.replaceChildren();
	return append(el, children);
}
