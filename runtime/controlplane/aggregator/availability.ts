/**
 * The availability controller (kube-aggregator's AvailableConditionController, its local and remote halves):
 * keeps each APIService's `Available` condition, with upstream's reasons and messages:
 *
 *   Local                 local APIServices are always available
 *   ServiceNotFound       service/<name> in "<ns>" is not present
 *   ServicePortError      service/<name> in "<ns>" is not listening on port <port>
 *   EndpointsNotFound     cannot find endpoints for service/<name> in "<ns>"
 *   MissingEndpoints      endpoints for service/<name> in "<ns>" have no addresses with port name "<port name>"
 *   FailedDiscoveryCheck  failing or missing response from <url>: <error>   (GET /apis/<group>/<version> not 2xx in time)
 *   Passed                all checks passed
 *
 * The discovery check runs five attempts at once against endpoints picked at random, each with a timeout, as
 * the front proxy (identity system:kube-aggregator in system:masters), without verifying the serving certificate;
 * one success is enough. An APIService is checked when it, its Service or the Service's Endpoints change, and
 * again every `resyncIntervalMs`; a failed check is retried sooner, with backoff.
 */
import type { KubeObject } from "../../core/object.js";
import { deepCopy, deepEqual, isPlainObject, rfc3339 } from "../../core/object.js";
import { isNotFound } from "../../core/errors.js";
import type { Store } from "../../apiserver/registry/store.js";
import { controllerContext } from "../controllers/context.js";
import { KeyedQueue } from "../controllers/queue.js";
import { asAPIService, localAvailableCondition, serviceRef, setCondition, type APIService, type APIServiceCondition } from "../builtin/apiregistration/types.js";
import { backendTarget, hostPort, transportErrorMessage, type BackendConnector } from "./backend.js";
import type { ObjectCache } from "./cache.js";
import { frontProxyHeaders } from "./frontproxy.js";

export interface AvailabilityOptions {
  /** Re-check every APIService this often (upstream: the 30 s resync of its informer). */
  resyncIntervalMs: number;
  /** Timeout of one discovery-check request (upstream: 5 s). */
  checkTimeoutMs: number;
}

interface Ports {
  name?: string;
  port?: number;
}

interface Subset {
  addresses?: unknown[];
  ports?: Ports[];
}

export class AvailabilityController {
  private readonly queue: KeyedQueue;
  private readonly unsubscribe: (() => void)[] = [];
  private resync: NodeJS.Timeout | undefined;

  constructor(
    private readonly apiServices: Store,
    private readonly apiServiceCache: ObjectCache,
    private readonly serviceCache: ObjectCache,
    private readonly endpointsCache: ObjectCache,
    private readonly backends: BackendConnector,
    private readonly opts: AvailabilityOptions,
  ) {
    this.queue = new KeyedQueue((name) => this.sync(name), { workers: 4, maxDelayMs: Math.min(30_000, opts.resyncIntervalMs) });
  }

  start(): void {
    this.unsubscribe.push(this.apiServiceCache.onChange((name) => this.queue.add(name)));
    const byService = (key: string): void => {
      for (const name of this.apiServicesFor(key)) this.queue.add(name);
    };
    this.unsubscribe.push(this.serviceCache.onChange(byService), this.endpointsCache.onChange(byService));
    for (const obj of this.apiServiceCache.list()) this.queue.add(obj.metadata.name ?? "");
    this.resync = setInterval(() => {
      for (const obj of this.apiServiceCache.list()) this.queue.add(obj.metadata.name ?? "");
    }, this.opts.resyncIntervalMs);
    this.resync.unref();
  }

  stop(): void {
    clearInterval(this.resync);
    for (const u of this.unsubscribe.splice(0)) u();
    this.queue.stop();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** The APIServices whose service is `namespace/name`. */
  private apiServicesFor(key: string): string[] {
    return this.apiServiceCache
      .list()
      .map(asAPIService)
      .filter((s) => {
        const ref = serviceRef(s);
        return ref !== undefined && `${ref.namespace}/${ref.name}` === key;
      })
      .map((s) => s.metadata.name ?? "");
  }

  private async sync(name: string): Promise<void> {
    const cached = this.apiServiceCache.get(name);
    if (!cached) return;
    const original = asAPIService(cached);
    const svc = deepCopy(original);
    const now = rfc3339(new Date());
    const ref = serviceRef(svc);
    if (!ref) {
      setCondition(svc, localAvailableCondition(now));
      await this.updateStatus(original, svc);
      return;
    }
    const cond = (status: APIServiceCondition["status"], reason: string, message: string): APIServiceCondition => ({ type: "Available", status, lastTransitionTime: now, reason, message });
    const where = `service/${ref.name} in ${JSON.stringify(ref.namespace)}`;
    const service = this.serviceCache.get(`${ref.namespace}/${ref.name}`);
    if (!service) {
      setCondition(svc, cond("False", "ServiceNotFound", `${where} is not present`));
      await this.updateStatus(original, svc);
      return;
    }
    const spec = isPlainObject(service["spec"]) ? service["spec"] : {};
    if ((spec["type"] ?? "ClusterIP") === "ClusterIP") {
      const port = ((Array.isArray(spec["ports"]) ? spec["ports"] : []) as Ports[]).find((p) => p.port === ref.port);
      if (!port) {
        setCondition(svc, cond("False", "ServicePortError", `${where} is not listening on port ${ref.port}`));
        await this.updateStatus(original, svc);
        return;
      }
      const portName = port.name ?? "";
      const endpoints: KubeObject | undefined = this.endpointsCache.get(`${ref.namespace}/${ref.name}`);
      if (!endpoints) {
        setCondition(svc, cond("False", "EndpointsNotFound", `cannot find endpoints for ${where}`));
        await this.updateStatus(original, svc);
        return;
      }
      const subsets = (Array.isArray(endpoints["subsets"]) ? endpoints["subsets"] : []) as Subset[];
      const active = subsets.some((ss) => (ss.addresses?.length ?? 0) > 0 && (ss.ports ?? []).some((p) => (p.name ?? "") === portName));
      if (!active) {
        setCondition(svc, cond("False", "MissingEndpoints", `endpoints for ${where} have no addresses with port name ${JSON.stringify(portName)}`));
        await this.updateStatus(original, svc);
        return;
      }
    }
    const failure = await this.discoveryCheck(svc);
    if (failure !== undefined) {
      setCondition(svc, cond("False", "FailedDiscoveryCheck", failure));
      await this.updateStatus(original, svc);
      // retried with backoff besides the periodic re-check, as upstream requeues a failed check
      throw new Error(failure);
    }
    setCondition(svc, cond("True", "Passed", "all checks passed"));
    await this.updateStatus(original, svc);
  }

  /** Five concurrent GETs of the group-version's discovery document; undefined when one succeeds, else the last error. */
  private async discoveryCheck(svc: APIService): Promise<string | undefined> {
    const target = backendTarget(svc);
    if (!target) return undefined;
    const group = svc.spec?.group ?? "";
    const version = svc.spec?.version ?? "";
    const path = svc.metadata.name === "v1." ? `/api/${version}` : `/apis/${group}/${version}`;
    const attempts = 5;
    const controllers: (() => void)[] = [];
    return new Promise<string | undefined>((resolve) => {
      let pending = attempts;
      let last: string | undefined;
      let done = false;
      const finish = (err: string | undefined): void => {
        if (done) return;
        if (err === undefined) {
          done = true;
          for (const c of controllers) c();
          resolve(undefined);
          return;
        }
        last = err;
        if (--pending === 0) {
          done = true;
          resolve(last);
        }
      };
      for (let i = 0; i < attempts; i++) {
        // each attempt reports once (a destroyed request still emits its error afterwards)
        let reported = false;
        const report = (err: string | undefined): void => {
          if (reported) return;
          reported = true;
          finish(err);
        };
        this.backends.resolve(target).then(
          (addr) => {
            if (done) return;
            const url = `https://${hostPort(addr.host, addr.port)}${path}`;
            const get = `Get ${JSON.stringify(url)}`;
            const req = this.backends.request(target, addr, { method: "GET", path, insecure: true, headers: { ...frontProxyHeaders({ username: "system:kube-aggregator", groups: ["system:masters"] }), Accept: "application/json, */*" } }, (res) => {
              clearTimeout(timer);
              res.resume();
              const code = res.statusCode ?? 0;
              report(code >= 200 && code < 300 ? undefined : `failing or missing response from ${url}: bad status from ${url}: ${code}`);
            });
            const timer = setTimeout(() => {
              report(`failing or missing response from ${url}: ${get}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
              req.destroy();
            }, this.opts.checkTimeoutMs);
            controllers.push(() => {
              clearTimeout(timer);
              req.destroy();
            });
            req.on("error", (err) => {
              clearTimeout(timer);
              report(`failing or missing response from ${url}: ${get}: ${transportErrorMessage(err, addr.host, addr.port)}`);
            });
            req.end();
          },
          (err: unknown) => report(err instanceof Error ? err.message : String(err)),
        );
      }
    });
  }

  /** Writes the status when it changed (a no-op check issues no write). */
  private async updateStatus(original: APIService, next: APIService): Promise<void> {
    if (deepEqual(original.status ?? {}, next.status ?? {})) return;
    const name = original.metadata.name ?? "";
    try {
      await this.apiServices.update(
        { ...controllerContext("apiservice-availability-controller"), user: { username: "system:kube-aggregator", groups: ["system:masters"] } },
        name,
        (cur) => {
          if (!cur) return next;
          // the check applies to the spec it saw; a newer spec is checked again through the watch
          if (!deepEqual(cur["spec"], original.spec)) return cur;
          return { ...cur, status: next.status };
        },
        { subresource: "status" },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
