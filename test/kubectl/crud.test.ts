/** kubectl against the local control plane: create, apply, get, describe, label, annotate, patch, replace, scale. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYAML } from "yaml";
import { kubectlEnv, kubectlVersions, lines, tableRows, type KubectlEnv } from "../support/kubectl.js";

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
  };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  type?: string;
}

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration";

function configMapYAML(ns: string, name: string, data: Record<string, string>, labels: Record<string, string> = {}): string {
  const lbl = Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"\n`).join("");
  const d = Object.entries(data).map(([k, v]) => `  ${k}: "${v}"\n`).join("");
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${lbl ? `  labels:\n${lbl}` : ""}data:\n${d}`;
}

function deploymentYAML(ns: string, name: string, replicas = 1): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
`;
}

describe.concurrent.each(kubectlVersions)("kubectl $version: create, apply, get, edit verbs", (v) => {
  let env: KubectlEnv;
  beforeAll(async () => {
    env = await kubectlEnv(v);
  });
  afterAll(async () => {
    await env?.close();
  });

  it("create -f and get in every output format", async () => {
    const ns = await env.namespace("get");
    const k = env.kubectl;
    const file = await env.file("cm.yaml", configMapYAML(ns, "app", { a: "1", b: "two" }, { tier: "web" }));
    expect(await k.run(["create", "-f", file])).toEqual({ code: 0, stdout: "configmap/app created\n", stderr: "" });

    const [json, yaml, jp, name, table, wide, noHeaders] = await Promise.all([
      k.ok(["-n", ns, "get", "configmap", "app", "-o", "json"]),
      k.ok(["-n", ns, "get", "configmap", "app", "-o", "yaml"]),
      k.ok(["-n", ns, "get", "configmap", "app", "-o", "jsonpath={.data.b}/{.metadata.labels.tier}/{.kind}"]),
      k.ok(["-n", ns, "get", "configmaps", "app", "-o", "name"]),
      k.ok(["-n", ns, "get", "configmaps"]),
      k.ok(["-n", ns, "get", "configmaps", "app", "-o", "wide", "--show-labels"]),
      k.ok(["-n", ns, "get", "cm", "app", "--no-headers"]),
    ]);
    const obj = JSON.parse(json) as Obj;
    expect(obj).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "app", namespace: ns, labels: { tier: "web" } }, data: { a: "1", b: "two" } });
    expect(obj.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(obj.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(obj.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(parseYAML(yaml)).toEqual(obj);
    expect(yaml.startsWith("apiVersion: v1\ndata:\n")).toBe(true);
    expect(jp).toBe("two/web/ConfigMap");
    expect(name).toBe("configmap/app\n");
    const rows = tableRows(table);
    expect(rows[0]).toEqual(["NAME", "DATA", "AGE"]);
    const row = rows.find((r) => r[0] === "app");
    expect(row?.[1]).toBe("2");
    expect(row?.[2]).toMatch(/^\d+s$/);
    expect(tableRows(wide)[0]).toEqual(["NAME", "DATA", "AGE", "LABELS"]);
    expect(tableRows(wide)[1]).toEqual(["app", "2", expect.stringMatching(/^\d+s$/), "tier=web"]);
    expect(tableRows(noHeaders)).toEqual([["app", "2", expect.stringMatching(/^\d+s$/)]]);
  });

  it("get of a missing object and of an unknown resource type", async () => {
    const ns = await env.namespace("missing");
    const [missing, several, unknown] = await Promise.all([
      env.kubectl.run(["-n", ns, "get", "configmap", "nope"]),
      env.kubectl.run(["-n", ns, "get", "configmap", "nope1", "nope2", "-o", "name"]),
      env.kubectl.run(["-n", ns, "get", "widgets"]),
    ]);
    expect(missing).toEqual({ code: 1, stdout: "", stderr: 'Error from server (NotFound): configmaps "nope" not found\n' });
    expect(several.code).toBe(1);
    expect(several.stderr).toBe('Error from server (NotFound): configmaps "nope1" not found\nError from server (NotFound): configmaps "nope2" not found\n');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('error: the server doesn\'t have a resource type "widgets"');
    const empty = await env.kubectl.run(["-n", ns, "get", "secrets"]);
    expect(empty).toEqual({ code: 0, stdout: "", stderr: `No resources found in ${ns} namespace.\n` });
  });

  it("apply creates, re-apply removes a field, last-applied-configuration tracks it", async () => {
    const ns = await env.namespace("apply");
    const k = env.kubectl;
    const first = configMapYAML(ns, "cfg", { keep: "k", drop: "d" }, { app: "x" });
    expect(await k.run(["apply", "-f", "-"], { input: first })).toEqual({ code: 0, stdout: "configmap/cfg created\n", stderr: "" });
    const created = await k.json<Obj>(["-n", ns, "get", "cm", "cfg"]);
    const applied1 = JSON.parse(created.metadata.annotations?.[lastApplied] ?? "{}") as Obj;
    expect(applied1).toEqual({ apiVersion: "v1", kind: "ConfigMap", metadata: { annotations: {}, labels: { app: "x" }, name: "cfg", namespace: ns }, data: { keep: "k", drop: "d" } });

    // a field changed in the cluster by someone else survives a re-apply that does not mention it
    await k.ok(["-n", ns, "label", "cm", "cfg", "other=manual"]);
    const second = configMapYAML(ns, "cfg", { keep: "k2" }, { app: "x" });
    expect(await k.run(["apply", "-f", "-"], { input: second })).toEqual({ code: 0, stdout: "configmap/cfg configured\n", stderr: "" });
    const updated = await k.json<Obj>(["-n", ns, "get", "cm", "cfg"]);
    expect(updated.data).toEqual({ keep: "k2" });
    expect(updated.metadata.labels).toEqual({ app: "x", other: "manual" });
    const applied2 = JSON.parse(updated.metadata.annotations?.[lastApplied] ?? "{}") as Obj;
    expect(applied2.data).toEqual({ keep: "k2" });
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));

    expect(await k.run(["apply", "-f", "-"], { input: second })).toEqual({ code: 0, stdout: "configmap/cfg unchanged\n", stderr: "" });
    // view-last-applied prints the annotation
    const view = parseYAML(await k.ok(["-n", ns, "apply", "view-last-applied", "configmap/cfg"])) as Obj;
    expect(view.data).toEqual({ keep: "k2" });
  });

  it("apply of a deployment removes a container port and keeps defaulted fields", async () => {
    const ns = await env.namespace("applyd");
    const k = env.kubectl;
    expect((await k.run(["apply", "-f", "-"], { input: deploymentYAML(ns, "web") })).stdout).toBe("deployment.apps/web created\n");
    const noPort = deploymentYAML(ns, "web").replace("        ports:\n        - containerPort: 80\n", "");
    expect((await k.run(["apply", "-f", "-"], { input: noPort })).stdout).toBe("deployment.apps/web configured\n");
    const d = await k.json<Obj>(["-n", ns, "get", "deployment", "web"]);
    const c = (d.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0];
    expect(c?.ports).toBeUndefined();
    expect(c).toMatchObject({ name: "web", image: "nginx:1.25", imagePullPolicy: "IfNotPresent", terminationMessagePath: "/dev/termination-log" });
    expect(d.metadata.generation).toBe(2);
  });

  it("create of an existing object fails with AlreadyExists", async () => {
    const ns = await env.namespace("exists");
    const file = await env.file("dup.yaml", configMapYAML(ns, "dup", { a: "1" }));
    await env.kubectl.ok(["create", "-f", file]);
    const [again, imperative] = await Promise.all([
      env.kubectl.run(["create", "-f", file]),
      env.kubectl.run(["-n", ns, "create", "configmap", "dup", "--from-literal=a=1"]),
    ]);
    expect(again).toEqual({ code: 1, stdout: "", stderr: `Error from server (AlreadyExists): error when creating "${file}": configmaps "dup" already exists\n` });
    expect(imperative).toEqual({ code: 1, stdout: "", stderr: 'error: failed to create configmap: configmaps "dup" already exists\n' });
  });

  it("create with an invalid object is rejected with the server's Invalid message", async () => {
    const ns = await env.namespace("invalid");
    const r = await env.kubectl.run(["create", "-f", "-"], { input: configMapYAML(ns, "Bad_Name", { a: "1" }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')\n',
    );
  });

  it("describe configmap", async () => {
    const ns = await env.namespace("desc");
    await env.kubectl.ok(["apply", "-f", "-"], { input: configMapYAML(ns, "shown", { greeting: "hello" }, { app: "demo" }) });
    await env.kubectl.ok(["-n", ns, "annotate", "configmap", "shown", "note=hi"]);
    const out = await env.kubectl.ok(["-n", ns, "describe", "configmap", "shown"]);
    // describe hides kubectl.kubernetes.io/last-applied-configuration
    // (1.33 puts a blank line after each data value)
    const value = v.version === "1.27" ? "hello\n" : "hello\n\n";
    expect(out).toBe(`Name:         shown\nNamespace:    ${ns}\nLabels:       app=demo\nAnnotations:  note: hi\n\nData\n====\ngreeting:\n----\n${value}\nBinaryData\n====\n\nEvents:  <none>\n`);
  });

  it("describe pod shows its events (field-selected by involvedObject) and not others'", async () => {
    const ns = await env.namespace("descpod");
    const k = env.kubectl;
    expect(await k.run(["-n", ns, "run", "p1", "--image=nginx"])).toEqual({ code: 0, stdout: "pod/p1 created\n", stderr: "" });
    await k.ok(["-n", ns, "run", "p2", "--image=nginx"]);
    const [uid1, uid2] = await Promise.all([k.ok(["-n", ns, "get", "pod", "p1", "-o", "jsonpath={.metadata.uid}"]), k.ok(["-n", ns, "get", "pod", "p2", "-o", "jsonpath={.metadata.uid}"])]);
    const now = new Date(Date.now() - 5000).toISOString().replace(/\.\d+Z$/, "Z");
    const event = (name: string, pod: string, uid: string, reason: string, message: string): string => `---
apiVersion: v1
kind: Event
metadata:
  name: ${name}
  namespace: ${ns}
involvedObject:
  apiVersion: v1
  kind: Pod
  name: ${pod}
  namespace: ${ns}
  uid: ${uid}
reason: ${reason}
message: ${message}
type: Normal
source:
  component: test-suite
firstTimestamp: "${now}"
lastTimestamp: "${now}"
count: 1
`;    await k.ok(["create", "-f", "-"], { input: event("e1", "p1", uid1, "Scheduled", "assigned to nowhere") + event("e2", "p2", uid2, "Pulling", "other pod event") });
    const out = await k.ok(["-n", ns, "describe", "pod", "p1"]);
    expect(out).toMatch(/^Name:\s+p1\n/);
    expect(out).toMatch(new RegExp(`\\nNamespace:\\s+${ns}\\n`));
    expect(out).toMatch(/\nLabels:\s+run=p1\n/);
    expect(out).toMatch(/\nStatus:\s+Pending\n/);
    expect(out).toMatch(/\nContainers:\n  p1:\n    Image:\s+nginx\n/);
    expect(out).toMatch(/\nQoS Class:\s+BestEffort\n/);
    const events = out.slice(out.indexOf("\nEvents:"));
    expect(events).toMatch(/\n  Type\s+Reason\s+Age\s+From\s+Message\n  ----\s+------\s+----\s+----\s+-------\n  Normal\s+Scheduled\s+\d+s\s+test-suite\s+assigned to nowhere\n$/);
    expect(events).not.toContain("other pod event");
  });

  it("label and annotate: add, refuse without --overwrite, overwrite, remove", async () => {
    const ns = await env.namespace("label");
    const k = env.kubectl;
    // kubectl 1.27 prints "annotate" (its own wording), later versions "annotated"
    const annotated = `configmap/l ${v.version === "1.27" ? "annotate" : "annotated"}\n`;
    await k.ok(["-n", ns, "create", "configmap", "l", "--from-literal=a=b"]);
    expect(await k.run(["-n", ns, "label", "configmap", "l", "env=prod", "team=x"])).toEqual({ code: 0, stdout: "configmap/l labeled\n", stderr: "" });
    expect(await k.run(["-n", ns, "label", "configmap", "l", "env=dev"])).toEqual({ code: 1, stdout: "", stderr: "error: 'env' already has a value (prod), and --overwrite is false\n" });
    expect(await k.run(["-n", ns, "label", "configmap", "l", "env=dev", "--overwrite"])).toEqual({ code: 0, stdout: "configmap/l labeled\n", stderr: "" });
    expect(await k.run(["-n", ns, "label", "configmap", "l", "team-"])).toEqual({ code: 0, stdout: "configmap/l unlabeled\n", stderr: "" });
    expect(await k.ok(["-n", ns, "get", "cm", "l", "-o", "jsonpath={.metadata.labels}"])).toBe('{"env":"dev"}');

    expect(await k.run(["-n", ns, "annotate", "configmap", "l", "note=first", "owner=me"])).toEqual({ code: 0, stdout: annotated, stderr: "" });
    expect(await k.run(["-n", ns, "annotate", "configmap", "l", "note=second"])).toEqual({ code: 1, stdout: "", stderr: "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (first)\n" });
    expect(await k.run(["-n", ns, "annotate", "configmap", "l", "note=second", "--overwrite"])).toEqual({ code: 0, stdout: annotated, stderr: "" });
    expect(await k.run(["-n", ns, "annotate", "configmap", "l", "owner-"])).toEqual({ code: 0, stdout: annotated, stderr: "" });
    expect(await k.ok(["-n", ns, "get", "cm", "l", "-o", "jsonpath={.metadata.annotations}"])).toBe('{"note":"second"}');
    // label by selector across several objects
    await k.ok(["-n", ns, "create", "configmap", "l2", "--from-literal=a=b"]);
    const all = await k.run(["-n", ns, "label", "configmaps", "--all", "batch=1"]);
    expect(all.code).toBe(0);
    expect(lines(all.stdout)).toEqual(expect.arrayContaining(["configmap/l labeled", "configmap/l2 labeled"]));
    expect(lines(await k.ok(["-n", ns, "get", "cm", "-l", "batch=1", "-o", "name"]))).toEqual(["configmap/l", "configmap/l2"]);
  });

  it("patch --type=merge, --type=json, no-op patch and errors", async () => {
    const ns = await env.namespace("patch");
    const k = env.kubectl;
    await k.ok(["-n", ns, "create", "configmap", "p", "--from-literal=a=1", "--from-literal=b=2"]);
    expect(await k.run(["-n", ns, "patch", "configmap", "p", "--type=merge", "-p", '{"data":{"c":"3","a":null}}'])).toEqual({ code: 0, stdout: "configmap/p patched\n", stderr: "" });
    expect(await k.ok(["-n", ns, "get", "cm", "p", "-o", "jsonpath={.data}"])).toBe('{"b":"2","c":"3"}');
    expect(await k.run(["-n", ns, "patch", "configmap", "p", "--type=json", "-p", '[{"op":"replace","path":"/data/b","value":"20"},{"op":"remove","path":"/data/c"}]'])).toEqual({
      code: 0,
      stdout: "configmap/p patched\n",
      stderr: "",
    });
    expect(await k.ok(["-n", ns, "get", "cm", "p", "-o", "jsonpath={.data}"])).toBe('{"b":"20"}');
    expect(await k.run(["-n", ns, "patch", "configmap", "p", "--type=merge", "-p", '{"data":{"b":"20"}}'])).toEqual({ code: 0, stdout: "configmap/p patched (no change)\n", stderr: "" });
    const badTest = await k.run(["-n", ns, "patch", "configmap", "p", "--type=json", "-p", '[{"op":"test","path":"/data/b","value":"wrong"}]']);
    expect(badTest.code).toBe(1);
    // kube-apiserver answers a failed JSON-patch operation with a bare 422 (NewGenericServerResponse drops the detail)
    expect(badTest.stderr).toBe("The request is invalid: the server rejected our request due to an error in our request\n");
    expect(await k.ok(["-n", ns, "get", "cm", "p", "-o", "jsonpath={.data.b}"])).toBe("20");
    const missing = await k.run(["-n", ns, "patch", "configmap", "nope", "--type=merge", "-p", '{"data":{"x":"y"}}']);
    expect(missing).toEqual({ code: 1, stdout: "", stderr: 'Error from server (NotFound): configmaps "nope" not found\n' });
  });

  it("patch (strategic merge, the default) merges a deployment's containers by name", async () => {
    const ns = await env.namespace("smp");
    const k = env.kubectl;
    await k.ok(["apply", "-f", "-"], { input: deploymentYAML(ns, "web") });
    const sidecar = '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}}';
    expect(await k.run(["-n", ns, "patch", "deployment", "web", "-p", sidecar])).toEqual({ code: 0, stdout: "deployment.apps/web patched\n", stderr: "" });
    const bump = '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}';
    expect(await k.run(["-n", ns, "patch", "deployment", "web", "--type=strategic", "-p", bump])).toEqual({ code: 0, stdout: "deployment.apps/web patched\n", stderr: "" });
    const d = await k.json<Obj>(["-n", ns, "get", "deployment", "web"]);
    const containers = (d.spec as { template: { spec: { containers: { name: string; image: string; ports?: unknown[] }[] } } }).template.spec.containers;
    // upstream's strategic merge puts list items new to the object before the server-only ones (normalizeElementOrder)
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(["sidecar=busybox:1.36", "web=nginx:1.27"]);
    expect(containers[1]?.ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    // $patch: delete removes one container by its merge key
    const del = '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}';
    await k.ok(["-n", ns, "patch", "deployment", "web", "-p", del]);
    expect(await k.ok(["-n", ns, "get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].name}"])).toBe("web");
    // each template change bumped the generation (create 1, sidecar 2, image 3)
    expect(d.metadata.generation).toBe(3);
  });

  it("replace with a stale resourceVersion is a Conflict; replace with the current one succeeds", async () => {
    const ns = await env.namespace("replace");
    const k = env.kubectl;
    await k.ok(["-n", ns, "create", "configmap", "x", "--from-literal=a=1"]);
    const stale = await k.ok(["-n", ns, "get", "configmap", "x", "-o", "yaml"]);
    await k.ok(["-n", ns, "label", "configmap", "x", "bump=1"]);
    const file = await env.file("stale.yaml", stale.replace('a: "1"', 'a: "2"'));
    expect(await k.run(["replace", "-f", file])).toEqual({
      code: 1,
      stdout: "",
      stderr: `Error from server (Conflict): error when replacing "${file}": Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply your changes to the latest version and try again\n`,
    });
    const fresh = (await k.ok(["-n", ns, "get", "configmap", "x", "-o", "yaml"])).replace('a: "1"', 'a: "3"');
    const ok = await env.file("fresh.yaml", fresh);
    expect(await k.run(["replace", "-f", ok])).toEqual({ code: 0, stdout: "configmap/x replaced\n", stderr: "" });
    expect(await k.ok(["-n", ns, "get", "cm", "x", "-o", "jsonpath={.data.a}"])).toBe("3");
    // replace without resourceVersion is unconditional for configmaps
    const unconditional = await env.file("u.yaml", configMapYAML(ns, "x", { a: "4" }));
    expect(await k.run(["replace", "-f", unconditional])).toEqual({ code: 0, stdout: "configmap/x replaced\n", stderr: "" });
    expect(await k.ok(["-n", ns, "get", "cm", "x", "-o", "jsonpath={.data.a}/{.metadata.labels}"])).toBe("4/");
  });

  it("scale a deployment through the scale subresource", async () => {
    const ns = await env.namespace("scale");
    const k = env.kubectl;
    await k.ok(["apply", "-f", "-"], { input: deploymentYAML(ns, "web") });
    expect(await k.run(["-n", ns, "scale", "deployment", "web", "--replicas=3"])).toEqual({ code: 0, stdout: "deployment.apps/web scaled\n", stderr: "" });
    expect(await k.ok(["-n", ns, "get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"])).toBe("3");
    const scale = JSON.parse(await k.ok(["get", "--raw", `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`])) as Obj;
    expect(scale).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1", metadata: { name: "web", namespace: ns }, spec: { replicas: 3 }, status: { replicas: 0, selector: "app=web" } });
    const pre = await k.run(["-n", ns, "scale", "deployment", "web", "--current-replicas=2", "--replicas=5"]);
    expect(pre.code).toBe(1);
    expect(pre.stderr).toBe("error: Expected replicas to be 2, was 3\n");
    expect(await k.run(["-n", ns, "scale", "deployment", "web", "--current-replicas=3", "--replicas=0"])).toEqual({ code: 0, stdout: "deployment.apps/web scaled\n", stderr: "" });
    expect(await k.ok(["-n", ns, "get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"])).toBe("0");
  });

  it("create deployment, run, create secret generic; default table columns", async () => {
    const ns = await env.namespace("imper");
    const k = env.kubectl;
    const [dep, pod, secret] = await Promise.all([
      k.run(["-n", ns, "create", "deployment", "web", "--image=nginx", "--replicas=2"]),
      k.run(["-n", ns, "run", "box", "--image=busybox", "--restart=Never", "--labels=app=box", "--", "sleep", "3600"]),
      k.run(["-n", ns, "create", "secret", "generic", "creds", "--from-literal=key=s3cr3t", "--from-literal=user=admin"]),
    ]);
    expect(dep).toEqual({ code: 0, stdout: "deployment.apps/web created\n", stderr: "" });
    expect(pod).toEqual({ code: 0, stdout: "pod/box created\n", stderr: "" });
    expect(secret).toEqual({ code: 0, stdout: "secret/creds created\n", stderr: "" });

    const [d, p, key, type, deployTable, podTable, secretTable] = await Promise.all([
      k.json<Obj>(["-n", ns, "get", "deployment", "web"]),
      k.json<Obj>(["-n", ns, "get", "pod", "box"]),
      k.ok(["-n", ns, "get", "secret", "creds", "-o", "jsonpath={.data.key}"]),
      k.ok(["-n", ns, "get", "secret", "creds", "-o", "jsonpath={.type}"]),
      k.ok(["-n", ns, "get", "deployments"]),
      k.ok(["-n", ns, "get", "pods"]),
      k.ok(["-n", ns, "get", "secrets", "creds"]),
    ]);
    expect(Buffer.from(key, "base64").toString()).toBe("s3cr3t");
    expect(key).toBe("czNjcjN0");
    expect(type).toBe("Opaque");
    expect(d.metadata.labels).toEqual({ app: "web" });
    expect(d.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx", imagePullPolicy: "Always" }], restartPolicy: "Always", dnsPolicy: "ClusterFirst" } },
    });
    expect(p.metadata.labels).toEqual({ app: "box" });
    expect(p.spec).toMatchObject({ containers: [{ name: "box", image: "busybox", args: ["sleep", "3600"] }], restartPolicy: "Never", schedulerName: "default-scheduler" });
    expect(p.status).toMatchObject({ phase: "Pending", qosClass: "BestEffort" });

    expect(tableRows(deployTable)).toEqual([
      ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
      ["web", "0/2", "0", "0", expect.stringMatching(/^\d+s$/)],
    ]);
    expect(tableRows(podTable)).toEqual([
      ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
      ["box", "0/1", "Pending", "0", expect.stringMatching(/^\d+s$/)],
    ]);
    expect(tableRows(secretTable)).toEqual([
      ["NAME", "TYPE", "DATA", "AGE"],
      ["creds", "Opaque", "2", expect.stringMatching(/^\d+s$/)],
    ]);
    const wide = tableRows(await k.ok(["-n", ns, "get", "deployments", "-o", "wide"]));
    expect(wide).toEqual([
      ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
      ["web", "0/2", "0", "0", expect.stringMatching(/^\d+s$/), "nginx", "nginx", "app=web"],
    ]);
  });

  it("create subcommands for namespaces, service accounts, services, RBAC and docker-registry secrets", async () => {
    const ns = await env.namespace("createsub");
    const k = env.kubectl;
    const suffix = ns.slice(ns.indexOf("-") + 1);
    const [nsOut, sa, svc, role, rb, cr, crb, reg] = await Promise.all([
      k.run(["create", "namespace", `extra-${suffix}`]),
      k.run(["-n", ns, "create", "serviceaccount", "robot"]),
      k.run(["-n", ns, "create", "service", "clusterip", "web", "--tcp=80:8080"]),
      k.run(["-n", ns, "create", "role", "reader", "--verb=get,list", "--resource=pods,configmaps"]),
      k.run(["-n", ns, "create", "rolebinding", "read", "--role=reader", "--serviceaccount", `${ns}:robot`]),
      k.run(["create", "clusterrole", `nodes-${suffix}`, "--verb=get", "--resource=nodes"]),
      k.run(["create", "clusterrolebinding", `nodes-${suffix}`, `--clusterrole=nodes-${suffix}`, "--group=ops"]),
      k.run(["-n", ns, "create", "secret", "docker-registry", "pull", "--docker-server=registry.example", "--docker-username=u", "--docker-password=p"]),
    ]);
    expect(nsOut).toEqual({ code: 0, stdout: `namespace/extra-${suffix} created\n`, stderr: "" });
    expect(sa).toEqual({ code: 0, stdout: "serviceaccount/robot created\n", stderr: "" });
    expect(svc).toEqual({ code: 0, stdout: "service/web created\n", stderr: "" });
    expect(role).toEqual({ code: 0, stdout: "role.rbac.authorization.k8s.io/reader created\n", stderr: "" });
    expect(rb).toEqual({ code: 0, stdout: "rolebinding.rbac.authorization.k8s.io/read created\n", stderr: "" });
    expect(cr).toEqual({ code: 0, stdout: `clusterrole.rbac.authorization.k8s.io/nodes-${suffix} created\n`, stderr: "" });
    expect(crb).toEqual({ code: 0, stdout: `clusterrolebinding.rbac.authorization.k8s.io/nodes-${suffix} created\n`, stderr: "" });
    expect(reg).toEqual({ code: 0, stdout: "secret/pull created\n", stderr: "" });

    const [n, s1, r1, b1, c1, cb1, sec] = await Promise.all([
      k.json<Obj>(["get", "namespace", `extra-${suffix}`]),
      k.json<Obj>(["-n", ns, "get", "service", "web"]),
      k.json<Obj & { rules: unknown[] }>(["-n", ns, "get", "role", "reader"]),
      k.json<Obj & { subjects: unknown[]; roleRef: unknown }>(["-n", ns, "get", "rolebinding", "read"]),
      k.json<Obj & { rules: unknown[] }>(["get", "clusterrole", `nodes-${suffix}`]),
      k.json<Obj & { subjects: unknown[]; roleRef: unknown }>(["get", "clusterrolebinding", `nodes-${suffix}`]),
      k.json<Obj>(["-n", ns, "get", "secret", "pull"]),
    ]);
    expect(n.status).toEqual({ phase: "Active" });
    expect(n.metadata.labels).toEqual({ "kubernetes.io/metadata.name": `extra-${suffix}` });
    expect(s1.spec).toMatchObject({ type: "ClusterIP", selector: { app: "web" }, ports: [{ name: "80-8080", port: 80, protocol: "TCP", targetPort: 8080 }] });
    expect((s1.spec as { clusterIP: string }).clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(r1.rules).toEqual([{ apiGroups: [""], resources: ["pods", "configmaps"], verbs: ["get", "list"] }]);
    expect(b1.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" });
    expect(b1.subjects).toEqual([{ kind: "ServiceAccount", name: "robot", namespace: ns }]);
    expect(c1.rules).toEqual([{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }]);
    expect(cb1.subjects).toEqual([{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "ops" }]);
    expect(sec.type).toBe("kubernetes.io/dockerconfigjson");
    const cfg = JSON.parse(Buffer.from(sec.data?.[".dockerconfigjson"] ?? "", "base64").toString()) as { auths: Record<string, { username: string; password: string }> };
    expect(cfg.auths["registry.example"]).toMatchObject({ username: "u", password: "p" });
    const tables = await Promise.all([k.ok(["-n", ns, "get", "serviceaccounts", "robot"]), k.ok(["-n", ns, "get", "services", "web"])]);
    expect(tableRows(tables[0] ?? "")[0]).toEqual(["NAME", "SECRETS", "AGE"]);
    expect(tableRows(tables[1] ?? "")[0]).toEqual(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
    expect(tableRows(tables[1] ?? "")[1]?.slice(0, 5)).toEqual(["web", "ClusterIP", (s1.spec as { clusterIP: string }).clusterIP, "<none>", "80/TCP"]);
  });

  it("--dry-run=server stores nothing", async () => {
    const ns = await env.namespace("dry");
    const k = env.kubectl;
    expect(await k.run(["-n", ns, "create", "configmap", "ghost", "--from-literal=a=1", "--dry-run=server"])).toEqual({ code: 0, stdout: "configmap/ghost created (server dry run)\n", stderr: "" });
    expect(await k.run(["apply", "--dry-run=server", "-f", "-"], { input: configMapYAML(ns, "ghost2", { a: "1" }) })).toEqual({ code: 0, stdout: "configmap/ghost2 created (server dry run)\n", stderr: "" });
    const dryObj = JSON.parse(await k.ok(["-n", ns, "create", "configmap", "ghost3", "--from-literal=a=1", "--dry-run=server", "-o", "json"])) as Obj;
    // the server ran its create pipeline: defaulted metadata, but nothing persisted
    expect(dryObj.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(dryObj.metadata.creationTimestamp).toBeTruthy();
    expect(dryObj.metadata.resourceVersion ?? "").toBe("");
    const [g1, g2, g3] = await Promise.all(["ghost", "ghost2", "ghost3"].map((n) => k.run(["-n", ns, "get", "configmap", n])));
    expect(g1?.stderr).toBe('Error from server (NotFound): configmaps "ghost" not found\n');
    expect(g2?.stderr).toBe('Error from server (NotFound): configmaps "ghost2" not found\n');
    expect(g3?.stderr).toBe('Error from server (NotFound): configmaps "ghost3" not found\n');

    await k.ok(["-n", ns, "create", "configmap", "real", "--from-literal=a=1"]);
    expect(await k.run(["-n", ns, "patch", "configmap", "real", "--type=merge", "-p", '{"data":{"a":"2"}}', "--dry-run=server"])).toEqual({ code: 0, stdout: "configmap/real patched\n", stderr: "" });
    expect(await k.run(["-n", ns, "label", "configmap", "real", "x=y", "--dry-run=server"])).toEqual({ code: 0, stdout: "configmap/real labeled (server dry run)\n", stderr: "" });
    expect(await k.run(["-n", ns, "delete", "configmap", "real", "--dry-run=server"])).toEqual({ code: 0, stdout: 'configmap "real" deleted (server dry run)\n', stderr: "" });
    expect(await k.ok(["-n", ns, "get", "configmap", "real", "-o", "jsonpath={.data.a}/{.metadata.labels}"])).toBe("1/");
    // an existing name still fails a dry-run create
    const dup = await k.run(["-n", ns, "create", "configmap", "real", "--dry-run=server"]);
    expect(dup).toEqual({ code: 1, stdout: "", stderr: 'error: failed to create configmap: configmaps "real" already exists\n' });
  });

  it("set the status subresource with patch --subresource=status", async () => {
    const ns = await env.namespace("status");
    const k = env.kubectl;
    await k.ok(["apply", "-f", "-"], { input: deploymentYAML(ns, "web", 2) });
    // status in a main-resource patch is ignored
    await k.ok(["-n", ns, "patch", "deployment", "web", "--type=merge", "-p", '{"status":{"replicas":7}}']);
    expect(await k.ok(["-n", ns, "get", "deployment", "web", "-o", "jsonpath={.status.replicas}"])).toBe("");
    expect(await k.run(["-n", ns, "patch", "deployment", "web", "--subresource=status", "--type=merge", "-p", '{"status":{"replicas":2,"readyReplicas":1,"availableReplicas":1,"updatedReplicas":2}}'])).toEqual({
      code: 0,
      stdout: "deployment.apps/web patched\n",
      stderr: "",
    });
    expect(tableRows(await k.ok(["-n", ns, "get", "deployment", "web"]))[1]).toEqual(["web", "1/2", "2", "1", expect.stringMatching(/^\d+s$/)]);
    const statusGet = await k.json<Obj>(["-n", ns, "get", "deployment", "web", "--subresource=status"]);
    expect(statusGet.status).toMatchObject({ replicas: 2, readyReplicas: 1 });
  });
});
