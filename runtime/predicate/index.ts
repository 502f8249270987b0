/**
 * `runtime/predicate`: event filters for sources and the builder (`for(type, { predicates })`, `withEventFilter`).
 */
export type { Predicate, EventType, EventOfType } from "./predicate.js";
export {
  test,
  testAll,
  newPredicateFuncs,
  generationChanged,
  resourceVersionChanged,
  labelChanged,
  annotationChanged,
  labelSelectorPredicate,
  and,
  or,
  not,
} from "./predicate.js";
