/**
 * Small accessors for the loosely typed JSON objects the strategies work on: incoming objects are plain JSON,
 * so every field is read defensively (a wrong type reads as absent) and written in place.
 */
import { isPlainObject } from "../../../core/object.js";

export type Obj = Record<string, unknown>;

/** The value as an object, or undefined. */
export function asObj(v: unknown): Obj | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** The value as an object, or a fresh empty one (not attached anywhere). */
export function objOf(v: unknown): Obj {
  return isPlainObject(v) ? v : {};
}

/** The value as an array, or an empty one (not attached anywhere). */
export function arrOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The array's object elements with their original indexes. */
export function objItems(v: unknown): Array<[number, Obj]> {
  const out: Array<[number, Obj]> = [];
  arrOf(v).forEach((e, i) => {
    if (isPlainObject(e)) out.push([i, e]);
  });
  return out;
}

/** The value as a string, or "" . */
export function strOf(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** The value as a number, or undefined. */
export function numOf(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** The object at parent[key], created (and attached) when absent or not an object. */
export function ensureObj(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isPlainObject(v)) return v;
  const o: Obj = {};
  parent[key] = o;
  return o;
}

/** Sets parent[key] = value when the field is absent (undefined or null). */
export function setDefault(parent: Obj, key: string, value: unknown): void {
  if (parent[key] === undefined || parent[key] === null) parent[key] = value;
}

/** The string-valued entries of a map field. */
export function strMapOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(objOf(v))) if (typeof val === "string") out[k] = val;
  return out;
}

/** The string elements of a list field. */
export function strListOf(v: unknown): string[] {
  return arrOf(v).filter((e): e is string => typeof e === "string");
}

/** Removes the keys whose values are undefined (so deepEqual treats absent and undefined alike). */
export function compact<T extends Obj>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** InclusiveRangeError. */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** upstream RegexError: `msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')`. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) s += " or ";
    s += `'${e}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}

const ipv4Re = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether s is an IPv4 address in dotted-quad form (no leading zeros). */
export function isIPv4(s: string): boolean {
  return ipv4Re.test(s);
}

/** Whether s is an IPv6 address. */
export function isIPv6(s: string): boolean {
  if (!s.includes(":")) return false;
  let rest = s;
  const lastColon = rest.lastIndexOf(":");
  const tail = rest.slice(lastColon + 1);
  let groupsNeeded = 8;
  if (tail.includes(".")) {
    if (!isIPv4(tail)) return false;
    rest = rest.slice(0, lastColon + 1) + "0:0";
    groupsNeeded = 8;
  }
  const dbl = rest.split("::");
  if (dbl.length > 2) return false;
  const part = (p: string): string[] | undefined => {
    if (p === "") return [];
    const gs = p.split(":");
    for (const g of gs) if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    return gs;
  };
  if (dbl.length === 2) {
    const a = part(dbl[0] ?? "");
    const b = part(dbl[1] ?? "");
    if (!a || !b) return false;
    return a.length + b.length < groupsNeeded;
  }
  const a = part(rest);
  return a !== undefined && a.length === groupsNeeded;
}

/** Whether s is an IP address (v4 or v6). */
export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** Messages for a value that is not a valid IP (validation.IsValidIP). */
export function isValidIPMessages(s: string): string[] {
  return isIP(s) ? [] : ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"];
}

/** Whether s is a CIDR ("10.0.0.0/8", "fd00::/64"). */
export function isCIDR(s: string): boolean {
  const i = s.indexOf("/");
  if (i < 0) return false;
  const ip = s.slice(0, i);
  const bits = s.slice(i + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  if (isIPv4(ip)) return n <= 32;
  if (isIPv6(ip)) return n <= 128;
  return false;
}

/** Port number validation (validation.IsValidPortNum). */
export function isValidPortNum(p: number): string[] {
  return Number.isInteger(p) && p >= 1 && p <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

const ianaSvcNameRe = /^[-a-z0-9]+$/;
const ianaHasLetter = /[a-z]/;

/** Messages for a value that is not an IANA_SVC_NAME (named ports). */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push("must be no more than 15 characters");
  if (!ianaSvcNameRe.test(port)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!ianaHasLetter.test(port)) errs.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errs.push("must not contain consecutive hyphens");
  if (port.length > 0 && (port.startsWith("-") || port.endsWith("-"))) errs.push("must not begin or end with a hyphen");
  return errs;
}

export const supportedPortProtocols = ["SCTP", "TCP", "UDP"] as const;

/** Messages for a config-map / secret key (validation.IsConfigMapKey). */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push("must be no more than 253 characters");
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", "[-._a-zA-Z0-9]+", "key.name", "KEY_NAME", "key-name"));
  }
  if (key === ".") errs.push("must not be '.'");
  else if (key === "..") errs.push("must not be '..'");
  else if (key.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}
