/**
 * coordination.k8s.io/v1 Lease (pkg/registry/coordination/lease, pkg/apis/coordination/validation).
 * MicroTime fields (acquireTime, renewTime) are stored exactly as given (RFC 3339 with microseconds).
 */
import type { PatchMeta } from "../../../apiserver/patch/meta.js";
import type { ResourceDefinition, TableConvertor } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, isQualifiedName, type FieldError } from "../../../core/validation.js";
import { asRecord, asString } from "../common/apps-shared.js";
import { age, ageColumn, nameColumn } from "../common/printers.js";
import { objectMetaPatchMeta } from "../common/podtemplate.js";

const validLeaseStrategies = ["OldestEmulationVersion"];

/** ValidateCoordinatedLeaseStrategy (upstream reports under `<path>.strategy`, i.e. spec.strategy.strategy). */
function validateCoordinatedLeaseStrategy(strategy: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (strategy.split("/").length === 1) {
    if (!validLeaseStrategies.includes(strategy)) errs.push(fieldErrors.notSupported(path.child("strategy"), strategy, validLeaseStrategies));
  } else {
    for (const m of isQualifiedName(strategy)) errs.push(fieldErrors.invalid(path.child("strategy"), strategy, m));
  }
  return errs;
}

/** ValidateLeaseSpec. */
export function validateLeaseSpec(spec: unknown, path: FieldPath = FieldPath.of("spec")): FieldError[] {
  const errs: FieldError[] = [];
  const s = asRecord(spec) ?? {};
  const duration = s["leaseDurationSeconds"];
  if (typeof duration === "number" && duration <= 0) {
    errs.push(fieldErrors.invalid(path.child("leaseDurationSeconds"), duration, "must be greater than 0"));
  }
  const transitions = s["leaseTransitions"];
  if (typeof transitions === "number" && transitions < 0) {
    errs.push(fieldErrors.invalid(path.child("leaseTransitions"), transitions, "must be greater than or equal to 0"));
  }
  const strategy = s["strategy"];
  if (typeof strategy === "string") errs.push(...validateCoordinatedLeaseStrategy(strategy, path.child("strategy")));
  const preferred = s["preferredHolder"];
  if (typeof preferred === "string" && preferred !== "" && (typeof strategy !== "string" || strategy === "")) {
    errs.push(fieldErrors.forbidden(path.child("preferredHolder"), "may only be specified if `strategy` is defined"));
  }
  return errs;
}

export const leaseTable: TableConvertor = {
  columns: [
    nameColumn,
    { name: "Holder", type: "string", description: "holderIdentity contains the identity of the holder of a current lease.", priority: 0 },
    ageColumn,
  ],
  cells: (obj: KubeObject, now: Date) => [
    obj.metadata.name ?? "",
    asString(asRecord(obj["spec"])?.["holderIdentity"]),
    age(obj, now),
  ],
};

/**
 * dropDisabledFields: `strategy` and `preferredHolder` belong to the CoordinatedLeaderElection feature, off by
 * default through 1.33, so they are dropped unless the stored object already uses them.
 */
function dropDisabledFields(obj: KubeObject, old: KubeObject | undefined): void {
  const spec = asRecord(obj["spec"]);
  if (!spec) return;
  const oldSpec = asRecord(old?.["spec"]);
  const inUse = oldSpec !== undefined && (oldSpec["strategy"] !== undefined || oldSpec["preferredHolder"] !== undefined);
  if (!inUse) {
    delete spec["strategy"];
    delete spec["preferredHolder"];
  }
}

export const leasePatchMeta: PatchMeta = { fields: { metadata: objectMetaPatchMeta } };

export const leaseResource: ResourceDefinition = {
  group: "coordination.k8s.io",
  version: "v1",
  names: { plural: "leases", singular: "lease", kind: "Lease", listKind: "LeaseList" },
  namespaced: true,
  strategy: {
    prepareForCreate: (obj) => dropDisabledFields(obj, undefined),
    prepareForUpdate: (obj, old) => dropDisabledFields(obj, old),
    validate: (obj) => validateLeaseSpec(obj["spec"]),
    validateUpdate: (obj) => validateLeaseSpec(obj["spec"]),
  },
  table: leaseTable,
  patchMeta: leasePatchMeta,
};
