import { describe, expect, it } from "vitest";
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { StatusError } from "../../../core/errors.js";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString } from "../../../core/validation.js";
import { configmaps } from "./configmaps.js";
import { base64ErrorOffset, goJSONSyntaxError, jsonObjectError } from "./databag.js";
import { secrets } from "./secrets.js";

const now = new Date("2024-05-01T12:00:00Z");
const b64 = (s: string): string => Buffer.from(s).toString("base64");

function obj(kind: string, fields: Record<string, unknown>): KubeObject {
  return { apiVersion: "v1", kind, metadata: { name: "x", namespace: "default", creationTimestamp: "2024-05-01T11:00:00Z" }, ...fields };
}

function create(def: ResourceDefinition, o: KubeObject): string[] {
  const s = def.strategy ?? {};
  s.default?.(o);
  s.prepareForCreate?.(o);
  return (s.validate?.(o) ?? []).map(fieldErrorString);
}

function update(def: ResourceDefinition, o: KubeObject, old: KubeObject): string[] {
  const s = def.strategy ?? {};
  s.default?.(o);
  s.prepareForUpdate?.(o, old);
  return (s.validateUpdate?.(o, old) ?? []).map(fieldErrorString);
}

describe("secrets", () => {
  it("defaults the type and folds stringData into base64 data", () => {
    const s = obj("Secret", { data: { a: b64("old"), b: b64("keep") }, stringData: { a: "new", c: "héllo" } });
    expect(create(secrets, s)).toEqual([]);
    expect(s.type).toBe("Opaque");
    expect(s.stringData).toBeUndefined();
    expect(s.data).toEqual({ a: b64("new"), b: b64("keep"), c: b64("héllo") });
  });

  it("rejects invalid base64 with the 400 kube-apiserver answers", () => {
    const s = obj("Secret", { data: { a: "not base64!" } });
    let err: unknown;
    try {
      create(secrets, s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(400);
    expect((err as StatusError).status.message).toBe('Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
  });

  it("reports malformed JSON as Go's scanner does", () => {
    expect(goJSONSyntaxError('{"a":1}')).toBeUndefined();
    expect(goJSONSyntaxError("")).toBe("unexpected end of JSON input");
    expect(goJSONSyntaxError('{"a" 1}')).toBe("invalid character '1' after object key");
    expect(goJSONSyntaxError('{"a":1 "b":2}')).toBe(`invalid character '"' after object key:value pair`);
    expect(goJSONSyntaxError("x")).toBe("invalid character 'x' looking for beginning of value");
    expect(jsonObjectError("[]")).toBe("json: cannot unmarshal array into Go value of type map[string]interface {}");
  });

  it("decodes base64 as Go's StdEncoding does", () => {
    expect(base64ErrorOffset("aGVsbG8=")).toBeUndefined();
    expect(base64ErrorOffset("aGVs\nbG8=")).toBeUndefined();
    expect(base64ErrorOffset("")).toBeUndefined();
    expect(base64ErrorOffset("aGVsbG8")).toBe(4);
    expect(base64ErrorOffset("a===")).toBe(1);
    expect(base64ErrorOffset("aGVsbG8=x")).toBe(8);
    expect(base64ErrorOffset("ab=")).toBe(3);
  });

  it("validates keys, size and type-specific keys", () => {
    expect(create(secrets, obj("Secret", { data: { "bad key": b64("v") } }))).toEqual([
      `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ]);
    const big = Buffer.alloc(1024 * 1024 + 1, 65).toString("base64");
    expect(create(secrets, obj("Secret", { data: { big } }))).toEqual(["data: Too long: must have at most 1048576 bytes"]);
    expect(create(secrets, obj("Secret", { type: "kubernetes.io/tls", data: {} }))).toEqual(["data[tls.crt]: Required value", "data[tls.key]: Required value"]);
    expect(create(secrets, obj("Secret", { type: "kubernetes.io/dockerconfigjson", stringData: { ".dockerconfigjson": "{oops" } }))).toEqual([
      `data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character 'o' looking for beginning of object key string`,
    ]);
    expect(create(secrets, obj("Secret", { type: "kubernetes.io/dockerconfigjson", stringData: { ".dockerconfigjson": '{"auths":{}}' } }))).toEqual([]);
    expect(create(secrets, obj("Secret", { type: "kubernetes.io/basic-auth" }))).toEqual(["data[username]: Required value", "data[password]: Required value"]);
    expect(create(secrets, obj("Secret", { type: "kubernetes.io/ssh-auth" }))).toEqual(["data[ssh-privatekey]: Required value"]);
    expect(create(secrets, obj("Secret", { type: "kubernetes.io/service-account-token" }))).toEqual([
      "metadata.annotations[kubernetes.io/service-account.name]: Required value",
    ]);
  });

  it("keeps the type and immutable data", () => {
    const old = obj("Secret", { type: "Opaque", immutable: true, data: { a: b64("1") } });
    expect(update(secrets, obj("Secret", { type: "Opaque", immutable: true, data: { a: b64("1") } }), old)).toEqual([]);
    expect(update(secrets, obj("Secret", { type: "Opaque", immutable: true, stringData: { a: "2" } }), old)).toEqual([
      "data: Forbidden: field is immutable when `immutable` is set",
    ]);
    expect(update(secrets, obj("Secret", { type: "kubernetes.io/tls", immutable: false, data: { "tls.crt": "", "tls.key": "", a: b64("1") } }), old)).toEqual([
      'type: Invalid value: "kubernetes.io/tls": field is immutable',
      "immutable: Forbidden: field is immutable when `immutable` is set",
      "data: Forbidden: field is immutable when `immutable` is set",
    ]);
  });

  it("prints NAME TYPE DATA AGE and selects on type", () => {
    const s = obj("Secret", { type: "Opaque", data: { a: "", b: "" } });
    expect(secrets.table?.columns.map((c) => c.name)).toEqual(["Name", "Type", "Data", "Age"]);
    expect(secrets.table?.cells(s, now)).toEqual(["x", "Opaque", 2, "60m"]);
    expect(secrets.selectableFields?.(s)).toEqual({ type: "Opaque" });
  });
});

describe("configmaps", () => {
  it("validates keys across data and binaryData and the total size", () => {
    expect(create(configmaps, obj("ConfigMap", { data: { a: "1", "b/c": "2" }, binaryData: { a: b64("x") } }))).toEqual([
      'data[a]: Invalid value: "a": duplicate of key present in binaryData',
      `data[b/c]: Invalid value: "b/c": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ]);
    expect(create(configmaps, obj("ConfigMap", { data: { big: "x".repeat(1024 * 1024 + 1) } }))).toEqual(["Too long: must have at most 1048576 bytes"]);
    expect(() => create(configmaps, obj("ConfigMap", { binaryData: { a: "%%%" } }))).toThrow("illegal base64 data at input byte 0");
  });

  it("rejects changes to immutable configmaps", () => {
    const old = obj("ConfigMap", { immutable: true, data: { a: "1" } });
    expect(update(configmaps, obj("ConfigMap", { immutable: true, data: { a: "2" } }), old)).toEqual(["data: Forbidden: field is immutable when `immutable` is set"]);
    expect(update(configmaps, obj("ConfigMap", { immutable: true, data: { a: "1" } }), old)).toEqual([]);
  });

  it("counts data and binaryData entries", () => {
    expect(configmaps.names.shortNames).toEqual(["cm"]);
    expect(configmaps.table?.cells(obj("ConfigMap", { data: { a: "1" }, binaryData: { b: "" } }), now)).toEqual(["x", 2, "60m"]);
  });
});
