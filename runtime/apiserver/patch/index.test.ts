import { describe, expect, it } from "vitest";
import { StatusError } from "../../core/errors.js";
import { applyPatch, PatchError, patchTypeForContentType, PATCH_CONTENT_TYPES } from "./index.js";

describe("patch index", () => {
  it("maps content types to patch types", () => {
    expect(patchTypeForContentType("application/json-patch+json")).toBe("json");
    expect(patchTypeForContentType("application/merge-patch+json; charset=utf-8")).toBe("merge");
    expect(patchTypeForContentType(PATCH_CONTENT_TYPES.strategic)).toBe("strategic");
    expect(patchTypeForContentType("application/apply-patch+yaml")).toBeUndefined();
  });

  it("dispatches on the patch type", () => {
    const live = { metadata: { finalizers: ["a"] } };
    const meta = { fields: { metadata: { fields: { finalizers: { strategy: "merge" as const } } } } };
    expect(applyPatch("json", live, [{ op: "add", path: "/metadata/finalizers/-", value: "b" }])).toEqual({ metadata: { finalizers: ["a", "b"] } });
    expect(applyPatch("merge", live, { metadata: { finalizers: ["b"] } })).toEqual({ metadata: { finalizers: ["b"] } });
    // A patch-only item that the live list lacks is placed before the live-only ones (upstream mergeSortedSlice).
    expect(applyPatch("strategic", live, { metadata: { finalizers: ["b"] } }, meta)).toEqual({ metadata: { finalizers: ["b", "a"] } });
    expect(() => applyPatch("strategic", live, {})).toThrow(PatchError);
  });

  it("converts to a core StatusError carrying the wire Status", () => {
    const err = new PatchError("Invalid", "testing value /a failed: test failed");
    const se = err.toStatusError();
    expect(se).toBeInstanceOf(StatusError);
    expect(se.code).toBe(422);
    expect(se.reason).toBe("Invalid");
    expect(se.status.message).toBe("the server rejected our request due to an error in our request");
  });
});
