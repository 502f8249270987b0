/**
 * JSON patch (RFC 6902, `application/json-patch+json`) with the behaviour and error texts of the library
 * kube-apiserver uses (gopkg.in/evanphx/json-patch.v4), including its departures from the RFC:
 *
 * - `replace` of a member missing from an existing object adds it (only a missing parent or array index fails);
 * - negative array indices count from the end (`/list/-1`); `-` appends for `add`;
 * - a JSON null in the document counts as absent when walking a path and for `test`;
 * - `add` without `value` adds null; `copy` from a missing member copies null;
 * - path `""` works for `replace` (object or array value) and `test`, not for `add`/`remove`.
 *
 * A patch that is not a list of objects → PatchError "BadRequest" (400). More than 10000 operations →
 * "RequestEntityTooLarge" (413). An operation that does not apply → "Invalid" (422; upstream hides the detail behind
 * "the server rejected our request due to an error in our request").
 */
import { PatchError } from "./errors.js";
import { goQuote } from "./goformat.js";
import { cloneJson, hasOwn, isObject, jsonEqual, jsonKind, setOwn, type JsonObject } from "./json.js";

/** kube-apiserver's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** An operation failure: becomes PatchError("Invalid"). */
class OpError extends Error {}

type Container = JsonObject | unknown[];

const MISSING = "missing value";
const INVALID_INDEX = "invalid index referenced";
const TEST_FAILED = "test failed";

/** strconv.Atoi. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new OpError(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const n = Number(s);
  if (Math.abs(n) >= 2 ** 63) throw new OpError(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return n;
}

function invalidIndex(idx: number): OpError {
  return new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
}

/** RFC 6901 unescaping of one reference token. */
function decodeKey(k: string): string {
  return k.replace(/~[01]/g, (m) => (m === "~1" ? "/" : "~"));
}

function get(c: Container, key: string): unknown {
  if (!Array.isArray(c)) return hasOwn(c, key) ? c[key] : undefined;
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -c.length) throw invalidIndex(idx);
    idx += c.length;
  }
  if (idx >= c.length) throw invalidIndex(idx);
  return c[idx];
}

function set(c: Container, key: string, value: unknown): void {
  if (!Array.isArray(c)) {
    setOwn(c, key, value);
    return;
  }
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -c.length) throw invalidIndex(idx);
    idx += c.length;
  }
  c[idx] = value;
}

function add(c: Container, key: string, value: unknown): void {
  if (!Array.isArray(c)) {
    setOwn(c, key, value);
    return;
  }
  if (key === "-") {
    c.push(value);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    throw new OpError(`value was not a proper array index: '${key}': ${(e as Error).message}`);
  }
  const size = c.length + 1;
  if (idx >= size) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) throw invalidIndex(idx);
    idx += size;
  }
  c.splice(idx, 0, value);
}

function remove(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!hasOwn(c, key)) throw new OpError(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete c[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= c.length) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -c.length) throw invalidIndex(idx);
    idx += c.length;
  }
  c.splice(idx, 1);
}

/** The container holding the last token of `path`, or undefined when a step is missing (evanphx findObject). */
function findObject(root: Container, path: string): { container: Container; key: string } | undefined {
  const split = path.split("/");
  if (split.length < 2) return undefined;
  let doc: Container = root;
  for (const part of split.slice(1, -1)) {
    let next: unknown;
    try {
      next = get(doc, decodeKey(part));
    } catch {
      return undefined;
    }
    if (Array.isArray(next) || isObject(next)) doc = next;
    else return undefined;
  }
  return { container: doc, key: decodeKey(split[split.length - 1] ?? "") };
}

type Operation = JsonObject | null;

function kind(op: Operation): string {
  const v = op?.["op"];
  return typeof v === "string" ? v : "unknown";
}

/** Operation.Path() / From(): the string member, or the error evanphx reports. */
function stringField(op: Operation, field: "path" | "from"): { value: string } | { error: string } {
  const v = op !== null && hasOwn(op, field) ? op[field] : null;
  if (v === null || v === undefined) {
    return { error: field === "path" ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}` };
  }
  if (typeof v !== "string") return { error: `json: cannot unmarshal ${jsonKind(v)} into Go value of type string` };
  return { value: v };
}

/** The operation's value (absent and null both mean null); `present` tells them apart from a real value. */
function value(op: Operation): { present: boolean; value: unknown } {
  if (op !== null && hasOwn(op, "value") && op["value"] !== null && op["value"] !== undefined) {
    return { present: true, value: cloneJson(op["value"]) };
  }
  return { present: false, value: null };
}

interface Doc {
  root: Container;
}

function applyAdd(doc: Doc, op: Operation): void {
  const p = stringField(op, "path");
  if ("error" in p) throw new OpError(`add operation failed to decode path: ${MISSING}`);
  const path = p.value;
  const found = findObject(doc.root, path);
  if (!found) throw new OpError(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
  try {
    add(found.container, found.key, value(op).value);
  } catch (e) {
    throw new OpError(`error in add for path: '${path}': ${(e as Error).message}`);
  }
}

function applyRemove(doc: Doc, op: Operation): void {
  const p = stringField(op, "path");
  if ("error" in p) throw new OpError(`remove operation failed to decode path: ${MISSING}`);
  const path = p.value;
  const found = findObject(doc.root, path);
  if (!found) throw new OpError(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
  try {
    remove(found.container, found.key);
  } catch (e) {
    throw new OpError(`error in remove for path: '${path}': ${(e as Error).message}`);
  }
}

function applyReplace(doc: Doc, op: Operation): void {
  const p = stringField(op, "path");
  if ("error" in p) throw new OpError(`replace operation failed to decode path: ${p.error}`);
  const path = p.value;
  if (path === "") {
    const v = value(op).value;
    // Go formats the nil error it wraps here as %!w(<nil>).
    if (!Array.isArray(v) && !isObject(v)) throw new OpError("replace operation value must be object or array: %!w(<nil>)");
    doc.root = v;
    return;
  }
  const found = findObject(doc.root, path);
  if (!found) throw new OpError(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
  try {
    get(found.container, found.key);
  } catch {
    throw new OpError(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
  }
  try {
    set(found.container, found.key, value(op).value);
  } catch (e) {
    throw new OpError(`error in remove for path: '${path}': ${(e as Error).message}`);
  }
}

function applyMove(doc: Doc, op: Operation): void {
  const f = stringField(op, "from");
  if ("error" in f) throw new OpError(`move operation failed to decode from: ${f.error}`);
  const from = f.value;
  const src = findObject(doc.root, from);
  if (!src) throw new OpError(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
  let moved: unknown;
  try {
    moved = get(src.container, src.key);
    remove(src.container, src.key);
  } catch (e) {
    throw new OpError(`error in move for path: '${src.key}': ${(e as Error).message}`);
  }
  const p = stringField(op, "path");
  if ("error" in p) throw new OpError(`move operation failed to decode path: ${p.error}`);
  const path = p.value;
  const dst = findObject(doc.root, path);
  if (!dst) throw new OpError(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
  try {
    add(dst.container, dst.key, moved ?? null);
  } catch (e) {
    throw new OpError(`error in move for path: '${path}': ${(e as Error).message}`);
  }
}

function applyTest(doc: Doc, op: Operation): void {
  const p = stringField(op, "path");
  if ("error" in p) throw new OpError(`test operation failed to decode path: ${p.error}`);
  const path = p.value;
  const expected = value(op);
  if (path === "") {
    if (expected.present && jsonEqual(doc.root, expected.value)) return;
    throw new OpError(`testing value ${path} failed: ${TEST_FAILED}`);
  }
  const found = findObject(doc.root, path);
  if (!found) throw new OpError(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
  let actual: unknown;
  try {
    actual = get(found.container, found.key);
  } catch (e) {
    throw new OpError(`error in test for path: '${path}': ${(e as Error).message}`);
  }
  if (actual === undefined || actual === null) {
    if (!expected.present) return;
  } else if (expected.present && jsonEqual(actual, expected.value)) {
    return;
  }
  throw new OpError(`testing value ${path} failed: ${TEST_FAILED}`);
}

function applyCopy(doc: Doc, op: Operation): void {
  const f = stringField(op, "from");
  if ("error" in f) throw new OpError(`copy operation failed to decode from: ${f.error}`);
  const from = f.value;
  const src = findObject(doc.root, from);
  if (!src) throw new OpError(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
  let copied: unknown;
  try {
    copied = get(src.container, src.key);
  } catch (e) {
    throw new OpError(`error in copy for from: '${from}': ${(e as Error).message}`);
  }
  const p = stringField(op, "path");
  if ("error" in p) throw new OpError(`copy operation failed to decode path: ${MISSING}`);
  const path = p.value;
  const dst = findObject(doc.root, path);
  if (!dst) throw new OpError(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
  try {
    add(dst.container, dst.key, cloneJson(copied ?? null));
  } catch (e) {
    throw new OpError(`error while adding value during copy: ${(e as Error).message}`);
  }
}

/** jsonpatch.DecodePatch: a JSON list of objects (null = no operations). */
function decode(ops: unknown): Operation[] {
  if (ops === null || ops === undefined) return [];
  if (!Array.isArray(ops)) {
    throw new PatchError("BadRequest", `json: cannot unmarshal ${jsonKind(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (op !== null && !isObject(op)) {
      throw new PatchError("BadRequest", `json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  return ops as Operation[];
}

/**
 * Applies an RFC 6902 patch (the decoded JSON list of operations) and returns the new document; neither argument is
 * modified. Throws PatchError (see the module comment for the classification).
 */
export function applyJsonPatch(original: unknown, ops: unknown): unknown {
  const operations = decode(ops);
  if (operations.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(
      "RequestEntityTooLarge",
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${operations.length}`,
    );
  }
  const start = cloneJson(original);
  if (!Array.isArray(start) && !isObject(start)) {
    throw new PatchError("Invalid", `json: cannot unmarshal ${jsonKind(start)} into Go value of type jsonpatch.partialDoc`);
  }
  const doc: Doc = { root: start };
  try {
    for (const op of operations) {
      switch (kind(op)) {
        case "add":
          applyAdd(doc, op);
          break;
        case "remove":
          applyRemove(doc, op);
          break;
        case "replace":
          applyReplace(doc, op);
          break;
        case "move":
          applyMove(doc, op);
          break;
        case "test":
          applyTest(doc, op);
          break;
        case "copy":
          applyCopy(doc, op);
          break;
        default:
          throw new OpError(`Unexpected kind: ${kind(op)}`);
      }
    }
  } catch (e) {
    if (e instanceof OpError) throw new PatchError("Invalid", e.message);
    throw e;
  }
  return doc.root;
}
