/** The published /openapi/v3 and /openapi/v2 documents: schemas, references from operations, CRD refresh. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../../../test/support/http.js";
import { startControlPlane, type RunningControlPlane } from "../../testing/index.js";
import type { Definitions, Schema } from "./types.js";

interface V3Doc {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> }; responses?: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Definitions };
}

const crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
function crd(description: string): Record<string, unknown> {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "gadgets.docs.kubeforge.dev" },
    spec: {
      group: "docs.kubeforge.dev",
      scope: "Namespaced",
      names: { plural: "gadgets", singular: "gadget", kind: "Gadget" },
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", description, properties: { size: { type: "integer" } } } } } } }],
    },
  };
}

async function until(fn: () => Promise<boolean>): Promise<void> {
  for (const start = Date.now(); !(await fn()); await new Promise((r) => setTimeout(r, 20))) if (Date.now() - start > 3000) throw new Error("timed out");
}

describe("OpenAPI documents", () => {
  let cp: RunningControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(async () => {
    await cp?.stop();
  });

  it("v3 publishes the group-version's schemas, referenced by request and response bodies", async () => {
    const doc = (await api(cp, "GET", "/openapi/v3/apis/apps/v1")).json as V3Doc;
    const schemas = doc.components.schemas;
    expect(schemas["io.k8s.api.apps.v1.Deployment"]?.["x-kubernetes-group-version-kind"]).toEqual([{ group: "apps", version: "v1", kind: "Deployment" }]);
    expect(schemas["io.k8s.api.apps.v1.Deployment"]?.properties?.spec).toEqual({ allOf: [{ $ref: "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec" }], description: "Specification of the desired behavior of the Deployment." });
    expect(schemas["io.k8s.api.core.v1.Pod"]).toBeUndefined();
    expect(schemas["io.k8s.api.core.v1.PodSpec"]).toBeDefined();
    const collection = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments"];
    expect(collection?.post?.requestBody?.content["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/io.k8s.api.apps.v1.Deployment" });
    expect(collection?.get?.responses?.["200"]?.content?.["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/io.k8s.api.apps.v1.DeploymentList" });
    const scale = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
    expect(scale?.get?.responses?.["200"]?.content?.["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/io.k8s.api.autoscaling.v1.Scale" });
    expect(Object.keys(doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]?.patch?.requestBody?.content ?? {})).toContain("application/strategic-merge-patch+json");
  });

  it("v2 publishes definitions for every served group-version, referenced by body parameters", async () => {
    const r = await api(cp, "GET", "/openapi/v2");
    const doc = r.json as { definitions: Definitions; paths: Record<string, Record<string, { parameters?: { in: string; schema?: Schema }[] }>> };
    expect(doc.definitions["io.k8s.api.core.v1.Pod"]?.properties?.spec?.$ref).toBe("#/definitions/io.k8s.api.core.v1.PodSpec");
    expect(doc.definitions["io.k8s.api.rbac.v1.ClusterRole"]).toBeDefined();
    const post = doc.paths["/api/v1/namespaces/{namespace}/pods"]?.post;
    expect(post?.parameters?.find((p) => p.in === "body")?.schema).toEqual({ $ref: "#/definitions/io.k8s.api.core.v1.Pod" });
  });

  it("publishes a CRD's schema and republishes it when the CRD changes", async () => {
    expect((await api(cp, "POST", crdPath, { body: crd("first") })).status).toBe(201);
    const v3 = async () => (await api(cp, "GET", "/openapi/v3/apis/docs.kubeforge.dev/v1")).json as V3Doc | undefined;
    await until(async () => (await v3())?.components?.schemas["dev.kubeforge.docs.v1.Gadget"] !== undefined);
    const doc = await v3();
    const gadget = doc?.components.schemas["dev.kubeforge.docs.v1.Gadget"];
    expect(gadget?.properties?.spec?.description).toBe("first");
    expect(gadget?.properties?.metadata).toEqual({ allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }], description: expect.stringContaining("Standard object's metadata") });
    expect(doc?.components.schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]).toBeDefined();
    // custom resources take no strategic merge patch: kubectl must not be told otherwise
    expect(Object.keys(doc?.paths["/apis/docs.kubeforge.dev/v1/namespaces/{namespace}/gadgets/{name}"]?.patch?.requestBody?.content ?? {})).not.toContain("application/strategic-merge-patch+json");

    const v2 = (await api(cp, "GET", "/openapi/v2")).json as { paths: Record<string, Record<string, { consumes?: string[] }>> };
    expect(v2.paths["/apis/docs.kubeforge.dev/v1/namespaces/{namespace}/gadgets/{name}"]?.patch?.consumes).not.toContain("application/strategic-merge-patch+json");
    expect(v2.paths["/api/v1/namespaces/{namespace}/pods/{name}"]?.patch?.consumes).toContain("application/strategic-merge-patch+json");

    const cur = (await api(cp, "GET", `${crdPath}/gadgets.docs.kubeforge.dev`)).json as Record<string, unknown>;
    const next = { ...crd("second"), metadata: cur.metadata };
    expect((await api(cp, "PUT", `${crdPath}/gadgets.docs.kubeforge.dev`, { body: next })).status).toBe(200);
    await until(async () => (await v3())?.components.schemas["dev.kubeforge.docs.v1.Gadget"]?.properties?.spec?.description === "second");
    await until(async () => ((await api(cp, "GET", "/openapi/v2")).json as { definitions: Definitions }).definitions["dev.kubeforge.docs.v1.Gadget"]?.properties?.spec?.description === "second");
  });
});
