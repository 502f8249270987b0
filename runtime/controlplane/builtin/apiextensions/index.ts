/** apiextensions.k8s.io/v1 CustomResourceDefinition: cluster-scoped, with status; served by the CRD controller. */
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { asCRD, cleanupFinalizer, defaultCRD, storageVersion, validateCRD, validateCRDUpdate } from "../../../apiextensions/crd.js";

export const customResourceDefinitions: ResourceDefinition = {
  group: "apiextensions.k8s.io",
  version: "v1",
  names: { plural: "customresourcedefinitions", singular: "customresourcedefinition", kind: "CustomResourceDefinition", listKind: "CustomResourceDefinitionList", shortNames: ["crd", "crds"], categories: ["api-extensions"] },
  namespaced: false,
  generation: true,
  statusSubresource: true,
  returnDeletedObject: true,
  // CustomResourceDefinition is a built-in Go type upstream, so it takes strategic merge patches (kubectl apply
  // sends them); none of its lists carries a merge key, so lists are replaced
  patchMeta: {},
  strategy: {
    default: defaultCRD,
    prepareForCreate: (obj) => {
      const crd = asCRD(obj);
      const sv = storageVersion(crd);
      crd.status = { conditions: [], acceptedNames: { plural: "", kind: "" }, storedVersions: sv ? [sv] : [] };
    },
    prepareForUpdate: (obj, old) => {
      const crd = asCRD(obj);
      const sv = storageVersion(crd);
      const stored = asCRD(old).status?.storedVersions ?? [];
      if (crd.status && sv && !stored.includes(sv)) crd.status.storedVersions = [...stored, sv];
    },
    validate: validateCRD,
    validateUpdate: validateCRDUpdate,
    validateStatusUpdate: () => [],
    // as upstream, the first delete only marks the CRD and adds the cleanup finalizer; the CRD controller deletes
    // the custom resources and then drops the finalizer
    deletionBlocked: (obj) => !obj.metadata.deletionTimestamp,
    beginDeletion: (obj) => {
      const crd = asCRD(obj);
      crd.metadata.finalizers = [...new Set([...(crd.metadata.finalizers ?? []), cleanupFinalizer])];
      const status = (crd.status ??= {});
      const conds = (status.conditions ?? []).filter((c) => c.type !== "Terminating");
      conds.push({ type: "Terminating", status: "True", reason: "InstanceDeletionPending", message: "CustomResourceDefinition marked for deletion; instance deletion pending", lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") });
      status.conditions = conds;
    },
  },
};

export const apiextensionsResources: readonly ResourceDefinition[] = [customResourceDefinitions];
