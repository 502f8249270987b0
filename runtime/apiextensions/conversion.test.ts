import { afterEach, describe, expect, it } from "vitest";
import { StatusError } from "../core/errors.js";
import type { KubeObject } from "../core/object.js";
import { convertViaWebhook, customResourceConversion, registerConversionEnvironment } from "./conversion.js";
import type { CustomResourceDefinition } from "./crd.js";
import { validateCRD } from "./crd.js";
import { fieldErrorString } from "../core/validation.js";

const crd: CustomResourceDefinition = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "things.example.dev", uid: "crd-uid-1" },
  spec: {
    group: "example.dev",
    scope: "Namespaced",
    names: { plural: "things", singular: "thing", kind: "Thing", listKind: "ThingList" },
    versions: [
      { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
      { name: "v2", served: true, storage: false, schema: { openAPIV3Schema: { type: "object" } } },
    ],
    conversion: { strategy: "Webhook", webhook: { conversionReviewVersions: ["v1"], clientConfig: { url: "https://convert.example.dev/convert" } } },
  },
  // as the CRD strategy sets it on create (validation requires the storage version there)
  status: { storedVersions: ["v1"] },
};

type Review = { request: { uid: string; desiredAPIVersion: string; objects: KubeObject[] } };
let answer: (review: Review) => unknown = () => ({});
const sent: Review[] = [];
let unregister: (() => void) | undefined;

function useWebhook(fn: (review: Review) => unknown): void {
  answer = fn;
  unregister ??= registerConversionEnvironment({
    servesCRD: async (name, uid) => name === "things.example.dev" && uid === "crd-uid-1",
    post: async (_cc, body) => {
      sent.push(body as Review);
      return answer(body as Review);
    },
  });
}

afterEach(() => {
  unregister?.();
  unregister = undefined;
  sent.length = 0;
});

const ok = (review: Review, objects: unknown[]): unknown => ({ apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", response: { uid: review.request.uid, result: { status: "Success" }, convertedObjects: objects } });
const obj = (name: string, apiVersion = "example.dev/v1"): KubeObject => ({ apiVersion, kind: "Thing", metadata: { name, namespace: "ns", uid: `uid-${name}`, resourceVersion: "7", labels: { a: "1" } }, spec: { n: name } });
const rename = (review: Review): unknown => ok(review, review.request.objects.map((o) => ({ ...o, apiVersion: review.request.desiredAPIVersion, metadata: { ...o.metadata, resourceVersion: "999", labels: { b: "2" } } })));

async function failure(p: Promise<unknown>): Promise<StatusError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof StatusError)) throw new Error(`expected a StatusError, got ${String(err)}`);
  return err;
}

describe("CRD conversion webhooks", () => {
  it("send only objects needing conversion, in one review, and keep metadata except labels and annotations", async () => {
    useWebhook(rename);
    const out = await convertViaWebhook(crd, [obj("a"), obj("b", "example.dev/v2"), obj("c")], "example.dev/v2", true);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.request.desiredAPIVersion).toBe("example.dev/v2");
    expect(sent[0]?.request.objects.map((o) => o.metadata.name)).toEqual(["a", "c"]);
    expect(out.map((o) => [o.metadata.name, o.apiVersion, o.metadata.resourceVersion, o.metadata.labels])).toEqual([
      ["a", "example.dev/v2", "7", { b: "2" }],
      ["b", "example.dev/v2", "7", { a: "1" }],
      ["c", "example.dev/v2", "7", { b: "2" }],
    ]);
    await convertViaWebhook(crd, [obj("x", "example.dev/v2")], "example.dev/v2", false);
    expect(sent).toHaveLength(1);
  });

  it("words failures as upstream, as 500s", async () => {
    useWebhook((r) => ok(r, []));
    const count = await failure(convertViaWebhook(crd, [obj("a")], "example.dev/v2", false));
    expect(count.status).toMatchObject({ code: 500, status: "Failure", message: "conversion webhook for example.dev/v1, Kind=Thing returned 0 objects, expected 1" });
    expect(count.status.reason).toBeUndefined();

    useWebhook((r) => ({ apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", response: { uid: r.request.uid, result: { status: "Failure", message: "cannot convert" } } }));
    expect((await failure(convertViaWebhook(crd, [obj("a")], "example.dev/v2", false))).message).toBe("conversion webhook for example.dev/v1, Kind=Thing failed: cannot convert");

    useWebhook(() => ({ apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", response: { uid: "other", result: { status: "Success" } } }));
    expect((await failure(convertViaWebhook(crd, [obj("a")], "example.dev/v2", false))).message).toMatch(/^conversion webhook for example\.dev\/v1, Kind=Thing failed: expected response\.uid="[0-9a-f-]+", got "other"$/);

    useWebhook((r) => ok(r, r.request.objects));
    expect((await failure(convertViaWebhook(crd, [obj("a")], "example.dev/v2", false))).message).toBe(
      "conversion webhook for example.dev/v1, Kind=Thing returned invalid object: invalid groupVersion (expected example.dev/v2, received example.dev/v1)",
    );
    useWebhook((r) => ok(r, r.request.objects.map((o) => ({ ...o, apiVersion: "example.dev/v2", metadata: { ...o.metadata, name: "renamed" } }))));
    expect((await failure(convertViaWebhook(crd, [obj("a"), obj("b")], "example.dev/v2", true))).message).toBe(
      "conversion webhook for example.dev/v1, Kind=ThingList returned invalid converted object at index 0: must have the same name: a != renamed",
    );
    useWebhook(() => {
      throw new Error('Post "https://convert.example.dev/convert?timeout=30s": context deadline exceeded');
    });
    expect((await failure(convertViaWebhook(crd, [obj("a")], "example.dev/v2", false))).message).toBe(
      'conversion webhook for example.dev/v1, Kind=Thing failed: Post "https://convert.example.dev/convert?timeout=30s": context deadline exceeded',
    );
  });

  it("build a VersionConversion whose selection view only rewrites apiVersion", async () => {
    useWebhook(rename);
    const conv = customResourceConversion(crd, "example.dev/v2", "example.dev/v1", (o) => o);
    expect(conv.selectionView?.(obj("a"))).toMatchObject({ apiVersion: "example.dev/v2", metadata: { labels: { a: "1" } } });
    await expect(Promise.resolve(conv.fromStorage(obj("a")))).resolves.toMatchObject({ apiVersion: "example.dev/v2", metadata: { labels: { b: "2" } } });
    const none = customResourceConversion({ ...crd, spec: { ...crd.spec, conversion: { strategy: "None" } } }, "example.dev/v2", "example.dev/v1", (o) => o);
    expect(none.toStorage(obj("a", "example.dev/v2"))).toMatchObject({ apiVersion: "example.dev/v1" });
  });

  it("validate the conversion part of a CRD", () => {
    const errs = (conversion: unknown): string[] => validateCRD({ ...crd, spec: { ...crd.spec, conversion } } as KubeObject).map(fieldErrorString);
    expect(errs({ strategy: "Webhook" })).toEqual([
      "spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook",
      "spec.conversion.conversionReviewVersions: Required value: must specify one of v1, v1beta1",
    ]);
    expect(errs({ strategy: "Webhook", webhook: { conversionReviewVersions: ["v9"], clientConfig: { url: "http://x/y" } } })).toEqual([
      `spec.conversion.webhookClientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]`,
      'spec.conversion.conversionReviewVersions: Invalid value: ["v9"]: must include at least one of v1, v1beta1',
    ]);
    expect(errs({ strategy: "None", webhook: { conversionReviewVersions: ["v1"], clientConfig: { url: "https://x/y" } } })).toEqual([
      "spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook",
      "spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook",
    ]);
    expect(errs({ strategy: "Webhook", webhook: { conversionReviewVersions: ["v1"], clientConfig: { service: { namespace: "ns", name: "svc", port: 443, path: "/convert" } } } })).toEqual([]);
  });
});
