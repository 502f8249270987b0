/**
 * Field selectors (k8s.io/apimachinery/pkg/fields): `metadata.name=foo,status.phase!=Running` as
 * `?fieldSelector=` and `kubectl --field-selector` use them, with upstream's escaping and error wording.
 */

/** One term: `field=value` (`==` is the same) or `field!=value`. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: "=" | "!=";
  readonly value: string;
}

/** The field values an object exposes to selectors (`metadata.name`, `metadata.namespace`, `spec.nodeName`, ...). */
export type Fields = Readonly<Record<string, string | undefined>>;

/** A field selector that does not parse; the message is upstream's. */
export class FieldSelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FieldSelectorParseError";
  }
}

/** Rewrites one term (fields.TransformFunc); returning ["", ""] drops the term. Throw to reject it. */
export type FieldTransform = (field: string, value: string) => readonly [field: string, value: string];

/** fields.EscapeValue: `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * fields.UnescapeValue: the literal value of an escaped selector value. Throws FieldSelectorParseError for an
 * unknown escape (`invalid field selector: invalid escape sequence: \x`) or a bare ',' or '='
 * (`invalid field selector: unescaped character in value: 61`, the code point as Go prints a rune).
 */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== "\\" && c !== "," && c !== "=") throw new FieldSelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
      continue;
    }
    if (c === "\\") inSlash = true;
    else if (c === "," || c === "=") throw new FieldSelectorParseError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new FieldSelectorParseError("invalid field selector: invalid escape sequence: \\");
  return out;
}

function getField(fields: Fields | undefined | null, field: string): string {
  if (!fields || !Object.prototype.hasOwnProperty.call(fields, field)) return "";
  return fields[field] ?? "";
}

/** A parsed field selector: an AND of terms (or the selector that matches nothing). */
export class FieldSelector {
  private static readonly everythingSelector = new FieldSelector([]);
  private static readonly nothingSelector = new FieldSelector(null);

  private constructor(private readonly terms: readonly FieldRequirement[] | null) {}

  /** Matches everything (fields.Everything()). */
  static everything(): FieldSelector {
    return FieldSelector.everythingSelector;
  }

  /** Matches nothing (fields.Nothing()). */
  static nothing(): FieldSelector {
    return FieldSelector.nothingSelector;
  }

  /** fields.SelectorFromSet: `k=v` for each entry (in sorted key order); missing → everything. */
  static fromSet(set: Readonly<Record<string, string>> | undefined | null): FieldSelector {
    if (!set) return FieldSelector.everythingSelector;
    const keys = Object.keys(set).sort();
    return new FieldSelector(Object.freeze(keys.map((k) => term(k, "=", set[k] as string))));
  }

  /** fields.OneTermEqualSelector. */
  static oneTermEqual(field: string, value: string): FieldSelector {
    return new FieldSelector([term(field, "=", value)]);
  }

  /** fields.OneTermNotEqualSelector. */
  static oneTermNotEqual(field: string, value: string): FieldSelector {
    return new FieldSelector([term(field, "!=", value)]);
  }

  /** fields.AndSelectors; any nothing selector makes the result nothing. */
  static and(...selectors: FieldSelector[]): FieldSelector {
    const terms: FieldRequirement[] = [];
    for (const s of selectors) {
      if (s.terms === null) return FieldSelector.nothingSelector;
      terms.push(...s.terms);
    }
    return new FieldSelector(Object.freeze(terms));
  }

  /** A selector from terms, in the given order. */
  static fromRequirements(terms: readonly FieldRequirement[]): FieldSelector {
    return new FieldSelector(Object.freeze([...terms]));
  }

  /** True when every term holds; a missing field reads as "" (so `f!=x` matches an object without `f`). */
  matches(fields: Fields | undefined | null): boolean {
    if (this.terms === null) return false;
    for (const t of this.terms) {
      const v = getField(fields, t.field);
      if (t.operator === "=" ? v !== t.value : v === t.value) return false;
    }
    return true;
  }

  /** True when the selector does not restrict anything (nothing() is not empty). */
  empty(): boolean {
    return this.terms !== null && this.terms.length === 0;
  }

  /** True for FieldSelector.nothing(). */
  isNothing(): boolean {
    return this.terms === null;
  }

  requirements(): readonly FieldRequirement[] {
    return this.terms ?? [];
  }

  /** The value the selector requires `field` to equal (first `field=value` term), if any. */
  requiresExactMatch(field: string): string | undefined {
    for (const t of this.terms ?? []) if (t.operator === "=" && t.field === field) return t.value;
    return undefined;
  }

  /** Applies `fn` to every term (fields.Selector.Transform); terms mapped to ["", ""] are dropped. */
  transform(fn: FieldTransform): FieldSelector {
    if (this.terms === null) return this;
    const out: FieldRequirement[] = [];
    for (const t of this.terms) {
      const [field, value] = fn(t.field, t.value);
      if (field.length === 0 && value.length === 0) continue;
      out.push(term(field, t.operator, value));
    }
    return new FieldSelector(Object.freeze(out));
  }

  /** `f=v,g!=w` with values escaped; parse order (terms sorted as raw strings). */
  toString(): string {
    return (this.terms ?? []).map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`).join(",");
  }

  toJSON(): string {
    return this.toString();
  }
}

function term(field: string, operator: "=" | "!=", value: string): FieldRequirement {
  return Object.freeze({ field, operator, value });
}

/** Splits on ',' except a backslash-escaped one (the backslash stays in the term). */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

const termOperators = ["!=", "==", "="] as const;

/** The first operator occurrence splits the term; the left side has no escaping. */
function splitTerm(t: string): [string, (typeof termOperators)[number], string] | undefined {
  for (let i = 0; i < t.length; i++) {
    for (const op of termOperators) {
      if (t.startsWith(op, i)) return [t.slice(0, i), op, t.slice(i + op.length)];
    }
  }
  return undefined;
}

/**
 * fields.ParseSelector: comma-separated `field=value`, `field==value`, `field!=value`; values may escape `\,`,
 * `\=` and `\\`. Terms are sorted; empty terms are skipped; "" is everything. Throws FieldSelectorParseError, e.g.
 * `invalid selector: 'foo'; can't understand 'foo'`.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  return parseAndTransformFieldSelector(selector, (f, v) => [f, v]);
}

/** fields.ParseAndTransformSelector. */
export function parseAndTransformFieldSelector(selector: string, fn: FieldTransform): FieldSelector {
  const parts = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const terms: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const split = splitTerm(part);
    if (!split) throw new FieldSelectorParseError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [lhs, op, rhs] = split;
    terms.push(term(lhs, op === "!=" ? "!=" : "=", unescapeFieldValue(rhs)));
  }
  return FieldSelector.fromRequirements(terms).transform(fn);
}
