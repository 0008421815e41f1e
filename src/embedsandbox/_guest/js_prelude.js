// embedsandbox JavaScript prelude: runs inside the QuickJS-ng guest before user code.
//
// This file is a single expression whose value is the per-run set-up function. The host
// (`_engines/_javascript.py`) evaluates it ONCE, in the start-up image: evaluating it builds
// the web platform module (fetch & co., at the end of the file) and everything else that
// does not depend on a run (phase 1: intrinsics, console, timers, fs, process, Buffer, the
// globals...). Each run then calls the set-up function with its configuration (JSON text;
// phase 2: files, env, argv, stdin, flags); it returns the harness object ({run, tick,
// finish}) that the host's event loop drives. Everything here is guest code: it has no more
// authority than the user's code, and the host validates every request.
//
// The one door to the host is the raw function `__es` (installed by the host, captured and
// removed from globalThis below). It takes ONE string "<op><payload>" and returns a string
// or undefined:
//   "1<text>" / "2<text>"  append to stdout / stderr
//   "x<code>"              end the run now with that exit code (never returns)
//   "m"                    the guest ran out of memory (never returns)
//   "d"                    the run's files outgrew disk_bytes / disk_files (never returns)
//   "rv<json>"/"rj"/"re"   function result: valid JSON / not serialisable / error
//   "h<request>"           host call (HTTP egress: fetch); returns the reply, or undefined
//                          when the run has no host call
//   "R<n>"                 n random bytes as hex (crypto.getRandomValues)
//   "q<json>"              resolve + read a runtime revision's package file for require():
//                          [from, specifier] -> {name, format, source} or {error, code}
(function (web) {
  "use strict";
  // Phase 1 (this function's body, up to `setup` at its end): everything that does not
  // depend on a run. It runs ONCE, when the host evaluates this file, right before the
  // engine snapshots the guest (the start-up image, see `_Template` in
  // _engines/_javascript.py): every guest restored from the image starts with these objects
  // already built, fresh for that guest, and no run's data is in them. Phase 2 (`setup`) is
  // all that runs per run: it takes the run's configuration.
  const G = globalThis;
  const IndirectEval = G.eval; // a call of it evaluates in the global scope (sessions)
  const host = G.__es;
  delete G.__es;
  // The run's configuration: filled in by `setup` (phase 2), read only when the run is going.
  const cfg = {
    entry: "script",
    main: "main.js",
    input: "null",
    nodeModules: false,
    diskBytes: 64 * 1024 * 1024,
    diskFiles: 10000,
  };
  let configured = false;

  // ---------------------------------------------------------------- intrinsics
  // Captured before user code runs, so a user who replaces built-ins cannot break
  // error reporting or output (it would only hurt themselves, but the messages matter).
  const ObjectKeys = Object.keys;
  const ObjectGetPrototypeOf = Object.getPrototypeOf;
  const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
  const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
  const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const ObjectDefineProperty = Object.defineProperty;
  const ObjectPrototypeToString = Object.prototype.toString;
  const ObjectPrototypeHasOwn = Object.prototype.hasOwnProperty;
  const FunctionPrototypeToString = Function.prototype.toString;
  const ArrayIsArray = Array.isArray;
  const JSONStringify = JSON.stringify;
  const JSONParse = JSON.parse;
  const StringCtor = String;
  const MathMin = Math.min;
  const MathMax = Math.max;
  const MathSqrt = Math.sqrt;
  const MathRound = Math.round;
  const MathFloor = Math.floor;
  const NumberIsInteger = Number.isInteger;
  const DateNow = Date.now;
  const ErrorCtor = Error;
  const MapCtor = Map;
  const SetCtor = Set;
  const WeakMapCtor = WeakMap;
  const WeakSetCtor = WeakSet;
  const PromiseCtor = Promise;
  const ArrayBufferCtor = ArrayBuffer;
  const Uint8ArrayCtor = Uint8Array;
  const DataViewCtor = DataView;
  const TypedArrayProto = ObjectGetPrototypeOf(Uint8Array.prototype);
  const TypedArrayToStringTag = ObjectGetOwnPropertyDescriptor(
    TypedArrayProto,
    Symbol.toStringTag,
  ).get;
  const MapSize = ObjectGetOwnPropertyDescriptor(Map.prototype, "size").get;
  const SetSize = ObjectGetOwnPropertyDescriptor(Set.prototype, "size").get;
  const MapEntries = Map.prototype.entries;
  const SetValues = Set.prototype.values;
  const ArrayBufferByteLength = ObjectGetOwnPropertyDescriptor(
    ArrayBuffer.prototype,
    "byteLength",
  ).get;
  const DateToISOString = Date.prototype.toISOString;
  const DateGetTime = Date.prototype.getTime;
  const RegExpToString = RegExp.prototype.toString;
  const ErrorToString = Error.prototype.toString;
  const StringToWellFormed = String.prototype.toWellFormed;
  const RegExpExec = RegExp.prototype.exec;
  const ReflectApplyFn = Reflect.apply;
  const ArrayFrom = Array.from;
  const EncodeURIComponent = encodeURIComponent;
  const Unescape = unescape;
  // The host may start this guest from a memory image taken earlier, which freezes
  // QuickJS's time origin (and its `performance` is read-only): rebase on this run (both
  // are set again by `setup`).
  const nativePerfNow = performance.now.bind(performance);
  let perfBase = nativePerfNow();
  const perfNow = () => nativePerfNow() - perfBase;
  const performanceObj = {
    now: perfNow,
    timeOrigin: DateNow(),
    toJSON() {
      return { timeOrigin: this.timeOrigin };
    },
  };
  const InternalErrorCtor = G.InternalError;

  function call(fn, self, ...args) {
    return ReflectApplyFn(fn, self, args);
  }

  function wellFormed(s) {
    return call(StringToWellFormed, s);
  }

  // ---------------------------------------------------------------- host door
  // The hot path of console.log: one host call. The host cannot take a string with a lone
  // surrogate; only then is it repaired (U+FFFD, as String.prototype.toWellFormed does).
  function writeOut(fd, text) {
    if (!text.length) return;
    const message = (fd === 2 ? "err:" : "out:") + text;
    try {
      host(message);
    } catch {
      host(wellFormed(message));
    }
  }

  function hostExit(code) {
    host("exit:" + code);
    // Unreachable: the host stops the guest inside the call above.
    throw new InternalErrorCtor("exit");
  }

  function isOutOfMemory(e) {
    // QuickJS reports allocation failure as a (catchable) InternalError "out of memory";
    // when even building that error fails, the thrown value is null.
    if (e === null) return true;
    try {
      return (
        e instanceof InternalErrorCtor &&
        e.message === "out of memory"
      );
    } catch {
      return false;
    }
  }

  function toExitCode(value) {
    if (value === undefined || value === null) return 0;
    const n = Number(value);
    if (!NumberIsInteger(n)) return 1;
    return n & 0xff;
  }

  // ---------------------------------------------------------------- UTF-8
  // Built from native pieces (see the web platform module): a JS loop over bytes costs
  // ~0.5 us per byte in this interpreter.
  const utf8Encode = web.utf8Encode;
  const utf8Decode = web.utf8Decode;

  class TextEncoder {
    get encoding() {
      return "utf-8";
    }
    encode(input = "") {
      return utf8Encode(input);
    }
  }

  class TextDecoder {
    constructor(label = "utf-8") {
      const l = StringCtor(label).toLowerCase();
      if (l !== "utf-8" && l !== "utf8") throw new RangeError(`unsupported encoding: ${label}`);
    }
    get encoding() {
      return "utf-8";
    }
    decode(input) {
      if (input === undefined) return "";
      let bytes;
      if (input instanceof ArrayBufferCtor) bytes = new Uint8ArrayCtor(input);
      else if (ArrayBuffer.isView(input))
        bytes = new Uint8ArrayCtor(input.buffer, input.byteOffset, input.byteLength);
      else throw new TypeError("TextDecoder.decode expects an ArrayBuffer or a view");
      let start = 0;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
      return utf8Decode(bytes, start);
    }
  }

  // ---------------------------------------------------------------- packages
  // Maintained packages, bundled once by scripts/js-packages/build.mjs (js_packages.js;
  // versions and sha256s in wasm-runtimes/manifest.json): the Node Buffer of the `buffer`
  // package and event-target-shim's Event/EventTarget. What was measured and left out, and
  // why, is in scripts/js-packages/entry.mjs.
  const packages = __embedsandboxPackages;
  delete G.__embedsandboxPackages;
  const HEX = "0123456789abcdef";

  // ---------------------------------------------------------------- error stacks
  // Node's shape: "TypeError: message" then the frames, so `err.stack`, console.log(err) and
  // the uncaught-error report read as in Node. QuickJS-ng calls this for every error made
  // (about 5 us more per error); a user may replace it, as in Node. Frames of this prelude
  // (evaluated as "eval_script") and of the host's module shims are left out.
  function errorHead(err) {
    try {
      return call(ErrorToString, err);
    } catch {
      return "Error";
    }
  }
  function prepareStackTrace(err, frames) {
    let s = errorHead(err);
    try {
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i];
        const file = f.getFileName();
        if (file === "eval_script" || file === "<embedsandbox>") continue;
        const name = f.getFunctionName() || "<anonymous>";
        s += f.isNative()
          ? `\n    at ${name} (native)`
          : `\n    at ${name} (${file}:${f.getLineNumber()}:${f.getColumnNumber()})`;
      }
    } catch {}
    return s;
  }
  // An assignment (QuickJS-ng's accessor keeps the function in the context).
  ErrorCtor.prepareStackTrace = prepareStackTrace;
  // For stacks made while a user's own prepareStackTrace was in place.
  function cleanStack(stack) {
    return stack
      .split("\n")
      .filter((l) => !l.includes("(eval_script:") && !l.includes("(<embedsandbox>"))
      .join("\n");
  }

  function isError(v) {
    // DOMException (AbortError, TimeoutError) is not a native error but prints like one.
    return (Error.isError && Error.isError(v)) || v instanceof ErrorCtor;
  }

  // ---------------------------------------------------------------- Buffer
  // The `buffer` package's Buffer, with its UTF-8 and base64 paths on native codecs (its
  // own are JavaScript loops over bytes: ~0.5 us per byte in this interpreter), and Node's
  // "base64url" encoding, which the package does not know.
  const Buffer = packages.Buffer;
  {
    const BufferFrom = Buffer.from;
    const BufferByteLength = Buffer.byteLength;
    const BufferIsEncoding = Buffer.isEncoding;
    const BufferToString = Buffer.prototype.toString;
    const BufferWrite = Buffer.prototype.write;
    const isUtf8 = (enc) => enc === undefined || enc === "utf8" || enc === "utf-8";
    const isBase64url = (enc) => typeof enc === "string" && enc.toLowerCase() === "base64url";
    const fromNative = (bytes) => ReflectApplyFn(BufferFrom, Buffer, [bytes.buffer, bytes.byteOffset, bytes.length]);
    const method = (obj, name, value) =>
      ObjectDefineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
    method(Buffer, "from", function from(value, encodingOrOffset, _length) {
      if (typeof value === "string") {
        if (isUtf8(encodingOrOffset)) return fromNative(utf8Encode(value));
        const url = isBase64url(encodingOrOffset);
        if (url || encodingOrOffset === "base64") {
          // Native when the text is strict base64 (or base64url); else the package's decoder,
          // which is as lenient as Node's (either alphabet, stray characters skipped).
          const bytes = web.fromBase64(value, url);
          if (bytes !== undefined) return fromNative(bytes);
          return ReflectApplyFn(BufferFrom, this, [value, "base64"]);
        }
      }
      return ReflectApplyFn(BufferFrom, this, arguments);
    });
    method(Buffer, "byteLength", function byteLength(string, encoding) {
      if (typeof string === "string") {
        if (isUtf8(encoding)) return utf8Encode(string).length;
        if (isBase64url(encoding)) return ReflectApplyFn(BufferByteLength, this, [string, "base64"]);
      }
      return ReflectApplyFn(BufferByteLength, this, arguments);
    });
    method(Buffer, "isEncoding", function isEncoding(encoding) {
      return isBase64url(encoding) || ReflectApplyFn(BufferIsEncoding, this, [encoding]);
    });
    method(Buffer.prototype, "toString", function toString(encoding, start, end) {
      if (isBase64url(encoding)) {
        const bytes = ReflectApplyFn(Buffer.prototype.subarray, this, [start ?? 0, end ?? this.length]);
        return web.toBase64(bytes, true);
      }
      if (start === undefined && end === undefined && this instanceof Uint8ArrayCtor) {
        if (isUtf8(encoding)) return utf8Decode(this, 0, this.length);
        if (encoding === "base64") return web.toBase64(this, false);
      }
      return ReflectApplyFn(BufferToString, this, arguments);
    });
    method(Buffer.prototype, "write", function write(_string, _offset, _length, _encoding) {
      const args = ArrayFrom(arguments);
      for (let i = 1; i < args.length; i++) if (isBase64url(args[i])) args[i] = "base64";
      return ReflectApplyFn(BufferWrite, this, args);
    });
  }

  // ---------------------------------------------------------------- inspect (Node-like)
  const kMaxArrayLength = 100;
  const kMaxStringLength = 10000;
  const kBreakLength = 80;
  const kCompact = 3;
  const identRe = /^[a-zA-Z_$][a-zA-Z_$0-9]*$/;

  function quoteString(s) {
    let q = "'";
    if (s.includes("'")) {
      if (!s.includes('"')) q = '"';
      else if (!s.includes("`") && !s.includes("${")) q = "`";
    }
    let out = "";
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      const c = s.charCodeAt(i);
      if (ch === q || ch === "\\") out += "\\" + ch;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\t") out += "\\t";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\b") out += "\\b";
      else if (ch === "\f") out += "\\f";
      else if (ch === "\v") out += "\\v";
      else if (c < 0x20 || c === 0x7f) out += "\\x" + HEX[c >> 4].toUpperCase() + HEX[c & 15].toUpperCase();
      else out += ch;
    }
    return q + out + q;
  }

  function formatString(s) {
    if (s.length > kMaxStringLength) {
      const rest = s.length - kMaxStringLength;
      return quoteString(s.slice(0, kMaxStringLength)) +
        `... ${rest} more character${rest > 1 ? "s" : ""}`;
    }
    return quoteString(s);
  }

  function formatNumber(n) {
    return Object.is(n, -0) ? "-0" : StringCtor(n);
  }

  function formatPrimitive(v) {
    switch (typeof v) {
      case "string":
        return formatString(v);
      case "number":
        return formatNumber(v);
      case "bigint":
        return `${v}n`;
      case "symbol":
        return call(Symbol.prototype.toString, v);
      default:
        return StringCtor(v);
    }
  }

  function formatKey(key) {
    if (typeof key === "symbol") return `[${call(Symbol.prototype.toString, key)}]`;
    return identRe.test(key) ? key : quoteString(key);
  }

  function getConstructorName(obj) {
    let o = obj;
    for (let i = 0; i < 50 && o !== null; i++) {
      const d = ObjectGetOwnPropertyDescriptor(o, "constructor");
      if (d && typeof d.value === "function" && typeof d.value.name === "string" &&
          d.value.name !== "") return d.value.name;
      o = ObjectGetPrototypeOf(o);
    }
    return null;
  }

  function functionBase(fn) {
    let src = "";
    try {
      src = call(FunctionPrototypeToString, fn);
    } catch {}
    const name = typeof fn.name === "string" ? fn.name : "";
    if (src.startsWith("class") && /^class[\s{]/.test(src)) {
      let b = `[class ${name || "(anonymous)"}`;
      const sup = ObjectGetPrototypeOf(fn);
      if (sup && sup !== Function.prototype && sup.name) b += ` extends ${sup.name}`;
      return b + "]";
    }
    let type = "Function";
    const tag = fn[Symbol.toStringTag];
    if (tag === "AsyncFunction" || tag === "GeneratorFunction" || tag === "AsyncGeneratorFunction")
      type = tag;
    return `[${type}${name ? `: ${name}` : " (anonymous)"}]`;
  }

  function errorBase(err, indentationLvl) {
    let head;
    try {
      head = call(ErrorToString, err);
    } catch {
      head = "Error";
    }
    let stack = "";
    try {
      stack = typeof err.stack === "string" ? cleanStack(err.stack) : "";
    } catch {}
    let s = stack ? (stack.startsWith(head) ? stack : `${head}\n${stack}`) : `[${head}]`;
    s = s.replace(/\n+$/, "");
    if (indentationLvl) {
      const ind = " ".repeat(indentationLvl);
      s = s.split("\n").join(`\n${ind}`);
    }
    return s;
  }

  function getKeys(value, showHidden) {
    let keys;
    if (showHidden) keys = ObjectGetOwnPropertyNames(value);
    else keys = ObjectKeys(value);
    const syms = ObjectGetOwnPropertySymbols(value);
    for (const s of syms) {
      const d = ObjectGetOwnPropertyDescriptor(value, s);
      if (showHidden || (d && d.enumerable)) keys.push(s);
    }
    return keys;
  }

  function formatProperty(ctx, value, recurseTimes, key, isArrayLike) {
    const desc = ObjectGetOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
    let str;
    if (desc.value !== undefined || !("get" in desc || "set" in desc)) {
      ctx.indentationLvl += 2;
      str = formatValue(ctx, desc.value, recurseTimes);
      ctx.indentationLvl -= 2;
    } else if (desc.get !== undefined) {
      str = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
    } else str = desc.set !== undefined ? "[Setter]" : "undefined";
    if (isArrayLike) return str;
    const name = desc.enumerable === false ? `[${formatKey(key)}]` : formatKey(key);
    return `${name}: ${str}`;
  }

  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (value === null || (typeof value !== "object" && typeof value !== "function"))
      return formatPrimitive(value);
    if (ctx.seen.includes(value)) {
      let index = ctx.circular.get(value);
      if (index === undefined) {
        index = ctx.circular.size + 1;
        ctx.circular.set(value, index);
      }
      return `[Circular *${index}]`;
    }
    // URL, Headers, Response & co. keep their state in private fields: show a view of it.
    const view = web.inspectView(value);
    if (view !== undefined) {
      if (view.entries === undefined) return formatRaw(ctx, view, recurseTimes);
      if (recurseTimes > ctx.depth && ctx.depth !== Infinity) return `[${view.name}]`;
      if (view.entries.length === 0) return `${view.name} {}`;
      recurseTimes += 1;
      ctx.currentDepth = recurseTimes;
      const output = view.entries.map(
        ([k, v]) => `${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`,
      );
      return reduceToSingleString(ctx, output, "", [`${view.name} {`, "}"], false, recurseTimes);
    }
    return formatRaw(ctx, value, recurseTimes, typedArray);
  }

  function formatRaw(ctx, value, recurseTimes) {
    let keys;
    let base = "";
    let braces;
    let formatter = null; // (ctx, value, recurseTimes) => string[]
    let extrasArray = false;
    const constructor = getConstructorName(value);
    const protoNull = ObjectGetPrototypeOf(value) === null;
    const prefixFor = (fallback, size) => {
      const name = constructor === null ? (protoNull ? `[${fallback}: null prototype]` : fallback) : constructor;
      let p = name;
      if (size !== undefined) p += `(${size})`;
      if (constructor !== null && constructor !== fallback && fallback !== "Object") {
        p = `${constructor}${size !== undefined ? `(${size})` : ""}`;
        if (fallback !== constructor) p += ` [${fallback}]`;
      }
      return p + " ";
    };
    const tag = (() => {
      try {
        const t = value[Symbol.toStringTag];
        return typeof t === "string" ? t : "";
      } catch {
        return "";
      }
    })();

    if (ArrayIsArray(value)) {
      keys = ObjectKeys(value).filter((k) => !(String(k >>> 0) === k && (k >>> 0) < value.length));
      keys.push(...ObjectGetOwnPropertySymbols(value).filter((s) => ObjectGetOwnPropertyDescriptor(value, s).enumerable));
      const prefix = constructor !== "Array" || protoNull ? prefixFor("Array", value.length) : "";
      braces = [`${prefix}[`, "]"];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasArray = true;
      formatter = formatArray;
    } else if (value instanceof MapCtor) {
      const size = call(MapSize, value);
      keys = getKeys(value, false);
      braces = [`${prefixFor("Map", size)}{`, "}"];
      if (size === 0 && keys.length === 0) return `${braces[0]}}`;
      formatter = formatMap;
    } else if (value instanceof SetCtor) {
      const size = call(SetSize, value);
      keys = getKeys(value, false);
      braces = [`${prefixFor("Set", size)}{`, "}"];
      if (size === 0 && keys.length === 0) return `${braces[0]}}`;
      formatter = formatSet;
    } else if (ArrayBuffer.isView(value) && !(value instanceof DataViewCtor)) {
      const name = call(TypedArrayToStringTag, value);
      if (value instanceof Buffer) {
        let s = "<Buffer";
        const n = MathMin(value.length, 50);
        for (let i = 0; i < n; i++) s += " " + HEX[value[i] >> 4] + HEX[value[i] & 15];
        if (value.length > 50) s += ` ... ${value.length - 50} more bytes`;
        return s + ">";
      }
      keys = ObjectKeys(value).filter((k) => !(String(k >>> 0) === k));
      braces = [`${constructor && constructor !== name ? `${constructor}(${value.length}) [${name}]` : `${name}(${value.length})`} [`, "]"];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasArray = true;
      formatter = formatTypedArray;
    } else {
      keys = getKeys(value, false);
      braces = ["{", "}"];
      if (typeof value === "function") {
        base = functionBase(value);
        keys = keys.filter((k) => k !== "prototype");
        if (keys.length === 0) return base;
      } else if (isError(value)) {
        base = errorBase(value, ctx.indentationLvl);
        keys = keys.filter((k) => k !== "stack" && k !== "message");
        if (keys.length === 0) return base;
      } else if (value instanceof RegExp) {
        base = call(RegExpToString, value);
        if (keys.length === 0) return base;
      } else if (value instanceof Date) {
        const t = call(DateGetTime, value);
        base = Number.isNaN(t) ? "Invalid Date" : call(DateToISOString, value);
        if (keys.length === 0) return base;
      } else if (value instanceof PromiseCtor) {
        braces[0] = `${prefixFor("Promise")}{`;
        formatter = () => ["<unknown>"];
      } else if (value instanceof WeakMapCtor || value instanceof WeakSetCtor) {
        braces[0] = `${prefixFor(value instanceof WeakMapCtor ? "WeakMap" : "WeakSet")}{`;
        formatter = () => ["<items unknown>"];
      } else if (value instanceof ArrayBufferCtor) {
        const len = call(ArrayBufferByteLength, value);
        const bytes = new Uint8ArrayCtor(value, 0, MathMin(len, 50));
        let contents = "<";
        for (let i = 0; i < bytes.length; i++) contents += (i ? " " : "") + HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
        if (len > 50) contents += ` ... ${len - 50} more bytes`;
        braces[0] = `${prefixFor("ArrayBuffer")}{`;
        formatter = () => [`[Uint8Contents]: ${contents}>`, `byteLength: ${len}`];
      } else if (value instanceof Number || value instanceof String || value instanceof Boolean ||
                 value instanceof Symbol || value instanceof BigInt) {
        let prim;
        let type;
        try {
          prim = value.valueOf();
          type = value instanceof Number ? "Number" : value instanceof String ? "String"
            : value instanceof Boolean ? "Boolean" : value instanceof Symbol ? "Symbol" : "BigInt";
        } catch {}
        base = `[${type}: ${formatPrimitive(prim)}]`;
        if (type === "String") keys = keys.filter((k) => !(String(k >>> 0) === k));
        if (keys.length === 0) return base;
      } else {
        if (protoNull) braces[0] = `[Object: null prototype] {`;
        else if (constructor !== "Object") {
          braces[0] = `${constructor === null ? "" : constructor}${tag && tag !== constructor ? ` [${tag}]` : ""} {`.trimStart();
        } else if (tag) braces[0] = `Object [${tag}] {`;
        if (keys.length === 0 && formatter === null) {
          return `${braces[0]}}`;
        }
      }
    }

    if (recurseTimes > ctx.depth && ctx.depth !== Infinity) {
      let name = constructor || (protoNull ? "Object: null prototype" : tag || "Object");
      if (ArrayIsArray(value)) name = "Array";
      return `[${name}]`;
    }
    recurseTimes += 1;
    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    let output;
    try {
      output = formatter !== null ? formatter(ctx, value, recurseTimes) : [];
      for (const k of keys) output.push(formatProperty(ctx, value, recurseTimes, k, false));
    } finally {
      ctx.seen.pop();
    }
    const ref = ctx.circular.get(value);
    if (ref !== undefined) {
      const r = `<ref *${ref}>`;
      if (base === "") braces[0] = `${r} ${braces[0]}`;
      else base = `${r} ${base}`;
    }
    return reduceToSingleString(ctx, output, base, braces, extrasArray, recurseTimes, value);
  }

  function formatArray(ctx, value, recurseTimes) {
    const len = value.length;
    const out = [];
    const n = MathMin(kMaxArrayLength, len);
    let i = 0;
    for (; i < n && out.length < kMaxArrayLength; i++) {
      if (!ObjectPrototypeHasOwn.call(value, i)) {
        let j = i;
        while (j < len && !ObjectPrototypeHasOwn.call(value, j)) j++;
        const holes = j - i;
        out.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
        i = j - 1;
        continue;
      }
      out.push(formatProperty(ctx, value, recurseTimes, i, true));
    }
    const rest = len - i;
    if (rest > 0) out.push(`... ${rest} more item${rest > 1 ? "s" : ""}`);
    return out;
  }

  function formatTypedArray(_ctx, value) {
    const len = value.length;
    const n = MathMin(kMaxArrayLength, len);
    const out = [];
    for (let i = 0; i < n; i++) out.push(typeof value[i] === "bigint" ? `${value[i]}n` : formatNumber(value[i]));
    if (len > n) out.push(`... ${len - n} more item${len - n > 1 ? "s" : ""}`);
    return out;
  }

  function formatMap(ctx, value, recurseTimes) {
    const out = [];
    ctx.indentationLvl += 2;
    const it = call(MapEntries, value);
    for (const [k, v] of { [Symbol.iterator]: () => it }) {
      out.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
      if (out.length >= kMaxArrayLength) break;
    }
    ctx.indentationLvl -= 2;
    return out;
  }

  function formatSet(ctx, value, recurseTimes) {
    const out = [];
    ctx.indentationLvl += 2;
    const it = call(SetValues, value);
    for (const v of { [Symbol.iterator]: () => it }) {
      out.push(formatValue(ctx, v, recurseTimes));
      if (out.length >= kMaxArrayLength) break;
    }
    ctx.indentationLvl -= 2;
    return out;
  }

  // Node's groupArrayElements: lay out long arrays of short items in aligned columns.
  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    let outputLength = output.length;
    if (value && value.length > kMaxArrayLength && outputLength > kMaxArrayLength) outputLength--;
    const separatorSpace = 2;
    const dataLen = new Array(outputLength);
    for (let i = 0; i < outputLength; i++) {
      const len = output[i].length;
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    if (actualMax * 3 + ctx.indentationLvl < kBreakLength &&
        (totalLength / actualMax > 5 || maxLength <= 6)) {
      const averageBias = MathSqrt(actualMax - totalLength / output.length);
      const biasedMax = MathMax(actualMax - 3 - averageBias, 1);
      const columns = MathMin(
        MathRound(MathSqrt(2.5 * biasedMax * outputLength) / biasedMax),
        MathFloor((kBreakLength - ctx.indentationLvl) / actualMax),
        kCompact * 4,
        15,
      );
      if (columns <= 1) return output;
      const tmp = [];
      const maxLineLength = [];
      for (let i = 0; i < columns; i++) {
        let lineLength = 0;
        for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
        maxLineLength.push(lineLength + separatorSpace);
      }
      let padStart = true;
      if (value !== undefined) {
        for (let i = 0; i < output.length; i++) {
          if (typeof value[i] !== "number" && typeof value[i] !== "bigint") {
            padStart = false;
            break;
          }
        }
      }
      for (let i = 0; i < outputLength; i += columns) {
        const max = MathMin(i + columns, outputLength);
        let str = "";
        let j = i;
        for (; j < max - 1; j++) {
          const cell = `${output[j]}, `;
          str += padStart ? cell.padStart(maxLineLength[j - i], " ") : cell.padEnd(maxLineLength[j - i], " ");
        }
        if (padStart) str += output[j].padStart(maxLineLength[j - i] - separatorSpace, " ");
        else str += output[j];
        tmp.push(str);
      }
      if (outputLength < output.length) tmp.push(output[outputLength]);
      output = tmp;
    }
    return output;
  }

  function isBelowBreakLength(_ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > kBreakLength) return false;
    for (let i = 0; i < output.length; i++) {
      totalLength += output[i].length;
      if (totalLength > kBreakLength) return false;
    }
    return base === "" || !base.includes("\n");
  }

  function reduceToSingleString(ctx, output, base, braces, extrasArray, recurseTimes, value) {
    const entries = output.length;
    if (extrasArray && entries > 6) output = groupArrayElements(ctx, output, value);
    if (ctx.currentDepth - recurseTimes < kCompact && entries === output.length) {
      const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
      if (isBelowBreakLength(ctx, output, start, base)) {
        const joined = output.join(", ");
        if (!joined.includes("\n")) {
          return `${base ? `${base} ` : ""}${braces[0]} ${joined} ${braces[1]}`;
        }
      }
    }
    const indentation = `\n${" ".repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ""}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }

  function inspect(value, opts) {
    const ctx = {
      depth: 2,
      seen: [],
      circular: new MapCtor(),
      indentationLvl: 0,
      currentDepth: 0,
    };
    if (opts && typeof opts === "object" && opts.depth !== undefined)
      ctx.depth = opts.depth === null ? Infinity : opts.depth;
    try {
      return formatValue(ctx, value, 0);
    } catch (e) {
      if (isOutOfMemory(e)) throw e;
      try {
        return call(ObjectPrototypeToString, value);
      } catch {
        return "[object]";
      }
    }
  }
  inspect.custom = Symbol.for("nodejs.util.inspect.custom");

  function hasCustomToString(v) {
    try {
      let o = v;
      while (o !== null && o !== Object.prototype) {
        if (ObjectPrototypeHasOwn.call(o, "toString")) return true;
        o = ObjectGetPrototypeOf(o);
      }
    } catch {}
    return false;
  }

  function format(...args) {
    const first = args[0];
    let a = 0;
    let str = "";
    let join = "";
    if (typeof first === "string" && args.length > 1) {
      a = 1;
      let last = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) !== 37) continue; // '%'
        const c = first[i + 1];
        if (a === args.length && c !== "%") continue;
        let rep;
        switch (c) {
          case "s": {
            const v = args[a++];
            if (typeof v === "bigint") rep = `${v}n`;
            else if (typeof v === "number") rep = formatNumber(v);
            else if (typeof v === "symbol") rep = call(Symbol.prototype.toString, v);
            else if (v !== null && typeof v === "object" && !isError(v) && !hasCustomToString(v))
              rep = inspect(v, { depth: 0 });
            else rep = StringCtor(v);
            break;
          }
          case "d": {
            const v = args[a++];
            rep = typeof v === "bigint" ? `${v}n` : typeof v === "symbol" ? "NaN" : formatNumber(Number(v));
            break;
          }
          case "i": {
            const v = args[a++];
            // %i is parseInt without a radix, as in Node's util.format ("0x10" -> 16).
            // biome-ignore lint/correctness/useParseIntRadix: Node's semantics
            rep = typeof v === "bigint" ? `${v}n` : typeof v === "symbol" ? "NaN" : formatNumber(parseInt(v));
            break;
          }
          case "f": {
            const v = args[a++];
            rep = typeof v === "symbol" ? "NaN" : formatNumber(parseFloat(v));
            break;
          }
          case "j": {
            const v = args[a++];
            try {
              rep = JSONStringify(v);
            } catch {
              rep = "[Circular]";
            }
            break;
          }
          case "o":
            rep = inspect(args[a++], { depth: 4 });
            break;
          case "O":
            rep = inspect(args[a++]);
            break;
          case "c":
            a++;
            rep = "";
            break;
          case "%":
            str += first.slice(last, i) + "%";
            last = i + 2;
            i++;
            continue;
          default:
            continue;
        }
        str += first.slice(last, i) + rep;
        last = i + 2;
        i++;
      }
      str += first.slice(last);
      join = " ";
    }
    for (; a < args.length; a++) {
      const v = args[a];
      str += join + (typeof v === "string" ? v : inspect(v));
      join = " ";
    }
    return str;
  }

  // ---------------------------------------------------------------- console
  const counts = new MapCtor();
  const timers = new MapCtor();
  let groupIndent = "";
  function logTo(fd) {
    return (...args) => {
      let s = format(...args);
      if (groupIndent) s = groupIndent + s.split("\n").join("\n" + groupIndent);
      writeOut(fd, s + "\n");
    };
  }
  const console = {
    log: logTo(1),
    info: logTo(1),
    debug: logTo(1),
    error: logTo(2),
    warn: logTo(2),
    trace: (...args) => {
      const e = new ErrorCtor();
      // The frames only (not the stack's "Error" head line).
      const frames = cleanStack(StringCtor(e.stack || "")).split("\n").filter((l) => l.startsWith("    at "));
      const s = ["Trace" + (args.length ? ": " + format(...args) : ""), frames.join("\n")];
      logTo(2)(s.join("\n").replace(/\n+$/, ""));
    },
    dir: (v, opts) => logTo(1)(inspect(v, opts)),
    assert: (cond, ...args) => {
      if (!cond) logTo(2)("Assertion failed" + (args.length ? ": " + format(...args) : ""));
    },
    count: (label = "default") => {
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      logTo(1)(`${label}: ${n}`);
    },
    countReset: (label = "default") => counts.delete(label),
    group: (...args) => {
      if (args.length) logTo(1)(...args);
      groupIndent += "  ";
    },
    groupEnd: () => {
      groupIndent = groupIndent.slice(2);
    },
    time: (label = "default") => timers.set(label, perfNow()),
    timeEnd: (label = "default") => {
      const t = timers.get(label);
      if (t !== undefined) {
        timers.delete(label);
        logTo(1)(`${label}: ${(perfNow() - t).toFixed(3)}ms`);
      }
    },
    timeLog: (label = "default", ...args) => {
      const t = timers.get(label);
      if (t !== undefined) logTo(1)(`${label}: ${(perfNow() - t).toFixed(3)}ms`, ...args);
    },
    table: (v) => logTo(1)(inspect(v)),
  };
  console.groupCollapsed = console.group;

  // ---------------------------------------------------------------- timers
  // The host's event loop calls tick() whenever the microtask queue is empty.
  const timerQueue = new MapCtor(); // id -> Timeout
  let nextTimerId = 1;
  class Timeout {
    constructor(cb, ms, args, repeat) {
      this._id = nextTimerId++;
      this._cb = cb;
      this._args = args;
      ms = Number(ms);
      this._ms = ms >= 1 && ms <= 2147483647 ? ms : 1;
      this._repeat = repeat;
      this._ref = true;
      this._due = perfNow() + this._ms;
      timerQueue.set(this._id, this);
    }
    ref() {
      this._ref = true;
      return this;
    }
    unref() {
      this._ref = false;
      return this;
    }
    hasRef() {
      return this._ref;
    }
    refresh() {
      this._due = perfNow() + this._ms;
      return this;
    }
    close() {
      timerQueue.delete(this._id);
      return this;
    }
    [Symbol.toPrimitive]() {
      return this._id;
    }
  }
  function checkCallback(cb) {
    if (typeof cb !== "function") {
      const e = new TypeError(`The "callback" argument must be of type function. Received ${inspect(cb)}`);
      e.code = "ERR_INVALID_ARG_TYPE";
      throw e;
    }
  }
  function clearTimer(t) {
    if (t instanceof Timeout) timerQueue.delete(t._id);
    else if (t !== undefined && t !== null) timerQueue.delete(Number(t));
  }
  const timerApi = {
    setTimeout(cb, ms, ...args) {
      checkCallback(cb);
      return new Timeout(cb, ms, args, false);
    },
    setInterval(cb, ms, ...args) {
      checkCallback(cb);
      return new Timeout(cb, ms, args, true);
    },
    setImmediate(cb, ...args) {
      checkCallback(cb);
      const t = new Timeout(cb, 0, args, false);
      t._due = 0;
      return t;
    },
    clearTimeout: clearTimer,
    clearInterval: clearTimer,
    clearImmediate: clearTimer,
  };

  // Runs at most one due timer. Returns 0 if it ran one (the host drains microtasks and
  // calls again), the milliseconds until the next referenced timer, or -1 if none is left.
  function tick() {
    let next = null;
    let anyRef = false;
    for (const t of timerQueue.values()) {
      if (!t._ref) continue;
      anyRef = true;
      if (next === null || t._due < next._due) next = t;
    }
    if (!anyRef) return -1;
    const now = perfNow();
    if (next._due > now) return next._due - now;
    // Run the earliest due timer (unreferenced ones run too once they are due).
    for (const t of timerQueue.values()) if (t._due < next._due) next = t;
    if (next._repeat) next._due = now + next._ms;
    else timerQueue.delete(next._id);
    try {
      Reflect.apply(next._cb, undefined, next._args);
    } catch (e) {
      uncaught(e);
    }
    return 0;
  }

  // ---------------------------------------------------------------- paths & fs
  // The fs's collections answer only to the methods captured here (own properties), so a
  // user who replaces Map.prototype/Set.prototype methods never gets hold of them (and
  // cannot write past the disk quota behind the fs's back).
  function privateCollection(obj, proto, names) {
    for (const name of names) {
      const d = ObjectGetOwnPropertyDescriptor(proto, name);
      if (d.get) {
        const get = d.get;
        ObjectDefineProperty(obj, name, { get: () => call(get, obj) });
      } else {
        const fn = d.value;
        ObjectDefineProperty(obj, name, { value: (...args) => ReflectApplyFn(fn, obj, args) });
      }
    }
    return obj;
  }
  const collectionNames = ["get", "set", "has", "add", "delete", "keys", "values", "size", Symbol.iterator];
  const files = privateCollection(
    new MapCtor(), // "a/b.txt" -> string | Uint8Array
    Map.prototype,
    collectionNames.filter((n) => n !== "add"),
  );
  const dirs = privateCollection(
    new SetCtor([""]),
    Set.prototype,
    collectionNames.filter((n) => n !== "get" && n !== "set"),
  );
  // The disk quota (`disk_bytes`, `disk_files`; the run's own files count too): what all
  // files hold (UTF-8 bytes of text, byteLength of binary) and how many files and folders
  // there are. A write past it ends the run (host "d": limit_hit disk_size).
  // Counting a long text's UTF-8 bytes scans it (~28 ms per MiB), so a long text counts
  // 3 bytes per UTF-16 unit (never less than its UTF-8 size) past its first `chars` units,
  // whose `bytes` are known (roughSizes: key -> [chars, bytes]); only when the estimate
  // would pass the quota are the unknown parts scanned (each part once).
  const fileSizes = privateCollection(new MapCtor(), Map.prototype, ["get", "set", "delete"]);
  const roughSizes = privateCollection(new MapCtor(), Map.prototype, ["get", "set", "has", "delete", "keys"]);
  let diskBytes = 0; // the sum of fileSizes
  const ROUGH_MIN = 4096;
  const NON_ASCII = /[^\x00-\x7f]/;
  function byteLen(v) {
    if (typeof v !== "string") return v.length;
    if (call(RegExpExec, NON_ASCII, v) === null) return v.length;
    return Unescape(EncodeURIComponent(wellFormed(v))).length;
  }
  function exactLen(v, rough) {
    return rough === undefined ? byteLen(v) : rough[1] + byteLen(v.slice(rough[0]));
  }
  function diskFull() {
    host("limit:disk_size");
    // Unreachable: the host stops the guest inside the call above.
    throw new InternalErrorCtor("disk quota");
  }
  function diskEntries() {
    return files.size + dirs.size - 1; // the root is not counted
  }
  function makeExact() {
    for (const k of ArrayFrom(roughSizes.keys())) {
      const exact = exactLen(files.get(k), roughSizes.get(k));
      diskBytes += exact - fileSizes.get(k);
      fileSizes.set(k, exact);
      roughSizes.delete(k);
    }
  }
  // Store `value` as the file `key`, within the quota; `rough`: see roughSizes (undefined:
  // count it all now).
  function putFile(key, value, rough = typeof value === "string" && value.length > ROUGH_MIN ? [0, 0] : undefined) {
    const had = files.has(key);
    if (!had && diskEntries() + 1 > cfg.diskFiles) diskFull();
    let size = rough === undefined ? byteLen(value) : rough[1] + 3 * (value.length - rough[0]);
    if (diskBytes - (had ? fileSizes.get(key) : 0) + size > cfg.diskBytes) {
      if (rough !== undefined) size = exactLen(value, rough);
      rough = undefined;
      makeExact();
      if (diskBytes - (had ? fileSizes.get(key) : 0) + size > cfg.diskBytes) diskFull();
    }
    const old = had ? fileSizes.get(key) : 0;
    files.set(key, value);
    fileSizes.set(key, size);
    if (rough !== undefined) roughSizes.set(key, rough);
    else roughSizes.delete(key);
    diskBytes += size - old;
  }
  function dropFile(key) {
    if (!files.has(key)) return false;
    diskBytes -= fileSizes.get(key);
    fileSizes.delete(key);
    roughSizes.delete(key);
    files.delete(key);
    return true;
  }
  function addDir(key) {
    if (dirs.has(key)) return;
    if (diskEntries() + 1 > cfg.diskFiles) diskFull();
    dirs.add(key);
  }
  let stdinText = ""; // set by `setup`

  function normalizeParts(p) {
    const parts = [];
    for (const seg of p.split("/")) {
      if (seg === "" || seg === ".") continue;
      if (seg === "..") parts.pop(); // clamped at the root: ".." cannot climb out
      else parts.push(seg);
    }
    return parts;
  }
  // Guest paths: the cwd is the root "/", so "a.txt", "./a.txt" and "/a.txt" are one file.
  function toKey(p) {
    return normalizeParts(p).join("/");
  }
  function addParents(key) {
    const parts = key.split("/");
    for (let i = 1; i < parts.length; i++) addDir(parts.slice(0, i).join("/"));
  }
  // The run's files are added by `setup`.

  function fsError(code, syscall, path, msg) {
    const errnos = { ENOENT: -2, EEXIST: -17, ENOTDIR: -20, EISDIR: -21, ENOTEMPTY: -39, EBADF: -9, EINVAL: -22 };
    const e = new ErrorCtor(`${code}: ${msg}, ${syscall} '${path}'`);
    e.errno = errnos[code];
    e.code = code;
    e.syscall = syscall;
    e.path = path;
    return e;
  }

  function pathArg(p) {
    if (typeof p === "string") return p;
    if (p instanceof Uint8ArrayCtor) return utf8Decode(p);
    if (p && typeof p === "object" && typeof p.href === "string" && p.protocol === "file:")
      return decodeURIComponent(p.pathname);
    const e = new TypeError(`The "path" argument must be of type string. Received ${inspect(p)}`);
    e.code = "ERR_INVALID_ARG_TYPE";
    throw e;
  }

  function encodingOf(options) {
    if (typeof options === "string") return options;
    if (options && typeof options === "object" && options.encoding) return options.encoding;
    return null;
  }

  function asText(data) {
    return typeof data === "string" ? data : utf8Decode(data);
  }

  function toData(data) {
    if (typeof data === "string") return data;
    if (data instanceof Uint8ArrayCtor) return new Uint8ArrayCtor(data);
    if (ArrayBuffer.isView(data)) return new Uint8ArrayCtor(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    if (data instanceof ArrayBufferCtor) return new Uint8ArrayCtor(data.slice(0));
    if (data === undefined || data === null || typeof data === "function") {
      const e = new TypeError(`The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${inspect(data)}`);
      e.code = "ERR_INVALID_ARG_TYPE";
      throw e;
    }
    return StringCtor(data);
  }

  function result(data, options) {
    const enc = encodingOf(options);
    if (enc) {
      const e = StringCtor(enc).toLowerCase();
      if (e === "utf8" || e === "utf-8") return asText(data);
      return Buffer.from(typeof data === "string" ? utf8Encode(data) : data).toString(e);
    }
    return Buffer.from(typeof data === "string" ? utf8Encode(data) : data);
  }

  function isStdin(p) {
    return p === 0 || p === "/dev/stdin";
  }
  function stdioFd(p) {
    if (p === 1 || p === "/dev/stdout") return 1;
    if (p === 2 || p === "/dev/stderr") return 2;
    return 0;
  }

  function readFileSync(path, options) {
    if (isStdin(path)) return result(stdinText, options);
    const p = pathArg(path);
    const key = toKey(p);
    if (files.has(key)) return result(files.get(key), options);
    if (dirs.has(key)) throw fsError("EISDIR", "read", p, "illegal operation on a directory");
    throw fsError("ENOENT", "open", p, "no such file or directory");
  }

  function checkParent(key, p, syscall) {
    const parent = key.includes("/") ? key.slice(0, key.lastIndexOf("/")) : "";
    if (files.has(parent)) throw fsError("ENOTDIR", syscall, p, "not a directory");
    if (!dirs.has(parent)) throw fsError("ENOENT", syscall, p, "no such file or directory");
  }

  function writeFileSync(path, data, options) {
    const fd = stdioFd(path);
    if (fd) {
      writeOut(fd, asText(toData(data)));
      return;
    }
    const p = pathArg(path);
    const key = toKey(p);
    if (key === "" || dirs.has(key)) throw fsError("EISDIR", "open", p, "illegal operation on a directory");
    checkParent(key, p, "open");
    const flag = options && typeof options === "object" ? options.flag : undefined;
    const value = toData(data);
    if (flag === "a" && files.has(key)) {
      putFile(key, asText(files.get(key)) + asText(value));
    } else if (flag === "wx" && files.has(key)) throw fsError("EEXIST", "open", p, "file already exists");
    else putFile(key, value);
  }

  function appendFileSync(path, data, options) {
    const fd = stdioFd(path);
    if (fd) return writeFileSync(path, data, options);
    const p = pathArg(path);
    const key = toKey(p);
    if (files.has(key)) {
      const prev = files.get(key);
      const add = toData(data);
      // Sizes add up (a lone surrogate at the seam may count 2 bytes too many: on the safe
      // side); the sum is rough when either part is.
      if (typeof prev === "string" && typeof add === "string") {
        // What is known of `prev` stays known (a lone surrogate at the seam may count 2
        // bytes too many: on the safe side).
        let rough = roughSizes.has(key) ? roughSizes.get(key) : undefined;
        if (rough === undefined && add.length > ROUGH_MIN) rough = [prev.length, fileSizes.get(key)];
        if (rough === undefined) rough = [prev.length + add.length, fileSizes.get(key) + byteLen(add)];
        putFile(key, prev + add, rough);
      }
      else {
        const a = typeof prev === "string" ? utf8Encode(prev) : prev;
        const b = typeof add === "string" ? utf8Encode(add) : add;
        const c = new Uint8ArrayCtor(a.length + b.length);
        c.set(a, 0);
        c.set(b, a.length);
        putFile(key, c);
      }
      return;
    }
    writeFileSync(path, data, options);
  }

  function existsSync(path) {
    if (isStdin(path)) return true;
    let p;
    try {
      p = pathArg(path);
    } catch {
      return false;
    }
    const key = toKey(p);
    return files.has(key) || dirs.has(key);
  }

  function readdirSync(path, options) {
    const p = pathArg(path === undefined ? "." : path);
    const key = toKey(p);
    if (files.has(key)) throw fsError("ENOTDIR", "scandir", p, "not a directory");
    if (!dirs.has(key)) throw fsError("ENOENT", "scandir", p, "no such file or directory");
    const prefix = key === "" ? "" : key + "/";
    const names = new SetCtor();
    const kinds = new MapCtor();
    for (const k of files.keys()) {
      if (k.startsWith(prefix) && !k.slice(prefix.length).includes("/")) {
        names.add(k.slice(prefix.length));
        kinds.set(k.slice(prefix.length), "file");
      }
    }
    for (const d of dirs) {
      if (d !== key && d.startsWith(prefix) && d.length > prefix.length && !d.slice(prefix.length).includes("/")) {
        names.add(d.slice(prefix.length));
        kinds.set(d.slice(prefix.length), "dir");
      }
    }
    const list = Array.from(names).sort();
    if (options && typeof options === "object" && options.withFileTypes) {
      return list.map((name) => makeDirent(name, kinds.get(name), p));
    }
    return list;
  }

  function makeDirent(name, kind, parentPath) {
    return {
      name,
      parentPath,
      path: parentPath,
      isFile: () => kind === "file",
      isDirectory: () => kind === "dir",
      isSymbolicLink: () => false,
    };
  }

  function mkdirSync(path, options) {
    const p = pathArg(path);
    const key = toKey(p);
    const recursive = options && typeof options === "object" && options.recursive;
    if (files.has(key)) throw fsError("EEXIST", "mkdir", p, "file already exists");
    if (dirs.has(key)) {
      if (recursive) return undefined;
      throw fsError("EEXIST", "mkdir", p, "file already exists");
    }
    if (recursive) {
      const parts = key.split("/");
      let first;
      for (let i = 1; i <= parts.length; i++) {
        const d = parts.slice(0, i).join("/");
        if (files.has(d)) throw fsError("ENOTDIR", "mkdir", p, "not a directory");
        if (!dirs.has(d)) {
          addDir(d);
          if (first === undefined) first = "/" + d;
        }
      }
      return first;
    }
    checkParent(key, p, "mkdir");
    addDir(key);
    return undefined;
  }

  function unlinkSync(path) {
    const p = pathArg(path);
    const key = toKey(p);
    if (dirs.has(key)) throw fsError("EISDIR", "unlink", p, "illegal operation on a directory");
    if (!dropFile(key)) throw fsError("ENOENT", "unlink", p, "no such file or directory");
  }

  function rmdirSync(path) {
    const p = pathArg(path);
    const key = toKey(p);
    if (files.has(key)) throw fsError("ENOTDIR", "rmdir", p, "not a directory");
    if (!dirs.has(key) || key === "") throw fsError("ENOENT", "rmdir", p, "no such file or directory");
    if (readdirSync(p).length) throw fsError("ENOTEMPTY", "rmdir", p, "directory not empty");
    dirs.delete(key);
  }

  function rmSync(path, options) {
    const p = pathArg(path);
    const key = toKey(p);
    const recursive = options && typeof options === "object" && options.recursive;
    const force = options && typeof options === "object" && options.force;
    if (dropFile(key)) return;
    if (dirs.has(key) && key !== "") {
      if (!recursive) {
        const e = fsError("EISDIR", "rm", p, "is a directory");
        e.code = "ERR_FS_EISDIR";
        throw e;
      }
      const prefix = key + "/";
      for (const k of ArrayFrom(files.keys())) if (k.startsWith(prefix)) dropFile(k);
      for (const d of ArrayFrom(dirs)) if (d === key || d.startsWith(prefix)) dirs.delete(d);
      return;
    }
    if (!force) throw fsError("ENOENT", "rm", p, "no such file or directory");
  }

  function renameSync(from, to) {
    const a = pathArg(from);
    const b = pathArg(to);
    const ka = toKey(a);
    const kb = toKey(b);
    if (!files.has(ka)) throw fsError("ENOENT", "rename", a, "no such file or directory");
    checkParent(kb, b, "rename");
    if (ka === kb) return;
    const v = files.get(ka);
    const rough = roughSizes.has(ka) ? roughSizes.get(ka) : typeof v === "string" ? [v.length, fileSizes.get(ka)] : undefined;
    dropFile(ka);
    putFile(kb, v, rough); // never more than before: the target's old contents are gone
  }

  function copyFileSync(from, to) {
    writeFileSync(to, files.has(toKey(pathArg(from))) ? files.get(toKey(pathArg(from))) : readFileSync(from));
  }

  function statSync(path, options) {
    const p = pathArg(path);
    const key = toKey(p);
    const isFile = files.has(key);
    if (!isFile && !dirs.has(key)) {
      if (options && options.throwIfNoEntry === false) return undefined;
      throw fsError("ENOENT", "stat", p, "no such file or directory");
    }
    const data = isFile ? files.get(key) : "";
    const size = isFile ? (typeof data === "string" ? utf8Encode(data).length : data.length) : 0;
    const now = new Date();
    return {
      size,
      mode: isFile ? 0o100644 : 0o40755,
      isFile: () => isFile,
      isDirectory: () => !isFile,
      isSymbolicLink: () => false,
      mtime: now,
      ctime: now,
      atime: now,
      birthtime: now,
      mtimeMs: now.getTime(),
    };
  }

  const fs = {
    readFileSync,
    writeFileSync,
    appendFileSync,
    existsSync,
    readdirSync,
    mkdirSync,
    unlinkSync,
    rmdirSync,
    rmSync,
    renameSync,
    copyFileSync,
    statSync,
    lstatSync: statSync,
    constants: { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 },
  };
  function promisify(fn) {
    return (...args) => {
      try {
        return PromiseCtor.resolve(fn(...args));
      } catch (e) {
        return PromiseCtor.reject(e);
      }
    };
  }
  const fsPromises = {
    readFile: promisify(readFileSync),
    writeFile: promisify(writeFileSync),
    appendFile: promisify(appendFileSync),
    readdir: promisify(readdirSync),
    mkdir: promisify(mkdirSync),
    unlink: promisify(unlinkSync),
    rm: promisify(rmSync),
    rmdir: promisify(rmdirSync),
    rename: promisify(renameSync),
    copyFile: promisify(copyFileSync),
    stat: promisify(statSync),
    lstat: promisify(statSync),
    access: promisify((p) => {
      if (!existsSync(p)) throw fsError("ENOENT", "access", pathArg(p), "no such file or directory");
    }),
  };
  fs.promises = fsPromises;
  for (const name of ["readFile", "writeFile", "appendFile", "readdir", "mkdir", "unlink", "rm", "rename", "stat"]) {
    // Node-style callback API, answered asynchronously.
    fs[name] = (...args) => {
      const cb = args.pop();
      checkCallback(cb);
      fsPromises[name](...args).then((v) => cb(null, v), (e) => cb(e));
    };
  }
  fs.exists = (p, cb) => queueMicrotask(() => cb(existsSync(p)));

  // path (POSIX subset)
  const path = {
    sep: "/",
    delimiter: ":",
    normalize(p) {
      const abs = p.startsWith("/");
      const out = [];
      for (const seg of p.split("/")) {
        if (seg === "" || seg === ".") continue;
        if (seg === "..") {
          if (out.length && out[out.length - 1] !== "..") out.pop();
          else if (!abs) out.push("..");
        } else out.push(seg);
      }
      let s = (abs ? "/" : "") + out.join("/");
      if (p.endsWith("/") && out.length) s += "/";
      return s || (abs ? "/" : ".");
    },
    join(...parts) {
      const s = parts.filter((x) => x !== "").join("/");
      return s === "" ? "." : path.normalize(s);
    },
    resolve(...parts) {
      let r = "";
      for (let i = parts.length - 1; i >= 0 && !r.startsWith("/"); i--) if (parts[i]) r = parts[i] + (r ? "/" + r : "");
      if (!r.startsWith("/")) r = "/" + r;
      const n = path.normalize(r);
      return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
    },
    isAbsolute: (p) => p.startsWith("/"),
    dirname(p) {
      if (p === "") return ".";
      const t = p.length > 1 ? p.replace(/\/+$/, "") : p;
      const i = t.lastIndexOf("/");
      if (i < 0) return ".";
      if (i === 0) return "/";
      return t.slice(0, i);
    },
    basename(p, ext) {
      const t = p.length > 1 ? p.replace(/\/+$/, "") : p;
      let b = t.slice(t.lastIndexOf("/") + 1);
      if (ext && b.endsWith(ext) && b !== ext) b = b.slice(0, -ext.length);
      return b;
    },
    extname(p) {
      const b = path.basename(p);
      const i = b.lastIndexOf(".");
      return i <= 0 ? "" : b.slice(i);
    },
    relative(from, to) {
      const a = normalizeParts(path.resolve(from));
      const b = normalizeParts(path.resolve(to));
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      return [...Array(a.length - i).fill(".."), ...b.slice(i)].join("/");
    },
    parse(p) {
      const base = path.basename(p);
      const ext = path.extname(p);
      const dir = p.includes("/") ? path.dirname(p) : "";
      return { root: p.startsWith("/") ? "/" : "", dir, base, ext, name: ext ? base.slice(0, -ext.length) : base };
    },
    format(o) {
      const dir = o.dir || o.root || "";
      const base = o.base || (o.name || "") + (o.ext || "");
      return dir ? (dir.endsWith("/") ? dir + base : dir + "/" + base) : base;
    },
  };
  path.posix = path;

  // ---------------------------------------------------------------- process
  let exitCodeValue;
  const env = {}; // filled by `setup`
  const process = {
    argv: null, // set by `setup`
    argv0: "node",
    env,
    platform: "linux",
    arch: "wasm32",
    pid: 1,
    ppid: 0,
    execArgv: [],
    title: "node",
    exit(code) {
      hostExit(toExitCode(code === undefined ? exitCodeValue : code));
    },
    get exitCode() {
      return exitCodeValue;
    },
    set exitCode(v) {
      exitCodeValue = v;
    },
    cwd: () => "/",
    chdir: () => {
      throw new ErrorCtor("process.chdir() is not supported in the sandbox");
    },
    nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)),
    hrtime: Object.assign(
      (prev) => {
        const t = perfNow();
        let s = MathFloor(t / 1000);
        let ns = MathRound((t % 1000) * 1e6);
        if (prev) {
          s -= prev[0];
          ns -= prev[1];
          if (ns < 0) {
            s--;
            ns += 1e9;
          }
        }
        return [s, ns];
      },
      { bigint: () => BigInt(MathRound(perfNow() * 1e6)) },
    ),
    uptime: () => perfNow() / 1000,
    memoryUsage: () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }),
    stdout: { write: (s) => (writeOut(1, typeof s === "string" ? s : asText(toData(s))), true), isTTY: false },
    stderr: { write: (s) => (writeOut(2, typeof s === "string" ? s : asText(toData(s))), true), isTTY: false },
    on: () => process,
    once: () => process,
    off: () => process,
    emitWarning: (w) => writeOut(2, `Warning: ${w instanceof ErrorCtor ? w.message : w}\n`),
  };

  // ---------------------------------------------------------------- crypto (host randomness)
  function randomBytes(n) {
    const hex = host("random:" + n);
    const out = new Uint8ArrayCtor(n);
    for (let i = 0; i < n; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }
  const crypto = {
    getRandomValues(arr) {
      if (!ArrayBuffer.isView(arr) || arr instanceof DataViewCtor || arr instanceof Float32Array ||
          arr instanceof Float64Array) throw new TypeError("getRandomValues expects an integer TypedArray");
      if (arr.byteLength > 65536) throw new RangeError("getRandomValues: at most 65536 bytes");
      const bytes = randomBytes(arr.byteLength);
      new Uint8ArrayCtor(arr.buffer, arr.byteOffset, arr.byteLength).set(bytes);
      return arr;
    },
    randomUUID() {
      const b = randomBytes(16);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      let h = "";
      for (let i = 0; i < 16; i++) h += HEX[b[i] >> 4] + HEX[b[i] & 15];
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };

  // ---------------------------------------------------------------- modules
  const util = {
    format,
    inspect,
    isDeepStrictEqual: (a, b) => inspect(a, { depth: null }) === inspect(b, { depth: null }),
    promisify: (fn) => (...args) => new PromiseCtor((res, rej) => fn(...args, (e, v) => (e ? rej(e) : res(v)))),
    types: {
      isPromise: (v) => v instanceof PromiseCtor,
      isDate: (v) => v instanceof Date,
      isRegExp: (v) => v instanceof RegExp,
    },
    TextEncoder,
    TextDecoder,
  };
  const builtins = {
    fs,
    "fs/promises": fsPromises,
    path,
    "path/posix": path,
    process,
    util,
    buffer: { Buffer, kMaxLength: packages.kMaxLength, constants: { MAX_LENGTH: packages.kMaxLength } },
  };
  function builtin(name) {
    const n = StringCtor(name).startsWith("node:") ? StringCtor(name).slice(5) : StringCtor(name);
    if (ObjectPrototypeHasOwn.call(builtins, n)) return builtins[n];
    return undefined;
  }
  // CommonJS modules of a runtime revision's node_modules, by resolved name.
  const cjsModules = new Map();
  function makeRequire(from) {
    return function require(name) {
      const m = builtin(name);
      if (m !== undefined) return m;
      if (!cfg.nodeModules) {
        const e = new ErrorCtor(`Cannot find module '${name}'`);
        e.code = "MODULE_NOT_FOUND";
        throw e;
      }
      const cached = cjsModules.get(StringCtor(name));
      if (cached !== undefined) return cached.exports;
      const reply = host("require:" + JSON.stringify([from, StringCtor(name)]));
      const r = typeof reply === "string" ? JSON.parse(reply) : { error: `Cannot find module '${name}'` };
      if (r.error !== undefined) {
        const e = new ErrorCtor(r.error);
        e.code = r.code || "MODULE_NOT_FOUND";
        throw e;
      }
      const known = cjsModules.get(r.name);
      if (known !== undefined) return known.exports;
      if (r.format === "json") {
        const json = { exports: JSON.parse(r.source), loaded: true };
        cjsModules.set(r.name, json);
        return json.exports;
      }
      if (r.format === "esm") {
        const e = new ErrorCtor(
          `require() of ES module ${r.name} is not supported in the sandbox; use import instead`,
        );
        e.code = "ERR_REQUIRE_ESM";
        throw e;
      }
      const dirname = r.name.slice(0, r.name.lastIndexOf("/")) || "/";
      const module = { exports: {}, id: r.name, filename: r.name, loaded: false, path: dirname };
      module.require = makeRequire(r.name);
      cjsModules.set(r.name, module);
      try {
        const fn = new Function(
          "exports",
          "require",
          "module",
          "__filename",
          "__dirname",
          r.source + "\n//# sourceURL=" + r.name,
        );
        fn.call(module.exports, module.exports, module.require, module, r.name, dirname);
      } catch (err) {
        cjsModules.delete(r.name);
        throw err;
      }
      module.loaded = true;
      return module.exports;
    };
  }
  const require = makeRequire("main.js");
  // The host's module loader serves `import ... from "fs"` as a tiny module reading this.
  ObjectDefineProperty(G, Symbol.for("embedsandbox.builtin"), { value: builtin });
  // ... and `import` of a CommonJS package file as a module that requires it by name.
  ObjectDefineProperty(G, Symbol.for("embedsandbox.require"), { value: require });

  // ================================================================ Intl
  // QuickJS-ng has no Intl. This is a small ECMA-402 subset that matches Node 20 (ICU 73)
  // output exactly for what it supports, and throws a RangeError naming what is supported
  // for the rest (never silently different output):
  //   locales   en-US (the default), en-GB, de-DE, fr-FR, es-ES, ja-JP and the bare
  //             languages en, de, fr, es, ja. Other tags fall back as ECMA-402's lookup
  //             does (de-AT -> de, en-AU -> en, zh -> en-US; resolvedOptions().locale and
  //             supportedLocalesOf say so); Unicode extensions other than nu-latn /
  //             ca-gregory are refused. No Intl.Locale, RelativeTimeFormat, ListFormat,
  //             DisplayNames, Segmenter, supportedValuesOf; Latin digits only.
  //   NumberFormat  style decimal / percent / currency (USD EUR GBP JPY with symbol,
  //             narrowSymbol, code, name; any ISO code with currencyDisplay "code"),
  //             currencySign, min/max integer/fraction/significant digits, useGrouping,
  //             signDisplay, roundingMode, trailingZeroDisplay; notation "standard" only;
  //             no style "unit", no roundingPriority/roundingIncrement, no formatRange.
  //   DateTimeFormat  dateStyle/timeStyle, weekday, year, month, day, hour, minute, second,
  //             hour12/hourCycle, timeZoneName short/long; timeZone UTC only (the guest's
  //             own zone is UTC); Gregorian calendar; no era/dayPeriod/fractional seconds,
  //             no formatRange.
  //   Collator  an approximation of the CLDR root collation for Latin text (plus Spanish
  //             ñ): sensitivity, numeric, ignorePunctuation, caseFirst.
  //   PluralRules  cardinal and ordinal for en, de, fr, es, ja (CLDR 43).
  // Number/BigInt/Date/Array toLocaleString (and Date's toLocaleDateString/TimeString) and
  // String localeCompare use it. Nothing runs per run until a guest uses it: `Intl` is a
  // getter until first touched, the constructors are made on first use (makeIntl), and each
  // locale's table (LOCALE_DATA) is parsed on first use of that locale. The compiled code
  // is part of the start-up image (~0.5 MB of it; ~0.1 ms per run to restore).
  const NumberValueOf = Number.prototype.valueOf;
  const BigIntValueOf = typeof BigInt === "function" ? BigInt.prototype.valueOf : undefined;
  const DateGetUTC = {
    y: Date.prototype.getUTCFullYear,
    M: Date.prototype.getUTCMonth,
    d: Date.prototype.getUTCDate,
    E: Date.prototype.getUTCDay,
    h: Date.prototype.getUTCHours,
    m: Date.prototype.getUTCMinutes,
    s: Date.prototype.getUTCSeconds,
  };
  const StringNormalize = String.prototype.normalize;
  const ObjectCreate = Object.create;
  const RangeErrorCtor = RangeError;
  const TypeErrorCtor = TypeError;
  const NumberIsFinite = Number.isFinite;
  const NumberIsNaN = Number.isNaN;
  const NumberCtor = Number;
  const ObjectCtor = Object;
  const DateCtor = Date;
  const MathAbs = Math.abs;
  // Per locale, JSON text generated from Node 20 (ICU 73) with formatToParts: "num" (symbols,
  // affix patterns, currency symbols and names [one|other|many]) and "date": month and
  // weekday names (M/E: format forms, L/c: stand-alone), the hour cycles [default|hour12
  // true|false], "styles" (d<dateStyle>, t<timeStyle>[12|23], g<dateStyle>: the glue,
  // c...: exceptions), "date"/"time": the patterns ICU picks per skeleton key (see
  // createDateTimeFormat), "glue" per date key. Tokens: {E}/{c} weekday, {y}/{yy} year,
  // {M}/{MM} month number, {MMM}..{LLLLL} month names, {d}/{dd}, {h}/{hh}, {m}/{mm},
  // {s}/{ss}, {a} AM/PM, {z} zone name, {(}/{)} literal braces.
  const LOCALE_DATA = {
    en: '{"num":{"dec":".","grp":",","min2":0,"pct":"{n}%","cur":"{c}{n}","code":"{c}\u00a0{n}","name":"{n} {c}","acct":1,"sym":{"USD":"$|$","EUR":"\u20ac|\u20ac","GBP":"\u00a3|\u00a3","JPY":"\u00a5|\u00a5"},"names":{"USD":"US dollar|US dollars|US dollars","EUR":"euro|euros|euros","GBP":"British pound|British pounds|British pounds","JPY":"Japanese yen|Japanese yen|Japanese yen"}},"date":{"months":{"Mlong":"January|February|March|April|May|June|July|August|September|October|November|December","Llong":"January|February|March|April|May|June|July|August|September|October|November|December","Mshort":"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec","Lshort":"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec","Mnarrow":"J|F|M|A|M|J|J|A|S|O|N|D","Lnarrow":"J|F|M|A|M|J|J|A|S|O|N|D"},"weekdays":{"Elong":"Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday","clong":"Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday","Eshort":"Sun|Mon|Tue|Wed|Thu|Fri|Sat","cshort":"Sun|Mon|Tue|Wed|Thu|Fri|Sat","Enarrow":"S|M|T|W|T|F|S","cnarrow":"S|M|T|W|T|F|S"},"ampm":"AM|PM","tz":"UTC|Coordinated Universal Time","hc":"h12|h12|h24","styles":{"dfull":"{E}, {MMMM} {d}, {y}","gfull":"{1} at {0}","dlong":"{MMMM} {d}, {y}","glong":"{1} at {0}","dmedium":"{MMM} {d}, {y}","gmedium":"{1}, {0}","dshort":"{M}/{d}/{yy}","gshort":"{1}, {0}","tfull":"{h}:{mm}:{ss}\u202f{a} {z}","tfull12":"{h}:{mm}:{ss}\u202f{a} {z}","tfull23":"{hh}:{mm}:{ss} {z}","tlong":"{h}:{mm}:{ss}\u202f{a} {z}","tlong12":"{h}:{mm}:{ss}\u202f{a} {z}","tlong23":"{hh}:{mm}:{ss} {z}","tmedium":"{h}:{mm}:{ss}\u202f{a}","tmedium12":"{h}:{mm}:{ss}\u202f{a}","tmedium23":"{hh}:{mm}:{ss}","tshort":"{h}:{mm}\u202f{a}","tshort12":"{h}:{mm}\u202f{a}","tshort23":"{hh}:{mm}"},"date":{"d":"{d}","Mn":"{M}","Mnd":"{M}/{d}","Ms":"{MMM}","Msd":"{MMM} {d}","Ml":"{MMMM}","Mld":"{MMMM} {d}","Mna":"{MMMMM}","Mnad":"{MMMMM} {d}","y":"{y}","yd":"{y} (day: {d})","yMn":"{M}/{y}","yMnd":"{M}/{d}/{y}","yMs":"{MMM} {y}","yMsd":"{MMM} {d}, {y}","yMl":"{MMMM} {y}","yMld":"{MMMM} {d}, {y}","yMna":"{MMMMM} {y}","yMnad":"{MMMMM} {d}, {y}","El":"{E}","Eld":"{d} {E}","ElMn":"{M} {E}","ElMnd":"{E}, {M}/{d}","ElMs":"{MMM} {E}","ElMsd":"{E}, {MMM} {d}","ElMl":"{MMMM} {E}","ElMld":"{E}, {MMMM} {d}","ElMna":"{E} (month: {MMMMM})","ElMnad":"{E}, {MMMMM} {d}","Ely":"{y} {E}","Elyd":"{d} {E} {y}","ElyMn":"{M}/{y} {E}","ElyMnd":"{E}, {M}/{d}/{y}","ElyMs":"{MMM} {y} {E}","ElyMsd":"{E}, {MMM} {d}, {y}","ElyMl":"{MMMM} {y} {E}","ElyMld":"{E}, {MMMM} {d}, {y}","ElyMna":"{MMMMM} {y} {E}","ElyMnad":"{E}, {MMMMM} {d}, {y}","EsMl":"{E} (month: {MMMM})","EnMna":"{MMMMM} {E}","y2d":"{d} {yy}","EsM2":"{E} (month: {MM})","Esy2":"{E} {yy}"},"glue":{"":"{1}, {0}","Ml":"{1} at {0}","Mld":"{1} at {0}","yMl":"{1} at {0}","yMld":"{1} at {0}","El":"{1} {0}","ElMl":"{1} at {0}","ElMld":"{1} at {0}","ElyMl":"{1} at {0}","ElyMld":"{1} at {0}","Es":"{1} {0}","EsMl":"{1} at {0}","EsMld":"{1} at {0}","EsyMl":"{1} at {0}","EsyMld":"{1} at {0}","En":"{1} {0}","EnMl":"{1} at {0}","EnMld":"{1} at {0}","EnyMl":"{1} at {0}","EnyMld":"{1} at {0}"},"time":{"s":"{s}","s2":"{s}","szs":"{s} {z}","s2zs":"{s} {z}","szl":"{s} {z}","s2zl":"{s} {z}","m":"{m}","m2":"{m}","mzs":"{m} {z}","m2zs":"{m} {z}","mzl":"{m} {z}","m2zl":"{m} {z}","ms":"{mm}:{ss}","mszs":"{mm}:{ss} {z}","mszl":"{mm}:{ss} {z}","h12":"{h}\u202f{a}","h12zs":"{h}\u202f{a} {z}","h12zl":"{h}\u202f{a} {z}","h12s":"{h}\u202f{a} (second: {s})","h12s2":"{h}\u202f{a} (second: {s})","h122s2":"{hh}\u202f{a} (second: {s})","h12szs":"{h}\u202f{a} {z} (second: {s})","h12s2zs":"{h}\u202f{a} {z} (second: {s})","h122s2zs":"{hh}\u202f{a} {z} (second: {s})","h12szl":"{h}\u202f{a} {z} (second: {s})","h12s2zl":"{h}\u202f{a} {z} (second: {s})","h122s2zl":"{hh}\u202f{a} {z} (second: {s})","h12m":"{h}:{mm}\u202f{a}","h12mzs":"{h}:{mm}\u202f{a} {z}","h12mzl":"{h}:{mm}\u202f{a} {z}","h12ms":"{h}:{mm}:{ss}\u202f{a}","h12mszs":"{h}:{mm}:{ss}\u202f{a} {z}","h12mszl":"{h}:{mm}:{ss}\u202f{a} {z}","h23":"{hh}","h23zs":"{hh}h {z}","h23zl":"{hh}h {z}","h23s":"{s} (hour: {hh})","h23s2":"{s} (hour: {hh})","h232s2":"{s} (hour: {hh})","h23szs":"{hh}h {z} (second: {s})","h23s2zs":"{hh}h {z} (second: {s})","h232s2zs":"{hh}h {z} (second: {s})","h23szl":"{hh}h {z} (second: {s})","h23s2zl":"{hh}h {z} (second: {s})","h232s2zl":"{hh}h {z} (second: {s})","h23m":"{hh}:{mm}","h23mzs":"{hh}:{mm} {z}","h23mzl":"{hh}:{mm} {z}","h23ms":"{hh}:{mm}:{ss}","h23mszs":"{hh}:{mm}:{ss} {z}","h23mszl":"{hh}:{mm}:{ss} {z}"}}}',
    "en-GB": '{"num":{"dec":".","grp":",","min2":0,"pct":"{n}%","cur":"{c}{n}","code":"{c}\u00a0{n}","name":"{n} {c}","acct":1,"sym":{"USD":"US$|$","EUR":"\u20ac|\u20ac","GBP":"\u00a3|\u00a3","JPY":"JP\u00a5|\u00a5"},"names":{"USD":"US dollar|US dollars|US dollars","EUR":"euro|euros|euros","GBP":"British pound|British pounds|British pounds","JPY":"Japanese yen|Japanese yen|Japanese yen"}},"date":{"months":{"Mlong":"January|February|March|April|May|June|July|August|September|October|November|December","Llong":"January|February|March|April|May|June|July|August|September|October|November|December","Mshort":"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept|Oct|Nov|Dec","Lshort":"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept|Oct|Nov|Dec","Mnarrow":"J|F|M|A|M|J|J|A|S|O|N|D","Lnarrow":"J|F|M|A|M|J|J|A|S|O|N|D"},"weekdays":{"Elong":"Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday","clong":"Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday","Eshort":"Sun|Mon|Tue|Wed|Thu|Fri|Sat","cshort":"Sun|Mon|Tue|Wed|Thu|Fri|Sat","Enarrow":"S|M|T|W|T|F|S","cnarrow":"S|M|T|W|T|F|S"},"ampm":"am|pm","tz":"UTC|Coordinated Universal Time","hc":"h23|h11|h23","styles":{"dfull":"{E}, {d} {MMMM} {y}","gfull":"{1} at {0}","dlong":"{d} {MMMM} {y}","glong":"{1} at {0}","dmedium":"{d} {MMM} {y}","gmedium":"{1}, {0}","dshort":"{dd}/{MM}/{y}","gshort":"{1}, {0}","tfull":"{hh}:{mm}:{ss} {z}","tfull12":"{hh}:{mm}:{ss}\u202f{a} {z}","tfull23":"{hh}:{mm}:{ss} {z}","tlong":"{hh}:{mm}:{ss} {z}","tlong12":"{hh}:{mm}:{ss}\u202f{a} {z}","tlong23":"{hh}:{mm}:{ss} {z}","tmedium":"{hh}:{mm}:{ss}","tmedium12":"{hh}:{mm}:{ss}\u202f{a}","tmedium23":"{hh}:{mm}:{ss}","tshort":"{hh}:{mm}","tshort12":"{hh}:{mm}\u202f{a}","tshort23":"{hh}:{mm}"},"date":{"d":"{d}","Mn":"{M}","Mnd":"{dd}/{MM}","Ms":"{MMM}","Msd":"{d} {MMM}","Ml":"{MMMM}","Mld":"{d} {MMMM}","Mna":"{MMMMM}","Mnad":"{d} {MMMMM}","y":"{y}","yd":"{y} (day: {d})","yMn":"{MM}/{y}","yMnd":"{dd}/{MM}/{y}","yMs":"{MMM} {y}","yMsd":"{d} {MMM} {y}","yMl":"{MMMM} {y}","yMld":"{d} {MMMM} {y}","yMna":"{MMMMM} {y}","yMnad":"{d} {MMMMM} {y}","El":"{E}","Eld":"{E} {d}","ElMn":"{M} {E}","ElMnd":"{E} {dd}/{MM}","ElMs":"{MMM} {E}","ElMsd":"{E} {d} {MMM}","ElMl":"{MMMM} {E}","ElMld":"{E} {d} {MMMM}","ElMna":"{E} (month: {MMMMM})","ElMnad":"{E} {d} {MMMMM}","Ely":"{y} {E}","Elyd":"{E} {d} {y}","ElyMn":"{MM}/{y} {E}","ElyMnd":"{E}, {dd}/{MM}/{y}","ElyMs":"{MMM} {y} {E}","ElyMsd":"{E}, {d} {MMM} {y}","ElyMl":"{MMMM} {y} {E}","ElyMld":"{E}, {d} {MMMM} {y}","ElyMna":"{MMMMM} {y} {E}","ElyMnad":"{E}, {d} {MMMMM} {y}","EsMl":"{E} (month: {MMMM})","EnMna":"{MMMMM} {E}","Mnd2":"{dd}/{M}","M2d":"{d}/{MM}","yMnd2":"{dd}/{M}/{y}","yM2d":"{d}/{MM}/{y}","y2d":"{d} {yy}","y2Mnd2":"{dd}/{M}/{yy}","y2M2d":"{d}/{MM}/{yy}","EsM2":"{E} (month: {MM})","Esy2":"{E} {yy}"},"glue":{"":"{1}, {0}","Ml":"{1} at {0}","Mld":"{1} at {0}","yMl":"{1} at {0}","yMld":"{1} at {0}","El":"{1} {0}","ElMl":"{1} at {0}","ElMld":"{1} at {0}","ElyMl":"{1} at {0}","ElyMld":"{1} at {0}","Es":"{1} {0}","EsMl":"{1} at {0}","EsMld":"{1} at {0}","EsyMl":"{1} at {0}","EsyMld":"{1} at {0}","En":"{1} {0}","EnMl":"{1} at {0}","EnMld":"{1} at {0}","EnyMl":"{1} at {0}","EnyMld":"{1} at {0}"},"time":{"s":"{s}","s2":"{s}","szs":"{s} {z}","s2zs":"{s} {z}","szl":"{s} {z}","s2zl":"{s} {z}","m":"{m}","m2":"{m}","mzs":"{m} {z}","m2zs":"{m} {z}","mzl":"{m} {z}","m2zl":"{m} {z}","ms":"{mm}:{ss}","mszs":"{mm}:{ss} {z}","mszl":"{mm}:{ss} {z}","h12":"{h}\u202f{a}","h12zs":"{h}\u202f{a} {z}","h12zl":"{h}\u202f{a} {z}","h12s":"{h}\u202f{a} (second: {s})","h12s2":"{h}\u202f{a} (second: {s})","h122s2":"{hh}\u202f{a} (second: {s})","h12szs":"{h}\u202f{a} {z} (second: {s})","h12s2zs":"{h}\u202f{a} {z} (second: {s})","h122s2zs":"{hh}\u202f{a} {z} (second: {s})","h12szl":"{h}\u202f{a} {z} (second: {s})","h12s2zl":"{h}\u202f{a} {z} (second: {s})","h122s2zl":"{hh}\u202f{a} {z} (second: {s})","h12m":"{h}:{mm}\u202f{a}","h12mzs":"{h}:{mm}\u202f{a} {z}","h12mzl":"{h}:{mm}\u202f{a} {z}","h12ms":"{h}:{mm}:{ss}\u202f{a}","h12mszs":"{h}:{mm}:{ss}\u202f{a} {z}","h12mszl":"{h}:{mm}:{ss}\u202f{a} {z}","h23":"{hh}","h23zs":"{hh}h {z}","h23zl":"{hh}h {z}","h23s":"{hh} (second: {s})","h23s2":"{hh} (second: {s})","h232s":"{s} (hour: {hh})","h232s2":"{hh} (second: {s})","h23szs":"{hh}h {z} (second: {s})","h23s2zs":"{hh}h {z} (second: {s})","h232s2zs":"{hh}h {z} (second: {s})","h23szl":"{hh}h {z} (second: {s})","h23s2zl":"{hh}h {z} (second: {s})","h232s2zl":"{hh}h {z} (second: {s})","h23m":"{hh}:{mm}","h23m2":"{h}:{mm}","h23mzs":"{hh}:{mm} {z}","h23mzl":"{hh}:{mm} {z}","h23ms":"{hh}:{mm}:{ss}","h23m2s2":"{h}:{mm}:{ss}","h23mszs":"{h}:{mm}:{ss} {z}","h23mszl":"{h}:{mm}:{ss} {z}"}}}',
    de: '{"num":{"dec":",","grp":".","min2":0,"pct":"{n}\u00a0%","cur":"{n}\u00a0{c}","code":"{n}\u00a0{c}","name":"{n} {c}","acct":0,"sym":{"USD":"$|$","EUR":"\u20ac|\u20ac","GBP":"\u00a3|\u00a3","JPY":"\u00a5|\u00a5"},"names":{"USD":"US-Dollar|US-Dollar|US-Dollar","EUR":"Euro|Euro|Euro","GBP":"Britisches Pfund|Britische Pfund|Britische Pfund","JPY":"Japanischer Yen|Japanische Yen|Japanische Yen"}},"date":{"months":{"Mlong":"Januar|Februar|M\u00e4rz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember","Llong":"Januar|Februar|M\u00e4rz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember","Mshort":"Jan.|Feb.|M\u00e4rz|Apr.|Mai|Juni|Juli|Aug.|Sept.|Okt.|Nov.|Dez.","Lshort":"Jan|Feb|M\u00e4r|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez","Mnarrow":"J|F|M|A|M|J|J|A|S|O|N|D","Lnarrow":"J|F|M|A|M|J|J|A|S|O|N|D"},"weekdays":{"Elong":"Sonntag|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag","clong":"Sonntag|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag","Eshort":"So.|Mo.|Di.|Mi.|Do.|Fr.|Sa.","cshort":"So|Mo|Di|Mi|Do|Fr|Sa","Enarrow":"S|M|D|M|D|F|S","cnarrow":"S|M|D|M|D|F|S"},"ampm":"AM|PM","tz":"UTC|Koordinierte Weltzeit","hc":"h23|h11|h23","styles":{"dfull":"{E}, {d}. {MMMM} {y}","gfull":"{1} um {0}","dlong":"{d}. {MMMM} {y}","glong":"{1} um {0}","dmedium":"{dd}.{MM}.{y}","gmedium":"{1}, {0}","dshort":"{dd}.{MM}.{yy}","gshort":"{1}, {0}","tfull":"{hh}:{mm}:{ss} {z}","tfull12":"{hh}:{mm}:{ss}\u202f{a} {z}","tfull23":"{hh}:{mm}:{ss} {z}","tlong":"{hh}:{mm}:{ss} {z}","tlong12":"{hh}:{mm}:{ss}\u202f{a} {z}","tlong23":"{hh}:{mm}:{ss} {z}","tmedium":"{hh}:{mm}:{ss}","tmedium12":"{hh}:{mm}:{ss}\u202f{a}","tmedium23":"{hh}:{mm}:{ss}","tshort":"{hh}:{mm}","tshort12":"{hh}:{mm}\u202f{a}","tshort23":"{hh}:{mm}"},"date":{"d":"{d}","Mn":"{M}","Mnd":"{d}.{M}.","Ms":"{LLL}","Msd":"{d}. {MMM}","Ml":"{MMMM}","Mld":"{d}. {MMMM}","Mna":"{MMMMM}","Mnad":"{d}. {MMMMM}","y":"{y}","yd":"{y} (Tag: {d})","yMn":"{M}/{y}","yMnd":"{d}.{M}.{y}","yMs":"{MMM} {y}","yMsd":"{d}. {MMM} {y}","yMl":"{MMMM} {y}","yMld":"{d}. {MMMM} {y}","yMna":"{MMMMM} {y}","yMnad":"{d}. {MMMMM} {y}","El":"{E}","Eld":"{E}, {d}.","ElMn":"{M} {E}","ElMnd":"{E}, {d}.{M}.","ElMs":"{LLL} {E}","ElMsd":"{E}, {d}. {MMM}","ElMl":"{MMMM} {E}","ElMld":"{E}, {d}. {MMMM}","ElMna":"{E} (Monat: {MMMMM})","ElMnad":"{E}, {d}. {MMMMM}","Ely":"{y} {E}","Elyd":"{y} {E}, {d}.","ElyMn":"{M}/{y} {E}","ElyMnd":"{E}, {d}.{M}.{y}","ElyMs":"{MMM} {y} {E}","ElyMsd":"{E}, {d}. {MMM} {y}","ElyMl":"{MMMM} {y} {E}","ElyMld":"{E}, {d}. {MMMM} {y}","ElyMna":"{MMMMM} {y} {E}","ElyMnad":"{E}, {d}. {MMMMM} {y}","Es":"{c}","EsMn":"{M} {c}","EsMs":"{LLL} {c}","EsMl":"{c} (Monat: {MMMM})","EsMna":"{c} (Monat: {MMMMM})","Esy":"{y} {c}","EsyMn":"{M}/{y} {c}","EsyMs":"{MMM} {y} {c}","EsyMl":"{MMMM} {y} {c}","EsyMna":"{MMMMM} {y} {c}","EnMna":"{MMMMM} {E}","M2d":"{dd}.{MM}.","y2d":"{yy} {d}","EsM2":"{c} (Monat: {MM})"},"glue":{"":"{1}, {0}","Ml":"{1} um {0}","Mld":"{1} um {0}","yMl":"{1} um {0}","yMld":"{1} um {0}","ElMl":"{1} um {0}","ElMld":"{1} um {0}","ElyMl":"{1} um {0}","ElyMld":"{1} um {0}","Es":"{1F}, {0}","EsMl":"{1} um {0}","EsMld":"{1} um {0}","EsyMl":"{1} um {0}","EsyMld":"{1} um {0}","EnMl":"{1} um {0}","EnMld":"{1} um {0}","EnyMl":"{1} um {0}","EnyMld":"{1} um {0}"},"time":{"s":"{s}","s2":"{s}","szs":"{s} {z}","s2zs":"{s} {z}","szl":"{s} {z}","s2zl":"{s} {z}","m":"{m}","m2":"{m}","mzs":"{m} {z}","m2zs":"{m} {z}","mzl":"{m} {z}","m2zl":"{m} {z}","ms":"{mm}:{ss}","mszs":"{mm}:{ss} {z}","mszl":"{mm}:{ss} {z}","h12":"{h}\u202f{a}","h12zs":"{h}\u202f{a} {z}","h12zl":"{h}\u202f{a} {z}","h12s":"{h}\u202f{a} (Sekunde: {s})","h12s2":"{h}\u202f{a} (Sekunde: {s})","h122s2":"{hh}\u202f{a} (Sekunde: {s})","h12szs":"{h}\u202f{a} {z} (Sekunde: {s})","h12s2zs":"{h}\u202f{a} {z} (Sekunde: {s})","h122s2zs":"{hh}\u202f{a} {z} (Sekunde: {s})","h12szl":"{h}\u202f{a} {z} (Sekunde: {s})","h12s2zl":"{h}\u202f{a} {z} (Sekunde: {s})","h122s2zl":"{hh}\u202f{a} {z} (Sekunde: {s})","h12m":"{h}:{mm}\u202f{a}","h12mzs":"{h}:{mm}\u202f{a} {z}","h12mzl":"{h}:{mm}\u202f{a} {z}","h12ms":"{h}:{mm}:{ss}\u202f{a}","h12mszs":"{h}:{mm}:{ss}\u202f{a} {z}","h12mszl":"{h}:{mm}:{ss}\u202f{a} {z}","h23":"{hh} Uhr","h23zs":"{hh} Uhr {z}","h23zl":"{hh} Uhr {z}","h23s":"{hh} Uhr (Sekunde: {s})","h23s2":"{hh} Uhr (Sekunde: {s})","h232s":"{s} (Stunde: {hh} Uhr)","h232s2":"{hh} Uhr (Sekunde: {s})","h23szs":"{hh} Uhr {z} (Sekunde: {s})","h23s2zs":"{hh} Uhr {z} (Sekunde: {s})","h232s2zs":"{hh} Uhr {z} (Sekunde: {s})","h23szl":"{hh} Uhr {z} (Sekunde: {s})","h23s2zl":"{hh} Uhr {z} (Sekunde: {s})","h232s2zl":"{hh} Uhr {z} (Sekunde: {s})","h23m":"{hh}:{mm}","h23m2":"{h}:{mm}","h23mzs":"{hh}:{mm} {z}","h23mzl":"{hh}:{mm} {z}","h23ms":"{hh}:{mm}:{ss}","h23m2s2":"{h}:{mm}:{ss}","h23mszs":"{h}:{mm}:{ss} {z}","h23mszl":"{h}:{mm}:{ss} {z}"}}}',
    fr: '{"num":{"dec":",","grp":"\u202f","min2":0,"pct":"{n}\u00a0%","cur":"{n}\u00a0{c}","code":"{n}\u00a0{c}","name":"{n} {c}","acct":1,"sym":{"USD":"$US|$","EUR":"\u20ac|\u20ac","GBP":"\u00a3GB|\u00a3","JPY":"JPY|\u00a5"},"names":{"USD":"dollar des \u00c9tats-Unis|dollars des \u00c9tats-Unis|dollars des \u00c9tats-Unis","EUR":"euro|euros|euros","GBP":"livre sterling|livres sterling|livres sterling","JPY":"yen japonais|yens japonais|yens japonais"}},"date":{"months":{"Mlong":"janvier|f\u00e9vrier|mars|avril|mai|juin|juillet|ao\u00fbt|septembre|octobre|novembre|d\u00e9cembre","Llong":"janvier|f\u00e9vrier|mars|avril|mai|juin|juillet|ao\u00fbt|septembre|octobre|novembre|d\u00e9cembre","Mshort":"janv.|f\u00e9vr.|mars|avr.|mai|juin|juil.|ao\u00fbt|sept.|oct.|nov.|d\u00e9c.","Lshort":"janv.|f\u00e9vr.|mars|avr.|mai|juin|juil.|ao\u00fbt|sept.|oct.|nov.|d\u00e9c.","Mnarrow":"J|F|M|A|M|J|J|A|S|O|N|D","Lnarrow":"J|F|M|A|M|J|J|A|S|O|N|D"},"weekdays":{"Elong":"dimanche|lundi|mardi|mercredi|jeudi|vendredi|samedi","clong":"dimanche|lundi|mardi|mercredi|jeudi|vendredi|samedi","Eshort":"dim.|lun.|mar.|mer.|jeu.|ven.|sam.","cshort":"dim.|lun.|mar.|mer.|jeu.|ven.|sam.","Enarrow":"D|L|M|M|J|V|S","cnarrow":"D|L|M|M|J|V|S"},"ampm":"AM|PM","tz":"UTC|temps universel coordonn\u00e9","hc":"h23|h11|h23","styles":{"dfull":"{E} {d} {MMMM} {y}","gfull":"{1} \u00e0 {0}","dlong":"{d} {MMMM} {y}","glong":"{1} \u00e0 {0}","dmedium":"{d} {MMM} {y}","gmedium":"{1}, {0}","dshort":"{dd}/{MM}/{y}","gshort":"{1} {0}","tfull":"{hh}:{mm}:{ss} {z}","tfull12":"{hh}:{mm}:{ss}\u202f{a} {z}","tfull23":"{hh}:{mm}:{ss} {z}","tlong":"{hh}:{mm}:{ss} {z}","tlong12":"{hh}:{mm}:{ss}\u202f{a} {z}","tlong23":"{hh}:{mm}:{ss} {z}","tmedium":"{hh}:{mm}:{ss}","tmedium12":"{hh}:{mm}:{ss}\u202f{a}","tmedium23":"{hh}:{mm}:{ss}","tshort":"{hh}:{mm}","tshort12":"{hh}:{mm}\u202f{a}","tshort23":"{hh}:{mm}"},"date":{"d":"{d}","Mn":"{M}","Mnd":"{dd}/{MM}","Ms":"{MMM}","Msd":"{d} {MMM}","Ml":"{MMMM}","Mld":"{d} {MMMM}","Mna":"{MMMMM}","Mnad":"{d} {MMMMM}","y":"{y}","yd":"{y} (jour: {d})","yMn":"{MM}/{y}","yMnd":"{dd}/{MM}/{y}","yMs":"{MMM} {y}","yMsd":"{d} {MMM} {y}","yMl":"{MMMM} {y}","yMld":"{d} {MMMM} {y}","yMna":"{MMMMM} {y}","yMnad":"{d} {MMMMM} {y}","El":"{E}","Eld":"{E} {d}","ElMn":"{M} {E}","ElMnd":"{E} {dd}/{MM}","ElMs":"{MMM} {E}","ElMsd":"{E} {d} {MMM}","ElMl":"{MMMM} {E}","ElMld":"{E} {d} {MMMM}","ElMna":"{E} (mois: {MMMMM})","ElMnad":"{E} {d} {MMMMM}","Ely":"{y} {E}","Elyd":"{y} {E} {d}","ElyMn":"{MM}/{y} {E}","ElyMnd":"{E} {dd}/{MM}/{y}","ElyMs":"{MMM} {y} {E}","ElyMsd":"{E} {d} {MMM} {y}","ElyMl":"{MMMM} {y} {E}","ElyMld":"{E} {d} {MMMM} {y}","ElyMna":"{MMMMM} {y} {E}","ElyMnad":"{E} {d} {MMMMM} {y}","EsMl":"{E} (mois: {MMMM})","EnMna":"{MMMMM} {E}","yMnd2":"{dd}/{M}/{y}","yM2d":"{d}/{MM}/{y}","y2d":"{yy} {d}","y2Mnd2":"{dd}/{M}/{yy}","y2M2d":"{d}/{MM}/{yy}","EsM2":"{E} (mois: {MM})"},"glue":{"":"{1} {0}","Ms":"{1}, {0}","Msd":"{1}, {0}","Ml":"{1} \u00e0 {0}","Mld":"{1} \u00e0 {0}","yMs":"{1}, {0}","yMsd":"{1}, {0}","yMl":"{1} \u00e0 {0}","yMld":"{1} \u00e0 {0}","ElMs":"{1}, {0}","ElMsd":"{1}, {0}","ElMl":"{1} \u00e0 {0}","ElMld":"{1} \u00e0 {0}","ElyMs":"{1}, {0}","ElyMsd":"{1}, {0}","ElyMl":"{1} \u00e0 {0}","ElyMld":"{1} \u00e0 {0}","EsMs":"{1}, {0}","EsMsd":"{1}, {0}","EsMl":"{1} \u00e0 {0}","EsMld":"{1} \u00e0 {0}","EsyMs":"{1}, {0}","EsyMsd":"{1}, {0}","EsyMl":"{1} \u00e0 {0}","EsyMld":"{1} \u00e0 {0}","EnMs":"{1}, {0}","EnMsd":"{1}, {0}","EnMl":"{1} \u00e0 {0}","EnMld":"{1} \u00e0 {0}","EnyMs":"{1}, {0}","EnyMsd":"{1}, {0}","EnyMl":"{1} \u00e0 {0}","EnyMld":"{1} \u00e0 {0}"},"time":{"s":"{s}","s2":"{s}","szs":"{s} {z}","s2zs":"{s} {z}","szl":"{s} {z}","s2zl":"{s} {z}","m":"{m}","m2":"{m}","mzs":"{m} {z}","m2zs":"{m} {z}","mzl":"{m} {z}","m2zl":"{m} {z}","ms":"{mm}:{ss}","mszs":"{mm}:{ss} {z}","mszl":"{mm}:{ss} {z}","h12":"{h}\u202f{a}","h12zs":"{h}\u202f{a} {z}","h12zl":"{h}\u202f{a} {z}","h12s":"{h}\u202f{a} (seconde: {s})","h12s2":"{h}\u202f{a} (seconde: {s})","h122s2":"{hh}\u202f{a} (seconde: {s})","h12szs":"{h}\u202f{a} {z} (seconde: {s})","h12s2zs":"{h}\u202f{a} {z} (seconde: {s})","h122s2zs":"{hh}\u202f{a} {z} (seconde: {s})","h12szl":"{h}\u202f{a} {z} (seconde: {s})","h12s2zl":"{h}\u202f{a} {z} (seconde: {s})","h122s2zl":"{hh}\u202f{a} {z} (seconde: {s})","h12m":"{h}:{mm}\u202f{a}","h12mzs":"{h}:{mm}\u202f{a} {z}","h12mzl":"{h}:{mm}\u202f{a} {z}","h12ms":"{h}:{mm}:{ss}\u202f{a}","h12mszs":"{h}:{mm}:{ss}\u202f{a} {z}","h12mszl":"{h}:{mm}:{ss}\u202f{a} {z}","h23":"{hh} h","h23zs":"{hh} h {z}","h23zl":"{hh} h {z}","h23s":"{hh} h (seconde: {s})","h23s2":"{hh} h (seconde: {s})","h232s":"{s} (heure: {hh} h)","h232s2":"{hh} h (seconde: {s})","h23szs":"{hh} h {z} (seconde: {s})","h23s2zs":"{hh} h {z} (seconde: {s})","h232s2zs":"{hh} h {z} (seconde: {s})","h23szl":"{hh} h {z} (seconde: {s})","h23s2zl":"{hh} h {z} (seconde: {s})","h232s2zl":"{hh} h {z} (seconde: {s})","h23m":"{hh}:{mm}","h23m2":"{h}:{mm}","h23mzs":"{hh}:{mm} {z}","h23mzl":"{hh}:{mm} {z}","h23ms":"{hh}:{mm}:{ss}","h23m2s2":"{h}:{mm}:{ss}","h23mszs":"{h}:{mm}:{ss} {z}","h23mszl":"{h}:{mm}:{ss} {z}"}}}',
    es: '{"num":{"dec":",","grp":".","min2":1,"pct":"{n}\u00a0%","cur":"{n}\u00a0{c}","code":"{n}\u00a0{c}","name":"{n} {c}","acct":0,"sym":{"USD":"US$|$","EUR":"\u20ac|\u20ac","GBP":"GBP|\u00a3","JPY":"JPY|\u00a5"},"names":{"USD":"d\u00f3lar estadounidense|d\u00f3lares estadounidenses|d\u00f3lares estadounidenses","EUR":"euro|euros|euros","GBP":"libra esterlina|libras esterlinas|libras esterlinas","JPY":"yen japon\u00e9s|yenes japoneses|yenes japoneses"}},"date":{"months":{"Mlong":"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre","Llong":"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre","Mshort":"ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic","Lshort":"ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic","Mnarrow":"E|F|M|A|M|J|J|A|S|O|N|D","Lnarrow":"E|F|M|A|M|J|J|A|S|O|N|D"},"weekdays":{"Elong":"domingo|lunes|martes|mi\u00e9rcoles|jueves|viernes|s\u00e1bado","clong":"domingo|lunes|martes|mi\u00e9rcoles|jueves|viernes|s\u00e1bado","Eshort":"dom|lun|mar|mi\u00e9|jue|vie|s\u00e1b","cshort":"dom|lun|mar|mi\u00e9|jue|vie|s\u00e1b","Enarrow":"D|L|M|X|J|V|S","cnarrow":"D|L|M|X|J|V|S"},"ampm":"a.\u202fm.|p.\u202fm.","tz":"UTC|tiempo universal coordinado","hc":"h23|h11|h23","styles":{"dfull":"{E}, {d} de {MMMM} de {y}","gfull":"{1}, {0}","dlong":"{d} de {MMMM} de {y}","glong":"{1} a las {0}","dmedium":"{d} {MMM} {y}","gmedium":"{1}, {0}","dshort":"{d}/{M}/{yy}","gshort":"{1}, {0}","tfull":"{h}:{mm}:{ss} ({z})","tfull12":"{h}:{mm}:{ss}\u202f{a} {z}","tfull23":"{h}:{mm}:{ss} ({z})","tlong":"{h}:{mm}:{ss} {z}","tlong12":"{h}:{mm}:{ss}\u202f{a} {z}","tlong23":"{h}:{mm}:{ss} {z}","tmedium":"{h}:{mm}:{ss}","tmedium12":"{h}:{mm}:{ss}\u202f{a}","tmedium23":"{h}:{mm}:{ss}","tshort":"{h}:{mm}","tshort12":"{h}:{mm}\u202f{a}","tshort23":"{h}:{mm}"},"date":{"d":"{d}","Mn":"{M}","Mnd":"{d}/{M}","Ms":"{MMM}","Msd":"{d} {MMM}","Ml":"{MMMM}","Mld":"{d} de {MMMM}","Mna":"{MMMMM}","Mnad":"{d} {MMMMM}","y":"{y}","yd":"{y} (d\u00eda: {d})","yMn":"{M}/{y}","yMnd":"{d}/{M}/{y}","yMs":"{MMM} {y}","yMsd":"{d} {MMM} {y}","yMl":"{MMMM} de {y}","yMld":"{d} de {MMMM} de {y}","yMna":"{MMMMM} {y}","yMnad":"{d} {MMMMM} {y}","El":"{E}","Eld":"{E} {d}","ElMn":"{M} {E}","ElMnd":"{E}, {d}/{M}","ElMs":"{MMM} {E}","ElMsd":"{E}, {d} {MMM}","ElMl":"{MMMM} {E}","ElMld":"{E}, {d} de {MMMM}","ElMna":"{E} (mes: {MMMMM})","ElMnad":"{E}, {d} {MMMMM}","Ely":"{y} {E}","Elyd":"{y} {E} {d}","ElyMn":"{M}/{y} {E}","ElyMnd":"{E}, {d}/{M}/{y}","ElyMs":"{MMM} {y} {E}","ElyMsd":"{E}, {d} de {MMM} de {y}","ElyMl":"{MMMM} de {y} {E}","ElyMld":"{E}, {d} de {MMMM} de {y}","ElyMna":"{MMMMM} {y} {E}","ElyMnad":"{E}, {d} de {MMMMM} de {y}","EsMl":"{E} (mes: {MMMM})","EsyMsd":"{E}, {d} {MMM} {y}","EsyMnad":"{E}, {d} {MMMMM} {y}","EnMna":"{MMMMM} {E}","EnyMsd":"{E}, {d} {MMM} {y}","EnyMnad":"{E}, {d} {MMMMM} {y}","Mnd2":"{d}/{M}","M2d":"{d}/{M}","M2d2":"{d}/{M}","yM2":"{M}/{y}","y2d":"{yy} {d}","y2M2":"{M}/{yy}","ElyM2":"{M}/{y} {E}","Ely2M2":"{M}/{yy} {E}","EsM2":"{E} (mes: {MM})","EsyM2":"{M}/{y} {E}","Esy2M2":"{M}/{yy} {E}","EnyM2":"{M}/{y} {E}","Eny2M2":"{M}/{yy} {E}"},"glue":{"":"{1}, {0}","Ml":"{1} a las {0}","Mld":"{1} a las {0}","yMl":"{1} a las {0}","yMld":"{1} a las {0}"},"time":{"s":"{s}","s2":"{s}","szs":"{s} {z}","s2zs":"{s} {z}","szl":"{s} {z}","s2zl":"{s} {z}","m":"{m}","m2":"{m}","mzs":"{m} {z}","m2zs":"{m} {z}","mzl":"{m} {z}","m2zl":"{m} {z}","ms":"{mm}:{ss}","mszs":"{mm}:{ss} {z}","mszl":"{mm}:{ss} {z}","h12":"{h}\u202f{a}","h12zs":"{h}\u202f{a} {z}","h12zl":"{h}\u202f{a} {z}","h12s":"{h}\u202f{a} (segundo: {s})","h12s2":"{h}\u202f{a} (segundo: {s})","h122s2":"{hh}\u202f{a} (segundo: {s})","h12szs":"{h}\u202f{a} {z} (segundo: {s})","h12s2zs":"{h}\u202f{a} {z} (segundo: {s})","h122s2zs":"{hh}\u202f{a} {z} (segundo: {s})","h12szl":"{h}\u202f{a} {z} (segundo: {s})","h12s2zl":"{h}\u202f{a} {z} (segundo: {s})","h122s2zl":"{hh}\u202f{a} {z} (segundo: {s})","h12m":"{h}:{mm}\u202f{a}","h12mzs":"{h}:{mm}\u202f{a} {z}","h12mzl":"{h}:{mm}\u202f{a} {z}","h12ms":"{h}:{mm}:{ss}\u202f{a}","h12mszs":"{h}:{mm}:{ss}\u202f{a} {z}","h12mszl":"{h}:{mm}:{ss}\u202f{a} {z}","h23":"{h}","h23zs":"{h} h {z}","h23zl":"{h} h {z}","h23s":"{h} (segundo: {s})","h23s2":"{h} (segundo: {s})","h232s":"{s} (hora: {hh})","h232s2":"{hh} (segundo: {s})","h23szs":"{h} h {z} (segundo: {s})","h23s2zs":"{h} h {z} (segundo: {s})","h232s2zs":"{hh} h {z} (segundo: {s})","h23szl":"{h} h {z} (segundo: {s})","h23s2zl":"{h} h {z} (segundo: {s})","h232s2zl":"{hh} h {z} (segundo: {s})","h23m":"{h}:{mm}","h23mzs":"{h}:{mm} {z}","h23mzl":"{h}:{mm} {z}","h23ms":"{h}:{mm}:{ss}","h23mszs":"{h}:{mm}:{ss} {z}","h23mszl":"{h}:{mm}:{ss} ({z})"}}}',
    ja: '{"num":{"dec":".","grp":",","min2":0,"pct":"{n}%","cur":"{c}{n}","code":"{c}\u00a0{n}","name":"{n}{c}","acct":1,"sym":{"USD":"$|$","EUR":"\u20ac|\u20ac","GBP":"\u00a3|\u00a3","JPY":"\uffe5|\uffe5"},"names":{"USD":"\u7c73\u30c9\u30eb|\u7c73\u30c9\u30eb|\u7c73\u30c9\u30eb","EUR":"\u30e6\u30fc\u30ed|\u30e6\u30fc\u30ed|\u30e6\u30fc\u30ed","GBP":"\u82f1\u56fd\u30dd\u30f3\u30c9|\u82f1\u56fd\u30dd\u30f3\u30c9|\u82f1\u56fd\u30dd\u30f3\u30c9","JPY":"\u5186|\u5186|\u5186"}},"date":{"months":{"Mlong":"1|2|3|4|5|6|7|8|9|10|11|12","Llong":"1|2|3|4|5|6|7|8|9|10|11|12","Mshort":"1|2|3|4|5|6|7|8|9|10|11|12","Lshort":"1|2|3|4|5|6|7|8|9|10|11|12","Mnarrow":"1|2|3|4|5|6|7|8|9|10|11|12","Lnarrow":"1|2|3|4|5|6|7|8|9|10|11|12"},"weekdays":{"Elong":"\u65e5\u66dc\u65e5|\u6708\u66dc\u65e5|\u706b\u66dc\u65e5|\u6c34\u66dc\u65e5|\u6728\u66dc\u65e5|\u91d1\u66dc\u65e5|\u571f\u66dc\u65e5","clong":"\u65e5\u66dc\u65e5|\u6708\u66dc\u65e5|\u706b\u66dc\u65e5|\u6c34\u66dc\u65e5|\u6728\u66dc\u65e5|\u91d1\u66dc\u65e5|\u571f\u66dc\u65e5","Eshort":"\u65e5|\u6708|\u706b|\u6c34|\u6728|\u91d1|\u571f","cshort":"\u65e5|\u6708|\u706b|\u6c34|\u6728|\u91d1|\u571f","Enarrow":"\u65e5|\u6708|\u706b|\u6c34|\u6728|\u91d1|\u571f","cnarrow":"\u65e5|\u6708|\u706b|\u6c34|\u6728|\u91d1|\u571f"},"ampm":"\u5348\u524d|\u5348\u5f8c","tz":"UTC|\u5354\u5b9a\u4e16\u754c\u6642","hc":"h23|h11|h23","styles":{"dfull":"{y}\u5e74{M}\u6708{d}\u65e5{E}","gfull":"{1} {0}","cfullfull12":"{y}/{M}/{d}{E} {a}{h}:{mm}:{ss} {z}","cfullfullh11":"{y}/{M}/{d}{E} {a}{h}:{mm}:{ss} {z}","cfullfullh12":"{y}/{M}/{d}{E} {a}{h}:{mm}:{ss} {z}","cfullfullh24":"{y}/{M}/{d}{E} {h}\u6642{mm}\u5206{ss}\u79d2 {z}","cfulllong12":"{y}/{M}/{d}{E} {a}{h}:{mm}:{ss} {z}","cfulllongh11":"{y}/{M}/{d}{E} {a}{h}:{mm}:{ss} {z}","cfulllongh12":"{y}/{M}/{d}{E} {a}{h}:{mm}:{ss} {z}","cfulllongh24":"{y}/{M}/{d}{E} {h}:{mm}:{ss} {z}","cfullmedium12":"{y}/{M}/{d}{E} {a}{h}:{mm}:{ss}","cfullmediumh11":"{y}/{M}/{d}{E} {a}{h}:{mm}:{ss}","cfullmediumh12":"{y}/{M}/{d}{E} {a}{h}:{mm}:{ss}","cfullmediumh24":"{y}/{M}/{d}{E} {h}:{mm}:{ss}","cfullshort12":"{y}/{M}/{d}{E} {a}{h}:{mm}","cfullshorth11":"{y}/{M}/{d}{E} {a}{h}:{mm}","cfullshorth12":"{y}/{M}/{d}{E} {a}{h}:{mm}","cfullshorth24":"{y}/{M}/{d}{E} {h}:{mm}","dlong":"{y}\u5e74{M}\u6708{d}\u65e5","glong":"{1} {0}","clongfull12":"{y}/{M}/{d} {a}{h}:{mm}:{ss} {z}","clongfullh11":"{y}/{M}/{d} {a}{h}:{mm}:{ss} {z}","clongfullh12":"{y}/{M}/{d} {a}{h}:{mm}:{ss} {z}","clongfullh24":"{y}/{M}/{d} {h}\u6642{mm}\u5206{ss}\u79d2 {z}","clonglong12":"{y}/{M}/{d} {a}{h}:{mm}:{ss} {z}","clonglongh11":"{y}/{M}/{d} {a}{h}:{mm}:{ss} {z}","clonglongh12":"{y}/{M}/{d} {a}{h}:{mm}:{ss} {z}","clonglongh24":"{y}/{M}/{d} {h}:{mm}:{ss} {z}","clongmedium12":"{y}/{M}/{d} {a}{h}:{mm}:{ss}","clongmediumh11":"{y}/{M}/{d} {a}{h}:{mm}:{ss}","clongmediumh12":"{y}/{M}/{d} {a}{h}:{mm}:{ss}","clongmediumh24":"{y}/{M}/{d} {h}:{mm}:{ss}","clongshort12":"{y}/{M}/{d} {a}{h}:{mm}","clongshorth11":"{y}/{M}/{d} {a}{h}:{mm}","clongshorth12":"{y}/{M}/{d} {a}{h}:{mm}","clongshorth24":"{y}/{M}/{d} {h}:{mm}","dmedium":"{y}/{MM}/{dd}","gmedium":"{1} {0}","dshort":"{y}/{MM}/{dd}","gshort":"{1} {0}","tfull":"{h}\u6642{mm}\u5206{ss}\u79d2 {z}","tfull12":"{a}{h}:{mm}:{ss} {z}","tfull23":"{h}\u6642{mm}\u5206{ss}\u79d2 {z}","tlong":"{h}:{mm}:{ss} {z}","tlong12":"{a}{h}:{mm}:{ss} {z}","tlong23":"{h}:{mm}:{ss} {z}","tmedium":"{h}:{mm}:{ss}","tmedium12":"{a}{h}:{mm}:{ss}","tmedium23":"{h}:{mm}:{ss}","tshort":"{h}:{mm}","tshort12":"{a}{h}:{mm}","tshort23":"{h}:{mm}"},"date":{"d":"{d}\u65e5","Mn":"{M}\u6708","Mnd":"{M}/{d}","Ms":"{M}\u6708","Msd":"{M}\u6708{d}\u65e5","Ml":"{M}\u6708","Mld":"{M}\u6708{d}\u65e5","Mna":"{M}\u6708","Mnad":"{M}\u6708{d}\u65e5","y":"{y}\u5e74","yd":"{y}\u5e74 (\u65e5: {d}\u65e5)","yMn":"{y}/{M}","yMnd":"{y}/{M}/{d}","yMs":"{y}\u5e74{M}\u6708","yMsd":"{y}\u5e74{M}\u6708{d}\u65e5","yMl":"{y}\u5e74{M}\u6708","yMld":"{y}\u5e74{M}\u6708{d}\u65e5","yMna":"{y}\u5e74{M}\u6708","yMnad":"{y}\u5e74{M}\u6708{d}\u65e5","El":"{E}","Eld":"{d}\u65e5{E}","ElMn":"{M}\u6708 {E}","ElMnd":"{M}/{d}{E}","ElMs":"{M}\u6708 {E}","ElMsd":"{M}\u6708{d}\u65e5{E}","ElMl":"{M}\u6708 {E}","ElMld":"{M}\u6708{d}\u65e5{E}","ElMna":"{E} (\u6708: {M}\u6708)","ElMnad":"{M}\u6708{d}\u65e5{E}","Ely":"{y}\u5e74 {E}","Elyd":"{y}\u5e74 {d}\u65e5{E}","ElyMn":"{y}/{M} {E}","ElyMnd":"{y}/{M}/{d}{E}","ElyMs":"{y}\u5e74{M}\u6708 {E}","ElyMsd":"{y}\u5e74{M}\u6708{d}\u65e5{E}","ElyMl":"{y}\u5e74{M}\u6708 {E}","ElyMld":"{y}\u5e74{M}\u6708{d}\u65e5{E}","ElyMna":"{y}\u5e74{M}\u6708 {E}","ElyMnad":"{y}\u5e74{M}\u6708{d}\u65e5{E}","Esd":"{d}\u65e5({E})","EsMnd":"{M}/{d}({E})","EsMsd":"{M}\u6708{d}\u65e5({E})","EsMl":"{E} (\u6708: {M}\u6708)","EsMld":"{M}\u6708{d}\u65e5({E})","EsMnad":"{M}\u6708{d}\u65e5({E})","Esyd":"{y}\u5e74 {d}\u65e5({E})","EsyMnd":"{y}/{M}/{d}({E})","EsyMsd":"{y}\u5e74{M}\u6708{d}\u65e5({E})","EsyMld":"{y}\u5e74{M}\u6708{d}\u65e5({E})","EsyMnad":"{y}\u5e74{M}\u6708{d}\u65e5({E})","End":"{d}\u65e5({E})","EnMnd":"{M}/{d}({E})","EnMsd":"{M}\u6708{d}\u65e5({E})","EnMld":"{M}\u6708{d}\u65e5({E})","EnMna":"{M}\u6708 {E}","EnMnad":"{M}\u6708{d}\u65e5({E})","Enyd":"{y}\u5e74 {d}\u65e5({E})","EnyMnd":"{y}/{M}/{d}({E})","EnyMsd":"{y}\u5e74{M}\u6708{d}\u65e5({E})","EnyMld":"{y}\u5e74{M}\u6708{d}\u65e5({E})","EnyMnad":"{y}\u5e74{M}\u6708{d}\u65e5({E})","y2d":"{yy}\u5e74 {d}\u65e5","EsM2":"{E} (\u6708: {MM}\u6708)"},"glue":{"":"{1} {0}","El":"{0} ({1})","Es":"{0} ({1})","En":"{0} ({1})"},"time":{"s":"{s}","s2":"{s}","szs":"{s} {z}","s2zs":"{s} {z}","szl":"{s} {z}","s2zl":"{s} {z}","m":"{m}","m2":"{m}","mzs":"{m} {z}","m2zs":"{m} {z}","mzl":"{m} {z}","m2zl":"{m} {z}","ms":"{mm}:{ss}","mszs":"{mm}:{ss} {z}","mszl":"{mm}:{ss} {z}","h12":"{a}{h}\u6642","h12zs":"{a}{h}\u6642 {z}","h12zl":"{a}{h}\u6642 {z}","h12s":"{a}{h}\u6642 (\u79d2: {s})","h12s2":"{a}{h}\u6642 (\u79d2: {s})","h122s2":"{a}{hh}\u6642 (\u79d2: {s})","h12szs":"{a}{h}\u6642 {z} (\u79d2: {s})","h12s2zs":"{a}{h}\u6642 {z} (\u79d2: {s})","h122s2zs":"{a}{hh}\u6642 {z} (\u79d2: {s})","h12szl":"{a}{h}\u6642 {z} (\u79d2: {s})","h12s2zl":"{a}{h}\u6642 {z} (\u79d2: {s})","h122s2zl":"{a}{hh}\u6642 {z} (\u79d2: {s})","h12m":"{a}{h}:{mm}","h12mzs":"{a}{h}:{mm} {z}","h12mzl":"{a}{h}:{mm} {z}","h12ms":"{a}{h}:{mm}:{ss}","h12mszs":"{a}{h}:{mm}:{ss} {z}","h12mszl":"{a}{h}:{mm}:{ss} {z}","h23":"{h}\u6642","h23zs":"{h}\u6642 {z}","h23zl":"{h}\u6642 {z}","h23s":"{h}\u6642 (\u79d2: {s})","h23s2":"{h}\u6642 (\u79d2: {s})","h232s":"{s} (\u6642: {hh}\u6642)","h232s2":"{hh}\u6642 (\u79d2: {s})","h23szs":"{h}\u6642 {z} (\u79d2: {s})","h23s2zs":"{h}\u6642 {z} (\u79d2: {s})","h232s2zs":"{hh}\u6642 {z} (\u79d2: {s})","h23szl":"{h}\u6642 {z} (\u79d2: {s})","h23s2zl":"{h}\u6642 {z} (\u79d2: {s})","h232s2zl":"{hh}\u6642 {z} (\u79d2: {s})","h23m":"{h}:{mm}","h23mzs":"{h}:{mm} {z}","h23mzl":"{h}:{mm} {z}","h23ms":"{h}:{mm}:{ss}","h23mszs":"{h}:{mm}:{ss} {z}","h23mszl":"{h}\u6642{mm}\u5206{ss}\u79d2 {z}"}}}',
  };
  let intlImpl = null;
  function intl() {
    if (intlImpl === null) intlImpl = makeIntl();
    return intlImpl;
  }

  function makeIntl() {
    const AVAILABLE = {
      en: "en",
      "en-US": "en",
      "en-GB": "en-GB",
      de: "de",
      "de-DE": "de",
      fr: "fr",
      "fr-FR": "fr",
      es: "es",
      "es-ES": "es",
      ja: "ja",
      "ja-JP": "ja",
    };
    const tables = {};
    function table(id) {
      let t = tables[id];
      if (t === undefined) {
        t = JSONParse(LOCALE_DATA[id]);
        tables[id] = t;
      }
      return t;
    }
    const slots = new WeakMapCtor();
    function slot(obj, kind, method) {
      const s = obj !== null && (typeof obj === "object" || typeof obj === "function") ? slots.get(obj) : undefined;
      if (s === undefined || s.kind !== kind)
        throw new TypeErrorCtor(`Method Intl.${kind}.prototype.${method} called on incompatible receiver ${describe(obj)}`);
      return s;
    }
    function describe(v) {
      try {
        return typeof v === "string" ? v : typeof v === "object" && v !== null ? "#<Object>" : StringCtor(v);
      } catch {
        return "value";
      }
    }
    const unsupported = (what, supported) =>
      new RangeErrorCtor(`${what} is not supported by this sandbox's Intl (supported: ${supported})`);

    // ------------------------------------------------ locales
    const TAG =
      /^[a-z]{2,3}(-[a-z]{4})?(-(?:[a-z]{2}|\d{3}))?(-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(-[a-wyz\d](-[a-z\d]{2,8})+)*(-x(-[a-z\d]{1,8})+)?$/i;
    function canonicalTag(tag) {
      if (!TAG.test(tag)) throw new RangeErrorCtor("Incorrect locale information provided");
      const parts = tag.toLowerCase().split("-");
      let inExt = false;
      for (let i = 1; i < parts.length; i++) {
        const p = parts[i];
        if (p.length === 1) inExt = true;
        if (inExt) continue;
        if (i === 1 && p.length === 4) parts[i] = p[0].toUpperCase() + p.slice(1);
        else if (p.length === 2) parts[i] = p.toUpperCase();
      }
      return parts.join("-");
    }
    function canonicalizeLocaleList(locales) {
      if (locales === undefined) return [];
      const seen = [];
      const list = typeof locales === "string" ? [locales] : ObjectCtor(locales);
      const len = typeof locales === "string" ? 1 : MathMin(MathMax(MathFloor(NumberCtor(list.length)) || 0, 0), 2 ** 32);
      for (let k = 0; k < len; k++) {
        if (!(k in list)) continue;
        const v = list[k];
        if (typeof v !== "string" && (typeof v !== "object" || v === null))
          throw new TypeErrorCtor("Language ID should be string or object.");
        const tag = canonicalTag(StringCtor(v));
        if (seen.indexOf(tag) < 0) seen.push(tag);
      }
      return seen;
    }
    // The tag without Unicode extensions, refusing keywords other than nu-latn/ca-gregory.
    function stripExtensions(tag) {
      const m = /-u((?:-[a-z\d]{2,8})+)/.exec(tag);
      if (!m) return tag;
      const kw = m[1].slice(1).split("-");
      for (let i = 0; i < kw.length; i++) {
        if (kw[i].length !== 2) continue;
        const key = kw[i];
        const value = i + 1 < kw.length && kw[i + 1].length > 2 ? kw[i + 1] : "true";
        if (!((key === "nu" && value === "latn") || (key === "ca" && (value === "gregory" || value === "gregorian"))))
          throw unsupported(`the Unicode extension "-u-${key}-${value}" (in ${tag})`, "-u-nu-latn, -u-ca-gregory");
      }
      return tag.slice(0, m.index) + tag.slice(m.index + m[0].length);
    }
    function bestAvailable(tag) {
      let candidate = tag.replace(/-x-.*$/, "");
      for (;;) {
        if (call(ObjectPrototypeHasOwn, AVAILABLE, candidate)) return candidate;
        let pos = candidate.lastIndexOf("-");
        if (pos < 0) return undefined;
        if (pos >= 2 && candidate[pos - 2] === "-") pos -= 2;
        candidate = candidate.slice(0, pos);
      }
    }
    function resolveLocale(locales, options) {
      const requested = canonicalizeLocaleList(locales);
      getOption(options, "localeMatcher", ["lookup", "best fit"], "best fit");
      for (let i = 0; i < requested.length; i++) {
        const found = bestAvailable(stripExtensions(requested[i]));
        if (found !== undefined) return { locale: found, id: AVAILABLE[found] };
      }
      return { locale: "en-US", id: "en", isDefault: true };
    }
    function supportedLocalesOf(locales, options) {
      const requested = canonicalizeLocaleList(locales);
      if (options !== undefined) getOption(toOptions(options), "localeMatcher", ["lookup", "best fit"], "best fit");
      const out = [];
      for (let i = 0; i < requested.length; i++) {
        let base;
        try {
          base = stripExtensions(requested[i]);
        } catch {
          base = requested[i].replace(/-u(-[a-z\d]{2,8})+/, "");
        }
        if (bestAvailable(base) !== undefined) out.push(requested[i]);
      }
      return out;
    }

    // ------------------------------------------------ options
    function toOptions(options) {
      if (options === undefined) return ObjectCreate(null);
      if (options === null) throw new TypeErrorCtor("Cannot convert undefined or null to object");
      return ObjectCtor(options);
    }
    function getOption(options, name, values, fallback, ctorName) {
      const v = options[name];
      if (v === undefined) return fallback;
      if (values === "boolean") return !!v;
      const s = StringCtor(v);
      if (values !== undefined && values.indexOf(s) < 0)
        throw new RangeErrorCtor(`Value ${s} out of range for Intl.${ctorName || "Object"} options property ${name}`);
      return s;
    }
    function getNumberOption(options, name, min, max, fallback) {
      const v = options[name];
      if (v === undefined) return fallback;
      const n = NumberCtor(v);
      if (NumberIsNaN(n) || n < min || n > max) throw new RangeErrorCtor(`${name} value is out of range.`);
      return MathFloor(n);
    }

    // ------------------------------------------------ decimal arithmetic
    // A finite value as {neg, digits, exp}: value = 0.<digits> x 10^exp, digits without
    // leading/trailing zeros ("" is zero). From a Number, the digits are its shortest
    // round-trip decimal (what ICU rounds, so 1.005 -> "1.01" as in Node).
    function decimalFromString(s, neg) {
      const m = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(s);
      if (!m) return null;
      let digits = m[1] + (m[2] || "");
      let exp = m[1].length + (m[3] ? NumberCtor(m[3]) : 0);
      const lead = /^0*/.exec(digits)[0].length;
      digits = digits.slice(lead);
      exp -= lead;
      digits = digits.replace(/0+$/, "");
      if (digits === "") exp = 0;
      return { neg, digits, exp, special: "" };
    }
    function toDecimal(x) {
      if (typeof x === "bigint") {
        const s = StringCtor(x);
        return s[0] === "-" ? decimalFromString(s.slice(1), true) : decimalFromString(s, false);
      }
      if (typeof x === "string") {
        const t = x.trim();
        const m = /^([+-]?)(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)$/i.exec(t);
        if (m) return decimalFromString(m[2], m[1] === "-");
        x = NumberCtor(t);
      } else x = NumberCtor(x);
      if (NumberIsNaN(x)) return { neg: false, digits: "", exp: 0, special: "nan" };
      const neg = x < 0 || (x === 0 && 1 / x < 0);
      if (!NumberIsFinite(x)) return { neg, digits: "", exp: 0, special: "infinity" };
      return decimalFromString(StringCtor(neg ? -x : x), neg);
    }
    // Keep the first n digits, rounding the rest away per `mode` (ECMA-402 rounding modes).
    function roundDigits(d, n, mode) {
      if (n >= d.digits.length) return d;
      if (n < 0) return { neg: d.neg, digits: "", exp: 0, special: "" };
      const rest = d.digits.slice(n);
      let kept = d.digits.slice(0, n);
      const nonZero = /[1-9]/.test(rest);
      const half = rest[0] === "5" && !/[1-9]/.test(rest.slice(1));
      const above = rest[0] > "5" || (rest[0] === "5" && !half);
      const lastOdd = n > 0 && (kept.charCodeAt(n - 1) & 1) === 1;
      let up;
      switch (mode) {
        case "ceil": up = nonZero && !d.neg; break;
        case "floor": up = nonZero && d.neg; break;
        case "expand": up = nonZero; break;
        case "trunc": up = false; break;
        case "halfCeil": up = above || (half && !d.neg); break;
        case "halfFloor": up = above || (half && d.neg); break;
        case "halfTrunc": up = above; break;
        case "halfEven": up = above || (half && lastOdd); break;
        default: up = above || half;
      }
      let exp = d.exp;
      if (up) {
        let i = kept.length - 1;
        while (i >= 0 && kept[i] === "9") i--;
        if (i < 0) {
          kept = "1";
          exp += 1;
        } else kept = kept.slice(0, i) + StringCtor.fromCharCode(kept.charCodeAt(i) + 1);
      }
      kept = kept.replace(/0+$/, "");
      return { neg: d.neg, digits: kept, exp: kept === "" ? 0 : exp, special: "" };
    }
    // Round per digit options; returns {neg, int, frac} digit strings (int without grouping).
    function roundToParts(d, o) {
      let r;
      let minFrac;
      if (o.roundingType === "sig") {
        r = roundDigits(d, o.maxSig, o.roundingMode);
        // minimum significant digits: pad fraction so that at least minSig digits show
        minFrac = MathMax(0, o.minSig - (r.digits === "" ? 1 : r.exp));
      } else {
        r = roundDigits(d, d.exp + o.maxFrac, o.roundingMode);
        minFrac = o.minFrac;
      }
      const digits = r.digits;
      const exp = r.exp;
      let int;
      let frac;
      if (digits === "") {
        int = "0";
        frac = "";
      } else if (exp <= 0) {
        int = "0";
        frac = "0".repeat(-exp) + digits;
      } else if (exp >= digits.length) {
        int = digits + "0".repeat(exp - digits.length);
        frac = "";
      } else {
        int = digits.slice(0, exp);
        frac = digits.slice(exp);
      }
      if (o.trailingZeroDisplay === "stripIfInteger" && frac === "") minFrac = 0;
      if (frac.length < minFrac) frac += "0".repeat(minFrac - frac.length);
      if (int.length < o.minInt) int = "0".repeat(o.minInt - int.length) + int;
      return { neg: r.neg, zero: digits === "", int, frac };
    }
    function digitOptions(options, mnfdDefault, mxfdDefault, out) {
      out.minInt = getNumberOption(options, "minimumIntegerDigits", 1, 21, 1);
      const mnfd = options.minimumFractionDigits;
      const mxfd = options.maximumFractionDigits;
      const mnsd = options.minimumSignificantDigits;
      const mxsd = options.maximumSignificantDigits;
      if (mnsd !== undefined || mxsd !== undefined) {
        out.roundingType = "sig";
        out.minSig = getNumberOption(options, "minimumSignificantDigits", 1, 21, 1);
        out.maxSig = getNumberOption(options, "maximumSignificantDigits", out.minSig, 21, 21);
      } else {
        out.roundingType = "frac";
        if (mnfd !== undefined || mxfd !== undefined) {
          let mn = getNumberOption(options, "minimumFractionDigits", 0, 100, undefined);
          let mx = getNumberOption(options, "maximumFractionDigits", 0, 100, undefined);
          if (mn === undefined) mn = MathMin(mnfdDefault, mx);
          else if (mx === undefined) mx = MathMax(mxfdDefault, mn);
          else if (mn > mx) throw new RangeErrorCtor("maximumFractionDigits value is out of range.");
          out.minFrac = mn;
          out.maxFrac = mx;
        } else {
          out.minFrac = mnfdDefault;
          out.maxFrac = mxfdDefault;
        }
      }
      const priority = getOption(options, "roundingPriority", ["auto", "morePrecision", "lessPrecision"], "auto", "NumberFormat");
      if (priority !== "auto") throw unsupported(`roundingPriority "${priority}"`, '"auto"');
      const inc = getNumberOption(options, "roundingIncrement", 1, 5000, 1);
      if (inc !== 1) throw unsupported(`roundingIncrement ${inc}`, "1");
      out.roundingMode = getOption(
        options,
        "roundingMode",
        ["ceil", "floor", "expand", "trunc", "halfCeil", "halfFloor", "halfExpand", "halfTrunc", "halfEven"],
        "halfExpand",
        "NumberFormat",
      );
      out.trailingZeroDisplay = getOption(options, "trailingZeroDisplay", ["auto", "stripIfInteger"], "auto", "NumberFormat");
    }

    // ------------------------------------------------ PluralRules
    // CLDR 43 rules on the formatted number's operands (n, i, v).
    function pluralCategory(lang, type, int, frac) {
      // ICU keeps only the low 18 integer digits for the operands (so 1e21 has i = 0)
      int = int.slice(-18).replace(/^0+(?=\d)/, "");
      const v = frac.length;
      const i = int.length > 15 ? NumberCtor(int.slice(-15)) : NumberCtor(int);
      const n = v === 0 ? i : NumberCtor(int + "." + frac);
      const millions = v === 0 && int !== "0" && /000000$/.test(int);
      if (type === "ordinal") {
        if (lang === "en") {
          if (v !== 0) return "other";
          const m10 = i % 10;
          const m100 = i % 100;
          if (m10 === 1 && m100 !== 11) return "one";
          if (m10 === 2 && m100 !== 12) return "two";
          if (m10 === 3 && m100 !== 13) return "few";
          return "other";
        }
        if (lang === "fr") return n === 1 ? "one" : "other";
        return "other";
      }
      switch (lang) {
        case "en":
        case "de":
          return int === "1" && v === 0 ? "one" : "other";
        case "es":
          if (n === 1) return "one";
          return millions ? "many" : "other";
        case "fr":
          if (int === "0" || int === "1") return "one";
          return millions ? "many" : "other";
        default:
          return "other";
      }
    }
    const PLURAL_CATEGORIES = {
      "en cardinal": ["one", "other"],
      "de cardinal": ["one", "other"],
      "es cardinal": ["many", "one", "other"],
      "fr cardinal": ["many", "one", "other"],
      "ja cardinal": ["other"],
      "en ordinal": ["few", "one", "two", "other"],
      "fr ordinal": ["one", "other"],
    };
    const langOf = (id) => id.slice(0, 2);

    function PluralRules(locales, options) {
      if (new.target === undefined) throw new TypeErrorCtor("Constructor Intl.PluralRules requires 'new'");
      options = toOptions(options);
      const loc = resolveLocale(locales, options);
      // ICU's plural data is per language: Node resolves "en-US" to "en" (but keeps its
      // default locale, en-US, when no requested locale is available)
      const lang = langOf(loc.id);
      const s = { kind: "PluralRules", locale: loc.isDefault ? loc.locale : lang, lang };
      s.type = getOption(options, "type", ["cardinal", "ordinal"], "cardinal", "PluralRules");
      digitOptions(options, 0, 3, s);
      slots.set(this, s);
    }
    defineMethods(PluralRules.prototype, {
      select(value) {
        const s = slot(this, "PluralRules", "select");
        const d = toDecimal(NumberCtor(value));
        if (d.special !== "") return "other";
        const p = roundToParts(d, s);
        return pluralCategory(s.lang, s.type, p.int.replace(/^0+(?=\d)/, ""), p.frac);
      },
      resolvedOptions() {
        const s = slot(this, "PluralRules", "resolvedOptions");
        const r = { locale: s.locale, type: s.type, minimumIntegerDigits: s.minInt };
        digitResolved(s, r);
        r.pluralCategories = (PLURAL_CATEGORIES[s.lang + " " + s.type] || ["other"]).slice();
        return r;
      },
    });
    function digitResolved(s, r) {
      if (s.roundingType === "sig") {
        r.minimumSignificantDigits = s.minSig;
        r.maximumSignificantDigits = s.maxSig;
      } else {
        r.minimumFractionDigits = s.minFrac;
        r.maximumFractionDigits = s.maxFrac;
      }
    }

    // ------------------------------------------------ NumberFormat
    const CURRENCY_DIGITS = {
      BHD: 3, BIF: 0, CLP: 0, DJF: 0, GNF: 0, IQD: 3, ISK: 0, JOD: 3, JPY: 0, KMF: 0, KRW: 0,
      KWD: 3, LYD: 3, OMR: 3, PYG: 0, RWF: 0, TND: 3, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0,
      XOF: 0, XPF: 0,
    };
    function NumberFormat(locales, options) {
      const self = new.target === undefined ? ObjectCreate(NumberFormat.prototype) : this;
      options = toOptions(options);
      const loc = resolveLocale(locales, options);
      const s = { kind: "NumberFormat", locale: loc.locale, id: loc.id, bound: undefined };
      const ns = getOption(options, "numberingSystem", undefined, undefined);
      if (ns !== undefined && ns !== "latn") throw unsupported(`numberingSystem "${ns}"`, '"latn"');
      s.style = getOption(options, "style", ["decimal", "percent", "currency", "unit"], "decimal", "NumberFormat");
      if (s.style === "unit") throw unsupported('style "unit"', '"decimal", "percent", "currency"');
      let currency = getOption(options, "currency", undefined, undefined);
      if (currency !== undefined && !/^[A-Za-z]{3}$/.test(currency))
        throw new RangeErrorCtor(`Invalid currency code : ${currency}`);
      if (s.style === "currency" && currency === undefined)
        throw new TypeErrorCtor("Currency code is required with currency style.");
      const display = getOption(options, "currencyDisplay", ["code", "symbol", "narrowSymbol", "name"], "symbol", "NumberFormat");
      const sign = getOption(options, "currencySign", ["standard", "accounting"], "standard", "NumberFormat");
      getOption(options, "unit", undefined, undefined);
      getOption(options, "unitDisplay", ["short", "narrow", "long"], "short", "NumberFormat");
      let mnfd = 0;
      let mxfd = s.style === "percent" ? 0 : 3;
      if (s.style === "currency") {
        currency = currency.toUpperCase();
        s.currency = currency;
        s.currencyDisplay = display;
        s.currencySign = sign;
        if (display !== "code" && !call(ObjectPrototypeHasOwn, table(s.id).num.sym, currency))
          throw unsupported(`currencyDisplay "${display}" for ${currency}`, 'USD, EUR, GBP, JPY; currencyDisplay "code" for any currency');
        const cd = call(ObjectPrototypeHasOwn, CURRENCY_DIGITS, currency) ? CURRENCY_DIGITS[currency] : 2;
        mnfd = cd;
        mxfd = cd;
      }
      const notation = getOption(options, "notation", ["standard", "scientific", "engineering", "compact"], "standard", "NumberFormat");
      if (notation !== "standard") throw unsupported(`notation "${notation}"`, '"standard"');
      digitOptions(options, mnfd, mxfd, s);
      getOption(options, "compactDisplay", ["short", "long"], "short", "NumberFormat");
      const g = options.useGrouping;
      if (g === undefined) s.useGrouping = "auto";
      else if (g === true) s.useGrouping = "always";
      else if (g === false || g === null || g === 0 || g === "" || NumberIsNaN(g)) s.useGrouping = false;
      else {
        const gs = StringCtor(g);
        if (gs === "true" || gs === "false") s.useGrouping = "auto";
        else if (gs === "min2" || gs === "auto" || gs === "always") s.useGrouping = gs;
        else throw new RangeErrorCtor(`Value ${gs} out of range for Intl.NumberFormat options property useGrouping`);
      }
      s.signDisplay = getOption(options, "signDisplay", ["auto", "never", "always", "exceptZero", "negative"], "auto", "NumberFormat");
      slots.set(self, s);
      return self;
    }
    function groupInt(int, s, num) {
      if (s.useGrouping === false) return [int];
      const minGroup = s.useGrouping === "min2" || (s.useGrouping === "auto" && num.min2) ? 2 : 1;
      if (int.length < 3 + minGroup) return [int];
      const out = [];
      let head = int.length % 3 || 3;
      out.push(int.slice(0, head));
      for (; head < int.length; head += 3) out.push(int.slice(head, head + 3));
      return out;
    }
    function numberToParts(s, x) {
      const num = table(s.id).num;
      let d = toDecimal(x);
      if (s.style === "percent" && d.special === "" && d.digits !== "") d = { neg: d.neg, digits: d.digits, exp: d.exp + 2, special: "" };
      const parts = [];
      let neg = d.neg;
      let zero = false;
      if (d.special === "nan") {
        parts.push({ type: "nan", value: "NaN" });
        neg = false;
        zero = true;
      } else if (d.special === "infinity") {
        parts.push({ type: "infinity", value: "\u221e" });
      } else {
        const r = roundToParts(d, s);
        zero = r.zero;
        const groups = groupInt(r.int, s, num);
        for (let i = 0; i < groups.length; i++) {
          if (i > 0) parts.push({ type: "group", value: num.grp });
          parts.push({ type: "integer", value: groups[i] });
        }
        if (r.frac !== "") {
          parts.push({ type: "decimal", value: num.dec });
          parts.push({ type: "fraction", value: r.frac });
        }
      }
      // the sign
      let signChar = "";
      switch (s.signDisplay) {
        case "auto": signChar = neg ? "-" : ""; break;
        case "always": signChar = d.special === "nan" ? "+" : neg ? "-" : "+"; break;
        case "exceptZero": signChar = zero ? "" : neg ? "-" : "+"; break;
        case "negative": signChar = neg && !zero ? "-" : ""; break;
        default: signChar = "";
      }
      let pattern = "{n}";
      let currencyText = "";
      if (s.style === "percent") pattern = num.pct;
      else if (s.style === "currency") {
        if (s.currencyDisplay === "code") {
          pattern = num.code;
          currencyText = s.currency;
        } else if (s.currencyDisplay === "name") {
          pattern = num.name;
          const names = num.names[s.currency].split("|");
          let intText = "";
          let fracText = "";
          for (const p of parts) {
            if (p.type === "integer") intText += p.value;
            else if (p.type === "fraction") fracText = p.value;
          }
          const cat = d.special !== "" ? "other" : pluralCategory(langOf(s.id), "cardinal", intText.replace(/^0+(?=\d)/, ""), fracText);
          currencyText = cat === "one" ? names[0] : cat === "many" ? names[2] : names[1];
        } else {
          pattern = num.cur;
          const syms = num.sym[s.currency].split("|");
          currencyText = s.currencyDisplay === "narrowSymbol" ? syms[1] : syms[0];
          if (pattern === "{c}{n}" && /[A-Za-z]$/.test(currencyText)) pattern = "{c}\u00a0{n}";
        }
        // ICU's currency spacing: no space between the currency and NaN or the infinity sign
        if (d.special !== "" && s.currencyDisplay !== "name") {
          if (pattern === "{c}\u00a0{n}") pattern = "{c}{n}";
        }
      }
      const accounting = s.style === "currency" && s.currencySign === "accounting" && num.acct && signChar === "-";
      const out = [];
      if (accounting) out.push({ type: "literal", value: "(" });
      else if (signChar !== "") out.push({ type: signChar === "-" ? "minusSign" : "plusSign", value: signChar });
      const bits = pattern.split(/(\{[nc]\})/);
      for (const b of bits) {
        if (b === "") continue;
        if (b === "{n}") for (const p of parts) out.push(p);
        else if (b === "{c}") out.push({ type: "currency", value: currencyText });
        else if (s.style === "percent" && b.endsWith("%")) {
          if (b.length > 1) out.push({ type: "literal", value: b.slice(0, -1) });
          out.push({ type: "percentSign", value: "%" });
        } else out.push({ type: "literal", value: b });
      }
      if (accounting) out.push({ type: "literal", value: ")" });
      return out;
    }
    function joinParts(parts) {
      let text = "";
      for (let i = 0; i < parts.length; i++) text += parts[i].value;
      return text;
    }
    function formatNumber(s, x) {
      return joinParts(numberToParts(s, typeof x === "bigint" || typeof x === "string" ? x : NumberCtor(x)));
    }
    defineMethods(NumberFormat.prototype, {
      formatToParts(value) {
        const s = slot(this, "NumberFormat", "formatToParts");
        return numberToParts(s, typeof value === "bigint" || typeof value === "string" ? value : NumberCtor(value));
      },
      resolvedOptions() {
        const s = slot(this, "NumberFormat", "resolvedOptions");
        const r = { locale: s.locale, numberingSystem: "latn", style: s.style };
        if (s.style === "currency") {
          r.currency = s.currency;
          r.currencyDisplay = s.currencyDisplay;
          r.currencySign = s.currencySign;
        }
        r.minimumIntegerDigits = s.minInt;
        digitResolved(s, r);
        r.useGrouping = s.useGrouping;
        r.notation = "standard";
        r.signDisplay = s.signDisplay;
        r.roundingMode = s.roundingMode;
        r.roundingIncrement = 1;
        r.trailingZeroDisplay = s.trailingZeroDisplay;
        r.roundingPriority = "auto";
        return r;
      },
    });
    ObjectDefineProperty(NumberFormat.prototype, "format", {
      get() {
        const s = slot(this, "NumberFormat", "format");
        if (s.bound === undefined) s.bound = (value) => formatNumber(s, value);
        return s.bound;
      },
      configurable: true,
    });

    // ------------------------------------------------ DateTimeFormat
    const TIME_ZONES_UTC = ["UTC", "ETC/UTC", "ETC/UCT", "UCT", "GMT", "ETC/GMT", "ETC/GMT0", "ETC/GMT+0", "ETC/GMT-0", "GMT0", "ETC/ZULU", "ZULU", "ETC/UNIVERSAL", "UNIVERSAL", "ETC/GREENWICH", "GREENWICH"];
    const WIDTH_2 = ["2-digit", "numeric"];
    const TEXT_3 = ["narrow", "short", "long"];
    const STYLE_4 = ["full", "long", "medium", "short"];
    function DateTimeFormat(locales, options) {
      const self = new.target === undefined ? ObjectCreate(DateTimeFormat.prototype) : this;
      createDateTimeFormat(self, locales, options, "any", "date");
      return self;
    }
    function createDateTimeFormat(self, locales, options, required, defaults) {
      options = toOptions(options);
      const loc = resolveLocale(locales, options);
      const s = { kind: "DateTimeFormat", locale: loc.locale, id: loc.id, bound: undefined };
      const cal = getOption(options, "calendar", undefined, undefined);
      if (cal !== undefined && cal !== "gregory" && cal !== "gregorian") throw unsupported(`calendar "${cal}"`, '"gregory"');
      const ns = getOption(options, "numberingSystem", undefined, undefined);
      if (ns !== undefined && ns !== "latn") throw unsupported(`numberingSystem "${ns}"`, '"latn"');
      const hour12 = getOption(options, "hour12", "boolean", undefined);
      let hourCycle = getOption(options, "hourCycle", ["h11", "h12", "h23", "h24"], undefined, "DateTimeFormat");
      let tz = options.timeZone;
      if (tz === undefined) tz = "UTC";
      else {
        tz = StringCtor(tz);
        if (TIME_ZONES_UTC.indexOf(tz.toUpperCase()) < 0)
          throw unsupported(`timeZone "${tz}"`, '"UTC" (the guest\'s own time zone)');
        tz = "UTC";
      }
      s.timeZone = tz;
      const f = {};
      f.weekday = getOption(options, "weekday", TEXT_3, undefined, "DateTimeFormat");
      const era = getOption(options, "era", TEXT_3, undefined, "DateTimeFormat");
      f.year = getOption(options, "year", WIDTH_2, undefined, "DateTimeFormat");
      f.month = getOption(options, "month", ["2-digit", "numeric", "narrow", "short", "long"], undefined, "DateTimeFormat");
      f.day = getOption(options, "day", WIDTH_2, undefined, "DateTimeFormat");
      const dayPeriod = getOption(options, "dayPeriod", TEXT_3, undefined, "DateTimeFormat");
      f.hour = getOption(options, "hour", WIDTH_2, undefined, "DateTimeFormat");
      f.minute = getOption(options, "minute", WIDTH_2, undefined, "DateTimeFormat");
      f.second = getOption(options, "second", WIDTH_2, undefined, "DateTimeFormat");
      const fsd = getNumberOption(options, "fractionalSecondDigits", 1, 3, undefined);
      f.timeZoneName = getOption(options, "timeZoneName", ["short", "long", "shortOffset", "longOffset", "shortGeneric", "longGeneric"], undefined, "DateTimeFormat");
      getOption(options, "formatMatcher", ["basic", "best fit"], "best fit", "DateTimeFormat");
      const dateStyle = getOption(options, "dateStyle", STYLE_4, undefined, "DateTimeFormat");
      const timeStyle = getOption(options, "timeStyle", STYLE_4, undefined, "DateTimeFormat");
      if (dateStyle !== undefined || timeStyle !== undefined) {
        const names = ["weekday", "era", "year", "month", "day", "dayPeriod", "hour", "minute", "second", "fractionalSecondDigits", "timeZoneName"];
        const given = [f.weekday, era, f.year, f.month, f.day, dayPeriod, f.hour, f.minute, f.second, fsd, f.timeZoneName];
        for (let i = 0; i < names.length; i++)
          if (given[i] !== undefined) throw new TypeErrorCtor(`Can't set option ${names[i]} when ${dateStyle !== undefined ? "dateStyle" : "timeStyle"} is used`);
        if (required === "date" && timeStyle !== undefined) throw new TypeErrorCtor("Invalid option : timeStyle");
        if (required === "time" && dateStyle !== undefined) throw new TypeErrorCtor("Invalid option : dateStyle");
      }
      if (era !== undefined) throw unsupported("the era option", "weekday, year, month, day, hour, minute, second, timeZoneName");
      if (dayPeriod !== undefined) throw unsupported("the dayPeriod option", "hour12 / hourCycle");
      if (fsd !== undefined) throw unsupported("fractionalSecondDigits", "whole seconds");
      if (f.timeZoneName !== undefined && f.timeZoneName !== "short" && f.timeZoneName !== "long")
        throw unsupported(`timeZoneName "${f.timeZoneName}"`, '"short", "long"');
      const t = table(s.id).date;
      const hcs = t.hc.split("|");
      if (hour12 !== undefined) hourCycle = hour12 ? hcs[1] : hcs[2];
      else if (hourCycle === undefined) hourCycle = hcs[0];
      const hcKey = hourCycle === "h11" || hourCycle === "h12" ? "12" : "23";
      // how the hour cycle was asked for: hour12 ("12"/"23"), hourCycle ("h11"...), or not
      const hcAsked = hour12 !== undefined ? hcKey : options.hourCycle !== undefined ? hourCycle : "";
      let pattern;
      if (dateStyle !== undefined || timeStyle !== undefined) {
        s.dateStyle = dateStyle;
        s.timeStyle = timeStyle;
        const tp = timeStyle !== undefined ? t.styles["t" + timeStyle + (hcAsked === "" ? "" : hcKey)] : "";
        if (dateStyle === undefined) pattern = tp;
        else if (timeStyle === undefined) pattern = t.styles["d" + dateStyle];
        else
          pattern =
            t.styles["c" + dateStyle + timeStyle + hcAsked] ||
            t.styles["g" + dateStyle].replace("{0}", tp).replace("{1}", t.styles["d" + dateStyle]);
        s.tzWidth = timeStyle === "full" ? "long" : "short";
        s.hasHour = timeStyle !== undefined;
      } else {
        let need = true;
        if (required !== "time" && (f.weekday || f.year || f.month || f.day)) need = false;
        if (required !== "date" && (f.hour || f.minute || f.second)) need = false;
        if (need && (defaults === "date" || defaults === "all")) f.year = f.month = f.day = "numeric";
        if (need && (defaults === "time" || defaults === "all")) f.hour = f.minute = f.second = "numeric";
        // Pattern keys: the numeric skeleton ("ElyMnd", "h12ms"...), and the exact one with
        // "2" after each 2-digit field; the tables hold an exact entry only where ICU picks
        // another pattern than the numeric one with padded fields.
        const two = (v) => (v === "2-digit" ? "2" : "");
        let dk = "";
        let dx = "";
        if (f.weekday) dk = dx = "E" + f.weekday[0];
        if (f.year) (dk += "y"), (dx += "y" + two(f.year));
        if (f.month) {
          const m = f.month === "narrow" ? "na" : f.month[0];
          dk += "M" + (f.month === "2-digit" ? "n" : m);
          dx += "M" + (f.month === "2-digit" ? "2" : m);
        }
        if (f.day) (dk += "d"), (dx += "d" + two(f.day));
        let tk = "";
        let tx = "";
        if (f.hour) (tk += "h" + hcKey), (tx += "h" + hcKey + two(f.hour));
        if (f.minute) (tk += "m"), (tx += "m" + two(f.minute));
        if (f.second) (tk += "s"), (tx += "s" + two(f.second));
        if (tk !== "" && f.timeZoneName) (tk += "z" + f.timeZoneName[0]), (tx += "z" + f.timeZoneName[0]);
        if (tk === "" && f.timeZoneName) throw unsupported("timeZoneName without hour, minute or second", "timeZoneName together with a time field");
        const padded = (pat) =>
          pat
            .replace("{y}", f.year === "2-digit" ? "{yy}" : "{y}")
            .replace("{M}", f.month === "2-digit" ? "{MM}" : "{M}")
            .replace("{d}", f.day === "2-digit" ? "{dd}" : "{d}")
            .replace("{h}", f.hour === "2-digit" ? "{hh}" : "{h}")
            .replace("{m}", f.minute === "2-digit" ? "{mm}" : "{m}")
            .replace("{s}", f.second === "2-digit" ? "{ss}" : "{s}");
        const dp = dk === "" ? "" : t.date[dx] || t.date[dx.replace(/^E./, "El")] || padded(t.date[dk] || t.date[dk.replace(/^E./, "El")]);
        const tp = tk === "" ? "" : t.time[tx] || padded(t.time[tk]);
        if (dp === "") pattern = tp;
        else if (tp === "") pattern = dp;
        else {
          // "{1F}": the date part with format forms ({E} for {c}, {MMM} for {LLL}...)
          const glue = t.glue[dk] || t.glue[""];
          const fp = dp.replace("{c}", "{E}").replace(/\{L+\}/, (m) => m.replace(/L/g, "M"));
          pattern = glue.replace("{0}", tp).replace("{1F}", fp).replace("{1}", dp);
        }
        s.fields = f;
        s.tzWidth = f.timeZoneName;
        s.hasHour = !!f.hour;
      }
      s.hourCycle = hourCycle;
      s.pattern = pattern.split(/(\{[^}]*\})/);
      slots.set(self, s);
    }
    function pad2(n) {
      return n < 10 ? "0" + n : StringCtor(n);
    }
    function dateToParts(s, x) {
      let tv;
      if (x === undefined) tv = DateNow();
      else if (x !== null && typeof x === "object" && call(ObjectPrototypeToString, x) === "[object Date]") tv = call(DateGetTime, x);
      else tv = NumberCtor(x);
      if (!NumberIsFinite(tv) || MathAbs(tv) > 8.64e15) throw new RangeErrorCtor("Invalid time value");
      const date = new DateCtor(tv);
      const get = (k) => call(DateGetUTC[k], date);
      const t = table(s.id).date;
      const f = s.fields || {};
      const out = [];
      const hour = get("h");
      for (const bit of s.pattern) {
        if (bit === "") continue;
        if (bit[0] !== "{") {
          out.push({ type: "literal", value: bit });
          continue;
        }
        const tok = bit.slice(1, -1);
        let type;
        let value;
        switch (tok) {
          case "(": case ")": type = "literal"; value = tok === "(" ? "{" : "}"; break;
          case "E": case "c": // format / stand-alone forms
            type = "weekday";
            value = t.weekdays[tok + (f.weekday || (s.dateStyle === "full" ? "long" : "short"))].split("|")[get("E")];
            break;
          case "y": type = "year"; value = StringCtor(get("y")); break;
          case "yy": type = "year"; value = pad2(((get("y") % 100) + 100) % 100); break;
          case "M": type = "month"; value = StringCtor(get("M") + 1); break;
          case "MM": type = "month"; value = pad2(get("M") + 1); break;
          case "d": type = "day"; value = StringCtor(get("d")); break;
          case "dd": type = "day"; value = pad2(get("d")); break;
          case "h": case "hh": {
            type = "hour";
            let h = hour;
            if (s.hourCycle === "h12") h = h % 12 || 12;
            else if (s.hourCycle === "h11") h = h % 12;
            else if (s.hourCycle === "h24") h = h || 24;
            value = tok === "hh" ? pad2(h) : StringCtor(h);
            break;
          }
          case "m": type = "minute"; value = StringCtor(get("m")); break;
          case "mm": type = "minute"; value = pad2(get("m")); break;
          case "s": type = "second"; value = StringCtor(get("s")); break;
          case "ss": type = "second"; value = pad2(get("s")); break;
          case "a": type = "dayPeriod"; value = t.ampm.split("|")[hour < 12 ? 0 : 1]; break;
          case "z": type = "timeZoneName"; value = t.tz.split("|")[s.tzWidth === "long" ? 1 : 0]; break;
          default: {
            // month names: MMM/MMMM/MMMMM (format forms) or LLL/LLLL/LLLLL (stand-alone)
            type = "month";
            const width = tok.length === 3 ? "short" : tok.length === 4 ? "long" : "narrow";
            value = t.months[(tok[0] === "L" ? "L" : "M") + width].split("|")[get("M")];
          }
        }
        const last = out[out.length - 1];
        if (type === "literal" && last !== undefined && last.type === "literal") last.value += value;
        else out.push({ type, value });
      }
      return out;
    }
    // Like Node 20 (V8), format() writes U+202F (ICU's narrow no-break space, e.g. before
    // "AM") as a plain space; formatToParts() keeps it.
    function formatDate(s, date) {
      return joinParts(dateToParts(s, date)).replace(/\u202f/g, " ");
    }
    defineMethods(DateTimeFormat.prototype, {
      formatToParts(date) {
        return dateToParts(slot(this, "DateTimeFormat", "formatToParts"), date);
      },
      resolvedOptions() {
        const s = slot(this, "DateTimeFormat", "resolvedOptions");
        const r = { locale: s.locale, calendar: "gregory", numberingSystem: "latn", timeZone: s.timeZone };
        if (s.hasHour) {
          r.hourCycle = s.hourCycle;
          r.hour12 = s.hourCycle === "h11" || s.hourCycle === "h12";
        }
        if (s.fields) {
          // as ICU: the fields and widths of the pattern it picked
          const used = {};
          for (const bit of s.pattern) if (bit[0] === "{") used[bit.slice(1, -1)] = true;
          const f = s.fields;
          const width = (one, two) => (used[two] ? "2-digit" : used[one] ? "numeric" : undefined);
          const month = width("M", "MM");
          const text = ["MMM", "MMMM", "MMMMM", "LLL", "LLLL", "LLLLL"].find((k) => used[k]);
          const put = (name, v) => {
            if (v !== undefined) r[name] = v;
          };
          if (used.E || used.c) put("weekday", f.weekday);
          put("year", width("y", "yy"));
          put("month", month !== undefined ? month : text === undefined ? undefined : text.length === 3 ? "short" : text.length === 4 ? "long" : "narrow");
          put("day", width("d", "dd"));
          put("hour", width("h", "hh"));
          put("minute", width("m", "mm"));
          put("second", width("s", "ss"));
          if (used.z) put("timeZoneName", f.timeZoneName);
        } else {
          if (s.dateStyle) r.dateStyle = s.dateStyle;
          if (s.timeStyle) r.timeStyle = s.timeStyle;
        }
        return r;
      },
    });
    ObjectDefineProperty(DateTimeFormat.prototype, "format", {
      get() {
        const s = slot(this, "DateTimeFormat", "format");
        if (s.bound === undefined) s.bound = (date) => formatDate(s, date);
        return s.bound;
      },
      configurable: true,
    });

    // ------------------------------------------------ Collator
    // Root-collation approximation: primary = base letters (NFD without combining marks,
    // case-folded; ß/æ/œ/ø/ł/đ expanded), with spaces and ASCII punctuation/symbols first
    // (in CLDR order), then digits, then letters, then everything else by code point;
    // secondary = the diacritics; tertiary = case (lower first).
    const PUNCT = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
    const EXPAND = { "\u00df": "ss", "\u00e6": "ae", "\u0153": "oe", "\u00f8": "o\u0338", "\u0142": "l\u0335", "\u0111": "d\u0335", "\u00de": "TH", "\u00fe": "th" };
    const COMBINING = /[\u0300-\u036f]/;
    // The combining marks in CLDR root secondary order (generated from Node 20).
    const MARK_ORDER = "\u034f\u0332\u0313\u0343\u0314\u0301\u0341\u0300\u0340\u0306\u0302\u030c\u030a\u0342\u0308\u0344\u030b\u0303\u0307\u0338\u0327\u0328\u0304\u030d\u030e\u0312\u0315\u031a\u033d\u033e\u033f\u0346\u034a\u034b\u034c\u0350\u0351\u0352\u0357\u035b\u035d\u035e\u0316\u0317\u0318\u0319\u031c\u031d\u031e\u031f\u0320\u0329\u032a\u032b\u032c\u032f\u0333\u033a\u033b\u033c\u0347\u0348\u0349\u034d\u034e\u0353\u0354\u0355\u0356\u0359\u035a\u035c\u035f\u0362\u0336\u0337\u0335\u0305\u0309\u030f\u0310\u0311\u031b\u0321\u0322\u0323\u0324\u0325\u0326\u032d\u032e\u0330\u0331\u0334\u0339\u0345\u0358\u0360\u0361\u0363\u0368\u0369\u0364\u036a\u0365\u036b\u0366\u036c\u036d\u0367\u036e\u036f";
    const markKey = (m) => StringCtor.fromCharCode(0x100 + MARK_ORDER.indexOf(m));
    // Collation elements of a string: [primary, secondary (marks), tertiary (case)] each.
    function collationElements(s, c) {
      const text = call(StringNormalize, StringCtor(s), "NFD");
      const out = [];
      const chars = ArrayFrom(text);
      for (let i = 0; i < chars.length; i++) {
        let ch = chars[i];
        if (COMBINING.test(ch)) {
          if (out.length) out[out.length - 1][1] += markKey(ch);
          continue;
        }
        const lower = ch.toLowerCase();
        const upper = lower !== ch;
        if (call(ObjectPrototypeHasOwn, EXPAND, lower)) {
          const ex = EXPAND[lower];
          for (let k = 0; k < ex.length; k++) {
            const e = ex[k];
            if (COMBINING.test(e)) out[out.length - 1][1] += markKey(e);
            else out.push([letterWeight(e.toLowerCase()), "", upper || e !== e.toLowerCase() ? 1 : 0]);
          }
          out[out.length - 1][1] += "\u00ff"; // after the plain letters (ae < æ, ss < ß)
          continue;
        }
        ch = lower;
        const code = ch.codePointAt(0);
        if (c.numeric && code >= 48 && code <= 57) {
          let j = i;
          let run = "";
          while (j < chars.length && chars[j] >= "0" && chars[j] <= "9") run += chars[j++];
          i = j - 1;
          const digits = run.replace(/^0+(?=\d)/, "");
          out.push([1000 + digits.length * 10 + 0, "", 0]);
          for (let k = 0; k < digits.length; k++) out.push([1000 + digits.charCodeAt(k) - 48, "", 0]);
          continue;
        }
        const p = PUNCT.indexOf(ch);
        if (p >= 0 || /\s/.test(ch) || (code < 128 && !/[a-z0-9]/.test(ch))) {
          if (c.ignorePunctuation) continue;
          out.push([p >= 0 ? 10 + p : 5, "", 0]);
          continue;
        }
        if (c.spanishN && ch === "n" && chars[i + 1] === "\u0303") {
          out.push([letterWeight("n") + 1, "", upper ? 1 : 0]);
          i++;
          continue;
        }
        out.push([code >= 48 && code <= 57 ? 1000 + code - 48 : letterWeight(ch), "", upper ? 1 : 0]);
      }
      return out;
    }
    function letterWeight(ch) {
      const code = ch.codePointAt(0);
      if (code >= 97 && code <= 122) return 2000 + (code - 97) * 2;
      return 3000 + code;
    }
    function compareStrings(c, a, b) {
      const x = collationElements(a, c);
      const y = collationElements(b, c);
      const n = MathMin(x.length, y.length);
      for (let i = 0; i < n; i++) if (x[i][0] !== y[i][0]) return x[i][0] < y[i][0] ? -1 : 1;
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      if (c.sensitivity === "accent" || c.sensitivity === "variant") {
        for (let i = 0; i < n; i++) if (x[i][1] !== y[i][1]) return x[i][1] < y[i][1] ? -1 : 1;
      }
      if (c.sensitivity === "case" || c.sensitivity === "variant") {
        for (let i = 0; i < n; i++)
          if (x[i][2] !== y[i][2]) return (x[i][2] < y[i][2]) !== (c.caseFirst === "upper") ? -1 : 1;
      }
      return 0;
    }
    function Collator(locales, options) {
      const self = new.target === undefined ? ObjectCreate(Collator.prototype) : this;
      options = toOptions(options);
      const usage = getOption(options, "usage", ["sort", "search"], "sort", "Collator");
      const loc = resolveLocale(locales, options);
      const collation = getOption(options, "collation", undefined, undefined);
      if (collation !== undefined && collation !== "default") throw unsupported(`collation "${collation}"`, '"default"');
      const numeric = getOption(options, "numeric", "boolean", false);
      const caseFirst = getOption(options, "caseFirst", ["upper", "lower", "false"], "false", "Collator");
      const sensitivity = getOption(options, "sensitivity", ["base", "accent", "case", "variant"], "variant", "Collator");
      const ignorePunctuation = getOption(options, "ignorePunctuation", "boolean", false);
      slots.set(self, {
        kind: "Collator",
        // as Node: collation data is per language, except en-US (the root collation)
        locale: loc.locale === "en-US" ? loc.locale : langOf(loc.id),
        usage,
        sensitivity,
        ignorePunctuation,
        numeric,
        caseFirst,
        spanishN: loc.id === "es",
        bound: undefined,
      });
      return self;
    }
    defineMethods(Collator.prototype, {
      resolvedOptions() {
        const c = slot(this, "Collator", "resolvedOptions");
        return {
          locale: c.locale,
          usage: c.usage,
          sensitivity: c.sensitivity,
          ignorePunctuation: c.ignorePunctuation,
          collation: "default",
          numeric: c.numeric,
          caseFirst: c.caseFirst,
        };
      },
    });
    ObjectDefineProperty(Collator.prototype, "compare", {
      get() {
        const c = slot(this, "Collator", "compare");
        if (c.bound === undefined) c.bound = (a, b) => compareStrings(c, StringCtor(a), StringCtor(b));
        return c.bound;
      },
      configurable: true,
    });

    // ------------------------------------------------ the namespace
    function defineMethods(target, methods) {
      for (const k of ObjectKeys(methods))
        ObjectDefineProperty(target, k, { value: methods[k], writable: true, configurable: true, enumerable: false });
    }
    const IntlObj = {};
    const ctors = { DateTimeFormat, NumberFormat, Collator, PluralRules };
    for (const name of ObjectKeys(ctors)) {
      const ctor = ctors[name];
      ObjectDefineProperty(ctor.prototype, Symbol.toStringTag, { value: "Intl." + name, configurable: true });
      ObjectDefineProperty(ctor, "length", { value: 0, configurable: true });
      defineMethods(ctor, {
        supportedLocalesOf(locales, options) {
          return supportedLocalesOf(locales, options);
        },
      });
    }
    defineMethods(IntlObj, {
      getCanonicalLocales(locales) {
        return canonicalizeLocaleList(locales);
      },
      ...ctors,
    });
    ObjectDefineProperty(IntlObj, Symbol.toStringTag, { value: "Intl", configurable: true });

    // ------------------------------------------------ the built-ins' locale methods
    // Default formatters are cached: `toLocaleString()` in a loop builds one formatter.
    const cache = {};
    function cached(key, make) {
      let v = cache[key];
      if (v === undefined) {
        v = make();
        cache[key] = v;
      }
      return v;
    }
    function numberToLocale(x, locales, options) {
      const nf = locales === undefined && options === undefined ? cached("n", () => new NumberFormat()) : new NumberFormat(locales, options);
      return formatNumber(slots.get(nf), x);
    }
    function dateToLocale(tv, locales, options, required, defaults) {
      if (NumberIsNaN(tv)) return "Invalid Date";
      let dtf;
      if (locales === undefined && options === undefined) {
        dtf = cached("d" + required + defaults, () => {
          const o = ObjectCreate(DateTimeFormat.prototype);
          createDateTimeFormat(o, undefined, undefined, required, defaults);
          return o;
        });
      } else {
        dtf = ObjectCreate(DateTimeFormat.prototype);
        createDateTimeFormat(dtf, locales, options, required, defaults);
      }
      return formatDate(slots.get(dtf), tv);
    }
    function localeCompare(a, b, locales, options) {
      const col = locales === undefined && options === undefined ? cached("c", () => new Collator()) : new Collator(locales, options);
      return compareStrings(slots.get(col), a, b);
    }
    return { Intl: IntlObj, numberToLocale, dateToLocale, localeCompare };
  }

  // `Intl` itself: a getter until first touched (then a plain data property, as in Node).
  function setIntl(value) {
    ObjectDefineProperty(G, "Intl", { value, writable: true, configurable: true, enumerable: false });
  }
  ObjectDefineProperty(G, "Intl", {
    get() {
      const v = intl().Intl;
      setIntl(v);
      return v;
    },
    set: setIntl,
    configurable: true,
    enumerable: false,
  });
  {
    const method = (target, name, fn) =>
      ObjectDefineProperty(target, name, { value: fn, writable: true, configurable: true, enumerable: false });
    method(Number.prototype, "toLocaleString", {
      toLocaleString() {
        const x = call(NumberValueOf, this);
        return intl().numberToLocale(x, arguments[0], arguments[1]);
      },
    }.toLocaleString);
    if (BigIntValueOf !== undefined)
      method(BigInt.prototype, "toLocaleString", {
        toLocaleString() {
          const x = call(BigIntValueOf, this);
          return intl().numberToLocale(x, arguments[0], arguments[1]);
        },
      }.toLocaleString);
    const dateMethod = (name, required, defaults) =>
      method(Date.prototype, name, {
        [name]() {
          const tv = call(DateGetTime, this);
          return intl().dateToLocale(tv, arguments[0], arguments[1], required, defaults);
        },
      }[name]);
    dateMethod("toLocaleString", "any", "all");
    dateMethod("toLocaleDateString", "date", "date");
    dateMethod("toLocaleTimeString", "time", "time");
    method(String.prototype, "localeCompare", {
      localeCompare(that) {
        if (this === undefined || this === null)
          throw new TypeErrorCtor("String.prototype.localeCompare called on null or undefined");
        return intl().localeCompare(StringCtor(this), StringCtor(that), arguments[1], arguments[2]);
      },
    }.localeCompare);
    method(Array.prototype, "toLocaleString", {
      toLocaleString() {
        const o = ObjectCtor(this);
        const len = MathMin(MathMax(MathFloor(NumberCtor(o.length)) || 0, 0), 2 ** 53 - 1);
        let text = "";
        for (let k = 0; k < len; k++) {
          if (k > 0) text += ",";
          const v = o[k];
          if (v !== undefined && v !== null) text += StringCtor(v.toLocaleString(arguments[0], arguments[1]));
        }
        return text;
      },
    }.toLocaleString);
  }

  // ---------------------------------------------------------------- globals
  // No network until `setup` says the run has a host call.
  web.bind({
    host,
    hasNetwork: false,
    perfNow,
    setTimeout: timerApi.setTimeout,
    reportError: uncaught,
  });
  const globals = {
    ...web.globals,
    console,
    process,
    require,
    Buffer,
    TextEncoder,
    TextDecoder,
    crypto,
    performance: performanceObj,
    ...timerApi,
  };
  for (const k of ObjectKeys(globals)) {
    ObjectDefineProperty(G, k, { value: globals[k], writable: true, configurable: true, enumerable: false });
  }
  const moduleObj = { exports: {} };
  ObjectDefineProperty(G, "module", { value: moduleObj, writable: true, configurable: true });
  ObjectDefineProperty(G, "exports", { value: moduleObj.exports, writable: true, configurable: true });
  // Private door for host calls (HTTP egress), installed by `setup` when the run has one;
  // `fetch` (web platform module) uses `host`.
  function __embedsandbox_host(request) {
    const reply = host("host:" + wellFormed(StringCtor(request)));
    if (typeof reply !== "string") throw new ErrorCtor("host call failed");
    return reply;
  }

  // ---------------------------------------------------------------- harness
  let mainDone = false;

  function describeThrown(e) {
    if (isError(e)) {
      let head;
      try {
        head = call(ErrorToString, e);
      } catch {
        head = "Error";
      }
      let stack = "";
      try {
        stack = typeof e.stack === "string" ? cleanStack(e.stack).replace(/\n+$/, "") : "";
      } catch {}
      if (stack && !stack.startsWith(head)) stack = `${head}\n${stack}`;
      let text = stack || head;
      let extra = [];
      try {
        extra = ObjectKeys(e).filter((k) => k !== "stack" && k !== "message");
      } catch {}
      if (extra.length) {
        const props = {};
        for (const k of extra) props[k] = e[k];
        text += " " + inspect(props);
      }
      return text;
    }
    return "Uncaught " + inspect(e);
  }

  function uncaught(e) {
    if (isOutOfMemory(e)) host("limit:memory_size");
    let text;
    try {
      text = describeThrown(e);
    } catch (e2) {
      if (isOutOfMemory(e2)) host("limit:memory_size");
      text = "Uncaught exception";
    }
    writeOut(2, text + "\n");
    if (cfg.entry === "function") host("result:error:");
    hostExit(1);
  }

  function kindOf(v) {
    if (typeof v === "function") return "a function";
    if (typeof v === "symbol") return "a symbol";
    return `a ${typeof v}`;
  }

  function deliver(value, name = "execute", exit = true) {
    const fail = () => {
      if (exit) hostExit(1);
      return false;
    };
    let text;
    try {
      text = value === undefined ? "null" : JSONStringify(value);
    } catch (e) {
      if (isOutOfMemory(e)) host("limit:memory_size");
      let why;
      try {
        why = call(ErrorToString, e);
      } catch {
        why = "unknown error";
      }
      writeOut(2, `TypeError: the return value of ${name} cannot be serialised as JSON: ${why}\n`);
      host("result:json_serialization_error:");
      return fail();
    }
    if (typeof text !== "string") {
      writeOut(2, `TypeError: the return value of ${name} cannot be serialised as JSON: it is ${kindOf(value)}\n`);
      host("result:json_serialization_error:");
      return fail();
    }
    host("result:valid:" + text);
    return true;
  }

  // A session's calls (`_engines/_javascript/_session.py`): the host evaluates each call's
  // code as a global script (async: top-level await works, and its declarations stay for
  // the next call) after begin(stdin), and hands its promise to settle(); callEnd() is the
  // call's exit code once no job or timer is left. An uncaught error is the call's (exit 1), not the session's end.
  let callState = 0; // 0 pending, 1 done, 2 failed
  function report(e) {
    if (isOutOfMemory(e)) host("limit:memory_size");
    let text;
    try {
      text = describeThrown(e);
    } catch (e2) {
      if (isOutOfMemory(e2)) host("limit:memory_size");
      text = "Uncaught exception";
    }
    writeOut(2, text + "\n");
  }
  function begin(stdin) {
    callState = 0;
    stdinText = stdin;
    exitCodeValue = undefined; // process.exitCode is each call's own
  }
  function settle(promise, name, input) {
    const then = name === null ? promise : promise.then(async () => {
      const fn = IndirectEval(name); // the host checked it is an identifier
      if (typeof fn !== "function") {
        writeOut(2, `ReferenceError: no function named ${name} is defined\n`);
        host("result:error:");
        callState = 2;
        return;
      }
      if (!deliver(await fn(JSONParse(input)), name, false)) callState = 2;
    });
    then.then(
      () => {
        if (callState === 0) callState = 1;
      },
      (e) => {
        callState = 2;
        report(e);
        if (name !== null) host("result:error:");
      },
    );
  }
  function callEnd() {
    if (callState === 0) {
      writeOut(2, "Error: the call's top-level await never settled\n");
      return 13;
    }
    return callState === 2 ? 1 : toExitCode(exitCodeValue);
  }

  async function run() {
    try {
      const ns = await import("/" + cfg.main);
      if (cfg.entry === "function") {
        let fn = ns.execute;
        if (typeof fn !== "function") fn = G[Symbol.for("embedsandbox.execute")];
        if (typeof fn !== "function" && moduleObj.exports && typeof moduleObj.exports.execute === "function")
          fn = moduleObj.exports.execute;
        if (typeof fn !== "function") {
          writeOut(2, "Error: no function named execute is defined (define `function execute(input)` or `export function execute(input)`)\n");
          host("result:error:");
          hostExit(1);
        }
        const value = await fn(JSONParse(cfg.input));
        deliver(value);
      }
      mainDone = true;
    } catch (e) {
      mainDone = true;
      uncaught(e);
    }
  }

  // Called by the host once no microtask and no referenced timer is left.
  function finish() {
    if (!mainDone) {
      if (cfg.entry === "function") {
        writeOut(2, "Error: execute returned a promise that never settled\n");
        host("result:error:");
        return 1;
      }
      writeOut(2, `Warning: Detected unsettled top-level await in ${cfg.main}\n`);
      return 13;
    }
    return toExitCode(exitCodeValue);
  }

  // `output_files`: called by the host after a run that finished (never after a stop).
  // listFiles: every file as [path, size in bytes], JSON; fileData: one file's contents,
  // "t" + its text or "b" + its bytes in base64.
  function listFiles() {
    const out = [];
    for (const k of files.keys()) out.push([k, byteLen(files.get(k))]);
    return JSONStringify(out);
  }
  function fileData(key) {
    const v = files.get(key);
    if (v === undefined) return "";
    if (typeof v === "string") return "t" + v;
    let binary = "";
    for (let i = 0; i < v.length; i += 8192) {
      binary += StringCtor.fromCharCode.apply(null, v.subarray(i, i + 8192));
    }
    return "b" + G.btoa(binary);
  }

  const harness = { run, tick, finish, listFiles, fileData, begin, settle, callEnd };

  // ================================================================ phase 2: per run
  // Called by the host once per run with the run's configuration (JSON text); returns the
  // harness. Keep it small: it is the part of starting a run that every run pays for.
  // The configuration is a JSON array (positional: no property names to parse, and no new
  // object shapes to build): [entry, main, args, env, stdin, files, input, hostCall,
  // nodeModules, diskBytes, diskFiles].
  return function setup(cfgText) {
    if (configured) throw new ErrorCtor("the prelude is set up once per guest");
    configured = true;
    const c = JSONParse(cfgText);
    perfBase = nativePerfNow();
    performanceObj.timeOrigin = DateNow();
    cfg.entry = c[0];
    cfg.main = c[1];
    cfg.input = c[6];
    cfg.nodeModules = c[8];
    cfg.diskBytes = c[9];
    cfg.diskFiles = c[10];
    process.argv = ["node", c[1]].concat(c[2]);
    const runEnv = c[3];
    const envKeys = ObjectKeys(runEnv);
    for (let i = 0; i < envKeys.length; i++) env[envKeys[i]] = runEnv[envKeys[i]];
    stdinText = c[4];
    const runFiles = c[5];
    const names = ObjectKeys(runFiles);
    for (let i = 0; i < names.length; i++) {
      const key = toKey(names[i]);
      if (key === "") continue;
      addParents(key);
      putFile(key, runFiles[names[i]]);
    }
    if (c[7]) {
      web.bind({
        host,
        hasNetwork: true,
        perfNow,
        setTimeout: timerApi.setTimeout,
        reportError: uncaught,
      });
      ObjectDefineProperty(G, "__embedsandbox_host", {
        value: __embedsandbox_host,
        writable: false,
        configurable: false,
      });
    }
    return harness;
  };
})(
  // ================================================================ web platform
  // The `web` argument above: fetch, Request, Response, Headers, URL, URLSearchParams,
  // AbortController, Blob, FormData, structuredClone, and the UTF-8 codecs. Built ONCE, when
  // the host evaluates this file; the engine snapshots the guest right after that (see
  // `_Template` in _engines/_javascript.py), so these classes cost nothing per run. Nothing
  // here may depend on a run: per-run state (the host door, timers, the clock) arrives
  // through `web.bind()`, called by each run's set-up.
  (function makeWeb() {
    "use strict";
    const G = globalThis;
    const ObjectDefineProperty = Object.defineProperty;
    const ObjectKeys = Object.keys;
    const ObjectGetPrototypeOf = Object.getPrototypeOf;
    const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
    const ObjectPrototypeHasOwn = Object.prototype.hasOwnProperty;
    const ObjectProto = Object.prototype;
    const ReflectApply = Reflect.apply;
    const ReflectOwnKeys = Reflect.ownKeys;
    const ArrayIsArray = Array.isArray;
    const ArrayFrom = Array.from;
    const ArrayValues = Array.prototype.values;
    const JSONStringify = JSON.stringify;
    const JSONParse = JSON.parse;
    const StringCtor = String;
    const StringFromCharCode = String.fromCharCode;
    const StringToWellFormed = String.prototype.toWellFormed;
    const StringNormalize = String.prototype.normalize;
    const NumberCtor = Number;
    const NumberIsFinite = Number.isFinite;
    const NumberIsInteger = Number.isInteger;
    const MathMax = Math.max;
    const MathMin = Math.min;
    const MathFloor = Math.floor;
    const MathTrunc = Math.trunc;
    const MathRandom = Math.random;
    const DateCtor = Date;
    const DateNow = Date.now;
    const DateGetTime = Date.prototype.getTime;
    const RegExpCtor = RegExp;
    const MapCtor = Map;
    const SetCtor = Set;
    const WeakMapCtor = WeakMap;
    const WeakSetCtor = WeakSet;
    const WeakRefCtor = WeakRef;
    const PromiseCtor = Promise;
    const ErrorCtor = Error;
    const TypeErrorCtor = TypeError;
    const RangeErrorCtor = RangeError;
    const DOMExceptionCtor = DOMException;
    const ArrayBufferCtor = ArrayBuffer;
    const ArrayBufferIsView = ArrayBuffer.isView;
    const ArrayBufferSlice = ArrayBuffer.prototype.slice;
    const Uint8ArrayCtor = Uint8Array;
    const DataViewCtor = DataView;
    const TypedArrayProto = ObjectGetPrototypeOf(Uint8Array.prototype);
    const TypedArraySet = TypedArrayProto.set;
    const TypedArraySlice = TypedArrayProto.slice;
    const TypedArrayTag = ObjectGetOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;
    const U8FromBase64 = Uint8Array.fromBase64;
    const U8ToBase64 = Uint8Array.prototype.toBase64;
    const SymbolIterator = Symbol.iterator;
    const SymbolAsyncIterator = Symbol.asyncIterator;
    const SymbolToStringTag = Symbol.toStringTag;
    const escapeFn = G.escape;
    const unescapeFn = G.unescape;
    const encodeURIComponentFn = encodeURIComponent;
    const decodeURIComponentFn = decodeURIComponent;
    const atobFn = G.atob;
    const btoaFn = G.btoa;
    const queueMicrotaskFn = G.queueMicrotask;

    // Per-run state, set by bind().
    let host = null;
    let hasNetwork = false;
    let perfNow = () => 0;
    let setTimer = null;
    let reportError = (e) => {
      throw e;
    };

    const resolved = (v) => new PromiseCtor((res) => res(v));
    const rejected = (e) => new PromiseCtor((_, rej) => rej(e));
    const usv = (v) => ReflectApply(StringToWellFormed, StringCtor(v), []);
    const toBase64 = (bytes) => ReflectApply(U8ToBase64, bytes, []);
    const fromBase64 = (text) => ReflectApply(U8FromBase64, Uint8ArrayCtor, [text]);
    const copyBytes = (bytes) => ReflectApply(TypedArraySlice, bytes, []);
    const isUint8Array = (v) => ArrayBufferIsView(v) && ReflectApply(TypedArrayTag, v, []) === "Uint8Array";

    function defineTag(cls, tag) {
      ObjectDefineProperty(cls.prototype, SymbolToStringTag, { value: tag, configurable: true });
    }

    // Bytes of any BufferSource (a copy, so later changes by the caller do not leak in).
    function bufferSourceBytes(v) {
      if (v instanceof ArrayBufferCtor) return new Uint8ArrayCtor(ReflectApply(ArrayBufferSlice, v, []));
      return copyBytes(new Uint8ArrayCtor(v.buffer, v.byteOffset, v.byteLength));
    }

    function concatBytes(chunks) {
      let total = 0;
      for (const c of chunks) total += c.length;
      const out = new Uint8ArrayCtor(total);
      let off = 0;
      for (const c of chunks) {
        ReflectApply(TypedArraySet, out, [c, off]);
        off += c.length;
      }
      return out;
    }

    // ------------------------------------------------------------ UTF-8 and base64
    // QuickJS-ng's interpreter needs ~0.5 us per byte for a UTF-8 loop in JS, so the codecs
    // chain native built-ins instead (a few MB take tens of ms): bytes <-> "byte string"
    // (one char per byte) through base64, and byte string <-> text through the UTF-8 of
    // encodeURIComponent/decodeURIComponent (escape/unescape convert between %XX and bytes).
    function utf8Encode(str) {
      const s = usv(str);
      if (s.length === 0) return new Uint8ArrayCtor(0);
      return fromBase64(btoaFn(unescapeFn(encodeURIComponentFn(s))));
    }

    function isAscii(bytes) {
      for (let i = 0; i < bytes.length; i += 8192) {
        if (ReflectApply(MathMax, null, bytes.subarray(i, i + 8192)) > 0x7f) return false;
      }
      return true;
    }

    // Decodes bytes[start, end); malformed input becomes U+FFFD (WHATWG "replacement").
    function utf8Decode(bytes, start, end) {
      start = start || 0;
      end = end === undefined ? bytes.length : end;
      if (end <= start) return "";
      if (!isUint8Array(bytes)) return utf8DecodeSlow(bytes, start, end);
      const view = new Uint8ArrayCtor(bytes.buffer, bytes.byteOffset + start, end - start);
      const byteString = atobFn(toBase64(view));
      if (isAscii(view)) return byteString;
      try {
        return decodeURIComponentFn(escapeFn(byteString));
      } catch {
        // Malformed somewhere: decode 64 KiB pieces (cut before a lead byte, never inside a
        // sequence) natively, and only the malformed pieces with the loop.
        // After two malformed pieces in a row (binary data?) the loop does the rest.
        let out = "";
        let failed = 0;
        for (let i = 0, n = view.length; i < n; ) {
          let j = MathMin(i + 65536, n);
          for (let k = 0; k < 3 && j < n && j > i + 1 && (view[j] & 0xc0) === 0x80; k++) j--;
          if (failed >= 2) return out + utf8DecodeSlow(view, i, n);
          try {
            out += decodeURIComponentFn(escapeFn(byteString.slice(i, j)));
            failed = 0;
          } catch {
            out += utf8DecodeSlow(view, i, j);
            failed++;
          }
          i = j;
        }
        return out;
      }
    }

    // The WHATWG UTF-8 decoder (each maximal malformed subpart becomes one U+FFFD).
    function utf8DecodeSlow(bytes, start, end) {
      let s = "";
      let chunk = [];
      let cp = 0;
      let needed = 0;
      let seen = 0;
      let lower = 0x80;
      let upper = 0xbf;
      for (let i = start; i <= end; i++) {
        let out = -1;
        if (i === end) {
          if (needed === 0) break;
          needed = 0;
          out = 0xfffd;
        } else {
          const b = bytes[i];
          if (needed === 0) {
            if (b < 0x80) out = b;
            else if (b >= 0xc2 && b <= 0xdf) {
              needed = 1;
              cp = b & 0x1f;
            } else if (b >= 0xe0 && b <= 0xef) {
              if (b === 0xe0) lower = 0xa0;
              else if (b === 0xed) upper = 0x9f;
              needed = 2;
              cp = b & 0xf;
            } else if (b >= 0xf0 && b <= 0xf4) {
              if (b === 0xf0) lower = 0x90;
              else if (b === 0xf4) upper = 0x8f;
              needed = 3;
              cp = b & 0x7;
            } else out = 0xfffd;
          } else if (b < lower || b > upper) {
            needed = seen = 0;
            lower = 0x80;
            upper = 0xbf;
            out = 0xfffd;
            i--; // this byte starts afresh
          } else {
            lower = 0x80;
            upper = 0xbf;
            cp = (cp << 6) | (b & 0x3f);
            if (++seen === needed) {
              out = cp;
              needed = seen = 0;
            }
          }
        }
        if (out < 0) continue;
        if (out > 0xffff) {
          out -= 0x10000;
          chunk.push(0xd800 + (out >> 10), 0xdc00 + (out & 1023));
        } else chunk.push(out);
        if (chunk.length >= 8192) {
          s += ReflectApply(StringFromCharCode, null, chunk);
          chunk = [];
        }
      }
      return s + ReflectApply(StringFromCharCode, null, chunk);
    }

    // Text of a body: UTF-8 without a leading BOM (fetch's "UTF-8 decode").
    function bodyText(bytes) {
      const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      return utf8Decode(bytes, bom ? 3 : 0);
    }

    // A byte string (chars < 256) as bytes.
    const byteStringBytes = (s) => fromBase64(btoaFn(s));

    // "%XX" runs decoded as UTF-8 (malformed bytes -> U+FFFD); other text is kept as is.
    function percentDecode(s) {
      if (s.indexOf("%") < 0) return s;
      return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
        try {
          return decodeURIComponentFn(run);
        } catch {
          const bytes = new Uint8ArrayCtor(run.length / 3);
          for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
          return utf8DecodeSlow(bytes, 0, bytes.length);
        }
      });
    }

    // ------------------------------------------------------------ URL (WHATWG URL Standard)
    const SPECIAL = { ftp: 21, file: null, http: 80, https: 443, ws: 80, wss: 443 };
    const isSpecial = (scheme) => ReflectApply(ObjectPrototypeHasOwn, SPECIAL, [scheme]);
    const defaultPort = (scheme) => (isSpecial(scheme) ? SPECIAL[scheme] : null);

    function encodeSet(chars) {
      const set = new Uint8ArrayCtor(128);
      for (let c = 0; c < 0x20; c++) set[c] = 1;
      set[0x7f] = 1;
      for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
      return set;
    }
    const C0_SET = encodeSet("");
    const FRAGMENT_SET = encodeSet(' "<>`');
    const QUERY_SET = encodeSet(' "#<>');
    const SPECIAL_QUERY_SET = encodeSet(" \"#<>'");
    const PATH_SET = encodeSet(' "#<>?^`{}');
    const USERINFO_SET = encodeSet(' "#<>?`{}/:;=@[\\]^|');

    // Percent-encodes (as UTF-8) the code points of `s` in `set`, and every non-ASCII one.
    function pctEncode(s, set) {
      let out = "";
      let last = 0;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x80 && !set[c]) continue;
        let j = i + 1;
        while (j < s.length) {
          const d = s.charCodeAt(j);
          if (d < 0x80 && !set[d]) break;
          j++;
        }
        // encodeURIComponent escapes every char of such a run except "'" (and "%" never
        // belongs to one: an existing escape is kept as written).
        out += s.slice(last, i) + encodeURIComponentFn(s.slice(i, j)).replace(/'/g, "%27");
        last = j;
        i = j - 1;
      }
      return last === 0 ? s : out + s.slice(last);
    }

    const StringFromCodePoint = String.fromCodePoint;

    // Punycode (RFC 3492) of one label.
    const punyAdapt = (delta, points, first) => {
      delta = first ? MathFloor(delta / 700) : delta >> 1;
      delta += MathFloor(delta / points);
      let k = 0;
      while (delta > 455) {
        delta = MathFloor(delta / 35);
        k += 36;
      }
      return k + MathFloor((36 * delta) / (delta + 38));
    };
    const punyThreshold = (k, bias) => (k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias);

    function punycode(label) {
      const cps = ArrayFrom(label, (ch) => ch.codePointAt(0));
      const digit = (d) => StringFromCharCode(d < 26 ? 97 + d : 22 + d);
      let out = "";
      for (const c of cps) if (c < 0x80) out += StringFromCharCode(c);
      const basic = out.length;
      let handled = basic;
      if (basic > 0) out += "-";
      let n = 128;
      let delta = 0;
      let bias = 72;
      while (handled < cps.length) {
        let m = Infinity;
        for (const c of cps) if (c >= n && c < m) m = c;
        delta += (m - n) * (handled + 1);
        n = m;
        for (const c of cps) {
          if (c < n) delta++;
          if (c !== n) continue;
          let q = delta;
          for (let k = 36; ; k += 36) {
            const t = punyThreshold(k, bias);
            if (q < t) break;
            out += digit(t + ((q - t) % (36 - t)));
            q = MathFloor((q - t) / (36 - t));
          }
          out += digit(q);
          bias = punyAdapt(delta, handled + 1, handled === basic);
          delta = 0;
          handled++;
        }
        delta++;
        n++;
      }
      return out;
    }

    // The label that Punycode `input` encodes, or null if it is malformed.
    function punycodeDecode(input) {
      const maxInt = 0x7fffffff;
      const cps = [];
      const basic = MathMax(input.lastIndexOf("-"), 0);
      for (let j = 0; j < basic; j++) {
        if (input.charCodeAt(j) >= 0x80) return null;
        cps.push(input.charCodeAt(j));
      }
      let n = 128;
      let bias = 72;
      let i = 0;
      for (let index = basic > 0 ? basic + 1 : 0; index < input.length; ) {
        const old = i;
        for (let w = 1, k = 36; ; k += 36) {
          if (index >= input.length) return null;
          const c = input.charCodeAt(index++);
          const d = c >= 48 && c < 58 ? c - 22 : c >= 65 && c < 91 ? c - 65 : c >= 97 && c < 123 ? c - 97 : 36;
          if (d >= 36 || d > MathFloor((maxInt - i) / w)) return null;
          i += d * w;
          const t = punyThreshold(k, bias);
          if (d < t) break;
          if (w > MathFloor(maxInt / (36 - t))) return null;
          w *= 36 - t;
        }
        const size = cps.length + 1;
        bias = punyAdapt(i - old, size, old === 0);
        if (MathFloor(i / size) > maxInt - n) return null;
        n += MathFloor(i / size);
        i %= size;
        if (n > 0x10ffff) return null;
        cps.splice(i++, 0, n);
      }
      return ReflectApply(StringFromCodePoint, null, cps);
    }

    // ------------------------------------------------------------ IDNA (UTS #46)
    // The URL Standard's "domain to ASCII" of a non-ASCII domain: UTS #46 processing,
    // nontransitional, with CheckBidi and CheckJoiners, without the STD3 rules, the hyphen
    // checks and DNS lengths. Without UTS #46's mapping table (~140 KB): NFKD, lower case and
    // NFC map every code point as the table does, but for the few that idnaMap fixes first;
    // the disallowed ones are the unassigned, private-use, surrogate and C1 control code
    // points plus IDNA_DISALLOWED. The sets below were computed from tr46 7.0.0 (whatwg-url's
    // UTS #46, Unicode 17): IDNA_IGNORED and IDNA_VIRAMA exactly; the bidi classes and
    // joining types as ranges that hold all the valid code points of their class and no valid
    // one of another (so they may also hold code points that cannot reach them). The URL tests
    // compare all of this with whatwg-url (tests/guests/test_javascript_url_oracle.py).
    // biome-ignore lint/suspicious/noMisleadingCharacterClass: sets of code points, not text
    const IDNA_IGNORED = /[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0100}-\u{e01ef}]/gu;
    const IDNA_DISALLOWED = /[\p{Cn}\p{Co}\p{Cs}\x80-\x9f]|[\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u1680\u200e\u200f\u2024-\u2026\u2028-\u202e\u2066-\u2069\u2488-\u249b\u2ff0-\u2fff\u31ef\u33c2\u33c7\u33d8\ufe12\ufe19\ufe30\ufe52\ufff9-\ufffd\u{110bd}\u{110cd}\u{13430}-\u{1343f}\u{1f100}\u{e0001}\u{e0020}-\u{e007f}]/u;
    const IDNA_MARK = /^\p{M}/u;
    const IDNA_VIRAMA = /[\u094d\u09cd\u0a4d\u0acd\u0b4d\u0bcd\u0c4d\u0ccd\u0d3b\u0d3c\u0d4d\u0dca\u0e3a\u0eba\u0f84\u1039\u103a\u1714\u1715\u1734\u17d2\u1a60\u1b44\u1baa\u1bab\u1bf2\u1bf3\u2d7f\ua806\ua82c\ua8c4\ua953\ua9c0\uaaf6\uabed\u{10a3f}\u{11046}\u{11070}\u{1107f}\u{110b9}\u{11133}\u{11134}\u{111c0}\u{11235}\u{112ea}\u{1134d}\u{113ce}-\u{113d0}\u{11442}\u{114c2}\u{115bf}\u{1163f}\u{116b6}\u{1172b}\u{11839}\u{1193d}\u{1193e}\u{119e0}\u{11a34}\u{11a47}\u{11a99}\u{11c3f}\u{11d44}\u{11d45}\u{11d97}\u{11f41}\u{11f42}\u{1612f}]/u;
    const JOIN_LEFT = /[\u0620\u0626\u0628\u062a-\u062e\u0633-\u063f\u0641-\u0647\u0649\u064a\u066e\u066f\u0679-\u0687\u069a-\u06bf\u06c1\u06c2\u06cc\u06ce\u06d0\u06d1\u06fa-\u06fc\u06ff\u0712-\u0714\u071a-\u071d\u071f-\u0727\u0729\u072b\u072d\u072e\u074e-\u0758\u075c-\u076a\u076d-\u0770\u0772\u0775-\u0777\u077a-\u077f\u07ca-\u07ea\u0841-\u0845\u0848\u084a-\u0853\u0855\u0860\u0862-\u0865\u0868\u0886\u0889-\u088d\u088f\u08a0-\u08a9\u08af\u08b0\u08b3-\u08b8\u08ba-\u08c8\u1807\u1820-\u1878\u1887-\u18a8\u18aa\ua840-\ua872\u{10ac0}-\u{10ac4}\u{10acd}\u{10ad3}-\u{10adc}\u{10ade}-\u{10ae0}\u{10aeb}-\u{10aee}\u{10b80}\u{10b82}\u{10b86}-\u{10b88}\u{10b8a}\u{10b8b}\u{10b8d}\u{10b90}\u{10bad}\u{10bae}\u{10d00}-\u{10d21}\u{10d23}\u{10ec3}\u{10ec4}\u{10ec6}\u{10ec7}\u{10ed9}-\u{10eee}\u{10f30}-\u{10f32}\u{10f34}-\u{10f44}\u{10f51}-\u{10f53}\u{10f70}-\u{10f73}\u{10f76}-\u{10f81}\u{10fb0}\u{10fb2}\u{10fb3}\u{10fb8}\u{10fbb}\u{10fbc}\u{10fbe}\u{10fbf}\u{10fc1}\u{10fc4}\u{10fca}\u{10fcb}\u{1e922}-\u{1e943}]/u; // joining type L or D
    const JOIN_RIGHT = /[\u0620\u0622-\u063f\u0641-\u064a\u066e\u066f\u0671-\u0673\u0679-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff\u0710\u0712-\u072f\u074d-\u077f\u07ca-\u07ea\u0840-\u0858\u0860\u0862-\u0865\u0867-\u0882\u0886\u0889-\u088f\u08a0-\u08ac\u08ae-\u08c8\u1807\u1820-\u1878\u1887-\u18a8\u18aa\ua840-\ua871\u{10ac0}-\u{10ac5}\u{10ac7}\u{10ac9}\u{10aca}\u{10ace}-\u{10ad6}\u{10ad8}-\u{10ae1}\u{10ae4}\u{10aeb}-\u{10aef}\u{10b80}-\u{10b91}\u{10ba9}-\u{10bae}\u{10d01}-\u{10d23}\u{10ec2}-\u{10ec4}\u{10ec6}\u{10ec7}\u{10f30}-\u{10f44}\u{10f51}-\u{10f54}\u{10f70}-\u{10f81}\u{10fb0}\u{10fb2}-\u{10fb6}\u{10fb8}-\u{10fbf}\u{10fc1}-\u{10fc4}\u{10fc9}\u{10fca}\u{1e922}-\u{1e943}]/u; // joining type R or D
    const JOIN_TRANSPARENT = /(?![\u200c\u200d])[\p{Mn}\p{Me}\p{Cf}]/u;
    const BIDI_R = /[\u05be\u05c0\u05c3\u05c6\u05d0-\u05f4\u0608\u060b\u060d\u061b-\u064a\u066d-\u066f\u0671-\u06d5\u06e5\u06e6\u06ee\u06ef\u06fa-\u0710\u0712-\u072f\u074d-\u07a5\u07b1-\u07ea\u07f4\u07f5\u07fa\u07fe-\u0815\u081a\u0824\u0828\u0830-\u0858\u085e-\u088f\u08a0-\u08c9\ufbb2-\ufbc2\ufe73\u{10800}-\u{1091b}\u{10920}-\u{10a00}\u{10a10}-\u{10a35}\u{10a40}-\u{10ae4}\u{10aeb}-\u{10b35}\u{10b40}-\u{10d23}\u{10d4a}-\u{10d4f}\u{10d6f}-\u{10d8f}\u{10e80}-\u{10ea9}\u{10ead}-\u{10eca}\u{10ed9}-\u{10eee}\u{10f00}-\u{10f45}\u{10f51}-\u{10f81}\u{10f86}-\u{10ff6}\u{1e800}-\u{1e8cf}\u{1e922}-\u{1e943}\u{1e94b}-\u{1ed3d}]/u; // R and AL
    const BIDI_EN = /[0-9\xb2\xb3\xb9\u06f0-\u06f9\u2070\u2074-\u2079\u2080-\u2089\u2488-\u249b\uff10-\uff19\u{102e1}-\u{102fb}\u{1ccf0}-\u{1ccf9}\u{1d7ce}-\u{1d7ff}\u{1f100}-\u{1f10a}\u{1fbf0}-\u{1fbf9}]/u;
    const BIDI_AN = /[\u0600-\u0605\u0660-\u0669\u066b\u066c\u06dd\u0890\u0891\u08e2\u{10d30}-\u{10d39}\u{10d40}-\u{10d49}\u{10e60}-\u{10e7e}]/u;
    // biome-ignore lint/suspicious/noMisleadingCharacterClass: sets of code points, not text
    const BIDI_NSM = /(?![\u0cbf\u0cc6\u1b3a\u1b3c\u1b42\u{11a07}\u{11a08}\u{11c3f}])[\p{Mn}\p{Me}]|[\u05c8\u05c9\u0b53\u0b54\u1ade\u1adf\u1aec-\u1af0\u{10ecb}-\u{10ecf}\u{10ef0}-\u{10ef9}\u{11df0}\u{1d127}\u{1d128}\u{1d25b}\u{1d25c}]/u;
    const BIDI_ON = /[\u0000-\u0008\u000e-\u001b\u0021-\u0060\u007b-\u00d7\u00f7\u02b9\u02ba\u02c2-\u02cf\u02d2-\u02ed\u02ef-\u02ff\u0375\u03f6\u058a-\u058f\u0606-\u07f9\u09f2\u09f3\u09fb\u0af1\u0bf3-\u0bfa\u0c78-\u0c7e\u0e3f\u0f3a-\u0f3d\u1390-\u1399\u1400\u169b\u169c\u17db\u17f0-\u180a\u1940-\u1945\u19de-\u19ff\u200c-\u214d\u218a-\u2335\u237b-\u2394\u2396-\u26ab\u26ad-\u27ff\u2900-\u2bff\u2ce5-\u2cea\u2cf9-\u2cff\u2e00-\u3004\u3008-\u3020\u3030\u3037\u303d-\u303f\u30a0\u30fb\u31c0-\u31e5\u4dc0-\u4dff\ua490-\ua4c6\ua60d-\ua60f\ua673-\ua67f\ua700-\ua721\ua788\ua828-\ua82b\ua838\ua839\ua874-\ua877\uab6a\uab6b\ufbc3-\ufe46\u{10101}\u{10140}-\u{1018c}\u{10190}-\u{101a0}\u{1091f}-\u{10d6e}\u{10ed0}-\u{10ed8}\u{11052}-\u{11065}\u{11660}-\u{1166c}\u{11fd5}-\u{11ff1}\u{16fe2}\u{1cc00}-\u{1cefd}\u{1d1e9}\u{1d1ea}\u{1d200}-\u{1d245}\u{1d300}-\u{1d356}\u{1db00}-\u{1db1c}\u{1e2ff}\u{1eef0}-\u{1f12f}\u{1f16d}-\u{1f16f}\u{1f1ad}\u{1f260}-\u{1f7d9}\u{1f7db}-\u{1fbfa}]/u; // ES, CS, ET, ON and BN; anything else is L
    function bidiClass(ch) {
      if (ch <= " " && (ch >= "\x1c" || (ch >= "\t" && ch <= "\r"))) return "WS"; // and B, S
      if (BIDI_R.test(ch)) return "R";
      if (BIDI_EN.test(ch)) return "EN";
      if (BIDI_AN.test(ch)) return "AN";
      if (BIDI_NSM.test(ch)) return "NSM";
      return BIDI_ON.test(ch) ? "ON" : "L";
    }

    // UTS #46 mapping: NFKC case folding, the deviation characters kept.
    function idnaMap(s) {
      // Fixes first: lunate and mathematical final sigmas fold to sigma (NFKD would make them
      // final), ypogegrammeni to iota before NFKD reorders it among other marks.
      s = s
        .replace(/[\u03f2\u{1d6d3}\u{1d70d}\u{1d747}\u{1d781}\u{1d7bb}]/gu, "\u03c3")
        .replace(/[\u0345\u037a\u1f80-\u1faf\u1fb2-\u1fb4\u1fb7\u1fbc\u1fc2-\u1fc4\u1fc7\u1fcc\u1ff2-\u1ff4\u1ff7\u1ffc]/gu, (ch) =>
          ReflectApply(StringNormalize, ch, ["NFKD"]).replace(/\u0345/g, "\u03b9"),
        );
      s = ReflectApply(StringNormalize, s, ["NFKD"]).replace(IDNA_IGNORED, "");
      s = s.replace(/\p{Changes_When_Lowercased}/gu, (ch) => ch.toLowerCase()); // no final sigma
      s = s
        .replace(/[\u1c80-\u1c88]/gu, (ch) => ch.toUpperCase().toLowerCase())
        .replace(/[\u13f8-\u13fd\uab70-\uabbf]/gu, (ch) => ch.toUpperCase()) // Cherokee folds to upper case
        .replace(/[\u3002\uff61]/g, ".");
      return ReflectApply(StringNormalize, s, ["NFC"]);
    }

    // UTS #46 "Validity Criteria" (for nontransitional processing, CheckJoiners, CheckBidi).
    function idnaValidLabel(label, decoded, bidi) {
      if (label === "") return true;
      if (decoded) {
        if (ReflectApply(StringNormalize, label, ["NFC"]) !== label) return false;
        if (label.startsWith("xn--") || label.includes(".")) return false;
        if (IDNA_DISALLOWED.test(label) || idnaMap(label) !== label) return false;
      }
      if (IDNA_MARK.test(label)) return false;
      const cps = ArrayFrom(label);
      // ContextJ (RFC 5892 appendix A), as tr46 checks it.
      let last = 0;
      for (let i = 0; i < cps.length; i++) {
        const ch = cps[i];
        if (ch !== "\u200c" && ch !== "\u200d") continue;
        if (i > 0 && IDNA_VIRAMA.test(cps[i - 1])) continue;
        if (ch === "\u200d" || i === 0) return false;
        let next = i + 1;
        while (next < cps.length && cps[next] !== "\u200c") next++;
        if (!zwnjContext(cps, last, next)) return false;
        last = i + 1;
      }
      if (!bidi) return true;
      // The Bidi Rule (RFC 5893 section 2).
      const classes = cps.map(bidiClass);
      let end = classes.length - 1;
      while (end > 0 && classes[end] === "NSM") end--;
      if (classes[0] === "R") {
        for (const c of classes) if (c === "L" || c === "WS") return false;
        const e = classes[end];
        if (e !== "R" && e !== "EN" && e !== "AN") return false;
        return !(classes.includes("EN") && classes.includes("AN"));
      }
      if (classes[0] !== "L") return false;
      for (const c of classes) if (c === "R" || c === "AN" || c === "WS") return false;
      return classes[end] === "L" || classes[end] === "EN";
    }

    // Some ZWNJ in cps[from, to) has a left-joining letter before it and a right-joining
    // one after it, with only transparent ones between.
    function zwnjContext(cps, from, to) {
      for (let z = from; z < to; z++) {
        if (cps[z] !== "\u200c") continue;
        let a = z - 1;
        while (a >= from && JOIN_TRANSPARENT.test(cps[a])) a--;
        let b = z + 1;
        while (b < to && JOIN_TRANSPARENT.test(cps[b])) b++;
        if (a >= from && b < to && JOIN_LEFT.test(cps[a]) && JOIN_RIGHT.test(cps[b])) return true;
      }
      return false;
    }

    // Domain to ASCII (beStrict false): the ASCII domain, or null on failure.
    function domainToASCII(domain) {
      if (!/[^\x00-\x7f]/.test(domain)) return domain.toLowerCase();
      if (IDNA_DISALLOWED.test(domain)) return null;
      const labels = idnaMap(domain).split(".");
      const decoded = [];
      for (let i = 0; i < labels.length; i++) {
        decoded.push(labels[i].startsWith("xn--"));
        if (!decoded[i]) continue;
        const label = /[^\x00-\x7f]/.test(labels[i]) ? null : punycodeDecode(labels[i].slice(4));
        if (label === null || !/[^\x00-\x7f]/.test(label)) return null;
        labels[i] = label;
      }
      const bidi = labels.some((label) => BIDI_R.test(label) || BIDI_AN.test(label)); // a "Bidi domain name"
      for (let i = 0; i < labels.length; i++) if (!idnaValidLabel(labels[i], decoded[i], bidi)) return null;
      return labels.map((label) => (/[^\x00-\x7f]/.test(label) ? "xn--" + punycode(label) : label)).join(".");
    }

    function endsInNumber(host) {
      const parts = host.split(".");
      if (parts[parts.length - 1] === "") {
        if (parts.length === 1) return false;
        parts.pop();
      }
      const last = parts[parts.length - 1];
      return /^[0-9]+$/.test(last) || /^0[xX][0-9A-Fa-f]*$/.test(last);
    }

    function ipv4Number(p) {
      if (p === "") return NaN;
      let radix = 10;
      if (/^0[xX]/.test(p)) {
        p = p.slice(2);
        radix = 16;
      } else if (p.length > 1 && p[0] === "0") {
        p = p.slice(1);
        radix = 8;
      }
      if (p === "") return 0;
      const valid = radix === 10 ? /^[0-9]+$/ : radix === 16 ? /^[0-9A-Fa-f]+$/ : /^[0-7]+$/;
      return valid.test(p) ? parseInt(p, radix) : NaN;
    }

    function parseIPv4(host) {
      const parts = host.split(".");
      if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
      if (parts.length > 4) return null;
      const nums = parts.map(ipv4Number);
      for (let i = 0; i < nums.length; i++) {
        if (nums[i] !== nums[i]) return null; // NaN
        if (i < nums.length - 1 && nums[i] > 255) return null;
      }
      const last = nums[nums.length - 1];
      if (last >= 256 ** (5 - nums.length)) return null;
      let v = last;
      for (let i = 0; i < nums.length - 1; i++) v += nums[i] * 256 ** (3 - i);
      return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
    }

    function parseIPv6(input) {
      const a = [0, 0, 0, 0, 0, 0, 0, 0];
      const len = input.length;
      const at = (i) => (i < len ? input.charCodeAt(i) : -1);
      const isHex = (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
      const isDigit = (c) => c >= 48 && c <= 57;
      let piece = 0;
      let compress = null;
      let p = 0;
      if (at(0) === 58) {
        if (at(1) !== 58) return null;
        p = 2;
        piece = 1;
        compress = 1;
      }
      while (p < len) {
        if (piece === 8) return null;
        if (at(p) === 58) {
          if (compress !== null) return null;
          p++;
          piece++;
          compress = piece;
          continue;
        }
        let value = 0;
        let length = 0;
        while (length < 4 && isHex(at(p))) {
          value = value * 16 + parseInt(input[p], 16);
          p++;
          length++;
        }
        if (at(p) === 46) {
          if (length === 0 || piece > 6) return null;
          p -= length;
          let seen = 0;
          while (p < len) {
            let v4 = null;
            if (seen > 0) {
              if (at(p) === 46 && seen < 4) p++;
              else return null;
            }
            if (!isDigit(at(p))) return null;
            while (isDigit(at(p))) {
              const n = at(p) - 48;
              if (v4 === null) v4 = n;
              else if (v4 === 0) return null;
              else v4 = v4 * 10 + n;
              if (v4 > 255) return null;
              p++;
            }
            a[piece] = a[piece] * 256 + v4;
            seen++;
            if (seen === 2 || seen === 4) piece++;
          }
          if (seen !== 4) return null;
          break;
        } else if (at(p) === 58) {
          p++;
          if (p >= len) return null;
        } else if (p < len) return null;
        a[piece] = value;
        piece++;
      }
      if (compress !== null) {
        let swaps = piece - compress;
        piece = 7;
        while (piece !== 0 && swaps > 0) {
          const t = a[compress + swaps - 1];
          a[compress + swaps - 1] = a[piece];
          a[piece] = t;
          piece--;
          swaps--;
        }
      } else if (piece !== 8) return null;
      // Serialise: the first longest run (> 1) of zero pieces becomes "::".
      let best = -1;
      let bestLen = 1;
      for (let i = 0; i < 8; ) {
        if (a[i] !== 0) {
          i++;
          continue;
        }
        let j = i;
        while (j < 8 && a[j] === 0) j++;
        if (j - i > bestLen) {
          best = i;
          bestLen = j - i;
        }
        i = j;
      }
      let out = "";
      for (let i = 0; i < 8; i++) {
        if (i === best) {
          out += i === 0 ? "::" : ":";
          i += bestLen - 1;
          continue;
        }
        out += a[i].toString(16);
        if (i !== 7) out += ":";
      }
      return "[" + out + "]";
    }

    // Host parser: the serialised host, or null on failure.
    function parseHost(input, special) {
      if (input[0] === "[") {
        if (input[input.length - 1] !== "]") return null;
        return parseIPv6(input.slice(1, -1));
      }
      if (!special) {
        if (/[\x00\t\n\r #/:<>?@[\\\]^|]/.test(input)) return null;
        return pctEncode(input, C0_SET);
      }
      let domain = percentDecode(input);
      if (domain[0] === "\ufeff") domain = domain.slice(1); // UTF-8 decode without BOM
      const ascii = domainToASCII(domain);
      if (ascii === null || ascii === "" || /[\x00-\x20#%/:<>?@[\\\]^|\x7f]/.test(ascii)) return null;
      return endsInNumber(ascii) ? parseIPv4(ascii) : ascii;
    }

    const isSingleDot = (seg) => seg === "." || seg.toLowerCase() === "%2e";
    const isDoubleDot = (seg) => {
      const s = seg.toLowerCase();
      return s === ".." || s === ".%2e" || s === "%2e." || s === "%2e%2e";
    };
    // Windows drive letters ("C:", "C|"): file URLs keep them as the first path segment.
    const isDriveLetter = (s) => s.length === 2 && /^[A-Za-z][:|]$/.test(s);
    const isNormalizedDriveLetter = (s) => s !== undefined && s.length === 2 && /^[A-Za-z]:$/.test(s);
    const startsWithDriveLetter = (s) => /^[A-Za-z][:|](?:$|[/\\?#])/.test(s);

    // Removes the last path segment, except a file URL's lone drive letter.
    function shortenPath(u) {
      if (u.scheme === "file" && u.path.length === 1 && isNormalizedDriveLetter(u.path[0])) return;
      u.path.pop();
    }

    // Appends the segments of `s` (its first "/" already consumed) to `u.path`.
    function appendPath(u, s) {
      const special = isSpecial(u.scheme);
      const path = u.path;
      const segs = s.split(special ? /[/\\]/ : "/");
      for (let i = 0; i < segs.length; i++) {
        const seg = segs[i];
        const last = i === segs.length - 1;
        if (isDoubleDot(seg)) {
          shortenPath(u);
          if (last) path.push("");
        } else if (isSingleDot(seg)) {
          if (last) path.push("");
        } else if (u.scheme === "file" && path.length === 0 && isDriveLetter(seg)) {
          path.push(seg[0] + ":");
        } else path.push(pctEncode(seg, PATH_SET));
      }
    }

    const stripSlash = (s, special) => (s[0] === "/" || (special && s[0] === "\\") ? s.slice(1) : s);

    // "path?query#fragment" -> [path, query | null, fragment | null]
    function splitRest(s) {
      let fragment = null;
      let query = null;
      const h = s.indexOf("#");
      if (h >= 0) {
        fragment = s.slice(h + 1);
        s = s.slice(0, h);
      }
      const q = s.indexOf("?");
      if (q >= 0) {
        query = s.slice(q + 1);
        s = s.slice(0, q);
      }
      return [s, query, fragment];
    }

    // pctHost: the host was written with percent-encoding (fetch refuses it: see `fetch`).
    function record(scheme) {
      return { scheme, username: "", password: "", host: null, port: null, path: [], opaque: false, query: null, fragment: null, pctHost: false };
    }

    function setQueryFragment(u, query, fragment) {
      if (query !== null) u.query = pctEncode(query, isSpecial(u.scheme) ? SPECIAL_QUERY_SET : QUERY_SET);
      if (fragment !== null) u.fragment = pctEncode(fragment, FRAGMENT_SET);
      return u;
    }

    function parsePort(s, scheme) {
      if (s === "") return null;
      if (!/^[0-9]+$/.test(s)) return undefined;
      const n = parseInt(s, 10);
      if (n > 65535) return undefined;
      return n === defaultPort(scheme) ? null : n;
    }

    // "[user[:pass]@]host[:port]" at the start of rest, then path, query and fragment.
    function parseAuthority(scheme, rest) {
      const special = isSpecial(scheme);
      const m = (special ? /[/\\?#]/ : /[/?#]/).exec(rest);
      const end = m ? m.index : rest.length;
      const authority = rest.slice(0, end);
      const u = record(scheme);
      let hostPort = authority;
      const at = authority.lastIndexOf("@");
      if (at >= 0) {
        const info = authority.slice(0, at);
        hostPort = authority.slice(at + 1);
        const colon = info.indexOf(":");
        u.username = pctEncode(colon < 0 ? info : info.slice(0, colon), USERINFO_SET);
        u.password = colon < 0 ? "" : pctEncode(info.slice(colon + 1), USERINFO_SET);
      }
      let hostText = hostPort;
      let portText = null;
      let bracket = false;
      for (let i = 0; i < hostPort.length; i++) {
        const c = hostPort[i];
        if (c === "[") bracket = true;
        else if (c === "]") bracket = false;
        else if (c === ":" && !bracket) {
          hostText = hostPort.slice(0, i);
          portText = hostPort.slice(i + 1);
          break;
        }
      }
      if (hostText === "") {
        if (special || at >= 0 || portText !== null) return null;
        u.host = "";
      } else {
        u.host = parseHost(hostText, special);
        if (u.host === null) return null;
        u.pctHost = hostText.includes("%");
      }
      if (portText !== null) {
        u.port = parsePort(portText, scheme);
        if (u.port === undefined) return null;
      }
      const [path, query, fragment] = splitRest(rest.slice(end));
      if (special || path !== "") appendPath(u, stripSlash(path, special));
      return setQueryFragment(u, query, fragment);
    }

    // The rest of a file URL (after "file:", or all of a relative one against a file base).
    function parseFile(rest, base) {
      const u = record("file");
      u.host = "";
      const fileBase = base !== null && base.scheme === "file";
      if (/^[/\\]{2}/.test(rest)) {
        rest = rest.slice(2);
        const m = /[/\\?#]/.exec(rest);
        const end = m ? m.index : rest.length;
        const hostText = rest.slice(0, end);
        // "file://C:/x": the drive letter is no host but the first path segment.
        if (!isDriveLetter(hostText)) {
          rest = rest.slice(end);
          if (hostText !== "") {
            const h = parseHost(hostText, true);
            if (h === null) return null;
            u.host = h === "localhost" ? "" : h;
          }
          rest = stripSlash(rest, true);
        }
        const [path, query, fragment] = splitRest(rest);
        appendPath(u, path);
        return setQueryFragment(u, query, fragment);
      }
      if (/^[/\\]/.test(rest)) {
        rest = rest.slice(1);
        if (fileBase) {
          u.host = base.host;
          if (!startsWithDriveLetter(rest) && isNormalizedDriveLetter(base.path[0])) u.path.push(base.path[0]);
        }
        const [path, query, fragment] = splitRest(rest);
        appendPath(u, path);
        return setQueryFragment(u, query, fragment);
      }
      const [path, query, fragment] = splitRest(rest);
      if (fileBase) {
        u.host = base.host;
        u.path = base.path.slice();
        if (path === "") {
          if (query === null) u.query = base.query;
          return setQueryFragment(u, query, fragment);
        }
        if (startsWithDriveLetter(rest)) u.path = [];
        else shortenPath(u);
      }
      appendPath(u, path);
      return setQueryFragment(u, query, fragment);
    }

    // Relative reference `rest` against `base` (same scheme).
    function parseRelative(rest, base) {
      const scheme = base.scheme;
      const special = isSpecial(scheme);
      if (special ? /^[/\\]{2}/.test(rest) : rest.startsWith("//")) {
        return parseAuthority(scheme, special ? rest.replace(/^[/\\]*/, "") : rest.slice(2));
      }
      const u = record(scheme);
      u.username = base.username;
      u.password = base.password;
      u.host = base.host;
      u.pctHost = base.pctHost;
      u.port = base.port;
      const [path, query, fragment] = splitRest(rest);
      if (path !== "" && (path[0] === "/" || (special && path[0] === "\\"))) {
        appendPath(u, path.slice(1));
      } else {
        u.path = base.path.slice();
        if (path !== "") {
          shortenPath(u);
          appendPath(u, path);
        } else if (query === null) u.query = base.query;
      }
      return setQueryFragment(u, query, fragment);
    }

    // An opaque path: C0 controls and non-ASCII percent-encoded, and a space right before
    // the query or fragment too (so that removing them cannot leave a trailing space).
    function opaquePath(path, query, fragment) {
      const p = pctEncode(path, C0_SET);
      if ((query === null && fragment === null) || p[p.length - 1] !== " ") return p;
      return p.slice(0, -1) + "%20";
    }

    // Every parse, a setter's too, first drops ASCII tabs and newlines.
    const stripTabs = (s) => s.replace(/[\t\n\r]/g, "");

    // The basic URL parser, without state overrides: a URL record, or null on failure.
    function parseURL(input, base) {
      input = stripTabs(input.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, ""));
      const m = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(input);
      if (m === null) {
        if (base === null) return null;
        if (base.opaque) {
          if (input[0] !== "#") return null;
          const u = { ...base, fragment: null };
          return setQueryFragment(u, null, input.slice(1));
        }
        if (base.scheme === "file") return parseFile(input, base);
        return parseRelative(input, base);
      }
      const scheme = m[1].toLowerCase();
      const rest = input.slice(m[0].length);
      if (scheme === "file") return parseFile(rest, base);
      if (isSpecial(scheme)) {
        // "http:x" against an http: base is relative to it ("http://x" and "http:\\x" are not).
        if (base !== null && base.scheme === scheme) return parseRelative(rest, base);
        return parseAuthority(scheme, rest.replace(/^[/\\]*/, ""));
      }
      if (rest.startsWith("//")) return parseAuthority(scheme, rest.slice(2));
      const u = record(scheme);
      const [path, query, fragment] = splitRest(rest);
      if (path[0] === "/") appendPath(u, path.slice(1));
      else {
        u.opaque = true;
        u.path = opaquePath(path, query, fragment);
      }
      return setQueryFragment(u, query, fragment);
    }
    function pathString(u) {
      if (u.opaque) return u.path;
      let out = "";
      for (const seg of u.path) out += "/" + seg;
      return out;
    }

    function serializeURL(u, excludeFragment) {
      let out = u.scheme + ":";
      if (u.host !== null) {
        out += "//";
        if (u.username !== "" || u.password !== "") {
          out += u.username;
          if (u.password !== "") out += ":" + u.password;
          out += "@";
        }
        out += u.host;
        if (u.port !== null) out += ":" + u.port;
      } else if (!u.opaque && u.path.length > 1 && u.path[0] === "") out += "/.";
      out += pathString(u);
      if (u.query !== null) out += "?" + u.query;
      if (!excludeFragment && u.fragment !== null) out += "#" + u.fragment;
      return out;
    }

    function originOf(u) {
      if (u.scheme === "blob") {
        const inner = u.opaque ? parseURL(u.path, null) : null;
        return inner !== null && (inner.scheme === "http" || inner.scheme === "https") ? originOf(inner) : "null";
      }
      if (!isSpecial(u.scheme) || u.scheme === "file") return "null";
      return u.scheme + "://" + u.host + (u.port === null ? "" : ":" + u.port);
    }

    function invalidURL(input, base) {
      const e = new TypeErrorCtor("Invalid URL");
      e.code = "ERR_INVALID_URL";
      e.input = StringCtor(input);
      if (base !== undefined) e.base = StringCtor(base);
      return e;
    }

    // application/x-www-form-urlencoded
    function parseForm(s) {
      const list = [];
      // Each name and value is percent-decoded, then "UTF-8 decoded without BOM".
      const decode = (t) => {
        t = percentDecode(t.replace(/\+/g, " "));
        return t[0] === "\ufeff" ? t.slice(1) : t;
      };
      for (const part of s.split("&")) {
        if (part === "") continue;
        const eq = part.indexOf("=");
        list.push(eq < 0 ? [decode(part), ""] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
      }
      return list;
    }
    const formEncode = (s) =>
      encodeURIComponentFn(s)
        .replace(/%20/g, "+")
        .replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
    const serializeForm = (list) => list.map(([n, v]) => formEncode(n) + "=" + formEncode(v)).join("&");

    let paramsList;
    let paramsAttach;
    let isParams;
    class URLSearchParams {
      #list = [];
      #onChange = null; // the owning URL's update, if any
      constructor(init = "") {
        if (init !== null && (typeof init === "object" || typeof init === "function")) {
          if (#list in init) {
            this.#list = init.#list.map((p) => [p[0], p[1]]);
            return;
          }
          const iter = init[SymbolIterator];
          if (iter !== undefined && iter !== null) {
            if (typeof iter !== "function") throw new TypeErrorCtor("Query pairs must be iterable");
            for (const pair of init) {
              if (pair === null || (typeof pair !== "object" && typeof pair !== "function") ||
                  typeof pair[SymbolIterator] !== "function") {
                throw new TypeErrorCtor("Each query pair must be an iterable [name, value] tuple");
              }
              const kv = ArrayFrom(pair);
              if (kv.length !== 2) throw new TypeErrorCtor("Each query pair must be an iterable [name, value] tuple");
              this.#list.push([usv(kv[0]), usv(kv[1])]);
            }
            return;
          }
          for (const key of ReflectOwnKeys(init)) {
            if (typeof key !== "string") continue;
            const d = ObjectGetOwnPropertyDescriptor(init, key);
            if (d !== undefined && d.enumerable) this.#list.push([usv(key), usv(init[key])]);
          }
          return;
        }
        let s = usv(init);
        if (s[0] === "?") s = s.slice(1);
        this.#list = parseForm(s);
      }
      static {
        paramsList = (p) => p.#list;
        isParams = (p) => p !== null && typeof p === "object" && #list in p;
        paramsAttach = (p, onChange, query) => {
          p.#onChange = onChange;
          if (query !== undefined) p.#list = query === null ? [] : parseForm(query);
        };
      }
      #update() {
        if (this.#onChange !== null) this.#onChange(serializeForm(this.#list));
      }
      get size() {
        return this.#list.length;
      }
      append(name, value) {
        this.#list.push([usv(name), usv(value)]);
        this.#update();
      }
      delete(name, value) {
        name = usv(name);
        const v = value === undefined ? undefined : usv(value);
        this.#list = this.#list.filter((p) => p[0] !== name || (v !== undefined && p[1] !== v));
        this.#update();
      }
      get(name) {
        name = usv(name);
        for (const p of this.#list) if (p[0] === name) return p[1];
        return null;
      }
      getAll(name) {
        name = usv(name);
        return this.#list.filter((p) => p[0] === name).map((p) => p[1]);
      }
      has(name, value) {
        name = usv(name);
        const v = value === undefined ? undefined : usv(value);
        return this.#list.some((p) => p[0] === name && (v === undefined || p[1] === v));
      }
      set(name, value) {
        name = usv(name);
        value = usv(value);
        const i = this.#list.findIndex((p) => p[0] === name);
        if (i < 0) this.#list.push([name, value]);
        else {
          this.#list[i][1] = value;
          this.#list = this.#list.filter((p, j) => j <= i || p[0] !== name);
        }
        this.#update();
      }
      sort() {
        this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); // stable, UTF-16 units
        this.#update();
      }
      forEach(callback, thisArg) {
        if (typeof callback !== "function") throw new TypeErrorCtor("The \"callback\" argument must be of type function");
        for (let i = 0; i < this.#list.length; i++) {
          const [n, v] = this.#list[i];
          ReflectApply(callback, thisArg, [v, n, this]);
        }
      }
      *entries() {
        for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]];
      }
      *keys() {
        for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0];
      }
      *values() {
        for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1];
      }
      [SymbolIterator]() {
        return this.entries();
      }
      toString() {
        return serializeForm(this.#list);
      }
    }
    defineTag(URLSearchParams, "URLSearchParams");

    let isURL;
    class URL {
      #u;
      #params = null;
      constructor(url, base) {
        if (arguments.length === 0) throw new TypeErrorCtor("The \"url\" argument must be specified");
        let b = null;
        if (base !== undefined) {
          b = parseURL(usv(base), null);
          if (b === null) throw invalidURL(url, base);
        }
        const u = parseURL(usv(url), b);
        if (u === null) throw invalidURL(url, base);
        this.#u = u;
      }
      static {
        isURL = (v) => v !== null && typeof v === "object" && #u in v;
      }
      static canParse(url, base) {
        let b = null;
        if (base !== undefined) {
          b = parseURL(usv(base), null);
          if (b === null) return false;
        }
        return parseURL(usv(url), b) !== null;
      }
      static parse(url, base) {
        try {
          return new URL(url, base);
        } catch {
          return null;
        }
      }
      static createObjectURL() {
        throw new TypeErrorCtor("URL.createObjectURL is not supported in the sandbox");
      }
      static revokeObjectURL() {}
      #set(u) {
        this.#u = u;
        if (this.#params !== null) paramsAttach(this.#params, this.#onParams, u.query);
      }
      #onParams = (query) => {
        this.#u.query = query === "" ? null : query;
      };
      get href() {
        return serializeURL(this.#u, false);
      }
      set href(v) {
        const u = parseURL(usv(v), null);
        if (u === null) throw invalidURL(v);
        this.#set(u);
      }
      get origin() {
        return originOf(this.#u);
      }
      get protocol() {
        return this.#u.scheme + ":";
      }
      set protocol(v) {
        const m = /^([A-Za-z][A-Za-z0-9+\-.]*)(?::|$)/.exec(stripTabs(usv(v)));
        if (m === null) return;
        const u = this.#u;
        const scheme = m[1].toLowerCase();
        if (isSpecial(u.scheme) !== isSpecial(scheme)) return;
        if (scheme === "file" && (u.username !== "" || u.password !== "" || u.port !== null)) return;
        if (u.scheme === "file" && u.host === "") return;
        u.scheme = scheme;
        if (u.port === defaultPort(scheme)) u.port = null;
      }
      get username() {
        return this.#u.username;
      }
      set username(v) {
        const u = this.#u;
        if (u.host === null || u.host === "" || u.scheme === "file") return;
        u.username = pctEncode(usv(v), USERINFO_SET);
      }
      get password() {
        return this.#u.password;
      }
      set password(v) {
        const u = this.#u;
        if (u.host === null || u.host === "" || u.scheme === "file") return;
        u.password = pctEncode(usv(v), USERINFO_SET);
      }
      get host() {
        const u = this.#u;
        if (u.host === null) return "";
        return u.port === null ? u.host : u.host + ":" + u.port;
      }
      set host(v) {
        this.#setHost(usv(v), true);
      }
      get hostname() {
        return this.#u.host === null ? "" : this.#u.host;
      }
      set hostname(v) {
        this.#setHost(usv(v), false);
      }
      #setHost(s, withPort) {
        const u = this.#u;
        if (u.opaque) return;
        s = stripTabs(s);
        const special = isSpecial(u.scheme);
        const m = (special ? /[/\\?#]/ : /[/?#]/).exec(s);
        if (m !== null) s = s.slice(0, m.index);
        if (u.scheme === "file") {
          // A file URL's host may be empty; a ":" is part of it (and so fails).
          const host = s === "" ? "" : parseHost(s, true);
          if (host === null) return;
          u.host = host === "localhost" ? "" : host;
          u.pctHost = s.includes("%");
          return;
        }
        let hostText = s;
        let portText = null;
        let bracket = false;
        for (let i = 0; i < s.length; i++) {
          if (s[i] === "[") bracket = true;
          else if (s[i] === "]") bracket = false;
          else if (s[i] === ":" && !bracket) {
            hostText = s.slice(0, i);
            portText = s.slice(i + 1);
            break;
          }
        }
        // "hostname" takes no port; an empty host fails before a port, and in a special
        // URL; a non-special URL keeps its host when it has credentials or a port.
        if (portText !== null && (hostText === "" || !withPort)) return;
        if (hostText === "" && (special || u.username !== "" || u.password !== "" || u.port !== null)) return;
        const host = hostText === "" ? "" : parseHost(hostText, special);
        if (host === null) return;
        u.host = host;
        u.pctHost = hostText.includes("%");
        if (portText !== null) {
          const digits = /^[0-9]*/.exec(portText)[0];
          if (digits !== "") {
            const port = parsePort(digits, u.scheme);
            if (port !== undefined) u.port = port;
          }
        }
      }
      get port() {
        return this.#u.port === null ? "" : StringCtor(this.#u.port);
      }
      set port(v) {
        const u = this.#u;
        if (u.host === null || u.host === "" || u.scheme === "file") return;
        const s = usv(v);
        if (s === "") {
          u.port = null;
          return;
        }
        const digits = /^[0-9]*/.exec(stripTabs(s))[0];
        if (digits === "") return;
        const port = parsePort(digits, u.scheme);
        if (port !== undefined) u.port = port;
      }
      get pathname() {
        return pathString(this.#u);
      }
      set pathname(v) {
        const u = this.#u;
        if (u.opaque) return;
        const special = isSpecial(u.scheme);
        const s = stripTabs(usv(v));
        u.path = [];
        if (special || s !== "") appendPath(u, stripSlash(s, special));
        else if (u.host === null) u.path.push("");
      }
      get search() {
        const q = this.#u.query;
        return q === null || q === "" ? "" : "?" + q;
      }
      set search(v) {
        const u = this.#u;
        let s = usv(v);
        if (s[0] === "?") s = s.slice(1);
        u.query = usv(v) === "" ? null : pctEncode(stripTabs(s), isSpecial(u.scheme) ? SPECIAL_QUERY_SET : QUERY_SET);
        if (this.#params !== null) paramsAttach(this.#params, this.#onParams, u.query);
      }
      get searchParams() {
        if (this.#params === null) {
          this.#params = new URLSearchParams();
          paramsAttach(this.#params, this.#onParams, this.#u.query);
        }
        return this.#params;
      }
      get hash() {
        const f = this.#u.fragment;
        return f === null || f === "" ? "" : "#" + f;
      }
      set hash(v) {
        let s = usv(v);
        if (s === "") {
          this.#u.fragment = null;
          return;
        }
        if (s[0] === "#") s = s.slice(1);
        this.#u.fragment = pctEncode(stripTabs(s), FRAGMENT_SET);
      }
      toString() {
        return serializeURL(this.#u, false);
      }
      toJSON() {
        return serializeURL(this.#u, false);
      }
    }
    defineTag(URL, "URL");

    // ------------------------------------------------------------ Event, EventTarget
    // event-target-shim's (see the packages section of the prelude). A listener that throws
    // is an uncaught exception, as in Node; the package's warnings (e.g. preventDefault in
    // a passive listener) are not printed, as Node does not print them.
    const { Event, EventTarget } = __embedsandboxPackages;
    __embedsandboxPackages.setErrorHandler((e) => queueMicrotaskFn(() => reportError(e)));
    __embedsandboxPackages.setWarningHandler(() => {});

    // ------------------------------------------------------------ AbortController, AbortSignal
    const kCreate = Symbol("create");
    let signalAbort;
    let signalDeadline;
    let isSignal;
    class AbortSignal extends EventTarget {
      #aborted = false;
      #reason = undefined;
      #onabort = null;
      #deadline = Infinity; // perfNow() time at which a timeout signal fires
      constructor(key) {
        if (key !== kCreate) throw new TypeErrorCtor("Illegal constructor");
        super();
      }
      static {
        isSignal = (s) => s !== null && typeof s === "object" && #aborted in s;
        signalDeadline = (s) => s.#deadline;
        signalAbort = (s, reason) => {
          if (s.#aborted) return;
          s.#aborted = true;
          s.#reason = reason === undefined ? new DOMExceptionCtor("This operation was aborted", "AbortError") : reason;
          const event = new Event("abort");
          if (typeof s.#onabort === "function") {
            try {
              ReflectApply(s.#onabort, s, [event]);
            } catch (e) {
              queueMicrotaskFn(() => reportError(e));
            }
          }
          s.dispatchEvent(event);
        };
      }
      get aborted() {
        return this.#aborted;
      }
      get reason() {
        return this.#reason;
      }
      get onabort() {
        return this.#onabort;
      }
      set onabort(fn) {
        this.#onabort = typeof fn === "function" ? fn : null;
      }
      throwIfAborted() {
        if (this.#aborted) throw this.#reason;
      }
      static abort(reason) {
        const s = new AbortSignal(kCreate);
        signalAbort(s, reason);
        return s;
      }
      static timeout(ms) {
        ms = NumberCtor(ms);
        if (!(ms >= 0 && ms <= 9007199254740991)) {
          throw new RangeErrorCtor(`The value of "delay" is out of range. It must be >= 0 && <= 9007199254740991. Received ${ms}`);
        }
        const s = new AbortSignal(kCreate);
        s.#deadline = perfNow() + ms;
        const t = setTimer(() => signalAbort(s, new DOMExceptionCtor("The operation was aborted due to timeout", "TimeoutError")), ms);
        if (t && typeof t.unref === "function") t.unref(); // does not keep the run alive
        return s;
      }
      static any(signals) {
        const s = new AbortSignal(kCreate);
        const list = ArrayFrom(signals);
        for (const x of list) {
          if (!isSignal(x)) throw new TypeErrorCtor("The \"signals\" argument must be an iterable of AbortSignal");
          if (x.#aborted) {
            signalAbort(s, x.#reason);
            return s;
          }
          s.#deadline = MathMin(s.#deadline, x.#deadline);
        }
        for (const x of list) x.addEventListener("abort", () => signalAbort(s, x.#reason), { once: true });
        return s;
      }
    }
    defineTag(AbortSignal, "AbortSignal");

    class AbortController {
      #signal = new AbortSignal(kCreate);
      get signal() {
        return this.#signal;
      }
      abort(reason) {
        signalAbort(this.#signal, reason);
      }
    }
    defineTag(AbortController, "AbortController");

    // ------------------------------------------------------------ Blob, File, FormData
    let blobBytes;
    let isBlob;
    class Blob {
      #bytes;
      #type;
      constructor(parts, options) {
        const chunks = [];
        if (parts !== undefined) {
          if (parts === null || typeof parts !== "object" || typeof parts[SymbolIterator] !== "function") {
            throw new TypeErrorCtor("The \"sources\" argument must be a sequence.");
          }
          for (const p of parts) {
            if (isBlob(p)) chunks.push(p.#bytes);
            else if (p instanceof ArrayBufferCtor || ArrayBufferIsView(p)) chunks.push(bufferSourceBytes(p));
            else chunks.push(utf8Encode(p));
          }
        }
        this.#bytes = chunks.length === 1 ? chunks[0] : concatBytes(chunks);
        const type = options === undefined || options === null || options.type === undefined ? "" : StringCtor(options.type);
        this.#type = /[^\x20-\x7e]/.test(type) ? "" : type.toLowerCase();
      }
      static {
        blobBytes = (b) => b.#bytes;
        isBlob = (b) => b !== null && typeof b === "object" && #bytes in b;
      }
      get size() {
        return this.#bytes.length;
      }
      get type() {
        return this.#type;
      }
      slice(start, end, contentType) {
        const n = this.#bytes.length;
        const rel = (v, dflt) => {
          if (v === undefined) return dflt;
          v = MathTrunc(NumberCtor(v)) || 0;
          return v < 0 ? MathMax(n + v, 0) : MathMin(v, n);
        };
        const s = rel(start, 0);
        const e = rel(end, n);
        return new Blob([this.#bytes.subarray(s, MathMax(s, e))], { type: contentType === undefined ? "" : contentType });
      }
      text() {
        return resolved(utf8Decode(this.#bytes));
      }
      arrayBuffer() {
        return resolved(copyBytes(this.#bytes).buffer);
      }
      bytes() {
        return resolved(copyBytes(this.#bytes));
      }
      stream() {
        return new ReadableStream(kCreate, { bytes: this.#bytes, used: false, stream: null });
      }
    }
    defineTag(Blob, "Blob");

    class File extends Blob {
      #name;
      #lastModified;
      constructor(bits, name, options) {
        if (arguments.length < 2) throw new TypeErrorCtor("The \"fileName\" argument must be specified");
        super(bits, options);
        this.#name = usv(name);
        const lm = options === undefined || options === null ? undefined : options.lastModified;
        this.#lastModified = lm === undefined ? DateNow() : MathTrunc(NumberCtor(lm)) || 0;
      }
      get name() {
        return this.#name;
      }
      get lastModified() {
        return this.#lastModified;
      }
      get webkitRelativePath() {
        return "";
      }
    }
    defineTag(File, "File");

    function formEntry(name, value, filename, nargs) {
      name = usv(name);
      if (isBlob(value)) {
        if (!(value instanceof File) || nargs > 2) {
          const fname = nargs > 2 ? usv(filename) : value instanceof File ? value.name : "blob";
          value = new File([value], fname, {
            type: value.type,
            lastModified: value instanceof File ? value.lastModified : undefined,
          });
        }
        return [name, value];
      }
      return [name, usv(value)];
    }

    let formList;
    let isFormData;
    class FormData {
      #list = [];
      constructor(form) {
        if (form !== undefined) throw new TypeErrorCtor("FormData: HTML form elements do not exist in the sandbox");
      }
      static {
        formList = (f) => f.#list;
        isFormData = (f) => f !== null && typeof f === "object" && #list in f;
      }
      append(name, value, filename) {
        this.#list.push(formEntry(name, value, filename, arguments.length));
      }
      delete(name) {
        name = usv(name);
        this.#list = this.#list.filter((e) => e[0] !== name);
      }
      get(name) {
        name = usv(name);
        for (const e of this.#list) if (e[0] === name) return e[1];
        return null;
      }
      getAll(name) {
        name = usv(name);
        return this.#list.filter((e) => e[0] === name).map((e) => e[1]);
      }
      has(name) {
        name = usv(name);
        return this.#list.some((e) => e[0] === name);
      }
      set(name, value, filename) {
        const entry = formEntry(name, value, filename, arguments.length);
        const i = this.#list.findIndex((e) => e[0] === entry[0]);
        if (i < 0) this.#list.push(entry);
        else {
          this.#list[i] = entry;
          this.#list = this.#list.filter((e, j) => j <= i || e[0] !== entry[0]);
        }
      }
      forEach(callback, thisArg) {
        for (let i = 0; i < this.#list.length; i++) ReflectApply(callback, thisArg, [this.#list[i][1], this.#list[i][0], this]);
      }
      *entries() {
        for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]];
      }
      *keys() {
        for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0];
      }
      *values() {
        for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1];
      }
      [SymbolIterator]() {
        return this.entries();
      }
    }
    defineTag(FormData, "FormData");

    function multipart(list) {
      let boundary = "----formdata-embedsandbox-";
      for (let i = 0; i < 16; i++) boundary += MathFloor(ReflectApply(MathRandom, null, []) * 10);
      const esc = (s) => s.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
      const crlf = (s) => s.replace(/\r(?!\n)|(?<!\r)\n/g, "\r\n");
      const chunks = [];
      for (const [name, value] of list) {
        let head = `--${boundary}\r\nContent-Disposition: form-data; name="${esc(crlf(name))}"`;
        if (typeof value === "string") {
          chunks.push(utf8Encode(head + "\r\n\r\n" + crlf(value) + "\r\n"));
        } else {
          head += `; filename="${esc(value.name)}"\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`;
          chunks.push(utf8Encode(head), blobBytes(value), utf8Encode("\r\n"));
        }
      }
      chunks.push(utf8Encode(`--${boundary}--\r\n`));
      return { bytes: concatBytes(chunks), type: `multipart/form-data; boundary=${boundary}` };
    }

    // ------------------------------------------------------------ bodies
    // A body: { bytes: Uint8Array | null, used: boolean, stream: ReadableStream | null }.
    // The whole body is in memory (the host delivers complete responses); `.body` is a
    // minimal one-chunk ReadableStream over it.
    let isStream;
    let streamBody;
    class ReadableStream {
      #body;
      #locked = false;
      constructor(key, body) {
        if (key !== kCreate) throw new TypeErrorCtor("ReadableStream cannot be constructed in the sandbox");
        this.#body = body;
      }
      static {
        isStream = (s) => s !== null && typeof s === "object" && #body in s;
        streamBody = (s) => s.#body;
      }
      get locked() {
        return this.#locked;
      }
      getReader() {
        if (this.#locked) throw new TypeErrorCtor("Invalid state: ReadableStream is locked");
        this.#locked = true;
        const body = this.#body;
        let released = false;
        const closed = new PromiseCtor(() => {});
        return {
          read: () => {
            if (released) return rejected(new TypeErrorCtor("Invalid state: The reader is not attached to a stream"));
            if (body.used || body.bytes === null || body.bytes.length === 0) {
              body.used = true;
              return resolved({ value: undefined, done: true });
            }
            body.used = true;
            return resolved({ value: copyBytes(body.bytes), done: false });
          },
          releaseLock: () => {
            released = true;
            this.#locked = false;
          },
          cancel: () => {
            body.used = true;
            return resolved(undefined);
          },
          closed,
        };
      }
      cancel() {
        if (this.#locked) return rejected(new TypeErrorCtor("Invalid state: ReadableStream is locked"));
        this.#body.used = true;
        return resolved(undefined);
      }
      values() {
        const reader = this.getReader();
        return {
          next: () => reader.read(),
          return: () => {
            reader.releaseLock();
            return resolved({ value: undefined, done: true });
          },
          [SymbolAsyncIterator]() {
            return this;
          },
        };
      }
      [SymbolAsyncIterator]() {
        return this.values();
      }
    }
    defineTag(ReadableStream, "ReadableStream");

    // BodyInit -> { bytes, type } (fetch's "extract a body").
    function extractBody(init) {
      if (typeof init === "string") return { bytes: utf8Encode(init), type: "text/plain;charset=UTF-8" };
      if (isParams(init)) return { bytes: utf8Encode(init.toString()), type: "application/x-www-form-urlencoded;charset=UTF-8" };
      if (init instanceof ArrayBufferCtor || ArrayBufferIsView(init)) return { bytes: bufferSourceBytes(init), type: null };
      if (isBlob(init)) return { bytes: blobBytes(init), type: init.type === "" ? null : init.type };
      if (isFormData(init)) return multipart(formList(init));
      if (isStream(init)) {
        const body = streamBody(init);
        if (body.used || init.locked) throw new TypeErrorCtor("Response body object should not be disturbed or locked");
        body.used = true;
        return { bytes: body.bytes === null ? new Uint8ArrayCtor(0) : body.bytes, type: null };
      }
      if (init !== null && typeof init === "object" && (typeof init[SymbolAsyncIterator] === "function" ||
          typeof init.getReader === "function")) {
        throw new TypeErrorCtor("streaming request bodies are not supported in the sandbox: pass a string, bytes, a Blob, FormData or URLSearchParams");
      }
      return { bytes: utf8Encode(init), type: "text/plain;charset=UTF-8" };
    }

    function consumeBytes(body) {
      if (body.used || (body.stream !== null && body.stream.locked)) {
        return rejected(new TypeErrorCtor("Body is unusable: Body has already been read"));
      }
      if (body.bytes === null) return resolved(new Uint8ArrayCtor(0));
      body.used = true;
      return resolved(body.bytes);
    }

    function mimeOf(headers) {
      const t = headers.get("content-type");
      return t === null ? "" : t;
    }

    // The body methods shared by Request and Response.
    function bodyMethods(cls, getBody, getHeaders) {
      const methods = {
        get body() {
          const b = getBody(this);
          if (b.bytes === null) return null;
          if (b.stream === null) b.stream = new ReadableStream(kCreate, b);
          return b.stream;
        },
        get bodyUsed() {
          return getBody(this).used;
        },
        arrayBuffer() {
          return consumeBytes(getBody(this)).then((b) => copyBytes(b).buffer);
        },
        bytes() {
          return consumeBytes(getBody(this)).then((b) => copyBytes(b));
        },
        text() {
          return consumeBytes(getBody(this)).then(bodyText);
        },
        json() {
          return consumeBytes(getBody(this)).then((b) => JSONParse(bodyText(b)));
        },
        blob() {
          const type = mimeOf(getHeaders(this));
          return consumeBytes(getBody(this)).then((b) => new Blob([b], { type }));
        },
        formData() {
          const type = mimeOf(getHeaders(this)).toLowerCase();
          return consumeBytes(getBody(this)).then((b) => {
            if (type.startsWith("application/x-www-form-urlencoded")) {
              const fd = new FormData();
              for (const [n, v] of parseForm(bodyText(b))) fd.append(n, v);
              return fd;
            }
            throw new TypeErrorCtor(type.startsWith("multipart/form-data")
              ? "parsing multipart/form-data bodies is not supported in the sandbox"
              : "could not parse the body as FormData: its content-type is not application/x-www-form-urlencoded");
          });
        },
      };
      for (const key of ReflectOwnKeys(methods)) {
        const d = ObjectGetOwnPropertyDescriptor(methods, key);
        d.enumerable = false;
        ObjectDefineProperty(cls.prototype, key, d);
      }
    }

    // ------------------------------------------------------------ Headers
    const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
    function headerName(name) {
      const n = StringCtor(name);
      if (!TOKEN.test(n)) throw new TypeErrorCtor(`Headers: "${n}" is an invalid header name.`);
      return n;
    }
    function headerValue(value) {
      const v = StringCtor(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
      if (/[\0\r\n]|[^\x00-\xff]/.test(v)) throw new TypeErrorCtor(`Headers: "${v}" is an invalid header value.`);
      return v;
    }

    let headersList;
    let headersLock;
    let headersFrom;
    let isHeaders;
    class Headers {
      #list = []; // [lower-case name, name as given, value]
      #immutable = false;
      constructor(init) {
        if (init === undefined || init === null) return;
        if (typeof init !== "object" && typeof init !== "function") {
          throw new TypeErrorCtor("Headers: the init argument must be an object, an array of pairs or Headers");
        }
        if (#list in init) {
          this.#list = init.#list.map((e) => [e[0], e[1], e[2]]);
          return;
        }
        if (typeof init[SymbolIterator] === "function") {
          for (const pair of init) {
            const kv = typeof pair === "string" ? [pair] : ArrayFrom(pair);
            if (kv.length !== 2) throw new TypeErrorCtor(`Headers: expected name/value pair to be length 2, found ${kv.length}.`);
            this.append(kv[0], kv[1]);
          }
          return;
        }
        for (const key of ReflectOwnKeys(init)) {
          if (typeof key !== "string") continue;
          const d = ObjectGetOwnPropertyDescriptor(init, key);
          if (d !== undefined && d.enumerable) this.append(key, init[key]);
        }
      }
      static {
        headersList = (h) => h.#list;
        headersLock = (h) => {
          h.#immutable = true;
          return h;
        };
        // From the host's reply: trusted pairs of strings, kept as sent.
        headersFrom = (pairs) => {
          const h = new Headers();
          for (const [n, v] of pairs) h.#list.push([n.toLowerCase(), n, v]);
          h.#immutable = true;
          return h;
        };
        isHeaders = (h) => h !== null && typeof h === "object" && #list in h;
      }
      #mutable() {
        if (this.#immutable) throw new TypeErrorCtor("immutable");
      }
      append(name, value) {
        name = headerName(name);
        value = headerValue(value);
        this.#mutable();
        this.#list.push([name.toLowerCase(), name, value]);
      }
      delete(name) {
        const lower = headerName(name).toLowerCase();
        this.#mutable();
        this.#list = this.#list.filter((e) => e[0] !== lower);
      }
      get(name) {
        const lower = headerName(name).toLowerCase();
        const values = [];
        for (const e of this.#list) if (e[0] === lower) values.push(e[2]);
        return values.length === 0 ? null : values.join(", ");
      }
      getSetCookie() {
        return this.#list.filter((e) => e[0] === "set-cookie").map((e) => e[2]);
      }
      has(name) {
        const lower = headerName(name).toLowerCase();
        return this.#list.some((e) => e[0] === lower);
      }
      set(name, value) {
        name = headerName(name);
        value = headerValue(value);
        this.#mutable();
        const lower = name.toLowerCase();
        const i = this.#list.findIndex((e) => e[0] === lower);
        if (i < 0) this.#list.push([lower, name, value]);
        else {
          this.#list[i][2] = value;
          this.#list = this.#list.filter((e, j) => j <= i || e[0] !== lower);
        }
      }
      // Sorted, lower-case names; values of one name combined (set-cookie: one entry each).
      #sorted() {
        const names = [];
        for (const e of this.#list) if (!names.includes(e[0])) names.push(e[0]);
        names.sort();
        const out = [];
        for (const n of names) {
          if (n === "set-cookie") {
            for (const e of this.#list) if (e[0] === n) out.push([n, e[2]]);
          } else out.push([n, this.get(n)]);
        }
        return out;
      }
      forEach(callback, thisArg) {
        if (typeof callback !== "function") throw new TypeErrorCtor("The \"callback\" argument must be of type function");
        for (const [n, v] of this.#sorted()) ReflectApply(callback, thisArg, [v, n, this]);
      }
      entries() {
        return ReflectApply(ArrayValues, this.#sorted(), []);
      }
      keys() {
        return ReflectApply(ArrayValues, this.#sorted().map((e) => e[0]), []);
      }
      values() {
        return ReflectApply(ArrayValues, this.#sorted().map((e) => e[1]), []);
      }
      [SymbolIterator]() {
        return this.entries();
      }
    }
    defineTag(Headers, "Headers");

    // ------------------------------------------------------------ Request
    const METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"];
    function normalizeMethod(m) {
      const s = StringCtor(m);
      if (!TOKEN.test(s)) throw new TypeErrorCtor(`'${s}' is not a valid HTTP method.`);
      const upper = s.toUpperCase();
      if (upper === "CONNECT" || upper === "TRACE" || upper === "TRACK") {
        throw new TypeErrorCtor(`'${s}' HTTP method is unsupported.`);
      }
      return METHODS.includes(upper) ? upper : s;
    }
    const oneOf = (value, allowed, what) => {
      const s = StringCtor(value);
      if (!allowed.includes(s)) throw new TypeErrorCtor(`Request: '${s}' is not a valid value for ${what}`);
      return s;
    };
    const REQUEST_DEFAULTS = {
      mode: "cors",
      credentials: "same-origin",
      cache: "default",
      redirect: "follow",
      referrer: "about:client",
      referrerPolicy: "",
      integrity: "",
      keepalive: false,
      duplex: "half",
    };
    const REQUEST_ENUMS = {
      mode: ["cors", "no-cors", "same-origin", "navigate"],
      credentials: ["omit", "same-origin", "include"],
      cache: ["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"],
      redirect: ["follow", "error", "manual"],
      referrerPolicy: ["", "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin",
        "strict-origin", "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url"],
      duplex: ["half"],
    };

    let requestState;
    let isRequest;
    let cloning = false; // Request.clone(): copy the body instead of taking it
    class Request {
      #method;
      #url; // URL record
      #headers;
      #body;
      #signal;
      #options;
      constructor(input, init) {
        if (arguments.length === 0) throw new TypeErrorCtor("Request: 1 argument required, but only 0 present.");
        if (init !== undefined && init !== null && typeof init !== "object") {
          throw new TypeErrorCtor("Request: the init argument must be an object");
        }
        const opts = init === undefined || init === null ? {} : init;
        const src = input !== null && typeof input === "object" && #method in input ? input : null;
        if (src !== null) {
          this.#url = { ...src.#url, path: src.#url.opaque ? src.#url.path : src.#url.path.slice() };
          this.#method = src.#method;
          this.#options = { ...src.#options };
        } else {
          const u = parseURL(usv(input), null);
          if (u === null) {
            throw new TypeErrorCtor(`Failed to parse URL from ${usv(input)}`, { cause: invalidURL(input) });
          }
          if (u.username !== "" || u.password !== "") {
            throw new TypeErrorCtor(`Request cannot be constructed from a URL that includes credentials: ${usv(input)}`);
          }
          this.#url = u;
          this.#method = "GET";
          this.#options = { ...REQUEST_DEFAULTS };
        }
        if (opts.method !== undefined) this.#method = normalizeMethod(opts.method);
        for (const key of ObjectKeys(REQUEST_DEFAULTS)) {
          if (opts[key] === undefined) continue;
          if (key === "keepalive") this.#options.keepalive = !!opts.keepalive;
          else if (key === "referrer" || key === "integrity") this.#options[key] = usv(opts[key]);
          else this.#options[key] = oneOf(opts[key], REQUEST_ENUMS[key], key);
        }
        let signal = src !== null ? src.#signal : null;
        if (opts.signal !== undefined) {
          if (opts.signal !== null && !isSignal(opts.signal)) {
            throw new TypeErrorCtor("Request: the signal option must be an AbortSignal");
          }
          signal = opts.signal;
        }
        this.#signal = signal === null ? new AbortSignal(kCreate) : AbortSignal.any([signal]);
        this.#headers = new Headers(opts.headers !== undefined ? opts.headers : src !== null ? src.#headers : undefined);
        const body = { bytes: null, used: false, stream: null };
        const hasInitBody = opts.body !== undefined && opts.body !== null;
        if ((hasInitBody || (src !== null && src.#body.bytes !== null)) &&
            (this.#method === "GET" || this.#method === "HEAD")) {
          throw new TypeErrorCtor("Request with GET/HEAD method cannot have body.");
        }
        if (hasInitBody) {
          const extracted = extractBody(opts.body);
          body.bytes = extracted.bytes;
          if (extracted.type !== null && !this.#headers.has("content-type")) {
            this.#headers.append("content-type", extracted.type);
          }
        } else if (src !== null && src.#body.bytes !== null) {
          if (src.#body.used || (src.#body.stream !== null && src.#body.stream.locked)) {
            throw new TypeErrorCtor("Cannot construct a Request with a Request object that has already been used.");
          }
          body.bytes = src.#body.bytes;
          if (!cloning) src.#body.used = true;
        }
        this.#body = body;
      }
      static {
        isRequest = (r) => r !== null && typeof r === "object" && #method in r;
        requestState = (r) => ({
          method: r.#method,
          url: r.#url,
          headers: r.#headers,
          body: r.#body,
          signal: r.#signal,
          redirect: r.#options.redirect,
        });
      }
      get method() {
        return this.#method;
      }
      get url() {
        return serializeURL(this.#url, false);
      }
      get headers() {
        return this.#headers;
      }
      get signal() {
        return this.#signal;
      }
      get destination() {
        return "";
      }
      get mode() {
        return this.#options.mode;
      }
      get credentials() {
        return this.#options.credentials;
      }
      get cache() {
        return this.#options.cache;
      }
      get redirect() {
        return this.#options.redirect;
      }
      get referrer() {
        return this.#options.referrer === "no-referrer" ? "" : this.#options.referrer;
      }
      get referrerPolicy() {
        return this.#options.referrerPolicy;
      }
      get integrity() {
        return this.#options.integrity;
      }
      get keepalive() {
        return this.#options.keepalive;
      }
      get duplex() {
        return this.#options.duplex;
      }
      get isReloadNavigation() {
        return false;
      }
      get isHistoryNavigation() {
        return false;
      }
      clone() {
        if (this.#body.used || (this.#body.stream !== null && this.#body.stream.locked)) {
          throw new TypeErrorCtor("Request.clone: Body has already been consumed.");
        }
        cloning = true;
        try {
          return new Request(this);
        } finally {
          cloning = false;
        }
      }
    }
    defineTag(Request, "Request");
    bodyMethods(Request, (r) => requestState(r).body, (r) => r.headers);

    // ------------------------------------------------------------ Response
    const NULL_BODY_STATUS = [101, 103, 204, 205, 304];
    const REDIRECT_STATUS = [301, 302, 303, 307, 308];
    const kInternal = Symbol("internal");

    let responseBody;
    let isResponse;
    class Response {
      #status = 200;
      #statusText = "";
      #headers;
      #body = { bytes: null, used: false, stream: null };
      #type = "default";
      #url = "";
      #redirected = false;
      constructor(body, init) {
        if (body === kInternal) {
          // Internal: a response built by fetch or the static methods.
          const r = init;
          this.#status = r.status;
          this.#statusText = r.statusText;
          this.#headers = r.headers;
          this.#body.bytes = r.bytes;
          this.#type = r.type;
          this.#url = r.url;
          this.#redirected = r.redirected;
          return;
        }
        if (init !== undefined && init !== null && typeof init !== "object") {
          throw new TypeErrorCtor("Response: the init argument must be an object");
        }
        const opts = init === undefined || init === null ? {} : init;
        if (opts.status !== undefined) {
          const s = NumberCtor(opts.status);
          const status = NumberIsFinite(s) ? MathTrunc(s) & 0xffff : 0;
          if (status < 200 || status > 599) {
            throw new RangeErrorCtor(`init["status"] must be in the range of 200 to 599, inclusive.`);
          }
          this.#status = status;
        }
        if (opts.statusText !== undefined) {
          const t = StringCtor(opts.statusText);
          if (/[^\t\x20-\x7e\x80-\xff]/.test(t)) throw new TypeErrorCtor("Response: invalid statusText");
          this.#statusText = t;
        }
        this.#headers = new Headers(opts.headers);
        if (body !== undefined && body !== null) {
          if (NULL_BODY_STATUS.includes(this.#status)) {
            throw new TypeErrorCtor(`Response constructor: Invalid response status code ${this.#status}`);
          }
          const extracted = extractBody(body);
          this.#body.bytes = extracted.bytes;
          if (extracted.type !== null && !this.#headers.has("content-type")) {
            this.#headers.append("content-type", extracted.type);
          }
        }
      }
      static {
        responseBody = (r) => r.#body;
        isResponse = (r) => r !== null && typeof r === "object" && #status in r;
      }
      static error() {
        return new Response(kInternal, {
          status: 0, statusText: "", headers: headersLock(new Headers()), bytes: null,
          type: "error", url: "", redirected: false,
        });
      }
      static json(data, init) {
        const text = JSONStringify(data);
        if (text === undefined) throw new TypeErrorCtor("Value is not JSON serializable");
        const r = new Response(text, init);
        if (!init || init.headers === undefined || !new Headers(init.headers).has("content-type")) {
          r.#headers.set("content-type", "application/json");
        }
        return r;
      }
      static redirect(url, status) {
        const u = parseURL(usv(url), null);
        if (u === null) throw new TypeErrorCtor(`Failed to parse URL from ${usv(url)}`);
        const s = status === undefined ? 302 : NumberCtor(status);
        if (!REDIRECT_STATUS.includes(s)) throw new RangeErrorCtor(`Invalid status code ${status}`);
        const headers = new Headers([["location", serializeURL(u, false)]]);
        return new Response(kInternal, {
          status: s, statusText: "", headers: headersLock(headers), bytes: null,
          type: "default", url: "", redirected: false,
        });
      }
      get type() {
        return this.#type;
      }
      get url() {
        return this.#url;
      }
      get redirected() {
        return this.#redirected;
      }
      get status() {
        return this.#status;
      }
      get ok() {
        return this.#status >= 200 && this.#status <= 299;
      }
      get statusText() {
        return this.#statusText;
      }
      get headers() {
        return this.#headers;
      }
      clone() {
        if (this.#body.used || (this.#body.stream !== null && this.#body.stream.locked)) {
          throw new TypeErrorCtor("Response.clone: Body has already been consumed.");
        }
        const headers = new Headers(this.#headers);
        return new Response(kInternal, {
          status: this.#status, statusText: this.#statusText,
          headers: this.#type === "default" ? headers : headersLock(headers),
          bytes: this.#body.bytes, type: this.#type, url: this.#url, redirected: this.#redirected,
        });
      }
    }
    defineTag(Response, "Response");
    bodyMethods(Response, responseBody, (r) => r.headers);

    // ------------------------------------------------------------ fetch
    function fetchFailed(message, kind) {
      const cause = new ErrorCtor(message);
      cause.kind = kind;
      return new TypeErrorCtor(`fetch failed: ${message}`, { cause });
    }

    function dataURLResponse(u) {
      const s = serializeURL(u, true).slice(5);
      const comma = s.indexOf(",");
      if (comma < 0) throw fetchFailed("invalid data: URL", "invalid");
      let mime = s.slice(0, comma).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "");
      // Percent-decode to bytes: first the text's UTF-8 as a byte string, then %XX.
      const raw = unescapeFn(encodeURIComponentFn(s.slice(comma + 1)))
        .replace(/%([0-9A-Fa-f]{2})/g, (_, h) => StringFromCharCode(parseInt(h, 16)));
      let bytes;
      const b64 = /;[\x20]*base64$/i;
      if (b64.test(mime)) {
        mime = mime.replace(b64, "");
        try {
          bytes = fromBase64(raw.replace(/[\t\n\f\r ]/g, ""));
        } catch {
          throw fetchFailed("invalid base64 in data: URL", "invalid");
        }
      } else bytes = byteStringBytes(raw);
      if (mime.startsWith(";")) mime = "text/plain" + mime;
      if (mime === "") mime = "text/plain;charset=US-ASCII";
      return new Response(kInternal, {
        status: 200, statusText: "OK", headers: headersFrom([["content-type", mime]]), bytes,
        type: "basic", url: serializeURL(u, true), redirected: false,
      });
    }

    function isPairs(v) {
      if (!ArrayIsArray(v)) return false;
      for (const p of v) {
        if (!ArrayIsArray(p) || p.length !== 2 || typeof p[0] !== "string" || typeof p[1] !== "string") return false;
      }
      return true;
    }

    // One request through the host door (synchronous; it blocks until the reply).
    function send(req, signal) {
      const url = req.url;
      const message = {
        op: "http",
        method: req.method,
        url: serializeURL(url, true),
        headers: headersList(req.headers).map((e) => [e[1], e[2]]),
        body: req.body.bytes === null ? null : toBase64(req.body.bytes),
      };
      const deadline = signalDeadline(signal);
      if (deadline !== Infinity) {
        const left = deadline - perfNow();
        if (left <= 0) {
          signalAbort(signal, new DOMExceptionCtor("The operation was aborted due to timeout", "TimeoutError"));
          throw signal.reason;
        }
        message.timeout_s = left / 1000;
      }
      if (req.body.bytes !== null) req.body.used = true;
      let reply;
      try {
        reply = host("host:" + JSONStringify(message));
      } catch {
        reply = undefined;
      }
      if (typeof reply !== "string") throw fetchFailed("the host could not complete the request", "network");
      let r;
      try {
        r = JSONParse(reply);
      } catch {
        r = null;
      }
      if (r === null || typeof r !== "object") throw fetchFailed("invalid reply from the host", "network");
      if (r.error !== undefined) {
        const kind = typeof r.kind === "string" ? r.kind : "network";
        if (kind === "timeout" && deadline !== Infinity && perfNow() >= deadline - 1) {
          signalAbort(signal, new DOMExceptionCtor("The operation was aborted due to timeout", "TimeoutError"));
          throw signal.reason;
        }
        throw fetchFailed(StringCtor(r.error), kind);
      }
      const status = r.status;
      if (!NumberIsInteger(status) || status < 100 || status > 999 || !isPairs(r.headers) ||
          (r.body !== undefined && r.body !== null && typeof r.body !== "string")) {
        throw fetchFailed("invalid reply from the host", "network");
      }
      let bytes;
      try {
        bytes = typeof r.body === "string" ? fromBase64(r.body) : new Uint8ArrayCtor(0);
      } catch {
        throw fetchFailed("invalid reply from the host (body is not base64)", "network");
      }
      const sent = serializeURL(url, true);
      let finalURL = sent;
      if (typeof r.url === "string" && r.url !== "") {
        const parsed = parseURL(r.url, null);
        if (parsed !== null) finalURL = serializeURL(parsed, true);
      }
      const redirected = finalURL !== sent;
      if (redirected && req.redirect === "error") throw fetchFailed("unexpected redirect", "network");
      const nullBody = req.method === "HEAD" || NULL_BODY_STATUS.includes(status);
      return new Response(kInternal, {
        status, statusText: typeof r.reason === "string" ? r.reason : "", headers: headersFrom(r.headers),
        bytes: nullBody ? null : bytes, type: "basic", url: finalURL, redirected,
      });
    }
    function fetch(input, init) {
      let request;
      try {
        if (arguments.length === 0) throw new TypeErrorCtor("fetch: 1 argument required, but only 0 present.");
        request = new Request(input, init);
      } catch (e) {
        return rejected(e);
      }
      const req = requestState(request);
      const signal = req.signal;
      if (signal.aborted) return rejected(signal.reason);
      const scheme = req.url.scheme;
      if (scheme !== "http" && scheme !== "https" && scheme !== "data") {
        return rejected(fetchFailed(`the URL scheme "${scheme}" is not supported`, "invalid"));
      }
      if (scheme !== "data" && !hasNetwork) {
        return rejected(fetchFailed("this execution has no network access (no http.allow entries)", "denied"));
      }
      if (req.url.pctHost) {
        // The URL parser decodes "local%68ost" to "localhost"; the gateway refuses a host
        // written with percent-encoding (two parsers must never disagree on a destination),
        // so fetch refuses it too, before it is decoded.
        return rejected(fetchFailed("the URL's host is percent-encoded; write the host plainly", "denied"));
      }
      // Resolve asynchronously like Node; the (blocking) host call runs in that job, so an
      // abort() right after fetch() still cancels the request before it is sent.
      return new PromiseCtor((resolve, reject) => {
        queueMicrotaskFn(() => {
          try {
            if (signal.aborted) throw signal.reason;
            const response = scheme === "data" ? dataURLResponse(req.url) : send(req, signal);
            if (signal.aborted) throw signal.reason;
            resolve(response);
          } catch (e) {
            reject(e);
          }
        });
      });
    }

    // ------------------------------------------------------------ structuredClone
    function structuredClone(value, _options) {
      if (arguments.length === 0) throw new TypeErrorCtor("The \"value\" argument must be specified");
      const memory = new MapCtor();
      const fail = (v) => {
        let what;
        try {
          what = typeof v === "function" ? StringCtor(v) : ReflectApply(ObjectProto.toString, v, []);
        } catch {
          what = "value";
        }
        return new DOMExceptionCtor(`${what} could not be cloned.`, "DataCloneError");
      };
      const clone = (v) => {
        if (typeof v === "function" || typeof v === "symbol") throw fail(v);
        if (v === null || typeof v !== "object") return v;
        if (memory.has(v)) return memory.get(v);
        let out;
        const remember = (o) => {
          memory.set(v, o);
          return o;
        };
        if (ArrayIsArray(v)) {
          out = remember(new Array(v.length));
          for (const k of ObjectKeys(v)) out[k] = clone(v[k]);
          return out;
        }
        if (v instanceof DateCtor) return remember(new DateCtor(ReflectApply(DateGetTime, v, [])));
        if (v instanceof RegExpCtor) return remember(new RegExpCtor(v.source, v.flags));
        if (v instanceof ArrayBufferCtor) return remember(ReflectApply(ArrayBufferSlice, v, []));
        if (v instanceof DataViewCtor) return remember(new DataViewCtor(clone(v.buffer), v.byteOffset, v.byteLength));
        if (ArrayBufferIsView(v)) {
          const Ctor = G[ReflectApply(TypedArrayTag, v, [])];
          return remember(new Ctor(clone(v.buffer), v.byteOffset, v.length));
        }
        if (v instanceof MapCtor) {
          out = remember(new MapCtor());
          for (const [k, x] of v) out.set(clone(k), clone(x));
          return out;
        }
        if (v instanceof SetCtor) {
          out = remember(new SetCtor());
          for (const x of v) out.add(clone(x));
          return out;
        }
        if (v instanceof ErrorCtor) {
          const name = v.name;
          const Ctor = ["EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError"]
            .includes(name) ? G[name] : ErrorCtor;
          out = remember(new Ctor(v.message));
          if (typeof v.stack === "string") ObjectDefineProperty(out, "stack", { value: v.stack, writable: true, configurable: true });
          if (ReflectApply(ObjectPrototypeHasOwn, v, ["cause"])) {
            ObjectDefineProperty(out, "cause", { value: clone(v.cause), writable: true, configurable: true });
          }
          return out;
        }
        if (v instanceof Boolean || v instanceof NumberCtor || v instanceof StringCtor || v instanceof BigInt) {
          return remember(Object(v.valueOf()));
        }
        if (isBlob(v)) return remember(v); // immutable
        if (v instanceof PromiseCtor || v instanceof WeakMapCtor || v instanceof WeakSetCtor ||
            v instanceof WeakRefCtor || isSignal(v) || isHeaders(v) || isRequest(v) || isResponse(v) ||
            isURL(v) || isParams(v) || isFormData(v)) {
          throw fail(v);
        }
        out = remember({});
        for (const k of ObjectKeys(v)) out[k] = clone(v[k]);
        return out;
      };
      return clone(value);
    }

    // ------------------------------------------------------------ console.log support
    // What console.log shows for these objects (their state is in private fields): a plain
    // object whose constructor names the class, or { name, entries } for map-like ones.
    function view(ctor, props) {
      ObjectDefineProperty(props, "constructor", { value: ctor, enumerable: false });
      return props;
    }
    function inspectView(v) {
      if (isURL(v)) {
        return view(URL, {
          href: v.href, origin: v.origin, protocol: v.protocol, username: v.username, password: v.password,
          host: v.host, hostname: v.hostname, port: v.port, pathname: v.pathname, search: v.search,
          searchParams: v.searchParams, hash: v.hash,
        });
      }
      if (isParams(v)) return { name: "URLSearchParams", entries: paramsList(v) };
      if (isFormData(v)) return { name: "FormData", entries: formList(v) };
      if (isHeaders(v)) {
        const props = {};
        for (const [n, x] of v) props[n] = props[n] === undefined ? x : props[n] + ", " + x;
        return view(Headers, props);
      }
      if (isResponse(v)) {
        return view(Response, {
          status: v.status, statusText: v.statusText, headers: v.headers, body: v.body, bodyUsed: v.bodyUsed,
          ok: v.ok, redirected: v.redirected, type: v.type, url: v.url,
        });
      }
      if (isRequest(v)) {
        return view(Request, {
          method: v.method, url: v.url, headers: v.headers, destination: "", referrer: v.referrer,
          referrerPolicy: v.referrerPolicy, mode: v.mode, credentials: v.credentials, cache: v.cache,
          redirect: v.redirect, integrity: v.integrity, keepalive: v.keepalive, isReloadNavigation: false,
          isHistoryNavigation: false, signal: v.signal,
        });
      }
      if (isStream(v)) return view(ReadableStream, { locked: v.locked, state: "readable", supportsBYOB: false });
      if (isSignal(v)) return view(AbortSignal, { aborted: v.aborted });
      if (v instanceof AbortController) return view(AbortController, { signal: v.signal });
      if (isBlob(v)) {
        if (v instanceof File) return view(File, { size: v.size, type: v.type, name: v.name, lastModified: v.lastModified });
        return view(Blob, { size: v.size, type: v.type });
      }
      return undefined;
    }

    const globals = {
      fetch,
      Headers,
      Request,
      Response,
      FormData,
      Blob,
      File,
      URL,
      URLSearchParams,
      AbortController,
      AbortSignal,
      Event,
      EventTarget,
      structuredClone,
    };
    return {
      globals,
      utf8Encode,
      utf8Decode,
      fromBase64: (text, url) => {
        try {
          return ReflectApply(U8FromBase64, Uint8ArrayCtor, url ? [text, { alphabet: "base64url" }] : [text]);
        } catch {
          return undefined;
        }
      },
      toBase64: (bytes, url) =>
        ReflectApply(U8ToBase64, bytes, url ? [{ alphabet: "base64url", omitPadding: true }] : []),
      inspectView,
      bind(deps) {
        host = deps.host;
        hasNetwork = deps.hasNetwork;
        perfNow = deps.perfNow;
        setTimer = deps.setTimeout;
        reportError = deps.reportError;
      },
    };
  })(),
);
