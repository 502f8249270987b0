/**
 * RE2 patterns (Go's `regexp` syntax, as kube-apiserver compiles a CRD schema's `pattern`) for JavaScript.
 *
 * `parseRE2` is a port of Go's `regexp/syntax` parser with Perl flags (what `regexp.Compile` uses): it accepts
 * exactly the syntax Go accepts and rejects the rest with Go's error text (`error parsing regexp: invalid named
 * capture: `(?<=a)b``), so a CRD is refused as kube-apiserver refuses it. `compileRE2` then translates the parsed
 * pattern into an equivalent JavaScript `RegExp` (`u` flag) with Go's matching semantics where the two engines
 * differ: `.` excludes only `\n`, `\s` is `[\t\n\f\r ]`, `(?i)`/`(?s)`/`(?m)`/`(?U)` flag groups, `\A`, `\z`,
 * `\Q…\E`, POSIX classes, `\pN` and `\p{Greek}` Unicode classes, octal and `\x{…}` escapes.
 *
 * Caveats: case folding uses JavaScript's case mappings plus the few multi-member orbits (k/K/K, s/S/ſ, …)
 * rather than Go's full SimpleFold tables, `(?i)` on a Unicode class only widens Lu/Ll/Lt, and matching runs on
 * V8's backtracking engine (not RE2's linear-time one). Go's program-size limit ("expression too large") is not
 * checked; repetition counts (≤ 1000, nested products too) and nesting depth are.
 */

/** Go's regexp/syntax error codes (ErrorCode strings). */
export type RE2ErrorCode =
  | "invalid character class"
  | "invalid character class range"
  | "invalid escape sequence"
  | "invalid named capture"
  | "invalid or unsupported Perl syntax"
  | "invalid nested repetition operator"
  | "invalid repeat count"
  | "missing closing ]"
  | "missing closing )"
  | "missing argument to repetition operator"
  | "trailing backslash at end of expression"
  | "unexpected )"
  | "expression nests too deeply";

/** A pattern Go's regexp package does not compile; `message` is Go's `err.Error()`. */
export class RE2SyntaxError extends Error {
  constructor(
    readonly code: RE2ErrorCode,
    readonly expr: string,
  ) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
    this.name = "RE2SyntaxError";
  }
}

// ---- syntax tree ----

interface ClassProp {
  /** The body of a JavaScript \p{…}: "L", "Script=Greek". */
  prop: string;
  negated: boolean;
}

type Node =
  | { op: "lit"; cp: number; fold: boolean }
  | { op: "class"; ranges: number[]; props: ClassProp[]; negated: boolean }
  | { op: "any"; nl: boolean }
  | { op: "beginLine" | "endLine" | "beginText" | "endText" | "wordBoundary" | "noWordBoundary" | "empty" }
  | { op: "capture"; sub: Node }
  | { op: "group"; sub: Node }
  | { op: "concat"; subs: Node[] }
  | { op: "alternate"; subs: Node[] }
  | { op: "repeat"; min: number; max: number; greedy: boolean; sub: Node };

interface Flags {
  foldCase: boolean;
  /** `^`/`$` match at text boundaries only (Go's OneLine; cleared by (?m)). */
  oneLine: boolean;
  dotNL: boolean;
  nonGreedy: boolean;
}

interface Frame {
  alts: Node[][];
  cur: Node[];
  /** Flags in force before the group opened (restored at its `)`); undefined at the root. */
  saved?: Flags;
  capture: boolean;
}

const maxRepeat = 1000;
const maxHeight = 1000;
const maxRune = 0x10ffff;

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Go's unicode.Categories (the names `\p{…}` accepts besides scripts and Any). */
const unicodeCategories = new Set(
  "C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs".split(" "),
);

/** Go's script names that are four letters long (other four-letter names are ISO 15924 codes, which Go rejects). */
const fourLetterScripts = new Set(["Ahom", "Cham", "Lisu", "Modi", "Newa", "Thai", "Toto"]);
const scriptCache = new Map<string, boolean>();
function isScript(name: string): boolean {
  let ok = scriptCache.get(name);
  if (ok === undefined) {
    // Go knows scripts by their long names only (Latin, Greek, Old_Italic); JavaScript also takes 4-letter aliases
    ok = /^[A-Z][A-Za-z]*(_[A-Z][A-Za-z]*)*$/.test(name) && (name.length !== 4 || fourLetterScripts.has(name));
    if (ok) {
      try {
        new RegExp(`\\p{Script=${name}}`, "u");
      } catch {
        ok = false;
      }
    }
    scriptCache.set(name, ok);
  }
  return ok;
}

const posixGroups: Record<string, number[]> = {
  "[:alnum:]": [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  "[:alpha:]": [0x41, 0x5a, 0x61, 0x7a],
  "[:ascii:]": [0x00, 0x7f],
  "[:blank:]": [0x09, 0x09, 0x20, 0x20],
  "[:cntrl:]": [0x00, 0x1f, 0x7f, 0x7f],
  "[:digit:]": [0x30, 0x39],
  "[:graph:]": [0x21, 0x7e],
  "[:lower:]": [0x61, 0x7a],
  "[:print:]": [0x20, 0x7e],
  "[:punct:]": [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  "[:space:]": [0x09, 0x0d, 0x20, 0x20],
  "[:upper:]": [0x41, 0x5a],
  "[:word:]": [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  "[:xdigit:]": [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

const perlGroups: Record<string, number[]> = {
  "\\d": [0x30, 0x39],
  "\\s": [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20],
  "\\w": [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
};

/** Sorted, merged ranges (pairs lo, hi). */
function normalize(ranges: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < ranges.length; i += 2) pairs.push([ranges[i] as number, ranges[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= (out[n - 1] as number) + 1) out[n - 1] = Math.max(out[n - 1] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

function complement(ranges: number[]): number[] {
  const r = normalize(ranges);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i] as number;
    if (lo > next) out.push(next, lo - 1);
    next = (r[i + 1] as number) + 1;
  }
  if (next <= maxRune) out.push(next, maxRune);
  return out;
}

/** Members of a code point's case-folding orbit that JavaScript's mappings miss. */
const extraOrbits: number[][] = [
  [0x4b, 0x6b, 0x212a],
  [0x53, 0x73, 0x17f],
  [0xb5, 0x39c, 0x3bc],
  [0xc5, 0xe5, 0x212b],
  [0x398, 0x3b8, 0x3d1, 0x3f4],
  [0x3a3, 0x3c2, 0x3c3],
  [0x1e9e, 0xdf],
];

function foldVariants(cp: number): number[] {
  const out = new Set<number>([cp]);
  const s = String.fromCodePoint(cp);
  for (const t of [s.toLowerCase(), s.toUpperCase(), s.toUpperCase().toLowerCase()]) {
    const cps = [...t];
    if (cps.length === 1) out.add(cps[0]?.codePointAt(0) ?? cp);
  }
  for (const orbit of extraOrbits) if (orbit.includes(cp)) for (const c of orbit) out.add(c);
  return [...out];
}

/** appendFoldedRange: adds the case variants of lo..hi (small ranges; a huge range already holds them). */
function foldRanges(ranges: number[]): number[] {
  const out = [...ranges];
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    const lo = ranges[i] as number;
    const hi = ranges[i + 1] as number;
    if (hi - lo > 0x3000) continue;
    for (let c = lo; c <= hi; c++) for (const v of foldVariants(c)) if (v !== c) out.push(v, v);
  }
  return normalize(out);
}

class Parser {
  private flags: Flags = { foldCase: false, oneLine: true, dotNL: false, nonGreedy: false };
  private readonly frames: Frame[] = [{ alts: [], cur: [], capture: false }];

  constructor(private readonly whole: string) {}

  private get frame(): Frame {
    return this.frames[this.frames.length - 1] as Frame;
  }

  private push(n: Node): void {
    this.frame.cur.push(n);
  }

  private literal(cp: number): void {
    this.push({ op: "lit", cp, fold: this.flags.foldCase && foldVariants(cp).length > 1 });
  }

  parse(): Node {
    let t = this.whole;
    let lastRepeat = "";
    while (t !== "") {
      let repeat = "";
      const c = t[0] as string;
      switch (c) {
        case "(":
          if (t.length >= 2 && t[1] === "?") {
            t = this.parsePerlFlags(t);
            break;
          }
          this.open(true);
          t = t.slice(1);
          break;
        case "|":
          this.frame.alts.push(this.frame.cur);
          this.frame.cur = [];
          t = t.slice(1);
          break;
        case ")":
          this.close();
          t = t.slice(1);
          break;
        case "^":
          this.push({ op: this.flags.oneLine ? "beginText" : "beginLine" });
          t = t.slice(1);
          break;
        case "$":
          this.push({ op: this.flags.oneLine ? "endText" : "endLine" });
          t = t.slice(1);
          break;
        case ".":
          this.push({ op: "any", nl: this.flags.dotNL });
          t = t.slice(1);
          break;
        case "[":
          t = this.parseClass(t);
          break;
        case "*":
        case "+":
        case "?": {
          const before = t;
          const [min, max] = c === "*" ? [0, -1] : c === "+" ? [1, -1] : [0, 1];
          t = this.repeat(min, max, before, t.slice(1), lastRepeat, false);
          repeat = before;
          break;
        }
        case "{": {
          const before = t;
          const r = parseRepeat(t);
          if (!r) {
            this.literal(0x7b);
            t = t.slice(1);
            break;
          }
          const { min, max, rest } = r;
          if (min < 0 || min > maxRepeat || max > maxRepeat || (max >= 0 && min > max)) {
            throw new RE2SyntaxError("invalid repeat count", before.slice(0, before.length - rest.length));
          }
          t = this.repeat(min, max, before, rest, lastRepeat, true);
          repeat = before;
          break;
        }
        case "\\":
          t = this.parseBackslash(t);
          break;
        default: {
          const cp = t.codePointAt(0) as number;
          this.literal(cp);
          t = t.slice(cp > 0xffff ? 2 : 1);
        }
      }
      lastRepeat = repeat;
    }
    if (this.frames.length !== 1) throw new RE2SyntaxError("missing closing )", this.whole);
    const root = this.finish(this.frame);
    if (height(root) > maxHeight) throw new RE2SyntaxError("expression nests too deeply", this.whole);
    return root;
  }

  private open(capture: boolean): void {
    this.frames.push({ alts: [], cur: [], saved: { ...this.flags }, capture });
  }

  private close(): void {
    if (this.frames.length < 2) throw new RE2SyntaxError("unexpected )", this.whole);
    const f = this.frames.pop() as Frame;
    this.flags = f.saved as Flags;
    const sub = this.finish(f);
    this.push(f.capture ? { op: "capture", sub } : { op: "group", sub });
  }

  private finish(f: Frame): Node {
    const alts = [...f.alts, f.cur].map((c): Node => (c.length === 0 ? { op: "empty" } : c.length === 1 ? (c[0] as Node) : { op: "concat", subs: c }));
    return alts.length === 1 ? (alts[0] as Node) : { op: "alternate", subs: alts };
  }

  private repeat(min: number, max: number, before: string, after: string, lastRepeat: string, counted: boolean): string {
    let greedy = !this.flags.nonGreedy;
    if (after.startsWith("?")) {
      after = after.slice(1);
      greedy = !greedy;
    }
    // as Perl, stacked repetition operators are an error (a** is not a doubled star)
    if (lastRepeat !== "") throw new RE2SyntaxError("invalid nested repetition operator", lastRepeat.slice(0, lastRepeat.length - after.length));
    const cur = this.frame.cur;
    const sub = cur[cur.length - 1];
    if (!sub) throw new RE2SyntaxError("missing argument to repetition operator", before.slice(0, before.length - after.length));
    const re: Node = { op: "repeat", min, max, greedy, sub };
    cur[cur.length - 1] = re;
    if (counted && (min >= 2 || max >= 2) && !repeatIsValid(re, maxRepeat)) {
      throw new RE2SyntaxError("invalid repeat count", before.slice(0, before.length - after.length));
    }
    return after;
  }

  /** `(?flags)`, `(?flags:…)`, `(?P<name>…)`, `(?<name>…)`. */
  private parsePerlFlags(s: string): string {
    let t = s;
    if ((t.length > 4 && t[2] === "P" && t[3] === "<") || (t.length > 3 && t[2] === "<")) {
      const begin = t[2] === "<" ? 3 : 4;
      const end = t.indexOf(">");
      if (end < 0) throw new RE2SyntaxError("invalid named capture", s);
      const capture = t.slice(0, end + 1);
      const name = t.slice(begin, end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw new RE2SyntaxError("invalid named capture", capture);
      this.open(true);
      return t.slice(end + 1);
    }
    t = t.slice(2);
    const flags = { ...this.flags };
    let negate = false;
    let sawFlag = false;
    while (t !== "") {
      const c = t[0] as string;
      t = t.slice(1);
      const set = (k: "foldCase" | "dotNL" | "nonGreedy", on: boolean): void => {
        flags[k] = negate ? !on : on;
        sawFlag = true;
      };
      if (c === "i") set("foldCase", true);
      else if (c === "m") {
        flags.oneLine = negate;
        sawFlag = true;
      } else if (c === "s") set("dotNL", true);
      else if (c === "U") set("nonGreedy", true);
      else if (c === "-") {
        if (negate) break;
        negate = true;
        sawFlag = false;
      } else if (c === ":" || c === ")") {
        if (negate && !sawFlag) break;
        if (c === ":") this.open(false);
        this.flags = flags;
        return t;
      } else break;
    }
    throw new RE2SyntaxError("invalid or unsupported Perl syntax", s.slice(0, s.length - t.length));
  }

  private parseBackslash(t: string): string {
    if (t.length >= 2) {
      switch (t[1]) {
        case "A":
          this.push({ op: "beginText" });
          return t.slice(2);
        case "b":
          this.push({ op: "wordBoundary" });
          return t.slice(2);
        case "B":
          this.push({ op: "noWordBoundary" });
          return t.slice(2);
        case "C":
          throw new RE2SyntaxError("invalid escape sequence", t.slice(0, 2));
        case "Q": {
          const rest = t.slice(2);
          const end = rest.indexOf("\\E");
          const lit = end < 0 ? rest : rest.slice(0, end);
          for (const ch of lit) this.literal(ch.codePointAt(0) as number);
          return end < 0 ? "" : rest.slice(end + 2);
        }
        case "z":
          this.push({ op: "endText" });
          return t.slice(2);
      }
    }
    if (t.length >= 2 && (t[1] === "p" || t[1] === "P")) {
      const r = this.parseUnicodeClass(t);
      if (r) {
        this.push({ op: "class", ranges: r.ranges, props: r.props, negated: false });
        return r.rest;
      }
    }
    const perl = parsePerlClassEscape(t);
    if (perl) {
      this.push({ op: "class", ranges: this.flags.foldCase ? foldRanges(perl.ranges) : perl.ranges, props: [], negated: false });
      return perl.rest;
    }
    const { cp, rest } = parseEscape(t);
    this.literal(cp);
    return rest;
  }

  /** `\pN`, `\p{Name}`, `\PN`, `\p{^Name}`; undefined when `s` does not start one. */
  private parseUnicodeClass(s: string): { ranges: number[]; props: ClassProp[]; rest: string } | undefined {
    if (s.length < 2 || s[0] !== "\\" || (s[1] !== "p" && s[1] !== "P")) return undefined;
    let negated = s[1] === "P";
    let t = s.slice(2);
    let seq: string;
    let name: string;
    if (t[0] !== "{") {
      const cp = t.codePointAt(0);
      const n = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
      seq = s.slice(0, 2 + n);
      name = t.slice(0, n);
      t = t.slice(n);
    } else {
      const end = s.indexOf("}");
      if (end < 0) throw new RE2SyntaxError("invalid character class range", s);
      seq = s.slice(0, end + 1);
      t = s.slice(end + 1);
      name = s.slice(3, end);
    }
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    let props: ClassProp[];
    let ranges: number[] = [];
    if (name === "Any") {
      if (!negated) ranges = [0, maxRune];
      props = [];
    } else if (unicodeCategories.has(name)) {
      const names = this.flags.foldCase && (name === "Lu" || name === "Ll" || name === "Lt") ? ["Lu", "Ll", "Lt"] : [name];
      props = names.map((n) => ({ prop: n, negated }));
      if (negated && names.length > 1) {
        // \P{Lu} under (?i): neither case; one negated property of the union is not expressible, keep Lu's
        props = [{ prop: name, negated }];
      }
    } else if (isScript(name)) {
      props = [{ prop: `Script=${name}`, negated }];
    } else {
      throw new RE2SyntaxError("invalid character class range", seq);
    }
    return { ranges, props, rest: t };
  }

  private parseClass(s: string): string {
    let t = s.slice(1);
    let negated = false;
    if (t.startsWith("^")) {
      negated = true;
      t = t.slice(1);
    }
    let ranges: number[] = [];
    const props: ClassProp[] = [];
    let first = true;
    while (t === "" || t[0] !== "]" || first) {
      first = false;
      if (t.length > 2 && t[0] === "[" && t[1] === ":") {
        const i = t.indexOf(":]", 2);
        if (i >= 0) {
          const name = t.slice(0, i + 2);
          const neg = name.startsWith("[:^");
          const g = posixGroups[neg ? `[:${name.slice(3)}` : name];
          if (!g) throw new RE2SyntaxError("invalid character class range", name);
          ranges.push(...(neg ? complement(g) : g));
          t = t.slice(i + 2);
          continue;
        }
      }
      const uni = this.parseUnicodeClass(t);
      if (uni) {
        ranges.push(...uni.ranges);
        props.push(...uni.props);
        t = uni.rest;
        continue;
      }
      const perl = parsePerlClassEscape(t);
      if (perl) {
        ranges.push(...perl.ranges);
        t = perl.rest;
        continue;
      }
      const rng = t;
      const a = parseClassChar(t, s);
      let hi = a.cp;
      t = a.rest;
      if (t.length >= 2 && t[0] === "-" && t[1] !== "]") {
        const b = parseClassChar(t.slice(1), s);
        t = b.rest;
        hi = b.cp;
        if (hi < a.cp) throw new RE2SyntaxError("invalid character class range", rng.slice(0, rng.length - t.length));
      }
      ranges.push(a.cp, hi);
    }
    ranges = normalize(ranges);
    if (this.flags.foldCase) ranges = foldRanges(ranges);
    this.push({ op: "class", ranges, props, negated });
    return t.slice(1);
  }
}

function parseClassChar(s: string, wholeClass: string): { cp: number; rest: string } {
  if (s === "") throw new RE2SyntaxError("missing closing ]", wholeClass);
  if (s[0] === "\\") return parseEscape(s);
  const cp = s.codePointAt(0) as number;
  return { cp, rest: s.slice(cp > 0xffff ? 2 : 1) };
}

function parsePerlClassEscape(s: string): { ranges: number[]; rest: string } | undefined {
  if (s.length < 2 || s[0] !== "\\") return undefined;
  const k = s.slice(0, 2);
  const lower = k.toLowerCase();
  const g = perlGroups[lower];
  if (!g || !"dswDSW".includes(k[1] as string)) return undefined;
  return { ranges: k === lower ? [...g] : complement(g), rest: s.slice(2) };
}

/** A single-character escape (`\n`, `\x41`, `\x{263a}`, `\101`, `\.`). */
function parseEscape(s: string): { cp: number; rest: string } {
  let t = s.slice(1);
  if (t === "") throw new RE2SyntaxError("trailing backslash at end of expression", "");
  const c = t.codePointAt(0) as number;
  t = t.slice(c > 0xffff ? 2 : 1);
  const fail = (): never => {
    throw new RE2SyntaxError("invalid escape sequence", s.slice(0, s.length - t.length));
  };
  if (c < 0x80 && !isAlnum(c)) return { cp: c, rest: t };
  switch (c) {
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
    case 0x36:
    case 0x37: // \1-\7: a backreference unless more octal digits follow (not supported)
      if (t === "" || t.charCodeAt(0) < 0x30 || t.charCodeAt(0) > 0x37) return fail();
      return octal(c, t);
    case 0x30:
      return octal(c, t);
    case 0x78: {

      // \xFF, \x{10FFFF}
      if (t === "") return fail();
      const d = t.codePointAt(0) as number;
      t = t.slice(d > 0xffff ? 2 : 1);
      if (d === 0x7b) {
        let nhex = 0;
        let r = 0;
        for (;;) {
          if (t === "") return fail();
          const e = t.codePointAt(0) as number;
          t = t.slice(e > 0xffff ? 2 : 1);
          if (e === 0x7d) break;
          const v = unhex(e);
          if (v < 0) return fail();
          r = r * 16 + v;
          if (r > maxRune) return fail();
          nhex++;
        }
        if (nhex === 0) return fail();
        return { cp: r, rest: t };
      }
      const x = unhex(d);
      const e = t === "" ? -1 : (t.codePointAt(0) as number);
      if (e >= 0) t = t.slice(e > 0xffff ? 2 : 1);
      const y = e < 0 ? -1 : unhex(e);
      if (x < 0 || y < 0) return fail();
      return { cp: x * 16 + y, rest: t };
    }
    case 0x61:
      return { cp: 0x07, rest: t };
    case 0x66:
      return { cp: 0x0c, rest: t };
    case 0x6e:
      return { cp: 0x0a, rest: t };
    case 0x72:
      return { cp: 0x0d, rest: t };
    case 0x74:
      return { cp: 0x09, rest: t };
    case 0x76:
      return { cp: 0x0b, rest: t };
  }
  return fail();
}

/** An octal escape: the first digit, then up to two more. */
function octal(c: number, t: string): { cp: number; rest: string } {
  let r = c - 0x30;
  for (let i = 1; i < 3; i++) {
    if (t === "" || t.charCodeAt(0) < 0x30 || t.charCodeAt(0) > 0x37) break;
    r = r * 8 + t.charCodeAt(0) - 0x30;
    t = t.slice(1);
  }
  return { cp: r, rest: t };
}

/** `{n}`, `{n,}`, `{n,m}` (no leading zeros); undefined when `{` is a literal. */
function parseRepeat(s: string): { min: number; max: number; rest: string } | undefined {
  const m = /^\{(\d+)(,(\d*))?\}/.exec(s);
  if (!m) return undefined;
  const num = (d: string): number | undefined => (d.length >= 2 && d[0] === "0" ? undefined : d.length > 8 ? -1 : Number(d));
  let min = num(m[1] as string);
  if (min === undefined) return undefined;
  let max: number | undefined = min;
  if (m[2] !== undefined) {
    if (m[3] === "") max = -1;
    else {
      max = num(m[3] as string);
      if (max === undefined) return undefined;
      if (max < 0) min = -1;
    }
  }
  return { min, max, rest: s.slice(m[0].length) };
}

/** Go's repeatIsValid: nested counted repetitions may not multiply past 1000. */
function repeatIsValid(re: Node, n: number): boolean {
  // (star, plus and quest, kept as repeats here, never change n: their bound is 0 or 1)
  if (re.op === "repeat") {
    let m = re.max;
    if (m === 0) return true;
    if (m < 0) m = re.min;
    if (m > n) return false;
    if (m > 0) n = Math.trunc(n / m);
  }
  return children(re).every((c) => repeatIsValid(c, n));
}

function children(n: Node): Node[] {
  switch (n.op) {
    case "capture":
    case "group":
    case "repeat":
      return [n.sub];
    case "concat":
    case "alternate":
      return n.subs;
    default:
      return [];
  }
}

function height(n: Node): number {
  let h = 0;
  const stack: [Node, number][] = [[n, 1]];
  while (stack.length > 0) {
    const [node, d] = stack.pop() as [Node, number];
    if (d > h) h = d;
    for (const c of children(node)) stack.push([c, d + 1]);
  }
  return h;
}

// ---- translation to JavaScript ----

const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;

function literalSource(cp: number): string {
  if (isAlnum(cp) || cp === 0x5f) return String.fromCharCode(cp);
  return hex(cp);
}

function classSource(ranges: number[], props: ClassProp[], negated: boolean): string {
  let s = negated ? "[^" : "[";
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    const lo = ranges[i] as number;
    const hi = ranges[i + 1] as number;
    s += lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`;
  }
  for (const p of props) s += `\\${p.negated ? "P" : "p"}{${p.prop}}`;
  return `${s}]`;
}

function isAtom(n: Node): boolean {
  return n.op === "lit" || n.op === "class" || n.op === "any" || n.op === "capture" || n.op === "group";
}

function source(n: Node): string {
  switch (n.op) {
    case "lit":
      if (n.fold) return classSource(normalize(foldVariants(n.cp).flatMap((c) => [c, c])), [], false);
      return literalSource(n.cp);
    case "class":
      return classSource(n.ranges, n.props, n.negated);
    case "any":
      return n.nl ? "[^]" : "[^\\n]";
    case "beginLine":
      return "(?<![^\\n])";
    case "endLine":
      return "(?![^\\n])";
    case "beginText":
      return "^";
    case "endText":
      return "$";
    case "wordBoundary":
      return "\\b";
    case "noWordBoundary":
      return "\\B";
    case "empty":
      return "(?:)";
    case "capture":
      return `(${source(n.sub)})`;
    case "group":
      return `(?:${source(n.sub)})`;
    case "concat":
      return n.subs.map((s) => (s.op === "alternate" ? `(?:${source(s)})` : source(s))).join("");
    case "alternate":
      return n.subs.map(source).join("|");
    case "repeat": {
      const atom = isAtom(n.sub) ? source(n.sub) : `(?:${source(n.sub)})`;
      let q: string;
      if (n.min === 0 && n.max === -1) q = "*";
      else if (n.min === 1 && n.max === -1) q = "+";
      else if (n.min === 0 && n.max === 1) q = "?";
      else if (n.max === -1) q = `{${n.min},}`;
      else if (n.min === n.max) q = `{${n.min}}`;
      else q = `{${n.min},${n.max}}`;
      return atom + q + (n.greedy ? "" : "?");
    }
  }
}

/** Parses `pattern` as Go's regexp.Compile does; throws RE2SyntaxError with Go's message. */
export function parseRE2(pattern: string): void {
  new Parser(pattern).parse();
}

const compiled = new Map<string, RegExp | RE2SyntaxError>();

/**
 * A JavaScript RegExp matching what Go's `regexp.MustCompile(pattern).MatchString` matches (unanchored, as a
 * CRD pattern is applied). Throws RE2SyntaxError for patterns Go rejects. Results are cached per pattern.
 */
export function compileRE2(pattern: string): RegExp {
  let r = compiled.get(pattern);
  if (r === undefined) {
    try {
      r = new RegExp(source(new Parser(pattern).parse()), "u");
    } catch (err) {
      if (!(err instanceof RE2SyntaxError)) throw err;
      r = err;
    }
    if (compiled.size >= 2000) compiled.clear();
    compiled.set(pattern, r);
  }
  if (r instanceof RE2SyntaxError) throw r;
  return r;
}

/** Go's compile error for `pattern` (`error parsing regexp: …`), or undefined when Go accepts it. */
export function re2Error(pattern: string): string | undefined {
  try {
    compileRE2(pattern);
    return undefined;
  } catch (err) {
    if (err instanceof RE2SyntaxError) return err.message;
    throw err;
  }
}
