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
  strategy: {
    default: defaultCRD,
    prepareForCreate: (obj) => {
      const crd = asCRD(obj);
      const sv = storageVersion(crd);
      crd.status = { conditions: [], acceptedNames: { plural: "", kind: "" }, storedVersions: sv ? [sv] : [] };
      // upstream adds the cleanup finalizer on the first delete; here it is present from creation so that deletion waits for cleanup
      crd.metadata.finalizers = [...new Set([...(crd.metadata.finalizers ?? []), cleanupFinalizer])];
    },
    prepareForUpdate: (obj, old) => {
      const crd = asCRD(obj);
      const sv = storageVersion(crd);
      const stored = asCRD(old).status?.storedVersions ?? [];
      if (crd.status && sv && !stored.includes(sv)) crd.status.storedVersions = [...stored, sv];
      if (!old.metadata.deletionTimestamp && (old.metadata.finalizers ?? []).includes(cleanupFinalizer)) {
        crd.metadata.finalizers = [...new Set([...(crd.metadata.finalizers ?? []), cleanupFinalizer])];
      }
    },
    validate: validateCRD,
    validateUpdate: validateCRDUpdate,
    validateStatusUpdate: () => [],
    beginDeletion: (obj) => {
      const crd = asCRD(obj);
      const status = (crd.status ??= {});
      const conds = (status.conditions ?? []).filter((c) => c.type !== "Terminating");
      conds.push({ type: "Terminating", status: "True", reason: "InstanceDeletionPending", message: "CustomResourceDefinition marked for deletion; instance deletion pending", lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") });
      status.conditions = conds;
    },
  },
};

export const apiextensionsResources: readonly ResourceDefinition[] = [customResourceDefinitions];
