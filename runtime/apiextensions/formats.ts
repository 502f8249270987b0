/**
 * String formats a custom resource's schema can ask for, checked as kube-apiserver 1.33 checks them: the
 * apiextensions server keeps only the formats of its supported list (apiserver/validation/formats.go; others, and
 * `int32`/`int64`/`float`/`double`, are stripped and not validated) and checks them with kube-openapi's strfmt
 * registry (names normalised by dropping "-": `date-time` is `datetime`). Each checker follows the Go function it
 * stands for: `time.Parse`, `net.ParseIP`, `net.ParseMAC`, `net/mail.ParseAddress`, `net/url.ParseRequestURI`,
 * govalidator's ISBN / credit card / SSN / colour / base64 checks, strfmt's duration and bsonobjectid.
 */

/** apiextensions-apiserver's supportedVersionedFormats at 1.33 (normalised names). */
export const supportedFormats: ReadonlySet<string> = new Set([
  "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5", "isbn", "isbn10",
  "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor", "byte", "password", "date", "duration", "datetime",
]);

// ---- dates and times (strfmt date.go / time.go) ----

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** time.Parse("2006-01-02", s) == nil: four-digit year, month 01–12, a day that exists in that month. */
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, Number(m[1]));
}

const dateTimeRe = /^([0-9]{2}):([0-9]{2}):([0-9]{2})([^\n][0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/u;

/** strfmt.IsDateTime: lower-cased, split at "t": a date, then hh:mm:ss[.frac](z|±hh:mm) with hh ≤ 23, mm, ss ≤ 59. */
export function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split("t");
  if (parts.length < 2 || !isDate(parts[0] as string)) return false;
  const m = dateTimeRe.exec(parts[1] as string);
  return !!m && (m[1] as string) <= "23" && (m[2] as string) <= "59" && (m[3] as string) <= "59";
}

const goUnits: Record<string, bigint> = { ns: 1n, us: 1000n, "µs": 1000n, "μs": 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };
const maxDuration = 1n << 63n;

/** Go's time.ParseDuration succeeds: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ with ns/us/µs/ms/s/m/h, or "0", within int64. */
function goParseDuration(orig: string): boolean {
  let s = orig;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return true;
  if (s === "") return false;
  let d = 0n;
  while (s !== "") {
    if (!/^[0-9.]/.test(s)) return false;
    const int = /^[0-9]*/.exec(s)?.[0] ?? "";
    s = s.slice(int.length);
    let frac = "";
    if (s[0] === ".") {
      s = s.slice(1);
      frac = /^[0-9]*/.exec(s)?.[0] ?? "";
      s = s.slice(frac.length);
    }
    if (int === "" && frac === "") return false;
    const unitText = /^[^0-9.]*/.exec(s)?.[0] ?? "";
    if (unitText === "") return false;
    s = s.slice(unitText.length);
    const unit = goUnits[unitText];
    if (unit === undefined) return false;
    const v = BigInt(int === "" ? "0" : int);
    if (v > maxDuration / unit) return false;
    let total = v * unit;
    if (frac !== "") total += BigInt(Math.trunc(Number(`0.${frac}`) * Number(unit)));
    if (total > maxDuration) return false;
    d += total;
    if (d > maxDuration) return false;
  }
  return neg || d <= maxDuration - 1n;
}

const durationValidator = /^[\t\n\f\r ]*(?:\d+[\t\n\f\r ]*[A-Za-zµ]+[\t\n\f\r ]*)+$/;
const durationMatcher = /(\d+)[\t\n\f\r ]*([A-Za-zµ]+)/g;
const timeUnits = [["ns", "nano"], ["us", "µs", "micro"], ["ms", "milli"], ["s", "sec"], ["m", "min"], ["h", "hr", "hour"], ["d", "day"], ["w", "wk", "week"]];

/** strfmt.ParseDuration: Go's syntax, else the Scala-like "3 days 4 hours" form (one recognised unit suffices). */
export function isDuration(s: string): boolean {
  if (goParseDuration(s)) return true;
  if (!durationValidator.test(s)) return false;
  let ok = false;
  for (const m of s.matchAll(durationMatcher)) {
    if (BigInt(m[1] as string) > 9223372036854775807n) return false; // strconv.Atoi out of range
    const unit = (m[2] as string).trim().toLowerCase();
    for (const variants of timeUnits) {
      variants.forEach((variant, i) => {
        if ((i === variants.length - 1 && unit.startsWith(variant)) || variant === unit) ok = true;
      });
    }
  }
  return ok;
}

// ---- IP addresses and networks ----

/** IPv4 dotted quad; `sloppy` accepts leading zeros (k8s.io/utils/net ParseIPSloppy, Go before 1.17). */
function parseIPv4(s: string, sloppy: boolean): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  return parts.every((p) => /^[0-9]+$/.test(p) && Number(p) <= 255 && (sloppy || p.length === 1 || p[0] !== "0"));
}

/** IPv6 (with an optional trailing dotted IPv4, no zone): Go's net.ParseIP (strict) or ParseIPSloppy. */
function parseIPv6(s: string, sloppy: boolean): boolean {
  let i = 0; // 16-bit groups parsed
  let ellipsis = false;
  let rest = s;
  if (rest.startsWith("::")) {
    ellipsis = true;
    rest = rest.slice(2);
    if (rest === "") return true;
  }
  while (i < 8) {
    const m = /^[0-9a-fA-F]+/.exec(rest);
    if (!m) return false;
    const group = m[0];
    if (rest[group.length] === ".") {
      if ((!ellipsis && i !== 6) || i + 2 > 8) return false;
      if (!parseIPv4(rest, sloppy)) return false;
      rest = "";
      i += 2;
      break;
    }
    if ((!sloppy && group.length > 4) || parseInt(group, 16) > 0xffff) return false;
    i++;
    rest = rest.slice(group.length);
    if (rest === "") break;
    if (rest[0] !== ":" || rest.length === 1) return false;
    rest = rest.slice(1);
    if (rest[0] === ":") {
      if (ellipsis) return false;
      ellipsis = true;
      rest = rest.slice(1);
      if (rest === "") break;
    }
  }
  if (rest !== "") return false;
  if (i < 8) return ellipsis;
  return !ellipsis;
}

/** Go's net.ParseIP(s) != nil. */
export function parseIP(s: string, sloppy = false): boolean {
  return s.includes(":") ? parseIPv6(s, sloppy) : parseIPv4(s, sloppy);
}

/** net.ParseCIDR (sloppy): an address, "/", a decimal prefix length no longer than the address. */
function isCIDR(s: string): boolean {
  const i = s.indexOf("/");
  if (i < 0) return false;
  const addr = s.slice(0, i);
  const mask = s.slice(i + 1);
  const v4 = parseIPv4(addr, true);
  if (!v4 && !parseIPv6(addr, true)) return false;
  if (!/^[0-9]+$/.test(mask)) return false;
  return Number(mask) <= (v4 ? 32 : 128);
}

/** net.ParseMAC: 6, 8 or 20 octets as xx:xx:…, xx-xx-… or xxxx.xxxx.…. */
function isMAC(s: string): boolean {
  if (s.length < 14) return false;
  let n: number;
  if (s[2] === ":" || s[2] === "-") {
    if ((s.length + 1) % 3 !== 0) return false;
    n = (s.length + 1) / 3;
    const sep = s[2];
    for (let i = 0; i < n; i++) {
      const x = i * 3;
      if (!/^[0-9a-fA-F]{2}$/.test(s.slice(x, x + 2)) || (i < n - 1 && s[x + 2] !== sep)) return false;
    }
  } else if (s[4] === ".") {
    if ((s.length + 1) % 5 !== 0) return false;
    n = (2 * (s.length + 1)) / 5;
    for (let i = 0, x = 0; i < n; i += 2, x += 5) {
      if (!/^[0-9a-fA-F]{4}$/.test(s.slice(x, x + 4)) || (i < n - 2 && s[x + 4] !== ".")) return false;
    }
  } else return false;
  return n === 6 || n === 8 || n === 20;
}

// ---- URIs (net/url.ParseRequestURI) ----

function validPercentEscapes(s: string, host: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === "%") {
      if (!/^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) return false;
      // in a host, %-encoding is only for non-ASCII bytes (and %25 in IPv6 zones)
      if (host && parseInt(s[i + 1] as string, 16) < 8 && s.slice(i, i + 3) !== "%25") return false;
      i += 2;
    } else if (host && c.charCodeAt(0) < 0x80 && !/[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/.test(c)) {
      return false;
    }
  }
  return true;
}

function validHost(host: string): boolean {
  if (host.startsWith("[")) {
    // an IP-literal: "[fe80::1]", "[fe80::1%25en0]:80"; the zone after %25 may %-encode anything
    const i = host.lastIndexOf("]");
    if (i < 0) return false;
    if (!/^(:[0-9]*)?$/.test(host.slice(i + 1))) return false;
    const zone = host.slice(0, i).indexOf("%25");
    if (zone >= 0) return validPercentEscapes(host.slice(0, zone), true) && validPercentEscapes(host.slice(zone, i), false) && validPercentEscapes(host.slice(i), true);
    return validPercentEscapes(host, true);
  }
  const i = host.lastIndexOf(":");
  if (i >= 0 && !/^:[0-9]*$/.test(host.slice(i))) return false;
  return validPercentEscapes(host, true);
}

/** govalidator.IsRequestURI: url.ParseRequestURI succeeds (an absolute URI, or an absolute path). */
export function isRequestURI(raw: string): boolean {
  if (raw === "" || /[\x00-\x1f\x7f]/.test(raw)) return false;
  if (raw === "*") return true;
  let scheme = "";
  let rest = raw;
  const sm = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(raw);
  if (sm) {
    scheme = sm[1] as string;
    rest = raw.slice(sm[0].length);
  } else if (raw.startsWith(":")) return false;
  if (rest.endsWith("?") && rest.split("?").length === 2) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf("?");
    if (q >= 0) rest = rest.slice(0, q);
  }
  if (!rest.startsWith("/")) return scheme !== "";
  if (scheme !== "" && rest.startsWith("//")) {
    let authority = rest.slice(2);
    const slash = authority.indexOf("/");
    let path = "";
    if (slash >= 0) {
      path = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf("@");
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo) || !validPercentEscapes(userinfo, false)) return false;
    }
    if (!validHost(at >= 0 ? authority.slice(at + 1) : authority)) return false;
    return validPercentEscapes(path, false);
  }
  return validPercentEscapes(rest, false);
}

// ---- e-mail addresses (net/mail.ParseAddress) ----

const isWSP = (c: string): boolean => c === " " || c === "\t";
const isVchar = (c: string): boolean => (c >= "!" && c <= "~") || c.codePointAt(0)! >= 0x80;
const isAtext = (c: string, dot: boolean): boolean => (c === "." ? dot : !'()<>[]:;@\\,"'.includes(c) && isVchar(c));

class AddrParser {
  constructor(public s: string) {}

  private peek(): string {
    return String.fromCodePoint(this.s.codePointAt(0) ?? 0);
  }

  private take(n = 1): void {
    this.s = this.s.slice(n);
  }

  private consume(c: string): boolean {
    if (this.s.startsWith(c)) {
      this.take();
      return true;
    }
    return false;
  }

  skipSpace(): void {
    this.s = this.s.replace(/^[ \t]+/, "");
  }

  private consumeComment(): boolean {
    let depth = 1;
    while (this.s !== "" && depth > 0) {
      if (this.s[0] === "\\" && this.s.length > 1) this.take();
      else if (this.s[0] === "(") depth++;
      else if (this.s[0] === ")") depth--;
      this.take();
    }
    return depth === 0;
  }

  skipCFWS(): boolean {
    this.skipSpace();
    while (this.consume("(")) {
      if (!this.consumeComment()) return false;
      this.skipSpace();
    }
    return true;
  }

  private consumeAtom(dot: boolean, permissive: boolean): string | undefined {
    let i = 0;
    for (const c of this.s) {
      if (!isAtext(c, dot)) break;
      i += c.length;
    }
    if (i === 0) return undefined;
    const atom = this.s.slice(0, i);
    this.take(i);
    if (!permissive && (atom.startsWith(".") || atom.includes("..") || atom.endsWith("."))) return undefined;
    return atom;
  }

  private consumeQuotedString(): string | undefined {
    let i = 1;
    let out = "";
    let escaped = false;
    for (;;) {
      const cp = this.s.codePointAt(i);
      if (cp === undefined) return undefined;
      const c = String.fromCodePoint(cp);
      if (escaped) {
        if (!isVchar(c) && !isWSP(c)) return undefined;
        out += c;
        escaped = false;
      } else if ((isVchar(c) && c !== '"' && c !== "\\") || isWSP(c)) out += c;
      else if (c === '"') break;
      else if (c === "\\") escaped = true;
      else return undefined;
      i += c.length;
    }
    this.take(i + 1);
    return out;
  }

  private consumeDomainLiteral(): string | undefined {
    this.take(); // [
    let dtext = "";
    for (;;) {
      if (this.s === "") return undefined;
      if (this.s[0] === "]") break;
      const c = this.peek();
      if (c === "[" || c === "\\" || !isVchar(c)) return undefined;
      dtext += c;
      this.take(c.length);
    }
    this.take();
    return parseIP(dtext) ? `[${dtext}]` : undefined;
  }

  consumeAddrSpec(): string | undefined {
    const orig = this.s;
    const fail = (): undefined => {
      this.s = orig;
      return undefined;
    };
    this.skipSpace();
    if (this.s === "") return fail();
    let local: string | undefined;
    if (this.s[0] === '"') {
      local = this.consumeQuotedString();
      if (local === "") local = undefined;
    } else local = this.consumeAtom(true, false);
    if (local === undefined || !this.consume("@")) return fail();
    this.skipSpace();
    if (this.s === "") return fail();
    const domain = this.s[0] === "[" ? this.consumeDomainLiteral() : this.consumeAtom(true, false);
    if (domain === undefined) return fail();
    return `${local}@${domain}`;
  }

  private consumePhrase(): boolean {
    let words = 0;
    for (;;) {
      if (words > 0 && !this.skipCFWS()) return false;
      this.skipSpace();
      if (this.s === "") break;
      const word = this.s[0] === '"' ? this.consumeQuotedString() : this.consumeAtom(true, true);
      if (word === undefined) break;
      words++;
    }
    return words > 0;
  }

  /** parseAddress: the number of addresses, or undefined on error. */
  parseAddress(handleGroup: boolean): number | undefined {
    this.skipSpace();
    if (this.s === "") return undefined;
    if (this.consumeAddrSpec() !== undefined) {
      this.skipSpace();
      if (this.s[0] === "(") {
        this.take();
        if (!this.consumeComment()) return undefined;
      }
      return 1;
    }
    if (this.s[0] !== "<" && !this.consumePhrase()) return undefined;
    this.skipSpace();
    if (handleGroup && this.consume(":")) return this.consumeGroupList();
    if (!this.consume("<")) return undefined;
    if (this.consumeAddrSpec() === undefined) return undefined;
    return this.consume(">") ? 1 : undefined;
  }

  private consumeGroupList(): number | undefined {
    this.skipSpace();
    if (this.consume(";")) return this.skipCFWS() ? 0 : undefined;
    let n = 0;
    for (;;) {
      this.skipSpace();
      const got = this.parseAddress(false);
      if (got === undefined) return undefined;
      n += got;
      if (!this.skipCFWS()) return undefined;
      if (this.consume(";")) return this.skipCFWS() ? n : undefined;
      if (!this.consume(",")) return undefined;
    }
  }
}

/** strfmt.IsEmail: net/mail.ParseAddress accepts exactly one address ("a@b", "Name <a@b>", quoted local parts). */
export function isEmail(s: string): boolean {
  const p = new AddrParser(s);
  const n = p.parseAddress(true);
  return n === 1 && p.skipCFWS() && p.s === "";
}

// ---- govalidator checks ----

const goSpace = /[\t\n\f\r ]/;

function isISBN(s: string, version: 10 | 13): boolean {
  const d = s.replace(new RegExp(`(?:${goSpace.source}|-)+`, "g"), "");
  if (version === 10) {
    if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(d)) return false;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (i + 1) * Number(d[i]);
    sum += d[9] === "X" ? 100 : 10 * Number(d[9]);
    return sum % 11 === 0;
  }
  if (!/^[0-9]{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (i % 2 === 0 ? 1 : 3) * Number(d[i]);
  return Number(d[12]) - ((10 - (sum % 10)) % 10) === 0;
}

const creditCardRe = /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35[0-9]{3})[0-9]{11})$/;

/** govalidator.IsCreditCard: the digits (anything else dropped) match a card number pattern and pass Luhn. */
function isCreditCard(s: string): boolean {
  const d = s.replace(/[^0-9]+/g, "");
  if (!creditCardRe.test(d)) return false;
  let sum = 0;
  let double = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let n = Number(d[i]);
    if (double) {
      n *= 2;
      sum += n >= 10 ? (n % 10) + 1 : n;
    } else sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

const octet = "(0|[1-9][0-9]?|1[0-9][0-9]?|2[0-4][0-9]|25[0-5])";
const sp = "[\\t\\n\\f\\r ]*";
const rgbColorRe = new RegExp(`^rgb\\(${sp}${octet}${sp},${sp}${octet}${sp},${sp}${octet}${sp}\\)$`);
const base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const hostnameRe =
  /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const uuidRe = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid3Re = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid4Re = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const uuid5Re = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;

/** strfmt.IsHostname: the RFC 1034 pattern (Unicode letters and symbols allowed), ≤ 255 bytes, labels ≤ 63 bytes. */
function isHostname(s: string): boolean {
  if (!hostnameRe.test(s) || Buffer.byteLength(s) > 255) return false;
  return s.split(".").every((p) => Buffer.byteLength(p) <= 63);
}

const checkers: Record<string, (s: string) => boolean> = {
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
  uri: isRequestURI,
  email: isEmail,
  hostname: isHostname,
  ipv4: (s) => parseIP(s, true) && s.includes("."),
  ipv6: (s) => parseIP(s) && s.includes(":"),
  cidr: isCIDR,
  mac: isMAC,
  uuid: (s) => uuidRe.test(s),
  uuid3: (s) => uuid3Re.test(s),
  uuid4: (s) => uuid4Re.test(s),
  uuid5: (s) => uuid5Re.test(s),
  isbn: (s) => isISBN(s, 10) || isISBN(s, 13),
  isbn10: (s) => isISBN(s, 10),
  isbn13: (s) => isISBN(s, 13),
  creditcard: isCreditCard,
  ssn: (s) => s.length === 11 && /^[0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{4}$/.test(s),
  hexcolor: (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  rgbcolor: (s) => rgbColorRe.test(s),
  byte: (s) => base64Re.test(s),
  password: () => true,
  date: isDate,
  duration: isDuration,
  datetime: isDateTime,
};

/** Whether `v` satisfies `format` as a custom resource is validated (formats not validated upstream pass). */
export function formatOK(format: string, v: string): boolean {
  const name = format.replaceAll("-", "");
  if (!supportedFormats.has(name)) return true;
  return checkers[name]?.(v) ?? true;
}
