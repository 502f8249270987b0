import { describe, expect, it } from "vitest";
import { checkDomain, checkKind, checkVersion, NameError, pluralize } from "./names.js";

describe("scaffold names", () => {
  it("pluralizes kinds as Kubebuilder does", () => {
    expect(["Guestbook", "Policy", "Ingress", "Box", "Person", "Key", "Endpoints", "Wolf", "Potato", "Photo"].map(pluralize)).toEqual([
      "guestbooks",
      "policies",
      "ingresses",
      "boxes",
      "people",
      "keys",
      "endpoints",
      "wolves",
      "potatoes",
      "photos",
    ]);
  });

  it("rejects bad names with the flag and an example of a good one", () => {
    expect(() => checkKind("guestbook")).toThrow('--kind "guestbook" must be PascalCase (start with an upper-case letter, letters and digits only), e.g. --kind Guestbook');
    expect(() => checkKind("my-kind")).toThrow("e.g. --kind MyKind");
    expect(() => checkVersion("1")).toThrow('--version "1" is not a Kubernetes API version: use v1, v1beta1, v2alpha1 and the like');
    expect(() => checkVersion("v1beta")).toThrow(NameError);
    expect(() => checkDomain("Example.COM")).toThrow("is not a DNS subdomain");
    expect(() => checkVersion("v2alpha1")).not.toThrow();
    expect(() => checkKind("CronJob")).not.toThrow();
  });
});
