/**
 * Child process (--expose-gc) for benchmark 10: an AggregatedAPIServer (kubeforge/apiserver, memory storage)
 * serving bench.kubeforge.dev/v1 Flunders, its authentication and authorization delegated to the control plane
 * of aggregator-cp-child.ts. Hello: its port and the CA of its self-signed serving certificate. "heap" answers
 * the heap after a thorough GC.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { AggregatedAPIServer } from "../../runtime/apiserver/index.js";
import { serveParent } from "../lib/child.js";
import { collectGarbage } from "../runtime-common.js";

const [kubeconfigYAML, clientCA, requestHeaderCA] = [process.env["BENCH_KUBECONFIG"], process.env["BENCH_CLIENT_CA"], process.env["BENCH_REQUESTHEADER_CA"]];
let server: AggregatedAPIServer | undefined;

void serveParent(
  async () => {
    if (!kubeconfigYAML || !clientCA || !requestHeaderCA) throw new Error("BENCH_KUBECONFIG, BENCH_CLIENT_CA and BENCH_REQUESTHEADER_CA are required");
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(kubeconfigYAML);
    server = new AggregatedAPIServer({
      resources: [{ group: "bench.kubeforge.dev", version: "v1", names: { plural: "flunders", singular: "flunder", kind: "Flunder", listKind: "FlunderList" }, namespaced: true, unstructured: true }],
      kubeConfig,
      authentication: { clientCA, requestHeader: { clientCA: requestHeaderCA, allowedNames: ["front-proxy-client"], usernameHeaders: ["X-Remote-User"], groupHeaders: ["X-Remote-Group"], extraHeaderPrefixes: ["X-Remote-Extra-"] } },
      host: "127.0.0.1",
      alternateDNS: ["bench-api.default.svc"],
    });
    const addr = await server.start();
    return { port: addr.port, caPEM: server.serving?.caPEM ?? "" };
  },
  {
    heap: () => {
      collectGarbage();
      return process.memoryUsage().heapUsed;
    },
  },
  async () => {
    await server?.stop();
  },
);
