/**
 * Evaluates a CRD version's compiled `x-kubernetes-validations` against a custom resource, as kube-apiserver's
 * apiextensions CEL validator does: rules run at every schema node with a non-null value, `self` bound to it and
 * `oldSelf` to the correlated old value (object properties, map keys and list-type=map items by key; nothing
 * below other lists). Transition rules (those referencing oldSelf) only run when that old value exists.
 *
 * Guarantees: one request spends at most `RuntimeCELCostBudget`, one rule at most `PerCallLimit`, and the walk
 * stops at a wall-clock deadline, so a rule cannot hang the server. When a limit is hit, the error says so in
 * upstream's words and no further rules run.
 *
 * Ratcheting (CRDValidationRatcheting, on by default since 1.30): on update, a failing rule that does not use
 * oldSelf is ignored when the value at its node is unchanged from the correlated old value.
 */
import { evaluate, prepareValues, RuntimeCELCostBudget, type CostBudget, type PreparedValues } from "../apiserver/cel/index.js";
import { deepEqual, isPlainObject } from "../core/object.js";
import { fieldErrors, type FieldError } from "../core/validation.js";
import type { CompiledNodeRule, RuleNode } from "./celrules.js";

/** Wall-clock bound on all rules of one request (on top of the per-rule deadline and the cost budget). */
export const RequestDeadlineMs = 5000;

export interface RuleValidationOptions {
  /** Cost budget for the whole request (default RuntimeCELCostBudget). */
  budget?: number;
  /** Wall-clock bound on the whole request in milliseconds (default RequestDeadlineMs). */
  deadlineMs?: number;
}

interface Walk {
  readonly errors: FieldError[];
  readonly budget: CostBudget;
  readonly deadlineAt: number;
  stopped: boolean;
}

function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** The root value as rules see it: metadata reduced to name and generateName. */
function rootView(obj: unknown): unknown {
  if (!isPlainObject(obj)) return obj;
  const meta = obj.metadata;
  if (!isPlainObject(meta)) return obj;
  const m: Record<string, unknown> = {};
  if (meta.name !== undefined) m.name = meta.name;
  if (meta.generateName !== undefined) m.generateName = meta.generateName;
  return { ...obj, metadata: m };
}

/**
 * Runs the rules of `root` against `obj` (and `old` on update). Returns field errors in upstream's shape:
 * `spec: Invalid value: "object": <message>`, with the reason's error type and the rule's fieldPath appended.
 */
export function validateRules(root: RuleNode, obj: unknown, old: unknown, opts: RuleValidationOptions = {}): FieldError[] {
  const w: Walk = {
    errors: [],
    budget: { remaining: opts.budget ?? RuntimeCELCostBudget },
    deadlineAt: performance.now() + (opts.deadlineMs ?? RequestDeadlineMs),
    stopped: false,
  };
  visit(w, root, "", rootView(obj), old === undefined ? undefined : rootView(old));
  return w.errors;
}

function visit(w: Walk, node: RuleNode, path: string, value: unknown, old: unknown): void {
  if (value === null || value === undefined || w.stopped) return;
  const oldValue = old === null ? undefined : old;
  if (node.rules.length > 0) {
    if (w.budget.remaining <= 0) {
      w.errors.push(fieldErrors.invalid(path, node.type, "validation failed due to running out of cost budget, no further validation rules will be run"));
      w.stopped = true;
      return;
    }
    let prepared: PreparedValues | undefined;
    for (const r of node.rules) {
      // every rule of a node shares one schema, so the values are converted once per node
      prepared ??= prepareValues(r.compiled.schema, value, oldValue);
      runRule(w, node, r, path, value, oldValue, prepared);
      if (w.stopped) return;
    }
  }
  if (Array.isArray(value)) {
    if (!node.items) return;
    const oldItem = correlator(node, oldValue);
    for (const [i, item] of value.entries()) {
      visit(w, node.items, `${path}[${i}]`, item, oldItem(item));
      if (w.stopped) return;
    }
  } else if (isPlainObject(value)) {
    const oldMap = isPlainObject(oldValue) ? oldValue : undefined;
    if (node.additionalProperties) {
      for (const [k, v] of Object.entries(value)) {
        visit(w, node.additionalProperties, `${path}[${k}]`, v, oldMap?.[k]);
        if (w.stopped) return;
      }
    }
    if (node.properties) {
      for (const [k, v] of Object.entries(value)) {
        const sub = node.properties.get(k);
        if (!sub) continue;
        visit(w, sub, child(path, k), v, oldMap?.[k]);
        if (w.stopped) return;
      }
    }
  }
}

/** Old items of a list-type=map list by their keys; other lists do not correlate. */
function correlator(node: RuleNode, old: unknown): (item: unknown) => unknown {
  const keys = node.listMapKeys;
  if (!keys || !Array.isArray(old) || old.length === 0) return () => undefined;
  const keyOf = (v: unknown): string | undefined => (isPlainObject(v) ? JSON.stringify(keys.map((k) => v[k] ?? null)) : undefined);
  const byKey = new Map<string, unknown>();
  for (const o of old) {
    const k = keyOf(o);
    if (k !== undefined && !byKey.has(k)) byKey.set(k, o);
  }
  return (item) => {
    const k = keyOf(item);
    return k === undefined ? undefined : byKey.get(k);
  };
}

function runRule(w: Walk, node: RuleNode, r: CompiledNodeRule, path: string, value: unknown, old: unknown, prepared: PreparedValues): void {
  const res = evaluate(r.compiled, value, old, { budget: w.budget, deadlineAt: w.deadlineAt, prepared });
  if (res.status === "ok") return;
  if (res.status === "error") {
    w.errors.push(fieldErrors.invalid(path, node.type, res.message));
    if (res.stop) w.stopped = true;
    return;
  }
  // ratcheting: an unchanged value keeps passing a rule that does not look at oldSelf
  if (!r.compiled.isTransition && old !== undefined && deepEqual(value, old)) return;
  const at = r.fieldPath ? child(path, r.fieldPath) : path;
  switch (res.reason) {
    case "FieldValueForbidden":
      w.errors.push(fieldErrors.forbidden(at, res.message));
      break;
    case "FieldValueRequired":
      w.errors.push(fieldErrors.required(at, res.message));
      break;
    case "FieldValueDuplicate":
      w.errors.push(fieldErrors.duplicate(at, node.type));
      break;
    default:
      w.errors.push(fieldErrors.invalid(at, node.type, res.message));
  }
}
