/**
 * kubectl against the published OpenAPI schemas: `kubectl explain` (OpenAPI v3 by default, v2 with
 * `--output=plaintext-openapiv2`) for built-in kinds and CRDs, and schema-based unknown-field detection for
 * built-in kinds (`--validate=strict` / `warn` / `false`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectlEnv, kubectlVersions, type KubectlEnv } from "../support/kubectl.js";

function crdYAML(extraField = ""): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.explain.kubeforge.dev
spec:
  group: explain.kubeforge.dev
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: CronTab runs a command on a schedule.
        properties:
          spec:
            type: object
            description: The desired schedule of the cron tab.
            required: [cronSpec]
            properties:
              cronSpec:
                type: string
                description: The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.
              replicas:
                type: integer
                description: How many copies run at once.${extraField}
`;
}

const imageField = `
              image:
                type: string
                description: The container image the cron tab runs.`;

function deploymentYAML(ns: string, name: string, extra: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: 1
${extra}  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: nginx
        bar: 1
`;
}

describe.concurrent.each(kubectlVersions)("kubectl $version: explain and schema validation", (v) => {
  let env: KubectlEnv;
  beforeAll(async () => {
    env = await kubectlEnv(v);
  });
  afterAll(async () => {
    await env?.close();
  });

  it("explains a nested field of a built-in kind with its description and the fields of its type", async () => {
    const out = await env.kubectl.ok(["explain", "pods.spec.containers"]);
    expect(out).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n/);
    expect(out).toMatch(/FIELD: containers <\[\]Container>/);
    expect(out).toContain("List of containers belonging to the pod.");
    expect(out).toContain("A single application container that you want to run within a pod.");
    expect(out).toMatch(/\n {2}image\t<string>\n/);
    expect(out).toMatch(/\n {2}name\t<string> -required-\n/);
    expect(out).toMatch(/\n {2}ports\t<\[\]ContainerPort>\n/);
    expect(out).toMatch(/\n {2}resources\t<ResourceRequirements>\n/);
  });

  it("explains a whole kind recursively", async () => {
    const out = await env.kubectl.ok(["explain", "deployments", "--recursive"]);
    expect(out).toMatch(/^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
    expect(out).toContain("Deployment enables declarative updates for Pods and ReplicaSets.");
    expect(out).toMatch(/\n {2}spec\t<DeploymentSpec>\n {4}minReadySeconds\t<integer>\n/);
    expect(out).toMatch(/\n {6}spec\t<PodSpec>\n/);
    expect(out).toMatch(/\n {8}containers\t<\[\]Container> -required-\n/);
    expect(out).toMatch(/\n {4}strategy\t<DeploymentStrategy>\n/);
    expect(out).toMatch(/\n {2}status\t<DeploymentStatus>\n/);
  });

  it("explains a kind of an explicit API version", async () => {
    const out = await env.kubectl.ok(["explain", "--api-version=apps/v1", "deployments"]);
    expect(out).toMatch(/^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
    expect(out).toMatch(/\n {2}metadata\t<ObjectMeta>\n {4}Standard object's metadata\./);
    expect(out).toMatch(/\n {2}spec\t<DeploymentSpec>\n {4}Specification of the desired behavior of the Deployment\./);
    const rbac = await env.kubectl.ok(["explain", "--api-version=rbac.authorization.k8s.io/v1", "clusterroles.rules"]);
    expect(rbac).toMatch(/FIELD: rules <\[\]PolicyRule>/);
    expect(rbac).toMatch(/\n {2}verbs\t<\[\]string> -required-\n/);
  });

  it("explains from the OpenAPI v2 document with --output=plaintext-openapiv2", async () => {
    const out = await env.kubectl.ok(["explain", "pods.spec.containers", "--output=plaintext-openapiv2"]);
    expect(out).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n/);
    expect(out).toMatch(/RESOURCE: containers <\[\]Object>/);
    expect(out).toContain("List of containers belonging to the pod.");
    expect(out).toMatch(/\n {3}image\t<string>\n/);
    expect(out).toMatch(/\n {3}name\t<string> -required-\n/);
    const deploy = await env.kubectl.ok(["explain", "deployments.spec.strategy", "--output=plaintext-openapiv2"]);
    expect(deploy).toMatch(/RESOURCE: strategy <Object>/);
    expect(deploy).toMatch(/\n {3}rollingUpdate\t<Object>\n/);
  });

  it("explains a CRD's fields with their descriptions, and follows changes to the CRD", async () => {
    const k = env.kubectl;
    await k.ok(["apply", "-f", await env.file("crontab-crd.yaml", crdYAML())]);
    await k.ok(["wait", "--for=condition=Established", "crd/crontabs.explain.kubeforge.dev", "--timeout=10s"]);

    const field = await k.ok(["explain", "crontabs.spec.cronSpec"]);
    expect(field).toMatch(/^GROUP:\s+explain\.kubeforge\.dev\nKIND:\s+CronTab\nVERSION:\s+v1\n/);
    expect(field).toMatch(/FIELD: cronSpec <string>/);
    expect(field).toContain("The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.");

    const kind = await k.ok(["explain", "crontabs"]);
    expect(kind).toContain("CronTab runs a command on a schedule.");
    expect(kind).toMatch(/\n {2}metadata\t<ObjectMeta>\n/);
    expect(kind).toMatch(/\n {2}spec\t<Object>\n {4}The desired schedule of the cron tab\.\n/);

    const v2 = await k.ok(["explain", "crontabs.spec", "--output=plaintext-openapiv2"]);
    expect(v2).toMatch(/\n {3}cronSpec\t<string> -required-\n {5}The schedule in Cron format/);
    expect(v2).toMatch(/\n {3}replicas\t<integer>\n {5}How many copies run at once\./);

    // replace the CRD wholesale (kubectl apply would work too: CRDs take strategic merge patches, lists replaced)
    await k.ok(["replace", "-f", await env.file("crontab-crd-2.yaml", crdYAML(imageField))]);
    const after = await k.ok(["explain", "crontabs.spec"]);
    expect(after).toMatch(/\n {2}image\t<string>\n {4}The container image the cron tab runs\.\n/);
    const afterV2 = await k.ok(["explain", "crontabs.spec", "--output=plaintext-openapiv2"]);
    expect(afterV2).toMatch(/\n {3}image\t<string>\n/);
  });

  it("rejects unknown fields of a built-in kind with --validate=strict (create and apply)", async () => {
    const ns = await env.namespace("strict");
    const file = await env.file(`strict-${v.version}.yaml`, deploymentYAML(ns, "strict", "  foo: true\n"));
    const expected = 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bar"';
    for (const cmd of ["create", "apply"]) {
      const r = await env.kubectl.run([cmd, "--validate=strict", "-f", file]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`Error from server (BadRequest): error when creating "${file}": ${expected}`);
    }
    const got = await env.kubectl.run(["get", "deployment", "strict", "-n", ns]);
    expect(got.stderr).toContain('deployments.apps "strict" not found');
  });

  it("warns about unknown fields with --validate=warn and stays quiet with --validate=false", async () => {
    const ns = await env.namespace("warn");
    const warnFile = await env.file(`warn-${v.version}.yaml`, deploymentYAML(ns, "warned", "  foo: true\n"));
    const warned = await env.kubectl.run(["apply", "--validate=warn", "-f", warnFile]);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stdout).toBe("deployment.apps/warned created\n");
    expect(warned.stderr).toContain('Warning: unknown field "spec.foo"');
    expect(warned.stderr).toContain('Warning: unknown field "spec.template.spec.containers[0].bar"');

    // kubectl's default is --validate=strict
    const byDefault = await env.kubectl.run(["create", "-f", await env.file(`default-${v.version}.yaml`, deploymentYAML(ns, "defaulted", "  foo: true\n"))]);
    expect(byDefault.code).toBe(1);
    expect(byDefault.stderr).toContain('strict decoding error: unknown field "spec.foo"');

    const ignored = await env.kubectl.run(["create", "--validate=false", "-f", await env.file(`ignored-${v.version}.yaml`, deploymentYAML(ns, "ignored", "  foo: true\n"))]);
    expect(ignored.code, ignored.stderr).toBe(0);
    expect(ignored.stderr).not.toContain("unknown field");

    const clean = await env.kubectl.run(["create", "--validate=strict", "-f", await env.file(`clean-${v.version}.yaml`, deploymentYAML(ns, "clean", "").replace("        bar: 1\n", ""))]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).toBe("");
  });
});
