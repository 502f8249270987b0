/**
 * The manager of <%= projectName %>: it runs this project's controllers (and webhooks) until SIGTERM.
 *
 * Flags (as Kubebuilder's scaffold): --kubeconfig, --leader-elect, --metrics-bind-address,
 * --health-probe-bind-address, --webhook-cert-path, --webhook-port. `npm run dev` (kubeforge run) passes the
 * flags after `--` through.
 */
import { parseArgs } from "node:util";
import { jsonLogger, loadKubeConfig, Manager, runManager } from "kubeforge";
import { configureWebhookServer } from "kubeforge/webhook";
// +kubebuilder:scaffold:imports

const { values: flags } = parseArgs({
  options: {
    kubeconfig: { type: "string" },
    "leader-elect": { type: "boolean", default: false },
    "metrics-bind-address": { type: "string", default: "0" },
    "health-probe-bind-address": { type: "string", default: ":8081" },
    "webhook-cert-path": { type: "string" },
    "webhook-port": { type: "string", default: "9443" },
  },
  strict: true,
});

const mgr = new Manager({
  kubeConfig: loadKubeConfig(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
  metricsBindAddress: flags["metrics-bind-address"],
  healthProbeBindAddress: flags["health-probe-bind-address"],
  logger: jsonLogger(),
  ...(flags["leader-elect"] ? { leaderElection: { id: "<%= projectName %>.<%= domain %>" } } : {}),
});

// webhooks (if any) are served on this port with the certificate in --webhook-cert-path (tls.crt, tls.key)
configureWebhookServer(mgr, { port: Number(flags["webhook-port"]), ...(flags["webhook-cert-path"] ? { certDir: flags["webhook-cert-path"] } : {}) });

// +kubebuilder:scaffold:builder

await runManager(mgr);
