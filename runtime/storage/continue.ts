/**
 * List continue tokens, byte-compatible with k8s.io/apiserver/pkg/storage/continue.go: unpadded base64url of
 * `{"v":"meta.k8s.io/v1","rv":<revision>,"start":"<next key relative to the list prefix>"}`, where the next key
 * is the last returned key + "\u0000". A negative rv means "continue at the latest revision" (the token upstream
 * hands out with a 410 for an expired continue).
 */
import { newBadRequest, newResourceExpired, type StatusError } from "../core/errors.js";

export interface ContinueToken {
  /** The key to start from (inclusive), with the list prefix re-attached. */
  startKey: string;
  /** The revision the first page was served at; negative = latest. Never 0. */
  revision: number;
}

const API_VERSION = "meta.k8s.io/v1";

/** The token for the page after `lastKey`, relative to `prefix` (which `lastKey` starts with). */
export function encodeContinue(lastKey: string, prefix: string, revision: number): string {
  if (!lastKey.startsWith(prefix)) throw new Error(`unable to encode next field: the key (${lastKey}) and key prefix (${prefix}) do not match`);
  return encodeToken(lastKey.slice(prefix.length) + "\u0000", revision);
}

function encodeToken(start: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: API_VERSION, rv, start }), "utf8").toString("base64url");
}

const B64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Decodes a token; a malformed one is a 400 BadRequest with upstream's `invalid continue token: ...` wording. */
export function decodeContinue(token: string, prefix: string): ContinueToken {
  const bad = (why: string): StatusError => newBadRequest(`invalid continue token: continue key is not valid${why ? `: ${why}` : ""}`);
  if (!B64.test(token) || token.replace(/=+$/, "").length % 4 === 1) throw bad("illegal base64 data");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
  } catch (err) {
    throw bad(err instanceof Error ? err.message : String(err));
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw bad("not a JSON object");
  const { v, rv, start } = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== API_VERSION) throw bad(`server does not recognize this encoded version ${typeof v === "string" ? v : ""}`.trimEnd());
  if (typeof rv !== "number" || !Number.isSafeInteger(rv) || rv === 0) {
    throw newBadRequest(`invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version ${API_VERSION})`);
  }
  if (typeof start !== "string" || start === "") {
    throw newBadRequest(`invalid continue token: continue key is not valid: encoded start key empty (version ${API_VERSION})`);
  }
  // Upstream runs path.Clean on "/"+start to stop a token from escaping the list's prefix.
  if (!isCleanPath(start.startsWith("/") ? start : `/${start}`)) throw bad(start);
  return { startKey: prefix + (start.startsWith("/") ? start.slice(1) : start), revision: rv };
}

/** Upstream's message for a continue token whose revision is no longer in the storage's history. */
export const continueExpiredMessage =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/**
 * The 410 for an expired continue token. Like upstream, the Status carries a fresh token in
 * `metadata.continue` that continues from the same key at the latest revision (an inconsistent list).
 */
export function newContinueExpired(startKey: string, prefix: string): StatusError {
  const err = newResourceExpired(continueExpiredMessage);
  const token = encodeToken(startKey.slice(prefix.length), -1);
  // core's Status.metadata type lacks ListMeta.continue; the wire object carries it.
  Object.assign(err.status.metadata, { continue: token });
  return err;
}

/** Whether `p` (rooted) is unchanged by Go's path.Clean. */
function isCleanPath(p: string): boolean {
  if (p.length > 1 && p.endsWith("/")) return false;
  if (p.includes("//")) return false;
  return p.split("/").every((seg) => seg !== "." && seg !== "..");
}

/** Where a list starts: from a continue token's key and revision, or from the prefix at a requested revision. */
export interface ListStart {
  /** The first key to read (inclusive). */
  startKey: string;
  /** The revision to read at; undefined = the latest. */
  revision: number | undefined;
  /** Whether the list continues an earlier page (an expired revision is then a continue 410). */
  fromContinue: boolean;
}

/**
 * Resolves a list's start as kube-apiserver's stores do: a continue token gives the key and the first page's
 * revision; otherwise the list starts at `prefix`, at the requested revision only for resourceVersionMatch=Exact.
 * Either way, waits until the backend has reached the revision asked for (`waitForRevision`: 504 past its limit).
 */
export async function resolveListStart(
  opts: { prefix?: string; continue?: string; resourceVersion?: string; resourceVersionMatch?: string },
  parseRevision: (rv: string | undefined) => number,
  waitForRevision: (rev: number) => Promise<void>,
): Promise<ListStart> {
  const prefix = opts.prefix ?? "";
  if (opts.continue) {
    const token = decodeContinue(opts.continue, prefix);
    if (token.revision > 0) await waitForRevision(token.revision);
    return { startKey: token.startKey, revision: token.revision > 0 ? token.revision : undefined, fromContinue: true };
  }
  const requested = parseRevision(opts.resourceVersion);
  await waitForRevision(requested);
  return { startKey: prefix, revision: opts.resourceVersionMatch === "Exact" && requested > 0 ? requested : undefined, fromContinue: false };
}
