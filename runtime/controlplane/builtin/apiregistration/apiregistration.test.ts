import { describe, expect, it } from "vitest";
import { AdmissionChain } from "../../../apiserver/admission/types.js";
import { Store, type RequestContext } from "../../../apiserver/registry/store.js";
import { toStatusError } from "../../../core/errors.js";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString } from "../../../core/validation.js";
import { MemoryBackend } from "../../../storage/memory.js";
import { apiServiceResource, apiServiceTable, validateAPIService, validateAPIServiceStatus } from "./index.js";

const apiService = (name: string, spec: Record<string, unknown>, status?: unknown): KubeObject => ({
  apiVersion: "apiregistration.k8s.io/v1",
  kind: "APIService",
  metadata: { name },
  spec,
  ...(status === undefined ? {} : { status }),
});

const remote = { group: "wardle.example.com", version: "v1alpha1", groupPriorityMinimum: 2000, versionPriority: 10, service: { namespace: "wardle", name: "api" } };
const errors = (obj: KubeObject): string[] => {
  apiServiceResource.strategy?.default?.(obj);
  return validateAPIService(obj).map(fieldErrorString);
};

const ctx: RequestContext = { namespace: "", user: { username: "admin", groups: ["system:masters"] }, dryRun: false, warnings: [] };

function store(): Store {
  return new Store(apiServiceResource, new MemoryBackend().forResource("apiregistration.k8s.io/apiservices"), new AdmissionChain());
}

describe("apiregistration.k8s.io/v1 APIService", () => {
  it("is a cluster-scoped kind with a status subresource in the api-extensions category", () => {
    expect([apiServiceResource.group, apiServiceResource.version, apiServiceResource.names.plural, apiServiceResource.namespaced, apiServiceResource.statusSubresource]).toEqual(["apiregistration.k8s.io", "v1", "apiservices", false, true]);
    expect(apiServiceResource.names.categories).toEqual(["api-extensions"]);
  });

  it("accepts a valid remote APIService and defaults the service port to 443", () => {
    const obj = apiService("v1alpha1.wardle.example.com", structuredClone(remote));
    expect(errors(obj)).toEqual([]);
    expect((obj["spec"] as { service: unknown }).service).toEqual({ namespace: "wardle", name: "api", port: 443 });
    const local = apiService("v1.apps", { group: "apps", version: "v1", groupPriorityMinimum: 17800, versionPriority: 15 });
    expect(errors(local)).toEqual([]);
    expect((local["spec"] as { service: unknown }).service).toBeNull();
  });

  it("reports upstream's messages: name rule, group, version, priorities", () => {
    expect(errors(apiService("wardle", { ...structuredClone(remote), groupPriorityMinimum: 0, versionPriority: 1001 }))).toEqual([
      'metadata.name: Invalid value: "wardle": must be `spec.version+"."+spec.group`: "v1alpha1.wardle.example.com"',
      "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000",
      "spec.versionPriority: Invalid value: 1001: must be positive and less than 1000",
    ]);
    expect(errors(apiService("v2.", { group: "", version: "v2", groupPriorityMinimum: 1, versionPriority: 1 }))).toEqual(["spec.group: Required value: only v1 may have an empty group and it better be legacy kube"]);
    expect(errors(apiService("v1.", { group: "", version: "v1", groupPriorityMinimum: 20000, versionPriority: 1000 }))).toEqual([]);
    expect(errors(apiService("V1.Bad_Group", { group: "Bad_Group", version: "V1", groupPriorityMinimum: 1, versionPriority: 1 }))).toEqual([
      `spec.group: Invalid value: "Bad_Group": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      `spec.version: Invalid value: "V1": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ]);
  });

  it("rejects caBundle and insecureSkipTLSVerify on local APIServices, and their combination on remote ones", () => {
    const caBundle = Buffer.from("-----BEGIN CERTIFICATE-----\n").toString("base64");
    expect(errors(apiService("v1.apps", { group: "apps", version: "v1", groupPriorityMinimum: 1, versionPriority: 1, caBundle, insecureSkipTLSVerify: true }))).toEqual([
      'spec.caBundle: Invalid value: "28 bytes": local APIServices may not have a caBundle',
      "spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify",
    ]);
    expect(errors(apiService("v1alpha1.wardle.example.com", { ...structuredClone(remote), caBundle, insecureSkipTLSVerify: true }))).toEqual(["spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present"]);
    expect(errors(apiService("v1alpha1.wardle.example.com", { ...structuredClone(remote), service: {} }))).toEqual(["spec.service.namespace: Required value", "spec.service.name: Required value"]);
  });

  it("validates condition statuses on status writes", () => {
    const bad = apiService("v1.apps", {}, { conditions: [{ type: "Available", status: "Maybe" }] });
    expect(validateAPIServiceStatus(bad).map(fieldErrorString)).toEqual(['status.conditions[0].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown"']);
  });

  it("resets the status on create; a local APIService is Available with reason Local at once", async () => {
    const s = store();
    const local = await s.create(ctx, apiService("v1.apps", { group: "apps", version: "v1", groupPriorityMinimum: 17800, versionPriority: 15 }, { conditions: [{ type: "Available", status: "False" }] }));
    expect(local["status"]).toEqual({ conditions: [{ type: "Available", status: "True", lastTransitionTime: expect.any(String), reason: "Local", message: "Local APIServices are always available" }] });
    const rem = await s.create(ctx, apiService("v1alpha1.wardle.example.com", structuredClone(remote), { conditions: [{ type: "Available", status: "True" }] }));
    expect(rem["status"]).toEqual({});
    const err = await s.create(ctx, apiService("x", structuredClone(remote))).catch((e: unknown) => toStatusError(e));
    expect(err).toMatchObject({ status: { code: 422, reason: "Invalid", message: 'APIService.apiregistration.k8s.io "x" is invalid: metadata.name: Invalid value: "x": must be `spec.version+"."+spec.group`: "v1alpha1.wardle.example.com"' } });
  });

  it("keeps the spec on status writes and the status on spec writes", async () => {
    const s = store();
    const created = await s.create(ctx, apiService("v1alpha1.wardle.example.com", structuredClone(remote)));
    const afterStatus = await s.update(ctx, "v1alpha1.wardle.example.com", (cur) => ({ ...(cur ?? created), spec: { ...remote, groupPriorityMinimum: 5 }, status: { conditions: [{ type: "Available", status: "False", reason: "ServiceNotFound" }] } }), { subresource: "status" });
    expect(afterStatus.object["spec"]).toMatchObject({ groupPriorityMinimum: 2000 });
    expect(afterStatus.object["status"]).toEqual({ conditions: [{ type: "Available", status: "False", reason: "ServiceNotFound" }] });
    const afterSpec = await s.update(ctx, "v1alpha1.wardle.example.com", (cur) => ({ ...(cur ?? created), spec: { ...remote, groupPriorityMinimum: 5 }, status: {} }));
    expect(afterSpec.object["spec"]).toMatchObject({ groupPriorityMinimum: 5 });
    expect(afterSpec.object["status"]).toEqual({ conditions: [{ type: "Available", status: "False", reason: "ServiceNotFound" }] });
  });

  it("prints NAME, SERVICE, AVAILABLE and AGE as kube-aggregator does", () => {
    const now = new Date("2026-01-01T00:10:00Z");
    const at = "2026-01-01T00:00:00Z";
    const row = (obj: KubeObject): unknown[] => apiServiceTable.cells({ ...obj, metadata: { ...obj.metadata, creationTimestamp: at } }, now);
    expect(apiServiceTable.columns.map((c) => [c.name, c.type])).toEqual([
      ["Name", "string"],
      ["Service", "string"],
      ["Available", "string"],
      ["Age", "string"],
    ]);
    expect(row(apiService("v1.apps", { service: null }, { conditions: [{ type: "Available", status: "True", reason: "Local" }] }))).toEqual(["v1.apps", "Local", "True", "10m"]);
    expect(row(apiService("v1alpha1.wardle.example.com", remote, { conditions: [{ type: "Available", status: "False", reason: "MissingEndpoints" }] }))).toEqual(["v1alpha1.wardle.example.com", "wardle/api", "False (MissingEndpoints)", "10m"]);
    expect(row(apiService("v1alpha1.wardle.example.com", remote, { conditions: [{ type: "Available", status: "False" }] }))[2]).toBe("False");
    expect(row(apiService("v1alpha1.wardle.example.com", remote, {}))[2]).toBe("Unknown");
  });
});
