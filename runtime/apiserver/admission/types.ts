/**
 * The admission chain (k8s.io/apiserver/pkg/admission): plugins see every write after defaulting and before
 * storage. Mutating plugins (`admit`) run first, in order, and may change `attrs.object`; validating plugins
 * (`validate`) run after the resource's own validation and may only reject, by throwing a StatusError.
 */
import type { GroupVersionKind, GroupVersionResource } from "../../core/gvk.js";
import type { KubeObject } from "../../core/object.js";

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  resource: GroupVersionResource;
  subresource: string;
  kind: GroupVersionKind;
  namespace: string;
  name: string;
  /** The incoming object (CREATE/UPDATE); mutating plugins may modify it. */
  object?: KubeObject;
  /** The stored object (UPDATE/DELETE). */
  oldObject?: KubeObject;
  dryRun: boolean;
  user: UserInfo;
  /** The request's warnings (returned in `Warning` headers); plugins may append. */
  warnings: string[];
}

export interface AdmissionPlugin {
  readonly name: string;
  admit?(attrs: AdmissionAttributes): void | Promise<void>;
  validate?(attrs: AdmissionAttributes): void | Promise<void>;
}

/** Runs plugins in order. */
export class AdmissionChain {
  private readonly plugins: AdmissionPlugin[] = [];

  add(plugin: AdmissionPlugin): void {
    this.plugins.push(plugin);
  }

  async admit(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.admit) await p.admit(attrs);
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.validate) await p.validate(attrs);
  }
}
