/**
 * Reading one marker comment (`+kubebuilder:validation:Minimum=1`, `+kubebuilder:printcolumn:name="Age",...`)
 * into its definition and typed arguments, with controller-gen's argument syntax: `key=value` pairs separated
 * by commas, strings bare, "double-quoted" or `backquoted`, lists as `a;b;c` or `{a,b}`.
 */
import { markerDefs, markerNamesLongestFirst, type ArgType, type MarkerDef } from "./markerdefs.js";

/** A JSON-like argument value. */
export type MarkerValue = string | number | boolean | null | MarkerValue[] | { [key: string]: MarkerValue };

export interface Marker {
  def: MarkerDef;
  /** The value of `+name=value` (true for a bare flag). */
  value: MarkerValue;
  /** Named arguments of `+name:key=value,...`. */
  args: Readonly<Record<string, MarkerValue>>;
  /** The marker text without the leading `+`. */
  text: string;
}

export type ParseResult = { ok: true; marker: Marker } | { ok: false; error: string } | { ok: "ignore" };

/** Markers of other tools that share the `+` syntax and are never ours to judge. */
const foreignPrefixes = ["kubebuilder:scaffold", "kubebuilder:docs-gen", "k8s:", "genclient", "groupGoName", "operator-sdk:", "kubebuilder:ac:"];

/** Splits at `sep` outside quotes and braces. */
export function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      cur += c;
      if (c === "\\" && quote === '"' && i + 1 < text.length) cur += text[++i] as string;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "`") quote = c;
    else if (c === "{") depth++;
    else if (c === "}") depth--;
    else if (c === sep && depth === 0) {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

function unquote(raw: string): string {
  const t = raw.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t.slice(1, -1);
    }
  }
  if (t.length >= 2 && t.startsWith("`") && t.endsWith("`")) return t.slice(1, -1);
  return t;
}

function scalar(raw: string): MarkerValue {
  const t = raw.trim();
  if (t === "true") return true;
  if (t === "false") return false;
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return unquote(t);
}

/** Converts an argument's text; a string result is an error message. */
export function convertArg(raw: string, type: ArgType): { value: MarkerValue } | { error: string } {
  const t = raw.trim();
  switch (type) {
    case "string":
      return { value: unquote(t) };
    case "int":
      return /^-?\d+$/.test(t) ? { value: Number(t) } : { error: `"${t}" is not an integer` };
    case "number":
      return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t) ? { value: Number(t) } : { error: `"${t}" is not a number` };
    case "bool":
      return t === "true" || t === "false" ? { value: t === "true" } : { error: `"${t}" is not true or false` };
    case "strings": {
      const items = t.startsWith("{") && t.endsWith("}") ? splitTopLevel(t.slice(1, -1), ",") : splitTopLevel(t, ";");
      return { value: items.map(unquote) };
    }
    case "json":
      try {
        return { value: JSON.parse(t) as MarkerValue };
      } catch {
        return { error: `${t} is not a JSON value` };
      }
    case "any": {
      try {
        return { value: JSON.parse(t) as MarkerValue };
      } catch {
        // not JSON: controller-gen's looser syntax
      }
      try {
        return { value: parseLoose(t) };
      } catch (err) {
        return { error: `${t} is not a value (${(err as Error).message}); use JSON, a bare word, {a,b} for a list or {key: value} for an object` };
      }
    }
  }
}

/**
 * controller-gen's syntax for untyped marker values (`+kubebuilder:default=...`): bare words are strings,
 * `{a,b}` is a list, `{key: value, k2: v2}` an object, and both nest (`{{nested: {foo: "baz"}},{nested: {}}}`).
 * `{}` is an empty object here; the schema's type decides whether it means [] (see apply.ts).
 */
export function parseLoose(text: string): MarkerValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const quoted = (): string => {
    const q = text[i] as string;
    const startAt = i++;
    while (i < text.length && text[i] !== q) i += text[i] === "\\" && q === '"' ? 2 : 1;
    if (i >= text.length) throw new Error(`unterminated ${q === '"' ? "string" : "raw string"}`);
    i++;
    const raw = text.slice(startAt, i);
    return q === '"' ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const bare = (stops: string): string => {
    const startAt = i;
    while (i < text.length && !stops.includes(text[i] as string)) i++;
    return text.slice(startAt, i).trim();
  };
  // at `{`: an object when its first entry is `key:` (key bare or quoted), a list otherwise
  const looksLikeObject = (): boolean => {
    const save = i;
    try {
      ws();
      if (text[i] === '"' || text[i] === "`") quoted();
      else if (/[A-Za-z0-9_.\-/]/.test(text[i] ?? "")) bare(":,{}");
      else return false;
      ws();
      return text[i] === ":";
    } catch {
      return false;
    } finally {
      i = save;
    }
  };
  const value = (stops: string): MarkerValue => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return {};
      }
      if (looksLikeObject()) {
        const obj: Record<string, MarkerValue> = {};
        for (;;) {
          ws();
          const key = text[i] === '"' || text[i] === "`" ? quoted() : bare(":");
          ws();
          if (text[i] !== ":") throw new Error(`expected ":" after "${key}"`);
          i++;
          obj[key] = value(",}");
          ws();
          if (text[i] === ",") i++;
          else if (text[i] === "}") {
            i++;
            return obj;
          } else throw new Error(`expected "," or "}" at offset ${i}`);
        }
      }
      const list: MarkerValue[] = [];
      for (;;) {
        list.push(value(",}"));
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return list;
        } else throw new Error(`expected "," or "}" at offset ${i}`);
      }
    }
    if (c === '"' || c === "`") return quoted();
    const word = bare(stops);
    if (word === "") throw new Error(`missing value at offset ${i}`);
    return scalar(word);
  };
  const out = value("");
  ws();
  if (i < text.length) throw new Error(`unexpected "${text.slice(i)}"`);
  return out;
}

export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** The closest known marker name to a misspelt one, with its distance. */
export function closestMarker(name: string): { name: string; distance: number } {
  const candidates = [name, name.replace(/:[^:]*$/, "")];
  let best = { name: "", distance: Infinity };
  for (const known of markerDefs.keys()) {
    for (const c of candidates) {
      const d = Math.min(levenshtein(c, known), levenshtein(c.toLowerCase(), known.toLowerCase()) + 0.5);
      if (d < best.distance) best = { name: known, distance: d };
    }
  }
  return best;
}

/** Parses marker text after the `+`. */
export function parseMarker(text: string): ParseResult {
  const body = text.trim();
  const name = markerNamesLongestFirst.find((n) => body === n || body.startsWith(`${n}=`) || body.startsWith(`${n}:`));
  if (name === undefined) {
    if (foreignPrefixes.some((p) => body.startsWith(p))) return { ok: "ignore" };
    const head = body.split("=")[0] as string;
    const best = closestMarker(head);
    if (!head.startsWith("kubebuilder:") && best.distance > 2) return { ok: "ignore" };
    const known = markerDefs.get(best.name) as MarkerDef;
    return { ok: false, error: `unknown marker "+${head}"; did you mean "+${best.name}"? (expected form: ${known.form})` };
  }
  const def = markerDefs.get(name) as MarkerDef;
  const rest = body.slice(name.length);
  const bad = (why: string): ParseResult => ({ ok: false, error: `marker "+${body}": ${why} (expected form: ${def.form})` });
  if (def.args) {
    if (rest.startsWith("=")) return bad(`takes named arguments, not a value`);
    const args: Record<string, MarkerValue> = {};
    if (rest.startsWith(":")) {
      for (const piece of splitTopLevel(rest.slice(1), ",")) {
        if (piece.trim() === "") continue;
        const eq = piece.indexOf("=");
        const key = (eq < 0 ? piece : piece.slice(0, eq)).trim();
        const argDef = def.args[key];
        if (!argDef) {
          const near = Object.keys(def.args).sort((a, b) => levenshtein(key, a) - levenshtein(key, b))[0];
          return bad(`unknown argument "${key}"${near ? `; did you mean "${near}"?` : ""}`);
        }
        if (eq < 0) {
          if (argDef.type === "bool") args[key] = true;
          else return bad(`argument "${key}" needs a value`);
          continue;
        }
        const conv = convertArg(piece.slice(eq + 1), argDef.type);
        if ("error" in conv) return bad(`argument "${key}": ${conv.error}`);
        args[key] = conv.value;
      }
    } else if (rest !== "") return bad("unexpected text after the marker name");
    const missing = Object.entries(def.args).filter(([k, a]) => !a.optional && !(k in args)).map(([k]) => k);
    if (missing.length > 0) return bad(`missing argument${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")}`);
    return { ok: true, marker: { def, value: true, args, text: body } };
  }
  if (def.value === undefined) {
    if (rest !== "") return bad("takes no value");
    return { ok: true, marker: { def, value: true, args: {}, text: body } };
  }
  if (rest === "") {
    if (def.bareIsTrue) return { ok: true, marker: { def, value: true, args: {}, text: body } };
    return bad("needs a value");
  }
  if (!rest.startsWith("=")) return bad("a value must follow \"=\"");
  const conv = convertArg(rest.slice(1), def.value);
  if ("error" in conv) return bad(conv.error);
  return { ok: true, marker: { def, value: conv.value, args: {}, text: body } };
}
