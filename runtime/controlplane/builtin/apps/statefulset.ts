/**
 * apps/v1 StatefulSet (pkg/registry/apps/statefulset, pkg/apis/apps/v1/defaults.go, pkg/apis/apps/validation).
 */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { FieldPath, fieldErrors, isDNS1123Label, nameIsDNSLabel, type FieldError } from "../../../core/validation.js";
import { asArray, asRecord, asString, ensureRecord, semanticEqual, validateNonnegativeField, type JsonRecord } from "../common/apps-shared.js";
import { defaultPodTemplateSpec, validatePodTemplateSpec } from "../common/podtemplate.js";
import { statefulSetPatchMeta } from "./patchmeta.js";
import { scaleSelector } from "./scale.js";
import { statefulSetTable } from "./tables.js";
import {
  intOrPercentValue,
  isNotMoreThan100Percent,
  specPath,
  validateCollisionCount,
  validatePositiveIntOrPercent,
  validateRequiredSelector,
  validateSelectorMatchesTemplate,
  validateStatusCounters,
  validateWorkloadPodSpec,
} from "./validation.js";

const unset = (v: unknown): boolean => v === undefined || v === null || v === "";

/**
 * SetDefaults_StatefulSet (+ pod template defaults, and the PersistentVolumeClaim defaults and TypeMeta that
 * volumeClaimTemplates get on the way through the internal version).
 */
export function defaultStatefulSet(obj: KubeObject): void {
  const spec = ensureRecord(obj, "spec");
  if (unset(spec["podManagementPolicy"])) spec["podManagementPolicy"] = "OrderedReady";
  const us = ensureRecord(spec, "updateStrategy");
  if (unset(us["type"])) {
    us["type"] = "RollingUpdate";
    if (us["rollingUpdate"] === undefined || us["rollingUpdate"] === null) us["rollingUpdate"] = {};
  }
  const ru = asRecord(us["rollingUpdate"]);
  if (us["type"] === "RollingUpdate" && ru && (ru["partition"] === undefined || ru["partition"] === null)) ru["partition"] = 0;
  const retention = ensureRecord(spec, "persistentVolumeClaimRetentionPolicy");
  if (unset(retention["whenDeleted"])) retention["whenDeleted"] = "Retain";
  if (unset(retention["whenScaled"])) retention["whenScaled"] = "Retain";
  if (spec["replicas"] === undefined || spec["replicas"] === null) spec["replicas"] = 1;
  if (spec["revisionHistoryLimit"] === undefined || spec["revisionHistoryLimit"] === null) spec["revisionHistoryLimit"] = 10;
  defaultPodTemplateSpec(ensureRecord(spec, "template"));
  for (const t of asArray(spec["volumeClaimTemplates"])) {
    const pvc = asRecord(t);
    if (!pvc) continue;
    if (unset(pvc["apiVersion"])) pvc["apiVersion"] = "v1";
    if (unset(pvc["kind"])) pvc["kind"] = "PersistentVolumeClaim";
    const pvcSpec = ensureRecord(pvc, "spec");
    if (unset(pvcSpec["volumeMode"])) pvcSpec["volumeMode"] = "Filesystem";
    const pvcStatus = ensureRecord(pvc, "status");
    if (unset(pvcStatus["phase"])) pvcStatus["phase"] = "Pending";
  }
}

/**
 * dropStatefulSetDisabledFields: rollingUpdate.maxUnavailable belongs to MaxUnavailableStatefulSet (alpha, off by
 * default through 1.33) and is dropped unless the stored object already uses it.
 */
function dropDisabledFields(obj: KubeObject, old: KubeObject | undefined): void {
  const oldRu = asRecord(asRecord(asRecord(old?.["spec"])?.["updateStrategy"])?.["rollingUpdate"]);
  if (oldRu && oldRu["maxUnavailable"] !== undefined && oldRu["maxUnavailable"] !== null) return;
  const ru = asRecord(asRecord(asRecord(obj["spec"])?.["updateStrategy"])?.["rollingUpdate"]);
  if (ru) delete ru["maxUnavailable"];
}

function validateRollingUpdateStatefulSet(ru: JsonRecord, path: FieldPath): FieldError[] {
  const errs = validateNonnegativeField(ru["partition"], path.child("partition"));
  const mu = ru["maxUnavailable"];
  if (mu !== undefined && mu !== null) {
    const muPath = path.child("maxUnavailable");
    errs.push(...validatePositiveIntOrPercent(mu, muPath));
    if (intOrPercentValue(mu) === 0) errs.push(fieldErrors.invalid(muPath, mu, "cannot be 0"));
    errs.push(...isNotMoreThan100Percent(mu, muPath));
  }
  return errs;
}

const retentionPolicyTypes = ["Retain", "Delete"];
const supportedAccessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

/** The PersistentVolumeClaimSpec checks every claim template must pass (access modes, a storage request). */
function validateVolumeClaimTemplates(templates: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  asArray(templates).forEach((t, i) => {
    const specP = path.index(i).child("spec");
    const pvcSpec = asRecord(asRecord(t)?.["spec"]) ?? {};
    const modes = asArray(pvcSpec["accessModes"]);
    if (modes.length === 0) errs.push(fieldErrors.required(specP.child("accessModes"), "at least 1 access mode is required"));
    for (const m of modes) {
      if (typeof m !== "string" || !supportedAccessModes.includes(m)) errs.push(fieldErrors.notSupported(specP.child("accessModes"), m, supportedAccessModes));
    }
    const requests = asRecord(asRecord(pvcSpec["resources"])?.["requests"]) ?? {};
    if (requests["storage"] === undefined || requests["storage"] === null) errs.push(fieldErrors.required(specP.child("resources").key("storage")));
  });
  return errs;
}

interface StatefulSetValidationOptions {
  allowInvalidServiceName?: boolean;
  skipValidatePodTemplateSpec?: boolean;
  skipValidateVolumeClaimTemplates?: boolean;
}

/** ValidateStatefulSetSpec. */
export function validateStatefulSetSpec(obj: KubeObject, opts: StatefulSetValidationOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  const spec = asRecord(obj["spec"]) ?? {};

  const pmp = spec["podManagementPolicy"];
  if (unset(pmp)) errs.push(fieldErrors.required(specPath.child("podManagementPolicy")));
  else if (pmp !== "OrderedReady" && pmp !== "Parallel") {
    errs.push(fieldErrors.invalid(specPath.child("podManagementPolicy"), pmp, "must be 'OrderedReady' or 'Parallel'"));
  }

  const us = asRecord(spec["updateStrategy"]) ?? {};
  const usPath = specPath.child("updateStrategy");
  const ru = us["rollingUpdate"];
  switch (us["type"] ?? "") {
    case "":
      errs.push(fieldErrors.required(usPath));
      break;
    case "OnDelete":
      if (ru !== undefined && ru !== null) errs.push(fieldErrors.invalid(usPath.child("rollingUpdate"), ru, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case "RollingUpdate":
      if (ru !== undefined && ru !== null) errs.push(...validateRollingUpdateStatefulSet(asRecord(ru) ?? {}, usPath.child("rollingUpdate")));
      break;
    default:
      errs.push(fieldErrors.invalid(usPath, spec["updateStrategy"], "must be 'RollingUpdate' or 'OnDelete'"));
  }

  const retention = asRecord(spec["persistentVolumeClaimRetentionPolicy"]);
  if (retention) {
    const rPath = specPath.child("persistentVolumeClaimRetentionPolicy");
    for (const f of ["whenDeleted", "whenScaled"]) {
      const v = asString(retention[f]);
      if (!retentionPolicyTypes.includes(v)) errs.push(fieldErrors.notSupported(rPath.child(f), v, retentionPolicyTypes));
    }
  }

  if (!opts.skipValidateVolumeClaimTemplates) errs.push(...validateVolumeClaimTemplates(spec["volumeClaimTemplates"], specPath.child("volumeClaimTemplates")));

  errs.push(...validateNonnegativeField(spec["replicas"], specPath.child("replicas")));
  errs.push(...validateNonnegativeField(spec["minReadySeconds"], specPath.child("minReadySeconds")));
  const ordinals = asRecord(spec["ordinals"]);
  if (ordinals) errs.push(...validateNonnegativeField(ordinals["start"], specPath.child("ordinals.start")));

  const serviceName = asString(spec["serviceName"]);
  if (!opts.allowInvalidServiceName && serviceName.length > 0) {
    for (const m of isDNS1123Label(serviceName)) errs.push(fieldErrors.invalid(specPath.child("serviceName"), serviceName, m));
  }

  const { errs: selErrs, selector } = validateRequiredSelector(spec, "statefulset");
  errs.push(...selErrs);
  const template = asRecord(spec["template"]) ?? {};
  const templatePath = specPath.child("template");
  if (!selector) {
    errs.push(fieldErrors.invalid(specPath.child("selector"), spec["selector"], ""));
  } else {
    errs.push(...validateSelectorMatchesTemplate(selector, template, templatePath));
    if (!opts.skipValidatePodTemplateSpec) errs.push(...validatePodTemplateSpec(template, templatePath));
  }
  errs.push(...validateWorkloadPodSpec(template, templatePath, "StatefulSet"));
  return errs;
}

/** Spec fields an update may change; any other spec change is forbidden. */
const updatableSpecFields = ["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

/** ValidateStatefulSetUpdate: the spec again (with stored-object leniency), then the fields that may change. */
export function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const oldSpec = asRecord(old["spec"]) ?? {};
  const oldTemplateInvalid = validatePodTemplateSpec(asRecord(oldSpec["template"]) ?? {}, specPath.child("template")).length > 0;
  const errs = validateStatefulSetSpec(obj, {
    allowInvalidServiceName: true,
    skipValidateVolumeClaimTemplates: true,
    skipValidatePodTemplateSpec: oldTemplateInvalid,
  });
  const clone: JsonRecord = { ...(asRecord(obj["spec"]) ?? {}) };
  for (const f of updatableSpecFields) {
    if (oldSpec[f] === undefined) delete clone[f];
    else clone[f] = oldSpec[f];
  }
  if (!semanticEqual(clone, oldSpec)) {
    errs.push(
      fieldErrors.forbidden(
        specPath,
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

/** ValidateStatefulSetStatusUpdate (for the status subresource). */
export function validateStatefulSetStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const msg = "cannot be greater than status.replicas";
  return [
    ...validateStatusCounters(
      asRecord(obj["status"]) ?? {},
      ["replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas", "observedGeneration", "collisionCount"],
      [
        ["readyReplicas", "replicas", msg],
        ["currentReplicas", "replicas", msg],
        ["updatedReplicas", "replicas", msg],
        ["availableReplicas", "replicas", msg],
        ["availableReplicas", "readyReplicas", "cannot be greater than status.readyReplicas"],
      ],
    ),
    ...validateCollisionCount(obj, old),
  ];
}

export const statefulSetResource: ResourceDefinition = {
  group: "apps",
  version: "v1",
  names: { plural: "statefulsets", singular: "statefulset", kind: "StatefulSet", listKind: "StatefulSetList", shortNames: ["sts"], categories: ["all"] },
  namespaced: true,
  nameValidator: nameIsDNSLabel,
  generation: true,
  statusSubresource: true,
  scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", selector: scaleSelector },
  strategy: {
    default: defaultStatefulSet,
    prepareForCreate: (obj) => dropDisabledFields(obj, undefined),
    prepareForUpdate: (obj, old) => dropDisabledFields(obj, old),
    validate: (obj) => validateStatefulSetSpec(obj),
    validateUpdate: validateStatefulSetUpdate,
    validateStatusUpdate: validateStatefulSetStatusUpdate,
  },
  table: statefulSetTable,
  patchMeta: statefulSetPatchMeta,
};
