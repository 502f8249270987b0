/** `kubeforge generate`: flags, exit codes, --check. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "./errors.js";
import { generateCommand } from "./generate.js";

const fixture = new URL("../codegen/testdata/full/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "kf-gen-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("kubeforge generate", () => {
  it("rejects bad flags as usage errors (exit 2)", async () => {
    await expect(generateCommand(["--bogus"], dir)).rejects.toBeInstanceOf(UsageError);
    await expect(generateCommand(["--max-desc-len", "x"], dir)).rejects.toThrow(/--max-desc-len must be a whole number/);
  });

  it("--check lists the files that would change and exits 1; --output-dir pointing at the goldens passes", async () => {
    const err: string[] = [];
    expect(await generateCommand(["--check", "--output-dir", "nowhere"], fixture, () => undefined, (s) => err.push(s))).toBe(1);
    expect(err.join("")).toContain("nowhere/rbac/role.yaml");
    expect(await generateCommand(["--check", "--output-dir", "expected/config"], fixture)).toBe(0);
  });

  it("generation errors exit 1 with file:line messages", async () => {
    const err: string[] = [];
    expect(await generateCommand([], new URL("../codegen/testdata/errors/", import.meta.url).pathname, () => undefined, (s) => err.push(s))).toBe(1);
    expect(err.join("")).toMatch(/^api\/v1\/bad\.types\.ts:5: unknown marker/);
  });
});
