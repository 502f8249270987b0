import { describe, expect, it } from "vitest";
import {
  getIntOrPercentValue,
  getPercentValue,
  getScaledValueFromIntOrPercent,
  intOrStringToString,
  intOrStringValue,
  intOrStringValueOrDefault,
  IntOrStringError,
  isNotMoreThan100Percent,
  isPercentString,
  isValidPercent,
  parseIntOrString,
  validatePositiveIntOrPercent,
  type IntOrString,
} from "./intstr.js";
import { FieldPath, fieldErrorString } from "./validation.js";

const percentMsg = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

describe("getScaledValueFromIntOrPercent (upstream TestGetIntFromIntOrPercent)", () => {
  it.each<[IntOrString, number, boolean, number]>([
    [123, 0, false, 123],
    ["90%", 100, true, 90],
    ["90%", 95, true, 86],
    ["90%", 95, false, 85],
    ["25%", 10, true, 3],
    ["25%", 10, false, 2],
    ["0%", 10, true, 0],
    ["100%", 7, false, 7],
    ["150%", 10, true, 15],
    ["-50%", 10, true, -5],
    ["+40%", 10, false, 4],
    [0, 10, true, 0],
  ])("%j of %d (roundUp=%s) → %d", (v, total, roundUp, want) => {
    expect(getScaledValueFromIntOrPercent(v, total, roundUp)).toBe(want);
  });

  it.each<[IntOrString | undefined | null | boolean, string]>([
    [undefined, "nil value for IntOrString"],
    [null, "nil value for IntOrString"],
    ["%", 'invalid value for IntOrString: invalid value "%": strconv.Atoi: parsing "": invalid syntax'],
    ["90#", "invalid value for IntOrString: invalid type: string is not a percentage"],
    ["#%", 'invalid value for IntOrString: invalid value "#%": strconv.Atoi: parsing "#": invalid syntax'],
    ["90", "invalid value for IntOrString: invalid type: string is not a percentage"],
    ["200", "invalid value for IntOrString: invalid type: string is not a percentage"],
    ["30%0", "invalid value for IntOrString: invalid type: string is not a percentage"],
    ["a%", 'invalid value for IntOrString: invalid value "a%": strconv.Atoi: parsing "a": invalid syntax'],
    ["40%%", 'invalid value for IntOrString: invalid value "40%%": strconv.Atoi: parsing "40%": invalid syntax'],
    ["99999999999999999999%", 'invalid value for IntOrString: invalid value "99999999999999999999%": strconv.Atoi: parsing "99999999999999999999": value out of range'],
    [1.5, "invalid value for IntOrString: invalid type: neither int nor percentage"],
    [true, "invalid value for IntOrString: invalid type: neither int nor percentage"],
  ])("rejects %j", (v, message) => {
    expect(() => getScaledValueFromIntOrPercent(v as IntOrString, 10, true)).toThrow(IntOrStringError);
    expect(() => getScaledValueFromIntOrPercent(v as IntOrString, 10, true)).toThrow(message);
  });
});

describe("IntOrString helpers", () => {
  it("parseIntOrString (intstr.Parse)", () => {
    expect(parseIntOrString("10")).toBe(10);
    expect(parseIntOrString("-3")).toBe(-3);
    expect(parseIntOrString("25%")).toBe("25%");
    expect(parseIntOrString("http")).toBe("http");
    expect(parseIntOrString("2147483648")).toBe("2147483648");
  });

  it("intOrStringValue / intOrStringToString / valueOrDefault", () => {
    expect(intOrStringValue(8080)).toBe(8080);
    expect(intOrStringValue("8080")).toBe(8080);
    expect(intOrStringValue("http")).toBe(0);
    expect(intOrStringToString(1)).toBe("1");
    expect(intOrStringToString("25%")).toBe("25%");
    expect(intOrStringValueOrDefault(undefined, "25%")).toBe("25%");
    expect(intOrStringValueOrDefault(0, "25%")).toBe(0);
  });

  it("percent helpers", () => {
    expect(isPercentString("40%")).toBe(true);
    expect(isPercentString("40")).toBe(false);
    expect(isPercentString(40)).toBe(false);
    expect(getPercentValue("40%")).toBe(40);
    expect(getPercentValue("x%")).toBeUndefined();
    expect(getPercentValue(40)).toBeUndefined();
    expect(getIntOrPercentValue("40%")).toBe(40);
    expect(getIntOrPercentValue(3)).toBe(3);
  });
});

describe("validation", () => {
  const path = FieldPath.of("spec", "strategy", "rollingUpdate", "maxUnavailable");
  const run = (errs: ReturnType<typeof validatePositiveIntOrPercent>) => errs.map(fieldErrorString);

  it.each(["0%", "1%", "93%", "100%", "250%"])("isValidPercent(%j) ok", (s) => {
    expect(isValidPercent(s)).toEqual([]);
  });

  it.each(["", "%", "1", "-1%", "1.5%", "1%%", " 1%"])("isValidPercent(%j) fails", (s) => {
    expect(isValidPercent(s)).toEqual([percentMsg]);
  });

  it("validatePositiveIntOrPercent", () => {
    expect(run(validatePositiveIntOrPercent(0, path))).toEqual([]);
    expect(run(validatePositiveIntOrPercent(3, path))).toEqual([]);
    expect(run(validatePositiveIntOrPercent("25%", path))).toEqual([]);
    expect(run(validatePositiveIntOrPercent(-1, path))).toEqual([
      "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0",
    ]);
    expect(run(validatePositiveIntOrPercent("abc", path))).toEqual([`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "abc": ${percentMsg}`]);
    expect(run(validatePositiveIntOrPercent(1.5, path))).toEqual([
      "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 1.5: must be an integer or percentage (e.g '5%')",
    ]);
  });

  it("isNotMoreThan100Percent", () => {
    expect(run(isNotMoreThan100Percent("100%", path))).toEqual([]);
    expect(run(isNotMoreThan100Percent(150, path))).toEqual([]);
    expect(run(isNotMoreThan100Percent("abc", path))).toEqual([]);
    expect(run(isNotMoreThan100Percent("150%", path))).toEqual([
      `spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%`,
    ]);
  });
});
