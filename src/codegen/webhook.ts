/** `+kubebuilder:webhook` markers → MutatingWebhookConfiguration / ValidatingWebhookConfiguration (controller-gen's shape). */
import type { MarkerAt } from "./comments.js";
import type { ErrorSink } from "./errors.js";

export interface WebhookObject {
  apiVersion: "admissionregistration.k8s.io/v1";
  kind: "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration";
  metadata: { name: string };
  webhooks: Record<string, unknown>[];
}

const operations: Record<string, string> = { create: "CREATE", update: "UPDATE", delete: "DELETE", connect: "CONNECT", "*": "*" };
const sideEffectsValues = ["None", "NoneOnDryRun", "Some", "Unknown"];

function title(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

/** Both configurations, mutating first; webhooks sorted by name. Configurations without webhooks are left out. */
export function webhooksFromMarkers(markers: readonly MarkerAt[], errors: ErrorSink): WebhookObject[] {
  const mutating: Record<string, unknown>[] = [];
  const validating: Record<string, unknown>[] = [];
  const names = new Set<string>();
  for (const at of markers) {
    if (at.marker.def.name !== "kubebuilder:webhook") continue;
    const a = at.marker.args as Record<string, string | string[] | boolean | number | undefined>;
    const bad = (why: string): void => errors.add(at.pos, `marker "+${at.marker.text}": ${why} (expected form: ${at.marker.def.form})`);
    const failurePolicy = title(a.failurePolicy as string);
    if (failurePolicy !== "Fail" && failurePolicy !== "Ignore") {
      bad(`failurePolicy must be Fail or Ignore, got "${String(a.failurePolicy)}"`);
      continue;
    }
    const sideEffects = (a.sideEffects as string | undefined) ?? "None";
    if (!sideEffectsValues.includes(sideEffects)) {
      bad(`sideEffects must be one of ${sideEffectsValues.join(", ")}, got "${sideEffects}"`);
      continue;
    }
    const ops: string[] = [];
    for (const v of a.verbs as string[]) {
      const op = operations[v.toLowerCase()];
      if (!op) {
        bad(`unknown verb "${v}"; use create, update, delete, connect or *`);
        continue;
      }
      ops.push(op);
    }
    const name = a.name as string;
    if (names.has(name)) {
      bad(`webhook name "${name}" is used twice`);
      continue;
    }
    names.add(name);
    const hook: Record<string, unknown> = {
      admissionReviewVersions: a.admissionReviewVersions,
      clientConfig: a.url !== undefined ? { url: a.url } : { service: { name: "webhook-service", namespace: "system", path: a.path } },
      failurePolicy,
      name,
      rules: [{ apiGroups: (a.groups as string[]).map((g) => (g === "core" ? "" : g)), apiVersions: a.versions, operations: ops, resources: a.resources }],
      sideEffects,
    };
    if (a.matchPolicy !== undefined) hook.matchPolicy = a.matchPolicy;
    if (a.timeoutSeconds !== undefined) hook.timeoutSeconds = a.timeoutSeconds;
    if (a.mutating === true) {
      if (a.reinvocationPolicy !== undefined) hook.reinvocationPolicy = a.reinvocationPolicy;
      mutating.push(hook);
    } else validating.push(hook);
  }
  const byName = (x: Record<string, unknown>, y: Record<string, unknown>): number => ((x.name as string) < (y.name as string) ? -1 : 1);
  const out: WebhookObject[] = [];
  if (mutating.length > 0) out.push({ apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "mutating-webhook-configuration" }, webhooks: mutating.sort(byName) });
  if (validating.length > 0) out.push({ apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "validating-webhook-configuration" }, webhooks: validating.sort(byName) });
  return out;
}
