import { describe, expect, it } from "vitest";
import { accessModesAsString, age, boolPtr, formatLabelSelector, formatLabels, layoutContainerCells, listWithMoreString, since } from "./printers.js";

const now = new Date("2024-05-01T12:00:00Z");

describe("printers", () => {
  it("formats ages like kubectl", () => {
    expect(since(undefined, now)).toBe("<unknown>");
    expect(since("2024-05-01T11:59:30Z", now)).toBe("30s");
    expect(since("2024-05-01T11:55:00Z", now)).toBe("5m");
    expect(since("2024-04-28T12:00:00Z", now)).toBe("3d");
    expect(age({ metadata: { creationTimestamp: "2024-05-01T10:00:00Z" } }, now)).toBe("120m");
  });

  it("formats labels and selectors", () => {
    expect(formatLabels(undefined)).toBe("<none>");
    expect(formatLabels({})).toBe("<none>");
    expect(formatLabels({ tier: "fe", app: "web" })).toBe("app=web,tier=fe");
    expect(formatLabelSelector(undefined)).toBe("<none>");
    expect(formatLabelSelector({})).toBe("<none>");
    expect(formatLabelSelector({ matchLabels: { app: "web" }, matchExpressions: [{ key: "env", operator: "In", values: ["a", "b"] }] })).toBe("app=web,env in (a,b)");
  });

  it("formats lists, containers, access modes and booleans", () => {
    expect(listWithMoreString([], false, 0, 3)).toBe("<unset>");
    expect(listWithMoreString(["a", "b", "c"], true, 5, 3)).toBe("a,b,c + 2 more...");
    expect(layoutContainerCells([{ name: "a", image: "x" }, { name: "b", image: "y" }])).toEqual({ names: "a,b", images: "x,y" });
    expect(accessModesAsString(["ReadWriteOncePod", "ReadWriteOnce", "ReadWriteOnce"])).toBe("RWO,RWOP");
    expect(boolPtr(undefined)).toBe("<unset>");
    expect(boolPtr(true)).toBe("True");
  });
});
