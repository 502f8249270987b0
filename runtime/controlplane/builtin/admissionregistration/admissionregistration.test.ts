import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString } from "../../../core/validation.js";
import { admissionRegistrationResources, mutatingWebhookConfigurationResource as mutating, validatingWebhookConfigurationResource as validating } from "./index.js";

const config = (kind: string, webhooks: unknown[]): KubeObject => ({ apiVersion: "admissionregistration.k8s.io/v1", kind, metadata: { name: "cfg" }, webhooks });

const hook = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: "hook.example.com",
  clientConfig: { service: { namespace: "ns", name: "svc" } },
  rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods", "pods/status"] }],
  sideEffects: "None",
  admissionReviewVersions: ["v1"],
  ...extra,
});

const errors = (def: typeof mutating, obj: KubeObject): string[] => {
  def.strategy?.default?.(obj);
  return (def.strategy?.validate?.(obj) ?? []).map(fieldErrorString);
};

describe("admissionregistration.k8s.io/v1 webhook configurations", () => {
  it("are cluster-scoped kinds of their group", () => {
    expect(admissionRegistrationResources.map((r) => [r.group, r.version, r.names.plural, r.names.kind, r.namespaced])).toEqual([
      ["admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false],
      ["admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false],
    ]);
  });

  it("default as v1 does", () => {
    const m = config("MutatingWebhookConfiguration", [hook()]);
    mutating.strategy?.default?.(m);
    expect((m["webhooks"] as unknown[])[0]).toEqual({
      ...hook(),
      clientConfig: { service: { namespace: "ns", name: "svc", port: 443 } },
      rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods", "pods/status"], scope: "*" }],
      failurePolicy: "Fail",
      matchPolicy: "Equivalent",
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
      reinvocationPolicy: "Never",
    });
    const v = config("ValidatingWebhookConfiguration", [hook()]);
    validating.strategy?.default?.(v);
    expect((v["webhooks"] as Record<string, unknown>[])[0]?.["reinvocationPolicy"]).toBeUndefined();
  });

  it("accepts a valid configuration", () => {
    expect(errors(mutating, config("MutatingWebhookConfiguration", [hook(), hook({ name: "other.example.com", clientConfig: { url: "https://host:8443/path" }, reinvocationPolicy: "IfNeeded" })]))).toEqual([]);
    expect(errors(validating, config("ValidatingWebhookConfiguration", [hook({ rules: [{ operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"], scope: "Namespaced" }] })]))).toEqual([]);
  });

  it("reports upstream's field errors", () => {
    const errs = errors(
      mutating,
      config("MutatingWebhookConfiguration", [
        hook({ name: "nodots", sideEffects: undefined, admissionReviewVersions: [], timeoutSeconds: 0, failurePolicy: "Maybe", reinvocationPolicy: "Always", clientConfig: { url: "https://u:p@host/x#frag" } }),
        hook({ sideEffects: "Unknown", clientConfig: { service: { namespace: "", name: "", port: 0, path: "/a//b" } }, rules: [{ operations: ["CREATE", "*"], apiGroups: [], apiVersions: ["*", "v1"], resources: ["*", "pods", "pods/*", "pods/status"], scope: "Everywhere" }] }),
        hook({ name: "hook.example.com", clientConfig: {}, admissionReviewVersions: ["v1", "v1"], namespaceSelector: { matchLabels: { "bad key!": "x" } } }),
      ]),
    );
    expect(errs).toEqual([
      'webhooks[0].name: Invalid value: "nodots": should be a domain with at least three segments separated by dots',
      'webhooks[0].failurePolicy: Unsupported value: "Maybe": supported values: "Fail", "Ignore"',
      "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun",
      "webhooks[0].timeoutSeconds: Invalid value: 0: the timeout value must be between 1 and 30 seconds",
      "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1",
      'webhooks[0].reinvocationPolicy: Unsupported value: "Always": supported values: "IfNeeded", "Never"',
      'webhooks[0].clientConfig.url: Invalid value: "u:p": user information is not permitted in the URL',
      'webhooks[0].clientConfig.url: Invalid value: "frag": fragments are not permitted in the URL',
      'webhooks[1].rules[0].operations: Invalid value: ["CREATE","*"]: if \'*\' is present, must not specify other operations',
      "webhooks[1].rules[0].apiGroups: Required value",
      'webhooks[1].rules[0].apiVersions: Invalid value: ["*","v1"]: if \'*\' is present, must not specify other API versions',
      'webhooks[1].rules[0].resources[3]: Invalid value: "pods/status": if \'pods/*\' is present, must not specify pods/status',
      'webhooks[1].rules[0].resources: Invalid value: ["*","pods","pods/*","pods/status"]: if \'*\' is present, must not specify other resources without subresources',
      'webhooks[1].rules[0].scope: Unsupported value: "Everywhere": supported values: "*", "Cluster", "Namespaced"',
      'webhooks[1].sideEffects: Unsupported value: "Unknown": supported values: "None", "NoneOnDryRun"',
      "webhooks[1].clientConfig.service.name: Required value: service name is required",
      "webhooks[1].clientConfig.service.namespace: Required value: service namespace is required",
      "webhooks[1].clientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive",
      'webhooks[1].clientConfig.service.path: Invalid value: "/a//b": segment[1] may not be empty',
      expect.stringContaining("webhooks[2].namespaceSelector.matchLabels: Invalid value: \"bad key!\""),
      'webhooks[2].admissionReviewVersions[1]: Invalid value: "v1": duplicate version',
      "webhooks[2].clientConfig: Required value: exactly one of url or service is required",
      'webhooks[2].name: Duplicate value: "hook.example.com"',
    ]);
  });

  it("prints NAME, WEBHOOKS, AGE", () => {
    const obj = config("ValidatingWebhookConfiguration", [hook(), hook({ name: "b.example.com" })]);
    obj.metadata.creationTimestamp = "2024-05-01T11:55:00Z";
    expect(validating.table?.columns.map((c) => c.name)).toEqual(["Name", "Webhooks", "Age"]);
    expect(validating.table?.cells(obj, new Date("2024-05-01T12:00:00Z"))).toEqual(["cfg", 2, "5m"]);
  });
});
