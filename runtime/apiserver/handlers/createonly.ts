/**
 * Create-only resources that are never stored (upstream's `rest.Creater`-only storages such as TokenReview and
 * the access reviews): POST decodes the object, checks its kind and version, and answers 201 with what the
 * handler computed; every other verb is 405.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { newBadRequest, newGenericNotFound, newMethodNotSupported, newUnsupportedMediaType } from "../../core/errors.js";
import { isPlainObject, type KubeObject } from "../../core/object.js";
import type { UserInfo } from "../admission/types.js";
import { decodeBody, readBody } from "../http/body.js";
import { bodyFormat } from "../http/negotiation.js";
import { sendObject } from "../http/respond.js";
import type { RequestInfo } from "../requestinfo.js";
import type { ResourceDefinition } from "../resource.js";

export interface CreateOnlyContext {
  user: UserInfo;
  /** The request's namespace (namespaced resources only). */
  namespace: string;
}

/** Computes the response object (usually the request with a status) from the decoded request object. */
export type CreateOnlyHandler = (obj: KubeObject, ctx: CreateOnlyContext) => KubeObject | Promise<KubeObject>;

const acceptedBodyTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

export async function serveCreateOnly(def: ResourceDefinition, handler: CreateOnlyHandler, info: RequestInfo, req: IncomingMessage, res: ServerResponse, user: UserInfo): Promise<void> {
  const gr = { group: def.group, resource: def.names.plural };
  if (info.subresource || info.name) throw newGenericNotFound();
  if (info.verb !== "create") throw newMethodNotSupported(gr, info.verb || (req.method ?? "").toLowerCase());
  if (def.namespaced && !info.namespace) throw newGenericNotFound();
  if (!def.namespaced && info.namespace) throw newGenericNotFound();
  const fmt = bodyFormat(req.headers["content-type"]);
  if (!fmt) {
    req.resume();
    throw newUnsupportedMediaType(String(req.headers["content-type"] ?? ""), acceptedBodyTypes);
  }
  const kind = def.names.kind;
  const apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
  const raw = decodeBody(await readBody(req), fmt, kind);
  if (!isPlainObject(raw)) throw newBadRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: expected an object`);
  const gotKind = typeof raw.kind === "string" ? raw.kind : "";
  const gotVersion = typeof raw.apiVersion === "string" ? raw.apiVersion : "";
  if (gotKind && gotKind !== kind) {
    throw newBadRequest(`${gotKind} in version "${gotVersion.split("/").pop() ?? ""}" cannot be handled as a ${kind}: no kind "${gotKind}" is registered for the ${kind} endpoint`);
  }
  if (gotVersion && gotVersion !== apiVersion) throw newBadRequest(`the API version in the data (${gotVersion}) does not match the expected API version (${apiVersion})`);
  const obj = { ...raw, apiVersion, kind, metadata: isPlainObject(raw.metadata) ? raw.metadata : {} } as KubeObject;
  const out = await handler(obj, { user, namespace: info.namespace });
  sendObject(res, 201, out);
}
