/**
 * `runtime/handler`: event handlers that turn object events into reconcile requests, and the event types.
 */
export type { CreateEvent, UpdateEvent, DeleteEvent, GenericEvent } from "./event.js";
export type { EventHandler, EventHandlerFuncs, RequestQueue, ScopeResolver, EnqueueRequestForOwnerOptions, MapFunc } from "./handler.js";
export { funcs, enqueueRequestForObject, enqueueRequestForOwner, enqueueRequestsFromMapFunc } from "./handler.js";
