/**
 * Bad input gets a clear Status error and changes nothing: malformed JSON and YAML, wrong kind for the URL,
 * missing and invalid names, a 4 MiB body, unknown resources, wrong content types, invalid selectors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api } from "../support/http.js";

let cp: RunningControlPlane;
const base = "/api/v1/namespaces/default/configmaps";

interface StatusBody {
  kind: string;
  status: string;
  reason: string;
  code: number;
  message: string;
  details?: { causes?: { field?: string; reason?: string; message?: string }[] };
}

beforeAll(async () => {
  cp = await startControlPlane();
  const r = await api(cp, "POST", base, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "keep" }, data: { a: "1" } } });
  expect(r.status).toBe(201);
});

afterAll(async () => {
  await cp?.stop();
});

async function expectStatus(p: Promise<{ status: number; json: unknown }>, code: number, reason: string, message?: string | RegExp): Promise<StatusBody> {
  const r = await p;
  const s = r.json as StatusBody;
  expect(r.status).toBe(code);
  expect(s.kind).toBe("Status");
  expect(s.status).toBe("Failure");
  expect(s.code).toBe(code);
  expect(s.reason).toBe(reason);
  if (typeof message === "string") expect(s.message).toBe(message);
  else if (message) expect(s.message).toMatch(message);
  return s;
}

describe("bad input", () => {
  it("malformed JSON is a 400", async () => {
    await expectStatus(api(cp, "POST", base, { body: '{"apiVersion":"v1","kind":"ConfigMap",', contentType: "application/json" }), 400, "BadRequest", /json parse error/);
  });

  it("malformed YAML is a 400", async () => {
    await expectStatus(api(cp, "POST", base, { body: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n", contentType: "application/yaml" }), 400, "BadRequest", /yaml/);
  });

  it("YAML bodies are accepted", async () => {
    const r = await api(cp, "POST", base, { body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n", contentType: "application/yaml" });
    expect(r.status).toBe(201);
    expect((r.json as { data: unknown }).data).toEqual({ k: "v" });
  });

  it("a kind that does not match the URL is a 400", async () => {
    await expectStatus(api(cp, "POST", base, { body: { apiVersion: "v1", kind: "Secret", metadata: { name: "s" } } }), 400, "BadRequest", /Secret.*ConfigMap/);
    await expectStatus(api(cp, "POST", base, { body: { apiVersion: "apps/v1", kind: "ConfigMap", metadata: { name: "s" } } }), 400, "BadRequest", "the API version in the data (apps/v1) does not match the expected API version (v1)");
  });

  it("a missing name is a 422 with the field path", async () => {
    const s = await expectStatus(api(cp, "POST", base, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: {} } }), 422, "Invalid", 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
    expect(s.details?.causes).toEqual([{ reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" }]);
  });

  it("a name that is not DNS-1123 is a 422 with upstream's message", async () => {
    const s = await expectStatus(api(cp, "POST", base, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Bad_Name" } } }), 422, "Invalid");
    expect(s.message).toBe(
      `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    expect(s.details?.causes?.[0]?.field).toBe("metadata.name");
  });

  it("a 4 MiB body is a 413", async () => {
    const big = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "big" }, data: { x: "a".repeat(4 * 1024 * 1024) } };
    await expectStatus(api(cp, "POST", base, { body: big }), 413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
  });

  it("an unknown resource is a 404", async () => {
    await expectStatus(api(cp, "GET", "/api/v1/namespaces/default/widgets"), 404, "NotFound", "the server could not find the requested resource");
    await expectStatus(api(cp, "GET", "/apis/nope.example.com/v1/things"), 404, "NotFound");
  });

  it("a wrong content type is a 415", async () => {
    await expectStatus(api(cp, "POST", base, { body: "name=x", contentType: "text/plain" }), 415, "UnsupportedMediaType", /unknown format/);
    await expectStatus(api(cp, "PATCH", `${base}/keep`, { body: { data: { a: "2" } }, contentType: "application/json" }), 415, "UnsupportedMediaType");
  });

  it("an invalid label selector is a 400", async () => {
    await expectStatus(api(cp, "GET", `${base}?labelSelector=${encodeURIComponent("a in (")}`), 400, "BadRequest", /unable to parse requirement/);
    await expectStatus(api(cp, "GET", `${base}?fieldSelector=spec.nope%3Dx`), 400, "BadRequest", "field label not supported: spec.nope");
  });

  it("after all of it, the server still serves and nothing stored changed", async () => {
    const r = await api(cp, "GET", `${base}/keep`);
    expect(r.status).toBe(200);
    const obj = r.json as { data: unknown; metadata: { resourceVersion: string } };
    expect(obj.data).toEqual({ a: "1" });
    const list = await api(cp, "GET", base);
    const names = (list.json as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
    expect(names.sort()).toEqual(["from-yaml", "keep"]);
    const ready = await api(cp, "GET", "/readyz");
    expect(ready.text).toBe("ok");
  });
});
