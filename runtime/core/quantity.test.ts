import { describe, expect, it } from "vitest";
import { isQuantityString, parseQuantity, Quantity, QuantityParseError, Scale, type QuantityFormat } from "./quantity.js";

const q = (u: number | bigint, e: number, format: QuantityFormat = "DecimalSI") => Quantity.fromScaled(u, e, format);
const maxInt64 = 2n ** 63n - 1n;

const formatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

describe("parseQuantity values and formats (upstream TestQuantityParse)", () => {
  const table: [string, Quantity][] = [
    ["0", q(0, 0)],
    ["0n", q(0, 0)],
    ["0u", q(0, 0)],
    ["0m", q(0, 0)],
    ["0Ki", q(0, 0, "BinarySI")],
    ["0k", q(0, 0)],
    ["0Mi", q(0, 0, "BinarySI")],
    ["0M", q(0, 0)],
    ["0Gi", q(0, 0, "BinarySI")],
    ["0G", q(0, 0)],
    ["0Ti", q(0, 0, "BinarySI")],
    ["0T", q(0, 0)],
    ["1", q(1, 0)],
    ["1Ki", q(1024, 0, "BinarySI")],
    ["8Ki", q(8 * 1024, 0, "BinarySI")],
    ["7Mi", q(7 * 1024 * 1024, 0, "BinarySI")],
    ["6Gi", q(6 * 1024 ** 3, 0, "BinarySI")],
    ["5Ti", q(5 * 1024 ** 4, 0, "BinarySI")],
    ["4Pi", q(4n * 1024n ** 5n, 0, "BinarySI")],
    ["3Ei", q(3n * 1024n ** 6n, 0, "BinarySI")],
    ["10Ti", q(10 * 1024 ** 4, 0, "BinarySI")],
    ["100Ti", q(100 * 1024 ** 4, 0, "BinarySI")],
    ["5n", q(5, -9)],
    ["4u", q(4, -6)],
    ["3m", q(3, -3)],
    ["9", q(9, 0)],
    ["8k", q(8, 3)],
    ["50k", q(5, 4)],
    ["7M", q(7, 6)],
    ["6G", q(6, 9)],
    ["5T", q(5, 12)],
    ["40T", q(4, 13)],
    ["300T", q(3, 14)],
    ["2P", q(2, 15)],
    ["1E", q(1, 18)],
    ["1E-3", q(1, -3, "DecimalExponent")],
    ["1e3", q(1, 3, "DecimalExponent")],
    ["1E6", q(1, 6, "DecimalExponent")],
    ["1e9", q(1, 9, "DecimalExponent")],
    ["1E12", q(1, 12, "DecimalExponent")],
    ["1e15", q(1, 15, "DecimalExponent")],
    ["1E18", q(1, 18, "DecimalExponent")],
    ["1e14", q(1, 14, "DecimalExponent")],
    ["1e13", q(1, 13, "DecimalExponent")],
    ["100.035k", q(100035, 0)],
    ["0.001", q(1, -3)],
    ["0.0005k", q(5, -1)],
    ["0.005", q(5, -3)],
    ["0.05", q(5, -2)],
    ["0.5", q(5, -1)],
    ["0.00050k", q(5, -1)],
    ["0.00500", q(5, -3)],
    ["0.05000", q(5, -2)],
    ["0.50000", q(5, -1)],
    ["0.5e0", q(5, -1, "DecimalExponent")],
    ["0.5e-1", q(5, -2, "DecimalExponent")],
    ["0.5e-2", q(5, -3, "DecimalExponent")],
    ["10.035M", q(10035, 3)],
    ["1.2e3", q(12, 2, "DecimalExponent")],
    ["1.3E+6", q(13, 5, "DecimalExponent")],
    ["1.40e9", q(14, 8, "DecimalExponent")],
    ["1.53E12", q(153, 10, "DecimalExponent")],
    ["1.6e15", q(16, 14, "DecimalExponent")],
    ["1.7E18", q(17, 17, "DecimalExponent")],
    ["9.01", q(901, -2)],
    ["8.1k", q(81, 2)],
    ["7.123456M", q(7123456, 0)],
    ["6.987654321G", q(6987654321, 0)],
    ["5.444T", q(5444, 9)],
    ["40.1T", q(401, 11)],
    ["300.2T", q(3002, 11)],
    ["2.5P", q(25, 14)],
    ["1.01E", q(101, 16)],
    // things that saturate/round
    ["3.001n", q(4, -9)],
    ["1.1E-9", q(2, -9, "DecimalExponent")],
    ["0.0000000001", q(1, -9)],
    ["0.0000000005", q(1, -9)],
    ["0.00000000050", q(1, -9)],
    ["0.5e-9", q(1, -9, "DecimalExponent")],
    ["0.9n", q(1, -9)],
    ["0.00000012345", q(124, -9)],
    ["0.00000012354", q(124, -9)],
    ["9Ei", q(maxInt64, 0, "BinarySI")],
    ["9223372036854775807Ki", q(maxInt64, 0, "BinarySI")],
    ["12E", q(12, 18)],
    // fractional binary
    ["100.035Ki", q(10243584, -2, "BinarySI")],
    ["0.5Mi", q(0.5 * 1024 * 1024, 0, "BinarySI")],
    ["0.05Gi", q(536870912, -1, "BinarySI")],
    ["0.025Ti", q(274877906944, -1, "BinarySI")],
    // things written by trolls
    ["0.000000000001Ki", q(2, -9)],
    [".001", q(1, -3)],
    [".0001k", q(100, -3)],
    ["1.", q(1, 0)],
    ["1.G", q(1, 9)],
  ];

  it.each(table)("%j", (input, want) => {
    const got = parseQuantity(input);
    expect(got.cmp(want)).toBe(0);
    expect(got.format).toBe(want.format);
  });

  it.each(table)("-%j", (input, want) => {
    const got = parseQuantity(`-${input}`);
    expect(got.cmp(want.neg())).toBe(0);
    expect(got.format).toBe(want.format);
  });

  it.each(table)("+%j", (input, want) => {
    const got = parseQuantity(`+${input}`);
    expect(got.cmp(want)).toBe(0);
    expect(got.format).toBe(want.format);
  });
});

describe("parseQuantity errors", () => {
  it.each([
    ["", formatWrong],
    ["1.1.M", formatWrong],
    ["1+1.0M", formatWrong],
    ["aoeu", formatWrong],
    ["-3.01e-", "unable to parse quantity's suffix"],
    [" 1", formatWrong],
    ["1 ", formatWrong],
    ["Non-Numeric", formatWrong],
    ["0.1mi", "unable to parse quantity's suffix"],
    ["0.1am", formatWrong],
    [".5i", "unable to parse quantity's suffix"],
    ["1i", "unable to parse quantity's suffix"],
    ["-3.01i", "unable to parse quantity's suffix"],
    ["1e", "unable to parse quantity's suffix"],
    ["1Ee", "unable to parse quantity's suffix"],
    ["100KB", formatWrong],
    ["e-12", "unable to parse numeric part of quantity"],
  ])("%j → %s", (input, message) => {
    expect(() => parseQuantity(input)).toThrow(QuantityParseError);
    expect(() => parseQuantity(input)).toThrow(message);
    expect(isQuantityString(input)).toBe(false);
  });

  it("accepts what upstream's lenient scanner accepts", () => {
    for (const s of ["1.", ".5", "-.5", "+1", "e3", ".", "1.G", "1Ki", "500m"]) expect(isQuantityString(s)).toBe(true);
    expect(parseQuantity("e3").isZero()).toBe(true);
  });
});

describe("canonical strings (upstream TestQuantityString)", () => {
  it.each<[Quantity, string, string]>([
    [q(1024 ** 3, 0, "BinarySI"), "1Gi", "1024Mi"],
    [q(300 * 1024 * 1024, 0, "BinarySI"), "300Mi", "307200Ki"],
    [q(6 * 1024, 0, "BinarySI"), "6Ki", ""],
    [q(1001 * 1024 ** 3, 0, "BinarySI"), "1001Gi", "1025024Mi"],
    [q(1024 ** 4, 0, "BinarySI"), "1Ti", "1024Gi"],
    [q(5, 0, "BinarySI"), "5", "5000m"],
    [q(500, -3, "BinarySI"), "500m", "0.5"],
    [q(1, 9), "1G", "1000M"],
    [q(1000, 6), "1G", "0.001T"],
    [q(1000000, 3), "1G", ""],
    [q(1000000000, 0), "1G", ""],
    [q(1, -3), "1m", "1000u"],
    [q(80, -3), "80m", ""],
    [q(1080, -3), "1080m", "1.08"],
    [q(108, -2), "1080m", "1080000000n"],
    [q(10800, -4), "1080m", ""],
    [q(300, 6), "300M", ""],
    [q(1, 12), "1T", ""],
    [q(1, 18), "1E", ""],
    [q(1, 21), "1e21", "1000E"],
    [q(5, 21), "5e21", "5000E"],
    [q(1, 24), "1e24", "1000000E"],
    [q(1234567, 6), "1234567M", ""],
    [q(1234567, -3, "BinarySI"), "1234567m", ""],
    [q(3, 3), "3k", ""],
    [q(1025, 0, "BinarySI"), "1025", ""],
    [q(0, 0), "0", ""],
    [q(0, 0, "BinarySI"), "0", ""],
    [q(1, 9, "DecimalExponent"), "1e9", ".001e12"],
    [q(1, -3, "DecimalExponent"), "1e-3", "0.001e0"],
    [q(1, -9, "DecimalExponent"), "1e-9", "1000e-12"],
    [q(80, -3, "DecimalExponent"), "80e-3", ""],
    [q(300, 6, "DecimalExponent"), "300e6", ""],
    [q(1, 12, "DecimalExponent"), "1e12", ""],
    [q(1, 3, "DecimalExponent"), "1e3", ""],
    [q(3, 3, "DecimalExponent"), "3e3", ""],
    [q(3, 3), "3k", ""],
    [q(0, 0, "DecimalExponent"), "0", "00"],
    [q(1, -9), "1n", ""],
    [q(80, -9), "80n", ""],
    [q(1080, -9), "1080n", ""],
    [q(108, -8), "1080n", ""],
    [q(10800, -10), "1080n", ""],
    [q(1, -6), "1u", ""],
    [q(80, -6), "80u", ""],
    [q(1080, -6), "1080u", ""],
  ])("%s → %j (alternate %j)", (value, want, alternate) => {
    expect(value.toString()).toBe(want);
    expect(parseQuantity(want).toString()).toBe(want);
    if (alternate) expect(parseQuantity(alternate).toString()).toBe(want);
    if (!value.isZero()) expect(value.neg().toString()).toBe(`-${want}`);
  });
});

describe("parse then emit (upstream TestQuantityParseEmit and friends)", () => {
  it.each([
    ["1Ki", "1Ki"],
    ["1Mi", "1Mi"],
    ["1Gi", "1Gi"],
    ["1024Mi", "1Gi"],
    ["1000M", "1G"],
    [".001Ki", "1024m"],
    [".000001Ki", "1024u"],
    [".000000001Ki", "1024n"],
    [".000000000001Ki", "2n"],
    // the examples kubectl users meet every day
    ["1000m", "1"],
    ["1536Mi", "1536Mi"],
    ["1.5Gi", "1536Mi"],
    ["0.5", "500m"],
    ["1e3", "1e3"],
    ["1.5", "1500m"],
    ["100m", "100m"],
    ["250m", "250m"],
    ["2000m", "2"],
    ["128974848", "128974848"],
    ["129e6", "129e6"],
    ["129M", "129M"],
    ["123Mi", "123Mi"],
    ["0.1", "100m"],
    ["1.1Ki", "1126400m"],
    ["8Ki", "8Ki"],
    ["8192", "8192"],
    ["2048Ki", "2Mi"],
    ["1.0", "1"],
    ["0m", "0"],
    ["-0", "0"],
    ["1000000000000000000000", "1e21"],
    // upstream keeps an input that already looks canonical verbatim
    ["1.234", "1.234"],
    ["+1", "+1"],
    ["1.", "1."],
  ])("%j → %j", (input, want) => {
    expect(parseQuantity(input).toString()).toBe(want);
    expect(JSON.stringify({ q: parseQuantity(input) })).toBe(JSON.stringify({ q: want }));
  });

  it("negatives emit with a leading '-'", () => {
    for (const [input, want] of [
      ["1Ki", "1Ki"],
      ["1024Mi", "1Gi"],
      [".001Ki", "1024m"],
      [".000000000001Ki", "2n"],
    ] as const) {
      expect(parseQuantity(`-${input}`).toString()).toBe(`-${want}`);
    }
  });
});

describe("constructors (upstream TestNewSet / TestMilliNewSet / TestNewScaledSet)", () => {
  it.each<[number, QuantityFormat, string]>([
    [1, "DecimalSI", "1"],
    [1000, "DecimalSI", "1k"],
    [1234000, "DecimalSI", "1234k"],
    [1024, "BinarySI", "1Ki"],
    [1000000, "DecimalExponent", "1e6"],
    [1024 * 1024, "BinarySI", "1Mi"],
  ])("fromInt(%d, %s) → %j", (value, format, want) => {
    const v = Quantity.fromInt(value, format);
    expect(v.toString()).toBe(want);
    expect(parseQuantity(v.toString()).value()).toBe(value);
  });

  it.each<[number, QuantityFormat, string]>([
    [1, "DecimalSI", "1m"],
    [1000, "DecimalSI", "1"],
    [1234000, "DecimalSI", "1234"],
    [1024, "BinarySI", "1024m"],
    [1000000, "DecimalExponent", "1e3"],
    [1024 * 1024, "BinarySI", "1048576m"],
  ])("fromMilli(%d, %s) → %j", (value, format, want) => {
    const v = Quantity.fromMilli(value, format);
    expect(v.toString()).toBe(want);
    expect(parseQuantity(v.toString()).milliValue()).toBe(value);
  });

  it.each<[number, number, string]>([
    [1, Scale.Nano, "1n"],
    [1000, Scale.Nano, "1u"],
    [1, Scale.Micro, "1u"],
    [1000, Scale.Micro, "1m"],
    [1, Scale.Milli, "1m"],
    [1000, Scale.Milli, "1"],
    [1, 0, "1"],
    [0, Scale.Nano, "0"],
    [0, Scale.Micro, "0"],
    [0, Scale.Milli, "0"],
    [0, 0, "0"],
  ])("fromScaled(%d, %d) → %j", (value, scale, want) => {
    const v = Quantity.fromScaled(value, scale);
    expect(v.toString()).toBe(want);
    expect(parseQuantity(v.toString()).scaledValue(scale)).toBe(BigInt(value));
  });

  it("zero is DecimalSI 0", () => {
    expect(Quantity.zero().toString()).toBe("0");
    expect(Quantity.zero().format).toBe("DecimalSI");
    expect(() => Quantity.fromInt(1.5)).toThrow(RangeError);
  });
});

describe("values", () => {
  it.each<[number, number, bigint]>([
    [Scale.Nano, Scale.Nano, 1n],
    [Scale.Nano, Scale.Micro, 1n],
    [Scale.Nano, Scale.Milli, 1n],
    [Scale.Nano, 0, 1n],
    [Scale.Micro, Scale.Nano, 1000n],
    [Scale.Micro, Scale.Micro, 1n],
    [Scale.Micro, Scale.Milli, 1n],
    [Scale.Micro, 0, 1n],
    [Scale.Milli, Scale.Nano, 1000000n],
    [Scale.Milli, Scale.Micro, 1000n],
    [Scale.Milli, Scale.Milli, 1n],
    [Scale.Milli, 0, 1n],
    [0, Scale.Nano, 1000000000n],
    [0, Scale.Micro, 1000000n],
    [0, Scale.Milli, 1000n],
    [0, 0, 1n],
    [2, -2, 10000n],
  ])("scaledValue from 10^%d to 10^%d (upstream TestScaledValue)", (from, to, want) => {
    expect(Quantity.fromScaled(1, from).scaledValue(to)).toBe(want);
  });

  it.each<[string, number, number]>([
    ["1", 1, 1000],
    ["100m", 1, 100],
    ["1.5", 2, 1500],
    ["1001m", 2, 1001],
    ["0.0001", 1, 1],
    ["-1.5", -2, -1500],
    ["-0.0001", -1, -1],
    ["1Gi", 1073741824, 1073741824000],
    ["500Mi", 524288000, 524288000000],
    ["1e3", 1000, 1000000],
    ["3n", 1, 1],
  ])("%j: value %d, milliValue %d (rounded away from zero)", (s, value, milli) => {
    expect(parseQuantity(s).value()).toBe(value);
    expect(parseQuantity(s).milliValue()).toBe(milli);
  });

  it("keeps values beyond int64 exact", () => {
    expect(parseQuantity("18446744073709551616").valueBigInt()).toBe(2n ** 64n);
    expect(parseQuantity("8Ei").valueBigInt()).toBe(maxInt64); // binary quantities are capped at 2^63-1
    expect(parseQuantity("1Ei").valueBigInt()).toBe(2n ** 60n);
    expect(parseQuantity("1.5Gi").asApproximateFloat64()).toBe(1610612736);
    expect(parseQuantity("250m").asApproximateFloat64()).toBe(0.25);
  });
});

describe("comparison and arithmetic", () => {
  it.each<[string, string, number]>([
    ["0", "0", 0],
    ["100m", "50m", 1],
    ["50m", "100m", -1],
    ["10000T", "100Gi", 1],
    ["1Ki", "1024", 0],
    ["1k", "1Ki", -1],
    ["-1", "1m", -1],
    ["-1", "-2", 1],
    ["1e100", "1e99", 1],
    ["-1e100", "-1e99", -1],
    ["1e-9", "0", 1],
    ["1000m", "1", 0],
  ])("cmp(%j, %j) = %d (upstream TestQuantityCmp)", (a, b, want) => {
    expect(parseQuantity(a).cmp(parseQuantity(b))).toBe(want);
    expect(parseQuantity(b).cmp(parseQuantity(a))).toBe(want === 0 ? 0 : -want);
    expect(parseQuantity(a).equal(parseQuantity(b))).toBe(want === 0);
  });

  it("sign / isZero / cmpInt", () => {
    expect(parseQuantity("-5m").sign()).toBe(-1);
    expect(parseQuantity("0Ki").sign()).toBe(0);
    expect(parseQuantity("0Ki").isZero()).toBe(true);
    expect(parseQuantity("5m").sign()).toBe(1);
    expect(parseQuantity("1023").cmpInt(1024)).toBe(-1);
    expect(parseQuantity("1Ki").cmpInt(1024)).toBe(0);
  });

  it("add/sub follow upstream (upstream TestAdd / TestSub)", () => {
    expect(q(10, 0).add(q(1, 1)).cmp(q(20, 0))).toBe(0);
    expect(q(10, 0).add(q(1, 0, "BinarySI")).format).toBe("DecimalSI");
    expect(q(10, 0, "BinarySI").add(q(1, 0)).format).toBe("BinarySI");
    expect(Quantity.zero().add(q(50, 0)).toString()).toBe("50");
    expect(q(10, 0).sub(q(1, 1)).isZero()).toBe(true);
    expect(q(10, 0).sub(q(1, 0, "BinarySI")).cmp(q(9, 0))).toBe(0);
    expect(Quantity.zero().sub(q(50, 0)).toString()).toBe("-50");
    expect(parseQuantity("100m").add(parseQuantity("200m")).toString()).toBe("300m");
    expect(parseQuantity("1Gi").add(parseQuantity("512Mi")).toString()).toBe("1536Mi");
    expect(parseQuantity("1").sub(parseQuantity("250m")).toString()).toBe("750m");
    expect(parseQuantity("0.1").add(parseQuantity("0.2")).toString()).toBe("300m");
  });

  it("adding or subtracting zero keeps the suffix (upstream TestQuantityAddZeroPreservesSuffix)", () => {
    for (const s of ["100m", "1Gi"]) {
      const v = parseQuantity(s);
      const zero = parseQuantity("0");
      expect(v.add(zero).toString()).toBe(s);
      expect(zero.add(v).toString()).toBe(s);
      expect(v.sub(zero).toString()).toBe(s);
      expect(zero.sub(v).toString()).toBe(v.neg().toString());
    }
  });

  it("neg and mul", () => {
    expect(q(901, -2).neg().toString()).toBe("-9010m");
    expect(q(10, 0, "BinarySI").neg().cmp(q(-10, 0))).toBe(0);
    expect(q(10, 0).mul(10).toString()).toBe("100");
    expect(q(maxInt64, 0).mul(2).valueBigInt()).toBe(maxInt64 * 2n);
    expect(parseQuantity("512Mi").mul(2).toString()).toBe("1Gi");
    expect(q(-(2n ** 63n), 0, "BinarySI").neg().toString()).toBe("8Ei");
  });

  it("is immutable", () => {
    const a = parseQuantity("1");
    a.add(parseQuantity("1"));
    expect(a.toString()).toBe("1");
  });
});
