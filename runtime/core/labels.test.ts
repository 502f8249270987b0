import { describe, expect, it } from "vitest";
import {
  formatLabelSelector,
  labelSelectorAsSelector,
  labelSelectorAsString,
  newRequirement,
  parseSelector,
  parseToLabelSelector,
  parseToRequirements,
  requirementString,
  Selector,
  SelectorParseError,
  validateLabelSelector,
  type LabelSelector,
  type Operator,
} from "./labels.js";
import { FieldPath, fieldErrorString } from "./validation.js";

const nameRegexMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const valueRegexMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function parseError(s: string): string {
  try {
    parseSelector(s);
  } catch (e) {
    expect(e).toBeInstanceOf(SelectorParseError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(s)} to fail`);
}

describe("parseSelector: round trip (upstream TestSelectorParse)", () => {
  it.each(["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"])("%j", (s) => {
    expect(parseSelector(s).toString()).toBe(s.replaceAll(" ", ""));
  });

  it("is deterministic (sorted by key)", () => {
    expect(parseSelector("x=a,a=x").toString()).toBe(parseSelector("a=x,x=a").toString());
    expect(parseSelector("x=a,a=x").toString()).toBe("a=x,x=a");
  });
});

describe("parseSelector: requirements (upstream TestSetSelectorParser)", () => {
  const r = (key: string, operator: Operator, values: string[] = []) => ({ key, operator, values });
  it.each<[string, ReturnType<typeof r>[]]>([
    ["", []],
    ["\rx", [r("x", "exists")]],
    ["this-is-a-dns.domain.com/key-with-dash", [r("this-is-a-dns.domain.com/key-with-dash", "exists")]],
    ["this-is-another-dns.domain.com/key-with-dash in (so,what)", [r("this-is-another-dns.domain.com/key-with-dash", "in", ["so", "what"])]],
    ["0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", [r("0.1.2.domain/99", "notin", ["10.10.100.1", "tick.tack.clock"])]],
    ["foo  in\t (abc)", [r("foo", "in", ["abc"])]],
    ["x notin\n (abc)", [r("x", "notin", ["abc"])]],
    ["x  notin\t\t\t(abc,def)", [r("x", "notin", ["abc", "def"])]],
    ["x in (abc,def)", [r("x", "in", ["abc", "def"])]],
    ["x in (abc,)", [r("x", "in", ["", "abc"])]],
    ["x in ()", [r("x", "in", [""])]],
    ["x notin (abc,def),bar,z in (),w", [r("bar", "exists"), r("w", "exists"), r("x", "notin", ["abc", "def"]), r("z", "in", [""])]],
    ["x,y in (a)", [r("x", "exists"), r("y", "in", ["a"])]],
    ["x=a", [r("x", "=", ["a"])]],
    ["x==a", [r("x", "==", ["a"])]],
    ["x>1", [r("x", "gt", ["1"])]],
    ["x<7", [r("x", "lt", ["7"])]],
    ["x=a,y!=b", [r("x", "=", ["a"]), r("y", "!=", ["b"])]],
    ["x=a,y!=b,z in (h,i,j)", [r("x", "=", ["a"]), r("y", "!=", ["b"]), r("z", "in", ["h", "i", "j"])]],
    ["x notin ( )", [r("x", "notin", [""])]],
    ["x notin (, a)", [r("x", "notin", ["", "a"])]],
    ["a ", [r("a", "exists")]],
    ["a in (x,y,notin, z,in)", [r("a", "in", ["in", "notin", "x", "y", "z"])]],
    ["a in (b,b,a)", [r("a", "in", ["a", "b"])]],
    ["notin=in", [r("notin", "=", ["in"])]],
    ["!x,y", [r("x", "!"), r("y", "exists")]],
  ])("%j", (input, want) => {
    expect(parseToRequirements(input)).toEqual(want);
  });
});

describe("parseSelector: errors with upstream wording", () => {
  it.each([
    ["x=a||y=b", `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${valueRegexMsg}`],
    ["x==a==b", "found '==', expected: ',' or 'end of string'"],
    ["!x=a", "found '=', expected: ',' or 'end of string'"],
    ["x<a", `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ["x>", `unable to parse requirement: values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`],
    ["x=(", "unable to parse requirement: found '(', expected: identifier"],
    ["x nott in (y)", "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"],
    ["e!!!!!ss", "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ["a (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    [",x,y", "found ',', expected: !, identifier, or 'end of string'"],
    ["(", "found '(', expected: !, identifier, or 'end of string'"],
    ["x,,y", "found ',', expected: identifier after ','"],
    ["a in (xyz),", "found '', expected: identifier after ','"],
    ["a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"],
    ["a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ["a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ["a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ["a in (b,=)", "unable to parse requirement: found '=', expected: ',', or identifier"],
    ["x in y", "unable to parse requirement: found 'y' expected: '('"],
    ["!", "unable to parse requirement: found '', expected: identifier"],
    ["app: nginx", `unable to parse requirement: <nil>: Invalid value: "app:": ${nameRegexMsg}`],
    ["foo=bar=42", "found '=', expected: ',' or 'end of string'"],
  ])("%j", (input, message) => {
    expect(parseError(input)).toBe(message);
  });
});

describe("Selector matching (upstream TestSelectorMatches)", () => {
  it.each<[string, Record<string, string>, boolean]>([
    ["", { x: "y" }, true],
    ["x=y", { x: "y" }, true],
    ["x=y,z=w", { x: "y", z: "w" }, true],
    ["x!=y,z!=w", { x: "z", z: "a" }, true],
    ["notin=in", { notin: "in" }, true],
    ["x", { x: "z" }, true],
    ["!x", { y: "z" }, true],
    ["x>1", { x: "2" }, true],
    ["x<1", { x: "0" }, true],
    ["x=z", {}, false],
    ["x=y", { x: "z" }, false],
    ["x=y,z=w", { x: "w", z: "w" }, false],
    ["x!=y,z!=w", { x: "z", z: "w" }, false],
    ["x", { y: "z" }, false],
    ["!x", { x: "z" }, false],
    ["x>1", { x: "0" }, false],
    ["x<1", { x: "2" }, false],
    ["x>1", { x: "v2" }, false],
    ["x>1", {}, false],
    ["x<1", { x: "-3" }, true],
    ["x notin (foo)", {}, true],
    ["x in (foo)", {}, false],
    ["x in ()", { x: "" }, true],
    ["x notin ()", { y: "" }, true],
    ["x notin (),y", { y: "" }, true],
    ["foo=bar,baz=blah", { foo: "bar", baz: "blah" }, true],
    ["foo=bar,foobar=bar,baz=blah", { foo: "bar", baz: "blah" }, false],
  ])("%j matches %j → %s", (sel, labels, want) => {
    expect(parseSelector(sel).matches(labels)).toBe(want);
  });

  it("treats missing labels as an empty set and ignores inherited properties", () => {
    expect(parseSelector("!x").matches(undefined)).toBe(true);
    expect(parseSelector("x").matches(undefined)).toBe(false);
    expect(parseSelector("toString").matches({})).toBe(false);
  });
});

describe("Selector everything / nothing / sets", () => {
  it("everything matches all and is empty", () => {
    expect(Selector.everything().matches({ x: "y" })).toBe(true);
    expect(Selector.everything().empty()).toBe(true);
    expect(Selector.everything().toString()).toBe("");
  });

  it("nothing matches nothing and is not empty", () => {
    expect(Selector.nothing().matches({})).toBe(false);
    expect(Selector.nothing().empty()).toBe(false);
    expect(Selector.nothing().isNothing()).toBe(true);
    expect(Selector.nothing().toString()).toBe("");
    expect(Selector.nothing().add(newRequirement("a", "exists")).isNothing()).toBe(true);
  });

  it("fromSet builds sorted equality requirements", () => {
    expect(Selector.fromSet({ b: "2", a: "1" }).toString()).toBe("a=1,b=2");
    expect(Selector.fromSet(undefined).empty()).toBe(true);
    expect(Selector.fromSet({}).empty()).toBe(true);
    expect(Selector.fromSet({ foo: "bar" }).matches({ foo: "bar", baz: "blah" })).toBe(true);
    expect(() => Selector.fromValidatedSet({ "a b": "c" })).toThrow(SelectorParseError);
  });

  it("add keeps requirements sorted by key", () => {
    const s = Selector.fromRequirements([newRequirement("key", "in", ["value"])]).add(newRequirement("a", "=", ["b"]));
    expect(s.toString()).toBe("a=b,key in (value)");
  });

  it("requiresExactMatch", () => {
    const s = parseSelector("a=1,b in (2),c in (3,4),d!=5,e==6");
    expect(s.requiresExactMatch("a")).toBe("1");
    expect(s.requiresExactMatch("b")).toBe("2");
    expect(s.requiresExactMatch("c")).toBeUndefined();
    expect(s.requiresExactMatch("d")).toBeUndefined();
    expect(s.requiresExactMatch("e")).toBe("6");
    expect(s.requiresExactMatch("zz")).toBeUndefined();
  });
});

describe("requirements (upstream TestRequirementConstructor / TestToString)", () => {
  it.each<[string, Operator, string[] | null, boolean]>([
    ["x", "in", null, false],
    ["x", "notin", [], false],
    ["x", "in", ["foo"], true],
    ["x", "notin", ["foo"], true],
    ["x", "exists", null, true],
    ["x", "!", null, true],
    ["1foo", "in", ["bar"], true],
    ["1234", "in", ["bar"], true],
    ["y", "gt", ["1"], true],
    ["z", "lt", ["6"], true],
    ["foo", "gt", ["bar"], false],
    ["barz", "lt", ["blah"], false],
    ["a".repeat(254), "exists", null, false],
  ])("newRequirement(%j, %j, %j) ok=%s", (key, op, values, ok) => {
    if (ok) expect(() => newRequirement(key, op, values)).not.toThrow();
    else expect(() => newRequirement(key, op, values)).toThrow(SelectorParseError);
  });

  it("reports upstream messages", () => {
    expect(() => newRequirement("x", "in", null)).toThrow("values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty");
    expect(() => newRequirement("x", "exists", ["a"])).toThrow(`values: Invalid value: ["a"]: values set must be empty for exists and does not exist`);
    expect(() => newRequirement("x", "=", ["a", "b"])).toThrow(`values: Invalid value: ["a","b"]: exact-match compatibility requires one single value`);
    expect(() => newRequirement("x", "gt", ["1", "2"])).toThrow(`values: Invalid value: ["1","2"]: for 'Gt', 'Lt' operators, exactly one value is required`);
    expect(() => newRequirement("x", "bogus" as Operator, ["1"])).toThrow(
      `operator: Unsupported value: "bogus": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"`,
    );
    expect(() => newRequirement("x/y/z", "exists")).toThrow(
      "key: Invalid value: \"x/y/z\": a qualified name must consist of alphanumeric characters",
    );
    // several errors aggregate as [a, b]
    expect(() => newRequirement("a b", "in", ["c d"])).toThrow(
      `[key: Invalid value: "a b": ${nameRegexMsg}, values[0][a b]: Invalid value: "c d": ${valueRegexMsg}]`,
    );
  });

  it.each([
    [[newRequirement("x", "in", ["abc", "def"]), newRequirement("y", "notin", ["jkl"]), newRequirement("z", "exists")], "x in (abc,def),y notin (jkl),z"],
    [[newRequirement("x", "notin", ["def", "abc"]), newRequirement("y", "!=", ["jkl"]), newRequirement("z", "!")], "x notin (abc,def),y!=jkl,!z"],
    [[newRequirement("x", "notin", ["abc"]), newRequirement("y", "in", ["jkl", "mno"]), newRequirement("z", "notin", [""])], "x notin (abc),y in (jkl,mno),z notin ()"],
    [[newRequirement("x", "=", ["abc"]), newRequirement("y", "==", ["jkl"]), newRequirement("z", "!=", ["a"]), newRequirement("z", "exists")], "x=abc,y==jkl,z!=a,z"],
    [[newRequirement("x", "gt", ["2"]), newRequirement("y", "lt", ["8"]), newRequirement("z", "exists")], "x>2,y<8,z"],
  ])("toString %#", (reqs, want) => {
    expect(Selector.fromRequirements(reqs).toString()).toBe(want);
  });

  it("prints values sorted without mutating the requirement", () => {
    const r = newRequirement("x", "in", ["b", "a"]);
    expect(requirementString(r)).toBe("x in (a,b)");
    expect(r.values).toEqual(["b", "a"]);
  });
});

describe("metav1.LabelSelector helpers", () => {
  const matchLabels = { foo: "bar" };
  const matchExpressions = [{ key: "baz", operator: "In" as const, values: ["qux", "norf"] }];

  it.each<[LabelSelector | null | undefined, string, boolean]>([
    [null, "", true],
    [undefined, "", true],
    [{}, "", false],
    [{ matchLabels }, "foo=bar", false],
    [{ matchExpressions }, "baz in (norf,qux)", false],
    [{ matchLabels, matchExpressions }, "baz in (norf,qux),foo=bar", false],
    [{ matchExpressions: [{ key: "a", operator: "DoesNotExist" }, { key: "b", operator: "Exists" }, { key: "c", operator: "NotIn", values: ["x"] }] }, "!a,b,c notin (x)", false],
  ])("labelSelectorAsSelector(%j)", (ls, str, nothing) => {
    const s = labelSelectorAsSelector(ls);
    expect(s.toString()).toBe(str);
    expect(s.isNothing()).toBe(nothing);
    expect(labelSelectorAsString(ls)).toBe(str);
  });

  it("nil selects nothing, {} selects everything", () => {
    expect(labelSelectorAsSelector(null).matches({ a: "b" })).toBe(false);
    expect(labelSelectorAsSelector({}).matches({ a: "b" })).toBe(true);
    expect(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] }).empty()).toBe(true);
  });

  it("rejects invalid selectors with upstream messages", () => {
    expect(() => labelSelectorAsSelector({ matchExpressions: [{ key: "baz", operator: "Exists", values: ["qux", "norf"] }] })).toThrow(
      `values: Invalid value: ["qux","norf"]: values set must be empty for exists and does not exist`,
    );
    expect(() => labelSelectorAsSelector({ matchExpressions: [{ key: "baz", operator: "In" }] })).toThrow(
      "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    );
    expect(() => labelSelectorAsSelector({ matchExpressions: [{ key: "baz", operator: "Foo" as "In" }] })).toThrow(
      `"Foo" is not a valid label selector operator`,
    );
  });

  it("formatLabelSelector", () => {
    expect(formatLabelSelector({ matchLabels })).toBe("foo=bar");
    expect(formatLabelSelector({})).toBe("<none>");
    expect(formatLabelSelector(null)).toBe("<none>");
    expect(formatLabelSelector({ matchExpressions: [{ key: "baz", operator: "In" }] })).toBe("<error>");
  });

  it("parseToLabelSelector", () => {
    expect(parseToLabelSelector("app=web,tier in (b,a),!canary,track,env notin (dev)")).toEqual({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "canary", operator: "DoesNotExist" },
        { key: "env", operator: "NotIn", values: ["dev"] },
        { key: "tier", operator: "In", values: ["a", "b"] },
        { key: "track", operator: "Exists" },
      ],
    });
    expect(parseToLabelSelector("")).toEqual({});
    expect(() => parseToLabelSelector("app: nginx")).toThrow(
      `couldn't parse the selector string "app: nginx": unable to parse requirement: <nil>: Invalid value: "app:": ${nameRegexMsg}`,
    );
    expect(() => parseToLabelSelector("x>1")).toThrow(`"gt" isn't supported in label selectors`);
    expect(() => parseToLabelSelector("x!=1")).toThrow(`"!=" is not a valid label selector operator`);
  });
});

describe("validateLabelSelector", () => {
  const path = FieldPath.of("spec", "selector");
  const run = (ls: LabelSelector | null, opts = {}) => validateLabelSelector(ls, path, opts).map(fieldErrorString);

  it("accepts valid and nil selectors", () => {
    expect(run(null)).toEqual([]);
    expect(run({})).toEqual([]);
    expect(run({ matchLabels: { app: "web" }, matchExpressions: [{ key: "x", operator: "In", values: ["a"] }, { key: "y", operator: "Exists" }] })).toEqual([]);
  });

  it("reports operator/value rules", () => {
    expect(
      run({
        matchExpressions: [
          { key: "a", operator: "In" },
          { key: "b", operator: "NotIn", values: [] },
          { key: "c", operator: "Exists", values: ["x"] },
          { key: "d", operator: "DoesNotExist", values: ["x"] },
          { key: "e", operator: "Bogus" as "In", values: ["x"] },
        ],
      }),
    ).toEqual([
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[2].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      "spec.selector.matchExpressions[3].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      `spec.selector.matchExpressions[4].operator: Invalid value: "Bogus": not a valid selector operator`,
    ]);
  });

  it("validates keys and values", () => {
    expect(run({ matchLabels: { "a b": "c d" }, matchExpressions: [{ key: "bad key", operator: "In", values: ["ok", "-bad"] }] })).toEqual([
      `spec.selector.matchLabels: Invalid value: "a b": ${nameRegexMsg}`,
      `spec.selector.matchLabels: Invalid value: "c d": ${valueRegexMsg}`,
      `spec.selector.matchExpressions[0].key: Invalid value: "bad key": ${nameRegexMsg}`,
      `spec.selector.matchExpressions[0].values[1]: Invalid value: "-bad": ${valueRegexMsg}`,
    ]);
    expect(run({ matchExpressions: [{ key: "k", operator: "In", values: ["-bad"] }] }, { allowInvalidLabelValueInSelector: true })).toEqual([]);
  });
});
