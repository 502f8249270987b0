/**
 * Benchmark 9: the scaffolder, as a user runs it (the CLI in child processes, never in this process).
 *  a. a project with K kinds (`init --multigroup`, then K `create api` across G groups, controllers included):
 *     the scaffolding time, then `kubeforge generate` cold (a new CLI process per run, wall time), and the
 *     library's `generate()` in a fresh process of its own (this module run with `--generate-child`), which
 *     splits a cold generate into Node boot, module imports, generate() itself and the writes, and times a
 *     second and third generate() in the same process (warm).
 *  b. `init` → a green `npm test`: init, `npm install` (network / npm cache), `create api` for one kind, `npm test`
 *     (pretest `kubeforge generate`, then vitest with the controller test on a local control plane), per phase.
 *  c. (a) again with the project's dependencies installed: node_modules of a project of (b), symlinked in, so that
 *     generate() resolves `kubeforge`'s type declarations as it does in a real project.
 * No peer can be installed here (controller-gen and Kubebuilder need Go): the anchor for (a) is reported, not measured.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Recorder } from "./lib/results.js";
import { median } from "./lib/stats.js";

export interface ScaffoldBenchOptions {
  /** Kinds in the big project, spread over `groups` groups (round-robin). */
  kinds: number;
  groups: number;
  /** Cold CLI generates and generate children per variant. */
  generateRuns: number;
  /** init → npm test runs (0 skips part b and therefore c). */
  testRuns: number;
}

const bin = fileURLToPath(new URL("../../bin/kubeforge.js", import.meta.url));
const self = fileURLToPath(import.meta.url);

interface Exec {
  ms: number;
  stdout: string;
}

/** Runs a command to completion; wall time from spawn to exit; throws with its output on a non-zero exit. */
function exec(cmd: string, args: string[], cwd: string): Promise<Exec> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.once("error", reject);
    p.once("close", (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve({ ms, stdout: out });
      else reject(new Error(`scaffold bench: ${cmd} ${args.join(" ")} (in ${cwd}) exited ${String(code)}\n${out.slice(-3000)}\n${err.slice(-3000)}`));
    });
  });
}

const kubeforge = (args: string[], cwd: string): Promise<Exec> => exec(process.execPath, [bin, ...args], cwd);

/** What one `--generate-child` process measured (ms). */
interface ChildTimes {
  /** process start → this module running (Node boot). */
  boot: number;
  /** import of src/codegen (ts-morph, TypeScript, our code generator). */
  importCodegen: number;
  /** first generate() in the process. */
  generateCold: number;
  /** second and third generate() in the same process. */
  generateWarm: number;
  generateWarm2: number;
  writeGenerated: number;
  /** import of the CLI (src/cli/main.js) on top of codegen: the other commands' modules (yeoman, runtime, ...). */
  importRestOfCLI: number;
  files: number;
}

async function generateChild(root: string): Promise<void> {
  const boot = performance.now();
  let t = boot;
  const lap = (): number => {
    const n = performance.now();
    const d = n - t;
    t = n;
    return d;
  };
  const codegen = await import("../src/codegen/index.js");
  const importCodegen = lap();
  const files = codegen.generate({ root });
  const generateCold = lap();
  codegen.generate({ root });
  const generateWarm = lap();
  codegen.generate({ root });
  const generateWarm2 = lap();
  await codegen.writeGenerated(root, files);
  const writeGenerated = lap();
  await import("../src/cli/main.js");
  const importRestOfCLI = lap();
  const r: ChildTimes = { boot, importCodegen, generateCold, generateWarm, generateWarm2, writeGenerated, importRestOfCLI, files: files.length };
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

async function childRun(root: string): Promise<ChildTimes & { wall: number }> {
  const r = await exec(process.execPath, [self, "--generate-child", root], root);
  const last = r.stdout.trim().split("\n").pop() ?? "";
  return { ...(JSON.parse(last) as ChildTimes), wall: r.ms };
}

const fmt = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

/** Cold CLI generates and generate children, interleaved; recorded under `suffix`. */
async function measureGenerate(rec: Recorder, root: string, kinds: number, runs: number, suffix: string, log: (s: string) => void): Promise<void> {
  const cli: { "ms/generate": number }[] = [];
  const child: Record<string, number>[] = [];
  for (let r = 0; r < runs; r++) {
    cli.push({ "ms/generate": (await kubeforge(["generate"], root)).ms });
    const c = await childRun(root);
    child.push({ "wall ms": c.wall, "boot ms": c.boot, "import codegen ms": c.importCodegen, "generate cold ms": c.generateCold, "generate warm ms": c.generateWarm, "generate warm2 ms": c.generateWarm2, "write ms": c.writeGenerated, "import rest of CLI ms": c.importRestOfCLI, files: c.files });
  }
  const m = rec.add("scaffold", `kubeforge generate (CLI, new process), ${kinds} kinds${suffix}`, "kubeforge", cli);
  const c = rec.add("scaffold", `generate() breakdown, fresh process, ${kinds} kinds${suffix}`, "kubeforge", child);
  const g = (k: string): number => c.median[k] ?? Number.NaN;
  log(`  kubeforge generate, CLI cold${suffix}: ${fmt(m.median["ms/generate"] ?? Number.NaN)} (runs: ${cli.map((x) => fmt(x["ms/generate"])).join(", ")})`);
  log(`  library in a fresh process${suffix}: boot ${fmt(g("boot ms"))}, import codegen ${fmt(g("import codegen ms"))}, generate() cold ${fmt(g("generate cold ms"))}, warm ${fmt(g("generate warm ms"))} / ${fmt(g("generate warm2 ms"))}, write ${fmt(g("write ms"))} (${g("files")} files); the CLI's other modules add ${fmt(g("import rest of CLI ms"))}`);
}

export async function benchScaffold(rec: Recorder, o: ScaffoldBenchOptions, log: (s: string) => void): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), "kubeforge-bench-scaffold-"));
  try {
    // a. the big project
    const big = join(base, "bench-operator");
    await mkdir(big);
    const init = await kubeforge(["init", "--domain", "bench.example.com", "--multigroup"], big);
    const creates: number[] = [];
    for (let i = 0; i < o.kinds; i++) {
      const g = i % o.groups;
      const r = await kubeforge(["create", "api", "--group", `group${g}`, "--version", "v1", "--kind", `Kind${i}`], big);
      creates.push(r.ms);
    }
    const total = init.ms + creates.reduce((a, b) => a + b, 0);
    rec.add("scaffold", `init --multigroup + ${o.kinds} create api (one pass)`, "kubeforge", [{ "init ms": init.ms, "create api p50 ms": median(creates), "create api max ms": Math.max(...creates), "total s": total / 1000 }]);
    log(`  init ${fmt(init.ms)}, ${o.kinds} × create api (${o.groups} groups, with controllers): ${fmt(median(creates))} each (median; max ${fmt(Math.max(...creates))}), total ${fmt(total)}`);
    await measureGenerate(rec, big, o.kinds, o.generateRuns, " (no node_modules)", log);

    // b. init → green npm test
    let installed: string | undefined;
    if (o.testRuns > 0) {
      const phases: Record<string, number>[] = [];
      for (let r = 0; r < o.testRuns; r++) {
        const dir = join(base, `run${r}`, "guestbook-operator");
        await mkdir(dir, { recursive: true });
        const ti = await kubeforge(["init", "--domain", "example.com"], dir);
        const tn = await exec("npm", ["install"], dir);
        const tc = await kubeforge(["create", "api", "--group", "webapp", "--version", "v1", "--kind", "Guestbook"], dir);
        const tt = await exec("npm", ["test"], dir);
        if (!/Tests\s+1 passed/.test(tt.stdout)) throw new Error(`scaffold bench: npm test did not pass one test:\n${tt.stdout.slice(-2000)}`);
        const vitest = /Duration\s+([\d.]+)(m?s)/.exec(tt.stdout);
        const vitestMs = vitest ? Number(vitest[1]) * (vitest[2] === "s" ? 1000 : 1) : Number.NaN;
        const p = { "init ms": ti.ms, "npm install ms": tn.ms, "create api ms": tc.ms, "npm test ms": tt.ms, "vitest Duration ms": vitestMs, "total without install ms": ti.ms + tc.ms + tt.ms, "total ms": ti.ms + tn.ms + tc.ms + tt.ms };
        phases.push(p);
        log(`  run ${r + 1}: init ${fmt(ti.ms)}, npm install ${fmt(tn.ms)}, create api ${fmt(tc.ms)}, npm test ${fmt(tt.ms)} (vitest's Duration ${fmt(vitestMs)}), total ${fmt(p["total ms"])}`);
        installed = dir;
      }
      const m = rec.add("scaffold", "init → npm install → create api → green npm test", "kubeforge", phases);
      log(`  median of ${o.testRuns}: total ${fmt(m.median["total ms"] ?? Number.NaN)}, without npm install ${fmt(m.median["total without install ms"] ?? Number.NaN)}`);
    }

    // c. the big project with dependencies installed
    if (installed && existsSync(join(installed, "node_modules"))) {
      await symlink(join(installed, "node_modules"), join(big, "node_modules"), "dir");
      await measureGenerate(rec, big, o.kinds, o.generateRuns, " (with node_modules)", log);
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
  rec.notes.push("scaffold: no peer can run here (controller-gen / Kubebuilder need Go); controller-gen's minutes on large projects is an anchor from reports, not measured");
}

if (process.argv[2] === "--generate-child" && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  generateChild(process.argv[3] ?? process.cwd()).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
