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

  describe("duplicate fields", () => {
    const dupJSON = (name: string): string => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dupname","name":"${name}","bogus":1},"data":{"a":"1","a":"2"},"foo":{"x":1,"x":2},"foo":3}`;
    const joined = (ws: string[]): string => ws.map((w) => `299 - ${JSON.stringify(w)}`).join(", ");

    it("Strict rejects a JSON body with repeated keys, merged with unknown fields in document order", async () => {
      const r = await api(cp, "POST", `${path}?fieldValidation=Strict`, { body: dupJSON("dup-strict") });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({
        kind: "Status",
        reason: "BadRequest",
        code: 400,
        // a repeated unknown field is reported once, as unknown; nothing below it
        message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.name", unknown field "metadata.bogus", duplicate field "data.a", unknown field "foo"',
      });
      expect((await api(cp, "GET", `${path}/dup-strict`)).status).toBe(404);
    });

    it("Warn (the default) accepts it with the last value and one warning per field", async () => {
      const r = await api(cp, "POST", path, { body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup-warn"},"data":{"a":"1","a":"2"}}' });
      expect(r.status).toBe(201);
      expect(r.headers.warning).toBe(joined(['duplicate field "data.a"']));
      expect((r.json as { data: unknown }).data).toEqual({ a: "2" });
      const put = await api(cp, "PUT", `${path}/dup-warn?fieldValidation=Strict`, { body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup-warn"},"data":{"b":"1","b":"2"}}' });
      expect(put.status).toBe(400);
      expect((put.json as { message: string }).message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "data.b"');
      const ignored = await api(cp, "POST", `${path}?fieldValidation=Ignore`, { body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup-ignore"},"data":{"a":"1","a":"2"}}' });
      expect(ignored.status).toBe(201);
      expect(ignored.headers.warning).toBeUndefined();
    });

    it("reports a YAML body's repeats as go-yaml does, then unknown fields in sorted order", async () => {
      const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dupname\n  name: dup-yaml\nzzz: 1\ndata:\n  a: '1'\n  a: '2'\naaa: 2\n";
      const strict = await api(cp, "POST", `${path}?fieldValidation=Strict`, { body: yaml, contentType: "application/yaml" });
      expect(strict.status).toBe(400);
      expect((strict.json as { message: string }).message).toBe(
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: yaml: unmarshal errors:\n  line 5: key "name" already set in map\n  line 9: key "a" already set in map, unknown field "aaa", unknown field "zzz"',
      );
      const warned = await api(cp, "POST", path, { body: yaml, contentType: "application/yaml" });
      expect(warned.status).toBe(201);
      expect(warned.headers.warning).toBe(joined(['line 5: key "name" already set in map', 'line 9: key "a" already set in map', 'unknown field "aaa"', 'unknown field "zzz"']));
      expect((warned.json as { metadata: { name: string }; data: unknown }).metadata.name).toBe("dup-yaml");
      // without fieldValidation errors, repeated YAML keys are no parse error (Ignore keeps the last value)
      const ignored = await api(cp, "POST", `${path}?fieldValidation=Ignore`, { body: yaml.replace("dup-yaml", "dup-yaml-2"), contentType: "application/yaml" });
      expect(ignored.status).toBe(201);
    });
  });
});
