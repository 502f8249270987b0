/**
 * resource.Quantity (k8s.io/apimachinery/pkg/api/resource): fixed-point quantities such as `500m`, `1.5Gi`,
 * `1e3`, with exact decimal arithmetic (BigInt, never floats) and upstream's canonical serialisation.
 */

/** How a quantity is written: `12e6`, `12Mi` (12 * 2^20) or `12M` (12 * 10^6). */
export type QuantityFormat = "DecimalExponent" | "BinarySI" | "DecimalSI";

/** Powers of ten for scaledValue (resource.Scale). */
export const Scale = {
  Nano: -9,
  Micro: -6,
  Milli: -3,
  Unit: 0,
  Kilo: 3,
  Mega: 6,
  Giga: 9,
  Tera: 12,
  Peta: 15,
  Exa: 18,
} as const;

/** The pattern a quantity string must match (upstream's splitREString; the parser is stricter). */
export const quantityRegexString = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/** Upstream's three parse errors, word for word. */
export const quantityErrorMessages = {
  formatWrong: `quantities must match the regular expression '${quantityRegexString}'`,
  numeric: "unable to parse numeric part of quantity",
  suffix: "unable to parse quantity's suffix",
} as const;

/** A string that is not a quantity. */
export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuantityParseError";
  }
}

const maxInt64 = 2n ** 63n - 1n;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

function digitCount(v: bigint): number {
  return v === 0n ? 0 : abs(v).toString().length;
}

/** v / 10^n rounded away from zero (n > 0), plus whether it was exact. */
function divPow10Away(v: bigint, n: number): [bigint, boolean] {
  if (v === 0n) return [0n, true];
  if (digitCount(v) <= n) return [v < 0n ? -1n : 1n, false];
  const d = pow10(n);
  const q = v / d;
  if (q * d === v) return [q, true];
  return [v < 0n ? q - 1n : q + 1n, false];
}

/** value = unscaled * 10^exp. */
interface Dec {
  readonly u: bigint;
  readonly e: number;
}

function cmpDec(a: Dec, b: Dec): -1 | 0 | 1 {
  const sa = a.u === 0n ? 0 : a.u < 0n ? -1 : 1;
  const sb = b.u === 0n ? 0 : b.u < 0n ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  // Compare magnitudes by order of magnitude first, so huge exponents never get materialised.
  const ma = digitCount(a.u) + a.e;
  const mb = digitCount(b.u) + b.e;
  if (ma !== mb) return (ma > mb) === (sa > 0) ? 1 : -1;
  const e = Math.min(a.e, b.e);
  const x = a.u * pow10(a.e - e);
  const y = b.u * pow10(b.e - e);
  return x === y ? 0 : x < y ? -1 : 1;
}

function addDec(a: Dec, b: Dec): Dec {
  if (a.u === 0n) return b;
  if (b.u === 0n) return a;
  const e = Math.min(a.e, b.e);
  return { u: a.u * pow10(a.e - e) + b.u * pow10(b.e - e), e };
}

/** The value rounded (away from zero) to a multiple of 10^scale, as an integer count of 10^scale. */
function scaledInteger(d: Dec, scale: number): [bigint, boolean] {
  const k = d.e - scale;
  if (k >= 0) return [d.u * pow10(k), true];
  return divPow10Away(d.u, -k);
}

// ---- parsing ----

interface Scanned {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/** parseQuantityString: upstream's hand-written scanner, including its leniencies ("1.", ".5", "e3"). */
function scanQuantity(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === "-") {
    positive = false;
    pos++;
  } else if (str[0] === "+") {
    pos++;
  }
  while (pos < end && str[pos] === "0") pos++;
  if (pos >= end) return { positive, value: "0", num: "0", denom: "", suffix: "" };

  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: "", suffix: "" };
  let num = str.slice(pos, i) || "0";
  pos = i;

  let denom = "";
  if (str[pos] === ".") {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: "" };
    pos = i;
  }
  const value = str.slice(0, pos);

  const suffixStart = pos;
  i = pos;
  while (i < end && "eEinumkKMGTP".includes(str[i] as string)) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === "-" || str[pos] === "+") pos++;
  i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityParseError(quantityErrorMessages.formatWrong);
}

interface SuffixInfo {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

const decimalSuffixes: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

function interpretSuffix(s: string): SuffixInfo | undefined {
  if (Object.prototype.hasOwnProperty.call(decimalSuffixes, s)) return { base: 10, exponent: decimalSuffixes[s] as number, format: "DecimalSI" };
  if (Object.prototype.hasOwnProperty.call(binarySuffixes, s)) return { base: 2, exponent: binarySuffixes[s] as number, format: "BinarySI" };
  if (s.length > 1 && (s[0] === "e" || s[0] === "E")) {
    const rest = s.slice(1);
    if (!/^[+-]?[0-9]+$/.test(rest)) return undefined;
    const v = BigInt(rest);
    if (v > maxInt64 || v < -maxInt64 - 1n) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, v)), format: "DecimalExponent" };
  }
  return undefined;
}

/**
 * Whether upstream's int64 fast path applies, and if so whether it keeps the input string as the serialised form
 * (it does so only when the input already looks canonical; e.g. "100m", "1Ki", but not "1000m" or "0.5").
 */
function fastPathKeepsString(sc: Scanned, sfx: SuffixInfo): { fast: boolean; keep: boolean } {
  if (sfx.format === "BinarySI") {
    if (sfx.exponent < 0 || sc.denom.length > 0) return { fast: false, keep: false };
    const precision = 15 - sc.num.length - Math.trunc((sfx.exponent * 3) / 10) - 1;
    if (precision < 0) return { fast: false, keep: false };
    const value = BigInt(sc.num);
    if (value * 2n ** BigInt(sfx.exponent) > maxInt64) return { fast: false, keep: false };
    return { fast: true, keep: sfx.exponent % 10 === 0 && (value & 7n) !== 0n };
  }
  const precision = 18 - (sc.num.length + sc.denom.length);
  const scale = sfx.exponent - sc.denom.length;
  if (precision < 0 || scale < Scale.Nano) return { fast: false, keep: false };
  const shifted = sc.num + sc.denom;
  return { fast: true, keep: scale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0" };
}

/** A fixed-point quantity. Immutable: add/sub/neg return new quantities. */
export class Quantity {
  private cached: string | undefined;

  private constructor(
    private readonly d: Dec,
    /** The format the quantity serialises in (remembered from the parsed suffix). */
    readonly format: QuantityFormat,
    cached?: string,
  ) {
    this.cached = cached;
  }

  /** resource.ParseQuantity; throws QuantityParseError. */
  static parse(str: string): Quantity {
    if (str === "0") return Quantity.zero();
    const { d, format, keep } = parseDec(str);
    return new Quantity(d, format, keep ? str : undefined);
  }

  /** resource.NewQuantity: `value` units. */
  static fromInt(value: number | bigint, format: QuantityFormat = "DecimalSI"): Quantity {
    return new Quantity({ u: toBigInt(value), e: 0 }, format);
  }

  /** resource.NewMilliQuantity: `value` thousandths. */
  static fromMilli(value: number | bigint, format: QuantityFormat = "DecimalSI"): Quantity {
    return new Quantity({ u: toBigInt(value), e: Scale.Milli }, format);
  }

  /** resource.NewScaledQuantity: value * 10^scale (DecimalSI unless another format is given). */
  static fromScaled(value: number | bigint, scale: number, format: QuantityFormat = "DecimalSI"): Quantity {
    if (!Number.isInteger(scale)) throw new RangeError(`scale must be an integer, got ${scale}`);
    return new Quantity({ u: toBigInt(value), e: scale }, format);
  }

  /** The zero quantity (DecimalSI, "0"). */
  static zero(): Quantity {
    return new Quantity({ u: 0n, e: 0 }, "DecimalSI", "0");
  }

  isZero(): boolean {
    return this.d.u === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.d.u === 0n ? 0 : this.d.u < 0n ? -1 : 1;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other`. */
  cmp(other: Quantity): -1 | 0 | 1 {
    return cmpDec(this.d, other.d);
  }

  cmpInt(value: number | bigint): -1 | 0 | 1 {
    return cmpDec(this.d, { u: toBigInt(value), e: 0 });
  }

  equal(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** this + other; a zero receiver takes other's format (as upstream's Add). */
  add(other: Quantity): Quantity {
    return new Quantity(addDec(this.d, other.d), this.isZero() ? other.format : this.format);
  }

  /** this - other; a zero receiver takes other's format (as upstream's Sub). */
  sub(other: Quantity): Quantity {
    return new Quantity(addDec(this.d, { u: -other.d.u, e: other.d.e }), this.isZero() ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity({ u: -this.d.u, e: this.d.e }, this.format);
  }

  /** this * n, exactly. */
  mul(n: number | bigint): Quantity {
    return new Quantity({ u: this.d.u * toBigInt(n), e: this.d.e }, this.format);
  }

  /** ceil(q / 10^scale), rounding away from zero, as a BigInt (ScaledValue without int64 overflow). */
  scaledValue(scale: number): bigint {
    return scaledInteger(this.d, scale)[0];
  }

  /** Value(): the quantity in whole units, rounded away from zero. Exact up to 2^53; see valueBigInt. */
  value(): number {
    return Number(this.valueBigInt());
  }

  valueBigInt(): bigint {
    return this.scaledValue(0);
  }

  /** MilliValue(): ceil(q * 1000), rounded away from zero. Exact up to 2^53; see milliValueBigInt. */
  milliValue(): number {
    return Number(this.milliValueBigInt());
  }

  milliValueBigInt(): bigint {
    return this.scaledValue(Scale.Milli);
  }

  /** A float approximation (AsApproximateFloat64). */
  asApproximateFloat64(): number {
    return Number.parseFloat(`${this.d.u}e${this.d.e}`);
  }

  /** The canonical string (or the parsed string when it was already canonical), as the API serialises it. */
  toString(): string {
    if (this.cached === undefined) this.cached = canonicalize(this.d, this.format);
    return this.cached;
  }

  toJSON(): string {
    return this.toString();
  }
}

function toBigInt(v: number | bigint): bigint {
  if (typeof v === "bigint") return v;
  if (!Number.isSafeInteger(v)) throw new RangeError(`quantity value must be a safe integer, got ${v}`);
  return BigInt(v);
}

/** resource.ParseQuantity. Throws QuantityParseError with upstream's messages. */
export function parseQuantity(str: string): Quantity {
  return Quantity.parse(str);
}

function parseDec(str: string): { d: Dec; format: QuantityFormat; keep: boolean } {
  if (typeof str !== "string" || str.length === 0) throw new QuantityParseError(quantityErrorMessages.formatWrong);
  const sc = scanQuantity(str);
  const sfx = interpretSuffix(sc.suffix);
  if (!sfx) throw new QuantityParseError(quantityErrorMessages.suffix);

  const { fast, keep } = fastPathKeepsString(sc, sfx);
  if (!fast && !/[0-9]/.test(sc.value)) throw new QuantityParseError(quantityErrorMessages.numeric);

  let u = BigInt(sc.num + sc.denom);
  let e = -sc.denom.length;
  if (sfx.base === 10) e += sfx.exponent;
  else u *= 2n ** BigInt(sfx.exponent);
  if (!sc.positive) u = -u;

  let format = sfx.format;
  if (!fast) {
    // Round anything finer than nano up (away from zero), cap binary quantities at 2^63-1, and print
    // binary quantities between 0 and 1 as decimal.
    if (e < Scale.Nano && u !== 0n) {
      u = divPow10Away(u, Scale.Nano - e)[0];
      e = Scale.Nano;
    }
    if (format === "BinarySI" && cmpDec({ u: abs(u), e }, { u: maxInt64, e: 0 }) > 0) {
      u = u < 0n ? -maxInt64 : maxInt64;
      e = 0;
    }
    if (format === "BinarySI" && u !== 0n && cmpDec({ u: abs(u), e }, { u: 1n, e: 0 }) < 0) format = "DecimalSI";
  }
  return { d: { u, e }, format, keep };
}

/** True when `s` parses as a quantity. */
export function isQuantityString(s: string): boolean {
  try {
    parseQuantity(s);
    return true;
  } catch {
    return false;
  }
}

const decimalSuffixByExponent: ReadonlyMap<number, string> = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binarySuffixByExponent = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"] as const;

/** CanonicalizeBytes: no precision lost, no fractional digits, the largest exponent (a multiple of 3) or suffix. */
function canonicalize(d: Dec, format: QuantityFormat): string {
  if (d.u === 0n) return "0";
  if (format === "BinarySI") {
    const small = cmpDec(d, { u: -1024n, e: 0 }) > 0 && cmpDec(d, { u: 1024n, e: 0 }) < 0;
    if (!small) {
      const [int, exact] = scaledInteger(d, 0);
      if (exact) {
        let v = int;
        let exp = 0;
        while (exp < 6 && v % 1024n === 0n) {
          v /= 1024n;
          exp++;
        }
        return `${v}${binarySuffixByExponent[exp]}`;
      }
    }
    format = "DecimalSI";
  }
  let u = d.u;
  let e = d.e;
  while (u % 10n === 0n) {
    u /= 10n;
    e++;
  }
  while (e % 3 !== 0) {
    u *= 10n;
    e--;
  }
  if (format === "DecimalSI") {
    const s = decimalSuffixByExponent.get(e);
    if (s !== undefined) return `${u}${s}`;
  }
  return e === 0 ? `${u}` : `${u}e${e}`;
}
