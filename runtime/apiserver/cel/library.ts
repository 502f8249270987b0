/**
 * The Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library) that CRD rules use, on @bufbuild/cel:
 * lists, regex, quantity and the optional values `optionalOldSelf` binds; plus the cost hook that the
 * instrumented comprehensions call. The strings extension comes from @bufbuild/cel/ext.
 */
import { celFunc, celMethod, CelScalar, isCelList, isCelMap, listType, mapType, isCelUint } from "@bufbuild/cel";
import type { CelFunc, CelInput, CelList, CelMap, CelValue } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { RE2JS } from "@bufbuild/re2";
import { Quantity, parseQuantity } from "../../core/quantity.js";

// ---- cost tracking -------------------------------------------------------------------------------

/** A per-request cost budget shared by all rules evaluated for one object (upstream RuntimeCELCostBudget). */
export interface CostBudget {
  remaining: number;
}

export type CostExceeded = "call" | "budget" | "deadline";

/** Counts the cost of one evaluation; the instrumented expression and the library functions charge it. */
export class CostTracker {
  used = 0;
  exceeded: CostExceeded | undefined;
  private checks = 0;
  constructor(
    readonly limit: number,
    readonly budget: CostBudget | undefined,
    readonly deadline: number,
  ) {}

  /** Adds `n` to the cost; false (and `exceeded` set) once over the call limit, the budget or the deadline. */
  charge(n: number): boolean {
    if (this.exceeded) return false;
    this.used += n;
    if (this.budget) this.budget.remaining -= n;
    if (this.used > this.limit) this.exceeded = "call";
    else if (this.budget && this.budget.remaining < 0) this.exceeded = "budget";
    else if ((++this.checks & 63) === 0 && performance.now() > this.deadline) this.exceeded = "deadline";
    return this.exceeded === undefined;
  }
}

let active: CostTracker | undefined;

/** Runs `fn` with `tracker` charged by the library functions (evaluation is synchronous). */
export function withTracker<T>(tracker: CostTracker, fn: () => T): T {
  const prev = active;
  active = tracker;
  try {
    return fn();
  } finally {
    active = prev;
  }
}

class CostLimitError extends Error {}

function charge(n: number): void {
  if (active && !active.charge(n)) throw new CostLimitError("operation cancelled: actual cost limit exceeded");
}

/** Name of the internal tick function that instrumented comprehension conditions call (not an identifier users can write). */
export const TICK = "@kubeforge_cost";

const tick = celFunc(TICK, [CelScalar.INT], CelScalar.BOOL, (n: bigint): boolean => {
  if (!active) return true;
  if (!active.charge(Number(n))) throw new CostLimitError("operation cancelled: actual cost limit exceeded");
  return true;
});

// ---- helpers -------------------------------------------------------------------------------------

const LIST = listType(CelScalar.DYN);
const MAP = mapType(CelScalar.DYN, CelScalar.DYN);
const { DYN, INT, BOOL, STRING, DOUBLE } = CelScalar;

function num(v: CelValue): number | bigint | undefined {
  if (typeof v === "bigint" || typeof v === "number") return v;
  if (isCelUint(v)) return v.value;
  return undefined;
}

function compare(a: CelValue, b: CelValue): number {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  const qa = asQuantity(a);
  const qb = asQuantity(b);
  if (qa && qb) return qa.cmp(qb);
  throw new Error(`no such overload: comparison of ${typeName(a)} and ${typeName(b)}`);
}

function typeName(v: CelValue): string {
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "double";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (v === null) return "null_type";
  if (isCelList(v)) return "list";
  if (isCelMap(v)) return asQuantity(v) ? "kubernetes.Quantity" : "map";
  return "dyn";
}

/** CEL equality (heterogeneous numeric equality, deep on lists and maps). */
export function celEquals(a: CelValue, b: CelValue): boolean {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return x == y;
  if (isCelList(a) && isCelList(b)) {
    if (a.size !== b.size) return false;
    for (let i = 0; i < a.size; i++) {
      const ea = a.get(i);
      const eb = b.get(i);
      if (ea === undefined || eb === undefined || !celEquals(ea, eb)) return false;
    }
    return true;
  }
  if (isCelMap(a) && isCelMap(b)) {
    if (a.size !== b.size) return false;
    for (const [k, va] of a) {
      const vb = b.get(k);
      if (vb === undefined || !celEquals(va, vb)) return false;
    }
    return true;
  }
  return a === b;
}

function listItems(l: CelList): CelValue[] {
  charge(l.size);
  return Array.from(l);
}

// ---- lists (library.Lists) -----------------------------------------------------------------------

const lists: CelFunc[] = [
  celMethod("isSorted", LIST, [], BOOL, function (this: CelList): boolean {
    const items = listItems(this);
    for (let i = 1; i < items.length; i++) {
      const prev = items[i - 1];
      const cur = items[i];
      if (prev !== undefined && cur !== undefined && compare(prev, cur) > 0) return false;
    }
    return true;
  }),
  celMethod("sum", LIST, [], DYN, function (this: CelList): CelInput {
    const items = listItems(this);
    if (items.length === 0) return 0n;
    let acc: CelValue | undefined;
    for (const e of items) {
      if (acc === undefined) acc = e;
      else if (typeof acc === "bigint" && typeof e === "bigint") {
        acc = acc + e;
        if (acc > 9223372036854775807n || acc < -9223372036854775808n) throw new Error("int overflow");
      } else if (typeof acc === "number" && typeof e === "number") acc = acc + e;
      else throw new Error(`no such overload: sum of ${typeName(acc)} and ${typeName(e)}`);
    }
    return acc ?? 0n;
  }),
  celMethod("min", LIST, [], DYN, function (this: CelList): CelInput {
    const items = listItems(this);
    let best: CelValue | undefined;
    for (const e of items) if (best === undefined || compare(e, best) < 0) best = e;
    if (best === undefined) throw new Error("min(list) called on empty list");
    return best;
  }),
  celMethod("max", LIST, [], DYN, function (this: CelList): CelInput {
    const items = listItems(this);
    let best: CelValue | undefined;
    for (const e of items) if (best === undefined || compare(e, best) > 0) best = e;
    if (best === undefined) throw new Error("max(list) called on empty list");
    return best;
  }),
  celMethod("indexOf", LIST, [DYN], INT, function (this: CelList, x: CelValue): bigint {
    const items = listItems(this);
    return BigInt(items.findIndex((e) => celEquals(e, x)));
  }),
  celMethod("lastIndexOf", LIST, [DYN], INT, function (this: CelList, x: CelValue): bigint {
    const items = listItems(this);
    for (let i = items.length - 1; i >= 0; i--) {
      const e = items[i];
      if (e !== undefined && celEquals(e, x)) return BigInt(i);
    }
    return -1n;
  }),
];

// ---- regex (library.Regex) -----------------------------------------------------------------------

const regexCache = new Map<string, RegExp>();
const re2Cache = new Map<string, ReturnType<typeof RE2JS.compile>>();

/** RE2JS.compile, cached: @bufbuild/cel's own `matches` compiles the pattern on every call. */
function re2(pattern: string): ReturnType<typeof RE2JS.compile> {
  let re = re2Cache.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    if (re2Cache.size > 256) re2Cache.clear();
    re2Cache.set(pattern, re);
  }
  return re;
}

/**
 * Compiles an RE2 pattern: RE2JS checks the syntax (RE2 has no backreferences or lookaround); the
 * match itself runs on the JS engine because @bufbuild/re2 exposes only boolean matching.
 */
function compileRegex(pattern: string): RegExp {
  const cached = regexCache.get(pattern);
  if (cached) return cached;
  RE2JS.compile(pattern);
  let src = pattern;
  let flags = "gu";
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m?.[1]) {
    for (const f of m[1]) if (f === "i" || f === "m" || f === "s") flags += f;
    src = src.slice(m[0].length);
  }
  const re = new RegExp(src, flags);
  if (regexCache.size > 256) regexCache.clear();
  regexCache.set(pattern, re);
  return re;
}

function findAll(s: string, pattern: string, limit: number): string[] {
  charge(s.length + pattern.length);
  // RE2 (linear time) decides first whether there is any match, so that the JS engine never backtracks on a
  // non-matching input.
  if (!re2(pattern).test(s)) return [];
  const re = compileRegex(pattern);
  re.lastIndex = 0;
  const out: string[] = [];
  let m: RegExpExecArray | null;
  while ((limit < 0 || out.length < limit) && (m = re.exec(s)) !== null) {
    out.push(m[0]);
    if (m[0] === "") re.lastIndex++;
  }
  return out;
}

const regex: CelFunc[] = [
  // replaces the standard `matches` (same overload id) with one that caches the compiled pattern
  celMethod("matches", CelScalar.STRING, [CelScalar.STRING], CelScalar.BOOL, function (this: string, p: string): boolean {
    charge(this.length);
    return re2(p).test(this);
  }),
  celMethod("find", STRING, [STRING], STRING, function (this: string, p: string): string {
    return findAll(this, p, 1)[0] ?? "";
  }),
  celMethod("findAll", STRING, [STRING], LIST, function (this: string, p: string): string[] {
    return findAll(this, p, -1);
  }),
  celMethod("findAll", STRING, [STRING, INT], LIST, function (this: string, p: string, n: bigint): string[] {
    return findAll(this, p, Number(n));
  }),
];

// ---- quantity (library.Quantity) -----------------------------------------------------------------

/** Quantities are maps with one private key, since @bufbuild/cel has no opaque custom types without protobuf. */
const QKEY = "@kubeforge/quantity";

function quantityValue(q: Quantity): Map<string, CelInput> {
  return new Map<string, CelInput>([[QKEY, q.toString()]]);
}

export function asQuantity(v: CelValue): Quantity | undefined {
  if (!isCelMap(v)) return undefined;
  const s = v.get(QKEY);
  return typeof s === "string" ? parseQuantity(s) : undefined;
}

function mustQuantity(v: CelValue): Quantity {
  const q = asQuantity(v);
  if (!q) throw new Error(`no such overload: expected kubernetes.Quantity, got ${typeName(v)}`);
  return q;
}

function quantityOperand(v: CelValue): Quantity {
  if (typeof v === "bigint") return Quantity.fromInt(v);
  return mustQuantity(v);
}

const maxInt64 = 9223372036854775807n;

const quantity: CelFunc[] = [
  celFunc("quantity", [STRING], MAP, (s: string): Map<string, CelInput> => quantityValue(parseQuantity(s))),
  celFunc("isQuantity", [STRING], BOOL, (s: string): boolean => {
    try {
      parseQuantity(s);
      return true;
    } catch {
      return false;
    }
  }),
  celMethod("isGreaterThan", MAP, [MAP], BOOL, function (this: CelMap, o: CelMap): boolean {
    return mustQuantity(this).cmp(mustQuantity(o)) > 0;
  }),
  celMethod("isLessThan", MAP, [MAP], BOOL, function (this: CelMap, o: CelMap): boolean {
    return mustQuantity(this).cmp(mustQuantity(o)) < 0;
  }),
  celMethod("compareTo", MAP, [MAP], INT, function (this: CelMap, o: CelMap): bigint {
    return BigInt(mustQuantity(this).cmp(mustQuantity(o)));
  }),
  celMethod("add", MAP, [DYN], MAP, function (this: CelMap, o: CelValue): Map<string, CelInput> {
    return quantityValue(mustQuantity(this).add(quantityOperand(o)));
  }),
  celMethod("sub", MAP, [DYN], MAP, function (this: CelMap, o: CelValue): Map<string, CelInput> {
    return quantityValue(mustQuantity(this).sub(quantityOperand(o)));
  }),
  celMethod("sign", MAP, [], INT, function (this: CelMap): bigint {
    return BigInt(mustQuantity(this).sign());
  }),
  celMethod("isInteger", MAP, [], BOOL, function (this: CelMap): boolean {
    const q = mustQuantity(this);
    const v = q.valueBigInt();
    return Quantity.fromInt(v).equal(q) && v <= maxInt64 && v >= -maxInt64 - 1n;
  }),
  celMethod("asInteger", MAP, [], INT, function (this: CelMap): bigint {
    const q = mustQuantity(this);
    const v = q.valueBigInt();
    if (!Quantity.fromInt(v).equal(q) || v > maxInt64 || v < -maxInt64 - 1n) {
      throw new Error("cannot convert value to integer");
    }
    return v;
  }),
  celMethod("asApproximateFloat", MAP, [], DOUBLE, function (this: CelMap): number {
    return Number(mustQuantity(this).scaledValue(-9)) / 1e9;
  }),
];

// ---- optional values for optionalOldSelf ---------------------------------------------------------

const OKEY = "@kubeforge/optional";

export function optionalOf(v: CelInput | undefined): Map<string, CelInput> {
  const m = new Map<string, CelInput>([[OKEY, v !== undefined]]);
  if (v !== undefined) m.set("value", v);
  return m;
}

function mustOptional(v: CelMap): { has: boolean; value: CelValue | undefined } {
  const has = v.get(OKEY);
  if (typeof has !== "boolean") throw new Error("no such overload: expected optional_type");
  return { has, value: v.get("value") };
}

const optionals: CelFunc[] = [
  celMethod("hasValue", MAP, [], BOOL, function (this: CelMap): boolean {
    return mustOptional(this).has;
  }),
  celMethod("value", MAP, [], DYN, function (this: CelMap): CelInput {
    const o = mustOptional(this);
    if (!o.has || o.value === undefined) throw new Error("optional.none() dereference");
    return o.value;
  }),
  celMethod("orValue", MAP, [DYN], DYN, function (this: CelMap, d: CelValue): CelInput {
    const o = mustOptional(this);
    return o.has && o.value !== undefined ? o.value : d;
  }),
];

/** All functions added to the CEL environment. */
export const kubernetesLibrary: CelFunc[] = [tick, ...strings, ...lists, ...regex, ...quantity, ...optionals];

/** Names of the functions the library adds (for the static checker). */
export const libraryFunctionNames: ReadonlySet<string> = new Set(kubernetesLibrary.map((f) => f.name));

export { CostLimitError };
