/**
 * Label selectors (k8s.io/apimachinery/pkg/labels and the metav1.LabelSelector helpers): the string grammar
 * `kubectl -l` and `?labelSelector=` use, matching, canonical printing, and the API type's conversion and
 * validation, with upstream's error wording.
 */
import { FieldPath, fieldErrorBody, fieldErrors, isQualifiedName, isValidLabelValue, type FieldError } from "./validation.js";

/** A requirement operator as the string grammar spells it (selection.Operator). */
export type Operator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

/** One term of a selector: `key=value`, `key in (a,b)`, `!key`, `key>3`, ... */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** metav1.LabelSelectorOperator. */
export type LabelSelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

/** metav1.LabelSelectorRequirement. */
export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

/** metav1.LabelSelector: the API form of a selector (Deployment.spec.selector, ...). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** A label set as objects carry it (`metadata.labels`). */
export type Labels = Readonly<Record<string, string>>;

/** A selector string or API selector that does not parse or is invalid; the message is upstream's. */
export class SelectorParseError extends Error {
  /** The field errors behind the message, when it came from requirement validation. */
  readonly fieldErrors: readonly FieldError[];

  constructor(message: string, fieldErrors: readonly FieldError[] = []) {
    super(message);
    this.name = "SelectorParseError";
    this.fieldErrors = fieldErrors;
  }
}

const unaryOperators: readonly Operator[] = ["exists", "!"];
const binaryOperators: readonly Operator[] = ["in", "notin", "=", "==", "!=", "gt", "lt"];
const validRequirementOperators: readonly Operator[] = [...binaryOperators, ...unaryOperators];

// ---- field-error plumbing with Go's formatting (`<field>: <body>`, aggregated as `[a, b]`) ----

function goFieldError(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

function aggregate(errs: readonly FieldError[]): string {
  const seen: string[] = [];
  for (const e of errs) {
    const m = goFieldError(e);
    if (!seen.includes(m)) seen.push(m);
  }
  return seen.length === 1 ? (seen[0] ?? "") : `[${seen.join(", ")}]`;
}

/** The path `p.path` has in upstream's parser: a nil *field.Path, printed as `<nil>`. */
const nilPath = "<nil>";

function childPath(base: FieldPath | undefined, name: string): FieldPath {
  return base ? base.child(name) : FieldPath.of(name);
}

function validateLabelKey(key: string, path: FieldPath | string): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? fieldErrors.invalid(path, key, errs.join("; ")) : undefined;
}

function validateLabelValue(key: string, value: string, path: FieldPath): FieldError | undefined {
  const errs = isValidLabelValue(value);
  return errs.length ? fieldErrors.invalid(path.key(key), value, errs.join("; ")) : undefined;
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): undefined when it would fail. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < int64Min || v > int64Max ? undefined : v;
}

function valuesBadValue(values: readonly string[] | null | undefined): unknown {
  return values ? [...values] : null;
}

/**
 * labels.NewRequirement: validates and builds one requirement. Throws SelectorParseError with upstream's
 * aggregated field-error message (`key: Invalid value: ...`, `values: Invalid value: null: for 'in', 'notin'
 * operators, values set can't be empty`, ...). `path` prefixes the field paths (none by default, as upstream).
 */
export function newRequirement(key: string, operator: Operator, values?: readonly string[] | null, path?: FieldPath): Requirement {
  const errs: FieldError[] = [];
  const keyErr = validateLabelKey(key, childPath(path, "key"));
  if (keyErr) errs.push(keyErr);
  const vals = values ?? [];
  const valuePath = childPath(path, "values");
  switch (operator) {
    case "in":
    case "notin":
      if (vals.length === 0) errs.push(fieldErrors.invalid(valuePath, valuesBadValue(values), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=":
    case "==":
    case "!=":
      if (vals.length !== 1) errs.push(fieldErrors.invalid(valuePath, valuesBadValue(values), "exact-match compatibility requires one single value"));
      break;
    case "exists":
    case "!":
      if (vals.length !== 0) errs.push(fieldErrors.invalid(valuePath, valuesBadValue(values), "values set must be empty for exists and does not exist"));
      break;
    case "gt":
    case "lt":
      if (vals.length !== 1) errs.push(fieldErrors.invalid(valuePath, valuesBadValue(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(fieldErrors.invalid(valuePath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(fieldErrors.notSupported(childPath(path, "operator"), operator, validRequirementOperators));
  }
  vals.forEach((v, i) => {
    const e = validateLabelValue(key, v, valuePath.index(i));
    if (e) errs.push(e);
  });
  if (errs.length) throw new SelectorParseError(aggregate(errs), errs);
  return freezeRequirement(key, operator, vals);
}

function freezeRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  return Object.freeze({ key, operator, values: Object.freeze([...values]) });
}

function hasLabel(labels: Labels | undefined, key: string): labels is Labels {
  return labels !== undefined && labels !== null && Object.prototype.hasOwnProperty.call(labels, key);
}

/** Requirement.Matches. */
export function requirementMatches(r: Requirement, labels: Labels | undefined): boolean {
  switch (r.operator) {
    case "in":
    case "=":
    case "==":
      return hasLabel(labels, r.key) && r.values.includes(labels[r.key] as string);
    case "notin":
    case "!=":
      return !hasLabel(labels, r.key) || !r.values.includes(labels[r.key] as string);
    case "exists":
      return hasLabel(labels, r.key);
    case "!":
      return !hasLabel(labels, r.key);
    case "gt":
    case "lt": {
      if (!hasLabel(labels, r.key)) return false;
      const have = parseInt64(labels[r.key] as string);
      if (have === undefined || r.values.length !== 1) return false;
      const want = parseInt64(r.values[0] as string);
      if (want === undefined) return false;
      return r.operator === "gt" ? have > want : have < want;
    }
    default:
      return false;
  }
}

function sortedCopy(values: readonly string[]): readonly string[] {
  for (let i = 1; i < values.length; i++) {
    if ((values[i - 1] as string) > (values[i] as string)) return [...values].sort(compareStrings);
  }
  return values;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Requirement.String: `x in (a,b)`, `x!=y`, `!x`, `x>3`; values printed sorted. */
export function requirementString(r: Requirement): string {
  let s = r.operator === "!" ? `!${r.key}` : r.key;
  switch (r.operator) {
    case "exists":
    case "!":
      return s;
    case "=":
      s += "=";
      break;
    case "==":
      s += "==";
      break;
    case "!=":
      s += "!=";
      break;
    case "in":
      s += " in ";
      break;
    case "notin":
      s += " notin ";
      break;
    case "gt":
      s += ">";
      break;
    case "lt":
      s += "<";
      break;
  }
  const set = r.operator === "in" || r.operator === "notin";
  const body = r.values.length === 1 ? (r.values[0] as string) : sortedCopy(r.values).join(",");
  return set ? `${s}(${body})` : `${s}${body}`;
}

function sortByKey(reqs: Requirement[]): Requirement[] {
  return reqs.sort((a, b) => compareStrings(a.key, b.key));
}

/** A parsed label selector: an AND of requirements (or the selector that matches nothing). */
export class Selector {
  private static readonly everythingSelector = new Selector([]);
  private static readonly nothingSelector = new Selector(null);

  private constructor(private readonly reqs: readonly Requirement[] | null) {}

  /** Matches every label set (labels.Everything()); its string is "". */
  static everything(): Selector {
    return Selector.everythingSelector;
  }

  /** Matches nothing (labels.Nothing()); its string is "" too, but `isNothing()` tells it apart. */
  static nothing(): Selector {
    return Selector.nothingSelector;
  }

  /** A selector from already-built requirements, sorted by key like upstream's Add. */
  static fromRequirements(reqs: readonly Requirement[]): Selector {
    return reqs.length === 0 ? Selector.everythingSelector : new Selector(Object.freeze(sortByKey([...reqs])));
  }

  /** labels.SelectorFromSet: `k=v` for each entry, unvalidated; empty or missing → everything. */
  static fromSet(set: Labels | undefined | null): Selector {
    if (!set) return Selector.everythingSelector;
    return Selector.fromRequirements(Object.entries(set).map(([k, v]) => freezeRequirement(k, "=", [v])));
  }

  /** labels.ValidatedSelectorFromSet: as fromSet but throws SelectorParseError on an invalid key or value. */
  static fromValidatedSet(set: Labels | undefined | null): Selector {
    if (!set) return Selector.everythingSelector;
    return Selector.fromRequirements(Object.entries(set).map(([k, v]) => newRequirement(k, "=", [v])));
  }

  matches(labels: Labels | undefined | null): boolean {
    if (this.reqs === null) return false;
    const ls = labels ?? undefined;
    for (const r of this.reqs) if (!requirementMatches(r, ls)) return false;
    return true;
  }

  /** True when the selector does not restrict anything (Nothing() is not empty). */
  empty(): boolean {
    return this.reqs !== null && this.reqs.length === 0;
  }

  /** True for Selector.nothing() (upstream's `selectable == false`). */
  isNothing(): boolean {
    return this.reqs === null;
  }

  requirements(): readonly Requirement[] {
    return this.reqs ?? [];
  }

  /** A new selector with the requirements added (sorted by key); nothing stays nothing. */
  add(...reqs: Requirement[]): Selector {
    if (this.reqs === null) return this;
    return Selector.fromRequirements([...this.reqs, ...reqs]);
  }

  /** The value a selector requires for `label` (`label=v`, `label==v`, `label in (v)`), if any. */
  requiresExactMatch(label: string): string | undefined {
    for (const r of this.reqs ?? []) {
      if (r.key !== label) continue;
      if ((r.operator === "=" || r.operator === "==" || r.operator === "in") && r.values.length === 1) return r.values[0];
      return undefined;
    }
    return undefined;
  }

  /** Canonical string: requirements sorted by key, joined by ','. */
  toString(): string {
    return (this.reqs ?? []).map(requirementString).join(",");
  }

  toJSON(): string {
    return this.toString();
  }
}

// ---- lexer ----

const Tok = {
  Error: 0,
  EndOfString: 1,
  ClosedPar: 2,
  Comma: 3,
  DoesNotExist: 4,
  DoubleEquals: 5,
  Equals: 6,
  GreaterThan: 7,
  Identifier: 8,
  In: 9,
  LessThan: 10,
  NotEquals: 11,
  NotIn: 12,
  OpenPar: 13,
} as const;
type Tok = (typeof Tok)[keyof typeof Tok];

const string2token: ReadonlyMap<string, Tok> = new Map([
  [")", Tok.ClosedPar],
  [",", Tok.Comma],
  ["!", Tok.DoesNotExist],
  ["==", Tok.DoubleEquals],
  ["=", Tok.Equals],
  [">", Tok.GreaterThan],
  ["in", Tok.In],
  ["<", Tok.LessThan],
  ["!=", Tok.NotEquals],
  ["notin", Tok.NotIn],
  ["(", Tok.OpenPar],
]);

interface Scanned {
  tok: Tok;
  lit: string;
}

function isWhitespace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
}

function isSpecialSymbol(ch: string): boolean {
  return ch === "=" || ch === "!" || ch === "(" || ch === ")" || ch === "," || ch === ">" || ch === "<";
}

/** Go's lexer reads bytes and uses 0 both for end of input and a NUL byte; so do we. */
class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  private read(): string {
    if (this.pos < this.s.length) return this.s[this.pos++] as string;
    return "\0";
  }

  private unread(): void {
    this.pos--;
  }

  private scanIDOrKeyword(): Scanned {
    let buf = "";
    for (;;) {
      const ch = this.read();
      if (ch === "\0") break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buf += ch;
    }
    const t = string2token.get(buf);
    return t !== undefined ? { tok: t, lit: buf } : { tok: Tok.Identifier, lit: buf };
  }

  private scanSpecialSymbol(): Scanned {
    let last: Scanned | undefined;
    let buf = "";
    for (;;) {
      const ch = this.read();
      if (ch === "\0") break;
      if (isSpecialSymbol(ch)) {
        buf += ch;
        const t = string2token.get(buf);
        if (t !== undefined) {
          last = { tok: t, lit: buf };
        } else if (last) {
          this.unread();
          break;
        }
      } else {
        this.unread();
        break;
      }
    }
    return last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` };
  }

  lex(): Scanned {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === "\0") return { tok: Tok.EndOfString, lit: "" };
    this.unread();
    return isSpecialSymbol(ch) ? this.scanSpecialSymbol() : this.scanIDOrKeyword();
  }
}

// ---- parser ----

const Ctx = { KeyAndOperator: 0, Values: 1 } as const;
type Ctx = (typeof Ctx)[keyof typeof Ctx];

class ParseFailure {
  constructor(readonly message: string, readonly errs: readonly FieldError[] = []) {}
}

class Parser {
  private readonly items: Scanned[] = [];
  private position = 0;

  constructor(input: string) {
    const l = new Lexer(input);
    for (;;) {
      const item = l.lex();
      this.items.push(item);
      if (item.tok === Tok.EndOfString) break;
    }
  }

  private at(i: number, ctx: Ctx): Scanned {
    const item = this.items[Math.min(i, this.items.length - 1)] as Scanned;
    if (ctx === Ctx.Values && (item.tok === Tok.In || item.tok === Tok.NotIn)) return { tok: Tok.Identifier, lit: item.lit };
    return item;
  }

  private lookahead(ctx: Ctx): Scanned {
    return this.at(this.position, ctx);
  }

  private consume(ctx: Ctx): Scanned {
    return this.at(this.position++, ctx);
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(Ctx.Values);
      switch (tok) {
        case Tok.Identifier:
        case Tok.DoesNotExist: {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            if (e instanceof ParseFailure) throw new ParseFailure(`unable to parse requirement: ${e.message}`, e.errs);
            throw e;
          }
          reqs.push(r);
          const next = this.consume(Ctx.Values);
          if (next.tok === Tok.EndOfString) return reqs;
          if (next.tok === Tok.Comma) {
            const after = this.lookahead(Ctx.Values);
            if (after.tok !== Tok.Identifier && after.tok !== Tok.DoesNotExist) {
              throw new ParseFailure(`found '${after.lit}', expected: identifier after ','`);
            }
            break;
          }
          throw new ParseFailure(`found '${next.lit}', expected: ',' or 'end of string'`);
        }
        case Tok.EndOfString:
          return reqs;
        default:
          throw new ParseFailure(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred === "exists" || inferred === "!") return requirementOrFailure(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === "in" || operator === "notin" ? this.parseValues() : this.parseExactValue();
    return requirementOrFailure(key, operator, [...values].sort(compareStrings));
  }

  private parseKeyAndInferOperator(): [string, Operator | undefined] {
    let operator: Operator | undefined;
    let { tok, lit } = this.consume(Ctx.Values);
    if (tok === Tok.DoesNotExist) {
      operator = "!";
      ({ tok, lit } = this.consume(Ctx.Values));
    }
    if (tok !== Tok.Identifier) throw new ParseFailure(`found '${lit}', expected: identifier`);
    const keyErr = validateLabelKey(lit, nilPath);
    if (keyErr) throw new ParseFailure(goFieldError(keyErr), [keyErr]);
    const t = this.lookahead(Ctx.Values).tok;
    if ((t === Tok.EndOfString || t === Tok.Comma) && operator !== "!") operator = "exists";
    return [lit, operator];
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume(Ctx.KeyAndOperator);
    switch (tok) {
      case Tok.In:
        return "in";
      case Tok.Equals:
        return "=";
      case Tok.DoubleEquals:
        return "==";
      case Tok.GreaterThan:
        return "gt";
      case Tok.LessThan:
        return "lt";
      case Tok.NotIn:
        return "notin";
      case Tok.NotEquals:
        return "!=";
      default:
        throw new ParseFailure(`found '${lit}', expected: ${binaryOperators.join(", ")}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume(Ctx.Values);
    if (open.tok !== Tok.OpenPar) throw new ParseFailure(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(Ctx.Values);
    switch (tok) {
      case Tok.Identifier:
      case Tok.Comma: {
        const s = this.parseIdentifiersList();
        if (this.consume(Ctx.Values).tok !== Tok.ClosedPar) throw new ParseFailure(`found '${lit}', expected: ')'`);
        return s;
      }
      case Tok.ClosedPar:
        this.consume(Ctx.Values);
        return new Set([""]);
      default:
        throw new ParseFailure(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(Ctx.Values);
      switch (tok) {
        case Tok.Identifier: {
          s.add(lit);
          const next = this.lookahead(Ctx.Values);
          if (next.tok === Tok.Comma) continue;
          if (next.tok === Tok.ClosedPar) return s;
          throw new ParseFailure(`found '${next.lit}', expected: ',' or ')'`);
        }
        case Tok.Comma: {
          if (s.size === 0) s.add("");
          const next = this.lookahead(Ctx.Values).tok;
          if (next === Tok.ClosedPar) {
            s.add("");
            return s;
          }
          if (next === Tok.Comma) {
            this.consume(Ctx.Values);
            s.add("");
          }
          continue;
        }
        default:
          throw new ParseFailure(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const t = this.lookahead(Ctx.Values).tok;
    if (t === Tok.EndOfString || t === Tok.Comma) return new Set([""]);
    const { tok, lit } = this.consume(Ctx.Values);
    if (tok === Tok.Identifier) return new Set([lit]);
    throw new ParseFailure(`found '${lit}', expected: identifier`);
  }
}

function requirementOrFailure(key: string, operator: Operator, values: readonly string[]): Requirement {
  try {
    return newRequirement(key, operator, values);
  } catch (e) {
    if (e instanceof SelectorParseError) throw new ParseFailure(e.message, e.fieldErrors);
    throw e;
  }
}

/**
 * labels.ParseToRequirements: the requirements of a selector string, sorted by key (stable), values of set-based
 * and exact-match requirements deduplicated and sorted. Throws SelectorParseError.
 */
export function parseToRequirements(selector: string): Requirement[] {
  try {
    return sortByKey(new Parser(selector).parse());
  } catch (e) {
    if (e instanceof ParseFailure) throw new SelectorParseError(e.message, e.errs);
    throw e;
  }
}

/**
 * labels.Parse: `x=a,y!=b`, `env in (prod,qa)`, `tier notin (web)`, `app`, `!canary`, `replicas>3`.
 * Throws SelectorParseError with upstream's message, e.g.
 * `unable to parse requirement: found '(', expected: identifier`.
 */
export function parseSelector(selector: string): Selector {
  return Selector.fromRequirements(parseToRequirements(selector));
}

/** labels.SelectorFromSet. */
export function selectorFromSet(set: Labels | undefined | null): Selector {
  return Selector.fromSet(set);
}

// ---- metav1.LabelSelector helpers ----

const apiOperatorToOperator: Readonly<Record<LabelSelectorOperator, Operator>> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

/**
 * metav1.LabelSelectorAsSelector: null/undefined → nothing, `{}` → everything. Throws SelectorParseError for an
 * unknown operator (`"Foo" is not a valid label selector operator`) or an invalid requirement.
 */
export function labelSelectorAsSelector(ls: LabelSelector | undefined | null): Selector {
  if (ls === undefined || ls === null) return Selector.nothing();
  const matchLabels = Object.entries(ls.matchLabels ?? {});
  const exprs = ls.matchExpressions ?? [];
  if (matchLabels.length + exprs.length === 0) return Selector.everything();
  const reqs: Requirement[] = [];
  for (const [k, v] of matchLabels) reqs.push(newRequirement(k, "=", [v]));
  for (const expr of exprs) {
    const op = Object.prototype.hasOwnProperty.call(apiOperatorToOperator, expr.operator) ? apiOperatorToOperator[expr.operator] : undefined;
    if (op === undefined) throw new SelectorParseError(`${JSON.stringify(String(expr.operator))} is not a valid label selector operator`);
    reqs.push(newRequirement(expr.key, op, expr.values && expr.values.length ? expr.values : null));
  }
  return Selector.fromRequirements(reqs);
}

/**
 * The selector string of an API selector, for `?labelSelector=`: labelSelectorAsSelector(ls).toString().
 * Note that null/undefined (matches nothing) and `{}` (matches everything) both give "" — check for null first
 * when the difference matters. Throws like labelSelectorAsSelector.
 */
export function labelSelectorAsString(ls: LabelSelector | undefined | null): string {
  return labelSelectorAsSelector(ls).toString();
}

/** metav1.FormatLabelSelector, as kubectl describe prints selectors: `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(ls: LabelSelector | undefined | null): string {
  let s: string;
  try {
    s = labelSelectorAsSelector(ls).toString();
  } catch {
    return "<error>";
  }
  return s.length === 0 ? "<none>" : s;
}

/**
 * metav1.ParseToLabelSelector: a selector string to the API form. Throws SelectorParseError, e.g.
 * `couldn't parse the selector string "a b": unable to parse requirement: ...`, or
 * `"gt" isn't supported in label selectors`.
 */
export function parseToLabelSelector(selector: string): LabelSelector {
  let reqs: Requirement[];
  try {
    reqs = parseToRequirements(selector);
  } catch (e) {
    if (e instanceof SelectorParseError) throw new SelectorParseError(`couldn't parse the selector string "${selector}": ${e.message}`, e.fieldErrors);
    throw e;
  }
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const r of reqs) {
    let operator: LabelSelectorOperator;
    switch (r.operator) {
      case "=":
      case "==":
        if (r.values.length !== 1) throw new SelectorParseError("equals operator must have exactly one value");
        matchLabels[r.key] = r.values[0] as string;
        continue;
      case "in":
        operator = "In";
        break;
      case "notin":
        operator = "NotIn";
        break;
      case "exists":
        operator = "Exists";
        break;
      case "!":
        operator = "DoesNotExist";
        break;
      case "gt":
      case "lt":
        throw new SelectorParseError(`"${r.operator}" isn't supported in label selectors`);
      default:
        throw new SelectorParseError(`"${r.operator}" is not a valid label selector operator`);
    }
    const values = [...new Set(r.values)].sort(compareStrings);
    matchExpressions.push(values.length ? { key: r.key, operator, values } : { key: r.key, operator });
  }
  const out: LabelSelector = {};
  if (Object.keys(matchLabels).length) out.matchLabels = matchLabels;
  if (matchExpressions.length) out.matchExpressions = matchExpressions;
  return out;
}

/** Options of metav1validation.ValidateLabelSelector. */
export interface LabelSelectorValidationOptions {
  /** Skip value validation of matchExpressions (for existing objects persisted with invalid values). */
  allowInvalidLabelValueInSelector?: boolean;
}

/** metav1validation.ValidateLabelName. */
export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((m) => fieldErrors.invalid(path, name, m));
}

/** metav1validation.ValidateLabels (errors are reported at `path` itself, as upstream does). */
function validateSelectorLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    for (const m of isValidLabelValue(v)) errs.push(fieldErrors.invalid(path, v, m));
  }
  return errs;
}

/** metav1validation.ValidateLabelSelectorRequirement. */
export function validateLabelSelectorRequirement(
  sr: LabelSelectorRequirement,
  path: FieldPath,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const values = sr.values ?? [];
  switch (sr.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) errs.push(fieldErrors.required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) errs.push(fieldErrors.forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(fieldErrors.invalid(path.child("operator"), sr.operator, "not a valid selector operator"));
  }
  errs.push(...validateLabelName(sr.key, path.child("key")));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(fieldErrors.invalid(path.child("values").index(i), v, m));
    });
  }
  return errs;
}

/** metav1validation.ValidateLabelSelector: null/undefined is valid. */
export function validateLabelSelector(
  ls: LabelSelector | undefined | null,
  path: FieldPath,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  if (ls === undefined || ls === null) return [];
  const errs = validateSelectorLabels(ls.matchLabels, path.child("matchLabels"));
  (ls.matchExpressions ?? []).forEach((expr, i) => {
    errs.push(...validateLabelSelectorRequirement(expr, path.child("matchExpressions").index(i), opts));
  });
  return errs;
}
