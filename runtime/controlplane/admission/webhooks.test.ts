import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { StatusError } from "../../core/errors.js";
import type { KubeObject } from "../../core/object.js";
import type { AdmissionAttributes } from "../../apiserver/admission/types.js";
import { MemoryBackend } from "../../storage/memory.js";
import type { Storage } from "../../storage/interface.js";
import { createCA } from "../certs.js";
import type { Webhook } from "../builtin/admissionregistration/types.js";
import { mutatingWebhookAdmission, validatingWebhookAdmission, type WebhookAdmissionOptions } from "./webhooks.js";
import { WebhookConfigurationSource } from "./webhook-source.js";

/** A real HTTPS webhook server in this process; each path answers with what `answers` says for it. */
type Answer = (request: Record<string, unknown> & { uid: string; object?: KubeObject }) => Record<string, unknown> | Promise<Record<string, unknown>>;
const answers = new Map<string, Answer>();
const calls: string[] = [];
let server: Server;
let caBundle: string;
let port: number;

beforeAll(async () => {
  const ca = await createCA("plugin-test-ca");
  const serving = await ca.issue({ subject: "CN=hook", dnsNames: ["hook.ns.svc"], server: true });
  caBundle = Buffer.from(ca.certPEM).toString("base64");
  server = createServer({ cert: serving.certPEM, key: serving.keyPEM }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "https://x").pathname;
      calls.push(path);
      const review = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { request: Record<string, unknown> & { uid: string } };
      void Promise.resolve(answers.get(path)?.(review.request) ?? { allowed: true }).then((answer) =>
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: review.request.uid, ...answer } })),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const jsonPatch = (ops: unknown[]): Record<string, unknown> => ({ allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(ops)).toString("base64") });

function hook(name: string, path: string, extra: Partial<Webhook> = {}): Webhook {
  return {
    name,
    clientConfig: { service: { namespace: "ns", name: "hook", path, port: 443 }, caBundle },
    rules: [{ operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"], scope: "*" }],
    failurePolicy: "Fail",
    matchPolicy: "Equivalent",
    namespaceSelector: {},
    objectSelector: {},
    sideEffects: "None",
    timeoutSeconds: 5,
    admissionReviewVersions: ["v1"],
    ...extra,
  };
}

let storage: Storage;
let opts: (storage: Storage) => WebhookAdmissionOptions;

beforeEach(() => {
  answers.clear();
  calls.length = 0;
  storage = new MemoryBackend().forResource("webhookconfigurations");
  opts = (s) => ({ source: new WebhookConfigurationSource(s), namespaceLabels: async () => ({}), services: { resolve: async () => ({ host: "127.0.0.1", port }) }, equivalents: () => [] });
});

async function configure(name: string, webhooks: Webhook[]): Promise<void> {
  await storage.create(name, { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name }, webhooks } as KubeObject);
}

function attrs(extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  return {
    operation: "CREATE",
    resource: { group: "", version: "v1", resource: "configmaps" },
    subresource: "",
    kind: { group: "", version: "v1", kind: "ConfigMap" },
    namespace: "default",
    name: "cm",
    object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "default" } },
    dryRun: false,
    user: { username: "admin", groups: ["system:masters"] },
    warnings: [],
    ...extra,
  };
}

async function rejection(p: Promise<unknown>): Promise<StatusError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof StatusError)) throw new Error(`expected a StatusError, got ${String(err)}`);
  return err;
}

describe("mutating webhooks", () => {
  it("apply JSONPatches in configuration-name order and reinvoke IfNeeded webhooks changed after them", async () => {
    // "a" adds label a (once); "b" adds label b; b's change makes a (IfNeeded) run again; c (Never) does not
    answers.set("/a", (req) => (req.object?.metadata.labels?.["a"] ? { allowed: true } : jsonPatch([{ op: "add", path: "/metadata/labels", value: { ...req.object?.metadata.labels, a: "1" } }])));
    answers.set("/b", (req) => (req.object?.metadata.labels?.["b"] ? { allowed: true } : jsonPatch([{ op: "add", path: "/metadata/labels/b", value: "1" }])));
    answers.set("/c", () => ({ allowed: true, warnings: ["c saw it"] }));
    await configure("2-second", [hook("b.example.com", "/b"), hook("c.example.com", "/c")]);
    await configure("1-first", [hook("a.example.com", "/a", { reinvocationPolicy: "IfNeeded" })]);
    const a = attrs();
    const obj = a.object;
    await mutatingWebhookAdmission(opts(storage)).admit?.(a);
    expect(calls).toEqual(["/a", "/b", "/c", "/a"]);
    expect(a.object).toBe(obj); // patched in place: the registry keeps its reference
    expect(obj?.metadata.labels).toEqual({ a: "1", b: "1" });
    expect(a.warnings).toEqual(["c saw it"]);
  });

  it("refuses dry runs for webhooks with side effects, and unsupported patch types under Fail", async () => {
    await configure("x", [hook("unknown.example.com", "/x", { sideEffects: "Unknown" })]);
    const dry = await rejection(Promise.resolve(mutatingWebhookAdmission(opts(storage)).admit?.(attrs({ dryRun: true }))));
    expect(dry.status).toMatchObject({ code: 400, reason: "BadRequest", message: 'admission webhook "unknown.example.com" does not support dry run' });
    expect(calls).toEqual([]);

    answers.set("/x", () => ({ allowed: true, patchType: "Merge", patch: Buffer.from("{}").toString("base64") }));
    const err = await rejection(Promise.resolve(mutatingWebhookAdmission(opts(storage)).admit?.(attrs())));
    expect(err.status).toMatchObject({ code: 500, reason: "InternalError", message: 'Internal error occurred: failed calling webhook "unknown.example.com": unsupported patch type "Merge"' });
  });

  it("skips unreachable webhooks under Ignore", async () => {
    await configure("x", [hook("gone.example.com", "/x", { failurePolicy: "Ignore", clientConfig: { url: "https://127.0.0.1:1/x" } })]);
    await expect(Promise.resolve(mutatingWebhookAdmission(opts(storage)).admit?.(attrs()))).resolves.toBeUndefined();
  });
});

describe("validating webhooks", () => {
  it("run in parallel and report the first denial in configuration order with the webhook's code (400 at least)", async () => {
    const slow = (answer: Record<string, unknown>): Answer => () => new Promise((r) => setTimeout(() => r(answer), 500));
    answers.set("/deny-quietly", slow({ allowed: false }));
    answers.set("/deny-loudly", slow({ allowed: false, status: { code: 200, message: "no way" } }));
    await configure("a", [hook("quiet.example.com", "/deny-quietly")]);
    await configure("b", [hook("loud.example.com", "/deny-loudly")]);
    const started = Date.now();
    const err = await rejection(Promise.resolve(validatingWebhookAdmission(opts(storage)).validate?.(attrs())));
    expect(Date.now() - started).toBeLessThan(950); // two 500 ms webhooks, called at once
    expect(err.status).toMatchObject({ code: 400, status: "Failure", message: 'admission webhook "quiet.example.com" denied the request without explanation' });
    expect(calls.sort()).toEqual(["/deny-loudly", "/deny-quietly"]);

    answers.set("/deny-quietly", () => ({ allowed: true }));
    const loud = await rejection(Promise.resolve(validatingWebhookAdmission(opts(storage)).validate?.(attrs())));
    expect(loud.status).toMatchObject({ code: 400, message: 'admission webhook "loud.example.com" denied the request: no way' });
  });

  it("reject patches from validating webhooks as invalid responses", async () => {
    answers.set("/v", () => jsonPatch([]));
    await configure("v", [hook("v.example.com", "/v")]);
    const err = await rejection(Promise.resolve(validatingWebhookAdmission(opts(storage)).validate?.(attrs())));
    expect(err.status.message).toBe('Internal error occurred: failed calling webhook "v.example.com": received invalid webhook response: validating webhook may not return response.patch');
  });

  it("see configuration changes on the next request", async () => {
    const plugin = validatingWebhookAdmission(opts(storage));
    await plugin.validate?.(attrs());
    answers.set("/v", () => ({ allowed: false, status: { message: "closed" } }));
    await configure("v", [hook("v.example.com", "/v")]);
    await expect(Promise.resolve(plugin.validate?.(attrs()))).rejects.toThrow('admission webhook "v.example.com" denied the request: closed');
    await storage.delete("v", {});
    await expect(Promise.resolve(plugin.validate?.(attrs()))).resolves.toBeUndefined();
  });
});
