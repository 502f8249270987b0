// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;lst;watch
// +kubebuilder:rbac:groups=apps,resources=deployments/status,verbs=fetch
export class BadReconciler {}
