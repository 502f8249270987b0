/**
 * Child processes for the targets (so that a server never shares an event loop with the load generator) and
 * for measurements that need a fresh process or `--expose-gc`. A tiny request/reply protocol over IPC.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

interface Request {
  id: number;
  cmd: string;
  arg?: unknown;
}
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
type Hello = { hello: unknown } | { fatal: string };

export class Child<Ready> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited: Promise<number | null>;

  private constructor(
    readonly proc: ChildProcess,
    readonly ready: Ready,
  ) {
    this.exited = new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
    proc.on("message", (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    proc.once("exit", (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`child exited (${String(code)})`));
      this.pending.clear();
    });
  }

  /** Forks `script` (a path relative to the compiled bench/lib directory) and waits for its hello. */
  static async start<R>(script: string, args: string[] = [], execArgv: string[] = []): Promise<Child<R>> {
    const path = fileURLToPath(new URL(script, import.meta.url));
    const proc = fork(path, args, { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const hello = await new Promise<Hello>((resolve, reject) => {
      proc.once("message", (m: Hello) => resolve(m));
      proc.once("exit", (code) => reject(new Error(`${script} exited (${String(code)}) before it was ready`)));
      proc.once("error", reject);
    });
    if ("fatal" in hello) throw new Error(`${script}: ${hello.fatal}`);
    return new Child<R>(proc, hello.hello as R);
  }

  call<T>(cmd: string, arg?: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject });
      this.proc.send({ id, cmd, ...(arg !== undefined ? { arg } : {}) } satisfies Request);
    });
  }

  /** Asks the child to exit (it stops what it serves first); kills it after 5 s. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    try {
      await Promise.race([this.call("exit"), this.exited]);
    } catch {
      // it exits while answering
    }
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

export type Handler = (arg: unknown) => unknown;

/** Child side: says hello with `hello`, then answers commands; "exit" runs `onExit` and exits. */
export async function serveParent(hello: () => Promise<unknown>, handlers: Record<string, Handler>, onExit: () => Promise<void> = async () => undefined): Promise<void> {
  const send = (m: unknown): void => {
    process.send?.(m);
  };
  try {
    send({ hello: await hello() });
  } catch (err) {
    send({ fatal: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  }
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= onExit().catch(() => undefined));
  process.on("disconnect", () => void stop().finally(() => process.exit(0)));
  process.on("message", (m: Request) => {
    void (async () => {
      if (m.cmd === "exit") {
        await stop();
        process.send?.({ id: m.id, ok: true, result: null }, () => process.exit(0));
        return;
      }
      const h = handlers[m.cmd];
      try {
        if (!h) throw new Error(`unknown command ${m.cmd}`);
        send({ id: m.id, ok: true, result: (await h(m.arg)) ?? null });
      } catch (err) {
        send({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
}
