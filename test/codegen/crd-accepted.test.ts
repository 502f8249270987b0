/** End to end: the CRDs generated from the golden fixture are accepted by the local control plane, become Established and validate objects. */
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../src/codegen/index.js";
import { startControlPlane, type RunningControlPlane } from "../../runtime/testing/index.js";
import { api } from "../support/http.js";

const root = join(new URL("../../src/codegen/testdata/full/", import.meta.url).pathname);
let cp: RunningControlPlane;

beforeAll(async () => {
  cp = await startControlPlane();
});
afterAll(async () => {
  await cp?.stop();
});

async function established(name: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const r = await api(cp, "GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
    const conds = ((r.json as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []);
    if (conds.some((c) => c.type === "Established" && c.status === "True")) return true;
    await new Promise((res) => setTimeout(res, 100));
  }
  return false;
}

describe("generated CRDs on the local control plane", () => {
  it("are created, become Established, and validate objects", async () => {
    const crds = generate({ root }).filter((f) => f.path.includes("/crd/bases/"));
    expect(crds.length).toBe(2);
    for (const f of crds) {
      const crd = parse(f.content) as { metadata: { name: string } };
      const r = await api(cp, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd });
      expect(r.status, r.text).toBe(201);
      expect(await established(crd.metadata.name)).toBe(true);
    }
    const ok = await api(cp, "POST", "/apis/webapp.example.com/v2/namespaces/default/guestbooks", { body: { apiVersion: "webapp.example.com/v2", kind: "Guestbook", metadata: { name: "ok" }, spec: { size: 1 } } });
    expect(ok.status, ok.text).toBe(201);
    const bad = await api(cp, "POST", "/apis/webapp.example.com/v2/namespaces/default/guestbooks", { body: { apiVersion: "webapp.example.com/v2", kind: "Guestbook", metadata: { name: "bad" }, spec: { size: -1 } } });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.text).toContain("spec.size");
  });
});
