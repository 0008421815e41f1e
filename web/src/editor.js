// The code editor: CodeMirror 6 with only the parts the playground uses (line numbers,
// history, bracket matching, syntax highlighting), to keep the bundle small.
//
// It lives in a shadow root: CodeMirror styles a shadow root through adoptedStyleSheets,
// which the Content-Security-Policy allows, while in the document it would add a <style>
// element, which `style-src 'self'` refuses.

import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { phpLanguage } from "@codemirror/lang-php";
import { python } from "@codemirror/lang-python";
import { bracketMatching, defaultHighlightStyle, indentOnInput, LanguageSupport, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { ruby } from "@codemirror/legacy-modes/mode/ruby";
import { Compartment, EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";

function languageSupport(language) {
	if (language === "python") return python();
	if (language === "javascript") return javascript();
	if (language === "typescript") return javascript({ typescript: true });
	if (language === "ruby") return StreamLanguage.define(ruby);
	// The PHP grammar alone (code after `<?php`; text outside the tags stays plain): `php()`
	// would add the HTML, CSS and JavaScript grammars for that text, 100+ KB a guest script
	// does not need.
	if (language === "php") return new LanguageSupport(phpLanguage);
	return [];
}

// A small editor: `get()` and `set(text)` for its code, `setLanguage(name)`, and `onRun` for
// Ctrl/Cmd-Enter.
const theme = EditorView.theme({
	"&": { minHeight: "180px", maxHeight: "480px", backgroundColor: "#fff" },
	".cm-scroller": { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace', fontSize: "13px", lineHeight: "1.5" },
	".cm-content": { minHeight: "180px" },
	".cm-gutters": { backgroundColor: "#f6f7f9", color: "#98a2b3", borderRight: "1px solid #d9dde3" },
});

export function createEditor(host, { doc = "", language = "python", onRun = () => {}, readOnly = false } = {}) {
	const lang = new Compartment();
	const root = host.attachShadow({ mode: "open" });
	const view = new EditorView({
		parent: root,
		root,
		state: EditorState.create({
			doc,
			extensions: [
				theme,
				lineNumbers(),
				history(),
				drawSelection(),
				indentOnInput(),
				bracketMatching(),
				highlightActiveLine(),
				syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
				keymap.of([{ key: "Mod-Enter", run: () => (onRun(), true) }, indentWithTab, ...defaultKeymap, ...historyKeymap]),
				EditorState.readOnly.of(readOnly),
				EditorView.contentAttributes.of({ "aria-label": "Code", "data-testid": "code-editor" }),
				lang.of(languageSupport(language)),
			],
		}),
	});
	return {
		view,
		get: () => view.state.doc.toString(),
		set: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
		setLanguage: (name) => view.dispatch({ effects: lang.reconfigure(languageSupport(name)) }),
	};
}
