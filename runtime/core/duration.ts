/**
 * Durations and timestamps as Kubernetes prints and serialises them: duration.HumanDuration (kubectl's AGE
 * column), ShortHumanDuration, metav1.Time (RFC 3339, seconds, UTC), metav1.MicroTime (6 fractional digits) and
 * Go's time.Duration text form (metav1.Duration fields such as `leaseDuration: 15s`).
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/**
 * duration.HumanDuration: ~2-3 significant figures, e.g. "5s", "119s", "3m2s", "10m", "179m", "5h3m", "47h",
 * "2d3h", "45d", "2y30d", "8y". Less than -1s is "<invalid>" (clock skew up to 2s reads as "0s").
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / second);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / minute);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / hour);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    const d = Math.trunc(hours / 24);
    return h === 0 ? `${d}d` : `${d}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** duration.ShortHumanDuration: one unit, e.g. "59s", "1m", "23h", "364d", "2y". */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / second);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(ms / minute);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(ms / hour);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(ms / hour / 24 / 365)}y`;
}

/** A timestamp as it appears in objects (RFC 3339 string) or a Date; undefined for a missing or unparsable one. */
export function parseTimestamp(timestamp: string | Date | undefined | null): Date | undefined {
  if (timestamp === undefined || timestamp === null || timestamp === "") return undefined;
  const d = timestamp instanceof Date ? timestamp : new Date(timestamp);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * kubectl's translateTimestampSince (the AGE column): "<unknown>" for a missing timestamp, "<invalid>" for one
 * more than a second in the future, otherwise humanDuration(now - timestamp).
 */
export function translateTimestampSince(timestamp: string | Date | undefined | null, now: Date = new Date()): string {
  const t = parseTimestamp(timestamp);
  if (!t) return "<unknown>";
  return humanDuration(now.getTime() - t.getTime());
}

/** As translateTimestampSince, with ShortHumanDuration (kubectl's translateTimestampUntil/short forms). */
export function translateTimestampSinceShort(timestamp: string | Date | undefined | null, now: Date = new Date()): string {
  const t = parseTimestamp(timestamp);
  if (!t) return "<unknown>";
  return shortHumanDuration(now.getTime() - t.getTime());
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function utcDateTime(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError("invalid date");
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`
  );
}

/** metav1.Time on the wire: RFC 3339 in UTC with whole seconds (fraction truncated), e.g. "2026-11-22T04:09:00Z". */
export function formatRFC3339(d: Date): string {
  return `${utcDateTime(d)}Z`;
}

/**
 * metav1.MicroTime on the wire (Lease renewTime/acquireTime, events.k8s.io eventTime): RFC 3339 in UTC with six
 * fractional digits, e.g. "2026-11-22T04:09:00.123000Z". A Date holds milliseconds, so the last three are 0 unless
 * `micros` (0-999, the microseconds within the millisecond) is given.
 */
export function formatMicroTime(d: Date, micros = 0): string {
  return `${utcDateTime(d)}.${pad(d.getUTCMilliseconds(), 3)}${pad(Math.trunc(micros) % 1000, 3)}Z`;
}

/** metav1.Now() serialised: the current time as formatRFC3339 gives it. */
export function nowRFC3339(): string {
  return formatRFC3339(new Date());
}

// ---- Go time.Duration text (metav1.Duration) ----

/** A string that is not a Go duration; the message is Go's. */
export class DurationParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DurationParseError";
  }
}

const nsPerUnit: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n, // U+00B5
  "μs": 1_000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const durationLimit = 1n << 63n;

function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * time.ParseDuration: "300ms", "-1.5h", "2h45m", "0". Returns milliseconds (fractional below 1 ms). Throws
 * DurationParseError with Go's messages (`time: invalid duration "x"`, `time: missing unit in duration "1"`,
 * `time: unknown unit "d" in duration "1d"`).
 */
export function parseGoDuration(input: string): number {
  const invalid = () => new DurationParseError(`time: invalid duration ${quote(input)}`);
  let s = input;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw invalid();
  let total = 0n;
  while (s !== "") {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const intPart = m?.[1] ?? "";
    const fracPart = m?.[2];
    if (intPart === "" && (fracPart === undefined || fracPart === "")) throw invalid();
    s = s.slice(m?.[0].length ?? 0);
    let i = 0;
    while (i < s.length && !/[.0-9]/.test(s[i] as string)) i++;
    if (i === 0) throw new DurationParseError(`time: missing unit in duration ${quote(input)}`);
    const unitName = s.slice(0, i);
    s = s.slice(i);
    const unit = Object.prototype.hasOwnProperty.call(nsPerUnit, unitName) ? nsPerUnit[unitName] : undefined;
    if (unit === undefined) throw new DurationParseError(`time: unknown unit ${quote(unitName)} in duration ${quote(input)}`);
    let v = BigInt(intPart || "0");
    if (v > durationLimit / unit) throw invalid();
    v *= unit;
    if (fracPart) {
      // As Go: accumulate the fraction's digits while they fit, then add uint64(float64(f) * (unit / scale)).
      let f = 0n;
      let scale = 1;
      for (const c of fracPart) {
        if (f > (durationLimit - 1n) / 10n) break;
        const y = f * 10n + BigInt(c);
        if (y > durationLimit) break;
        f = y;
        scale *= 10;
      }
      if (f > 0n) v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > durationLimit) throw invalid();
    }
    total += v;
    if (total > durationLimit) throw invalid();
  }
  if (!neg && total > durationLimit - 1n) throw invalid();
  const ms = Number(total / 1_000_000n) + Number(total % 1_000_000n) / 1e6;
  return neg ? -ms : ms;
}

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let out = "";
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    printed = printed || digit !== 0n;
    if (printed) out = `${digit}${out}`;
    v /= 10n;
  }
  return [printed ? `.${out}` : "", v];
}

/**
 * time.Duration.String for `ms` milliseconds (rounded to the nanosecond): "0s", "1.5s", "2m0s", "1h0m0s",
 * "300ms", "1.2µs".
 */
export function formatGoDuration(ms: number): string {
  let u = BigInt(Math.round(ms * 1e6));
  const neg = u < 0n;
  if (neg) u = -u;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return "0s";
    let unit: string;
    let prec: number;
    if (u < 1_000n) {
      unit = "ns";
      prec = 0;
    } else if (u < 1_000_000n) {
      unit = "µs";
      prec = 3;
    } else {
      unit = "ms";
      prec = 6;
    }
    const [frac, whole] = fmtFrac(u, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    out = `${secs % 60n}${frac}s`;
    const mins = secs / 60n;
    if (mins > 0n) {
      out = `${mins % 60n}m${out}`;
      const hours = mins / 60n;
      if (hours > 0n) out = `${hours}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}
