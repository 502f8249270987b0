/**
 * CEL validation rules (`x-kubernetes-validations`) for CRD schemas, on @bufbuild/cel, with kube-apiserver's
 * semantics and messages (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel).
 *
 * Cost: @bufbuild/cel has no cost tracking, so this package
 *  - estimates each rule's worst-case cost at compile time by counting AST nodes and multiplying comprehension
 *    bodies by the iteration bound (maxItems / maxProperties, else what a 3 MiB request can hold), and rejects
 *    rules over `StaticEstimatedCostLimit` with upstream's message;
 *  - instruments every comprehension (all, exists, exists_one, map, filter) so that each iteration charges its
 *    body's node count before it runs, and the list/regex library functions charge the size of their input;
 *    evaluation stops at the per-call limit (`PerCallLimit`), the per-request budget (`CostBudget`) or a
 *    wall-clock deadline, whichever comes first. Costs are in "steps", comparable to but not identical with
 *    cel-go's cost units; operations outside comprehensions (==, +, string functions on one value) are charged
 *    one unit per AST node regardless of the size of their operands.
 */
import { celEnv, CelScalar, isCelError, parse, plan } from "@bufbuild/cel";
import type { CelEnv, CelInput, CelResult } from "@bufbuild/cel";
import { declTypeOf, toCelValue, type CelSchema, type DeclType } from "./schema.js";
import { CheckError, RuleChecker, formatIssue, positionOf } from "./checker.js";
import { CostTracker, kubernetesLibrary, optionalOf, withTracker, type CostBudget, type CostExceeded } from "./library.js";

export type { CelSchema, DeclType } from "./schema.js";
export type { CostBudget, CostExceeded } from "./library.js";

/** Upstream's limits (apiextensions-apiserver/pkg/apiserver/schema/cel and apiserver/pkg/apis/cel). */
export const PerCallLimit = 1_000_000;
export const RuntimeCELCostBudget = 10_000_000;
export const StaticEstimatedCostLimit = 10_000_000;
/**
 * Wall-clock bound on one rule's evaluation, on top of the cost limits. @bufbuild/cel interprets about one
 * comprehension iteration per microsecond, so PerCallLimit is reached in roughly 0.1–0.5 s; the deadline is
 * the backstop for work the step count does not see (large operands of ==, +, string functions).
 */
export const DefaultDeadlineMs = 1000;

export type Reason = "FieldValueInvalid" | "FieldValueForbidden" | "FieldValueRequired" | "FieldValueDuplicate";
const reasons: ReadonlySet<string> = new Set<Reason>(["FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate"]);

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: Reason;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

type Program = (ctx: Record<string, CelInput>) => CelResult;

export interface CompiledRule {
  kind: "compiled";
  rule: ValidationRule;
  /** Whether the rule references `oldSelf` (a transition rule). */
  isTransition: boolean;
  /** The worst-case cost estimated at compile time. */
  estimatedCost: number;
  /** The worst-case cost of the messageExpression (0 without one). */
  messageEstimatedCost: number;
  readonly schema: CelSchema;
  readonly program: Program;
  readonly messageProgram: Program | undefined;
}

export interface CompileError {
  kind: "error";
  /** Which field of the rule is wrong. */
  field: "rule" | "messageExpression" | "message" | "reason" | "optionalOldSelf";
  /** The field.ErrorType upstream reports it with. */
  type: "Invalid" | "Required" | "Forbidden" | "NotSupported";
  message: string;
}

export interface CompileOptions {
  /** Compile-time estimated cost limit (default `StaticEstimatedCostLimit`). */
  staticCostLimit?: number;
}

export interface EvalOptions {
  /** Per-rule cost limit (default `PerCallLimit`). */
  costLimit?: number;
  /** Per-request budget shared by the rules of one request; decremented by each evaluation. */
  budget?: CostBudget;
  /** Wall-clock limit for one evaluation in milliseconds (default `DefaultDeadlineMs`). */
  deadlineMs?: number;
  /** Absolute per-request deadline on the `performance.now()` clock; the earlier of the two applies. */
  deadlineAt?: number;
  /** `self` and `oldSelf` already converted by `prepareValues` (for several rules at one schema node). */
  prepared?: PreparedValues;
}

/** `self` and `oldSelf` as CEL values, converted once for all rules of one schema node. */
export interface PreparedValues {
  readonly self: CelInput;
  /** undefined when there is no old value. */
  readonly oldSelf: CelInput | undefined;
}

/** Converts `self` and `oldSelf` for `evaluate`'s `prepared` option; `schema` must be the rules' schema. */
export function prepareValues(schema: CelSchema, self: unknown, oldSelf: unknown): PreparedValues {
  return { self: toCelValue(self, schema), oldSelf: oldSelf === undefined ? undefined : toCelValue(oldSelf, schema) };
}

export type EvalResult =
  | { status: "ok"; cost: number; skipped?: true }
  | { status: "failed"; message: string; reason: Reason; fieldPath?: string; cost: number }
  | { status: "error"; message: string; cost: number; exceeded?: CostExceeded; stop?: true };

let envCache: CelEnv | undefined;
function env(): CelEnv {
  envCache ??= celEnv({ variables: { self: CelScalar.DYN, oldSelf: CelScalar.DYN }, funcs: kubernetesLibrary });
  return envCache;
}

interface Compiled {
  program: Program;
  type: DeclType;
  cost: number;
  usesOldSelf: boolean;
}

function compileExpr(source: string, globals: ReadonlyMap<string, DeclType>): Compiled | string {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const loc = locationOf(e);
    const raw = rawMessageOf(e) ?? e.message;
    return `compilation failed: ${formatIssue(source, loc, `Syntax error: ${raw}`)}`;
  }
  try {
    const r = new RuleChecker(env(), globals).check(parsed.expr);
    const program: Program = plan(env(), parsed);
    return { program, type: r.type, cost: r.cost, usesOldSelf: r.usesOldSelf };
  } catch (err) {
    if (err instanceof CheckError) {
      return `compilation failed: ${formatIssue(source, positionOf(parsed.sourceInfo, err.exprId), err.message)}`;
    }
    return `compilation failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function locationOf(e: Error): number {
  const loc: unknown = Reflect.get(e, "location");
  if (typeof loc === "object" && loc !== null) {
    const start: unknown = Reflect.get(loc, "start");
    if (typeof start === "object" && start !== null) {
      const off: unknown = Reflect.get(start, "offset");
      if (typeof off === "number") return off;
    }
  }
  return 0;
}

function rawMessageOf(e: Error): string | undefined {
  const raw: unknown = Reflect.get(e, "rawMessage");
  return typeof raw === "string" ? raw : undefined;
}

/**
 * Compiles one `x-kubernetes-validations` entry against the schema node it is attached to. Errors carry
 * upstream's wording (`compilation failed: ERROR: <input>:1:6: undefined field 'foo'` …).
 */
export function compileValidationRule(rule: ValidationRule, schema: CelSchema, opts: CompileOptions = {}): CompiledRule | CompileError {
  if (rule.rule.trim() === "") return { kind: "error", field: "rule", type: "Required", message: "rule is not specified" };
  if (rule.reason !== undefined && !reasons.has(rule.reason)) {
    return { kind: "error", field: "reason", type: "NotSupported", message: `supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"` };
  }
  if (rule.message !== undefined) {
    if (rule.message.trim() === "") return { kind: "error", field: "message", type: "Required", message: "message must be non-empty if specified" };
    if (/[\r\n]/.test(rule.message)) return { kind: "error", field: "message", type: "Invalid", message: "message must not contain line breaks" };
  }
  const selfType = declTypeOf(schema);
  const oldType: DeclType = rule.optionalOldSelf ? { kind: "optional" } : selfType;
  const globals = new Map<string, DeclType>([
    ["self", selfType],
    ["oldSelf", oldType],
  ]);
  const c = compileExpr(rule.rule, globals);
  if (typeof c === "string") return { kind: "error", field: "rule", type: "Invalid", message: c };
  if (c.type.kind !== "bool" && c.type.kind !== "dyn" && c.type.kind !== "intOrString") {
    return { kind: "error", field: "rule", type: "Invalid", message: "compilation failed: cel expression must evaluate to a bool" };
  }
  if (rule.optionalOldSelf && !c.usesOldSelf) {
    return { kind: "error", field: "optionalOldSelf", type: "Invalid", message: "may not be set to true for a rule that does not reference oldSelf" };
  }
  const limit = opts.staticCostLimit ?? StaticEstimatedCostLimit;
  if (c.cost > limit) {
    return {
      kind: "error",
      field: "rule",
      type: "Forbidden",
      message: costErrorMessage("estimated rule cost", c.cost, limit),
    };
  }
  let messageProgram: Program | undefined;
  let messageEstimatedCost = 0;
  if (rule.messageExpression !== undefined) {
    if (rule.messageExpression.trim() === "") {
      return { kind: "error", field: "messageExpression", type: "Required", message: "if specified, messageExpression must not be empty" };
    }
    const m = compileExpr(rule.messageExpression, globals);
    if (typeof m === "string") return { kind: "error", field: "messageExpression", type: "Invalid", message: `messageExpression ${m}` };
    if (m.type.kind !== "string" && m.type.kind !== "dyn" && m.type.kind !== "intOrString") {
      return { kind: "error", field: "messageExpression", type: "Invalid", message: "must evaluate to a string" };
    }
    messageProgram = m.program;
    messageEstimatedCost = m.cost;
  }
  return { kind: "compiled", rule, isTransition: c.usesOldSelf, estimatedCost: c.cost, messageEstimatedCost, schema, program: c.program, messageProgram };
}

/** upstream getCostErrorMessage: `<what> exceeds budget by factor of 2.5x (try simplifying …)`. */
export function costErrorMessage(what: string, cost: number, limit: number): string {
  const f = cost / limit;
  // Go: "more than 100x", "%fx" below 1.5 (so that 1.04 does not read "1.0x"), else "%.1fx"
  const factor = f > 100 ? "more than 100x" : f < 1.5 ? `${f.toFixed(6)}x` : `${f.toFixed(1)}x`;
  return `${what} exceeds budget by factor of ${factor} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}

/** upstream ruleErrorString: the message if set, else the rule. */
function ruleErrorString(rule: ValidationRule): string {
  return rule.message !== undefined && rule.message.trim() !== "" ? rule.message.trim() : rule.rule.trim();
}

function ruleMessageOrDefault(rule: ValidationRule): string {
  return rule.message !== undefined && rule.message.trim() !== "" ? rule.message.trim() : `failed rule: ${ruleErrorString(rule)}`;
}

function exceededMessage(kind: CostExceeded, rule: ValidationRule, deadlineMs: number, messageExpression: boolean): string {
  switch (kind) {
    case "call":
      return messageExpression
        ? `no further validation rules will be run due to call cost exceeds limit for messageExpression: ${JSON.stringify(rule.messageExpression ?? "")}`
        : `'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleErrorString(rule)}`;
    case "budget":
      return messageExpression
        ? "messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run"
        : "validation failed due to running out of cost budget, no further validation rules will be run";
    case "deadline":
      return `'operation cancelled: evaluation deadline of ${deadlineMs}ms exceeded': no further validation rules will be run due to call cost exceeds limit for ${messageExpression ? `messageExpression: ${JSON.stringify(rule.messageExpression ?? "")}` : `rule: ${ruleErrorString(rule)}`}`;
  }
}

/** A runtime error in upstream's words (cel-go's error text differs from @bufbuild/cel's in places). */
function runtimeErrorMessage(err: string, rule: ValidationRule): string {
  if (err.startsWith("found no matching overload") || err.startsWith("no such overload")) {
    return `'${err}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`;
  }
  const text = err.startsWith("field not found: ") ? `no such key: ${err.slice("field not found: ".length)}` : err;
  return `${text} evaluating rule: ${ruleErrorString(rule)}`;
}

function stopped(kind: CostExceeded, rule: ValidationRule, deadlineMs: number, cost: number, messageExpression = false): EvalResult {
  return { status: "error", message: exceededMessage(kind, rule, deadlineMs, messageExpression), cost, exceeded: kind, stop: true };
}

/**
 * Evaluates a compiled rule against `self` (the value at the rule's schema node) and, on update, `oldSelf`.
 * Transition rules are skipped when `oldSelf` is undefined (create, or a list item with no correlatable old
 * item), unless the rule has `optionalOldSelf`. A result with `stop: true` means upstream runs no further
 * rules for the request (cost limit, budget or deadline exhausted).
 */
export function evaluate(compiled: CompiledRule, self: unknown, oldSelf: unknown, opts: EvalOptions = {}): EvalResult {
  const { rule, schema } = compiled;
  if (compiled.isTransition && oldSelf === undefined && !rule.optionalOldSelf) return { status: "ok", cost: 0, skipped: true };
  const deadlineMs = opts.deadlineMs ?? DefaultDeadlineMs;
  if (opts.budget && opts.budget.remaining <= 0) return stopped("budget", rule, deadlineMs, 0);
  const tracker = new CostTracker(opts.costLimit ?? PerCallLimit, opts.budget, Math.min(performance.now() + deadlineMs, opts.deadlineAt ?? Infinity));
  const values = opts.prepared ?? prepareValues(schema, self, oldSelf);
  const ctx: Record<string, CelInput> = {
    self: values.self,
    oldSelf: rule.optionalOldSelf ? optionalOf(values.oldSelf) : (values.oldSelf ?? null),
  };
  const result = withTracker(tracker, () => {
    tracker.charge(1);
    return compiled.program(ctx);
  });
  if (tracker.exceeded) return stopped(tracker.exceeded, rule, deadlineMs, tracker.used);
  if (isCelError(result)) return { status: "error", message: runtimeErrorMessage(result.message, rule), cost: tracker.used };
  if (typeof result !== "boolean") {
    return { status: "error", message: runtimeErrorMessage(`expected a bool result, got ${typeof result}`, rule), cost: tracker.used };
  }
  if (result) return { status: "ok", cost: tracker.used };
  const reason: Reason = rule.reason ?? "FieldValueInvalid";
  let message = ruleMessageOrDefault(rule);
  if (compiled.messageProgram) {
    const program = compiled.messageProgram;
    const m = withTracker(tracker, () => program(ctx));
    if (tracker.exceeded) return stopped(tracker.exceeded, rule, deadlineMs, tracker.used, true);
    // Upstream falls back to the message (or the default) when messageExpression fails, is empty or has line breaks.
    if (typeof m === "string" && m.trim() !== "" && !/\n/.test(m)) message = m.trim();
  }
  const failed: EvalResult = { status: "failed", message, reason, cost: tracker.used };
  if (rule.fieldPath !== undefined) failed.fieldPath = rule.fieldPath;
  return failed;
}
