import { describe, expect, it } from "vitest";
import { fieldErrorString } from "../core/validation.js";
import { compileSchemaRules, goValidationRule, validateSchemaRules, validFieldPath } from "./celrules.js";
import type { JSONSchemaProps } from "./schema.js";

const base = "spec.versions[0].schema.openAPIV3Schema";

function root(spec: JSONSchemaProps): JSONSchemaProps {
  return { type: "object", properties: { spec } };
}

function errs(schema: JSONSchemaProps): string[] {
  return validateSchemaRules(schema, base).map(fieldErrorString);
}

const spec: JSONSchemaProps = {
  type: "object",
  properties: {
    replicas: { type: "integer" },
    name: { type: "string", maxLength: 64 },
    labels: { type: "object", maxProperties: 10, additionalProperties: { type: "string", maxLength: 64 } },
    items: { type: "array", maxItems: 10, items: { type: "object", properties: { name: { type: "string" } } } },
  },
};

describe("CRD-time checks of x-kubernetes-validations", () => {
  it("accepts valid rules and builds a tree of the nodes with rules", () => {
    const s = root({ ...spec, "x-kubernetes-validations": [{ rule: "self.replicas >= 0" }] });
    expect(errs(s)).toEqual([]);
    const { root: tree } = compileSchemaRules(s);
    expect(tree?.properties?.get("spec")?.rules).toHaveLength(1);
    expect(tree?.rules).toHaveLength(0);
  });

  it("reports compile errors at the rule with the rule as Go prints it", () => {
    const s = root({ ...spec, "x-kubernetes-validations": [{ rule: "self.replicas >= 0" }, { rule: "self.foo > 1" }] });
    expect(errs(s)).toEqual([
      `${base}.properties[spec].x-kubernetes-validations[1].rule: Invalid value: ${JSON.stringify(goValidationRule({ rule: "self.foo > 1" }))}: compilation failed: ERROR: <input>:1:5: undefined field 'foo'\n | self.foo > 1\n | ....^`,
    ]);
    expect(goValidationRule({ rule: "self.foo > 1" })).toBe(
      'apiextensions.ValidationRule{Rule:"self.foo > 1", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}',
    );
  });

  it("reports messageExpression compile errors at messageExpression", () => {
    const s = root({ ...spec, "x-kubernetes-validations": [{ rule: "true", messageExpression: "self.nope" }] });
    expect(errs(s)[0]).toMatch(/^spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.messageExpression: Invalid value: .*messageExpression compilation failed: ERROR: <input>:1:5: undefined field 'nope'/);
  });

  it("checks message, reason and fieldPath before compiling", () => {
    const s = root({
      ...spec,
      "x-kubernetes-validations": [
        { rule: " " },
        { rule: "true", message: "a\nb" },
        { rule: "true", reason: "FieldValueBogus" },
        { rule: "true", fieldPath: ".nope" },
        { rule: "true", fieldPath: "replicas" },
        { rule: "self.replicas >\n 0" },
        { rule: "true", messageExpression: "  " },
      ],
    });
    const p = `${base}.properties[spec].x-kubernetes-validations`;
    expect(errs(s)).toEqual([
      `${p}[0].rule: Required value: rule is not specified`,
      `${p}[1].message: Invalid value: "a\\nb": message must not contain line breaks`,
      `${p}[2].reason: Unsupported value: "FieldValueBogus": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`,
      `${p}[3].fieldPath: Invalid value: ".nope": fieldPath must be a valid path: does not refer to a valid field`,
      `${p}[4].fieldPath: Invalid value: "replicas": fieldPath must be a valid path: expected [ or . but got: replicas`,
      `${p}[5].message: Required value: message must be specified if rule contains line breaks`,
      `${p}[6].messageExpression: Required value: messageExpression must be non-empty if specified`,
    ]);
  });

  it("validates field paths against the schema", () => {
    expect(validFieldPath(".replicas", spec)).toEqual({ path: "replicas" });
    expect(validFieldPath(".labels.app", spec)).toEqual({ path: "labels[app]" });
    expect(validFieldPath("['labels']['a.b']", spec)).toEqual({ path: "labels[a.b]" });
    expect(validFieldPath(".items[0]", spec)).toEqual({ error: "expected single quoted string but got 0" });
    expect(validFieldPath(".name.x", spec)).toEqual({ error: "does not refer to a valid field" });
    expect(validFieldPath(".", spec)).toEqual({ error: "unexpected end of JSON path" });
  });

  it("rejects a rule whose estimated cost exceeds the per-expression limit", () => {
    const s = root({
      type: "object",
      properties: { list: { type: "array", items: { type: "string" } } },
      "x-kubernetes-validations": [{ rule: "self.list.all(x, self.list.all(y, x == y || x != y))" }],
    });
    const e = errs(s);
    expect(e[0]).toBe(
      `${base}.properties[spec].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`,
    );
    // and the schema total, with the expression that contributed to it
    expect(e).toContain(`${base}.properties[spec].x-kubernetes-validations[0].rule: Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema`);
    expect(e.at(-1)).toMatch(/^spec\.versions\[0\]\.schema\.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of/);
  });

  it("multiplies a rule's cost by how often it can run (rules under unbounded lists)", () => {
    const item = (rule: string): JSONSchemaProps => ({ type: "object", properties: { tags: { type: "array", maxItems: 100, items: { type: "string", maxLength: 10 } } }, "x-kubernetes-validations": [{ rule }] });
    const rule = "self.tags.all(t, self.tags.exists(u, u == t))";
    expect(errs(root({ type: "object", properties: { list: { type: "array", maxItems: 10, items: item(rule) } } }))).toEqual([]);
    const unbounded = errs(root({ type: "object", properties: { list: { type: "array", items: item(rule) } } }));
    expect(unbounded[0]).toContain(".items.x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of");
  });

  it("forbids oldSelf below lists that do not correlate", () => {
    const s = root({
      type: "object",
      properties: {
        set: { type: "array", maxItems: 5, items: { type: "string", maxLength: 5, "x-kubernetes-validations": [{ rule: "self == oldSelf" }] } },
        map: {
          type: "array",
          maxItems: 5,
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
          items: { type: "object", required: ["name"], properties: { name: { type: "string", maxLength: 5 }, v: { type: "string", maxLength: 5 } }, "x-kubernetes-validations": [{ rule: "self.v == oldSelf.v" }] },
        },
      },
    });
    expect(errs(s)).toEqual([
      `${base}.properties[spec].properties[set].items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within openAPIV3Schema.properties[spec].properties[set].items`,
    ]);
  });

  it("lets root rules see apiVersion, kind and metadata.name", () => {
    const s: JSONSchemaProps = { type: "object", properties: { spec }, "x-kubernetes-validations": [{ rule: "self.metadata.name.startsWith('a') && self.kind != ''" }] };
    expect(errs(s)).toEqual([]);
    const bad: JSONSchemaProps = { ...s, "x-kubernetes-validations": [{ rule: "self.metadata.labels.size() > 0" }] };
    expect(errs(bad)[0]).toContain("undefined field 'labels'");
  });

  it("compiles a schema once", () => {
    const s = root({ ...spec, "x-kubernetes-validations": [{ rule: "self.replicas >= 1" }] });
    expect(compileSchemaRules(s)).toBe(compileSchemaRules(structuredClone(s)));
  });
});
