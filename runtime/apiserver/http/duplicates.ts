/**
 * Duplicate keys in a request body, as kube-apiserver's strict decoding reports them with fieldValidation
 * Strict or Warn (JSON.parse and the YAML parser keep the last value silently, as Go's decoders do):
 *
 * - JSON (sigs.k8s.io/json UnmarshalStrict): `duplicate field "spec.a"` per repeated key, in document order, the
 *   path dotted with `[i]` for list items.
 * - YAML (sigs.k8s.io/yaml YAMLToJSONStrict, go-yaml): `line 5: key "a" already set in map` per repeated key,
 *   numbered by the line of the repeated key's value.
 *
 * The JSON check is cheap when there is nothing to find: a count of the `:` outside strings against the keys of
 * the parsed value; only a mismatch pays for the full scan that locates the repeats.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node as YAMLNode } from "yaml";

/** One object key of a JSON document, in document order: its path and whether its object already had it. */
export interface KeyEvent {
  path: string;
  duplicate: boolean;
}

/** Upstream keeps at most 100 strict decoding errors. */
export const maxStrictErrors = 100;

function countKeys(v: unknown): number {
  if (Array.isArray(v)) {
    let n = 0;
    for (const x of v) n += countKeys(x);
    return n;
  }
  if (typeof v === "object" && v !== null) {
    let n = 0;
    for (const k in v) n += 1 + countKeys((v as Record<string, unknown>)[k]);
    return n;
  }
  return 0;
}

/** The index of the quote closing the string opened at `start`. */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return text.length;
    let b = q - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    j = q + 1;
  }
}

function countColons(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) i = stringEnd(text, i);
    else if (c === 58) n++;
  }
  return n;
}

/** Whether a valid JSON document (`parsed` is its JSON.parse result) repeats a key anywhere. */
export function jsonHasDuplicateKeys(text: string, parsed: unknown): boolean {
  return countColons(text) !== countKeys(parsed);
}

interface Frame {
  path: string;
  /** Keys seen (objects) or undefined (arrays). */
  keys?: Set<string>;
  index: number;
}

/** Every object key of a valid JSON document with its path, in document order. */
export function jsonKeyEvents(text: string): KeyEvent[] {
  const out: KeyEvent[] = [];
  const stack: Frame[] = [];
  let pendingPath: string | undefined; // the path the next value gets
  const valuePath = (): string => {
    if (pendingPath !== undefined) {
      const p = pendingPath;
      pendingPath = undefined;
      return p;
    }
    const top = stack[stack.length - 1];
    if (top && !top.keys) return `${top.path}[${top.index++}]`;
    return "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) {
      // { or [
      stack.push({ path: valuePath(), ...(c === 123 ? { keys: new Set<string>() } : {}), index: 0 });
    } else if (c === 125 || c === 93) {
      stack.pop();
    } else if (c === 34) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      // a string is a key when it sits in an object and the next significant character is ':'
      let j = end + 1;
      while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13)) j++;
      if (top?.keys && text.charCodeAt(j) === 58 && pendingPath === undefined) {
        const raw = text.slice(i, end + 1);
        const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const path = top.path ? `${top.path}.${key}` : key;
        out.push({ path, duplicate: top.keys.has(key) });
        top.keys.add(key);
        pendingPath = path;
        i = j;
      } else {
        valuePath();
        i = end;
      }
    } else if (c === 44 || c === 58 || c === 32 || c === 9 || c === 10 || c === 13) {
      // , : whitespace
    } else {
      // a number or literal: consume it
      valuePath();
      while (i + 1 < text.length && !",]} \t\r\n".includes(text[i + 1] as string)) i++;
    }
  }
  return out;
}

/** Go's %#v of a decoded YAML map key. */
function goKey(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return "<nil>";
  return String(v);
}

/** go-yaml's strict errors for repeated map keys: `line N: key "k" already set in map`, in decoding order. */
export function yamlDuplicateKeys(doc: Document, lines: LineCounter): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (isSeq(n)) {
      for (const item of n.items) walk(item);
    } else if (isMap(n)) {
      const seen = new Set<string>();
      for (const pair of n.items) {
        // the value is decoded first (its own repeats come first), then the key is set in the map
        walk(pair.value);
        const key: unknown = pair.key;
        if (!isScalar(key)) continue;
        const id = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(id)) {
          const at = (pair.value as YAMLNode | null)?.range?.[0] ?? key.range?.[0] ?? 0;
          out.push(`line ${lines.linePos(at).line}: key ${goKey(key.value)} already set in map`);
        }
        seen.add(id);
      }
    }
  };
  walk(doc.contents);
  return out;
}
