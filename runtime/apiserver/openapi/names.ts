/**
 * Upstream definition names of built-in kinds: the Go package path of the type, reversed-domain style
 * ("io.k8s.api.apps.v1.Deployment", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").
 */
import type { GVK } from "./types.js";

const specialGroups: Record<string, string> = {
  "apiextensions.k8s.io": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions",
  "apiregistration.k8s.io": "io.k8s.kube-aggregator.pkg.apis.apiregistration",
  "meta.k8s.io": "io.k8s.apimachinery.pkg.apis.meta",
};

/** The package prefix of a built-in group-version: "" → io.k8s.api.core.v1, rbac.authorization.k8s.io → io.k8s.api.rbac.v1. */
export function builtinPackage(group: string, version: string): string {
  const special = specialGroups[group];
  if (special) return `${special}.${version}`;
  const short = group === "" ? "core" : (group.replace(/\.k8s\.io$/, "").split(".")[0] ?? group);
  return `io.k8s.api.${short}.${version}`;
}

/** The definition name of a built-in kind. */
export function builtinDefinitionName(gvk: GVK): string {
  return `${builtinPackage(gvk.group, gvk.version)}.${gvk.kind}`;
}

/** Upstream's name for a custom resource's definition: the reversed group, then version and kind ("com.example.stable.v1.CronTab"). */
export function customResourceDefinitionName(gvk: GVK): string {
  return `${gvk.group.split(".").reverse().join(".")}.${gvk.version}.${gvk.kind}`;
}

export const objectMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
export const listMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
export const statusName = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
export const deleteOptionsName = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
export const patchName = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
