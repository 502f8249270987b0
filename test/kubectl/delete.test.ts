/** kubectl against the local control plane: delete (cascades, --wait), wait, namespace lifecycle. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, kubectlEnv, kubectlVersions, lines, tableRows, uniqueName, type KubectlEnv } from "../support/kubectl.js";

function cm(ns: string, name: string, extraMeta = ""): string {
  return `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${extraMeta}data:\n  k: v\n`;
}

function ownerRef(name: string, uid: string, block: boolean): string {
  return `  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: ${name}\n    uid: ${uid}\n${block ? "    blockOwnerDeletion: true\n" : ""}`;
}

function secret(ns: string, name: string, extraMeta = ""): string {
  return `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${extraMeta}stringData:\n  k: v\n`;
}

describe.concurrent.each(kubectlVersions)("kubectl $version: delete, wait, namespaces", (v) => {
  let env: KubectlEnv;
  beforeAll(async () => {
    env = await kubectlEnv(v);
  });
  afterAll(async () => {
    await env?.close();
  });

  /** Creates the owner ConfigMap and two dependents (a ConfigMap and a Secret) pointing at it; returns the owner's uid. */
  async function ownerWithDependents(ns: string, depMeta = "", block = false): Promise<string> {
    const k = env.kubectl;
    await k.ok(["create", "-f", "-"], { input: cm(ns, "owner") + cm(ns, "bystander") });
    const uid = await k.ok(["-n", ns, "get", "configmap", "owner", "-o", "jsonpath={.metadata.uid}"]);
    await k.ok(["create", "-f", "-"], { input: cm(ns, "dep-cm", ownerRef("owner", uid, block) + depMeta) + secret(ns, "dep-secret", ownerRef("owner", uid, block)) });
    return uid;
  }

  async function names(ns: string): Promise<string[]> {
    return lines(await env.kubectl.ok(["-n", ns, "get", "configmaps,secrets", "-o", "name"])).filter((n) => n !== "configmap/kube-root-ca.crt");
  }

  it("delete by name, by file, by label; deleting a missing object", async () => {
    const ns = await env.namespace("del");
    const k = env.kubectl;
    const file = await env.file("d.yaml", cm(ns, "from-file"));
    await k.ok(["create", "-f", file]);
    await k.ok(["create", "-f", "-"], { input: cm(ns, "plain") + cm(ns, "l1", "  labels:\n    gone: \"yes\"\n") + cm(ns, "l2", "  labels:\n    gone: \"yes\"\n") + cm(ns, "stays") });
    expect(await k.run(["-n", ns, "delete", "configmap", "plain"])).toEqual({ code: 0, stdout: 'configmap "plain" deleted\n', stderr: "" });
    expect(await k.run(["delete", "-f", file])).toEqual({ code: 0, stdout: 'configmap "from-file" deleted\n', stderr: "" });
    const byLabel = await k.run(["-n", ns, "delete", "configmaps", "-l", "gone=yes"]);
    expect(byLabel.code).toBe(0);
    expect(lines(byLabel.stdout)).toEqual(['configmap "l1" deleted', 'configmap "l2" deleted']);
    expect(await names(ns)).toEqual(["configmap/stays"]);
    expect(await k.run(["-n", ns, "get", "configmap", "plain"])).toEqual({ code: 1, stdout: "", stderr: 'Error from server (NotFound): configmaps "plain" not found\n' });
    expect(await k.run(["-n", ns, "delete", "configmap", "plain"])).toEqual({ code: 1, stdout: "", stderr: 'Error from server (NotFound): configmaps "plain" not found\n' });
    expect(await k.run(["-n", ns, "delete", "configmap", "plain", "--ignore-not-found"])).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("delete (background cascade, the default) removes dependents through the garbage collector", async () => {
    const ns = await env.namespace("bg");
    const k = env.kubectl;
    await ownerWithDependents(ns);
    expect(await k.run(["-n", ns, "delete", "configmap", "owner"])).toEqual({ code: 0, stdout: 'configmap "owner" deleted\n', stderr: "" });
    await eventually(async () => (await names(ns)).length === 1);
    expect(await names(ns)).toEqual(["configmap/bystander"]);
  });

  it("delete --cascade=foreground deletes dependents before the owner", async () => {
    const ns = await env.namespace("fg");
    const k = env.kubectl;
    // a finalizer on one dependent holds the owner in the foreground deletion until it is released
    await ownerWithDependents(ns, '  finalizers:\n  - example.com/hold\n', true);
    expect(await k.run(["-n", ns, "delete", "configmap", "owner", "--cascade=foreground", "--wait=false"])).toEqual({ code: 0, stdout: 'configmap "owner" deleted\n', stderr: "" });
    await eventually(async () => (await names(ns)).join() === "configmap/bystander,configmap/dep-cm,configmap/owner");
    const [owner, dep] = await Promise.all([k.json<{ metadata: { finalizers?: string[]; deletionTimestamp?: string } }>(["-n", ns, "get", "configmap", "owner"]), k.json<{ metadata: { finalizers?: string[]; deletionTimestamp?: string } }>(["-n", ns, "get", "configmap", "dep-cm"])]);
    expect(owner.metadata.finalizers).toEqual(["foregroundDeletion"]);
    expect(owner.metadata.deletionTimestamp).toBeTruthy();
    expect(dep.metadata.deletionTimestamp).toBeTruthy();
    expect(dep.metadata.finalizers).toEqual(["example.com/hold"]);
    // the blocked owner goes once its last dependent does
    const waiter = k.background(["-n", ns, "wait", "--for=delete", "configmap/owner", "--timeout=30s", "-v=6"]);
    await waiter.waitForOutput(/watch=true.*200 OK/, 15_000, "stderr");
    await k.ok(["-n", ns, "patch", "configmap", "dep-cm", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]']);
    const done = await waiter.exited;
    expect(done).toMatchObject({ code: 0, stdout: "configmap/owner condition met\n" });
    expect(await names(ns)).toEqual(["configmap/bystander"]);
  });

  it("delete --cascade=foreground with --wait returns once owner and dependents are gone", async () => {
    const ns = await env.namespace("fgw");
    const k = env.kubectl;
    await ownerWithDependents(ns, "", true);
    expect(await k.run(["-n", ns, "delete", "configmap", "owner", "--cascade=foreground"])).toEqual({ code: 0, stdout: 'configmap "owner" deleted\n', stderr: "" });
    // blockOwnerDeletion dependents are gone before the owner is
    expect(await names(ns)).toEqual(["configmap/bystander"]);
  });

  it("delete --cascade=orphan keeps dependents and removes their ownerReferences", async () => {
    const ns = await env.namespace("orphan");
    const k = env.kubectl;
    await ownerWithDependents(ns);
    expect(await k.run(["-n", ns, "delete", "configmap", "owner", "--cascade=orphan"])).toEqual({ code: 0, stdout: 'configmap "owner" deleted\n', stderr: "" });
    expect(await names(ns)).toEqual(["configmap/bystander", "configmap/dep-cm", "secret/dep-secret"]);
    const [a, b] = await Promise.all([
      k.ok(["-n", ns, "get", "configmap", "dep-cm", "-o", "jsonpath={.metadata.ownerReferences}"]),
      k.ok(["-n", ns, "get", "secret", "dep-secret", "-o", "jsonpath={.metadata.ownerReferences}"]),
    ]);
    expect(a).toBe("");
    expect(b).toBe("");
  });

  it("delete waits for finalizers by default; --wait=false returns at once", async () => {
    const ns = await env.namespace("waitdel");
    const k = env.kubectl;
    await k.ok(["create", "-f", "-"], { input: cm(ns, "held", "  finalizers:\n  - example.com/hold\n") + cm(ns, "held2", "  finalizers:\n  - example.com/hold\n") });
    expect(await k.run(["-n", ns, "delete", "configmap", "held2", "--wait=false"])).toEqual({ code: 0, stdout: 'configmap "held2" deleted\n', stderr: "" });
    expect(await k.ok(["-n", ns, "get", "configmap", "held2", "-o", "jsonpath={.metadata.finalizers}"])).toBe('["example.com/hold"]');
    const del = k.background(["-n", ns, "delete", "configmap", "held"]);
    let exited = false;
    void del.exited.then(() => (exited = true));
    await del.waitForOutput(/configmap "held" deleted\n/);
    // still waiting while the finalizer holds the object
    await new Promise((r) => setTimeout(r, 500));
    expect(exited).toBe(false);
    await k.ok(["-n", ns, "patch", "configmap", "held", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
    expect(await del.exited).toEqual({ code: 0, stdout: 'configmap "held" deleted\n', stderr: "" });
    expect((await k.run(["-n", ns, "get", "configmap", "held"])).code).toBe(1);
    // a timed-out wait fails
    const timeout = await k.run(["-n", ns, "delete", "configmap", "held2", "--timeout=1s"]);
    expect(timeout.code).toBe(1);
    // (client-go may log a reflector warning first when its own deadline cuts the watch)
    expect(timeout.stderr).toMatch(/(^|\n)error: timed out waiting for the condition on configmaps\/held2\n$/);
    await k.ok(["-n", ns, "patch", "configmap", "held2", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
  });

  it("wait --for=condition and --for=jsonpath on a status set through the status subresource", async () => {
    const ns = await env.namespace("cond");
    const k = env.kubectl;
    await k.ok(["-n", ns, "create", "deployment", "web", "--image=nginx"]);
    const waiter = k.background(["-n", ns, "wait", "--for=condition=Available", "deployment/web", "--timeout=30s", "-v=6"]);
    await waiter.waitForOutput(/watch=true.*200 OK/, 15_000, "stderr");
    const status = '{"status":{"observedGeneration":1,"conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable","message":"ok","lastUpdateTime":"2024-01-01T00:00:00Z","lastTransitionTime":"2024-01-01T00:00:00Z"}]}}';
    await k.ok(["-n", ns, "patch", "deployment", "web", "--subresource=status", "--type=merge", "-p", status]);
    expect(await waiter.exited).toMatchObject({ code: 0, stdout: "deployment.apps/web condition met\n" });
    // already met: immediate
    expect(await k.run(["-n", ns, "wait", "--for=condition=Available=True", "deployment/web", "--timeout=5s"])).toEqual({ code: 0, stdout: "deployment.apps/web condition met\n", stderr: "" });
    // never met: times out
    const never = await k.run(["-n", ns, "wait", "--for=condition=Progressing", "deployment/web", "--timeout=1s"]);
    expect(never).toEqual({ code: 1, stdout: "", stderr: "error: timed out waiting for the condition on deployments/web\n" });

    await k.ok(["-n", ns, "run", "p", "--image=nginx"]);
    const ready = k.background(["-n", ns, "wait", "--for=jsonpath={.status.phase}=Running", "pod/p", "--timeout=30s", "-v=6"]);
    await ready.waitForOutput(/watch=true.*200 OK/, 15_000, "stderr");
    await k.ok(["-n", ns, "patch", "pod", "p", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Running"}}']);
    expect(await ready.exited).toMatchObject({ code: 0, stdout: "pod/p condition met\n" });
  });

  it("wait --for=delete on several objects and by label", async () => {
    const ns = await env.namespace("waitd");
    const k = env.kubectl;
    await k.ok(["create", "-f", "-"], { input: cm(ns, "w1", '  labels:\n    grp: "a"\n') + cm(ns, "w2", '  labels:\n    grp: "a"\n') });
    const waiter = k.background(["-n", ns, "wait", "--for=delete", "configmap", "-l", "grp=a", "--timeout=30s", "-v=6"]);
    await waiter.waitForOutput(/watch=true.*200 OK/, 15_000, "stderr");
    await k.ok(["-n", ns, "delete", "configmap", "w1", "w2"]);
    const r = await waiter.exited;
    expect(r.code).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(["configmap/w1 condition met", "configmap/w2 condition met"]);
  });

  it("namespace deletion: Terminating, new content forbidden, contents removed, then the namespace", async () => {
    const k = env.kubectl;
    const ns = uniqueName("doomed");
    expect(await k.run(["create", "namespace", ns])).toEqual({ code: 0, stdout: `namespace/${ns} created\n`, stderr: "" });
    await k.ok(["create", "-f", "-"], {
      input: cm(ns, "plain") + cm(ns, "held", "  finalizers:\n  - example.com/hold\n") + secret(ns, "s") + `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ${ns}\nspec:\n  containers:\n  - name: c\n    image: busybox\n`,
    });
    await k.ok(["-n", ns, "create", "deployment", "web", "--image=nginx"]);
    expect(await k.run(["delete", "namespace", ns, "--wait=false"])).toEqual({ code: 0, stdout: `namespace "${ns}" deleted\n`, stderr: "" });
    const table = tableRows(await k.ok(["get", "namespace", ns]));
    expect(table).toEqual([
      ["NAME", "STATUS", "AGE"],
      [ns, "Terminating", expect.stringMatching(/^\d+s$/)],
    ]);
    const created = await k.run(["-n", ns, "create", "configmap", "late", "--from-literal=a=b"]);
    expect(created).toEqual({ code: 1, stdout: "", stderr: `error: failed to create configmap: configmaps "late" is forbidden: unable to create new content in namespace ${ns} because it is being terminated\n` });
    const fromFile = await k.run(["create", "-f", "-"], { input: cm(ns, "late2") });
    expect(fromFile).toEqual({ code: 1, stdout: "", stderr: `Error from server (Forbidden): error when creating "STDIN": configmaps "late2" is forbidden: unable to create new content in namespace ${ns} because it is being terminated\n` });
    // everything but the held configmap goes; the namespace reports what remains
    await eventually(async () => lines(await k.ok(["-n", ns, "get", "configmaps,secrets,pods,deployments", "-o", "name"])).join() === "configmap/held");
    await eventually(async () => {
      const conds = JSON.parse((await k.ok(["get", "namespace", ns, "-o", "jsonpath={.status.conditions}"])) || "[]") as { type: string; status: string; message?: string }[];
      return conds.some((c) => c.type === "NamespaceContentRemaining" && c.status === "True");
    });
    const conds = JSON.parse(await k.ok(["get", "namespace", ns, "-o", "jsonpath={.status.conditions}"])) as { type: string; status: string; reason?: string; message?: string }[];
    expect(conds.find((c) => c.type === "NamespaceContentRemaining")).toMatchObject({ status: "True", reason: "SomeResourcesRemain", message: "Some resources are remaining: configmaps. has 1 resource instances" });
    expect(conds.find((c) => c.type === "NamespaceFinalizersRemaining")).toMatchObject({ status: "True", reason: "SomeFinalizersRemain", message: "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances" });
    expect(await k.ok(["get", "namespace", ns, "-o", "jsonpath={.status.phase}/{.spec.finalizers}"])).toBe('Terminating/["kubernetes"]');

    const waiter = k.background(["wait", "--for=delete", `namespace/${ns}`, "--timeout=30s", "-v=6"]);
    await waiter.waitForOutput(/watch=true.*200 OK/, 15_000, "stderr");
    await k.ok(["-n", ns, "patch", "configmap", "held", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
    expect(await waiter.exited).toMatchObject({ code: 0, stdout: `namespace/${ns} condition met\n` });
    expect(await k.run(["get", "namespace", ns])).toEqual({ code: 1, stdout: "", stderr: `Error from server (NotFound): namespaces "${ns}" not found\n` });
  });

  it("delete namespace waits until its contents and the namespace are gone", async () => {
    const k = env.kubectl;
    const ns = uniqueName("gone");
    await k.ok(["create", "namespace", ns]);
    await k.ok(["create", "-f", "-"], { input: cm(ns, "a") + cm(ns, "b") + secret(ns, "c") });
    expect(await k.run(["delete", "namespace", ns])).toEqual({ code: 0, stdout: `namespace "${ns}" deleted\n`, stderr: "" });
    expect((await k.run(["get", "namespace", ns])).stderr).toBe(`Error from server (NotFound): namespaces "${ns}" not found\n`);
    // creating in a namespace that does not exist
    expect(await k.run(["-n", ns, "create", "configmap", "x"])).toEqual({ code: 1, stdout: "", stderr: `error: failed to create configmap: namespaces "${ns}" not found\n` });
  });

  it("the default namespaces cannot be deleted", async () => {
    const r = await env.kubectl.run(["delete", "namespace", "default"]);
    expect(r).toEqual({ code: 1, stdout: "", stderr: 'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n' });
  });
});
