/**
 * A conversion webhook handler: converts each object to the desired apiVersion with the project's
 * converter (hub-and-spoke or direct), keeping metadata as the API server requires.
 */
import type { KubeObject } from "../core/object.js";
import type { ConversionReview } from "./types.js";

/** Converts `obj` to `desiredAPIVersion`; throw when the pair is not convertible. */
export type Converter = (obj: KubeObject, desiredAPIVersion: string) => KubeObject | Promise<KubeObject>;

export async function convertReview(review: ConversionReview, convert: Converter): Promise<ConversionReview> {
  const req = review.request;
  if (!req) throw new Error("ConversionReview without a request");
  try {
    const out: KubeObject[] = [];
    for (const obj of req.objects) {
      if (obj.apiVersion === req.desiredAPIVersion) {
        out.push(obj);
        continue;
      }
      const converted = await convert(structuredClone(obj), req.desiredAPIVersion);
      converted.apiVersion = req.desiredAPIVersion;
      converted.metadata = { ...obj.metadata, labels: converted.metadata?.labels ?? obj.metadata.labels, annotations: converted.metadata?.annotations ?? obj.metadata.annotations } as KubeObject["metadata"];
      if (converted.metadata.labels === undefined) delete converted.metadata.labels;
      if (converted.metadata.annotations === undefined) delete converted.metadata.annotations;
      out.push(converted);
    }
    return { apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", response: { uid: req.uid, convertedObjects: out, result: { status: "Success" } } };
  } catch (err) {
    return {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "ConversionReview",
      response: { uid: req.uid, convertedObjects: [], result: { status: "Failure", message: err instanceof Error ? err.message : String(err) } },
    };
  }
}
