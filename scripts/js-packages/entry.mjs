// What the JavaScript guest takes from maintained packages (bundled by build.mjs into
// src/embedsandbox/_guest/js_packages.js; js_prelude.js reads these exports from
// `__embedsandboxPackages`).
//
// Measured and left out: node-inspect-extracted 3.3.3 (Node's util.inspect) grows every
// guest's start-up image by 0.82 MB (about 0.3 ms of CPU per fresh guest, which copies the
// image), so console.log keeps the prelude's own Node-modelled inspect; whatwg-url 17.3.0
// (291 KB minified) is the oracle of our URL parser's tests instead
// (tests/guests/test_javascript_url_oracle.py).
// biome-ignore lint/style/useNodejsImportProtocol: the npm package "buffer", not Node's module
import { Buffer, kMaxLength } from "buffer";
import { Event, EventTarget, setErrorHandler, setWarningHandler } from "event-target-shim";

export { Buffer, kMaxLength, Event, EventTarget, setErrorHandler, setWarningHandler };
