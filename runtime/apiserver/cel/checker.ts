/**
 * A light static checker for CRD rules. @bufbuild/cel 0.6 parses and plans but its type checker only covers
 * constants and identifiers, so this walks the parsed AST itself: undeclared identifiers and functions, fields
 * not in the schema, method calls on types with no such overload, the result type when it is known; it also
 * estimates the worst-case cost (comprehension bounds from maxItems/maxProperties, as upstream's estimator)
 * and instruments every comprehension so that each iteration is charged at run time.
 */
import { parse } from "@bufbuild/cel";
import type { CelEnv } from "@bufbuild/cel";
import { DYN, declTypeName, type DeclType } from "./schema.js";
import { TICK } from "./library.js";

export type Expr = ReturnType<typeof parse>["expr"];
type SourceInfo = NonNullable<ReturnType<typeof parse>["sourceInfo"]>;

/** Upstream's maximum request size, which bounds lists and maps without maxItems/maxProperties. */
const maxRequestSizeBytes = 3 * 1024 * 1024;

export class CheckError extends Error {
  constructor(
    message: string,
    readonly exprId: bigint,
  ) {
    super(message);
  }
}

const boolFns = new Set([
  "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_", "_&&_", "_||_", "!_", "@in", "@not_strictly_false",
  "matches", "contains", "startsWith", "endsWith", "isSorted", "isQuantity", "isGreaterThan", "isLessThan",
  "hasValue", "isInteger",
]);
const intFns = new Set(["size", "indexOf", "lastIndexOf", "compareTo", "sign", "asInteger", "int"]);
const stringFns = new Set(["string", "charAt", "lowerAscii", "upperAscii", "replace", "substring", "trim", "join", "find", "format"]);
const freeFns = new Set(["_&&_", "_||_", "!_", "@not_strictly_false", "_?_:_"]);
const typeNames = new Set(["int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type", "dyn"]);
const arith = new Set(["_+_", "_-_", "_*_", "_/_", "_%_", "-_"]);

/** The runtime CEL type name a declaration type has (what function overloads are keyed by), or undefined for dyn. */
function runtimeName(t: DeclType): string | undefined {
  switch (t.kind) {
    case "object":
    case "map":
    case "quantity":
    case "optional":
      return "map";
    case "list":
      return "list";
    case "int":
    case "double":
    case "bool":
    case "string":
    case "null":
    case "type":
      return t.kind === "null" ? "null_type" : t.kind;
    default:
      return undefined;
  }
}

interface Scope {
  readonly vars: ReadonlyMap<string, DeclType>;
  readonly parent: Scope | undefined;
}

function lookup(scope: Scope | undefined, name: string): DeclType | undefined {
  for (let s = scope; s; s = s.parent) {
    const t = s.vars.get(name);
    if (t) return t;
  }
  return undefined;
}

export interface CheckResult {
  type: DeclType;
  /** Estimated worst-case cost. */
  cost: number;
  /** Whether the expression references `oldSelf`. */
  usesOldSelf: boolean;
}

/** Type, estimated worst-case cost, and the cost of one pass not counting nested comprehensions' iterations. */
interface Walked {
  type: DeclType;
  cost: number;
  local: number;
}

export class RuleChecker {
  private usesOldSelf = false;
  private maxId = 0n;

  constructor(
    private readonly env: CelEnv,
    private readonly globals: ReadonlyMap<string, DeclType>,
  ) {}

  check(expr: Expr): CheckResult {
    this.usesOldSelf = false;
    this.maxId = maxExprId(expr);
    const r = this.walk(expr, { vars: this.globals, parent: undefined });
    return { type: r.type, cost: r.cost, usesOldSelf: this.usesOldSelf };
  }

  private walk(e: Expr, scope: Scope): Walked {
    const k = e.exprKind;
    switch (k.case) {
      case "constExpr": {
        const c = k.value.constantKind.case;
        const type: DeclType =
          c === "int64Value" || c === "uint64Value" ? { kind: "int" } : c === "doubleValue" ? { kind: "double" } : c === "stringValue" ? { kind: "string" } : c === "boolValue" ? { kind: "bool" } : c === "nullValue" ? { kind: "null" } : DYN;
        return { type, cost: 0, local: 0 };
      }
      case "identExpr": {
        const name = k.value.name;
        const t = lookup(scope, name);
        if (t) {
          if (name === "oldSelf" && !isShadowed(scope, name)) this.usesOldSelf = true;
          const cost = name.startsWith("@") ? 0 : 1;
          return { type: t, cost, local: cost };
        }
        if (typeNames.has(name)) return { type: { kind: "type" }, cost: 1, local: 1 };
        throw new CheckError(`undeclared reference to '${name}' (in container '')`, e.id);
      }
      case "selectExpr": {
        const operand = k.value.operand;
        if (!operand) return { type: DYN, cost: 1, local: 1 };
        const o = this.walk(operand, scope);
        const field = k.value.field;
        const t = o.type;
        let type: DeclType = DYN;
        if (t.kind === "object") {
          const ft = t.fields.get(field);
          if (ft) type = ft;
          else if (!t.open) throw new CheckError(`undefined field '${field}'`, e.id);
        } else if (t.kind === "map") {
          type = t.value;
        } else if (t.kind !== "dyn" && t.kind !== "intOrString") {
          throw new CheckError(`type '${declTypeName(t)}' does not support field selection`, e.id);
        }
        return { type: k.value.testOnly ? { kind: "bool" } : type, cost: o.cost + 1, local: o.local + 1 };
      }
      case "callExpr": {
        const fn = k.value.function;
        const target = k.value.target ? this.walk(k.value.target, scope) : undefined;
        const args = k.value.args.map((a) => this.walk(a, scope));
        // Logical operators cost nothing beyond their operands (as in cel-go's estimator).
        const own = freeFns.has(fn) ? 0 : 1;
        let cost = own + (target?.cost ?? 0);
        let local = own + (target?.local ?? 0);
        for (const a of args) {
          cost += a.cost;
          local += a.local;
        }
        if (!fn.startsWith("_") && !fn.startsWith("@") && !fn.startsWith("!") && !fn.startsWith("-")) {
          const group = this.env.funcs.find(fn);
          if (!group) throw new CheckError(`undeclared reference to '${fn}' (in container '')`, e.id);
          const tname = target ? runtimeName(target.type) : undefined;
          const argNames = args.map((a) => runtimeName(a.type) ?? "dyn");
          let matched = false;
          for (const o of group) {
            if ((o.target === undefined) !== (target === undefined)) continue;
            if (o.arguments.length !== args.length) continue;
            if (target && o.target && tname !== undefined && o.target.name !== "dyn" && o.target.name !== tname) continue;
            matched = true;
            break;
          }
          if (!matched) {
            const sig = `${target ? `${tname ?? "dyn"}.` : ""}(${argNames.join(", ")})`;
            throw new CheckError(`found no matching overload for '${fn}' applied to '${sig}'`, e.id);
          }
        }
        return { type: this.resultType(fn, target?.type, args.map((a) => a.type)), cost, local };
      }
      case "listExpr": {
        let cost = 1;
        let local = 1;
        let elem: DeclType | undefined;
        for (const el of k.value.elements) {
          const r = this.walk(el, scope);
          cost += r.cost;
          local += r.local;
          elem = elem === undefined || elem.kind === r.type.kind ? r.type : DYN;
        }
        return { type: { kind: "list", elem: elem ?? DYN, maxItems: k.value.elements.length }, cost, local };
      }
      case "structExpr": {
        let cost = 1;
        let local = 1;
        for (const entry of k.value.entries) {
          const parts = [entry.keyKind.case === "mapKey" ? entry.keyKind.value : undefined, entry.value];
          for (const part of parts) {
            if (!part) continue;
            const r = this.walk(part, scope);
            cost += r.cost;
            local += r.local;
          }
        }
        return { type: { kind: "map", value: DYN, maxProperties: k.value.entries.length }, cost, local };
      }
      case "comprehensionExpr": {
        const c = k.value;
        if (!c.iterRange || !c.accuInit || !c.loopCondition || !c.loopStep || !c.result) return { type: DYN, cost: 1, local: 1 };
        const range = this.walk(c.iterRange, scope);
        const accu = this.walk(c.accuInit, scope);
        const rt = range.type;
        const iterType: DeclType = rt.kind === "list" ? rt.elem : rt.kind === "map" || rt.kind === "object" ? { kind: "string" } : DYN;
        const bound = iterationBound(rt);
        const vars = new Map<string, DeclType>([[c.accuVar, accu.type]]);
        vars.set(c.iterVar, iterType);
        const inner: Scope = { vars, parent: scope };
        const cond = this.walk(c.loopCondition, inner);
        const step = this.walk(c.loopStep, inner);
        const resultScope: Scope = { vars: new Map([[c.accuVar, accu.type]]), parent: scope };
        const result = this.walk(c.result, resultScope);
        // Estimated: every iteration at its worst. Charged at run time per iteration: this body's own nodes;
        // nested comprehensions charge their iterations themselves.
        const perIteration = Math.max(1, cond.cost + step.cost);
        this.instrument(c, Math.max(1, cond.local + step.local));
        const type: DeclType = accu.type.kind === "bool" ? { kind: "bool" } : accu.type.kind === "list" ? { kind: "list", elem: DYN, ...(bound < Infinity && rt.kind === "list" && rt.maxItems !== undefined ? { maxItems: rt.maxItems } : {}) } : result.type;
        return { type, cost: range.cost + accu.cost + bound * perIteration + result.cost, local: range.local + accu.local + result.local + 1 };
      }
      default:
        return { type: DYN, cost: 1, local: 1 };
    }
  }

  private resultType(fn: string, target: DeclType | undefined, args: DeclType[]): DeclType {
    if (boolFns.has(fn)) return { kind: "bool" };
    if (intFns.has(fn)) return { kind: "int" };
    if (stringFns.has(fn)) return { kind: "string" };
    if (fn === "double" || fn === "asApproximateFloat") return { kind: "double" };
    if (fn === "quantity" || ((fn === "add" || fn === "sub") && target?.kind === "quantity")) return { kind: "quantity" };
    if (fn === "split" || fn === "findAll") return { kind: "list", elem: { kind: "string" } };
    if (fn === "_?_:_") {
      const a = args[1];
      const b = args[2];
      return a && b && a.kind === b.kind ? a : DYN;
    }
    if (fn === "_[_]") {
      const c = args[0];
      if (c?.kind === "list") return c.elem;
      if (c?.kind === "map") return c.value;
      if (c?.kind === "object") return DYN;
      return DYN;
    }
    if (arith.has(fn)) {
      const a = args[0];
      if (a && args.every((x) => x.kind === a.kind) && (a.kind === "int" || a.kind === "double" || a.kind === "string")) return a.kind === "string" ? { kind: "string" } : a;
      if (fn === "_+_" && a?.kind === "list") return { kind: "list", elem: DYN };
      return DYN;
    }
    if ((fn === "min" || fn === "max" || fn === "sum") && target?.kind === "list") return target.elem;
    if (fn === "value" || fn === "orValue") return DYN;
    return DYN;
  }

  /** loopCondition := TICK(perIteration) && loopCondition, so each iteration is charged before it runs. */
  private instrument(c: Extract<Expr["exprKind"], { case: "comprehensionExpr" }>["value"], perIteration: number): void {
    const cond = c.loopCondition;
    if (!cond) return;
    const tpl = parse("t(1) && c").expr;
    if (tpl.exprKind.case !== "callExpr") return;
    const [tickCall, rest] = tpl.exprKind.value.args;
    if (!tickCall || !rest || tickCall.exprKind.case !== "callExpr") return;
    tickCall.exprKind.value.function = TICK;
    const n = tickCall.exprKind.value.args[0];
    if (!n || n.exprKind.case !== "constExpr") return;
    n.exprKind.value.constantKind = { case: "int64Value", value: BigInt(Math.max(1, Math.min(perIteration, 1e9))) };
    tpl.id = ++this.maxId;
    tickCall.id = ++this.maxId;
    n.id = ++this.maxId;
    tpl.exprKind.value.args = [tickCall, cond];
    c.loopCondition = tpl;
  }
}

function isShadowed(scope: Scope, name: string): boolean {
  for (let s: Scope | undefined = scope; s?.parent; s = s.parent) if (s.vars.has(name)) return true;
  return false;
}

function maxExprId(e: Expr): bigint {
  let max = e.id;
  const visit = (x: Expr | undefined): void => {
    if (!x) return;
    if (x.id > max) max = x.id;
    const k = x.exprKind;
    switch (k.case) {
      case "selectExpr":
        visit(k.value.operand);
        break;
      case "callExpr":
        visit(k.value.target);
        k.value.args.forEach(visit);
        break;
      case "listExpr":
        k.value.elements.forEach(visit);
        break;
      case "structExpr":
        for (const en of k.value.entries) {
          if (en.keyKind.case === "mapKey") visit(en.keyKind.value);
          visit(en.value);
        }
        break;
      case "comprehensionExpr":
        visit(k.value.iterRange);
        visit(k.value.accuInit);
        visit(k.value.loopCondition);
        visit(k.value.loopStep);
        visit(k.value.result);
        break;
      default:
        break;
    }
  };
  visit(e);
  return max;
}

/** Worst-case number of iterations over a value of type `t` (upstream's estimate from the request size limit). */
function iterationBound(t: DeclType): number {
  if (t.kind === "list") return t.maxItems ?? Math.floor(maxRequestSizeBytes / minSerializedSize(t.elem));
  if (t.kind === "map") return t.maxProperties ?? Math.floor(maxRequestSizeBytes / (4 + minSerializedSize(t.value)));
  if (t.kind === "object") return t.fields.size;
  return Math.floor(maxRequestSizeBytes / 2);
}

function minSerializedSize(t: DeclType): number {
  switch (t.kind) {
    case "string":
      return 3; // "" and a comma
    case "object":
    case "map":
    case "list":
      return 3; // {} or [] and a comma
    default:
      return 2; // one digit / short literal and a comma
  }
}

/** `ERROR: <input>:L:C: msg` with the source line and a caret, as cel-go prints issues. */
export function formatIssue(source: string, offset: number, msg: string): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  const col = offset - lineStart;
  const end = source.indexOf("\n", lineStart);
  const text = source.slice(lineStart, end < 0 ? undefined : end);
  return `ERROR: <input>:${line}:${col + 1}: ${msg}\n | ${text}\n | ${".".repeat(col)}^`;
}

export function positionOf(info: SourceInfo | undefined, id: bigint): number {
  return info?.positions[id.toString()] ?? 0;
}
