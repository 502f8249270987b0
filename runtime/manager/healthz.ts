/**
 * Health and readiness endpoints with controller-runtime's (and kube-apiserver's) behaviour: `/healthz` and
 * `/readyz` run every named check; `/healthz/<name>` runs one; `?verbose` lists each check; `?exclude=<name>`
 * skips one. Success answers 200 `ok`; a failure answers 500 with one line per check (reasons withheld unless
 * verbose), e.g.
 *
 *   [+]ping ok
 *   [-]cache-sync failed: reason withheld
 *   healthz check failed
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** A health or readiness check: resolves when healthy, throws (or rejects) with the reason when not. */
export type Checker = () => void | Promise<void>;

/** Always healthy (controller-runtime's healthz.Ping). */
export const ping: Checker = () => {};

/** A named set of checks served under one path prefix. */
export class CheckSet {
  private readonly checks = new Map<string, Checker>();

  constructor(readonly kind: "healthz" | "readyz") {}

  /** Adds a check; throws if the name is taken or empty. */
  add(name: string, check: Checker): void {
    if (!name || name.includes("/")) throw new Error(`invalid ${this.kind} check name ${JSON.stringify(name)}`);
    if (this.checks.has(name)) throw new Error(`${this.kind} check ${JSON.stringify(name)} already exists`);
    this.checks.set(name, check);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  /** Runs the checks (all, or only `only`), in name order. */
  async run(only?: string, exclude: ReadonlySet<string> = new Set()): Promise<Array<{ name: string; error: string | undefined }>> {
    const names = [...this.checks.keys()].filter((n) => (only === undefined || n === only) && !exclude.has(n)).sort();
    return Promise.all(
      names.map(async (name) => {
        try {
          await this.checks.get(name)?.();
          return { name, error: undefined };
        } catch (err) {
          return { name, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
  }

  /** Answers `/healthz[/<name>]` (or readyz); returns false when the path is not this set's. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const prefix = `/${this.kind}`;
    if (url.pathname !== prefix && url.pathname !== `${prefix}/` && !url.pathname.startsWith(`${prefix}/`)) return false;
    const sub = url.pathname.slice(prefix.length + 1);
    const only = sub.length > 0 ? decodeURIComponent(sub) : undefined;
    if (only !== undefined && !this.checks.has(only)) {
      send(res, 404, `404 page not found\n`);
      return true;
    }
    const verbose = url.searchParams.has("verbose");
    const exclude = new Set(url.searchParams.getAll("exclude"));
    const results = await this.run(only, exclude);
    const failed = results.some((r) => r.error !== undefined);
    if (!failed && !verbose) {
      send(res, 200, "ok");
      return true;
    }
    let body = "";
    for (const r of results) body += r.error === undefined ? `[+]${r.name} ok\n` : `[-]${r.name} failed: ${verbose ? r.error : "reason withheld"}\n`;
    for (const n of exclude) if (this.checks.has(n)) body += `[+]${n} excluded: ok\n`;
    body += failed ? `${this.kind} check failed\n` : `${this.kind} check passed\n`;
    send(res, failed ? 500 : 200, body);
    return true;
  }
}

function send(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
