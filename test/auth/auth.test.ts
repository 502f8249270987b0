/**
 * Authentication and RBAC authorization end to end with real kubectl (1.27 and 1.33): service account tokens
 * from `kubectl create token`, bearer-token requests allowed and denied with upstream's 403 wording, `auth
 * can-i` (with --as and --list), `auth whoami`, forged and expired tokens (401), escalation prevention,
 * resourceNames and subresource rules, and anonymous access to the public endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectlEnv, kubectlVersions, tableRows, type KubectlEnv } from "../support/kubectl.js";
import { TokenSigner } from "../../runtime/controlplane/auth/tokens.js";
import { credentiallessKubeconfig, jwtPayload, plainRequest } from "./support.js";

const unauthorized = "error: You must be logged in to the server (Unauthorized)";

describe.concurrent.each(kubectlVersions)("kubectl $version: authentication and RBAC", (v) => {
  let env: KubectlEnv;
  let ns: string;
  let other: string;
  let token: string;
  let tokenless: string;
  let robot: string;
  let groups: string;

  /** kubectl authenticated only by `tok` (no client certificate). */
  const asToken = (tok: string, args: string[]) => env.kubectl.run(["--kubeconfig", tokenless, "--token", tok, ...args]);

  beforeAll(async () => {
    env = await kubectlEnv(v);
    ns = await env.namespace("auth");
    other = await env.namespace("other");
    robot = `system:serviceaccount:${ns}:robot`;
    groups = `["system:serviceaccounts" "system:serviceaccounts:${ns}" "system:authenticated"]`;
    const k = env.kubectl;
    await k.ok(["create", "serviceaccount", "robot", "-n", ns]);
    await k.ok(["create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods", "-n", ns]);
    await k.ok(["create", "rolebinding", "robot-pods", "--role=pod-reader", `--serviceaccount=${ns}:robot`, "-n", ns]);
    token = (await k.ok(["create", "token", "robot", "-n", ns])).trim();
    tokenless = await credentiallessKubeconfig(env, "tokenless");
  });

  afterAll(async () => {
    await env?.close();
  });

  it("kubectl create token issues a bound service account JWT with upstream's claims", async () => {
    expect(token.split(".")).toHaveLength(3);
    const claims = jwtPayload(token);
    const sa = await env.kubectl.json<{ metadata: { uid: string } }>(["get", "serviceaccount", "robot", "-n", ns]);
    expect(claims).toMatchObject({
      iss: "https://kubernetes.default.svc.cluster.local",
      aud: ["https://kubernetes.default.svc.cluster.local"],
      sub: robot,
      "kubernetes.io": { namespace: ns, serviceaccount: { name: "robot", uid: sa.metadata.uid } },
    });
    const { exp, iat, nbf } = claims as { exp: number; iat: number; nbf: number };
    expect(exp - iat).toBe(3600);
    expect(nbf).toBe(iat);
    const custom = jwtPayload((await env.kubectl.ok(["create", "token", "robot", "-n", ns, "--duration=20m", "--audience=vault"])).trim());
    expect(custom.aud).toEqual(["vault"]);
    expect((custom.exp as number) - (custom.iat as number)).toBe(1200);
  });

  it("TokenRequest validation: too short a duration is invalid, a missing service account is 404", async () => {
    const short = await env.kubectl.run(["create", "token", "robot", "-n", ns, "--duration=5m"]);
    expect(short.code).not.toBe(0);
    const missing = await env.kubectl.run(["create", "token", "nobody", "-n", ns]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('serviceaccounts "nobody" not found');
  });

  it("the token lists pods in its namespace and is forbidden elsewhere, with upstream's message", async () => {
    const mine = await asToken(token, ["get", "pods", "-n", ns]);
    expect(mine.code, mine.stderr).toBe(0);
    expect(mine.stderr).toContain(`No resources found in ${ns} namespace.`);
    const elsewhere = await asToken(token, ["get", "pods", "-n", other]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr.trim()).toBe(
      `Error from server (Forbidden): pods is forbidden: User "${robot}" cannot list resource "pods" in API group "" in the namespace "${other}"`,
    );
    const configmaps = await asToken(token, ["get", "configmaps", "-n", ns]);
    expect(configmaps.stderr.trim()).toBe(
      `Error from server (Forbidden): configmaps is forbidden: User "${robot}" cannot list resource "configmaps" in API group "" in the namespace "${ns}"`,
    );
  });

  it("the 403 Status has reason Forbidden and details.kind", async () => {
    const res = await plainRequest(env.cp, "GET", `/api/v1/namespaces/${other}/pods/p1`, { token });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `pods "p1" is forbidden: User "${robot}" cannot get resource "pods" in API group "" in the namespace "${other}"`,
      reason: "Forbidden",
      details: { name: "p1", kind: "pods" },
      code: 403,
    });
  });

  it("kubectl auth can-i with --as answers yes and no", async () => {
    const yes = await env.kubectl.run(["auth", "can-i", "list", "pods", `--as=${robot}`, "-n", ns]);
    expect([yes.code, yes.stdout.trim()]).toEqual([0, "yes"]);
    const no = await env.kubectl.run(["auth", "can-i", "list", "pods", `--as=${robot}`, "-n", other]);
    expect([no.code, no.stdout.trim()]).toEqual([1, "no"]);
    const del = await env.kubectl.run(["auth", "can-i", "delete", "pods", `--as=${robot}`, "-n", ns]);
    expect(del.stdout.trim()).toBe("no");
    // impersonation as the service account also serves real requests
    const viaAs = await env.kubectl.run(["get", "pods", "-n", other, `--as=${robot}`]);
    expect(viaAs.stderr.trim()).toBe(
      `Error from server (Forbidden): pods is forbidden: User "${robot}" cannot list resource "pods" in API group "" in the namespace "${other}"`,
    );
  });

  it("kubectl auth can-i --list shows the rules of the token's user", async () => {
    const out = await asToken(token, ["auth", "can-i", "--list", "-n", ns]);
    expect(out.code, out.stderr).toBe(0);
    const rows = tableRows(out.stdout);
    expect(rows[0]).toEqual(["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]);
    expect(rows).toContainEqual(["pods", "[]", "[]", "[get list watch]"]);
    expect(rows).toContainEqual(["selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"]);
    expect(rows).toContainEqual(["[/version]", "[]", "[get]"]);
    const elsewhere = tableRows((await asToken(token, ["auth", "can-i", "--list", "-n", other])).stdout);
    expect(elsewhere.some((r) => r[0] === "pods")).toBe(false);
  });

  it("kubectl auth whoami reports the service account user", async () => {
    const out = await asToken(token, ["auth", "whoami"]);
    expect(out.code, out.stderr).toBe(0);
    const rows = new Map(tableRows(out.stdout).map((r) => [r[0], r[1]]));
    expect(rows.get("Username")).toBe(robot);
    expect(rows.get("Groups")).toBe(`[system:serviceaccounts system:serviceaccounts:${ns} system:authenticated]`);
    const admin = new Map(tableRows(await env.kubectl.ok(["auth", "whoami"])).map((r) => [r[0], r[1]]));
    expect(admin.get("Username")).toBe("kubeforge-admin");
    expect(admin.get("Groups")).toBe("[system:masters system:authenticated]");
  });

  it("a forged, malformed or expired token is 401 Unauthorized", async () => {
    const sa = await env.kubectl.json<{ metadata: { uid: string } }>(["get", "serviceaccount", "robot", "-n", ns]);
    const forged = new TokenSigner().issue({ namespace: ns, name: "robot", uid: sa.metadata.uid, audiences: ["https://kubernetes.default.svc.cluster.local"], expirationSeconds: 3600 }).token;
    const signer = env.cp.controlPlane.auth.signer;
    const past = new Date(Date.now() - 2 * 3600_000);
    const expired = signer.issue({ namespace: ns, name: "robot", uid: sa.metadata.uid, audiences: [...signer.apiAudiences], expirationSeconds: 600, now: past }).token;
    const tampered = `${token.split(".")[0]}.${Buffer.from(JSON.stringify({ ...jwtPayload(token), sub: "system:serviceaccount:kube-system:admin" })).toString("base64url")}.${token.split(".")[2]}`;
    for (const bad of [forged, expired, tampered, "not-a-jwt"]) {
      const r = await asToken(bad, ["get", "pods", "-n", ns]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(unauthorized);
    }
    const raw = await plainRequest(env.cp, "GET", "/api/v1/namespaces/default/pods", { token: expired });
    expect(raw.status).toBe(401);
    expect(raw.json).toMatchObject({ kind: "Status", status: "Failure", reason: "Unauthorized", message: "Unauthorized", code: 401 });
    // a token for another audience is not valid against the API server
    const vault = (await env.kubectl.ok(["create", "token", "robot", "-n", ns, "--audience=vault"])).trim();
    expect((await asToken(vault, ["get", "pods", "-n", ns])).stderr.trim()).toBe(unauthorized);
  });

  it("a token dies with its service account", async () => {
    const k = env.kubectl;
    await k.ok(["create", "serviceaccount", "short-lived", "-n", ns]);
    const tok = (await k.ok(["create", "token", "short-lived", "-n", ns])).trim();
    expect((await asToken(tok, ["auth", "whoami"])).code).toBe(0);
    await k.ok(["delete", "serviceaccount", "short-lived", "-n", ns]);
    expect((await asToken(tok, ["auth", "whoami"])).stderr.trim()).toBe(unauthorized);
    await k.ok(["create", "serviceaccount", "short-lived", "-n", ns]);
    // same name, new uid: the old token stays invalid
    expect((await asToken(tok, ["auth", "whoami"])).stderr.trim()).toBe(unauthorized);
  });

  it("creating a Role with more than the creator holds is forbidden (escalation), within holdings allowed", async () => {
    const k = env.kubectl;
    await k.ok(["create", "role", "role-writer", "--verb=create,update", "--resource=roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io", "-n", ns]);
    await k.ok(["create", "rolebinding", "robot-role-writer", "--role=role-writer", `--serviceaccount=${ns}:robot`, "-n", ns]);
    const within = await asToken(token, ["create", "role", "reader-copy", "--verb=get,list", "--resource=pods", "-n", ns]);
    expect(within.code, within.stderr).toBe(0);
    const beyond = await asToken(token, ["create", "role", "too-much", "--verb=get,delete", "--resource=pods,secrets", "-n", ns]);
    expect(beyond.code).toBe(1);
    expect(beyond.stderr.trim()).toBe(
      `Error from server (Forbidden): roles.rbac.authorization.k8s.io "too-much" is forbidden: user "${robot}" (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n` +
        `{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n` +
        `{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}`,
    );
    // binding a role whose rules the robot does not hold is forbidden too; bindings of held roles are fine
    const bindEdit = await asToken(token, ["create", "rolebinding", "robot-edit", "--clusterrole=edit", `--serviceaccount=${ns}:robot`, "-n", ns]);
    expect(bindEdit.code).toBe(1);
    expect(bindEdit.stderr).toContain(`rolebindings.rbac.authorization.k8s.io "robot-edit" is forbidden: user "${robot}" (groups=${groups}) is attempting to grant RBAC permissions not currently held:`);
    const bindOwn = await asToken(token, ["create", "rolebinding", "robot-copy", "--role=reader-copy", `--serviceaccount=${ns}:robot`, "-n", ns]);
    expect(bindOwn.code, bindOwn.stderr).toBe(0);
    // the escalate verb lifts the check
    await k.ok(["create", "role", "escalator", "--verb=escalate", "--resource=roles.rbac.authorization.k8s.io", "-n", ns]);
    await k.ok(["create", "rolebinding", "robot-escalator", "--role=escalator", `--serviceaccount=${ns}:robot`, "-n", ns]);
    const escalated = await asToken(token, ["create", "role", "too-much", "--verb=get,delete", "--resource=pods,secrets", "-n", ns]);
    expect(escalated.code, escalated.stderr).toBe(0);
  });

  it("resourceNames and subresource rules are honoured", async () => {
    const k = env.kubectl;
    await k.ok(["create", "configmap", "open", "-n", ns, "--from-literal=a=1"]);
    await k.ok(["create", "configmap", "closed", "-n", ns, "--from-literal=a=2"]);
    await k.ok(["create", "role", "one-cm", "--verb=get", "--resource=configmaps", "--resource-name=open", "-n", ns]);
    await k.ok(["create", "role", "token-maker", "--verb=create", "--resource=serviceaccounts/token", "-n", ns]);
    await k.ok(["create", "role", "log-reader", "--verb=get", "--resource=pods/log", "-n", ns]);
    for (const role of ["one-cm", "token-maker", "log-reader"]) {
      await k.ok(["create", "rolebinding", `robot-${role}`, `--role=${role}`, `--serviceaccount=${ns}:robot`, "-n", ns]);
    }
    expect((await asToken(token, ["get", "configmap", "open", "-n", ns, "-o", "name"])).stdout.trim()).toBe("configmap/open");
    const closed = await asToken(token, ["get", "configmap", "closed", "-n", ns]);
    expect(closed.stderr.trim()).toBe(
      `Error from server (Forbidden): configmaps "closed" is forbidden: User "${robot}" cannot get resource "configmaps" in API group "" in the namespace "${ns}"`,
    );
    // the subresource rule allows serviceaccounts/token but not serviceaccounts
    const fresh = await asToken(token, ["create", "token", "robot", "-n", ns]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(jwtPayload(fresh.stdout.trim()).sub).toBe(robot);
    const sas = await asToken(token, ["get", "serviceaccounts", "-n", ns]);
    expect(sas.stderr).toContain(`cannot list resource "serviceaccounts" in API group "" in the namespace "${ns}"`);
    const log = await k.run(["auth", "can-i", "get", "pods", "--subresource=log", `--as=${robot}`, "-n", ns]);
    expect(log.stdout.trim()).toBe("yes");
    const exec = await k.run(["auth", "can-i", "create", "pods", "--subresource=exec", `--as=${robot}`, "-n", ns]);
    expect(exec.stdout.trim()).toBe("no");
  });

  it("a binding takes effect immediately and its removal too", async () => {
    const k = env.kubectl;
    await k.ok(["create", "serviceaccount", "late", "-n", ns]);
    const tok = (await k.ok(["create", "token", "late", "-n", ns])).trim();
    expect((await asToken(tok, ["get", "pods", "-n", ns])).code).toBe(1);
    await k.ok(["create", "rolebinding", "late-view", "--clusterrole=view", `--serviceaccount=${ns}:late`, "-n", ns]);
    expect((await asToken(tok, ["get", "pods,configmaps,deployments", "-n", ns])).code).toBe(0);
    await k.ok(["delete", "rolebinding", "late-view", "-n", ns]);
    expect((await asToken(tok, ["get", "pods", "-n", ns])).code).toBe(1);
  });

  it("anonymous requests get the public endpoints only", async () => {
    for (const path of ["/version", "/healthz", "/readyz", "/livez"]) {
      const r = await plainRequest(env.cp, "GET", path);
      expect(r.status, path).toBe(200);
    }
    const foo = await plainRequest(env.cp, "GET", "/foo");
    expect(foo.status).toBe(403);
    expect(foo.json).toMatchObject({ reason: "Forbidden", code: 403, message: 'forbidden: User "system:anonymous" cannot get path "/foo"' });
    const discovery = await plainRequest(env.cp, "GET", "/api");
    expect(discovery.json?.message).toBe('forbidden: User "system:anonymous" cannot get path "/api"');
    const pods = await plainRequest(env.cp, "GET", "/api/v1/namespaces/default/pods");
    expect(pods.json?.message).toBe('pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
    // authenticated users get discovery
    expect((await plainRequest(env.cp, "GET", "/api", { token })).status).toBe(200);
  });
});
