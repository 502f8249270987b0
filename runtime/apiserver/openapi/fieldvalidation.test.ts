/** fieldValidation for built-in kinds over the wire: Strict → 400, Warn (default) → Warning headers, Ignore → nothing. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../../../test/support/http.js";
import { startControlPlane, type RunningControlPlane } from "../../testing/index.js";

const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { a: "b" }, ...extra });
const warnings = (h: string | string[] | undefined): string[] => (Array.isArray(h) ? h : h ? [h] : []);

describe("fieldValidation of built-in kinds", () => {
  let cp: RunningControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(async () => {
    await cp?.stop();
  });
  const path = "/api/v1/namespaces/default/configmaps";

  it("Strict rejects unknown fields (in document order) with upstream's decoding error and stores nothing", async () => {
    const r = await api(cp, "POST", `${path}?fieldValidation=Strict`, { body: cm("strict", { foo: 1, metadata: { name: "strict", bar: 2 } }) });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      kind: "Status",
      reason: "BadRequest",
      code: 400,
      message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.bar", unknown field "foo"',
    });
    expect((await api(cp, "GET", `${path}/strict`)).status).toBe(404);
  });

  it("Warn (also the default without the parameter) returns one warning per unknown field", async () => {
    for (const [name, q] of [["warn", "?fieldValidation=Warn"], ["unset", ""]] as const) {
      const r = await api(cp, "POST", `${path}${q}`, { body: cm(name, { foo: 1 }) });
      expect(r.status).toBe(201);
      expect(warnings(r.headers.warning)).toEqual(['299 - "unknown field \\"foo\\""']);
    }
  });

  it("Ignore accepts unknown fields silently", async () => {
    const r = await api(cp, "POST", `${path}?fieldValidation=Ignore`, { body: cm("ignore", { foo: 1 }) });
    expect(r.status).toBe(201);
    expect(r.headers.warning).toBeUndefined();
  });

  it("checks updates and the result of merge patches (plain strict error for patches)", async () => {
    await api(cp, "POST", path, { body: cm("upd") });
    const put = await api(cp, "PUT", `${path}/upd?fieldValidation=Strict`, { body: cm("upd", { spec: {} }) });
    expect(put.status).toBe(400);
    expect((put.json as { message: string }).message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"');
    const patch = await api(cp, "PATCH", `${path}/upd?fieldValidation=Strict`, { body: { metadata: { labelz: {} } }, contentType: "application/merge-patch+json" });
    expect(patch.status).toBe(400);
    expect((patch.json as { message: string }).message).toBe('strict decoding error: unknown field "metadata.labelz"');
    const warned = await api(cp, "PATCH", `${path}/upd`, { body: { other: 1 }, contentType: "application/merge-patch+json" });
    expect(warned.status).toBe(200);
    expect(warnings(warned.headers.warning)).toEqual(['299 - "unknown field \\"other\\""']);
    // a later patch does not report the field again
    const again = await api(cp, "PATCH", `${path}/upd`, { body: { data: { c: "d" } }, contentType: "application/merge-patch+json" });
    expect(again.status).toBe(200);
    expect(again.headers.warning).toBeUndefined();
  });
});
