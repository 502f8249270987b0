import { describe, expect, it } from "vitest";
import { compileValidationRule, evaluate, PerCallLimit, type CelSchema, type CompiledRule, type EvalResult, type ValidationRule } from "./index.js";

const spec: CelSchema = {
  type: "object",
  properties: {
    replicas: { type: "integer" },
    minReplicas: { type: "integer" },
    maxReplicas: { type: "integer" },
    ratio: { type: "number" },
    name: { type: "string" },
    image: { type: "string" },
    ports: { type: "array", maxItems: 100, items: { type: "integer" } },
    tags: { type: "array", maxItems: 100, items: { type: "string" } },
    labels: { type: "object", maxProperties: 64, additionalProperties: { type: "string" } },
    port: { "x-kubernetes-int-or-string": true },
    memory: { type: "string" },
    limit: { type: "string" },
    config: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    template: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true },
    containers: {
      type: "array",
      maxItems: 20,
      items: { type: "object", properties: { name: { type: "string" }, image: { type: "string" } }, required: ["name"] },
    },
  },
};

function compile(rule: ValidationRule | string, schema: CelSchema = spec): CompiledRule {
  const c = compileValidationRule(typeof rule === "string" ? { rule } : rule, schema);
  if (c.kind === "error") throw new Error(`unexpected compile error: ${c.message}`);
  return c;
}

function run(rule: ValidationRule | string, self: unknown, oldSelf?: unknown, schema: CelSchema = spec): EvalResult {
  return evaluate(compile(rule, schema), self, oldSelf);
}

const obj = {
  replicas: 3,
  minReplicas: 1,
  maxReplicas: 5,
  ratio: 1,
  name: "web-frontend",
  image: "registry.example.com/team/web:1.2.3",
  ports: [80, 443, 8080],
  tags: ["a", "b", "c"],
  labels: { app: "web", tier: "frontend" },
  port: "http",
  memory: "512Mi",
  limit: "1Gi",
  config: { nested: { x: 1, y: [1, 2] }, flag: true },
  template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" } },
  containers: [
    { name: "app", image: "app:1" },
    { name: "sidecar", image: "proxy:2" },
  ],
};

describe("rules that hold", () => {
  const holds: Array<[string, string]> = [
    ["simple int", "self.replicas >= 0"],
    ["int arithmetic", "self.minReplicas + 2 <= self.maxReplicas * 1"],
    ["number is double", "self.ratio == 1.0 && type(self.ratio) == double"],
    ["integer is int", "type(self.replicas) == int"],
    ["has", "has(self.name) && !has(self.minReplicas) || has(self.minReplicas)"],
    ["map", "self.labels['app'] == 'web' && 'tier' in self.labels && self.labels.size() == 2"],
    ["map macro on map", "self.labels.all(k, k.size() > 2)"],
    ["int-or-string", "type(self.port) == string && self.port == 'http'"],
    ["preserve-unknown dyn", "self.config.nested.x == 1 && self.config.nested.y[1] == 2 && self.config.flag"],
    ["embedded resource", "self.template.kind == 'Pod' && self.template.metadata.name == 'p'"],
    ["all", "self.ports.all(p, p > 0 && p < 65536)"],
    ["exists", "self.ports.exists(p, p == 443)"],
    ["exists_one", "self.ports.exists_one(p, p == 80)"],
    ["map/filter", "self.ports.map(p, p * 2) == [160, 886, 16160] && self.ports.filter(p, p > 100).size() == 2"],
    ["objects in lists", "self.containers.all(c, c.name.size() > 0) && self.containers.exists(c, c.name == 'sidecar')"],
    ["unique names", "self.containers.all(a, self.containers.exists_one(b, b.name == a.name))"],
    ["isSorted", "self.ports.isSorted() && !['b', 'a'].isSorted()"],
    ["sum/min/max", "self.ports.sum() == 8603 && self.ports.min() == 80 && self.ports.max() == 8080 && [1.5, 2.5].sum() == 4.0"],
    ["list indexOf", "self.tags.indexOf('b') == 1 && ['a', 'b', 'a'].lastIndexOf('a') == 2 && self.tags.indexOf('z') == -1"],
    ["charAt/indexOf", "self.name.charAt(0) == 'w' && self.name.indexOf('-') == 3 && self.name.lastIndexOf('e') == 9"],
    ["case", "self.name.upperAscii() == 'WEB-FRONTEND' && 'ABC'.lowerAscii() == 'abc'"],
    ["replace/split/join", "self.name.replace('-', '_') == 'web_frontend' && self.name.split('-') == ['web', 'frontend'] && self.tags.join(',') == 'a,b,c'"],
    ["substring/trim", "self.name.substring(4) == 'frontend' && self.name.substring(0, 3) == 'web' && '  x '.trim() == 'x'"],
    ["std strings", "self.name.startsWith('web') && self.name.endsWith('end') && self.name.contains('front')"],
    ["matches", "self.name.matches('^[a-z]+(-[a-z]+)*$')"],
    ["find", "self.image.find('[0-9]+\\\\.[0-9]+\\\\.[0-9]+') == '1.2.3' && self.image.find('xyz') == ''"],
    ["findAll", "self.image.findAll('[0-9]+') == ['1', '2', '3'] && self.image.findAll('[0-9]+', 2) == ['1', '2']"],
    ["regex flags", "'ABC-def'.find('(?i)abc') == 'ABC' && 'a1b22'.findAll('[0-9]+') == ['1', '22']"],
    ["quantity compare", "quantity(self.memory).isLessThan(quantity(self.limit)) && quantity(self.limit).isGreaterThan(quantity('1000Mi'))"],
    ["quantity compareTo", "quantity('1').compareTo(quantity('1000m')) == 0 && quantity('2').compareTo(quantity('1')) == 1"],
    ["quantity arithmetic", "quantity(self.memory).add(quantity(self.memory)) == quantity('1Gi') && quantity('1').sub(1).isInteger()"],
    ["quantity asInteger", "quantity('5k').asInteger() == 5000 && quantity('1.5').asApproximateFloat() == 1.5 && quantity('-1').sign() == -1"],
    ["isQuantity", "isQuantity(self.memory) && !isQuantity('1.2.3')"],
    ["conversions", "int('5') == 5 && string(self.replicas) == '3' && double(self.replicas) == 3.0 && size(self.tags) == 3"],
    ["ternary", "(self.replicas > 2 ? 'big' : 'small') == 'big'"],
  ];
  it.each(holds)("%s: %s", (_name, rule) => {
    expect(run(rule, obj)).toMatchObject({ status: "ok" });
  });
});

describe("rules that fail", () => {
  const cases: Array<{ rule: ValidationRule; self: unknown; want: Partial<EvalResult> }> = [
    { rule: { rule: "self.replicas >= 0" }, self: { replicas: -1 }, want: { status: "failed", message: "failed rule: self.replicas >= 0", reason: "FieldValueInvalid" } },
    { rule: { rule: "self.replicas >= 0", message: "replicas must be non-negative" }, self: { replicas: -1 }, want: { message: "replicas must be non-negative" } },
    {
      rule: { rule: "self.minReplicas <= self.maxReplicas", messageExpression: "'minReplicas (' + string(self.minReplicas) + ') must not exceed maxReplicas (' + string(self.maxReplicas) + ')'" },
      self: { minReplicas: 5, maxReplicas: 2 },
      want: { message: "minReplicas (5) must not exceed maxReplicas (2)" },
    },
    {
      rule: { rule: "self.replicas < 10", message: "too many", messageExpression: "'have ' + string(self.name.size())" },
      self: { replicas: 11 },
      want: { message: "too many" }, // messageExpression errors (no such key) fall back to message
    },
    { rule: { rule: "self.replicas < 10", messageExpression: "''" }, self: { replicas: 11 }, want: { message: "failed rule: self.replicas < 10" } },
    {
      rule: { rule: "self.containers.all(c, c.name != 'bad')", reason: "FieldValueForbidden", fieldPath: ".containers" },
      self: { containers: [{ name: "bad" }] },
      want: { status: "failed", reason: "FieldValueForbidden", fieldPath: ".containers" },
    },
    { rule: { rule: "self.name.matches('^[a-z]+$')", reason: "FieldValueRequired" }, self: { name: "Web" }, want: { reason: "FieldValueRequired" } },
    { rule: { rule: "quantity(self.memory).isLessThan(quantity(self.limit))" }, self: { memory: "2Gi", limit: "1Gi" }, want: { status: "failed" } },
  ];
  it.each(cases)("$rule.rule", ({ rule, self, want }) => {
    expect(run(rule, self)).toMatchObject({ status: "failed", ...want });
  });

  it("reports evaluation errors (missing field, bad quantity)", () => {
    expect(run("self.replicas > 0", {})).toMatchObject({ status: "error", message: "no such key: replicas evaluating rule: self.replicas > 0" });
    expect(run("self.port > 1", { port: "http" })).toMatchObject({
      status: "error",
      message: "'found no matching overload for '_>_' applied to '(string, int)'': call arguments did not match a supported operator, function or macro signature for rule: self.port > 1",
    });
    expect(run("quantity(self.memory).isInteger()", { memory: "lots" })).toMatchObject({ status: "error" });
    expect(run("[].min() == 1", {})).toMatchObject({ status: "error", message: expect.stringContaining("empty list") });
    // RE2 syntax: no backreferences
    expect(run("'aa'.find('(a)\\\\1') == 'aa'", {})).toMatchObject({ status: "error" });
  });
});

describe("transition rules", () => {
  const rule = { rule: "self == oldSelf", message: "Value is immutable" };
  const s: CelSchema = { type: "string" };
  it("are detected", () => {
    expect(compile(rule, s).isTransition).toBe(true);
    expect(compile("self.size() > 0", s).isTransition).toBe(false);
    // a comprehension variable named oldSelf shadows the global one
    expect(compile("['a'].all(oldSelf, oldSelf == 'a')", s).isTransition).toBe(false);
  });
  it.each([
    ["create (no oldSelf) is skipped", "a", undefined, "ok"],
    ["unchanged", "a", "a", "ok"],
    ["changed", "b", "a", "failed"],
  ] as const)("%s", (_n, self, old, status) => {
    const r = evaluate(compile(rule, s), self, old, {});
    expect(r.status).toBe(status);
    if (old === undefined) expect(r).toMatchObject({ skipped: true });
    if (r.status === "failed") expect(r.message).toBe("Value is immutable");
  });
  it("compares objects deeply", () => {
    const c = compile({ rule: "self.containers == oldSelf.containers || self.replicas == 0" });
    expect(evaluate(c, obj, obj, {}).status).toBe("ok");
    expect(evaluate(c, obj, { ...obj, containers: [{ name: "app", image: "app:2" }] }, {}).status).toBe("failed");
  });
  it("with optionalOldSelf run on create too", () => {
    const c = compile({ rule: "!oldSelf.hasValue() || self >= oldSelf.value()", optionalOldSelf: true }, { type: "integer" });
    expect(evaluate(c, 1, undefined, {})).toMatchObject({ status: "ok" });
    expect(evaluate(c, 1, undefined, {})).not.toHaveProperty("skipped");
    expect(evaluate(c, 1, 2, {}).status).toBe("failed");
    expect(evaluate(c, 3, 2, {}).status).toBe("ok");
    const d = compile({ rule: "self >= oldSelf.orValue(0)", optionalOldSelf: true }, { type: "integer" });
    expect(evaluate(d, 1, undefined, {}).status).toBe("ok");
  });
});

describe("compile errors", () => {
  const cases: Array<[string, ValidationRule, CelSchema, string]> = [
    ["undefined field", { rule: "self.foo > 1" }, spec, "compilation failed: ERROR: <input>:1:5: undefined field 'foo'\n | self.foo > 1\n | ....^"],
    ["undeclared reference", { rule: "foo == 1" }, spec, "compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')"],
    ["unknown function", { rule: "self.name.frobnicate()" }, spec, "undeclared reference to 'frobnicate' (in container '')"],
    ["no matching overload", { rule: "self.replicas.startsWith('a')" }, spec, "found no matching overload for 'startsWith' applied to 'int.(string)'"],
    ["field selection on scalar", { rule: "self.replicas.x == 1" }, spec, "type 'int' does not support field selection"],
    ["syntax", { rule: "self.replicas >" }, spec, "compilation failed: ERROR: <input>:1:"],
    ["not a bool", { rule: "self.replicas + 1" }, spec, "cel expression must evaluate to a bool"],
    ["nested field", { rule: "self.containers.all(c, c.nme != '')" }, spec, "undefined field 'nme'"],
    ["messageExpression", { rule: "true", messageExpression: "self.nope" }, spec, "messageExpression compilation failed: ERROR: <input>:1:5: undefined field 'nope'"],
    ["messageExpression type", { rule: "true", messageExpression: "1 + 2" }, spec, "must evaluate to a string"],
    ["empty rule", { rule: " " }, spec, "rule is not specified"],
    ["message line break", { rule: "true", message: "a\nb" }, spec, "message must not contain line breaks"],
    ["optionalOldSelf without oldSelf", { rule: "self > 0", optionalOldSelf: true }, { type: "integer" }, "may not be set to true"],
    ["multi-line position", { rule: "self.replicas > 0 &&\n  self.bogus" }, spec, "ERROR: <input>:2:7: undefined field 'bogus'"],
  ];
  it.each(cases)("%s", (_n, rule, schema, message) => {
    const c = compileValidationRule(rule, schema);
    expect(c.kind).toBe("error");
    if (c.kind === "error") expect(c.message).toContain(message);
  });
  it("preserve-unknown-fields objects accept any field", () => {
    expect(compileValidationRule({ rule: "self.config.anything.goes == 1" }, spec).kind).toBe("compiled");
  });
});

describe("cost limits", () => {
  const bigList: CelSchema = { type: "object", properties: { a: { type: "array", items: { type: "integer" } } } };
  const big = { a: Array.from({ length: 400 }, (_, i) => i) };
  const nested = "self.a.all(x, self.a.all(y, self.a.all(z, x + y + z >= 0)))";

  it("rejects a rule whose estimated cost exceeds the static limit (unbounded lists)", () => {
    const c = compileValidationRule({ rule: nested }, bigList);
    expect(c).toMatchObject({ kind: "error", type: "Forbidden", message: expect.stringContaining("estimated rule cost exceeds budget by factor of") });
    // a single pass over an unbounded list is within budget, as upstream
    expect(compileValidationRule({ rule: "self.a.all(x, x >= 0)" }, bigList).kind).toBe("compiled");
    // maxItems brings the nested rule within budget
    const bounded: CelSchema = { type: "object", properties: { a: { type: "array", maxItems: 10, items: { type: "integer" } } } };
    expect(compileValidationRule({ rule: nested }, bounded).kind).toBe("compiled");
  });

  it("stops an expensive rule at the per-call limit quickly", () => {
    const c = compileValidationRule({ rule: nested }, bigList, { staticCostLimit: Infinity });
    if (c.kind === "error") throw new Error(c.message);
    const t0 = performance.now();
    const r = evaluate(c, big, undefined, { deadlineMs: 10_000 });
    const ms = performance.now() - t0;
    expect(r).toMatchObject({
      status: "error",
      exceeded: "call",
      stop: true,
      message: `'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${nested}`,
    });
    expect(r.cost).toBeGreaterThan(PerCallLimit);
    expect(ms).toBeLessThan(3000);
  });

  it("stops at the wall-clock deadline", () => {
    const c = compileValidationRule({ rule: nested, message: "too slow" }, bigList, { staticCostLimit: Infinity });
    if (c.kind === "error") throw new Error(c.message);
    const t0 = performance.now();
    const r = evaluate(c, big, undefined, { costLimit: Infinity, deadlineMs: 30 });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r).toMatchObject({ status: "error", exceeded: "deadline", message: expect.stringContaining("for rule: too slow") });
  });

  it("shares a per-request budget across rules", () => {
    const c = compileValidationRule({ rule: "self.a.all(x, self.a.all(y, x + y >= 0))" }, bigList, { staticCostLimit: Infinity });
    if (c.kind === "error") throw new Error(c.message);
    const budget = { remaining: 1_000_000 };
    const first = evaluate(c, big, undefined, { budget, deadlineMs: 10_000 });
    expect(first.status).toBe("ok");
    const second = evaluate(c, big, undefined, { budget, deadlineMs: 10_000 });
    expect(second).toMatchObject({ status: "error", exceeded: "budget", message: "validation failed due to running out of cost budget, no further validation rules will be run" });
    expect(evaluate(c, big, undefined, { budget })).toMatchObject({ status: "error", exceeded: "budget", cost: 0 });
  });

  it("honours an absolute per-request deadline", () => {
    const c = compileValidationRule({ rule: nested }, bigList, { staticCostLimit: Infinity });
    if (c.kind === "error") throw new Error(c.message);
    const r = evaluate(c, big, undefined, { costLimit: Infinity, deadlineAt: performance.now() + 20 });
    expect(r).toMatchObject({ status: "error", exceeded: "deadline", stop: true });
  });

  it("charges library functions by input size", () => {
    const c = compile({ rule: "self.a.all(x, self.a.sum() > -1)" }, { type: "object", properties: { a: { type: "array", maxItems: 400, items: { type: "integer" } } } });
    const r = evaluate(c, big, undefined, { costLimit: 50_000 });
    expect(r).toMatchObject({ status: "error", exceeded: "call" });
  });

  it("an error swallowed by || still reports the exceeded cost", () => {
    const c = compileValidationRule({ rule: `true || ${nested}` }, bigList, { staticCostLimit: Infinity });
    if (c.kind === "error") throw new Error(c.message);
    // `true || …` short-circuits, so nothing expensive runs
    expect(evaluate(c, big, undefined, {}).status).toBe("ok");
    const d = compileValidationRule({ rule: `${nested} || true` }, bigList, { staticCostLimit: Infinity });
    if (d.kind === "error") throw new Error(d.message);
    // the per-call limit or the default 100 ms deadline, whichever comes first on this machine
    expect(evaluate(d, big, undefined, {})).toMatchObject({ status: "error", exceeded: expect.stringMatching(/^(call|deadline)$/) });
  });
});
