/** Subresources of built-in kinds beyond status and scale: pods/binding and namespaces/finalize. */
import { newBadRequest, newConflict } from "../core/errors.js";
import { isPlainObject } from "../core/object.js";
import type { SubresourceHandler } from "../apiserver/handlers/rest.js";
import type { SubresourceInfo } from "../apiserver/discovery.js";
import type { Store } from "../apiserver/registry/store.js";
import { finalizeMerge } from "./controllers/namespace.js";

interface PodCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

/** POST pods/NAME/binding with a v1 Binding: assigns the pod to a node, once. */
export function podBinding(pods: Store): { info: SubresourceInfo; handler: SubresourceHandler } {
  return {
    info: { name: "binding", kind: { group: "", version: "v1", kind: "Binding" }, verbs: ["create"] },
    handler: {
      async handle(ctx, verb, name, body) {
        if (verb !== "create") throw newBadRequest(`${verb} is not supported on pods/binding`);
        if (!isPlainObject(body) || !isPlainObject(body.target)) throw newBadRequest("a Binding with a target is required");
        const target = body.target;
        const node = typeof target.name === "string" ? target.name : "";
        if (!node) throw newBadRequest("Binding target name is required");
        if (target.kind !== undefined && target.kind !== "" && target.kind !== "Node") throw newBadRequest(`Binding target kind must be Node, not ${String(target.kind)}`);
        const meta = isPlainObject(body.metadata) ? body.metadata : {};
        if (typeof meta.name === "string" && meta.name && meta.name !== name) throw newBadRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
        await pods.update(
          ctx,
          name,
          (cur) => {
            if (!cur) throw new Error("unreachable");
            const spec = (cur.spec ?? {}) as { nodeName?: string };
            if (spec.nodeName) throw newConflict(pods.gr, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
            if (cur.metadata.deletionTimestamp) throw newConflict(pods.gr, name, `pod ${name} is being deleted, cannot be assigned to a host`);
            spec.nodeName = node;
            cur.spec = spec;
            const status = (cur.status ?? {}) as { conditions?: PodCondition[] };
            const conds = (status.conditions ?? []).filter((c) => c.type !== "PodScheduled");
            conds.push({ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") });
            status.conditions = conds;
            cur.status = status;
            return cur;
          },
          { subresource: "binding", merge: (incoming) => incoming, validate: () => [] },
        );
        return [201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }];
      },
    },
  };
}

/** PUT namespaces/NAME/finalize: changes only spec.finalizers. */
export function namespaceFinalize(namespaces: Store): { info: SubresourceInfo; handler: SubresourceHandler } {
  return {
    info: { name: "finalize", kind: { group: "", version: "v1", kind: "Namespace" }, verbs: ["update"] },
    handler: {
      async handle(ctx, verb, name, body) {
        if (verb !== "update") throw newBadRequest(`${verb} is not supported on namespaces/finalize`);
        if (!isPlainObject(body)) throw newBadRequest("a Namespace is required");
        const incoming = body as unknown as Parameters<typeof finalizeMerge>[0];
        const { object } = await namespaces.update(ctx, name, () => ({ ...incoming, metadata: isPlainObject(incoming.metadata) ? incoming.metadata : {} }), {
          subresource: "finalize",
          merge: finalizeMerge,
          validate: (obj) => namespaces.def.strategy?.validate?.(obj) ?? [],
        });
        return [200, object];
      },
    },
  };
}
