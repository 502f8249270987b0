/** The <%= kind %> controller: drives each <%= kind %> towards its spec and reports a Ready condition. */
import { controllerManagedBy, isNotFound, setStatusCondition, type Client, type Manager, type ReconcileContext, type Reconciler, type Request } from "kubeforge";
import { <%= lowerKind %>Type, type <%= kind %> } from "<%= typesImport %>";

// +kubebuilder:rbac:groups=<%= fullGroup %>,resources=<%= plural %>,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=<%= fullGroup %>,resources=<%= plural %>/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=<%= fullGroup %>,resources=<%= plural %>/finalizers,verbs=update

export class <%= kind %>Reconciler implements Reconciler {
  constructor(private readonly client: Client) {}

  async reconcile(ctx: ReconcileContext, req: Request): Promise<void> {
    let obj: <%= kind %>;
    try {
      obj = await this.client.get<<%= kind %>>({ ...<%= lowerKind %>Type, name: req.name<% if (namespaced) { %>, namespace: req.namespace<% } %> }, { signal: ctx.signal });
    } catch (err) {
      // deleted: objects it owns are garbage-collected
      if (isNotFound(err)) return;
      throw err;
    }

    // TODO(user): compare obj.spec with the cluster and act here.

    const conditions = [...(obj.status?.conditions ?? [])];
    const changed = setStatusCondition(conditions, {
      type: "Ready",
      status: "True",
      reason: "Reconciled",
      message: "the <%= kind %> has been reconciled",
      ...(obj.metadata.generation !== undefined ? { observedGeneration: obj.metadata.generation } : {}),
    });
    if (changed) await this.client.status().update({ ...obj, status: { ...obj.status, conditions } }, { signal: ctx.signal });
  }
}

/** Registers the controller with the manager (called from src/main.ts). */
export function setup<%= kind %>Controller(mgr: Manager): void {
  controllerManagedBy(mgr).for(<%= lowerKind %>Type).named("<%= controllerName %>").complete(new <%= kind %>Reconciler(mgr.client));
}
