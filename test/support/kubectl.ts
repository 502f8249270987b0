/**
 * Shared harness for the kubectl compatibility suite: one in-process control plane per kubectl version, a
 * kubeconfig and a private HOME / discovery cache in a temp dir, and helpers that run the real kubectl binary.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";

export interface KubectlVersion {
  version: string;
  bin: string;
}

export const kubectlVersions: readonly KubectlVersion[] = [
  { version: "1.27", bin: "/usr/lib/google-cloud-sdk/bin/kubectl.1.27" },
  { version: "1.33", bin: "/usr/lib/google-cloud-sdk/bin/kubectl.1.33" },
];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to kubectl's stdin (for `-f -`). */
  input?: string;
  /** Kill kubectl after this long (default 30 s); the result then has code -1. */
  timeoutMs?: number;
}

/** A kubectl running in the background (watches, waits, deletes that block). */
export interface BackgroundKubectl {
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout (or stderr) matches (rejects after timeoutMs with what was printed so far). */
  waitForOutput(match: RegExp | ((out: string) => boolean), timeoutMs?: number, stream?: "stdout" | "stderr"): Promise<string>;
  /** Resolves when kubectl exits on its own. */
  exited: Promise<RunResult>;
  /** Ends kubectl (SIGTERM) and resolves with what it printed. */
  stop(): Promise<RunResult>;
}

export class Kubectl {
  constructor(
    readonly version: string,
    readonly bin: string,
    readonly kubeconfig: string,
    readonly home: string,
  ) {}

  private env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: this.home,
      KUBECACHEDIR: join(this.home, "cache"),
      KUBECONFIG: this.kubeconfig,
      LANG: "C",
    };
  }

  private start(args: readonly string[], input: string | undefined): ReturnType<typeof spawn> {
    const child = spawn(this.bin, ["--kubeconfig", this.kubeconfig, ...args], { env: this.env(), stdio: ["pipe", "pipe", "pipe"] });
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(input ?? "");
    return child;
  }

  /** Runs kubectl to completion. */
  run(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = this.start(args, opts.input);
      let stdout = "";
      let stderr = "";
      child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
      child.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  /** Runs kubectl and returns stdout; throws with the whole output when it exits non-zero. */
  async ok(args: readonly string[], opts: RunOptions = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  }

  /** `kubectl ... -o json`, parsed. */
  async json<T = Record<string, unknown>>(args: readonly string[]): Promise<T> {
    return JSON.parse(await this.ok([...args, "-o", "json"])) as T;
  }

  /** Starts kubectl in the background. */
  background(args: readonly string[], opts: RunOptions = {}): BackgroundKubectl {
    const child = this.start(args, opts.input);
    let stdout = "";
    let stderr = "";
    const listeners = new Set<() => void>();
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      for (const l of listeners) l();
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      for (const l of listeners) l();
    });
    const hardLimit = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    const exited = new Promise<RunResult>((resolve) => {
      child.on("close", (code) => {
        clearTimeout(hardLimit);
        for (const l of listeners) l();
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
    let done = false;
    void exited.then(() => (done = true));
    return {
      stdout: () => stdout,
      stderr: () => stderr,
      exited,
      waitForOutput(match, timeoutMs = 15_000, stream = "stdout") {
        const test = typeof match === "function" ? match : (s: string) => match.test(s);
        return new Promise((resolve, reject) => {
          const check = (): void => {
            const text = stream === "stdout" ? stdout : stderr;
            if (test(text)) {
              cleanup();
              resolve(text);
            } else if (done) {
              cleanup();
              reject(new Error(`kubectl exited before the expected output\nstdout: ${stdout}\nstderr: ${stderr}`));
            }
          };
          const timer = setTimeout(() => {
            cleanup();
            reject(new Error(`timed out waiting for kubectl output\nstdout: ${stdout}\nstderr: ${stderr}`));
          }, timeoutMs);
          const cleanup = (): void => {
            clearTimeout(timer);
            listeners.delete(check);
          };
          listeners.add(check);
          check();
        });
      },
      async stop() {
        if (!done) child.kill("SIGTERM");
        return exited;
      },
    };
  }
}

export interface KubectlEnv {
  cp: RunningControlPlane;
  kubectl: Kubectl;
  /** A scratch directory for manifests. */
  dir: string;
  /** Creates a fresh namespace (unique name starting with `prefix`) and returns its name. */
  namespace(prefix?: string): Promise<string>;
  /** Writes a manifest file into the scratch directory; returns its path. */
  file(name: string, content: string): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

/** A unique DNS-label name. */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}-${counter}-${randomBytes(3).toString("hex")}`;
}

/** Starts a control plane and prepares kubectl `version` against it. */
export async function kubectlEnv(v: KubectlVersion): Promise<KubectlEnv> {
  const dir = await mkdtemp(join(tmpdir(), `kubeforge-kubectl-${v.version}-`));
  const cp = await startControlPlane();
  const kubeconfig = join(dir, "kubeconfig");
  await cp.writeKubeconfig(kubeconfig);
  const kubectl = new Kubectl(v.version, v.bin, kubeconfig, join(dir, "home"));
  const core = cp.kubeConfig.makeApiClient(CoreV1Api);
  return {
    cp,
    kubectl,
    dir,
    async namespace(prefix = "t") {
      const name = uniqueName(prefix);
      await core.createNamespace({ body: { metadata: { name } } });
      return name;
    },
    async file(name, content) {
      const path = join(dir, `${uniqueName("f")}-${name}`);
      await writeFile(path, content);
      return path;
    },
    async close() {
      await cp.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The rows of kubectl's table output, each split on runs of 2+ spaces (cells never contain those). */
export function tableRows(out: string): string[][] {
  return out
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.trim().split(/\s{2,}/));
}

/** Lines of output, without the trailing empty one. */
export function lines(out: string): string[] {
  return out.split("\n").filter((l) => l !== "");
}

/** Polls `fn` until it returns true (or throws after timeoutMs). */
export async function eventually(fn: () => Promise<boolean>, timeoutMs = 15_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
