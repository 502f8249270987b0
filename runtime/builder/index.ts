/**
 * `runtime/builder`: `controllerManagedBy(mgr).for(...).owns(...).watches(...).complete(reconciler)`.
 */
export type { ManagerLike, ForOptions, OwnsOptions, WatchesOptions, BuilderControllerOptions } from "./builder.js";
export { ControllerBuilder, controllerManagedBy } from "./builder.js";
