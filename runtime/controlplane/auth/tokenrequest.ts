/**
 * The serviceaccounts/token subresource (pkg/registry/core/serviceaccount/storage/token.go): POST an
 * authentication.k8s.io/v1 TokenRequest, get back a signed, bound service account token. expirationSeconds
 * defaults to 3600 and must be at least 600; audiences default to the API server's; a boundObjectRef (Pod or
 * Secret) must exist with the given uid, and the token dies with that object.
 */
import type { SubresourceInfo } from "../../apiserver/discovery.js";
import type { SubresourceHandler } from "../../apiserver/handlers/rest.js";
import type { RequestContext, Store } from "../../apiserver/registry/store.js";
import { newBadRequest, newConflict, newInvalid, newMethodNotSupported } from "../../core/errors.js";
import { isPlainObject } from "../../core/object.js";
import type { FieldError } from "../../core/validation.js";
import type { BoundRef, TokenSigner } from "./tokens.js";

export const defaultExpirationSeconds = 3600;
export const minExpirationSeconds = 600;
const maxExpirationSeconds = 2 ** 32;

const tokenRequestGK = { group: "authentication.k8s.io", kind: "TokenRequest" };

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface TokenRequestDeps {
  signer: TokenSigner;
  /** The store of a core/v1 resource ("serviceaccounts", and "pods"/"secrets" for bound tokens), resolved per request. */
  coreStore: (plural: string) => Store | undefined;
}

function requireStore(deps: TokenRequestDeps, plural: string): Store {
  const s = deps.coreStore(plural);
  if (!s) throw new Error(`${plural} not served`);
  return s;
}

export function serviceAccountToken(deps: TokenRequestDeps): { info: SubresourceInfo; handler: SubresourceHandler } {
  return {
    info: { name: "token", kind: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" }, verbs: ["create"] },
    handler: {
      async handle(ctx, verb, name, body) {
        const serviceAccounts = requireStore(deps, "serviceaccounts");
        if (verb !== "create") throw newMethodNotSupported(serviceAccounts.gr, verb);
        if (!isPlainObject(body)) throw newBadRequest("a TokenRequest is required");
        if (body.kind !== undefined && body.kind !== "TokenRequest") {
          throw newBadRequest(`${String(body.kind)} in version "${String(body.apiVersion ?? "").split("/").pop() ?? ""}" cannot be handled as a TokenRequest: no kind "${String(body.kind)}" is registered for the TokenRequest endpoint`);
        }
        const spec = isPlainObject(body.spec) ? { ...body.spec } : {};
        const expirationSeconds = spec.expirationSeconds === undefined || spec.expirationSeconds === null ? defaultExpirationSeconds : Number(spec.expirationSeconds);
        const errs: FieldError[] = [];
        if (!Number.isInteger(expirationSeconds) || expirationSeconds < minExpirationSeconds) {
          errs.push({ type: "FieldValueInvalid", field: "spec.expirationSeconds", badValue: expirationSeconds, detail: "may not specify a duration less than 10 minutes" });
        } else if (expirationSeconds > maxExpirationSeconds) {
          errs.push({ type: "FieldValueInvalid", field: "spec.expirationSeconds", badValue: expirationSeconds, detail: "may not specify a duration larger than 2^32 seconds" });
        }
        if (errs.length) throw newInvalid(tokenRequestGK, name, errs);
        let audiences = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === "string") : [];
        if (audiences.length === 0) audiences = [...deps.signer.apiAudiences];

        const sa = await serviceAccounts.get(ctx, name);
        const bound = await boundObject(ctx, deps, name, spec.boundObjectRef);
        const meta = isPlainObject(body.metadata) ? body.metadata : {};
        const out = {
          kind: "TokenRequest",
          apiVersion: "authentication.k8s.io/v1",
          metadata: { ...meta, name, namespace: ctx.namespace, creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") },
          spec: { ...spec, audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
          status: { token: "", expirationTimestamp: null as string | null },
        };
        if (ctx.dryRun) return [201, out];
        const { token, claims } = deps.signer.issue({
          namespace: ctx.namespace,
          name,
          uid: sa.metadata.uid ?? "",
          audiences,
          expirationSeconds,
          ...bound,
        });
        out.status = { token, expirationTimestamp: rfc3339(claims.exp) };
        return [201, out];
      },
    },
  };
}

async function boundObject(ctx: RequestContext, deps: TokenRequestDeps, saName: string, ref: unknown): Promise<{ pod?: BoundRef; secret?: BoundRef }> {
  if (!isPlainObject(ref)) return {};
  const kind = typeof ref.kind === "string" ? ref.kind : "";
  const name = typeof ref.name === "string" ? ref.name : "";
  const uid = typeof ref.uid === "string" ? ref.uid : "";
  const store = kind === "Pod" ? deps.coreStore("pods") : kind === "Secret" ? deps.coreStore("secrets") : undefined;
  if (!store) throw newBadRequest(`cannot bind token for serviceaccount "${saName}" to object of kind "${kind}"`);
  const obj = await store.get(ctx, name);
  if (uid && obj.metadata.uid !== uid) {
    throw newConflict(store.gr, name, `the UID in the bound object reference (${uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  const boundRef = { name, uid: obj.metadata.uid ?? "" };
  return kind === "Pod" ? { pod: boundRef } : { secret: boundRef };
}
