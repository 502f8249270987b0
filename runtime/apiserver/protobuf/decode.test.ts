import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatGoDuration } from "./convert.js";
import { decodeKubernetesProtobuf, ProtobufDecodeError, protobufContentType } from "./decode.js";
import { protobufKinds, schemas } from "./root.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "fixtures", "kubectl-1.33");
const magic = Buffer.from("k8s\0", "latin1");

const meta = "k8s.io.apimachinery.pkg.apis.meta.v1";
const core = "k8s.io.api.core.v1";

/**
 * Builds a body the way client-go does, but with protobufjs encoding the wire-shaped object straight
 * from the schema (so these tests do not depend on the decoder's conversion code). protobufjs writes
 * every field that is set, zeros included, like gogo-protobuf does for non-pointer fields.
 */
function encodeBody(apiVersion: string, kind: string, messageType: string, wire: Record<string, unknown>): Buffer {
  const { root, unknown } = schemas();
  const type = root.lookupType(messageType);
  const raw = type.encode(type.fromObject(wire)).finish();
  const envelope = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: "", contentType: "" })).finish();
  return Buffer.concat([magic, envelope]);
}

function decodeError(body: Buffer): ProtobufDecodeError {
  try {
    decodeKubernetesProtobuf(body);
  } catch (err) {
    if (err instanceof ProtobufDecodeError) return err;
    throw err;
  }
  throw new Error("expected a ProtobufDecodeError");
}

/**
 * Go's JSON encoder writes the zero metav1.Time and nil slices without omitempty (ClusterRole.rules) as null;
 * protobuf cannot tell those from absent, and the decoder leaves them out, which means the same to a decoder.
 */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, withoutNulls(x)]),
    );
  }
  return v;
}

describe("kubectl 1.33 request bodies (captured; kubectl 1.32 sends byte-identical bodies)", () => {
  const names = fs
    .readdirSync(fixtures)
    .filter((f) => f.endsWith(".pb") && !f.includes("unsupported"))
    .map((f) => f.slice(0, -3));

  it("has the fixtures", () => {
    expect(names.length).toBeGreaterThanOrEqual(19);
  });

  for (const name of names) {
    it(`${name}: decodes to what kubectl prints as JSON for the same object`, () => {
      const body = fs.readFileSync(path.join(fixtures, `${name}.pb`));
      expect(body.subarray(0, 4)).toEqual(magic);
      const expected = withoutNulls(JSON.parse(fs.readFileSync(path.join(fixtures, `${name}.json`), "utf8")));
      const decoded = decodeKubernetesProtobuf(body);
      expect(decoded.object).toEqual(expected);
      expect(decoded.kind).toBe((expected as { kind: string }).kind);
      expect(decoded.apiVersion).toBe((expected as { apiVersion: string }).apiVersion);
    });
  }

  it("deployment --replicas=0 keeps spec.replicas: 0 (a pointer field)", () => {
    const { object } = decodeKubernetesProtobuf(fs.readFileSync(path.join(fixtures, "deployment-replicas-0.pb")));
    expect((object.spec as Record<string, unknown>).replicas).toBe(0);
  });

  it("a kind without a protobuf schema (batch/v1 Job) is UnknownKind", () => {
    const err = decodeError(fs.readFileSync(path.join(fixtures, "job-unsupported.pb")));
    expect(err.problem).toBe("UnknownKind");
    expect(err.gvk).toEqual({ apiVersion: "batch/v1", kind: "Job" });
    expect(err.message).toContain('no kind "Job" is registered for version "batch/v1"');
  });

  it("a truncated real body is Malformed", () => {
    const body = fs.readFileSync(path.join(fixtures, "deployment-replicas-3.pb"));
    const err = decodeError(body.subarray(0, body.length - 20));
    expect(err.problem).toBe("Malformed");
    expect(err.message).toMatch(/unable to decode/);
  });
});

describe("decodeKubernetesProtobuf (bodies encoded from the schema)", () => {
  it("Namespace", () => {
    const body = encodeBody("v1", "Namespace", `${core}.Namespace`, {
      metadata: { name: "team-a", labels: { team: "a" }, creationTimestamp: {} },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "" },
    });
    expect(decodeKubernetesProtobuf(body)).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      object: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a", labels: { team: "a" } }, spec: { finalizers: ["kubernetes"] }, status: {} },
    });
  });

  it("ConfigMap with data (empty values kept), binaryData (base64) and immutable: false (pointer)", () => {
    const body = encodeBody("v1", "ConfigMap", `${core}.ConfigMap`, {
      metadata: { name: "cfg", namespace: "default" },
      data: { "app.properties": "a=b\n", empty: "" },
      binaryData: { "logo.bin": Buffer.from([0, 1, 2, 0xfe, 0xff]) },
      immutable: false,
    });
    expect(decodeKubernetesProtobuf(body).object).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg", namespace: "default" },
      data: { "app.properties": "a=b\n", empty: "" },
      binaryData: { "logo.bin": Buffer.from([0, 1, 2, 0xfe, 0xff]).toString("base64") },
      immutable: false,
    });
  });

  it("Secret: bytes become base64, stringData and type pass through", () => {
    const body = encodeBody("v1", "Secret", `${core}.Secret`, {
      metadata: { name: "s" },
      data: { password: Buffer.from("s3cr3t\u00e9", "utf8"), blank: Buffer.alloc(0) },
      stringData: { extra: "x" },
      type: "Opaque",
    });
    expect(decodeKubernetesProtobuf(body).object).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      data: { password: Buffer.from("s3cr3t\u00e9", "utf8").toString("base64"), blank: "" },
      stringData: { extra: "x" },
      type: "Opaque",
    });
  });

  const deployment = (replicas: number) => ({
    metadata: { name: "web", namespace: "prod", labels: { app: "web" }, creationTimestamp: {}, generation: 0 },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" }, creationTimestamp: {} },
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx:1.27",
              ports: [
                { name: "http", containerPort: 8080, protocol: "TCP", hostPort: 0, hostIP: "" },
                { containerPort: 9090, protocol: "UDP" },
              ],
              env: [
                { name: "MODE", value: "prod" },
                { name: "EMPTY", value: "" },
                { name: "FROM_CM", valueFrom: { configMapKeyRef: { localObjectReference: { name: "cfg" }, key: "mode", optional: false } } },
                { name: "POD_IP", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } } },
              ],
              resources: {
                limits: { cpu: { string: "500m" }, memory: { string: "256Mi" } },
                requests: { cpu: { string: "100m" } },
              },
              readinessProbe: { handler: { httpGet: { path: "/healthz", port: { type: 1, strVal: "http" }, scheme: "HTTP" } }, periodSeconds: 5, successThreshold: 0 },
              livenessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 8080 } } }, terminationGracePeriodSeconds: 0 },
              imagePullPolicy: "IfNotPresent",
              stdin: false,
              tty: false,
              securityContext: { privileged: false, runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
            },
          ],
          volumes: [
            { name: "scratch", volumeSource: { emptyDir: {} } },
            { name: "conf", volumeSource: { configMap: { localObjectReference: { name: "cfg" }, defaultMode: 0, optional: true } } },
          ],
          restartPolicy: "Always",
          terminationGracePeriodSeconds: 0,
          dnsPolicy: "ClusterFirst",
          nodeName: "",
          hostNetwork: false,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: { fsGroup: 0 },
        },
      },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: { type: 0, intVal: 0 }, maxSurge: { type: 1, strVal: "25%" } } },
      minReadySeconds: 0,
      revisionHistoryLimit: 0,
      paused: false,
      progressDeadlineSeconds: 600,
    },
    status: { observedGeneration: 0, replicas: 0 },
  });

  for (const replicas of [0, 3]) {
    it(`Deployment with replicas ${replicas}: pointers keep zeros, other zeros are dropped, inline structs are flattened`, () => {
      const { object } = decodeKubernetesProtobuf(encodeBody("apps/v1", "Deployment", "k8s.io.api.apps.v1.Deployment", deployment(replicas)));
      expect(object).toEqual({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "prod", labels: { app: "web" } },
        spec: {
          replicas,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: {
              containers: [
                {
                  name: "web",
                  image: "nginx:1.27",
                  ports: [
                    { name: "http", containerPort: 8080, protocol: "TCP" },
                    { containerPort: 9090, protocol: "UDP" },
                  ],
                  env: [
                    { name: "MODE", value: "prod" },
                    { name: "EMPTY" },
                    { name: "FROM_CM", valueFrom: { configMapKeyRef: { name: "cfg", key: "mode", optional: false } } },
                    { name: "POD_IP", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } } },
                  ],
                  resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m" } },
                  readinessProbe: { httpGet: { path: "/healthz", port: "http", scheme: "HTTP" }, periodSeconds: 5 },
                  livenessProbe: { tcpSocket: { port: 8080 }, terminationGracePeriodSeconds: 0 },
                  imagePullPolicy: "IfNotPresent",
                  securityContext: { privileged: false, runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
                },
              ],
              volumes: [
                { name: "scratch", emptyDir: {} },
                { name: "conf", configMap: { name: "cfg", defaultMode: 0, optional: true } },
              ],
              restartPolicy: "Always",
              terminationGracePeriodSeconds: 0,
              dnsPolicy: "ClusterFirst",
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: { fsGroup: 0 },
            },
          },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
          revisionHistoryLimit: 0,
          progressDeadlineSeconds: 600,
        },
        status: {},
      });
    });
  }

  it("Service: targetPort as number and as name; zero IntOrString and zero nodePort dropped", () => {
    const body = encodeBody("v1", "Service", `${core}.Service`, {
      metadata: { name: "svc" },
      spec: {
        ports: [
          { name: "http", protocol: "TCP", port: 80, targetPort: { type: 0, intVal: 8080 }, nodePort: 0 },
          { name: "metrics", protocol: "TCP", port: 9090, targetPort: { type: 1, strVal: "metrics" } },
          { name: "plain", protocol: "TCP", port: 7000, targetPort: { type: 0, intVal: 0 } },
        ],
        selector: { app: "web" },
        clusterIP: "",
        type: "ClusterIP",
        sessionAffinity: "None",
        publishNotReadyAddresses: false,
        allocateLoadBalancerNodePorts: false,
        ipFamilyPolicy: "SingleStack",
      },
      status: { loadBalancer: {} },
    });
    expect(decodeKubernetesProtobuf(body).object).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "svc" },
      spec: {
        ports: [
          { name: "http", protocol: "TCP", port: 80, targetPort: 8080 },
          { name: "metrics", protocol: "TCP", port: 9090, targetPort: "metrics" },
          { name: "plain", protocol: "TCP", port: 7000 },
        ],
        selector: { app: "web" },
        type: "ClusterIP",
        sessionAffinity: "None",
        allocateLoadBalancerNodePorts: false,
        ipFamilyPolicy: "SingleStack",
      },
      status: { loadBalancer: {} },
    });
  });

  it("Role with rules", () => {
    const body = encodeBody("rbac.authorization.k8s.io/v1", "Role", "k8s.io.api.rbac.v1.Role", {
      metadata: { name: "reader", namespace: "dev" },
      rules: [
        { verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "pods/log"] },
        { verbs: ["*"], apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["web"] },
      ],
    });
    expect(decodeKubernetesProtobuf(body).object).toEqual({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "reader", namespace: "dev" },
      rules: [
        { verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "pods/log"] },
        { verbs: ["*"], apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["web"] },
      ],
    });
  });

  it("RoleBinding with roleRef and subjects (empty apiGroup dropped as JSON's omitempty does)", () => {
    const body = encodeBody("rbac.authorization.k8s.io/v1", "RoleBinding", "k8s.io.api.rbac.v1.RoleBinding", {
      metadata: { name: "rb", namespace: "dev" },
      subjects: [
        { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice", namespace: "" },
        { kind: "ServiceAccount", apiGroup: "", name: "builder", namespace: "ci" },
      ],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
    });
    expect(decodeKubernetesProtobuf(body).object).toEqual({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "rb", namespace: "dev" },
      subjects: [
        { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice" },
        { kind: "ServiceAccount", name: "builder", namespace: "ci" },
      ],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
    });
  });

  it("Pod: zero creationTimestamp (empty Time, and Go's zero seconds) omitted; real Times are RFC 3339", () => {
    const body = encodeBody("v1", "Pod", `${core}.Pod`, {
      metadata: {
        name: "p",
        creationTimestamp: { seconds: -62135596800 },
        deletionTimestamp: { seconds: 1767323045 },
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u-1", controller: true, blockOwnerDeletion: false }],
        managedFields: [{ manager: "kubectl", operation: "Update", apiVersion: "v1", time: { seconds: 0 }, fieldsType: "FieldsV1", fieldsV1: { Raw: Buffer.from('{"f:metadata":{}}') } }],
      },
      spec: { containers: [{ name: "c", image: "busybox", command: ["sh", "-c", ""] }], tolerations: [{ key: "k", operator: "Exists", effect: "NoExecute", tolerationSeconds: 0 }] },
      status: { startTime: {}, conditions: [{ type: "Ready", status: "True", lastTransitionTime: { seconds: 1767323045, nanos: 999 } }] },
    });
    expect(decodeKubernetesProtobuf(body).object).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "p",
        deletionTimestamp: "2026-01-02T03:04:05Z",
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u-1", controller: true, blockOwnerDeletion: false }],
        managedFields: [{ manager: "kubectl", operation: "Update", apiVersion: "v1", time: "1970-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:metadata": {} } }],
      },
      spec: { containers: [{ name: "c", image: "busybox", command: ["sh", "-c", ""] }], tolerations: [{ key: "k", operator: "Exists", effect: "NoExecute", tolerationSeconds: 0 }] },
      status: { conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-02T03:04:05Z" }] },
    });
  });

  it("Lease: MicroTime with six fraction digits, pointer int32 zero kept", () => {
    const body = encodeBody("coordination.k8s.io/v1", "Lease", "k8s.io.api.coordination.v1.Lease", {
      metadata: { name: "leader", namespace: "kube-system" },
      spec: { holderIdentity: "node-1_abc", leaseDurationSeconds: 15, acquireTime: { seconds: 1767323045, nanos: 123456789 }, renewTime: { seconds: 1767323046 }, leaseTransitions: 0 },
    });
    expect(decodeKubernetesProtobuf(body).object).toEqual({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "leader", namespace: "kube-system" },
      spec: { holderIdentity: "node-1_abc", leaseDurationSeconds: 15, acquireTime: "2026-01-02T03:04:05.123456Z", renewTime: "2026-01-02T03:04:06.000000Z", leaseTransitions: 0 },
    });
  });

  it("events.k8s.io/v1 Event with regarding object and series", () => {
    const body = encodeBody("events.k8s.io/v1", "Event", "k8s.io.api.events.v1.Event", {
      metadata: { name: "e1", namespace: "default" },
      eventTime: { seconds: 1767323045, nanos: 5000 },
      series: { count: 2, lastObservedTime: { seconds: 1767323050 } },
      reportingController: "kubeforge.dev/test",
      reportingInstance: "i-1",
      action: "Scheduled",
      reason: "Scheduled",
      regarding: { kind: "Pod", namespace: "default", name: "p", uid: "", apiVersion: "v1", resourceVersion: "", fieldPath: "" },
      note: "ok",
      type: "Normal",
      deprecatedSource: {},
      deprecatedFirstTimestamp: {},
      deprecatedLastTimestamp: {},
      deprecatedCount: 0,
    });
    expect(decodeKubernetesProtobuf(body).object).toEqual({
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "e1", namespace: "default" },
      eventTime: "2026-01-02T03:04:05.000005Z",
      series: { count: 2, lastObservedTime: "2026-01-02T03:04:10.000000Z" },
      reportingController: "kubeforge.dev/test",
      reportingInstance: "i-1",
      action: "Scheduled",
      reason: "Scheduled",
      regarding: { kind: "Pod", namespace: "default", name: "p", apiVersion: "v1" },
      note: "ok",
      type: "Normal",
      deprecatedSource: {},
    });
  });

  it("autoscaling/v1 Scale keeps spec.replicas: 0", () => {
    const body = encodeBody("autoscaling/v1", "Scale", "k8s.io.api.autoscaling.v1.Scale", {
      metadata: { name: "web", namespace: "prod", resourceVersion: "42" },
      spec: { replicas: 0 },
      status: { replicas: 3, selector: "app=web" },
    });
    expect(decodeKubernetesProtobuf(body).object).toEqual({
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name: "web", namespace: "prod", resourceVersion: "42" },
      spec: { replicas: 0 },
      status: { replicas: 3, selector: "app=web" },
    });
  });

  it("DeleteOptions in any group version, gracePeriodSeconds: 0 kept", () => {
    for (const apiVersion of ["v1", "apps/v1", "meta.k8s.io/v1"]) {
      const body = encodeBody(apiVersion, "DeleteOptions", `${meta}.DeleteOptions`, {
        gracePeriodSeconds: 0,
        preconditions: { uid: "u-1" },
        propagationPolicy: "Foreground",
        dryRun: ["All"],
      });
      expect(decodeKubernetesProtobuf(body).object).toEqual({
        apiVersion,
        kind: "DeleteOptions",
        gracePeriodSeconds: 0,
        preconditions: { uid: "u-1" },
        propagationPolicy: "Foreground",
        dryRun: ["All"],
      });
    }
  });

  it("RawExtension holding JSON, and holding a nested k8s protobuf object", () => {
    const nested = encodeBody("v1", "ConfigMap", `${core}.ConfigMap`, { metadata: { name: "inner" }, data: { k: "v" } });
    for (const [raw, data] of [
      [Buffer.from('{"spec":{"template":{"x":1}}}'), { spec: { template: { x: 1 } } }],
      [nested, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "inner" }, data: { k: "v" } }],
    ] as const) {
      const body = encodeBody("apps/v1", "ControllerRevision", "k8s.io.api.apps.v1.ControllerRevision", { metadata: { name: "rev" }, data: { raw }, revision: 7 });
      expect(decodeKubernetesProtobuf(body).object).toEqual({ apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: "rev" }, data, revision: 7 });
    }
  });

  it("StatefulSet with volumeClaimTemplates and PVC storageClassName: \"\" (pointer) kept", () => {
    const body = encodeBody("apps/v1", "StatefulSet", "k8s.io.api.apps.v1.StatefulSet", {
      metadata: { name: "db" },
      spec: {
        replicas: 1,
        serviceName: "db",
        selector: { matchLabels: { app: "db" } },
        template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "db", image: "postgres" }] } },
        volumeClaimTemplates: [
          {
            metadata: { name: "data" },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: { string: "1Gi" } } }, storageClassName: "" },
          },
        ],
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
        podManagementPolicy: "OrderedReady",
      },
    });
    expect(decodeKubernetesProtobuf(body).object).toEqual({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db" },
      spec: {
        replicas: 1,
        serviceName: "db",
        selector: { matchLabels: { app: "db" } },
        template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "db", image: "postgres" }] } },
        volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, storageClassName: "" } }],
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
        podManagementPolicy: "OrderedReady",
      },
    });
  });

  it("knows every kind the API server serves", () => {
    const known = new Set(protobufKinds().map((k) => `${k.apiVersion}/${k.kind}`));
    for (const k of [
      "v1/Namespace",
      "v1/Pod",
      "v1/Service",
      "v1/Endpoints",
      "v1/ConfigMap",
      "v1/Secret",
      "v1/ServiceAccount",
      "v1/Event",
      "v1/Node",
      "v1/PersistentVolumeClaim",
      "v1/PersistentVolume",
      "v1/Binding",
      "apps/v1/Deployment",
      "apps/v1/ReplicaSet",
      "apps/v1/StatefulSet",
      "apps/v1/DaemonSet",
      "autoscaling/v1/Scale",
      "coordination.k8s.io/v1/Lease",
      "events.k8s.io/v1/Event",
      "rbac.authorization.k8s.io/v1/Role",
      "rbac.authorization.k8s.io/v1/ClusterRole",
      "rbac.authorization.k8s.io/v1/RoleBinding",
      "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
      "meta.k8s.io/v1/DeleteOptions",
    ]) {
      expect(known.has(k), k).toBe(true);
    }
    expect(protobufContentType).toBe("application/vnd.kubernetes.protobuf");
  });
});

describe("malformed bodies", () => {
  it("empty body", () => {
    const err = decodeError(Buffer.alloc(0));
    expect(err.problem).toBe("Malformed");
    expect(err.message).toContain("empty body");
  });

  it("bad magic (a JSON body sent with the protobuf content type)", () => {
    const err = decodeError(Buffer.from('{"kind":"ConfigMap"}'));
    expect(err.problem).toBe("Malformed");
    expect(err.message).toContain("does not appear to be a protobuf message, expected prefix [107 56 115 0]");
  });

  it("magic only", () => {
    expect(decodeError(magic).message).toContain("empty body");
  });

  it("truncated envelope", () => {
    const body = encodeBody("v1", "ConfigMap", `${core}.ConfigMap`, { metadata: { name: "x" }, data: { a: "b" } });
    for (const cut of [5, 8, body.length - 1]) {
      const err = decodeError(body.subarray(0, cut));
      expect(err.problem).toBe("Malformed");
    }
  });

  it("garbage after the magic", () => {
    const err = decodeError(Buffer.concat([magic, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]));
    expect(err.problem).toBe("Malformed");
    expect(err.message).toContain("runtime.Unknown envelope");
  });

  it("missing kind or apiVersion", () => {
    const { unknown } = schemas();
    const env = (typeMeta: Record<string, string>) => Buffer.concat([magic, unknown.encode(unknown.fromObject({ typeMeta, raw: Buffer.alloc(0) })).finish()]);
    expect(decodeError(env({ apiVersion: "v1" })).message).toContain("Object 'Kind' is missing");
    expect(decodeError(env({ kind: "ConfigMap" })).message).toContain("Object 'apiVersion' is missing");
  });

  it("unknown kind and unknown version", () => {
    const { unknown } = schemas();
    const env = (apiVersion: string, kind: string) => Buffer.concat([magic, unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw: Buffer.from([0x0a, 0x00]) })).finish()]);
    const a = decodeError(env("example.kubeforge.dev/v1", "Widget"));
    expect(a.problem).toBe("UnknownKind");
    expect(a.gvk).toEqual({ apiVersion: "example.kubeforge.dev/v1", kind: "Widget" });
    expect(decodeError(env("apps/v1beta1", "Deployment")).problem).toBe("UnknownKind");
  });

  it("an object message that is not valid protobuf", () => {
    const { unknown } = schemas();
    const body = Buffer.concat([magic, unknown.encode(unknown.fromObject({ typeMeta: { apiVersion: "v1", kind: "ConfigMap" }, raw: Buffer.from([0x0a, 0x05, 0x0a]) })).finish()]);
    const err = decodeError(body);
    expect(err.problem).toBe("Malformed");
    expect(err.gvk).toEqual({ apiVersion: "v1", kind: "ConfigMap" });
    expect(err.message).toContain("unable to decode ConfigMap (v1) from protobuf");
  });

  it("a RawExtension that holds neither JSON nor a k8s protobuf object", () => {
    const body = encodeBody("apps/v1", "ControllerRevision", "k8s.io.api.apps.v1.ControllerRevision", { metadata: { name: "rev" }, data: { raw: Buffer.from("not json") } });
    const err = decodeError(body);
    expect(err.problem).toBe("Malformed");
    expect(err.message).toContain("RawExtension does not hold JSON");
  });

  it("a non-empty contentEncoding", () => {
    const { unknown } = schemas();
    const body = Buffer.concat([magic, unknown.encode(unknown.fromObject({ typeMeta: { apiVersion: "v1", kind: "ConfigMap" }, raw: Buffer.alloc(0), contentEncoding: "gzip" })).finish()]);
    expect(decodeError(body).message).toContain('unsupported protobuf contentEncoding "gzip"');
  });
});

describe("formatGoDuration", () => {
  it("matches Go's time.Duration.String()", () => {
    const cases: Array<[bigint, string]> = [
      [0n, "0s"],
      [1n, "1ns"],
      [1_500n, "1.5µs"],
      [2_000_000n, "2ms"],
      [1_500_000_000n, "1.5s"],
      [90_000_000_000n, "1m30s"],
      [3_600_000_000_000n, "1h0m0s"],
      [-5_000_000_000n, "-5s"],
      [3_723_500_000_000n, "1h2m3.5s"],
    ];
    for (const [ns, s] of cases) expect(formatGoDuration(ns)).toBe(s);
  });
});
