/**
 * `runtime/finalizer`: a finalizer registry (controller-runtime's pkg/finalizer) and `withFinalizer`, a one-call
 * finalizer helper for reconcilers (after kube-rs' `finalizer()`).
 */
export { Finalizers, FinalizeError } from "./finalizers.js";
export type { Finalizer, FinalizerResult } from "./finalizers.js";
export { withFinalizer, FinalizerError } from "./withfinalizer.js";
export type { FinalizerHandlers, FinalizerOutcome, FinalizerErrorKind, WithFinalizerOptions } from "./withfinalizer.js";
export { addFinalizer, removeFinalizer, containsFinalizer } from "../controllerutil/finalizers.js";
