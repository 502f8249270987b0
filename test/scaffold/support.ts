/**
 * Helpers for the scaffold end-to-end tests (the same as test/scaffold/scaffold.test.ts's own): run a command
 * to completion with its output, and run this checkout's CLI (bin/kubeforge.js, the built dist/) like a user.
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "../..");
export const cli = join(root, "bin", "kubeforge.js");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd` in `cwd` to completion (SIGKILL after timeoutMs: code -1). */
export function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", rej);
    child.on("exit", (code) => {
      clearTimeout(timer);
      res({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** `kubeforge <args>` in `cwd`. */
export const kf = (args: string[], cwd: string, timeoutMs?: number): Promise<Run> => run(process.execPath, [cli, ...args], cwd, timeoutMs);
