/**
 * Fixture CRDs in → generated types out: compared with testdata/expected/**.golden (`UPDATE_GOLDEN=1` rewrites
 * them), then type-checked under the repo's strict options (plus noUnusedLocals and exactOptionalPropertyTypes)
 * together with testdata/usage.ts.fixture, which uses every mapped case and expects the wrong uses to fail.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCrds, writeImported, type GeneratedFile } from "./index.js";

const testdata = new URL("./testdata/", import.meta.url).pathname;
const repo = resolve(testdata, "../../..");
const inputs = ["crontab.yaml", "backups.json"];
const outDir = join(testdata, `out-${randomBytes(4).toString("hex")}`);

let files: GeneratedFile[] = [];
let notes: string[] = [];

beforeAll(async () => {
  ({ files, notes } = await importCrds(
    inputs.map((p) => ({ path: `testdata/${p}`, text: readFileSync(join(testdata, p), "utf8") })),
    { outputDir: "." },
  ));
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("import crd golden files", () => {
  it("generates one file per served version and notes the skipped document", () => {
    expect(files.map((f) => f.path).sort()).toEqual(["backup.example.io/v1beta2/backuppolicy.types.ts", "stable.example.com/v1/crontab.types.ts", "stable.example.com/v2/crontab.types.ts"]);
    expect(notes).toEqual(['testdata/crontab.yaml:2: skipping v1/ConfigMap "unrelated" (not a CustomResourceDefinition)']);
  });

  it("matches testdata/expected exactly", () => {
    for (const f of files) {
      const golden = join(testdata, "expected", `${f.path}.golden`);
      if (process.env["UPDATE_GOLDEN"] === "1") {
        mkdirSync(dirname(golden), { recursive: true });
        writeFileSync(golden, f.content);
      }
      expect(existsSync(golden), `${golden} is missing (run with UPDATE_GOLDEN=1)`).toBe(true);
      expect(f.content, f.path).toBe(readFileSync(golden, "utf8"));
    }
  });

  it("type-checks under the repo's strict options, accepting valid objects and rejecting invalid ones", async () => {
    await writeImported(outDir, files);
    copyFileSync(join(testdata, "usage.ts.fixture"), join(outDir, "usage.ts"));
    const cfg = ts.readConfigFile(join(repo, "tsconfig.json"), (p) => ts.sys.readFile(p));
    const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, repo);
    const options: ts.CompilerOptions = {
      ...parsed.options,
      noEmit: true,
      declaration: false,
      sourceMap: false,
      noUnusedLocals: true,
      noUnusedParameters: true,
      exactOptionalPropertyTypes: true,
      baseUrl: repo,
      paths: { kubeforge: ["runtime/index.ts"], "kubeforge/api": ["runtime/api/index.ts"] },
    };
    const roots = [...files.map((f) => join(outDir, f.path)), join(outDir, "usage.ts")];
    const program = ts.createProgram(roots, options);
    for (const r of roots) expect(program.getSourceFile(r), r).toBeDefined();
    // The imports resolve to the runtime's sources, not to an unresolved `any`.
    const resolvedRuntime = program.getSourceFiles().some((s) => s.fileName === join(repo, "runtime/api/types.ts"));
    expect(resolvedRuntime).toBe(true);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || d.file.fileName.startsWith(outDir))
      .map((d) => {
        const msg = ts.flattenDiagnosticMessageText(d.messageText, "\n");
        if (!d.file || d.start === undefined) return msg;
        const { line } = d.file.getLineAndCharacterOfPosition(d.start);
        return `${d.file.fileName.slice(outDir.length + 1)}:${line + 1}: ${msg}`;
      });
    expect(diagnostics).toEqual([]);
  });
});
