/**
 * The RBAC policy as the authorizer reads it: Roles, ClusterRoles, RoleBindings and ClusterRoleBindings kept in
 * memory by storage watches (list, then watch from the list's resourceVersion; relist when a watch ends), so an
 * authorization decision costs a walk over the cluster role bindings and the bindings of one namespace, and a
 * binding is in effect as soon as its write commits (the memory storage delivers events at commit).
 *
 * `visitRulesFor` is upstream's DefaultRuleResolver.VisitRulesFor: cluster role bindings first, then the role
 * bindings of the namespace; a binding applies when a subject names the user, one of its groups, or (for
 * ServiceAccount subjects) `system:serviceaccount:NS:NAME`.
 */
import type { UserInfo } from "../../../apiserver/admission/types.js";
import type { KubeObject } from "../../../core/object.js";
import type { Storage, Watch } from "../../../storage/interface.js";
import { toPolicyRule, type PolicyRule } from "./rules.js";

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface Binding {
  name: string;
  namespace: string;
  roleRef: { kind: string; name: string };
  subjects: Subject[];
}

export interface RBACStorages {
  roles: Storage;
  clusterRoles: Storage;
  roleBindings: Storage;
  clusterRoleBindings: Storage;
}

/** Returns false to stop visiting. `source` describes where the rule came from (for review reasons). */
export type RuleVisitor = (source: string, rule: PolicyRule) => boolean;

function toBinding(obj: KubeObject): Binding {
  const ref = (obj["roleRef"] ?? {}) as Record<string, unknown>;
  const subjects = Array.isArray(obj["subjects"]) ? (obj["subjects"] as Array<Record<string, unknown>>) : [];
  return {
    name: obj.metadata.name ?? "",
    namespace: obj.metadata.namespace ?? "",
    roleRef: { kind: String(ref["kind"] ?? ""), name: String(ref["name"] ?? "") },
    subjects: subjects.map((s) => ({
      kind: String(s["kind"] ?? ""),
      name: String(s["name"] ?? ""),
      ...(typeof s["namespace"] === "string" && s["namespace"] ? { namespace: s["namespace"] } : {}),
    })),
  };
}

function rulesOf(obj: KubeObject): PolicyRule[] {
  return Array.isArray(obj["rules"]) ? (obj["rules"] as unknown[]).map(toPolicyRule) : [];
}

/** Whether `subject` (of a binding in `bindingNamespace`) names `user`. */
export function appliesTo(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case "User":
      return user.username === subject.name;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount": {
      const ns = subject.namespace || bindingNamespace;
      return ns !== "" && user.username === `system:serviceaccount:${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === "ServiceAccount") return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

/** One kind's objects, kept current by a watch. */
class Mirror {
  readonly objects = new Map<string, KubeObject>();
  private watch: Watch | undefined;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly onChange: () => void,
  ) {}

  async start(): Promise<void> {
    const list = await this.storage.list({});
    this.objects.clear();
    for (const o of list.items) this.objects.set(key(o), o);
    this.onChange();
    this.watch = await this.storage.watch(
      { resourceVersion: list.resourceVersion },
      {
        event: (ev) => {
          if (ev.type === "ADDED" || ev.type === "MODIFIED") this.objects.set(key(ev.object), ev.object);
          else if (ev.type === "DELETED") this.objects.delete(key(ev.object));
          else return;
          this.onChange();
        },
        close: () => {
          if (!this.stopped) void this.start().catch(() => undefined);
        },
      },
    );
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
  }
}

const key = (o: KubeObject): string => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;

export class RBACPolicy {
  private readonly roles: Mirror;
  private readonly clusterRoles: Mirror;
  private readonly roleBindings: Mirror;
  private readonly clusterRoleBindings: Mirror;
  /** Role bindings by namespace (rebuilt lazily after a change). */
  private bindingsByNamespace: Map<string, Binding[]> | undefined;
  private clusterBindings: Binding[] | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(storages: RBACStorages) {
    this.roles = new Mirror(storages.roles, () => undefined);
    this.clusterRoles = new Mirror(storages.clusterRoles, () => this.emit());
    this.roleBindings = new Mirror(storages.roleBindings, () => (this.bindingsByNamespace = undefined));
    this.clusterRoleBindings = new Mirror(storages.clusterRoleBindings, () => (this.clusterBindings = undefined));
  }

  async start(): Promise<void> {
    await Promise.all([this.roles.start(), this.clusterRoles.start(), this.roleBindings.start(), this.clusterRoleBindings.start()]);
  }

  stop(): void {
    for (const m of [this.roles, this.clusterRoles, this.roleBindings, this.clusterRoleBindings]) m.stop();
  }

  /** Called (synchronously, from the watch) after any ClusterRole change; returns an unsubscribe function. */
  onClusterRolesChanged(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }

  clusterRoleObjects(): KubeObject[] {
    return [...this.clusterRoles.objects.values()];
  }

  role(namespace: string, name: string): KubeObject | undefined {
    return this.roles.objects.get(`${namespace}/${name}`);
  }

  clusterRole(name: string): KubeObject | undefined {
    return this.clusterRoles.objects.get(`/${name}`);
  }

  /** The rules a role reference grants; undefined when the role does not exist. */
  roleReferenceRules(ref: { kind: string; name: string }, bindingNamespace: string): PolicyRule[] | undefined {
    const obj = ref.kind === "Role" ? this.role(bindingNamespace, ref.name) : ref.kind === "ClusterRole" ? this.clusterRole(ref.name) : undefined;
    return obj ? rulesOf(obj) : undefined;
  }

  private clusterRoleBindingList(): Binding[] {
    this.clusterBindings ??= [...this.clusterRoleBindings.objects.values()].map(toBinding);
    return this.clusterBindings;
  }

  private roleBindingsIn(namespace: string): Binding[] {
    if (!this.bindingsByNamespace) {
      const m = new Map<string, Binding[]>();
      for (const o of this.roleBindings.objects.values()) {
        const b = toBinding(o);
        const list = m.get(b.namespace);
        if (list) list.push(b);
        else m.set(b.namespace, [b]);
      }
      this.bindingsByNamespace = m;
    }
    return this.bindingsByNamespace.get(namespace) ?? [];
  }

  /** Visits every rule granted to `user` cluster-wide and, when `namespace` is set, in that namespace. */
  visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): void {
    for (const b of this.clusterRoleBindingList()) {
      const subject = b.subjects.find((s) => appliesTo(user, s, ""));
      if (!subject) continue;
      const rules = this.roleReferenceRules(b.roleRef, "") ?? [];
      const source = `ClusterRoleBinding ${JSON.stringify(b.name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, "")}`;
      for (const r of rules) if (!visit(source, r)) return;
    }
    if (!namespace) return;
    for (const b of this.roleBindingsIn(namespace)) {
      const subject = b.subjects.find((s) => appliesTo(user, s, namespace));
      if (!subject) continue;
      const rules = this.roleReferenceRules(b.roleRef, namespace) ?? [];
      const source = `RoleBinding ${JSON.stringify(`${b.name}/${b.namespace}`)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, namespace)}`;
      for (const r of rules) if (!visit(source, r)) return;
    }
  }

  /** Every rule granted to `user` (cluster-wide plus `namespace`'s). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const out: PolicyRule[] = [];
    this.visitRulesFor(user, namespace, (_s, r) => {
      out.push(r);
      return true;
    });
    return out;
  }
}
