/**
 * The manager (controller-runtime's manager.Manager): one client, one cache, and the runnables (controllers,
 * servers, anything with `start(signal)`) that share them, with leader election, health probes, Prometheus
 * metrics and graceful shutdown.
 *
 *   const mgr = new Manager({ kubeConfig, leaderElection: { id: "petset.kubeforge.dev" }, metricsBindAddress: ":8080", healthProbeBindAddress: ":8081" });
 *   mgr.add(controller);
 *   await runManager(mgr); // SIGTERM/SIGINT → graceful shutdown, exit code 0; lost lease → exit code 1
 *
 * Start order (`start`):
 * 1. the metrics and health probe servers listen (a bind failure rejects `start`);
 * 2. the cache starts and `start` waits for it to sync (retrying forever while the API server is unreachable:
 *    `/readyz` answers 500 meanwhile, nothing crashes);
 * 3. runnables that do not need leader election start;
 * 4. leader election starts (without `leaderElection`, this candidate is elected at once);
 * 5. once elected, runnables that need leader election start and `elected()` resolves.
 *
 * Shutdown (the signal passed to `start` aborts): every runnable's signal aborts; the manager waits up to
 * `gracefulShutdownTimeout` for them to return, then releases the lease (`releaseOnCancel`, default true),
 * stops the cache and closes the servers. `start` resolves when that finished in time and rejects with
 * {@link GracefulShutdownTimeoutError} when it did not.
 *
 * Failures: a runnable whose `start` rejects stops the manager (the others get a graceful shutdown) and
 * `start` rejects with that error. A lost lease stops the leader-only runnables at once (no grace period, like
 * controller-runtime) and `start` rejects with {@link LeaderElectionLostError}: the process must exit non-zero
 * so that it restarts as a follower ({@link runManager} does this).
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import { Cache, type CacheOptions } from "../cache/cache.js";
import { ClientListerWatcherProvider } from "../cache/clientlistwatch.js";
import type { ListerWatcherProvider } from "../cache/listwatch.js";
import { Client, type ClientOptions } from "../client/client.js";
import { StaticRESTMapper } from "../client/restmapper.js";
import { needsLeaderElection, type Runnable } from "../controller/runnable.js";
import { LeaderElector, LeaseLostError } from "../leaderelection/leaderelection.js";
import { LeaseLock } from "../leaderelection/resourcelock.js";
import { setMetricsProvider, type MetricsProvider } from "../workqueue/metrics.js";
import { CheckSet, type Checker } from "./healthz.js";
import { consoleLogger, type Logger } from "./logger.js";
import { newRegistry, prometheusControllerProvider, prometheusLeaderMetrics, prometheusWorkqueueProvider } from "./metrics.js";
import { setControllerMetricsProvider, type ControllerMetricsProvider } from "../controller/metrics.js";

export interface LeaderElectionOptions {
  /** The Lease's name (controller-runtime's LeaderElectionID), e.g. "petset.kubeforge.dev". */
  id: string;
  /**
   * The Lease's namespace. Default: the pod's namespace when running in a cluster
   * (/var/run/secrets/kubernetes.io/serviceaccount/namespace), else the kubeconfig context's, else "default".
   */
  namespace?: string;
  /** This candidate's identity; default `<hostname>_<uuid>` (as controller-runtime). */
  identity?: string;
  /** ms; default 15 s. */
  leaseDuration?: number;
  /** ms; default 10 s. */
  renewDeadline?: number;
  /** ms; default 2 s. */
  retryPeriod?: number;
  /** Release the Lease on graceful shutdown (holder "", leaseDurationSeconds 1); default true. */
  releaseOnCancel?: boolean;
}

export interface ManagerOptions {
  kubeConfig: KubeConfig;
  /** Options of the manager's client (rate limits, user agent, field manager). */
  client?: ClientOptions;
  /** Options of the manager's cache; `provider` defaults to ListerWatchers over the manager's client. */
  cache?: Omit<CacheOptions, "provider" | "logger"> & { provider?: ListerWatcherProvider };
  /** Leader election on a coordination.k8s.io/v1 Lease; unset: no election (every replica leads). */
  leaderElection?: LeaderElectionOptions;
  /**
   * Where `/metrics` listens: "host:port", ":port" (every interface), port 0 for an ephemeral one;
   * "0" or "" disables it. Default "0" (as Kubebuilder's scaffold).
   */
  metricsBindAddress?: string;
  /** Where `/healthz` and `/readyz` listen (same forms); default "0" (disabled), as controller-runtime. */
  healthProbeBindAddress?: string;
  /** How long shutdown waits for runnables to return (ms; default 30 s; 0 = don't wait). */
  gracefulShutdownTimeout?: number;
  /** Structured logger (default: errors as JSON lines on stderr, info dropped). */
  logger?: Logger;
  /** The Prometheus registry (default a new one per manager, with prom-client's process metrics). */
  registry?: Registry;
  /**
   * Make the manager's work queue and controller metrics providers the process defaults (workqueue's
   * setMetricsProvider, controller's setControllerMetricsProvider), so that queues and controllers created
   * without an explicit provider report to this manager's registry. Default true; the last manager wins.
   */
  setGlobalMetricsProviders?: boolean;
}

/** The lease was lost while running: the process should exit non-zero and restart as a follower. */
export class LeaderElectionLostError extends Error {
  constructor(readonly lease: string) {
    super(`leader election lost (lease ${lease})`);
    this.name = "LeaderElectionLostError";
  }
}

/** Runnables did not return within the graceful shutdown timeout. */
export class GracefulShutdownTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`failed waiting for all runnables to end within grace period of ${timeoutMs / 1000}s: context deadline exceeded`);
    this.name = "GracefulShutdownTimeoutError";
  }
}

/** Where the servers listen once started (undefined = disabled). */
export interface ManagerAddresses {
  metrics: AddressInfo | undefined;
  healthProbe: AddressInfo | undefined;
}

/** Parses "host:port", ":port", "[v6]:port"; undefined for "0" / "" (disabled). */
export function parseBindAddress(addr: string | undefined): { host: string | undefined; port: number } | undefined {
  if (addr === undefined || addr === "" || addr === "0") return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new Error(`invalid bind address ${JSON.stringify(addr)} (want host:port, :port or 0)`);
  const host = m[1] ?? m[2];
  return { host: host ? host : undefined, port: Number(m[3]) };
}

function defaultNamespace(kc: KubeConfig): string {
  try {
    const ns = readFileSync("/var/run/secrets/kubernetes.io/serviceaccount/namespace", "utf8").trim();
    if (ns) return ns;
  } catch {
    // not in a cluster
  }
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return ctx?.namespace || "default";
}

const leaseMapping = {
  groupVersionKind: { group: "coordination.k8s.io", version: "v1", kind: "Lease" },
  resource: { group: "coordination.k8s.io", version: "v1", resource: "leases" },
  namespaced: true,
  subresources: [],
};

function anySignal(signals: AbortSignal[]): AbortSignal {
  return AbortSignal.any(signals);
}

type Phase = "new" | "starting" | "running" | "stopping" | "stopped";

export class Manager {
  /** The client (reads go to the API server; use `cache` for cached reads). */
  readonly client: Client;
  readonly cache: Cache;
  /** The Prometheus registry served on `/metrics`; register your own metrics here. */
  readonly registry: Registry;
  /** The work queue metrics provider feeding `workqueue_*` in `registry`. */
  readonly workqueueMetricsProvider: MetricsProvider;
  /** The controller metrics provider feeding `controller_runtime_*` in `registry`. */
  readonly controllerMetricsProvider: ControllerMetricsProvider;
  readonly logger: Logger;

  private readonly opts: ManagerOptions;
  private readonly gracefulShutdownTimeout: number;
  private readonly healthz = new CheckSet("healthz");
  private readonly readyz = new CheckSet("readyz");
  private readonly runnables: Runnable[] = [];
  private readonly leaderMetrics;
  private phase: Phase = "new";
  private cacheSynced = false;
  private electedResolve!: () => void;
  private readonly electedPromise: Promise<void>;
  private listeningResolve!: (a: ManagerAddresses) => void;
  private readonly listeningPromise: Promise<ManagerAddresses>;
  private elector: LeaderElector | undefined;
  /** Runnables started so far, by group. */
  private readonly runs = { others: new Set<Promise<void>>(), leader: new Set<Promise<void>>() };
  private othersAbort: AbortController | undefined;
  /** Aborts when leadership ends; undefined until elected. */
  private leaderSignal: AbortSignal | undefined;
  private failure: ((err: Error) => void) | undefined;

  constructor(opts: ManagerOptions) {
    this.opts = opts;
    this.logger = opts.logger ?? consoleLogger();
    this.gracefulShutdownTimeout = opts.gracefulShutdownTimeout ?? 30_000;
    this.client = new Client(opts.kubeConfig, opts.client ?? {});
    const { provider, ...cacheOpts } = opts.cache ?? {};
    this.cache = new Cache({ ...cacheOpts, provider: provider ?? new ClientListerWatcherProvider(this.client), logger: this.logger });
    this.registry = opts.registry ?? newRegistry(true);
    this.workqueueMetricsProvider = prometheusWorkqueueProvider(this.registry);
    this.controllerMetricsProvider = prometheusControllerProvider(this.registry);
    if (opts.setGlobalMetricsProviders ?? true) {
      setMetricsProvider(this.workqueueMetricsProvider);
      setControllerMetricsProvider(this.controllerMetricsProvider);
    }
    this.leaderMetrics = prometheusLeaderMetrics(this.registry);
    this.electedPromise = new Promise((resolve) => (this.electedResolve = resolve));
    this.listeningPromise = new Promise((resolve) => (this.listeningResolve = resolve));
    this.readyz.add("cache-sync", () => {
      if (!this.cacheSynced || !this.cache.hasSynced()) throw new Error("caches have not synced");
    });
    if (opts.leaderElection) parseLeaderElection(opts.leaderElection);
  }

  /**
   * Adds a runnable. Runnables that need leader election (`needLeaderElection()` absent or true, as
   * controller-runtime) start once elected; the others once the cache has synced. Added after `start`, a
   * runnable starts at once if its group already started. Throws once the manager is stopping.
   */
  add(runnable: Runnable): void {
    if (this.phase === "stopping" || this.phase === "stopped") throw new Error("cannot add a runnable to a manager that is shutting down");
    this.runnables.push(runnable);
    if (this.phase === "running") this.startRunnable(runnable);
  }

  /** Adds a liveness check served under `/healthz` and `/healthz/<name>`. */
  addHealthzCheck(name: string, check: Checker): void {
    this.healthz.add(name, check);
  }

  /** Adds a readiness check served under `/readyz`; `/readyz` also fails until the cache has synced. */
  addReadyzCheck(name: string, check: Checker): void {
    this.readyz.add(name, check);
  }

  /** Resolves once this candidate is the leader (at once after cache sync without leader election). */
  elected(): Promise<void> {
    return this.electedPromise;
  }

  /** Resolves with the servers' addresses once they listen (ports resolved when bound to port 0). */
  listening(): Promise<ManagerAddresses> {
    return this.listeningPromise;
  }

  /** The leader elector, once started with leader election (for tests and status pages). */
  leaderElector(): LeaderElector | undefined {
    return this.elector;
  }

  /**
   * Runs everything until `signal` aborts (see the module comment for the order), then shuts down gracefully.
   * Resolves after a clean shutdown; rejects with LeaderElectionLostError, GracefulShutdownTimeoutError, a
   * server bind error or the error of a failed runnable. May be called once.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.phase !== "new") throw new Error("manager already started");
    this.phase = "starting";
    let failed: Error | undefined;
    const stop = new AbortController();
    const failurePromise = new Promise<void>((resolve) => {
      this.failure = (err) => {
        failed ??= err;
        resolve();
        stop.abort(err);
      };
    });
    const onAbort = (): void => stop.abort(signal.reason);
    if (signal.aborted) stop.abort(signal.reason);
    else signal.addEventListener("abort", onAbort, { once: true });

    const servers: Server[] = [];
    const cacheAbort = new AbortController();
    let cacheRun: Promise<void> | undefined;
    const leAbort = new AbortController();
    let leRun: Promise<void> | undefined;
    this.othersAbort = new AbortController();
    let leaderWork: Promise<void> | undefined;
    let leaderAbort: AbortController | undefined;
    let lost = false;

    try {
      // 1. servers
      const metricsAddr = await this.serve(servers, parseBindAddress(this.opts.metricsBindAddress), (req, res) => this.serveMetrics(req, res));
      const probeAddr = await this.serve(servers, parseBindAddress(this.opts.healthProbeBindAddress), (req, res) => this.serveProbes(req, res));
      this.listeningResolve({ metrics: metricsAddr, healthProbe: probeAddr });

      // 2. cache
      cacheRun = this.cache.start(cacheAbort.signal).catch((err: unknown) => this.failure?.(asError(err)));
      const synced = await this.cache.waitForCacheSync(stop.signal);
      if (synced && !stop.signal.aborted) {
        this.cacheSynced = true;
        this.logger.info("caches synced");

        // 3. runnables without leader election
        this.phase = "running";
        for (const r of this.runnables) if (!needsLeaderElection(r)) this.startRunnable(r);

        // 4. leader election
        const le = this.opts.leaderElection;
        const startLeading = (leaderSignal: AbortSignal): Promise<void> => {
          leaderAbort = new AbortController();
          const s = anySignal([leaderSignal, leaderAbort.signal]);
          this.leaderSignal = s;
          for (const r of this.runnables) if (needsLeaderElection(r)) this.startRunnable(r, s);
          this.electedResolve();
          const work = new Promise<void>((resolve) => s.addEventListener("abort", () => resolve(), { once: true })).then(async () => {
            if (leaderSignal.reason instanceof LeaseLostError && !stop.signal.aborted) {
              // lost: no grace period (controller-runtime), fail now
              lost = true;
              const lease = this.elector?.name ?? "";
              this.logger.error("leader election lost", leaderSignal.reason, { lease });
              this.failure?.(new LeaderElectionLostError(lease));
            }
            await this.waitRunnables(this.runs.leader, lost ? 0 : this.gracefulShutdownTimeout);
          });
          leaderWork = work;
          return work;
        };
        if (le) {
          const cfg = parseLeaderElection(le);
          const namespace = le.namespace ?? defaultNamespace(this.opts.kubeConfig);
          const identity = le.identity ?? `${hostname()}_${randomUUID()}`;
          // A client of its own, so that the manager's rate limiter never delays a renewal, and no discovery.
          const leClient = new Client(this.opts.kubeConfig, { ...(this.opts.client ?? {}), restMapper: new StaticRESTMapper([leaseMapping]) });
          this.elector = new LeaderElector({
            lock: new LeaseLock({ client: leClient, namespace, name: le.id, identity }),
            ...cfg,
            name: le.id,
            metrics: this.leaderMetrics,
            logger: this.logger,
            callbacks: {
              onStartedLeading: startLeading,
              onStoppedLeading: ({ lost: l }) => {
                if (l && !stop.signal.aborted) {
                  lost = true;
                  this.failure?.(new LeaderElectionLostError(le.id));
                }
              },
              onNewLeader: (who) => this.logger.info("new leader", { lease: `${namespace}/${le.id}`, leader: who }),
            },
          });
          this.leaderMetrics.leaderOff(le.id);
          leRun = this.elector.run(leAbort.signal).finally(() => leClient.close());
        } else {
          void startLeading(stop.signal);
        }
      }

      // wait for shutdown or failure
      await Promise.race([failurePromise, new Promise<void>((resolve) => (stop.signal.aborted ? resolve() : stop.signal.addEventListener("abort", () => resolve(), { once: true })))]);
    } catch (err) {
      failed ??= asError(err);
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.phase = "stopping";
      const grace = lost ? 0 : this.gracefulShutdownTimeout;
      const deadline = Date.now() + grace;
      // stop runnables (leader-only ones through the elector, which releases the lease after they returned)
      this.othersAbort.abort();
      leaderAbort?.abort();
      leAbort.abort();
      const othersDone = await this.waitRunnables(this.runs.others, Math.max(0, deadline - Date.now()));
      const leaderDone = leaderWork ? await Promise.race([leaderWork.then(() => true), delay(Math.max(0, deadline - Date.now())).then(() => false)]) : true;
      if (leRun) await Promise.race([leRun, delay(Math.max(1000, deadline - Date.now()))]);
      if ((!othersDone || !leaderDone) && !failed && grace > 0) failed = new GracefulShutdownTimeoutError(grace);
      cacheAbort.abort();
      if (cacheRun) await Promise.race([cacheRun, delay(5000)]);
      await Promise.all(servers.map((s) => closeServer(s)));
      this.listeningResolve({ metrics: undefined, healthProbe: undefined });
      this.phase = "stopped";
      this.client.close();
    }
    if (failed) throw failed;
  }

  private startRunnable(r: Runnable, leaderSignal?: AbortSignal): void {
    const leader = needsLeaderElection(r);
    // a leader-only runnable added before election starts with the others when elected
    const signal = leader ? (leaderSignal ?? this.leaderSignal) : this.othersAbort?.signal;
    if (!signal || signal.aborted) return;
    const set = leader ? this.runs.leader : this.runs.others;
    const run = (async () => r.start(signal))().catch((err: unknown) => {
      const e = asError(err);
      this.logger.error("runnable failed", e);
      this.failure?.(e);
    });
    set.add(run);
    void run.finally(() => set.delete(run));
  }

  /** True when every run settled within `ms`. */
  private async waitRunnables(set: Set<Promise<void>>, ms: number): Promise<boolean> {
    const all = (async () => {
      while (set.size > 0) await Promise.all([...set]);
    })();
    if (set.size === 0) return true;
    return Promise.race([all.then(() => true), delay(ms).then(() => false)]);
  }

  private async serve(servers: Server[], addr: { host: string | undefined; port: number } | undefined, handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<AddressInfo | undefined> {
    if (!addr) return undefined;
    const server = createServer((req, res) => {
      handler(req, res).catch((err: unknown) => {
        this.logger.error("serving request failed", err, { path: req.url });
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(addr.port, addr.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    servers.push(server);
    return server.address() as AddressInfo;
  }

  private async serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/metrics") {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found\n");
      return;
    }
    const body = await this.registry.metrics();
    res.writeHead(200, { "Content-Type": this.registry.contentType }).end(body);
  }

  private async serveProbes(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await this.healthz.handle(req, res)) return;
    if (await this.readyz.handle(req, res)) return;
    res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found\n");
  }
}

function parseLeaderElection(le: LeaderElectionOptions): { leaseDuration: number; renewDeadline: number; retryPeriod: number; releaseOnCancel: boolean } {
  if (!le.id) throw new Error("leaderElection.id is required");
  return {
    leaseDuration: le.leaseDuration ?? 15_000,
    renewDeadline: le.renewDeadline ?? 10_000,
    retryPeriod: le.retryPeriod ?? 2_000,
    releaseOnCancel: le.releaseOnCancel ?? true,
  };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref?.();
  });
}

function closeServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    s.close(() => resolve());
    s.closeAllConnections();
  });
}

/**
 * Runs a manager as a process's main loop: SIGTERM and SIGINT abort it; exits 0 after a graceful shutdown,
 * 1 when the lease was lost, the graceful shutdown timed out or anything else failed (so that Kubernetes
 * restarts the pod). A second signal exits 1 at once.
 *
 *   const mgr = new Manager({ ... });
 *   mgr.add(controller);
 *   await runManager(mgr);
 */
export async function runManager(mgr: Manager, opts: { exit?: (code: number) => void } = {}): Promise<number> {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (ac.signal.aborted) {
      exit(1);
      return;
    }
    mgr.logger.info("shutting down", { signal: sig });
    ac.abort(new Error(`received ${sig}`));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  let code = 0;
  try {
    await mgr.start(ac.signal);
  } catch (err) {
    mgr.logger.error("manager stopped", err);
    code = 1;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
  exit(code);
  return code;
}
