import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString, type FieldError } from "../../../core/validation.js";
import { coordinationResources, leaseResource } from "./index.js";

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorString);

function lease(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "my-lock", namespace: "kube-system" }, spec };
}

describe("coordination.k8s.io/v1 Lease", () => {
  it("is a namespaced resource of its group", () => {
    expect(coordinationResources).toEqual([leaseResource]);
    expect(leaseResource.group).toBe("coordination.k8s.io");
    expect(leaseResource.version).toBe("v1");
    expect(leaseResource.namespaced).toBe(true);
    expect(leaseResource.names).toMatchObject({ plural: "leases", singular: "lease", kind: "Lease", listKind: "LeaseList" });
  });

  it("accepts a client-go leader election lease and keeps MicroTime fields as given", () => {
    const l = lease({
      holderIdentity: "node-1_5c0f3f0e",
      leaseDurationSeconds: 15,
      acquireTime: "2024-05-01T12:00:00.123456Z",
      renewTime: "2024-05-01T12:00:10.654321Z",
      leaseTransitions: 0,
    });
    const before = structuredClone(l);
    leaseResource.strategy?.default?.(l);
    leaseResource.strategy?.prepareForCreate?.(l);
    expect(msgs(leaseResource.strategy?.validate?.(l))).toEqual([]);
    expect(l).toEqual(before);
  });

  it("validates durations and transitions", () => {
    expect(msgs(leaseResource.strategy?.validate?.(lease({ leaseDurationSeconds: 0, leaseTransitions: -1 })))).toEqual([
      "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
      "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
    ]);
    expect(msgs(leaseResource.strategy?.validateUpdate?.(lease({ leaseDurationSeconds: -5 }), lease({})))).toEqual([
      "spec.leaseDurationSeconds: Invalid value: -5: must be greater than 0",
    ]);
  });

  it("drops the coordinated-leader-election fields (feature off by default)", () => {
    const l = lease({ holderIdentity: "a", strategy: "OldestEmulationVersion", preferredHolder: "b" });
    leaseResource.strategy?.prepareForCreate?.(l);
    expect(l["spec"]).toEqual({ holderIdentity: "a" });
  });

  it("prints NAME HOLDER AGE", () => {
    expect(leaseResource.table?.columns.map((c) => c.name)).toEqual(["Name", "Holder", "Age"]);
    const l = lease({ holderIdentity: "node-1" });
    l.metadata.creationTimestamp = "2024-05-01T11:55:00Z";
    expect(leaseResource.table?.cells(l, new Date("2024-05-01T12:00:00Z"))).toEqual(["my-lock", "node-1", "5m"]);
    expect(leaseResource.table?.cells(lease({}), new Date())).toEqual(["my-lock", "", "<unknown>"]);
  });
});
