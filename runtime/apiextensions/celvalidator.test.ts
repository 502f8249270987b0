import { describe, expect, it } from "vitest";
import { fieldErrorString } from "../core/validation.js";
import { compileSchemaRules, type RuleNode } from "./celrules.js";
import { validateRules } from "./celvalidator.js";
import type { JSONSchemaProps } from "./schema.js";

function tree(schema: JSONSchemaProps): RuleNode {
  const c = compileSchemaRules(schema);
  if (c.errors.length > 0) throw new Error(c.errors.map(fieldErrorString).join("\n"));
  if (!c.root) throw new Error("no rules");
  return c.root;
}

const schema: JSONSchemaProps = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      "x-kubernetes-validations": [
        { rule: "self.min <= self.max", messageExpression: "'min (' + string(self.min) + ') must not exceed max (' + string(self.max) + ')'" },
        { rule: "!has(self.mode) || self.mode != 'legacy'", reason: "FieldValueForbidden", fieldPath: ".mode", message: "legacy mode is gone" },
        { rule: "has(self.owner)", reason: "FieldValueRequired", fieldPath: ".owner", message: "owner is required" },
        { rule: "self.min != 13", reason: "FieldValueDuplicate" },
        { rule: "self.max < 1000", message: "max too big", messageExpression: "'max is ' + string(self.max) + ' in mode ' + self.mode" },
      ],
      properties: {
        min: { type: "integer" },
        max: { type: "integer" },
        mode: { type: "string", maxLength: 10 },
        owner: { type: "string", maxLength: 10 },
        id: { type: "string", maxLength: 10, "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "id is immutable" }] },
        name: { type: "string", maxLength: 10, "x-kubernetes-validations": [{ rule: "self.size() > 1" }] },
        ports: {
          type: "array",
          maxItems: 10,
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
          items: {
            type: "object",
            required: ["name"],
            properties: { name: { type: "string", maxLength: 10 }, port: { type: "integer" } },
            "x-kubernetes-validations": [{ rule: "self.port == oldSelf.port", message: "port of a named entry is immutable" }],
          },
        },
        labels: { type: "object", maxProperties: 5, additionalProperties: { type: "string", maxLength: 10, "x-kubernetes-validations": [{ rule: "self != 'x'" }] } },
      },
    },
  },
};

const ok = { apiVersion: "g/v1", kind: "K", metadata: { name: "a", labels: { x: "y" } }, spec: { min: 1, max: 2, owner: "me", id: "i1", name: "nm", ports: [{ name: "http", port: 80 }], labels: { a: "b" } } };

function run(obj: unknown, old?: unknown): string[] {
  return validateRules(tree(schema), obj, old).map(fieldErrorString);
}

function withSpec(patch: Record<string, unknown>): typeof ok {
  return { ...ok, spec: { ...ok.spec, ...patch } };
}

describe("evaluating rules on a custom resource", () => {
  it("passes a valid object", () => {
    expect(run(ok)).toEqual([]);
    expect(run(ok, ok)).toEqual([]);
  });

  it("reports messageExpression, reason and fieldPath as upstream", () => {
    expect(run(withSpec({ min: 5, max: 3 }))).toEqual(['spec: Invalid value: "object": min (5) must not exceed max (3)']);
    expect(run(withSpec({ mode: "legacy" }))).toEqual(["spec.mode: Forbidden: legacy mode is gone"]);
    expect(run({ ...ok, spec: { min: 1, max: 2 } })).toEqual(["spec.owner: Required value: owner is required"]);
    expect(run(withSpec({ min: 13, max: 20 }))).toEqual(['spec: Duplicate value: "object"']);
    expect(run(withSpec({ name: "n" }))).toEqual(['spec.name: Invalid value: "string": failed rule: self.size() > 1']);
    expect(run(withSpec({ labels: { a: "x" } }))).toEqual(['spec.labels[a]: Invalid value: "string": failed rule: self != \'x\'']);
  });

  it("falls back to the message when messageExpression fails at run time", () => {
    expect(run(withSpec({ max: 2000 }))).toEqual(['spec: Invalid value: "object": max too big']);
    expect(run(withSpec({ max: 2000, mode: "fast" }))).toEqual(['spec: Invalid value: "object": max is 2000 in mode fast']);
  });

  it("runs transition rules only on update, with a correlated old value", () => {
    expect(run(withSpec({ id: "i2" }))).toEqual([]);
    expect(run(withSpec({ id: "i2" }), ok)).toEqual(['spec.id: Invalid value: "string": id is immutable']);
    // the field was unset before: no old value, no transition rule
    const { id: _id, ...noID } = ok.spec;
    expect(run(withSpec({ id: "i2" }), { ...ok, spec: noID })).toEqual([]);
  });

  it("correlates list-type=map items by key, not by index", () => {
    const old = withSpec({ ports: [{ name: "http", port: 80 }, { name: "https", port: 443 }] });
    expect(run(withSpec({ ports: [{ name: "https", port: 443 }, { name: "http", port: 80 }] }), old)).toEqual([]);
    expect(run(withSpec({ ports: [{ name: "https", port: 8443 }, { name: "new", port: 1 }] }), old)).toEqual(['spec.ports[0]: Invalid value: "object": port of a named entry is immutable']);
  });

  it("ratchets: an unchanged invalid value stays accepted by rules without oldSelf", () => {
    const bad = withSpec({ name: "n" });
    expect(run(bad, bad)).toEqual([]);
    expect(run(withSpec({ name: "m" }), bad)).toEqual(['spec.name: Invalid value: "string": failed rule: self.size() > 1']);
  });

  it("lets root rules read metadata.name", () => {
    const t = tree({ type: "object", properties: { spec: { type: "object" } }, "x-kubernetes-validations": [{ rule: "self.metadata.name.startsWith('ok-')", message: "bad name" }] });
    expect(validateRules(t, { metadata: { name: "ok-1", labels: { a: "b" } }, spec: {} }, undefined)).toEqual([]);
    expect(validateRules(t, { metadata: { name: "x" }, spec: {} }, undefined).map(fieldErrorString)).toEqual(['Invalid value: "object": bad name']);
  });

  it("stops when the request's cost budget runs out", () => {
    const s: JSONSchemaProps = {
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: { list: { type: "array", maxItems: 2000, items: { type: "integer" } } },
          "x-kubernetes-validations": [{ rule: "self.list.all(x, x >= 0)" }, { rule: "self.list.all(x, x < 1000000)" }],
        },
        other: { type: "string", maxLength: 5, "x-kubernetes-validations": [{ rule: "self == 'never'" }] },
      },
    };
    const obj = { spec: { list: Array.from({ length: 2000 }, (_, i) => i) }, other: "x" };
    expect(validateRules(tree(s), obj, undefined).map(fieldErrorString)).toEqual(['other: Invalid value: "string": failed rule: self == \'never\'']);
    const errs = validateRules(tree(s), obj, undefined, { budget: 5000 }).map(fieldErrorString);
    expect(errs).toEqual(['spec: Invalid value: "object": validation failed due to running out of cost budget, no further validation rules will be run']);
  });
});
