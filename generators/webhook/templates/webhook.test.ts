/** The <%= kind %> webhooks' logic, called directly (the API server's side is exercised by "kubeforge run"). */
import { describe, expect, it } from "vitest";
import type { AdmissionRequest } from "kubeforge/webhook";
import { <%= lowerKind %>Type, type <%= kind %> } from "<%= typesImportFromTest %>";
import { <%= [defaulting && `${lowerKind}Defaulter`, validation && `${lowerKind}Validator`, conversion && `${lowerKind}Converter`].filter(Boolean).join(", ") %> } from "./<%= fileBase %>.webhook.js";

const request = { uid: "test", operation: "CREATE" } as AdmissionRequest;
const sample = (spec: <%= kind %>["spec"]): <%= kind %> => ({ ...<%= lowerKind %>Type, metadata: { name: "sample" }, spec });

describe("<%= kind %> webhooks", () => {
<% if (defaulting) { -%>
  it("defaults spec.foo", async () => {
    const obj = sample({});
    await <%= lowerKind %>Defaulter.default(obj, request);
    expect(obj.spec?.foo).toBe("default");
  });
<% } -%>
<% if (validation) { -%>
  it("rejects a forbidden spec.foo and accepts others", async () => {
    await expect(async () => <%= lowerKind %>Validator.validateCreate?.(sample({ foo: "forbidden" }), request)).rejects.toThrow('spec.foo: "forbidden" is not allowed');
    expect(await <%= lowerKind %>Validator.validateCreate?.(sample({ foo: "ok" }), request)).toEqual([]);
  });
<% } -%>
<% if (conversion) { -%>
  it("converts to a spoke version", async () => {
    const out = await <%= lowerKind %>Converter(sample({ foo: "x" }), "<%= fullGroup %>/<%= spokes[0] %>");
    expect(out.apiVersion).toBe("<%= fullGroup %>/<%= spokes[0] %>");
  });
<% } -%>
});
