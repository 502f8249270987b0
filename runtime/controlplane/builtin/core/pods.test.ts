import { describe, expect, it } from "vitest";
import type { ResourceDefinition } from "../../../apiserver/resource.js";
import type { KubeObject } from "../../../core/object.js";
import { fieldErrorString } from "../../../core/validation.js";
import { pods } from "./pods.js";
import { podCells } from "./pods.table.js";
import { imageTag } from "./podspec.defaults.js";

const now = new Date("2024-05-01T12:00:00Z");

function pod(spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", uid: "u1", creationTimestamp: "2024-05-01T11:55:00Z" }, spec, ...extra };
}

function create(def: ResourceDefinition, obj: KubeObject): string[] {
  const s = def.strategy ?? {};
  s.default?.(obj);
  s.prepareForCreate?.(obj);
  const errs = (s.validate?.(obj) ?? []).map(fieldErrorString);
  if (errs.length === 0) s.canonicalize?.(obj);
  return errs;
}

function update(def: ResourceDefinition, obj: KubeObject, old: KubeObject): string[] {
  const s = def.strategy ?? {};
  s.default?.(obj);
  s.prepareForUpdate?.(obj, old);
  return (s.validateUpdate?.(obj, old) ?? []).map(fieldErrorString);
}

describe("pods: names and flags", () => {
  it("is namespaced with upstream names, status subresource and deleted-object responses", () => {
    expect(pods.names).toEqual({ plural: "pods", singular: "pod", kind: "Pod", listKind: "PodList", shortNames: ["po"], categories: ["all"] });
    expect(pods.namespaced).toBe(true);
    expect(pods.statusSubresource).toBe(true);
    expect(pods.returnDeletedObject).toBe(true);
    expect(pods.generation).toBeFalsy();
  });
});

describe("pods: defaulting", () => {
  it("fills the spec, containers and admission defaults as a real cluster does", () => {
    const p = pod({ containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 80 }] }] });
    expect(create(pods, p)).toEqual([]);
    expect(p.spec).toMatchObject({
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      terminationGracePeriodSeconds: 30,
      schedulerName: "default-scheduler",
      securityContext: {},
      enableServiceLinks: true,
      serviceAccountName: "default",
      serviceAccount: "default",
      priority: 0,
      preemptionPolicy: "PreemptLowerPriority",
      tolerations: [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
      containers: [
        {
          name: "web",
          image: "nginx",
          imagePullPolicy: "Always",
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
          resources: {},
          ports: [{ containerPort: 80, protocol: "TCP" }],
        },
      ],
    });
    expect(p.status).toEqual({ phase: "Pending", qosClass: "BestEffort" });
  });

  it("pulls tagged images IfNotPresent and latest / untagged ones Always", () => {
    expect(imageTag("nginx")).toBe("latest");
    expect(imageTag("nginx:1.25")).toBe("1.25");
    expect(imageTag("localhost:5000/app")).toBe("latest");
    expect(imageTag("localhost:5000/app:v1")).toBe("v1");
    expect(imageTag("nginx@sha256:abc")).toBe("");
    const p = pod({ containers: [{ name: "a", image: "nginx:1.25" }, { name: "b", image: "nginx:latest" }, { name: "c", image: "nginx@sha256:abc" }] });
    create(pods, p);
    const cs = (p.spec as { containers: Array<{ imagePullPolicy: string }> }).containers.map((c) => c.imagePullPolicy);
    expect(cs).toEqual(["IfNotPresent", "Always", "IfNotPresent"]);
  });

  it("defaults requests to limits and computes the QoS class", () => {
    const g = pod({ containers: [{ name: "a", image: "x", resources: { limits: { cpu: "500m", memory: "128Mi" } } }] });
    create(pods, g);
    expect((g.spec as { containers: Array<{ resources: unknown }> }).containers[0]?.resources).toEqual({
      limits: { cpu: "500m", memory: "128Mi" },
      requests: { cpu: "500m", memory: "128Mi" },
    });
    expect((g.status as { qosClass: string }).qosClass).toBe("Guaranteed");
    const b = pod({ containers: [{ name: "a", image: "x", resources: { requests: { cpu: "100m" } } }] });
    create(pods, b);
    expect((b.status as { qosClass: string }).qosClass).toBe("Burstable");
  });

  it("keeps tolerations that already cover the default ones and a gated pod gets its condition", () => {
    const p = pod({ containers: [{ name: "a", image: "x" }], tolerations: [{ operator: "Exists" }], schedulingGates: [{ name: "example.com/gate" }] });
    create(pods, p);
    expect((p.spec as { tolerations: unknown[] }).tolerations).toEqual([{ operator: "Exists" }]);
    expect(p.status).toMatchObject({ conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] });
  });

  it("defaults probes, volumes and downward API field references", () => {
    const p = pod({
      volumes: [{ name: "cache" }, { name: "cfg", configMap: { name: "cfg" } }],
      containers: [
        {
          name: "a",
          image: "x",
          livenessProbe: { httpGet: { port: 8080 } },
          env: [{ name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
          volumeMounts: [{ name: "cache", mountPath: "/cache" }],
        },
      ],
    });
    expect(create(pods, p)).toEqual([]);
    const spec = p.spec as { volumes: unknown[]; containers: Array<Record<string, unknown>> };
    expect(spec.volumes).toEqual([{ name: "cache", emptyDir: {} }, { name: "cfg", configMap: { name: "cfg", defaultMode: 420 } }]);
    expect(spec.containers[0]?.livenessProbe).toEqual({
      httpGet: { port: 8080, path: "/", scheme: "HTTP" },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(spec.containers[0]?.env).toEqual([{ name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName", apiVersion: "v1" } } }]);
  });
});

describe("pods: validation", () => {
  it("reports upstream messages for missing and invalid container fields", () => {
    expect(create(pods, pod({ containers: [] }))).toEqual(["spec.containers: Required value"]);
    expect(create(pods, pod({ containers: [{ name: "web" }] }))).toEqual(["spec.containers[0].image: Required value"]);
    const bad = create(pods, pod({ containers: [{ name: "Web", image: "x" }] }));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^spec\.containers\[0\]\.name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character/);
    expect(create(pods, pod({ containers: [{ name: "a", image: "x" }, { name: "a", image: "y" }] }))).toEqual(['spec.containers[1].name: Duplicate value: "a"']);
    expect(create(pods, pod({ containers: [{ name: "a", image: " x" }] }))).toEqual(['spec.containers[0].image: Invalid value: " x": must not have leading or trailing whitespace']);
  });

  it("validates ports, env, volumes and mounts", () => {
    const errs = create(
      pods,
      pod({
        volumes: [{ name: "v", emptyDir: {} }, { name: "v", hostPath: { path: "/x" }, emptyDir: {} }],
        containers: [
          {
            name: "a",
            image: "x",
            ports: [{ containerPort: 70000 }, { containerPort: 80, protocol: "HTTP" }],
            env: [{ name: "" }, { name: "A=B" }, { name: "C", value: "1", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
            volumeMounts: [{ name: "missing", mountPath: "/a" }, { name: "v", mountPath: "/a" }],
          },
        ],
      }),
    );
    expect(errs).toEqual([
      "spec.volumes[1].hostPath: Forbidden: may not specify more than 1 volume type",
      'spec.volumes[1].name: Duplicate value: "v"',
      "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      "spec.containers[0].env[0].name: Required value",
      `spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
      'spec.containers[0].env[2].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      'spec.containers[0].volumeMounts[0].name: Not found: "missing"',
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique',
    ]);
  });

  it("checks quantities and that requests do not exceed limits", () => {
    const errs = create(pods, pod({ containers: [{ name: "a", image: "x", resources: { limits: { cpu: "1" }, requests: { cpu: "2", memory: "lots" } } }] }));
    expect(errs).toEqual([
      'spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1',
      `spec.containers[0].resources.requests[memory]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    ]);
  });

  it("validates spec-level enums and tolerations", () => {
    const errs = create(
      pods,
      pod({ containers: [{ name: "a", image: "x" }], restartPolicy: "Sometimes", tolerations: [{ key: "k", operator: "Exists", value: "v" }, { operator: "Equal" }] }),
    );
    expect(errs).toEqual([
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.tolerations[0].operator: Invalid value: {"key":"k","operator":"Exists","value":"v"}: value must be empty when `operator` is \'Exists\'',
      'spec.tolerations[1].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    ]);
  });

  it("forbids ephemeral containers on create", () => {
    const errs = create(pods, pod({ containers: [{ name: "a", image: "x" }], ephemeralContainers: [{ name: "debug", image: "busybox" }] }));
    expect(errs).toEqual(["spec.ephemeralContainers: Forbidden: cannot be set on create"]);
  });
});

describe("pods: updates", () => {
  function stored(): KubeObject {
    const p = pod({ containers: [{ name: "a", image: "nginx:1" }] });
    create(pods, p);
    return p;
  }

  it("allows image, activeDeadlineSeconds and added tolerations", () => {
    const old = stored();
    const next = structuredClone(old);
    const spec = next.spec as { containers: Array<{ image: string }>; tolerations: unknown[]; activeDeadlineSeconds?: number };
    (spec.containers[0] as { image: string }).image = "nginx:2";
    spec.tolerations.push({ key: "x", operator: "Exists" });
    spec.activeDeadlineSeconds = 60;
    expect(update(pods, next, old)).toEqual([]);
  });

  it("rejects other spec changes with upstream's message", () => {
    const old = stored();
    const next = structuredClone(old);
    (next.spec as { restartPolicy: string }).restartPolicy = "Never";
    const errs = update(pods, next, old);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(
      /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),`spec.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)/,
    );
  });

  it("rejects adding containers, removing tolerations and new scheduling gates", () => {
    const old = stored();
    const more = structuredClone(old);
    (more.spec as { containers: unknown[] }).containers.push({ name: "b", image: "x" });
    expect(update(pods, more, old)).toEqual(["spec.containers: Forbidden: pod updates may not add or remove containers"]);
    const fewer = structuredClone(old);
    (fewer.spec as { tolerations: unknown[] }).tolerations = [];
    expect(update(pods, fewer, old)).toContain("spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds");
    const gated = structuredClone(old);
    (gated.spec as { schedulingGates: unknown[] }).schedulingGates = [{ name: "g" }];
    expect(update(pods, gated, old)).toContain("spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but found new scheduling gate 'g'");
  });
});

describe("pods: graceful deletion and field selectors", () => {
  it("deletes unscheduled and finished pods at once, others after their grace period", () => {
    const grace = (p: KubeObject, req?: number): number => pods.strategy?.gracePeriodSeconds?.(p, req) ?? -1;
    const p = stored({ nodeName: "n1" });
    expect(grace(p)).toBe(30);
    expect(grace(p, 5)).toBe(5);
    expect(grace(stored({}))).toBe(0);
    const done = stored({ nodeName: "n1" });
    (done.status as { phase: string }).phase = "Succeeded";
    expect(grace(done)).toBe(0);
    const neg = stored({ nodeName: "n1", terminationGracePeriodSeconds: -5 });
    expect(grace(neg)).toBe(1);

    function stored(extra: Record<string, unknown>): KubeObject {
      const x = pod({ containers: [{ name: "a", image: "x" }], ...extra });
      create(pods, x);
      return x;
    }
  });

  it("exposes upstream's selectable fields", () => {
    const p = pod({ containers: [{ name: "a", image: "x" }], nodeName: "n1" });
    create(pods, p);
    (p.status as Record<string, unknown>).podIPs = [{ ip: "10.244.0.5" }];
    expect(pods.selectableFields?.(p)).toEqual({
      "spec.nodeName": "n1",
      "spec.restartPolicy": "Always",
      "spec.schedulerName": "default-scheduler",
      "spec.serviceAccountName": "default",
      "spec.hostNetwork": "false",
      "status.phase": "Pending",
      "status.podIP": "10.244.0.5",
      "status.nominatedNodeName": "",
    });
  });
});

describe("pods: table", () => {
  it("has kube-apiserver's columns", () => {
    expect(pods.table?.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ["Name", "string", 0],
      ["Ready", "string", 0],
      ["Status", "string", 0],
      ["Restarts", "string", 0],
      ["Age", "string", 0],
      ["IP", "string", 1],
      ["Node", "string", 1],
      ["Nominated Node", "string", 1],
      ["Readiness Gates", "string", 1],
    ]);
    expect(pods.table?.columns[0]?.format).toBe("name");
  });

  const base = (status: Record<string, unknown>, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject => ({
    metadata: { name: "web", creationTimestamp: "2024-05-01T11:55:00Z", ...meta },
    spec: { containers: [{ name: "a" }, { name: "b" }], ...spec },
    status,
  });

  it("prints a pending pod", () => {
    expect(podCells(base({ phase: "Pending" }), now)).toEqual(["web", "0/2", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>"]);
  });

  it("prints running containers, restarts with the last restart time and the wide columns", () => {
    const row = podCells(
      base(
        {
          phase: "Running",
          podIPs: [{ ip: "10.244.1.7" }],
          conditions: [{ type: "Ready", status: "True" }, { type: "example.com/gate", status: "True" }],
          containerStatuses: [
            { name: "a", ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: "2024-05-01T11:58:00Z" } } },
            { name: "b", ready: true, restartCount: 0, state: { running: {} } },
          ],
        },
        { nodeName: "node-1", readinessGates: [{ conditionType: "example.com/gate" }] },
      ),
      now,
    );
    expect(row).toEqual(["web", "2/2", "Running", "2 (2m ago)", "5m", "10.244.1.7", "node-1", "<none>", "1/1"]);
  });

  it("shows waiting and terminated reasons, init progress and Terminating", () => {
    const waiting = base({ phase: "Pending", containerStatuses: [{ name: "a", state: { waiting: { reason: "ImagePullBackOff" } } }] });
    expect(podCells(waiting, now)[2]).toBe("ImagePullBackOff");
    const crashed = base({ phase: "Running", containerStatuses: [{ name: "a", state: { terminated: { exitCode: 137 } } }] });
    expect(podCells(crashed, now)[2]).toBe("ExitCode:137");
    const init = base({ phase: "Pending", initContainerStatuses: [{ name: "i1", state: { terminated: { exitCode: 0 } } }, { name: "i2", state: { running: {} } }] }, { initContainers: [{ name: "i1" }, { name: "i2" }] });
    expect(podCells(init, now)[2]).toBe("Init:1/2");
    const initErr = base({ phase: "Pending", initContainerStatuses: [{ name: "i1", state: { waiting: { reason: "CrashLoopBackOff" } } }] }, { initContainers: [{ name: "i1" }] });
    expect(podCells(initErr, now)[2]).toBe("Init:CrashLoopBackOff");
    const terminating = base({ phase: "Running" }, {}, { deletionTimestamp: "2024-05-01T11:59:00Z" });
    expect(podCells(terminating, now)[2]).toBe("Terminating");
    const completed = base({ phase: "Succeeded", containerStatuses: [{ name: "a", state: { terminated: { exitCode: 0, reason: "Completed" } } }] }, { containers: [{ name: "a" }] });
    expect(podCells(completed, now).slice(1, 3)).toEqual(["0/1", "Completed"]);
    const lost = base({ phase: "Running", reason: "NodeLost" }, {}, { deletionTimestamp: "2024-05-01T11:59:00Z" });
    expect(podCells(lost, now)[2]).toBe("Unknown");
  });

  it("counts sidecar init containers as containers", () => {
    const p = base(
      {
        phase: "Running",
        conditions: [{ type: "Initialized", status: "True" }],
        initContainerStatuses: [{ name: "proxy", started: true, ready: true, restartCount: 1, state: { running: {} } }],
        containerStatuses: [{ name: "a", ready: true, state: { running: {} } }],
      },
      { containers: [{ name: "a" }], initContainers: [{ name: "proxy", restartPolicy: "Always" }] },
    );
    expect(podCells(p, now).slice(1, 4)).toEqual(["2/2", "Running", "1"]);
  });
});
