/**
 * The NamespaceLifecycle admission plugin: objects can only be created in namespaces that exist and are not
 * terminating, and the system namespaces cannot be deleted.
 */
import { newForbidden, newNotFound, StatusError } from "../../core/errors.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../../apiserver/admission/types.js";
import type { Storage } from "../../storage/interface.js";

export const immortalNamespaces = new Set(["default", "kube-system", "kube-public"]);

export function namespaceLifecycle(namespaces: Storage, isNamespaced: (attrs: AdmissionAttributes) => boolean): AdmissionPlugin {
  return {
    name: "NamespaceLifecycle",
    async validate(attrs) {
      const isNamespaceResource = attrs.resource.group === "" && attrs.resource.resource === "namespaces";
      if (isNamespaceResource) {
        if (attrs.operation === "DELETE" && immortalNamespaces.has(attrs.name)) {
          throw newForbidden({ group: "", resource: "namespaces" }, attrs.name, "this namespace may not be deleted");
        }
        return;
      }
      if (attrs.operation !== "CREATE" || !isNamespaced(attrs) || !attrs.namespace) return;
      const ns = await namespaces.get(attrs.namespace);
      if (!ns) throw newNotFound({ group: "", resource: "namespaces" }, attrs.namespace);
      const phase = (ns.status as { phase?: string } | undefined)?.phase;
      if (ns.metadata.deletionTimestamp || phase === "Terminating") {
        // subresource creates (pods/binding, ...) and events are still allowed, as upstream
        if (attrs.subresource || (attrs.kind.kind === "Event" && (attrs.kind.group === "" || attrs.kind.group === "events.k8s.io"))) return;
        const err = newForbidden(attrs.resource, attrs.name, `unable to create new content in namespace ${attrs.namespace} because it is being terminated`);
        throw new StatusError({
          ...err.status,
          details: { ...err.status.details, causes: [{ reason: "NamespaceTerminating", message: `namespace ${attrs.namespace} is being terminated`, field: "metadata.namespace" }] },
        });
      }
    },
  };
}
