/**
 * apiregistration.k8s.io/v1 APIService (k8s.io/kube-aggregator/pkg/apis/apiregistration/v1) and the helpers upstream
 * keeps beside it (v1/helper): condition lookup and update, the name ⇄ group-version mapping and the condition of
 * a local APIService.
 */
import type { KubeObject } from "../../../core/object.js";
import { isPlainObject } from "../../../core/object.js";

export const apiRegistrationGroup = "apiregistration.k8s.io";

export interface APIServiceServiceReference {
  namespace?: string;
  name?: string;
  /** Defaults to 443. */
  port?: number;
}

export type ConditionStatus = "True" | "False" | "Unknown";

export interface APIServiceCondition {
  type: string;
  status: ConditionStatus | string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface APIServiceSpec {
  /** null: the group-version is served locally (the request goes on through this server's own handlers). */
  service?: APIServiceServiceReference | null;
  group?: string;
  version?: string;
  insecureSkipTLSVerify?: boolean;
  /** Base64 of a PEM CA bundle that signs the backend's serving certificate (empty: the system roots). */
  caBundle?: string;
  groupPriorityMinimum?: number;
  versionPriority?: number;
}

export interface APIService extends KubeObject {
  spec?: APIServiceSpec;
  status?: { conditions?: APIServiceCondition[] };
}

/** The label the auto-registration controller manages its APIServices by ("onstart" or "true"). */
export const autoRegisterManagedLabel = "kube-aggregator.kubernetes.io/automanaged";

export function asAPIService(obj: KubeObject): APIService {
  return obj as APIService;
}

/** The spec's service reference when it names one (null/absent = local). */
export function serviceRef(svc: APIService): { namespace: string; name: string; port: number } | undefined {
  const s = svc.spec?.service;
  if (!isPlainObject(s)) return undefined;
  return { namespace: String(s.namespace ?? ""), name: String(s.name ?? ""), port: typeof s.port === "number" ? s.port : 443 };
}

/** APIServiceNameToGroupVersion: "v1beta1.metrics.k8s.io" → {group: "metrics.k8s.io", version: "v1beta1"}; "v1." → core. */
export function apiServiceNameToGroupVersion(name: string): { group: string; version: string } {
  const i = name.indexOf(".");
  return i < 0 ? { group: "", version: name } : { group: name.slice(i + 1), version: name.slice(0, i) };
}

/** The name an APIService for group/version must have ("v1." for the core group). */
export function apiServiceName(group: string, version: string): string {
  return `${version}.${group}`;
}

export function getCondition(svc: APIService, type: string): APIServiceCondition | undefined {
  return svc.status?.conditions?.find((c) => c.type === type);
}

/** IsAPIServiceConditionTrue for Available. */
export function isAvailable(svc: APIService): boolean {
  return getCondition(svc, "Available")?.status === "True";
}

/**
 * SetAPIServiceCondition: replaces the condition of the same type, keeping its lastTransitionTime unless the
 * status changes; appends a new one.
 */
export function setCondition(svc: APIService, cond: APIServiceCondition): void {
  svc.status ??= {};
  const conditions = (svc.status.conditions ??= []);
  const existing = conditions.find((c) => c.type === cond.type);
  if (!existing) {
    conditions.push(cond);
    return;
  }
  if (existing.status !== cond.status) {
    existing.status = cond.status;
    if (cond.lastTransitionTime !== undefined) existing.lastTransitionTime = cond.lastTransitionTime;
  }
  if (cond.reason !== undefined) existing.reason = cond.reason;
  else delete existing.reason;
  if (cond.message !== undefined) existing.message = cond.message;
  else delete existing.message;
}

/** NewLocalAvailableAPIServiceCondition. */
export function localAvailableCondition(now: string): APIServiceCondition {
  return { type: "Available", status: "True", lastTransitionTime: now, reason: "Local", message: "Local APIServices are always available" };
}
