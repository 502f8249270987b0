/**
 * Pod templates for every kind that embeds one (Pods' own spec, Deployments, ReplicaSets, StatefulSets,
 * DaemonSets, Jobs): scheme defaulting, validation (ValidatePodTemplateSpec) and strategic-merge-patch metadata.
 * The detailed rules live beside the Pod kind in builtin/core; this module is the shared entry point.
 */
import type { PatchMeta } from "../../../apiserver/patch/meta.js";
import { FieldPath, fieldErrors, validateAnnotations, validateLabels, type FieldError } from "../../../core/validation.js";
import { objectMetaPatchMeta, podSpecPatchMeta, podTemplateSpecPatchMeta } from "../core/patchmeta.js";
import { defaultPodSpec } from "../core/podspec.defaults.js";
import { validatePodSpec } from "../core/podspec.validation.js";
import { arrOf, asObj, ensureObj, strMapOf } from "../core/util.js";

export { defaultPodSpec, validatePodSpec, objectMetaPatchMeta, podSpecPatchMeta, podTemplateSpecPatchMeta };
export type { PodSpecValidationOptions } from "../core/podspec.validation.js";
export type { PatchMeta };

/** Scheme defaulting of a core/v1 PodTemplateSpec in place (metadata untouched, spec defaulted). */
export function defaultPodTemplateSpec(template: unknown): void {
  const tpl = asObj(template);
  if (!tpl) return;
  defaultPodSpec(ensureObj(tpl, "spec"));
}

/**
 * ValidatePodTemplateSpec at `path` (e.g. `spec.template`): template labels and annotations, the pod spec, and
 * no ephemeral containers.
 */
export function validatePodTemplateSpec(template: unknown, path: FieldPath): FieldError[] {
  const tpl = asObj(template) ?? {};
  const meta = asObj(tpl.metadata) ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateLabels(strMapOf(meta.labels), path.child("labels")));
  errs.push(...validateAnnotations(strMapOf(meta.annotations), path.child("annotations")));
  const spec = asObj(tpl.spec) ?? {};
  errs.push(...validatePodSpec(spec, path.child("spec"), { isPod: false }));
  if (arrOf(spec.ephemeralContainers).length > 0) {
    errs.push(fieldErrors.forbidden(path.child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"));
  }
  return errs;
}
