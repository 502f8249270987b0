/** The webhook server over real HTTPS: defaulting as a JSON patch, validation errors and warnings, conversion by kind. */
import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCA } from "../controlplane/certs.js";
import { newInvalid } from "../core/errors.js";
import { fieldErrors, FieldPath } from "../core/validation.js";
import type { KubeObject } from "../core/object.js";
import type { Runnable } from "../controller/runnable.js";
import { webhookManagedBy, webhookPath, webhookServerFor } from "./index.js";

const runnables: Runnable[] = [];
const mgr = { add: (r: Runnable) => runnables.push(r) };
const abort = new AbortController();
let caPEM = "";
let port = 0;
let running: Promise<unknown>;

beforeAll(async () => {
  const ca = await createCA("webhook-test-ca");
  const serving = await ca.issue({ subject: "CN=webhook", dnsNames: ["localhost"], ips: ["127.0.0.1"], server: true });
  caPEM = ca.certPEM;
  const server = webhookServerFor(mgr, { host: "127.0.0.1", port: 0, tls: { certPEM: serving.certPEM, keyPEM: serving.keyPEM } });
  webhookManagedBy(mgr)
    .for({ apiVersion: "webapp.example.com/v1", kind: "Guestbook" })
    .withDefaulter({
      default(obj) {
        const spec = ((obj.spec as Record<string, unknown> | undefined) ??= {});
        spec.size ??= 3;
      },
    })
    .withValidator({
      validateCreate(obj) {
        const size = (obj.spec as { size?: number } | undefined)?.size ?? 0;
        if (size > 10) throw newInvalid({ group: "webapp.example.com", kind: "Guestbook" }, obj.metadata.name ?? "", [fieldErrors.invalid(FieldPath.of("spec", "size"), size, "must be at most 10")]);
        if (size === 7) throw new Error("seven is unlucky");
        return size > 5 ? ["size above 5 is expensive"] : [];
      },
    })
    .withConverter((obj) => ({ ...obj, spec: { replicas: (obj.spec as { size?: number }).size } }))
    .complete();
  running = Promise.all(runnables.map((r) => r.start(abort.signal)));
  port = (await server.listening()).port;
});

afterAll(async () => {
  abort.abort();
  await running;
});

function post(path: string, body: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST", ca: caPEM, servername: "localhost", headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const review = (operation: string, object: KubeObject) => ({
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: { uid: "u-1", kind: { group: "webapp.example.com", version: "v1", kind: "Guestbook" }, resource: { group: "webapp.example.com", version: "v1", resource: "guestbooks" }, operation, userInfo: {}, object },
});
const gb = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: "webapp.example.com/v1", kind: "Guestbook", metadata: { name: "g" }, spec });

describe("webhook server", () => {
  it("answers a defaulter's changes as a base64 JSON patch", async () => {
    expect(webhookPath("mutate", { apiVersion: "webapp.example.com/v1", kind: "Guestbook" })).toBe("/mutate-webapp-example-com-v1-guestbook");
    const r = await post("/mutate-webapp-example-com-v1-guestbook", review("CREATE", gb({})));
    const resp = (r.json as { response: { uid: string; allowed: boolean; patchType: string; patch: string } }).response;
    expect(resp).toMatchObject({ uid: "u-1", allowed: true, patchType: "JSONPatch" });
    expect(JSON.parse(Buffer.from(resp.patch, "base64").toString())).toEqual([{ op: "add", path: "/spec/size", value: 3 }]);
    const unchanged = await post("/mutate-webapp-example-com-v1-guestbook", review("CREATE", gb({ size: 1 })));
    expect((unchanged.json as { response: unknown }).response).toEqual({ uid: "u-1", allowed: true });
  });

  it("denies with the validator's Status, or 403 for a plain error, and passes warnings", async () => {
    const invalid = await post("/validate-webapp-example-com-v1-guestbook", review("CREATE", gb({ size: 11 })));
    expect((invalid.json as { response: unknown }).response).toMatchObject({
      allowed: false,
      status: { code: 422, reason: "Invalid", message: 'Guestbook.webapp.example.com "g" is invalid: spec.size: Invalid value: 11: must be at most 10' },
    });
    const plain = await post("/validate-webapp-example-com-v1-guestbook", review("CREATE", gb({ size: 7 })));
    expect((plain.json as { response: unknown }).response).toMatchObject({ allowed: false, status: { code: 403, reason: "Forbidden", message: "seven is unlucky" } });
    const warn = await post("/validate-webapp-example-com-v1-guestbook", review("CREATE", gb({ size: 6 })));
    expect((warn.json as { response: unknown }).response).toEqual({ uid: "u-1", allowed: true, warnings: ["size above 5 is expensive"] });
  });

  it("converts by kind at /convert and rejects what it cannot decode", async () => {
    const conv = await post("/convert", {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "ConversionReview",
      request: { uid: "c-1", desiredAPIVersion: "webapp.example.com/v2", objects: [{ ...gb({ size: 2 }), metadata: { name: "g", labels: { a: "b" } } }] },
    });
    expect((conv.json as { response: unknown }).response).toEqual({
      uid: "c-1",
      result: { status: "Success" },
      convertedObjects: [{ apiVersion: "webapp.example.com/v2", kind: "Guestbook", metadata: { name: "g", labels: { a: "b" } }, spec: { replicas: 2 } }],
    });
    const other = await post("/convert", { apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", request: { uid: "c-2", desiredAPIVersion: "x.example.com/v2", objects: [{ apiVersion: "x.example.com/v1", kind: "Other", metadata: { name: "o" } }] } });
    expect((other.json as { response: unknown }).response).toMatchObject({ uid: "c-2", result: { status: "Failure", message: "no conversion registered for x.example.com/Other" } });
    expect((await post("/validate-webapp-example-com-v1-guestbook", { kind: "Nope" })).status).toBe(400);
    expect((await post("/nowhere", {})).status).toBe(404);
  });
});
