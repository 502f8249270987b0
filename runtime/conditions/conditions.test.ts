/** metav1.Condition helpers: transition semantics with a fixed clock, lookups, validation. */
import { describe, expect, it } from "vitest";
import { fieldErrorString } from "../core/validation.js";
import {
  findStatusCondition,
  isStatusConditionFalse,
  isStatusConditionPresentAndEqual,
  isStatusConditionTrue,
  removeStatusCondition,
  setStatusCondition,
  validateCondition,
  validateConditions,
  type Condition,
} from "./index.js";

const t0 = new Date("2024-05-01T10:00:00.123Z");
const t1 = new Date("2024-05-01T11:00:00Z");
const t2 = new Date("2024-05-01T12:00:00Z");

describe("setStatusCondition", () => {
  it("adds a new condition with lastTransitionTime = now (second precision)", () => {
    const conds: Condition[] = [];
    expect(setStatusCondition(conds, { type: "Ready", status: "False", reason: "Starting", observedGeneration: 1 }, t0)).toBe(true);
    expect(conds).toEqual([{ type: "Ready", status: "False", reason: "Starting", message: "", observedGeneration: 1, lastTransitionTime: "2024-05-01T10:00:00Z" }]);
  });

  it("keeps a given lastTransitionTime for a new condition", () => {
    const conds: Condition[] = [];
    setStatusCondition(conds, { type: "Ready", status: "True", reason: "Ok", lastTransitionTime: "2020-01-01T00:00:00Z" }, t0);
    expect(conds[0]?.lastTransitionTime).toBe("2020-01-01T00:00:00Z");
  });

  it("changes lastTransitionTime only when status changes", () => {
    const conds: Condition[] = [];
    setStatusCondition(conds, { type: "Ready", status: "False", reason: "Starting" }, t0);
    // same status, new reason/message/generation: changed, but no transition
    expect(setStatusCondition(conds, { type: "Ready", status: "False", reason: "Waiting", message: "pods pending", observedGeneration: 2 }, t1)).toBe(true);
    expect(conds[0]).toEqual({ type: "Ready", status: "False", reason: "Waiting", message: "pods pending", observedGeneration: 2, lastTransitionTime: "2024-05-01T10:00:00Z" });
    // nothing differs: unchanged
    expect(setStatusCondition(conds, { type: "Ready", status: "False", reason: "Waiting", message: "pods pending", observedGeneration: 2 }, t1)).toBe(false);
    // status flips: transition time moves
    expect(setStatusCondition(conds, { type: "Ready", status: "True", reason: "Ready", message: "", observedGeneration: 2 }, t2)).toBe(true);
    expect(conds[0]?.lastTransitionTime).toBe("2024-05-01T12:00:00Z");
    expect(conds).toHaveLength(1);
  });

  it("uses the given lastTransitionTime on a transition, and accepts a clock function", () => {
    const conds: Condition[] = [];
    setStatusCondition(conds, { type: "A", status: "True", reason: "R" }, () => t0);
    setStatusCondition(conds, { type: "A", status: "False", reason: "R", lastTransitionTime: "2030-01-01T00:00:00Z" }, t1);
    expect(conds[0]?.lastTransitionTime).toBe("2030-01-01T00:00:00Z");
  });

  it("keeps other conditions and their order", () => {
    const conds: Condition[] = [];
    setStatusCondition(conds, { type: "A", status: "True", reason: "R" }, t0);
    setStatusCondition(conds, { type: "B", status: "False", reason: "R" }, t0);
    setStatusCondition(conds, { type: "A", status: "False", reason: "R" }, t1);
    expect(conds.map((c) => [c.type, c.status])).toEqual([
      ["A", "False"],
      ["B", "False"],
    ]);
  });
});

describe("lookups and removal", () => {
  const conds: Condition[] = [];
  setStatusCondition(conds, { type: "Ready", status: "True", reason: "Ok" }, t0);
  setStatusCondition(conds, { type: "Degraded", status: "False", reason: "Fine" }, t0);
  setStatusCondition(conds, { type: "Progressing", status: "Unknown", reason: "Unknown" }, t0);

  it("finds and compares", () => {
    expect(findStatusCondition(conds, "Ready")?.reason).toBe("Ok");
    expect(findStatusCondition(conds, "Missing")).toBeUndefined();
    expect(findStatusCondition(undefined, "Ready")).toBeUndefined();
    expect(isStatusConditionTrue(conds, "Ready")).toBe(true);
    expect(isStatusConditionFalse(conds, "Ready")).toBe(false);
    expect(isStatusConditionFalse(conds, "Degraded")).toBe(true);
    expect(isStatusConditionTrue(conds, "Progressing")).toBe(false);
    expect(isStatusConditionFalse(conds, "Progressing")).toBe(false);
    expect(isStatusConditionPresentAndEqual(conds, "Progressing", "Unknown")).toBe(true);
    expect(isStatusConditionTrue(conds, "Missing")).toBe(false);
    expect(isStatusConditionFalse(conds, "Missing")).toBe(false);
  });

  it("removes", () => {
    const copy = structuredClone(conds);
    expect(removeStatusCondition(copy, "Degraded")).toBe(true);
    expect(removeStatusCondition(copy, "Degraded")).toBe(false);
    expect(copy.map((c) => c.type)).toEqual(["Ready", "Progressing"]);
  });
});

describe("validation", () => {
  const ok: Condition = { type: "example.com/Ready", status: "True", reason: "AllGood_1", message: "", lastTransitionTime: "2024-05-01T10:00:00Z", observedGeneration: 3 };

  it("accepts a valid condition", () => {
    expect(validateCondition(ok)).toEqual([]);
    expect(validateCondition({ ...ok, reason: "A" })).toEqual([]);
    expect(validateCondition({ ...ok, reason: "Foo:bar,baz_" })).toEqual([]);
  });

  it("reports each field with upstream's wording", () => {
    const bad = { type: "not a type", status: "Maybe", reason: "1bad-", message: "x".repeat(32 * 1024 + 1), lastTransitionTime: "", observedGeneration: -1 } as unknown as Condition;
    const msgs = validateCondition(bad).map(fieldErrorString);
    expect(msgs).toContain('status.conditions.status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"');
    expect(msgs).toContain("status.conditions.observedGeneration: Invalid value: -1: must be greater than or equal to zero");
    expect(msgs).toContain("status.conditions.lastTransitionTime: Required value: must be set");
    expect(msgs).toContain(
      `status.conditions.reason: Invalid value: "1bad-": a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'`,
    );
    expect(msgs).toContain("status.conditions.message: Too long: must have at most 32768 bytes");
    expect(msgs.some((m) => m.startsWith('status.conditions.type: Invalid value: "not a type": name part must consist of'))).toBe(true);
  });

  it("requires a reason and bounds its length", () => {
    expect(validateCondition({ ...ok, reason: "" }).map(fieldErrorString)).toEqual(["status.conditions.reason: Required value: must be set"]);
    expect(validateCondition({ ...ok, reason: "A".repeat(1025) }).map(fieldErrorString)).toEqual(["status.conditions.reason: Too long: must have at most 1024 bytes"]);
  });

  it("reports duplicate types in a list", () => {
    const errs = validateConditions([ok, { ...ok, status: "False" }]).map(fieldErrorString);
    expect(errs).toEqual(['status.conditions[1].type: Duplicate value: "example.com/Ready"']);
  });
});
