// embedsandbox JavaScript prelude: runs inside the QuickJS-ng guest before user code.
//
// This file is a single function expression. The host (`_engines/_javascript.py`) evaluates
// it and calls it with the run configuration (JSON text); it returns the harness object
// ({run, tick, finish}) that the host's event loop drives. Everything here is guest code:
// it has no more authority than the user's code, and the host validates every request.
//
// The one door to the host is the raw function `__es` (installed by the host, captured and
// removed from globalThis below). It takes ONE string "<op><payload>" and returns a string
// or undefined:
//   "1<text>" / "2<text>"  append to stdout / stderr
//   "x<code>"              end the run now with that exit code (never returns)
//   "m"                    the guest ran out of memory (never returns)
//   "rv<json>"/"rj"/"re"   function result: valid JSON / not serialisable / error
//   "h<request>"           host call (HTTP egress, later); returns the reply
//   "R<n>"                 n random bytes as hex (crypto.getRandomValues)
(function (cfgText) {
  "use strict";
  const G = globalThis;
  const host = G.__es;
  delete G.__es;
  const cfg = JSON.parse(cfgText);

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
  // The host may start this guest from a memory image taken earlier, which freezes
  // QuickJS's time origin (and its `performance` is read-only): rebase on this run.
  const nativePerfNow = performance.now.bind(performance);
  const perfBase = nativePerfNow();
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
    return Reflect.apply(fn, self, args);
  }

  function wellFormed(s) {
    return call(StringToWellFormed, s);
  }

  // ---------------------------------------------------------------- host door
  // The hot path of console.log: one host call. The host cannot take a string with a lone
  // surrogate; only then is it repaired (U+FFFD, as String.prototype.toWellFormed does).
  function writeOut(fd, text) {
    if (!text.length) return;
    const message = (fd === 2 ? "2" : "1") + text;
    try {
      host(message);
    } catch (e) {
      host(wellFormed(message));
    }
  }

  function hostExit(code) {
    host("x" + code);
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
  function utf8Encode(str) {
    str = wellFormed(StringCtor(str));
    const out = [];
    for (let i = 0; i < str.length; i++) {
      let c = str.charCodeAt(i);
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c >= 0xd800 && c < 0xdc00) {
        const c2 = str.charCodeAt(++i);
        c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
        out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      } else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8ArrayCtor(out);
  }

  function utf8Decode(bytes, start, end) {
    start = start || 0;
    end = end === undefined ? bytes.length : end;
    let s = "";
    let chunk = [];
    for (let i = start; i < end; ) {
      const b = bytes[i];
      let cp = 0xfffd;
      let n = 1;
      if (b < 0x80) cp = b;
      else if (b >= 0xc2 && b < 0xe0 && i + 1 < end && (bytes[i + 1] & 0xc0) === 0x80) {
        cp = ((b & 31) << 6) | (bytes[i + 1] & 63);
        n = 2;
      } else if (b >= 0xe0 && b < 0xf0 && i + 2 < end && (bytes[i + 1] & 0xc0) === 0x80 &&
                 (bytes[i + 2] & 0xc0) === 0x80) {
        cp = ((b & 15) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63);
        n = 3;
        if (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)) cp = 0xfffd;
      } else if (b >= 0xf0 && b < 0xf5 && i + 3 < end && (bytes[i + 1] & 0xc0) === 0x80 &&
                 (bytes[i + 2] & 0xc0) === 0x80 && (bytes[i + 3] & 0xc0) === 0x80) {
        cp = ((b & 7) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) |
             (bytes[i + 3] & 63);
        n = 4;
        if (cp < 0x10000 || cp > 0x10ffff) cp = 0xfffd;
      }
      i += n;
      if (cp > 0xffff) {
        cp -= 0x10000;
        chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 1023));
      } else chunk.push(cp);
      if (chunk.length >= 8192) {
        s += StringCtor.fromCharCode.apply(null, chunk);
        chunk = [];
      }
    }
    return s + StringCtor.fromCharCode.apply(null, chunk);
  }

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

  // ---------------------------------------------------------------- Buffer (minimal)
  const HEX = "0123456789abcdef";
  class Buffer extends Uint8ArrayCtor {
    static from(value, encodingOrOffset, length) {
      if (typeof value === "string") return Buffer._fromString(value, encodingOrOffset);
      if (value instanceof ArrayBufferCtor) {
        const off = encodingOrOffset || 0;
        return new Buffer(value, off, length === undefined ? value.byteLength - off : length);
      }
      if (ArrayBuffer.isView(value) || ArrayIsArray(value)) {
        const b = new Buffer(value.length);
        for (let i = 0; i < value.length; i++) b[i] = value[i];
        return b;
      }
      throw new TypeError("Buffer.from expects a string, an array or an ArrayBuffer");
    }
    static _fromString(str, enc) {
      enc = StringCtor(enc || "utf8").toLowerCase();
      let bytes;
      if (enc === "utf8" || enc === "utf-8") bytes = utf8Encode(str);
      else if (enc === "hex") {
        bytes = [];
        for (let i = 0; i + 1 < str.length; i += 2) {
          const v = parseInt(str.substr(i, 2), 16);
          if (Number.isNaN(v)) break;
          bytes.push(v);
        }
      } else if (enc === "base64" || enc === "base64url") {
        let s = StringCtor(str).replace(/-/g, "+").replace(/_/g, "/").replace(/[^A-Za-z0-9+/]/g, "");
        while (s.length % 4) s += "=";
        const bin = atob(s);
        bytes = [];
        for (let i = 0; i < bin.length; i++) bytes.push(bin.charCodeAt(i));
      } else if (enc === "latin1" || enc === "binary" || enc === "ascii") {
        bytes = [];
        for (let i = 0; i < str.length; i++) bytes.push(str.charCodeAt(i) & 0xff);
      } else throw new TypeError(`Unknown encoding: ${enc}`);
      const b = new Buffer(bytes.length);
      for (let i = 0; i < bytes.length; i++) b[i] = bytes[i];
      return b;
    }
    static alloc(size, fill) {
      const b = new Buffer(size);
      if (fill !== undefined) b.fill(typeof fill === "string" ? fill.charCodeAt(0) : fill);
      return b;
    }
    static isBuffer(v) {
      return v instanceof Buffer;
    }
    static byteLength(str, enc) {
      return typeof str === "string" ? Buffer._fromString(str, enc).length : str.byteLength;
    }
    static concat(list, total) {
      if (total === undefined) total = list.reduce((n, b) => n + b.length, 0);
      const out = new Buffer(total);
      let off = 0;
      for (const b of list) {
        for (let i = 0; i < b.length && off < total; i++) out[off++] = b[i];
      }
      return out;
    }
    toString(enc, start, end) {
      enc = StringCtor(enc || "utf8").toLowerCase();
      start = start || 0;
      end = end === undefined ? this.length : MathMin(end, this.length);
      if (enc === "utf8" || enc === "utf-8") return utf8Decode(this, start, end);
      let s = "";
      if (enc === "hex") {
        for (let i = start; i < end; i++) s += HEX[this[i] >> 4] + HEX[this[i] & 15];
        return s;
      }
      for (let i = start; i < end; i++) s += StringCtor.fromCharCode(this[i]);
      if (enc === "base64") return btoa(s);
      if (enc === "base64url") return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      if (enc === "latin1" || enc === "binary" || enc === "ascii") return s;
      throw new TypeError(`Unknown encoding: ${enc}`);
    }
    toJSON() {
      return { type: "Buffer", data: Array.from(this) };
    }
    equals(other) {
      if (this.length !== other.length) return false;
      for (let i = 0; i < this.length; i++) if (this[i] !== other[i]) return false;
      return true;
    }
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

  function isError(v) {
    return Error.isError ? Error.isError(v) : v instanceof ErrorCtor;
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

  // Drop frames of this prelude (evaluated as "eval_script") from user-visible stacks.
  function cleanStack(stack) {
    return stack
      .split("\n")
      .filter((l) => !l.includes("(eval_script:") && !l.includes("(<embedsandbox>"))
      .join("\n");
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

  function formatTypedArray(ctx, value) {
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

  function isBelowBreakLength(ctx, output, start, base) {
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
            } catch (e) {
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
      const s = ["Trace" + (args.length ? ": " + format(...args) : ""), cleanStack(e.stack || "")];
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
  const files = new MapCtor(); // "a/b.txt" -> string | Uint8Array
  const dirs = new SetCtor([""]);
  const stdinText = cfg.stdin;

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
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  for (const name of ObjectKeys(cfg.files)) {
    const key = toKey(name);
    if (key === "") continue;
    files.set(key, cfg.files[name]);
    addParents(key);
  }

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
    if (flag === "a" && files.has(key)) files.set(key, asText(files.get(key)) + asText(value));
    else if (flag === "wx" && files.has(key)) throw fsError("EEXIST", "open", p, "file already exists");
    else files.set(key, value);
  }

  function appendFileSync(path, data, options) {
    const fd = stdioFd(path);
    if (fd) return writeFileSync(path, data, options);
    const p = pathArg(path);
    const key = toKey(p);
    if (files.has(key)) {
      const prev = files.get(key);
      const add = toData(data);
      if (typeof prev === "string" && typeof add === "string") files.set(key, prev + add);
      else {
        const a = typeof prev === "string" ? utf8Encode(prev) : prev;
        const b = typeof add === "string" ? utf8Encode(add) : add;
        const c = new Uint8ArrayCtor(a.length + b.length);
        c.set(a, 0);
        c.set(b, a.length);
        files.set(key, c);
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
          dirs.add(d);
          if (first === undefined) first = "/" + d;
        }
      }
      return first;
    }
    checkParent(key, p, "mkdir");
    dirs.add(key);
    return undefined;
  }

  function unlinkSync(path) {
    const p = pathArg(path);
    const key = toKey(p);
    if (dirs.has(key)) throw fsError("EISDIR", "unlink", p, "illegal operation on a directory");
    if (!files.delete(key)) throw fsError("ENOENT", "unlink", p, "no such file or directory");
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
    if (files.delete(key)) return;
    if (dirs.has(key) && key !== "") {
      if (!recursive) {
        const e = fsError("EISDIR", "rm", p, "is a directory");
        e.code = "ERR_FS_EISDIR";
        throw e;
      }
      const prefix = key + "/";
      for (const k of Array.from(files.keys())) if (k.startsWith(prefix)) files.delete(k);
      for (const d of Array.from(dirs)) if (d === key || d.startsWith(prefix)) dirs.delete(d);
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
    const v = files.get(ka);
    files.delete(ka);
    files.set(kb, v);
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
  const env = {};
  for (const k of ObjectKeys(cfg.env)) env[k] = cfg.env[k];
  const process = {
    argv: ["node", cfg.main, ...cfg.args],
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
    const hex = host("R" + n);
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
    buffer: { Buffer },
  };
  function builtin(name) {
    const n = StringCtor(name).startsWith("node:") ? StringCtor(name).slice(5) : StringCtor(name);
    if (ObjectPrototypeHasOwn.call(builtins, n)) return builtins[n];
    return undefined;
  }
  function require(name) {
    const m = builtin(name);
    if (m !== undefined) return m;
    const e = new ErrorCtor(`Cannot find module '${name}'`);
    e.code = "MODULE_NOT_FOUND";
    throw e;
  }
  // The host's module loader serves `import ... from "fs"` as a tiny module reading this.
  ObjectDefineProperty(G, Symbol.for("embedsandbox.builtin"), { value: builtin });

  // ---------------------------------------------------------------- globals
  const globals = {
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
  if (cfg.hostCall) {
    // Private door for host calls (HTTP egress). A JS `fetch` built on it plugs in here.
    ObjectDefineProperty(G, "__embedsandbox_host", {
      value: function __embedsandbox_host(request) {
        const reply = host("h" + wellFormed(StringCtor(request)));
        if (typeof reply !== "string") throw new ErrorCtor("host call failed");
        return reply;
      },
      writable: false,
      configurable: false,
    });
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
    if (isOutOfMemory(e)) host("m");
    let text;
    try {
      text = describeThrown(e);
    } catch (e2) {
      if (isOutOfMemory(e2)) host("m");
      text = "Uncaught exception";
    }
    writeOut(2, text + "\n");
    if (cfg.entry === "function") host("re");
    hostExit(1);
  }

  function kindOf(v) {
    if (typeof v === "function") return "a function";
    if (typeof v === "symbol") return "a symbol";
    return `a ${typeof v}`;
  }

  function deliver(value) {
    let text;
    try {
      text = value === undefined ? "null" : JSONStringify(value);
    } catch (e) {
      if (isOutOfMemory(e)) host("m");
      let why;
      try {
        why = call(ErrorToString, e);
      } catch {
        why = "unknown error";
      }
      writeOut(2, `TypeError: the return value of execute cannot be serialised as JSON: ${why}\n`);
      host("rj");
      hostExit(1);
    }
    if (typeof text !== "string") {
      writeOut(2, `TypeError: the return value of execute cannot be serialised as JSON: it is ${kindOf(value)}\n`);
      host("rj");
      hostExit(1);
    }
    host("rv" + text);
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
          host("re");
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
        host("re");
        return 1;
      }
      writeOut(2, `Warning: Detected unsettled top-level await in ${cfg.main}\n`);
      return 13;
    }
    return toExitCode(exitCodeValue);
  }

  return { run, tick, finish };
});
