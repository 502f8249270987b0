/** CustomResourceDefinition validation: status.storedVersions and schema-rule ratcheting on update. */
import { describe, expect, it } from "vitest";
import { fieldErrorString } from "../core/validation.js";
import { customResourceDefinitions } from "../controlplane/builtin/apiextensions/index.js";
import { validateCRD, validateCRDUpdate, validateStoredVersions, type CRDVersion, type CustomResourceDefinition } from "./crd.js";
import type { JSONSchemaProps } from "./schema.js";

const schema: JSONSchemaProps = { type: "object", properties: { spec: { type: "object", properties: { a: { type: "string" } } } } };
const version = (name: string, storage: boolean, s: JSONSchemaProps = schema): CRDVersion => ({ name, served: true, storage, schema: { openAPIV3Schema: s } });
const crd = (versions: CRDVersion[], storedVersions: string[]): CustomResourceDefinition => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "things.example.com" },
  spec: { group: "example.com", scope: "Namespaced", names: { plural: "things", singular: "thing", kind: "Thing", listKind: "ThingList" }, versions, conversion: { strategy: "None" } },
  status: { storedVersions },
});
const msgs = (errs: ReturnType<typeof validateCRD>): string[] => errs.map(fieldErrorString);

describe("status.storedVersions", () => {
  it("keeps every stored version in spec.versions, with upstream's message", () => {
    expect(msgs(validateStoredVersions(["v1alpha1", "v1"], [version("v1", true)]))).toEqual([
      'status.storedVersions[0]: Invalid value: "v1alpha1": missing from spec.versions; v1alpha1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1alpha1 and removes v1alpha1 from status.storedVersions',
    ]);
    expect(msgs(validateStoredVersions(["v1"], [version("v1", false), version("v2", true)]))).toEqual(['status.storedVersions: Invalid value: ["v1"]: must have the storage version v2']);
    expect(msgs(validateStoredVersions([], [version("v1", true)]))).toEqual(["status.storedVersions: Invalid value: []: must have at least one stored version"]);
    expect(validateStoredVersions(["v1", "v2"], [version("v1", false), version("v2", true)])).toEqual([]);
  });

  it("rejects an update that drops a version objects may still be stored in", () => {
    const old = crd([version("v1", false), version("v2", true)], ["v1", "v2"]);
    const next = crd([version("v2", true)], ["v1", "v2"]);
    expect(msgs(validateCRDUpdate(next, old))).toEqual([
      'status.storedVersions[0]: Invalid value: "v1": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions',
    ]);
    // once a migration removed it from the status, the version may go
    expect(validateCRDUpdate(crd([version("v2", true)], ["v2"]), crd([version("v1", false), version("v2", true)], ["v2"]))).toEqual([]);
  });

  it("appends a new storage version on update and starts with the storage version on create", () => {
    const strategy = customResourceDefinitions.strategy;
    const created = crd([version("v1", true)], []);
    strategy?.prepareForCreate?.(created);
    expect(created.status?.storedVersions).toEqual(["v1"]);
    const updated = crd([version("v1", false), version("v2", true)], ["v1"]);
    strategy?.prepareForUpdate?.(updated, created);
    expect(updated.status?.storedVersions).toEqual(["v1", "v2"]);
    // switching back does not duplicate
    const back = crd([version("v1", true), version("v2", false)], ["v1", "v2"]);
    strategy?.prepareForUpdate?.(back, updated);
    expect(back.status?.storedVersions).toEqual(["v1", "v2"]);
  });
});

describe("schema rules ratcheting on update", () => {
  const nonAtomicSet: JSONSchemaProps = { type: "object", properties: { spec: { type: "object", properties: { s: { type: "array", "x-kubernetes-list-type": "set", items: { type: "object", properties: { a: { type: "string" } } } } } } } };
  it("enforces the atomic-set rule on create and on updates of CRDs that followed it", () => {
    const err = 'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[s].items.x-kubernetes-map-type: Invalid value: "null": must be atomic as item of a list with x-kubernetes-list-type=set';
    expect(msgs(validateCRD(crd([version("v1", true, nonAtomicSet)], ["v1"])))).toEqual([err]);
    expect(msgs(validateCRDUpdate(crd([version("v1", true, nonAtomicSet)], ["v1"]), crd([version("v1", true)], ["v1"])))).toEqual([err]);
  });
  it("does not tighten it for a stored CRD that already broke it", () => {
    expect(validateCRDUpdate(crd([version("v1", true, nonAtomicSet)], ["v1"]), crd([version("v1", true, nonAtomicSet)], ["v1"]))).toEqual([]);
  });
});
