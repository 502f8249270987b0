import { describe, expect, it } from "vitest";
import {
  DurationParseError,
  formatGoDuration,
  formatMicroTime,
  formatRFC3339,
  humanDuration,
  parseGoDuration,
  parseTimestamp,
  shortHumanDuration,
  translateTimestampSince,
  translateTimestampSinceShort,
} from "./duration.js";

const ms = 1;
const second = 1000 * ms;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const year = 365 * day;

describe("humanDuration (upstream TestHumanDuration)", () => {
  it.each<[number, string]>([
    [second, "1s"],
    [70 * second, "70s"],
    [190 * second, "3m10s"],
    [70 * minute, "70m"],
    [47 * hour, "47h"],
    [49 * hour, "2d1h"],
    [(8 * 24 + 2) * hour, "8d"],
    [367 * 24 * hour, "367d"],
    [(365 * 2 * 24 + 25) * hour, "2y1d"],
    [(365 * 8 * 24 + 2) * hour, "8y"],
    // the brief's examples
    [5 * second, "5s"],
    [3 * minute + 2 * second, "3m2s"],
    [10 * minute, "10m"],
    [5 * hour + 3 * minute, "5h3m"],
    [2 * day + 3 * hour, "2d3h"],
    [45 * day, "45d"],
    [2 * year + 30 * day, "2y30d"],
  ])("%d ms → %j", (d, want) => {
    expect(humanDuration(d)).toBe(want);
  });
});

describe("humanDuration boundaries (upstream TestHumanDurationBoundaries)", () => {
  it.each<[number, string]>([
    [-2 * second, "<invalid>"],
    [-2 * second + 1, "0s"],
    [0, "0s"],
    [second - ms, "0s"],
    [2 * minute - ms, "119s"],
    [2 * minute, "2m"],
    [2 * minute + second, "2m1s"],
    [10 * minute - ms, "9m59s"],
    [10 * minute, "10m"],
    [10 * minute + second, "10m"],
    [3 * hour - ms, "179m"],
    [3 * hour, "3h"],
    [3 * hour + minute, "3h1m"],
    [8 * hour - ms, "7h59m"],
    [8 * hour, "8h"],
    [8 * hour + 59 * minute, "8h"],
    [2 * day - ms, "47h"],
    [2 * day, "2d"],
    [2 * day + hour, "2d1h"],
    [8 * day - ms, "7d23h"],
    [8 * day, "8d"],
    [8 * day + 23 * hour, "8d"],
    [2 * year - ms, "729d"],
    [2 * year, "2y"],
    [2 * year + 23 * hour, "2y"],
    [2 * year + 23 * hour + 59 * minute, "2y"],
    [2 * year + day - ms, "2y"],
    [2 * year + day, "2y1d"],
    [3 * year, "3y"],
    [4 * year, "4y"],
    [5 * year, "5y"],
    [6 * year, "6y"],
    [7 * year, "7y"],
    [8 * year - ms, "7y364d"],
    [8 * year, "8y"],
    [8 * year + 364 * day, "8y"],
    [9 * year, "9y"],
  ])("%d ms → %j", (d, want) => {
    expect(humanDuration(d)).toBe(want);
  });
});

describe("shortHumanDuration (upstream TestShortHumanDurationBoundaries)", () => {
  it.each<[number, string]>([
    [-2 * second, "<invalid>"],
    [-2 * second + 1, "0s"],
    [0, "0s"],
    [second - ms, "0s"],
    [second, "1s"],
    [2 * second - ms, "1s"],
    [minute - ms, "59s"],
    [minute, "1m"],
    [2 * minute - ms, "1m"],
    [hour - ms, "59m"],
    [hour, "1h"],
    [2 * hour - ms, "1h"],
    [day - ms, "23h"],
    [day, "1d"],
    [2 * day - ms, "1d"],
    [year - ms, "364d"],
    [year, "1y"],
    [2 * year - ms, "1y"],
    [2 * year, "2y"],
  ])("%d ms → %j", (d, want) => {
    expect(shortHumanDuration(d)).toBe(want);
  });
});

describe("translateTimestampSince", () => {
  const now = new Date("2026-11-22T04:09:00Z");
  it.each<[string | Date | undefined | null, string]>([
    [undefined, "<unknown>"],
    [null, "<unknown>"],
    ["", "<unknown>"],
    ["not a time", "<unknown>"],
    ["2026-11-22T04:08:55Z", "5s"],
    ["2026-11-22T04:06:00Z", "3m"],
    ["2026-11-22T04:05:58Z", "3m2s"],
    ["2026-11-20T01:09:00Z", "2d3h"],
    ["2026-11-22T04:09:01Z", "0s"],
    ["2026-11-22T04:09:02Z", "<invalid>"],
    ["2026-11-23T04:09:00Z", "<invalid>"],
    [new Date("2026-11-22T03:09:00Z"), "60m"],
  ])("%j → %j", (ts, want) => {
    expect(translateTimestampSince(ts, now)).toBe(want);
  });

  it("short form", () => {
    expect(translateTimestampSinceShort("2026-11-20T01:09:00Z", now)).toBe("2d");
    expect(translateTimestampSinceShort(undefined, now)).toBe("<unknown>");
  });

  it("parseTimestamp", () => {
    expect(parseTimestamp("2026-11-22T04:09:00Z")?.toISOString()).toBe("2026-11-22T04:09:00.000Z");
    expect(parseTimestamp("2026-11-22T05:09:00+01:00")?.toISOString()).toBe("2026-11-22T04:09:00.000Z");
    expect(parseTimestamp("garbage")).toBeUndefined();
  });
});

describe("metav1.Time / MicroTime serialisation", () => {
  it("formatRFC3339 truncates to seconds in UTC", () => {
    expect(formatRFC3339(new Date("2026-11-22T04:09:00Z"))).toBe("2026-11-22T04:09:00Z");
    expect(formatRFC3339(new Date("2026-11-22T04:09:00.999Z"))).toBe("2026-11-22T04:09:00Z");
    expect(formatRFC3339(new Date("2026-11-22T05:09:07+01:00"))).toBe("2026-11-22T04:09:07Z");
    expect(formatRFC3339(new Date(Date.UTC(5, 0, 2, 3, 4, 5)))).toBe("1905-01-02T03:04:05Z");
    expect(() => formatRFC3339(new Date(Number.NaN))).toThrow(RangeError);
  });

  it("formatMicroTime gives six fractional digits", () => {
    expect(formatMicroTime(new Date("2026-11-22T04:09:00Z"))).toBe("2026-11-22T04:09:00.000000Z");
    expect(formatMicroTime(new Date("2026-11-22T04:09:00.123Z"))).toBe("2026-11-22T04:09:00.123000Z");
    expect(formatMicroTime(new Date("2026-11-22T04:09:00.123Z"), 456)).toBe("2026-11-22T04:09:00.123456Z");
    expect(formatMicroTime(new Date("2026-01-02T03:04:05.007Z"))).toBe("2026-01-02T03:04:05.007000Z");
  });
});

describe("Go durations (metav1.Duration)", () => {
  it.each<[number, string]>([
    [0, "0s"],
    [0.000001, "1ns"],
    [0.0011, "1.1µs"],
    [2.2, "2.2ms"],
    [3300, "3.3s"],
    [4 * minute + 5 * second, "4m5s"],
    [4 * minute + 5001, "4m5.001s"],
    [5 * hour + 6 * minute + 7001, "5h6m7.001s"],
    [8 * minute + 0.000001, "8m0.000000001s"],
    [hour, "1h0m0s"],
    [minute, "1m0s"],
    [15 * second, "15s"],
    [-1500, "-1.5s"],
    [-0.000001, "-1ns"],
  ])("format %d ms → %j", (d, want) => {
    expect(formatGoDuration(d)).toBe(want);
  });

  it.each<[string, number]>([
    ["0", 0],
    ["5s", 5000],
    ["30s", 30000],
    ["1478s", 1478000],
    ["-5s", -5000],
    ["+5s", 5000],
    ["-0", 0],
    ["+0", 0],
    ["5.0s", 5000],
    ["5.6s", 5600],
    ["5.s", 5000],
    [".5s", 500],
    ["1.0s", 1000],
    ["1.00s", 1000],
    ["1.004s", 1004],
    ["100.00100s", 100001],
    ["10ns", 0.00001],
    ["11us", 0.011],
    ["12µs", 0.012],
    ["12μs", 0.012],
    ["13ms", 13],
    ["14s", 14000],
    ["15m", 15 * minute],
    ["16h", 16 * hour],
    ["3h30m", 3.5 * hour],
    ["10.5s4m", 4 * minute + 10500],
    ["-2m3.4s", -(2 * minute + 3400)],
    ["1h2m3s4ms5us6ns", hour + 2 * minute + 3 * second + 4 + 0.005006],
    ["39h9m14.425s", 39 * hour + 9 * minute + 14425],
    ["0.3333333333333333333h", 20 * minute],
  ])("parse %j → %d ms", (s, want) => {
    expect(parseGoDuration(s)).toBeCloseTo(want, 6);
  });

  it.each([
    ["", 'time: invalid duration ""'],
    ["3", 'time: missing unit in duration "3"'],
    ["-", 'time: invalid duration "-"'],
    ["s", 'time: invalid duration "s"'],
    [".", 'time: invalid duration "."'],
    ["-.", 'time: invalid duration "-."'],
    [".s", 'time: invalid duration ".s"'],
    ["+.s", 'time: invalid duration "+.s"'],
    ["1d", 'time: unknown unit "d" in duration "1d"'],
    ["9223372036854775810ns", 'time: invalid duration "9223372036854775810ns"'],
    ["9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'],
  ])("rejects %j", (s, message) => {
    expect(() => parseGoDuration(s)).toThrow(DurationParseError);
    expect(() => parseGoDuration(s)).toThrow(message);
  });

  it("round trips", () => {
    for (const s of ["15s", "10s", "2s", "1h0m0s", "1m30s", "500ms", "2h45m0s"]) expect(formatGoDuration(parseGoDuration(s))).toBe(s);
  });
});
