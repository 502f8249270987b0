/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), applied the way kube-apiserver applies it
 * (k8s.io/apimachinery/pkg/util/strategicpatch StrategicMergeMapPatch, server side: parallel lists merged, unmatched
 * nulls ignored), driven by PatchMeta instead of Go struct tags.
 *
 * Semantics:
 * - objects merge key by key; null deletes; a value whose type differs from the live one replaces it;
 * - lists: strategy "merge" with a mergeKey merges elements by key, "merge" on scalars merges as a set; anything else
 *   replaces the list;
 * - element order of merged lists follows upstream: `$setElementOrder/<list>` wins, then the order in the patch list,
 *   then the live order; live-only elements keep their place relative to patch elements that were already live, and
 *   new patch elements not placed by `$setElementOrder` come before the live-only ones;
 * - directives: `$patch: replace|delete` on an object (replace = the patch object as is, delete = an empty object);
 *   list elements `{<mergeKey>: x, $patch: delete}` (delete every element with that key) and `{$patch: replace}`
 *   (the list becomes the patch list); `$retainKeys` (live keys not listed are dropped; patch keys must be listed);
 *   `$deleteFromPrimitiveList/<list>`; `$setElementOrder/<list>`.
 *
 * Upstream decodes the merged map into the typed object afterwards, which silently drops leftover directive keys and
 * null members of values taken from the patch. There is no such typed step here, so those are dropped explicitly:
 * no directive key ever reaches the result.
 *
 * Errors are PatchErrors classified like the PATCH handler's interpretStrategicMergePatchError: malformed
 * $retainKeys / $deleteFromPrimitiveList / $setElementOrder and a non-object patch → 400; a list of lists → 422;
 * everything else (missing merge key, unknown $patch value, order mismatch, element type mismatch) → 500 with the
 * library's message.
 */
import { PatchError } from "./errors.js";
import { goSprintS, goSprintV, goTypeName } from "./goformat.js";
import { cloneJson, hasOwn, isObject, jsonKind, setOwn, type JsonObject } from "./json.js";
import type { PatchMeta } from "./meta.js";

const DIRECTIVE_MARKER = "$patch";
const DELETE_DIRECTIVE = "delete";
const REPLACE_DIRECTIVE = "replace";
const MERGE_DIRECTIVE = "merge";
const RETAIN_KEYS_DIRECTIVE = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER_PREFIX = "$setElementOrder";

// Error texts of k8s.io/apimachinery/pkg/util/mergepatch.
const ERR_NO_LIST_OF_LISTS = "lists of lists are not supported";
const ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST = "invalid patch format of primitive list";
const ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS = "invalid patch format of retainKeys";
const ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST = "invalid patch format of setElementOrder list";

const internal = (message: string): PatchError => new PatchError("InternalError", message);
const badRequest = (message: string): PatchError => new PatchError("BadRequest", message);

function errNoMergeKey(m: unknown, key: string): PatchError {
  return internal(`map: ${goSprintV(m)} does not contain declared merge key: ${key}`);
}

function errBadArgType(expected: "map" | "slice", actual: unknown): PatchError {
  const want = expected === "map" ? "map[string]interface {}" : "[]interface {}";
  return internal(`expected a ${want}, but received a ${goTypeName(actual)}`);
}

function errBadPatchType(directive: unknown, m: JsonObject): PatchError {
  return internal(`unknown patch type: ${goSprintS(directive)} in map: ${goSprintV(m)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Patch metadata

function childMeta(meta: PatchMeta | undefined, key: string): PatchMeta | undefined {
  if (!meta) return undefined;
  if (meta.fields && hasOwn(meta.fields, key)) return meta.fields[key];
  return meta.values;
}

/** The list strategy once "retainKeys" is set aside: "merge", "replace" or "" (the default, which replaces). */
function listStrategy(meta: PatchMeta | undefined): string {
  switch (meta?.strategy) {
    case "merge":
    case "merge,retainKeys":
      return MERGE_DIRECTIVE;
    case "replace":
      return REPLACE_DIRECTIVE;
    default:
      return "";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Values taken from the patch

function isDirectiveKey(k: string): boolean {
  return (
    k === DIRECTIVE_MARKER ||
    k === RETAIN_KEYS_DIRECTIVE ||
    k.startsWith(SET_ELEMENT_ORDER_PREFIX) ||
    k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
  );
}

/** What decoding into the typed object does to a patch value: directive keys and null members disappear. */
function decodeLike(v: unknown): unknown {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = decodeLike(v[i]);
  } else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (isDirectiveKey(k) || v[k] === null) delete v[k];
      else setOwn(v, k, decodeLike(v[k]));
    }
  }
  return v;
}

/** discardNullValuesFromPatch: drops null members of objects, recursively (arrays keep null elements). */
function discardNulls(v: unknown): void {
  if (Array.isArray(v)) {
    for (const e of v) discardNulls(e);
  } else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNulls(v[k]);
    }
  }
}

/** removeDirectives: objects carrying `$patch` disappear (from their parent object or list), recursively. */
function removeDirectives(v: unknown): { keep: boolean; value: unknown } {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      const r = removeDirectives(e);
      if (r.keep) out.push(r.value);
    }
    return { keep: true, value: out };
  }
  if (isObject(v)) {
    if (hasOwn(v, DIRECTIVE_MARKER)) return { keep: false, value: null };
    for (const k of Object.keys(v)) {
      const r = removeDirectives(v[k]);
      if (r.keep) setOwn(v, k, r.value);
      else delete v[k];
    }
  }
  return { keep: true, value: v };
}

/** A patch value stored where the live object has nothing comparable (absent field, other type, scalar). */
function takePatchValue(target: JsonObject, key: string, patchValue: unknown): void {
  discardNulls(patchValue);
  const r = removeDirectives(patchValue);
  if (r.keep) setOwn(target, key, decodeLike(r.value));
  else delete target[key];
}

// ---------------------------------------------------------------------------------------------------------------
// Comparisons and ordering helpers (slice ordering of strategicpatch)

/** Go's == on two interface{} values holding decoded JSON (missing counts as nil). */
function goEq(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

type ElemKind = "map" | "slice" | "string" | "int64" | "float64" | "bool" | "nil";

function elemKind(v: unknown): ElemKind {
  if (v === null || v === undefined) return "nil";
  if (Array.isArray(v)) return "slice";
  if (isObject(v)) return "map";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  if (typeof v === "boolean") return "bool";
  return "string";
}

/** sliceElementType: the one element type shared by all the lists. */
function sliceElementType(...lists: unknown[][]): ElemKind {
  let prev: ElemKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = elemKind(v);
      if (prev === undefined) {
        prev = t;
        if (t === "slice") throw new PatchError("Invalid", ERR_NO_LIST_OF_LISTS);
      } else if (prev !== t) {
        throw internal(`list element types are not identical: ${goSprintV(lists)}`);
      }
    }
  }
  if (prev === undefined) throw internal("no elements in any of the given slices");
  return prev;
}

/** The value an element is identified by: its merge key for maps, itself for scalars. */
function identity(item: unknown, mergeKey: string, kind: ElemKind): unknown {
  if (kind !== "map") return item;
  return isObject(item) && hasOwn(item, mergeKey) ? item[mergeKey] : null;
}

function indexIn(list: readonly unknown[], item: unknown, mergeKey: string, kind: ElemKind): number {
  const id = identity(item, mergeKey, kind);
  for (let i = 0; i < list.length; i++) {
    if (goEq(identity(list[i], mergeKey, kind), id)) return i;
  }
  return -1;
}

/** findMapInSliceBasedOnKeyValue: the index of the first map whose `key` equals `value`. */
function findByKey(list: readonly unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (!isObject(e)) throw internal(`value for key ${i} is not a map`);
    if (hasOwn(e, key) && goEq(e[key], value)) return i;
  }
  return -1;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw errBadArgType("map", item);
      if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/** Splits a patch list into elements to keep and `$patch: delete` elements. */
function extractToDeleteItems(list: readonly unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const del: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType("map", v);
    if (hasOwn(v, DIRECTIVE_MARKER) && v[DIRECTIVE_MARKER] === DELETE_DIRECTIVE) del.push(v);
    else keep.push(v);
  }
  return [keep, del];
}

/** normalizeSliceOrder: stable sort of `toSort` by position in `order` (elements not found keep their place last). */
function sortByOrder(toSort: unknown[], order: readonly unknown[], mergeKey: string, kind: ElemKind): unknown[] {
  let items = toSort;
  let deletions: unknown[] = [];
  if (kind === "map") {
    validateMergeKeyInLists(mergeKey, toSort, order as unknown[]);
    [items, deletions] = extractToDeleteItems(toSort);
  }
  const ranked = items.map((item, i) => {
    const at = indexIn(order, item, mergeKey, kind);
    return { item, rank: at < 0 ? Number.POSITIVE_INFINITY : at, i };
  });
  ranked.sort((a, b) => (a.rank === b.rank ? a.i - b.i : a.rank < b.rank ? -1 : 1));
  return [...ranked.map((r) => r.item), ...deletions];
}

/**
 * mergeSortedSlice: interleaves the live-only elements (`left`) into the patch elements (`right`), both already
 * sorted; a live-only element goes first only when both are in `serverOrder` and it comes earlier there.
 */
function mergeSorted(left: unknown[], right: unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: ElemKind): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) {
      out.push(right[j++]);
    } else if (j >= right.length) {
      out.push(left[i++]);
    } else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: ElemKind,
): unknown[] {
  const p = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const s = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSorted(s, p, serverOrder, mergeKey, kind);
}

function partitionPrimitives(list: readonly unknown[], by: readonly unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(by);
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) (inPatch.has(v) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

function partitionMaps(list: readonly unknown[], by: readonly unknown[], mergeKey: string): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType("map", v);
    if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findByKey(by, mergeKey, v[mergeKey]) >= 0 ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

/** deduplicateScalars, with upstream's in-place algorithm (it moves the last element into a duplicate's slot). */
function dedupeScalars(s: unknown[]): unknown[] {
  let last = s.length - 1;
  for (let i = 0; i < last; i++) {
    for (let j = i + 1; j <= last; j++) {
      if (goEq(s[i], s[j])) {
        s[j] = s[last];
        s.length = last;
        last--;
        j--;
      }
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Lists

interface SliceResult {
  merged: unknown[];
  /**
   * The live list as upstream's own code sees it afterwards. Upstream deletes elements in place and appends new ones
   * into the freed room of the same backing array, so the caller's view of the live list (used to place live-only
   * elements when a $setElementOrder list is applied) shows the list after deletions, then the appended patch
   * elements, then stale leftovers. This reproduces it.
   */
  view: unknown[];
}

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  meta: PatchMeta | undefined,
  field: string,
  isDeleteList: boolean,
): SliceResult {
  if (listStrategy(meta) === MERGE_DIRECTIVE || isDeleteList) {
    return mergeSlice(original, patch, meta?.items, meta?.mergeKey ?? "", field, isDeleteList);
  }
  return { merged: decodeLike(patch) as unknown[], view: original };
}

function mergeSlice(
  original: unknown[],
  patch: unknown[],
  itemMeta: PatchMeta | undefined,
  mergeKey: string,
  field: string,
  isDeleteList: boolean,
): SliceResult {
  if (original.length === 0 && patch.length === 0) return { merged: original, view: original };
  const kind = sliceElementType(original, patch);

  if (kind !== "map") {
    if (isDeleteList) {
      const drop = new Set(patch);
      return { merged: original.filter((v) => !drop.has(v)), view: original };
    }
    const merged = dedupeScalars([...original, ...patch]);
    const [patchItems, serverOnly] = partitionPrimitives(merged, patch);
    return { merged: normalizeElementOrder(patchItems, serverOnly, patch, original, "", kind), view: original };
  }

  if (mergeKey === "") throw internal(`cannot merge lists without merge key for ${field}`);

  // The live list's backing array: deletions shift it left in place, appends fill it up again.
  const buf = original.slice();
  const capacity = buf.length;
  let length = capacity;
  const overflow: unknown[] = [];

  // mergeSliceWithSpecialElements
  const plain: JsonObject[] = [];
  let replace = false;
  for (const v of patch as JsonObject[]) {
    if (!hasOwn(v, DIRECTIVE_MARKER)) {
      plain.push(v);
      continue;
    }
    const directive = v[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) {
      if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
      for (;;) {
        const at = findByKey(buf.slice(0, length), mergeKey, v[mergeKey]);
        if (at < 0) break;
        buf.copyWithin(at, at + 1, length);
        length--;
      }
    } else if (directive === REPLACE_DIRECTIVE) {
      replace = true;
    } else if (directive === MERGE_DIRECTIVE) {
      throw internal("merging lists cannot yet be specified in the patch");
    } else {
      throw errBadPatchType(directive, v);
    }
  }

  if (replace) {
    const list = plain.map((v) => decodeLike(v));
    const [patchItems, serverOnly] = partitionMaps(list, [], mergeKey);
    return { merged: normalizeElementOrder(patchItems, serverOnly, [], list, mergeKey, kind), view: buf };
  }

  // mergeSliceWithoutSpecialElements
  const serverOrder = buf.slice(0, length);
  const current = (): unknown[] => [...buf.slice(0, Math.min(length, capacity)), ...overflow];
  for (const v of plain) {
    if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    const at = findByKey(current(), mergeKey, v[mergeKey]);
    if (at >= 0) {
      const merged = mergeMap(current()[at] as JsonObject, v, itemMeta);
      if (at < capacity) buf[at] = merged;
      else overflow[at - capacity] = merged;
    } else if (length < capacity) {
      buf[length++] = decodeLike(v);
    } else {
      overflow.push(decodeLike(v));
      length++;
    }
  }

  const [patchItems, serverOnly] = partitionMaps(current(), plain, mergeKey);
  return { merged: normalizeElementOrder(patchItems, serverOnly, plain, serverOrder, mergeKey, kind), view: buf };
}

// ---------------------------------------------------------------------------------------------------------------
// Maps

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf("/");
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST);
    throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST);
  }
  return s.slice(slash + 1);
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(list)) throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS);
  const retained = new Set<unknown>(list);
  for (const k of Object.keys(patch)) {
    if (patch[k] === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!retained.has(k)) throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) {
    if (!retained.has(k)) delete original[k];
  }
}

function validatePatchWithSetOrderList(patchList: unknown[], setOrder: unknown[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let p = 0;
  let s = 0;
  while (p < items.length && s < setOrder.length) {
    const item = items[p];
    if (isObject(item) && hasOwn(item, DIRECTIVE_MARKER)) {
      p++;
      continue;
    }
    const other = setOrder[s];
    let equal: boolean;
    if (!mergeKey) {
      equal = goEq(item, other);
    } else {
      if (!isObject(item)) throw errBadArgType("map", item);
      if (!isObject(other)) throw errBadArgType("map", other);
      if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      if (!hasOwn(other, mergeKey)) throw errNoMergeKey(other, mergeKey);
      equal = goEq(item[mergeKey], other[mergeKey]);
    }
    if (equal) p++;
    s++;
  }
  if (p < items.length && s >= setOrder.length) {
    throw internal(
      `the order in patch list:\n${goSprintV(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goSprintV(setOrder)}`,
    );
  }
}

/** mergePatchIntoOriginal: applies every `$setElementOrder/<list>` together with the patch's `<list>`. */
function applySetElementOrder(original: JsonObject, patch: JsonObject, meta: PatchMeta | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const setOrder = patch[key];
    delete patch[key];
    if (!Array.isArray(setOrder)) throw errBadArgType("slice", setOrder);
    const field = extractKey(key, SET_ELEMENT_ORDER_PREFIX);

    const foundOriginal = hasOwn(original, field);
    const foundPatch = hasOwn(patch, field);
    let originalList: unknown[] = [];
    let patchList: unknown[] = [];
    if (foundOriginal) {
      const v = original[field];
      if (!Array.isArray(v)) throw errBadArgType("slice", v);
      originalList = v;
    }
    if (foundPatch) {
      const v = patch[field];
      if (!Array.isArray(v)) throw errBadArgType("slice", v);
      patchList = v;
    }
    const sub = childMeta(meta, field);
    const mergeKey = sub?.mergeKey ?? "";
    validatePatchWithSetOrderList(patchList, setOrder, mergeKey);

    let merged: unknown[];
    let view = originalList;
    if (foundOriginal && !foundPatch) {
      merged = originalList;
    } else if (!foundOriginal && foundPatch) {
      merged = decodeLike(removeDirectives(patchList).value) as unknown[];
    } else if (foundOriginal && foundPatch) {
      const r = mergeSliceHandler(originalList, patchList, sub, field, false);
      merged = r.merged;
      view = r.view;
    } else {
      continue;
    }

    const [patchItems, serverOnly] =
      mergeKey === "" ? partitionPrimitives(merged, setOrder) : partitionMaps(merged, setOrder, mergeKey);
    const kind = sliceElementType(view, patchList);
    setOwn(original, field, normalizeElementOrder(patchItems, serverOnly, setOrder, view, mergeKey, kind));
    delete patch[field];
  }
}

function handleDirectiveInMergeMap(directive: unknown, patch: JsonObject): JsonObject {
  if (directive === REPLACE_DIRECTIVE) {
    delete patch[DIRECTIVE_MARKER];
    return decodeLike(patch) as JsonObject;
  }
  if (directive === DELETE_DIRECTIVE) return {};
  throw errBadPatchType(directive, patch);
}

function mergeField(original: JsonObject, key: string, patchValue: unknown, isDeleteList: boolean, meta: PatchMeta | undefined): void {
  if (patchValue === null) {
    delete original[key];
    return;
  }
  if (!hasOwn(original, key)) {
    if (!isDeleteList) takePatchValue(original, key, patchValue);
    return;
  }
  const current = original[key];
  const kind = elemKind(current);
  if (kind !== elemKind(patchValue)) {
    if (!isDeleteList) takePatchValue(original, key, patchValue);
    return;
  }
  const sub = childMeta(meta, key);
  if (kind === "map") {
    const merged =
      sub?.strategy === REPLACE_DIRECTIVE
        ? (decodeLike(patchValue) as JsonObject)
        : mergeMap(current as JsonObject, patchValue as JsonObject, sub);
    setOwn(original, key, merged);
  } else if (kind === "slice") {
    setOwn(original, key, mergeSliceHandler(current as unknown[], patchValue as unknown[], sub, key, isDeleteList).merged);
  } else {
    takePatchValue(original, key, patchValue);
  }
}

function mergeMap(original: JsonObject | undefined, patch: JsonObject, meta: PatchMeta | undefined): JsonObject {
  if (hasOwn(patch, DIRECTIVE_MARKER)) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch);
  const target = original ?? {};
  applyRetainKeys(target, patch);
  applySetElementOrder(target, patch, meta);

  // Parallel deletion lists go last, so that they see the list as merged by the rest of the patch.
  const deletions: string[] = [];
  for (const k of Object.keys(patch)) {
    if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) deletions.push(k);
    else mergeField(target, k, patch[k], false, meta);
  }
  for (const k of deletions) {
    const field = extractKey(k, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
    mergeField(target, field === "" ? k : field, patch[k], true, meta);
  }
  return target;
}

/**
 * Applies a strategic merge patch (the decoded JSON object) to `original` and returns the new object; neither
 * argument is modified. A null patch changes nothing. Throws PatchError (see the module comment).
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, meta: PatchMeta): unknown {
  if (patch === null || patch === undefined) return cloneJson(original);
  if (!isObject(patch)) {
    throw badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  const target = isObject(original) ? (cloneJson(original) as JsonObject) : {};
  return mergeMap(target, cloneJson(patch) as JsonObject, meta);
}
