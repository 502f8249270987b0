/**
 * `runtime/conditions`: metav1.Condition helpers (apimachinery's meta.SetStatusCondition & co.) and validation.
 */
export {
  setStatusCondition,
  removeStatusCondition,
  findStatusCondition,
  isStatusConditionTrue,
  isStatusConditionFalse,
  isStatusConditionPresentAndEqual,
  validateCondition,
  validateConditions,
  maxConditionReasonLength,
  maxConditionMessageLength,
} from "./conditions.js";
export type { Condition, ConditionInput, ConditionStatus, Now } from "./conditions.js";
