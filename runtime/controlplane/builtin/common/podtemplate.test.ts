import { describe, expect, it } from "vitest";
import { FieldPath, fieldErrorString } from "../../../core/validation.js";
import { defaultPodTemplateSpec, objectMetaPatchMeta, podSpecPatchMeta, podTemplateSpecPatchMeta, validatePodTemplateSpec } from "./podtemplate.js";

describe("pod templates", () => {
  it("defaults the template's pod spec without pod-only admission defaults", () => {
    const tpl: Record<string, unknown> = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.25" }] } };
    defaultPodTemplateSpec(tpl);
    expect(tpl.spec).toEqual({
      containers: [{ name: "web", image: "nginx:1.25", imagePullPolicy: "IfNotPresent", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File", resources: {} }],
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: "default-scheduler",
    });
  });

  it("validates at the template's path", () => {
    const path = FieldPath.of("spec", "template");
    const tpl = { metadata: { labels: { "bad key!": "x" } }, spec: { containers: [{ name: "web" }], restartPolicy: "Always", dnsPolicy: "ClusterFirst" } };
    defaultPodTemplateSpec(tpl);
    const errs = validatePodTemplateSpec(tpl, path).map(fieldErrorString);
    expect(errs[0]).toMatch(/^spec\.template\.labels: Invalid value: "bad key!": name part must consist of/);
    expect(errs).toContain("spec.template.spec.containers[0].image: Required value");
    const eph = { spec: { containers: [{ name: "a", image: "x" }], ephemeralContainers: [{ name: "d", image: "x" }] } };
    defaultPodTemplateSpec(eph);
    expect(validatePodTemplateSpec(eph, path).map(fieldErrorString)).toEqual(["spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template"]);
  });

  it("exports the patch metadata of the Go struct tags", () => {
    expect(objectMetaPatchMeta.fields?.ownerReferences).toEqual({ strategy: "merge", mergeKey: "uid" });
    expect(podSpecPatchMeta.fields?.containers?.mergeKey).toBe("name");
    expect(podSpecPatchMeta.fields?.containers?.items?.fields?.ports).toEqual({ strategy: "merge", mergeKey: "containerPort" });
    expect(podSpecPatchMeta.fields?.volumes).toEqual({ strategy: "merge,retainKeys", mergeKey: "name" });
    expect(podSpecPatchMeta.fields?.tolerations).toBeUndefined();
    expect(podTemplateSpecPatchMeta.fields?.spec).toBe(podSpecPatchMeta);
  });
});
