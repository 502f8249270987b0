/** Golden tests: fixture API types in testdata/<case>/ → manifests in testdata/<case>/expected/ (UPDATE_GOLDEN=1 rewrites them). */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate, GenerationError } from "./index.js";

const testdata = new URL("./testdata/", import.meta.url).pathname;
const update = process.env.UPDATE_GOLDEN === "1";

function golden(path: string, actual: string): void {
  if (update) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("golden manifests", () => {
  it("full: every CRD, RBAC and webhook marker", () => {
    const root = join(testdata, "full");
    const files = generate({ root });
    expect(files.map((f) => f.path)).toEqual([
      "config/crd/bases/webapp.example.com_guestbooks.yaml",
      "config/crd/bases/webapp.example.com_legacies.yaml",
      "config/rbac/role.yaml",
      "config/webhook/manifests.yaml",
    ]);
    for (const f of files) golden(join(root, "expected", f.path), f.content);
  });

  it("is deterministic", () => {
    const root = join(testdata, "full");
    expect(generate({ root })).toEqual(generate({ root }));
  });

  it("maxDescLen cuts descriptions and 0 drops them", () => {
    const root = join(testdata, "full");
    const cut = generate({ root, maxDescLen: 10 }).find((f) => f.path.endsWith("_legacies.yaml"))?.content ?? "";
    expect(cut).toContain("description: Legacy is ...");
    const none = generate({ root, maxDescLen: 0 }).find((f) => f.path.endsWith("_legacies.yaml"))?.content ?? "";
    expect(none).not.toContain("description:");
  });

  it("errors: bad markers and types name file:line, the marker and the expected form", () => {
    const root = join(testdata, "errors");
    let message = "";
    try {
      generate({ root });
    } catch (err) {
      expect(err).toBeInstanceOf(GenerationError);
      message = (err as Error).message;
    }
    expect(message).not.toBe("");
    golden(join(root, "expected.txt"), `${message}\n`);
  });
});
