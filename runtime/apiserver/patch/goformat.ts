/**
 * Go's fmt rendering of decoded JSON values (map[string]interface{}, []interface{}, string, int64, float64, bool,
 * nil), so that error messages built upstream with %v / %s / reflect.TypeOf read the same here.
 * Internal to the patch package.
 */
import { isObject } from "./json.js";

const INT64_LIMIT = 2 ** 63;

/** Whether the apiserver's decoder (which preserves integers) would hold this number as an int64. */
function isInt64(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < INT64_LIMIT;
}

/** strconv.FormatFloat(f, 'g', -1, 64), which is what %v prints for a float64. */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mantissa = "0", expPart = "0"] = f.toExponential().split("e");
  const exp = Number(expPart);
  // %g with the shortest precision switches to the exponent form below 1e-4 and from 1e+06 on.
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
  }
  return String(f);
}

function goNumber(n: number): string {
  return isInt64(n) ? BigInt(n).toString() : goFloat(n);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** fmt.Sprintf("%v", v). Maps print with sorted keys, like Go's fmt. */
export function goSprintV(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return goNumber(v);
  if (Array.isArray(v)) return `[${v.map(goSprintV).join(" ")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort(compareKeys);
    return `map[${keys.map((k) => `${k}:${goSprintV(v[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** fmt.Sprintf("%s", v): strings print as they are, other scalars as a bad-verb notice. */
export function goSprintS(v: unknown): string {
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return `%!s(bool=${v ? "true" : "false"})`;
  if (typeof v === "number") return isInt64(v) ? `%!s(int64=${goNumber(v)})` : `%!s(float64=${goFloat(v)})`;
  if (Array.isArray(v)) return `[${v.map(goSprintS).join(" ")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort(compareKeys);
    return `map[${keys.map((k) => `${k}:${goSprintS(v[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** fmt.Sprintf("%s", reflect.TypeOf(v)) for a decoded JSON value. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (Array.isArray(v)) return "[]interface {}";
  if (isObject(v)) return "map[string]interface {}";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return isInt64(v) ? "int64" : "float64";
  return typeof v;
}

/** Go's %q for a string (strconv.Quote), close enough for error messages. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
