/**
 * What ConfigMaps and Secrets share: base64 `[]byte` values decoded as Go's encoding/json does (invalid input is a
 * 400 at decode time upstream), config-key validation, the 1 MiB size limit and the `immutable` rules.
 */
import { newBadRequest } from "../../../core/errors.js";
import type { KubeObject } from "../../../core/object.js";
import { deepEqual } from "../../../core/object.js";
import { fieldErrors, type FieldError } from "../../../core/validation.js";
import { asObj } from "./util.js";

/** core.MaxSecretSize: 1 MiB, for Secret data and ConfigMap data + binaryData. */
export const maxDataSize = 1024 * 1024;

const b64 = /[A-Za-z0-9+/]/;

/**
 * Where Go's base64.StdEncoding rejects `s` (the "illegal base64 data at input byte N" offset), or undefined
 * when it decodes.
 */
export function base64ErrorOffset(s: string): number | undefined {
  const n = s.length;
  let si = 0;
  const skipNewlines = (): void => {
    while (si < n && (s[si] === "\n" || s[si] === "\r")) si++;
  };
  for (;;) {
    let j = 0;
    while (j < 4) {
      if (si === n) return j === 0 ? undefined : si - j;
      const c = s[si] ?? "";
      si++;
      if (c === "\n" || c === "\r") continue;
      if (b64.test(c)) {
        j++;
        continue;
      }
      if (c !== "=") return si - 1;
      if (j === 0 || j === 1) return si - 1;
      if (j === 2) {
        skipNewlines();
        if (si === n) return n;
        if (s[si] !== "=") return si - 1;
        si++;
      }
      skipNewlines();
      if (si < n) return si;
      return undefined;
    }
  }
}

/** The decoded size of a valid base64 value. */
export function decodedLength(s: string): number {
  return Buffer.from(s.replace(/[\r\n]/g, ""), "base64").length;
}

/**
 * Rejects a `[]byte` map (Secret.data, ConfigMap.binaryData) holding a value that is not a string of valid base64,
 * with the 400 kube-apiserver answers when it cannot decode the request body.
 */
export function checkBase64Map(obj: KubeObject, field: string, kind: string): void {
  const m = asObj(obj[field]);
  if (!m) return;
  for (const v of Object.values(m)) {
    if (v === null) continue;
    if (typeof v !== "string") {
      throw newBadRequest(`${kind} in version "v1" cannot be handled as a ${kind}: json: cannot unmarshal ${jsonKind(v)} into Go struct field ${kind}.${field} of type []uint8`);
    }
    const off = base64ErrorOffset(v);
    if (off !== undefined) throw newBadRequest(`${kind} in version "v1" cannot be handled as a ${kind}: illegal base64 data at input byte ${off}`);
  }
}

function jsonKind(v: unknown): string {
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  return "object";
}

function sameMap(a: unknown, b: unknown): boolean {
  const ea = asObj(a);
  const eb = asObj(b);
  if ((!ea || Object.keys(ea).length === 0) && (!eb || Object.keys(eb).length === 0)) return true;
  return deepEqual(a, b);
}

/** The `immutable: true` rules of ValidateSecretUpdate / ValidateConfigMapUpdate for the given data fields. */
export function validateImmutableData(obj: KubeObject, old: KubeObject, fields: readonly string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  const msg = "field is immutable when `immutable` is set";
  if (obj.immutable !== true) errs.push(fieldErrors.forbidden("immutable", msg));
  for (const f of fields) if (!sameMap(obj[f], old[f])) errs.push(fieldErrors.forbidden(f, msg));
  return errs;
}

/** Go's json.Unmarshal error text for a value that should hold a JSON object (docker config secrets). */
export function jsonObjectError(text: string): string | undefined {
  const syntax = goJSONSyntaxError(text);
  if (syntax) return syntax;
  const v: unknown = JSON.parse(text);
  if (asObj(v) || v === null) return undefined;
  const kind = Array.isArray(v) ? "array" : typeof v === "string" ? "string" : typeof v === "number" ? "number" : "bool";
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

/** The message Go's encoding/json scanner gives for malformed JSON (undefined when well-formed). */
export function goJSONSyntaxError(text: string): string | undefined {
  let i = 0;
  const n = text.length;
  class Fail extends Error {}
  const ws = (): void => {
    while (i < n && " \t\r\n".includes(text[i] ?? "")) i++;
  };
  const bad = (context: string): never => {
    if (i >= n) throw new Fail("unexpected end of JSON input");
    const c = text[i] ?? "";
    const shown = c === "'" ? "\\'" : c;
    throw new Fail(`invalid character '${shown}' ${context}`);
  };
  const str = (): void => {
    i++;
    while (i < n && text[i] !== '"') {
      if (text[i] === "\\") i++;
      i++;
    }
    if (i >= n) throw new Fail("unexpected end of JSON input");
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') bad("looking for beginning of object key string");
        str();
        ws();
        if (text[i] !== ":") bad("after object key");
        i++;
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        bad("after object key:value pair");
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        bad("after array element");
      }
    }
    if (c === '"') return str();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (m && m[0]) {
      i += m[0].length;
      return;
    }
    bad("looking for beginning of value");
  };
  try {
    value();
    ws();
    if (i < n) bad("after top-level value");
  } catch (e) {
    if (e instanceof Fail) return e.message;
    throw e;
  }
  return undefined;
}
