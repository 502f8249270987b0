/**
 * intstr.IntOrString (k8s.io/apimachinery/pkg/util/intstr): a JSON number or string, as in `maxUnavailable: 1` or
 * `maxSurge: "25%"`, with upstream's scaling helper and the validators the apps API group applies to such fields.
 */
import { fieldErrors, regexError, type FieldError, type FieldPath } from "./validation.js";

/** The wire form: a number (Type Int) or a string (Type String). The distinction matters: `"1"` is not `1`. */
export type IntOrString = number | string;

/** An IntOrString that cannot be used; the message is upstream's. */
export class IntOrStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IntOrStringError";
  }
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** strconv.Atoi (64-bit int): the value, or the Go error message. */
function atoi(s: string): { value: number } | { error: string } {
  if (!/^[+-]?[0-9]+$/.test(s)) return { error: `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax` };
  const v = BigInt(s);
  if (v < int64Min || v > int64Max) return { error: `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range` };
  return { value: Number(v) };
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

/** intstr.Parse: an integer string becomes a number (if it fits int32), anything else stays a string. */
export function parseIntOrString(s: string): IntOrString {
  const r = atoi(s);
  if ("value" in r && r.value >= -(2 ** 31) && r.value < 2 ** 31) return r.value;
  return s;
}

/** IntOrString.IntValue: the number, or a string's integer value (0 when it is not one). */
export function intOrStringValue(v: IntOrString): number {
  if (typeof v === "number") return Math.trunc(v);
  const r = atoi(v);
  return "value" in r ? r.value : 0;
}

/** IntOrString.String: the string, or the number in decimal. */
export function intOrStringToString(v: IntOrString): string {
  return typeof v === "string" ? v : String(Math.trunc(v));
}

/** True for a string ending in '%' (whether or not the rest is a number). */
export function isPercentString(v: IntOrString | undefined | null): v is string {
  return typeof v === "string" && v.endsWith("%");
}

/** getIntOrPercentValueSafely: [value, isPercent]; throws IntOrStringError without the outer prefix. */
function intOrPercentValue(v: unknown): [number, boolean] {
  if (isInt(v)) return [v, false];
  if (typeof v === "string") {
    if (!v.endsWith("%")) throw new IntOrStringError("invalid type: string is not a percentage");
    const r = atoi(v.slice(0, -1));
    if ("error" in r) throw new IntOrStringError(`invalid value ${JSON.stringify(v)}: ${r.error}`);
    return [r.value, true];
  }
  throw new IntOrStringError("invalid type: neither int nor percentage");
}

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is, or a percentage of `total` rounded up or down
 * (`"25%"` of 10 → 3 rounded up, 2 down). Throws IntOrStringError with upstream's messages:
 * `nil value for IntOrString`, `invalid value for IntOrString: invalid type: string is not a percentage`,
 * `invalid value for IntOrString: invalid value "x%": strconv.Atoi: parsing "x": invalid syntax`,
 * `invalid value for IntOrString: invalid type: neither int nor percentage` (also for non-integer numbers, which
 * upstream cannot even decode).
 */
export function getScaledValueFromIntOrPercent(v: IntOrString | undefined | null, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) throw new IntOrStringError("nil value for IntOrString");
  let value: number;
  let isPercent: boolean;
  try {
    [value, isPercent] = intOrPercentValue(v);
  } catch (e) {
    if (e instanceof IntOrStringError) throw new IntOrStringError(`invalid value for IntOrString: ${e.message}`);
    throw e;
  }
  if (isPercent) value = roundUp ? Math.ceil((value * total) / 100) : Math.floor((value * total) / 100);
  return value;
}

/** intstr.ValueOrDefault: `v` unless it is undefined/null. */
export function intOrStringValueOrDefault(v: IntOrString | undefined | null, defaultValue: IntOrString): IntOrString {
  return v ?? defaultValue;
}

// ---- validation (k8s.io/kubernetes/pkg/apis/apps/validation, pkg/apis/core/validation) ----

const percentFmt = "[0-9]+%";
const percentRe = /^[0-9]+%$/;
const percentErrMsg = "a valid percent string must be a numeric string followed by an ending '%'";

/** validation.IsValidPercent: upstream's message for a string that is not `<digits>%`. */
export function isValidPercent(percent: string): string[] {
  if (percentRe.test(percent)) return [];
  return [regexError(percentErrMsg, percentFmt, "1%", "93%")];
}

/**
 * ValidatePositiveIntOrPercent (apps validation, used for maxUnavailable/maxSurge): a string must be a valid
 * percentage, an int must be >= 0.
 */
export function validatePositiveIntOrPercent(v: IntOrString, path: FieldPath): FieldError[] {
  if (typeof v === "string") return isValidPercent(v).map((m) => fieldErrors.invalid(path, v, m));
  if (isInt(v)) return v < 0 ? [fieldErrors.invalid(path, v, "must be greater than or equal to 0")] : [];
  return [fieldErrors.invalid(path, v, "must be an integer or percentage (e.g '5%')")];
}

/** The value of a valid percentage string, or undefined (getPercentValue). */
export function getPercentValue(v: IntOrString | undefined | null): number | undefined {
  if (typeof v !== "string" || isValidPercent(v).length) return undefined;
  const r = atoi(v.slice(0, -1));
  return "value" in r ? r.value : 0;
}

/** getIntOrPercentValue (apps validation): the percentage number for a percent string, else the int value. */
export function getIntOrPercentValue(v: IntOrString): number {
  return getPercentValue(v) ?? intOrStringValue(v);
}

/** IsNotMoreThan100Percent: a percentage above 100% is invalid; anything else passes. */
export function isNotMoreThan100Percent(v: IntOrString, path: FieldPath): FieldError[] {
  const p = getPercentValue(v);
  if (p === undefined || p <= 100) return [];
  return [fieldErrors.invalid(path, v, "must not be greater than 100%")];
}
