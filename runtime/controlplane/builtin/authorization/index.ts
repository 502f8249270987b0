/**
 * authorization.k8s.io/v1: SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectAccessReview and
 * SelfSubjectRulesReview, create-only and never stored (pkg/registry/authorization), answered by the control
 * plane's authorizer. Validation messages are upstream's (pkg/apis/authorization/validation).
 */
import type { UserInfo } from "../../../apiserver/admission/types.js";
import type { AuthorizationAttributes } from "../../../apiserver/authorization.js";
import type { CreateOnlyHandler } from "../../../apiserver/handlers/createonly.js";
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import { newBadRequest, newInvalid } from "../../../core/errors.js";
import { isPlainObject, type KubeObject } from "../../../core/object.js";
import type { FieldError } from "../../../core/validation.js";
import type { Authorizer } from "../../auth/authorizer.js";
import type { CreateOnlyResource } from "../authentication/index.js";

export const authorizationGroup = "authorization.k8s.io";

type Json = Record<string, unknown>;

function def(kind: string, plural: string, namespaced = false): ResourceDefinition {
  return { group: authorizationGroup, version: "v1", names: { plural, singular: "", kind, listKind: `${kind}List` }, namespaced, verbs: ["create"] };
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);

function invalid(kind: string, errs: FieldError[]): never {
  throw newInvalid({ group: authorizationGroup, kind }, "", errs);
}

/** Attributes of a review's resourceAttributes or nonResourceAttributes. */
function reviewAttributes(spec: Json, user: UserInfo): AuthorizationAttributes {
  const ra = isPlainObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  if (ra) {
    return {
      user,
      verb: str(ra.verb),
      isResourceRequest: true,
      path: "",
      namespace: str(ra.namespace),
      apiGroup: str(ra.group),
      apiVersion: str(ra.version),
      resource: str(ra.resource),
      subresource: str(ra.subresource),
      name: str(ra.name),
    };
  }
  const nra = isPlainObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : {};
  return { user, verb: str(nra.verb), isResourceRequest: false, path: str(nra.path), namespace: "", apiGroup: "", apiVersion: "", resource: "", subresource: "", name: "" };
}

function attributesErrors(spec: Json): FieldError[] {
  const hasRA = isPlainObject(spec.resourceAttributes);
  const hasNRA = isPlainObject(spec.nonResourceAttributes);
  if (hasRA && hasNRA) return [{ type: "FieldValueInvalid", field: "spec.nonResourceAttributes", badValue: spec.nonResourceAttributes, detail: "cannot be specified in combination with resourceAttributes" }];
  if (!hasRA && !hasNRA) return [{ type: "FieldValueInvalid", field: "spec.resourceAttributes", badValue: "null", detail: "exactly one of nonResourceAttributes or resourceAttributes must be specified" }];
  return [];
}

function specOf(obj: KubeObject): Json {
  return isPlainObject(obj.spec) ? obj.spec : {};
}

function respond(obj: KubeObject, spec: Json, status: Json): KubeObject {
  return { ...obj, metadata: { ...obj.metadata }, spec, status } as KubeObject;
}

function statusOf(authz: Authorizer, attrs: AuthorizationAttributes): Json {
  const d = authz.authorize(attrs);
  const status: Json = { allowed: d.allowed };
  if (d.reason) status.reason = d.reason;
  return status;
}

function specUser(spec: Json): UserInfo {
  const user: UserInfo = { username: str(spec.user), groups: strs(spec.groups) };
  if (str(spec.uid)) user.uid = str(spec.uid);
  if (isPlainObject(spec.extra)) user.extra = Object.fromEntries(Object.entries(spec.extra).map(([k, v]) => [k, strs(v)]));
  return user;
}

function subjectAccessReview(authz: Authorizer): CreateOnlyHandler {
  return (obj) => {
    const spec = specOf(obj);
    const errs = attributesErrors(spec);
    if (!str(spec.user) && strs(spec.groups).length === 0) errs.push({ type: "FieldValueInvalid", field: "spec.user", badValue: "", detail: "at least one of user or group must be specified" });
    if (errs.length) invalid("SubjectAccessReview", errs);
    return respond(obj, spec, statusOf(authz, reviewAttributes(spec, specUser(spec))));
  };
}

function localSubjectAccessReview(authz: Authorizer): CreateOnlyHandler {
  return (obj, ctx) => {
    const spec = specOf(obj);
    const errs = attributesErrors(spec);
    if (isPlainObject(spec.nonResourceAttributes)) errs.push({ type: "FieldValueInvalid", field: "spec.nonResourceAttributes", badValue: spec.nonResourceAttributes, detail: "disallowed on this kind of request" });
    if (!str(spec.user) && strs(spec.groups).length === 0) errs.push({ type: "FieldValueInvalid", field: "spec.user", badValue: "", detail: "at least one of user or group must be specified" });
    if (errs.length) invalid("LocalSubjectAccessReview", errs);
    const ra = isPlainObject(spec.resourceAttributes) ? spec.resourceAttributes : {};
    const ns = str(ra.namespace);
    if (ns && ns !== ctx.namespace) throw newBadRequest(`spec.resourceAttributes.namespace must match namespace: ${ctx.namespace}`);
    const outSpec = { ...spec, resourceAttributes: { ...ra, namespace: ctx.namespace } };
    return respond({ ...obj, metadata: { ...obj.metadata, namespace: ctx.namespace } } as KubeObject, outSpec, statusOf(authz, reviewAttributes(outSpec, specUser(spec))));
  };
}

function selfSubjectAccessReview(authz: Authorizer): CreateOnlyHandler {
  return (obj, ctx) => {
    const spec = specOf(obj);
    const errs = attributesErrors(spec);
    if (errs.length) invalid("SelfSubjectAccessReview", errs);
    return respond(obj, spec, statusOf(authz, reviewAttributes(spec, ctx.user)));
  };
}

function selfSubjectRulesReview(authz: Authorizer): CreateOnlyHandler {
  return (obj, ctx) => {
    const spec = specOf(obj);
    const namespace = str(spec.namespace);
    if (!namespace) throw newBadRequest("no namespace on request");
    const resourceRules: Json[] = [];
    const nonResourceRules: Json[] = [];
    for (const r of authz.rulesFor(ctx.user, namespace)) {
      if (r.nonResourceURLs?.length) {
        nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
      } else {
        const rr: Json = { verbs: r.verbs };
        if (r.apiGroups?.length) rr.apiGroups = r.apiGroups;
        if (r.resources?.length) rr.resources = r.resources;
        if (r.resourceNames?.length) rr.resourceNames = r.resourceNames;
        resourceRules.push(rr);
      }
    }
    return respond(obj, spec, { resourceRules, nonResourceRules, incomplete: false });
  };
}

/** The authorization.k8s.io resources, bound to the control plane's authorizer. */
export function authorizationResources(authz: Authorizer): CreateOnlyResource[] {
  return [
    { def: def("SelfSubjectAccessReview", "selfsubjectaccessreviews"), handler: selfSubjectAccessReview(authz) },
    { def: def("SelfSubjectRulesReview", "selfsubjectrulesreviews"), handler: selfSubjectRulesReview(authz) },
    { def: def("SubjectAccessReview", "subjectaccessreviews"), handler: subjectAccessReview(authz) },
    { def: def("LocalSubjectAccessReview", "localsubjectaccessreviews", true), handler: localSubjectAccessReview(authz) },
  ];
}
