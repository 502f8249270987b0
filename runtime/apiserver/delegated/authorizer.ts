/**
 * Authorizers and how they combine (k8s.io/apiserver/pkg/authorization/{union,path,authorizerfactory}): each
 * allows, denies, or has no opinion; a union asks them in order and the first allow or deny decides; no
 * opinion from all of them is a denial (403). A request the chain could not decide because an authorizer
 * failed (the core API server unreachable) is a 500, not a 403.
 */
import { StatusError } from "../../core/errors.js";
import type { AuthorizationAttributes, AuthorizationDecision, Authorize } from "../authorization.js";

export type Decision = "Allow" | "Deny" | "NoOpinion";

export interface AuthorizerResult {
  decision: Decision;
  /** Why; shown after the 403 message when not empty. */
  reason: string;
  /** The authorizer could not decide (it then has no opinion). */
  error?: Error;
}

/** One authorizer (authorizer.Authorizer). Must not throw: a failure is a NoOpinion result with `error`. */
export interface Authorizer {
  authorize(attrs: AuthorizationAttributes): Promise<AuthorizerResult>;
}

const noOpinion: AuthorizerResult = { decision: "NoOpinion", reason: "" };

/** The first Allow or Deny of `authorizers`; otherwise NoOpinion with every reason (one per line) and error. */
export function unionAuthorizer(authorizers: readonly Authorizer[]): Authorizer {
  return {
    async authorize(attrs) {
      const reasons: string[] = [];
      const errors: Error[] = [];
      for (const a of authorizers) {
        let r: AuthorizerResult;
        try {
          r = await a.authorize(attrs);
        } catch (err) {
          r = { decision: "NoOpinion", reason: "", error: err instanceof Error ? err : new Error(String(err)) };
        }
        if (r.error) errors.push(r.error);
        if (r.reason) reasons.push(r.reason);
        if (r.decision !== "NoOpinion") return r;
      }
      const out: AuthorizerResult = { decision: "NoOpinion", reason: reasons.join("\n") };
      if (errors.length === 1 && errors[0]) out.error = errors[0];
      else if (errors.length > 1) out.error = new AggregateError(errors, `[${errors.map((e) => e.message).join(", ")}]`);
      return out;
    },
  };
}

/**
 * Allows the listed non-resource paths to everyone (path.NewAuthorizer): exact paths, or prefixes ending in
 * `*` ("/healthz/*"). Throws for a `*` anywhere but at the end.
 */
export function pathAuthorizer(alwaysAllowPaths: readonly string[]): Authorizer {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of alwaysAllowPaths) {
    const p = raw.replace(/^\//, "");
    if (p.length === 0) {
      exact.add(p);
      continue;
    }
    if (p.slice(0, -1).includes("*")) throw new Error(`only trailing * allowed in ${JSON.stringify(p)}`);
    if (p.endsWith("*")) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  return {
    async authorize(attrs) {
      if (attrs.isResourceRequest) return noOpinion;
      const path = attrs.path.replace(/^\//, "");
      if (exact.has(path) || prefixes.some((p) => path.startsWith(p))) return { decision: "Allow", reason: "" };
      return noOpinion;
    },
  };
}

/** Allows every request of a member of one of `groups` (authorizerfactory.NewPrivilegedGroups). */
export function privilegedGroupsAuthorizer(groups: readonly string[]): Authorizer {
  const set = new Set(groups);
  return {
    async authorize(attrs) {
      return attrs.user.groups.some((g) => set.has(g)) ? { decision: "Allow", reason: "" } : noOpinion;
    },
  };
}

/** `Internal Server Error: "<path>": <error>` (responsewriters.InternalError's text) as a 500 Status. */
export function authorizationFailure(attrs: AuthorizationAttributes, err: Error): StatusError {
  const message = `Internal Server Error: ${JSON.stringify(attrs.path)}: ${err.message}`;
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "InternalError", details: { causes: [{ message: err.message }] }, code: 500 }, { cause: err });
}

/**
 * `APIServer`'s `authorize` option from an Authorizer (the authorization filter): Allow passes; an error
 * without an Allow throws the 500; anything else is denied with the reasons (the server answers 403 with
 * upstream's forbidden message).
 */
export function toAuthorize(a: Authorizer): Authorize {
  return async (attrs): Promise<AuthorizationDecision> => {
    const r = await a.authorize(attrs);
    if (r.decision === "Allow") return { allowed: true, reason: r.reason };
    if (r.error) throw authorizationFailure(attrs, r.error);
    return { allowed: false, reason: r.reason };
  };
}
