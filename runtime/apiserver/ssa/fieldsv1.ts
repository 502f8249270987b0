/**
 * The FieldsV1 encoding of a field set (metadata.managedFields[].fieldsV1): a JSON tree whose keys are path
 * elements (`f:`, `k:`, `v:`, `i:`), with `".": {}` marking a node that is itself a member and has children.
 * Keys are written in upstream's order so the encoding is stable.
 */
import { comparePathElements, FieldSet } from "./fieldset.js";

export type FieldsV1 = Record<string, unknown>;

export function encodeFieldsV1(set: FieldSet): FieldsV1 {
  const out: FieldsV1 = {};
  const keys = [...new Set([...set.members, ...set.children.keys()])].sort(comparePathElements);
  for (const k of keys) {
    const c = set.children.get(k);
    if (c && !c.empty()) {
      const inner = encodeFieldsV1(c);
      out[k] = set.members.has(k) ? { ".": {}, ...inner } : inner;
    } else if (set.members.has(k)) {
      out[k] = {};
    }
  }
  return out;
}

export class FieldsV1Error extends Error {}

const elementPattern = /^[fkvi]:/;

/** Decodes a FieldsV1 tree; throws FieldsV1Error for anything that is not one. */
export function decodeFieldsV1(v: unknown): FieldSet {
  const set = new FieldSet();
  if (v === undefined || v === null) return set;
  if (typeof v !== "object" || Array.isArray(v)) throw new FieldsV1Error("FieldsV1 must be a JSON object");
  fill(set, v as Record<string, unknown>);
  return set;
}

function fill(set: FieldSet, obj: Record<string, unknown>): void {
  for (const [k, val] of Object.entries(obj)) {
    if (k === ".") continue;
    if (!elementPattern.test(k)) throw new FieldsV1Error(`unexpected path element ${JSON.stringify(k)}`);
    if (k[0] === "k" || k[0] === "v") {
      try {
        JSON.parse(k.slice(2));
      } catch {
        throw new FieldsV1Error(`invalid path element ${JSON.stringify(k)}`);
      }
    }
    if (typeof val !== "object" || val === null || Array.isArray(val)) throw new FieldsV1Error(`expected an object for ${JSON.stringify(k)}`);
    const entries = Object.keys(val);
    if (entries.length === 0 || entries.includes(".")) set.members.add(k);
    if (entries.some((e) => e !== ".")) fill(set.child(k), val as Record<string, unknown>);
  }
}
