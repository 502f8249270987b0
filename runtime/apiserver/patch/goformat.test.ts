import { describe, expect, it } from "vitest";
import { goFloat, goSprintS, goSprintV, goTypeName } from "./goformat.js";

describe("Go formatting of decoded JSON", () => {
  it("%v", () => {
    expect(goSprintV({ name: "a", $patch: "delete", n: 1, f: 1.5, ok: true, x: null, l: ["a", 2], m: {} })).toBe(
      "map[$patch:delete f:1.5 l:[a 2] m:map[] n:1 name:a ok:true x:<nil>]",
    );
    expect(goSprintV([[1, 2], []])).toBe("[[1 2] []]");
  });

  it("%s", () => {
    expect(goSprintS("x")).toBe("x");
    expect(goSprintS(1)).toBe("%!s(int64=1)");
    expect(goSprintS(1.5)).toBe("%!s(float64=1.5)");
    expect(goSprintS(false)).toBe("%!s(bool=false)");
    expect(goSprintS(null)).toBe("%!s(<nil>)");
  });

  it("float64 like strconv 'g' shortest", () => {
    expect(goFloat(0.5)).toBe("0.5");
    expect(goFloat(1234567.5)).toBe("1.2345675e+06");
    expect(goFloat(0.00001)).toBe("1e-05");
    expect(goFloat(0.0001)).toBe("0.0001");
    expect(goFloat(123456.5)).toBe("123456.5");
    expect(goFloat(1.5e300)).toBe("1.5e+300");
  });

  it("reflect type names", () => {
    expect(goTypeName({})).toBe("map[string]interface {}");
    expect(goTypeName([])).toBe("[]interface {}");
    expect(goTypeName("s")).toBe("string");
    expect(goTypeName(2)).toBe("int64");
    expect(goTypeName(2.5)).toBe("float64");
    expect(goTypeName(null)).toBe("%!s(<nil>)");
  });
});
