/** The package's export map points at files the build produces, and each entry point loads. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, string>; bin: Record<string, string> };

describe("package exports", () => {
  it.each(Object.entries(pkg.exports))("%s → %s has a source module and loads", async (_name, target) => {
    const source = target.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts");
    expect(existsSync(join(root, source)), `${source} missing`).toBe(true);
    const mod = (await import(join(root, source))) as Record<string, unknown>;
    expect(Object.keys(mod).length).toBeGreaterThan(0);
  });

  it("the bin entry exists", () => {
    expect(existsSync(join(root, pkg.bin.kubeforge ?? ""))).toBe(true);
  });
});
