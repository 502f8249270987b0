/**
 * The pieces of "create api --aggregated", fast: layout and refusals, the schema runtime the generated code
 * uses (validation messages, pruning, defaults, printer columns), the generation from markers (on a project in a
 * temp dir, the generated module then served by the real APIServer), the kustomize/package.json edits, and the
 * CLI's errors.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { APIServer, MemoryBackend, type ResourceDefinition } from "../../runtime/apiserver/index.js";
import type { KubeObject } from "../../runtime/core/object.js";
import { StatusError } from "../../runtime/core/errors.js";
import { addApiserverScript, addAuthReaderReplacement, apiserverScript } from "../../generators/aggregated/index.js";
import * as schemaRuntime from "../../generators/aggregated/templates/schema.js";
import { createCommand } from "../cli/create.js";
import { UsageError } from "../cli/errors.js";
import { generateCommand } from "../cli/generate.js";
import { initCommand } from "../cli/init.js";
import { aggregatedGroupVersions, aggregatedLayout, refuseAggregated, refuseCRDInAggregatedGroup } from "./aggregated.js";
import { aggregatedGeneratedFiles, aggregatedStaleFiles } from "./aggregated-generate.js";
import { renderProject, type Project } from "./project.js";

const base: Project = { domain: "example.com", projectName: "wardle", resources: [] };

describe("aggregatedLayout", () => {
  it("puts a single-group kind under src/apiserver/{apis,registry}/<version> with relative imports", () => {
    const l = aggregatedLayout(base, { group: "wardle", version: "v1alpha1", kind: "Flunder", plural: "flunders" });
    expect(l).toMatchObject({
      typesFile: "src/apiserver/apis/v1alpha1/flunder.types.ts",
      groupVersionFile: "src/apiserver/apis/v1alpha1/groupversion.ts",
      registryFile: "src/apiserver/registry/v1alpha1/flunder.ts",
      registryTestFile: "src/apiserver/registry/v1alpha1/flunder.test.ts",
      generatedFile: "src/apiserver/generated/wardle.example.com_v1alpha1_flunders.ts",
      sampleFile: "config/samples/wardle_v1alpha1_flunder.yaml",
      apiServiceFile: "config/apiserver/apiservice_wardle.example.com_v1alpha1.yaml",
      apiServiceName: "v1alpha1.wardle.example.com",
      resourceExport: "flunderResource",
      typesImportFromRegistry: "../../apis/v1alpha1/flunder.types.js",
      generatedImportFromRegistry: "../../generated/wardle.example.com_v1alpha1_flunders.js",
      schemaImportFromRegistry: "../../generated/schema.js",
      testingImportFromRegistry: "../../testing.js",
      registryImportFromResources: "./registry/v1alpha1/flunder.js",
    });
  });

  it("adds the group in multigroup projects, and keeps a recorded types path", () => {
    const l = aggregatedLayout({ ...base, multigroup: true }, { group: "wardle", version: "v1", kind: "Fischer", plural: "fischers" });
    expect(l.typesFile).toBe("src/apiserver/apis/wardle/v1/fischer.types.ts");
    expect(l.registryFile).toBe("src/apiserver/registry/wardle/v1/fischer.ts");
    expect(l.typesImportFromRegistry).toBe("../../../apis/wardle/v1/fischer.types.js");
    expect(l.testingImportFromRegistry).toBe("../../../testing.js");
    const moved = aggregatedLayout({ ...base, multigroup: true }, { group: "wardle", version: "v1", kind: "Fischer", plural: "fischers" }, "src/apiserver/apis/v1/fischer.types.ts");
    expect(moved.typesImportFromRegistry).toBe("../../../apis/v1/fischer.types.js");
  });
});

describe("refusals", () => {
  const withCRD: Project = { ...base, multigroup: true, resources: [{ group: "wardle", version: "v1", kind: "Widget", plural: "widgets", domain: "example.com", api: { crdVersion: "v1", namespaced: true } }] };
  const withAgg: Project = { ...base, multigroup: true, resources: [{ group: "wardle", version: "v1alpha1", kind: "Flunder", plural: "flunders", domain: "example.com", path: "src/apiserver/apis/wardle/v1alpha1/flunder.types.ts", aggregated: { namespaced: true } }] };

  it("refuses an aggregated kind in a CRD group, naming --group and why", () => {
    const r = refuseAggregated(withCRD, { group: "wardle", version: "v1alpha1", kind: "Flunder", force: false });
    expect(r?.flag).toBe("--group");
    expect(r?.exitCode).toBe(1);
    expect(r?.message).toContain("--group wardle: group wardle.example.com is already served by this project's CRDs (v1/Widget)");
    expect(r?.message).toContain('a local APIService "v1.wardle.example.com"');
    expect(refuseAggregated(withCRD, { group: "other", version: "v1", kind: "Flunder", force: false })).toBeUndefined();
  });

  it("refuses a CRD in an aggregated group", () => {
    const r = refuseCRDInAggregatedGroup(withAgg, "wardle");
    expect(r?.message).toContain("--group wardle: group wardle.example.com is served by this project's aggregated API server (v1alpha1/Flunder)");
    expect(refuseCRDInAggregatedGroup(withAgg, "webapp")).toBeUndefined();
  });

  it("needs --force for a kind that exists, and refuses a second version of one kind", () => {
    expect(refuseAggregated(withAgg, { group: "wardle", version: "v1alpha1", kind: "Flunder", force: false })?.message).toContain("already exists (src/apiserver/apis/wardle/v1alpha1/flunder.types.ts); pass --force");
    expect(refuseAggregated(withAgg, { group: "wardle", version: "v1alpha1", kind: "Flunder", force: true })).toBeUndefined();
    expect(refuseAggregated(withAgg, { group: "wardle", version: "v1beta1", kind: "Flunder", force: false })?.flag).toBe("--version");
    expect(refuseAggregated(withAgg, { group: "wardle", version: "v1beta1", kind: "Fischer", force: false })).toBeUndefined();
  });

  it("keeps single-group projects to one group", () => {
    const single: Project = { ...withAgg, multigroup: false };
    expect(refuseAggregated(single, { group: "other", version: "v1", kind: "X", force: false })?.message).toContain('single-group (group "wardle")');
  });

  it("lists one APIService per group-version", () => {
    const p: Project = { ...withAgg, resources: [...(withAgg.resources ?? []), { group: "wardle", version: "v1alpha1", kind: "Fischer", plural: "fischers", domain: "example.com", aggregated: { namespaced: false } }, { group: "a", version: "v1", kind: "Y", plural: "ys", domain: "example.com", aggregated: { namespaced: true } }] };
    expect(aggregatedGroupVersions(p)).toEqual([
      { group: "a.example.com", version: "v1" },
      { group: "wardle.example.com", version: "v1alpha1" },
    ]);
  });
});

describe("schema runtime (src/apiserver/generated/schema.ts)", () => {
  const s: schemaRuntime.Schema = {
    type: "object",
    properties: {
      spec: {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string", minLength: 1, pattern: "^[a-z]+$" },
          replicas: { type: "integer", minimum: 1, default: 1 },
          mode: { type: "string", enum: ["a", "b"] },
          port: { "x-kubernetes-int-or-string": true },
          when: { type: "string", format: "date-time" },
          ports: { type: "array", maxItems: 2, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: { type: "object", properties: { name: { type: "string" } } } },
          labels: { type: "object", additionalProperties: { type: "string", maxLength: 3 } },
          free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        },
      },
    },
  };

  it("reports kube-apiserver's field errors", () => {
    const errs = schemaRuntime.validateObjectAgainst(s, {
      metadata: { name: "ignored" },
      spec: { replicas: 0, mode: "x", port: 1.5, when: "yesterday", ports: [{ name: "a" }, { name: "a" }, { name: "b" }], labels: { k: "long" } },
    });
    const text = errs.map((e) => `${e.field}|${e.type}|${e.detail}`);
    expect(text).toEqual([
      "spec.name|FieldValueRequired|",
      "spec.replicas|FieldValueInvalid|spec.replicas in body should be greater than or equal to 1",
      'spec.mode|FieldValueNotSupported|supported values: "a", "b"',
      'spec.port|FieldValueTypeInvalid|spec.port in body must be of type integer,string: "number"',
      'spec.when|FieldValueTypeInvalid|spec.when in body must be of type date-time: "yesterday"',
      "spec.ports|FieldValueTooMany|must have at most 2 items",
      "spec.ports[1]|FieldValueDuplicate|",
      "spec.labels.k|FieldValueTooLong|must have at most 3 bytes",
    ]);
    expect(schemaRuntime.validateValue(s.properties?.spec ?? {}, { name: "Upper" }, "spec").map((e) => e.detail)).toEqual(["spec.name in body should match '^[a-z]+$'"]);
    expect(schemaRuntime.validateObjectAgainst(s, { spec: { name: "ok", when: "2024-01-02T03:04:05Z", port: "http" } })).toEqual([]);
  });

  it("prunes unknown fields (not under preserve-unknown-fields), applies defaults and reports the pruned fields as warnings", () => {
    const strategy = schemaRuntime.schemaStrategy(s);
    const obj = { apiVersion: "x/v1", kind: "X", metadata: { name: "a", bogus: 1 }, spec: { name: "a", extra: true, free: { anything: 1 } }, other: 1 };
    strategy.default(obj);
    expect(obj).toEqual({ apiVersion: "x/v1", kind: "X", metadata: { name: "a" }, spec: { name: "a", replicas: 1, free: { anything: 1 } } });
    expect(strategy.warnings(obj)).toEqual(['unknown field "metadata.bogus"', 'unknown field "spec.extra"', 'unknown field "other"']);
    expect(strategy.warnings(obj)).toEqual([]);
  });

  it("prints Name, the printer columns, and ages for date columns", () => {
    const none = schemaRuntime.printerTable([]);
    expect(none.columns.map((c) => c.name)).toEqual(["Name", "Age"]);
    const now = new Date("2024-01-01T01:00:00Z");
    expect(none.cells({ metadata: { name: "a", creationTimestamp: "2024-01-01T00:55:00Z" } }, now)).toEqual(["a", "5m"]);
    const t = schemaRuntime.printerTable([
      { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
      { name: "Ports", type: "string", jsonPath: ".spec.ports[0].name", priority: 1 },
    ]);
    expect(t.columns.map((c) => [c.name, c.priority])).toEqual([["Name", 0], ["Replicas", 0], ["Ports", 1]]);
    expect(t.cells({ metadata: { name: "b" }, spec: { replicas: 3, ports: [{ name: "http" }] } })).toEqual(["b", 3, "http"]);
    expect(schemaRuntime.humanDuration(3 * 3600_000 + 5 * 60_000)).toBe("3h5m");
  });
});

describe("generation from markers", () => {
  let dir: string;
  const typesFile = "src/apiserver/apis/v1/fischer.types.ts";
  const project: Project = {
    ...base,
    resources: [{ group: "wardle", version: "v1", kind: "Fischer", plural: "fischers", domain: "example.com", path: typesFile, aggregated: { namespaced: false } }],
  };
  const types = (extra = ""): string => `import type { KubeObject } from "kubeforge";
import type { ObjectMeta, Int32 } from "kubeforge/api";

export interface FischerSpec {
  /**
   * +kubebuilder:validation:Minimum=1
   * +kubebuilder:default=2
   * +optional
   */
  replicas?: Int32;
  /** +kubebuilder:validation:Enum=a;b */
  mode: string;${extra}
}

/**
 * Fischer is a cluster-scoped example.
 * +kubebuilder:object:root=true
 * +kubebuilder:subresource:status
 * +kubebuilder:resource:scope=Cluster,shortName=fi
 * +kubebuilder:printcolumn:name="Replicas",type=integer,JSONPath=".spec.replicas"
 */
export interface Fischer extends KubeObject {
  apiVersion: "wardle.example.com/v1";
  kind: "Fischer";
  metadata: ObjectMeta;
  spec?: FischerSpec;
  status?: { ready?: boolean };
}
`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "kf-aggregated-gen-"));
    await mkdir(join(dir, "src/apiserver/apis/v1"), { recursive: true });
    await writeFile(join(dir, "PROJECT"), renderProject(project));
    await writeFile(join(dir, typesFile), types());
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("writes the schema runtime and one module per kind, with names, scope, schema, columns and subresources", async () => {
    const files = await aggregatedGeneratedFiles(dir);
    expect(files.map((f) => f.path)).toEqual(["src/apiserver/generated/schema.ts", "src/apiserver/generated/wardle.example.com_v1_fischers.ts"]);
    const mod = files[1]?.content ?? "";
    expect(mod.startsWith(`// Code generated by kubeforge from ${typesFile}. DO NOT EDIT.`)).toBe(true);
    expect(mod).toContain('"shortNames": [\n      "fi"\n    ]');
    expect(mod).toContain("namespaced: false,");
    expect(mod).toContain("statusSubresource: true,");
    expect(mod).toContain('"jsonPath": ".spec.replicas"');
    expect(mod).toContain('"minimum": 1');
    expect(mod).toContain("} satisfies Omit<ResourceDefinition, \"strategy\">;");
    expect(files[0]?.content).toBe(await readFile(join(import.meta.dirname, "../../generators/aggregated/templates/schema.ts"), "utf8"));
  });

  it("serves the generated definition with the real APIServer: defaults, validation with field paths, pruning", async () => {
    const gen = join(dir, "src/apiserver/generated");
    await mkdir(gen, { recursive: true });
    for (const f of await aggregatedGeneratedFiles(dir)) await writeFile(join(dir, f.path), f.content);
    const m = (await import(join(gen, "wardle.example.com_v1_fischers.ts"))) as Record<string, unknown>;
    const definition = m.fischerDefinition as Omit<ResourceDefinition, "strategy">;
    const strategy = m.fischerSchemaStrategy as schemaRuntime.SchemaStrategy;
    const server = new APIServer({ storage: new MemoryBackend() });
    const store = server.installResource({ ...definition, strategy: { default: (o) => strategy.default(o), validate: (o) => strategy.validate(o), warningsOnCreate: (o) => strategy.warnings(o) } });
    const ctx = { namespace: "", user: { username: "admin", groups: ["system:masters"] }, dryRun: false, warnings: [] as string[] };
    const created = await store.create(ctx, { apiVersion: "wardle.example.com/v1", kind: "Fischer", metadata: { name: "a" }, spec: { mode: "a", junk: 1 } } as KubeObject);
    expect(created.spec).toEqual({ mode: "a", replicas: 2 });
    expect(ctx.warnings).toEqual(['unknown field "spec.junk"']);
    const bad = await store.create(ctx, { apiVersion: "wardle.example.com/v1", kind: "Fischer", metadata: { name: "b" }, spec: { mode: "c", replicas: 0 } } as KubeObject).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(StatusError);
    const status = (bad as StatusError).status;
    expect(status.code).toBe(422);
    expect(status.message).toBe('Fischer.wardle.example.com "b" is invalid: [spec.mode: Unsupported value: "c": supported values: "a", "b", spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1]');
    expect(status.details?.causes?.map((c) => c.field)).toEqual(["spec.mode", "spec.replicas"]);
  });

  it("refuses CEL rules and a scope that disagrees with PROJECT, naming the types file", async () => {
    await writeFile(join(dir, typesFile), types(`\n  /** +kubebuilder:validation:XValidation:rule="self.size() > 1",message="too short" */\n  name?: string;`));
    await expect(aggregatedGeneratedFiles(dir)).rejects.toThrow(new RegExp(`${typesFile}:\\d+: \\+kubebuilder:validation:XValidation \\(CEL\\) at spec.name: CEL rules are not evaluated by the aggregated API server; remove the marker and write the rule in validateFischer\\(\\) in src/apiserver/registry/v1/fischer.ts`));
    await writeFile(join(dir, typesFile), types().replace("scope=Cluster,", ""));
    await expect(aggregatedGeneratedFiles(dir)).rejects.toThrow("Fischer is cluster-scoped in PROJECT but namespaced in its types: add scope=Cluster to +kubebuilder:resource");
    await writeFile(join(dir, typesFile), types());
  });

  it("finds generated files no kind produces any more (only those with kubeforge's header)", async () => {
    await writeFile(join(dir, "src/apiserver/generated/wardle.example.com_v1_olds.ts"), "// Code generated by kubeforge from x. DO NOT EDIT.\n");
    await writeFile(join(dir, "src/apiserver/generated/mine.ts"), "export const mine = 1;\n");
    expect(await aggregatedStaleFiles(dir, await aggregatedGeneratedFiles(dir))).toEqual(["src/apiserver/generated/wardle.example.com_v1_olds.ts"]);
  });

  it("is part of kubeforge generate, --check included, in a project without api/ or internal/", async () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(await generateCommand(["--check"], dir, (s) => out.push(s), (s) => err.push(s))).toBe(1);
    expect(err.join("")).toContain("src/apiserver/generated/wardle.example.com_v1_olds.ts (left over");
    expect(await generateCommand([], dir, (s) => out.push(s), (s) => err.push(s))).toBe(0);
    expect(out.join("")).toContain("removed src/apiserver/generated/wardle.example.com_v1_olds.ts");
    expect(existsSync(join(dir, "src/apiserver/generated/mine.ts"))).toBe(true);
    expect(await generateCommand(["--check"], dir, (s) => out.push(s), (s) => err.push(s))).toBe(0);
  });
});

describe("edits", () => {
  it("adds the kube-system replacement to config/default once", () => {
    const once = addAuthReaderReplacement("namespace: p-system\nnamePrefix: p-\nresources:\n- ../crd\n", "p");
    expect(addAuthReaderReplacement(once, "p")).toBe(once);
    const doc = parse(once) as { replacements: { source: { name: string; fieldPath: string }; targets: { fieldPaths: string[] }[] }[] };
    expect(doc.replacements).toHaveLength(1);
    expect(doc.replacements[0]?.source).toEqual({ kind: "RoleBinding", name: "p-apiserver-auth-reader", fieldPath: "metadata.annotations.[kubeforge.dev/namespace]" });
    expect(doc.replacements[0]?.targets[0]?.fieldPaths).toEqual(["metadata.namespace"]);
    expect(() => addAuthReaderReplacement("replacements: {}\n", "p")).toThrow('"replacements" is not a list');
  });

  it("adds the apiserver npm script unless there is one", () => {
    const pkg = addApiserverScript('{"name":"p","scripts":{"build":"tsc"}}');
    expect((JSON.parse(pkg) as { scripts: Record<string, string> }).scripts).toEqual({ build: "tsc", [apiserverScript.name]: apiserverScript.command });
    const mine = '{"scripts":{"apiserver":"mine"}}';
    expect(addApiserverScript(mine)).toBe(mine);
    expect(() => addApiserverScript("{")).toThrow("package.json: not valid JSON");
  });
});

describe("kubeforge create api --aggregated (errors)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "kf-aggregated-cli-"));
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = () => true;
    try {
      await initCommand(["--domain", "example.com", "--project-name", "p"], dir);
      await createCommand(["api", "--group", "webapp", "--version", "v1", "--kind", "Guestbook", "--controller=false"], dir);
    } finally {
      process.stdout.write = write;
    }
  }, 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const create = (...args: string[]): Promise<number> => createCommand(["api", ...args], dir);
  const usage = (p: Promise<unknown>): Promise<UsageError> => p.then(() => { throw new Error("expected a UsageError"); }, (e: unknown) => e as UsageError);

  it("names the flag that makes no sense with --aggregated", async () => {
    const noResource = await usage(create("--aggregated", "--resource=false", "--group", "wardle", "--version", "v1", "--kind", "Flunder"));
    expect(noResource).toBeInstanceOf(UsageError);
    expect(noResource.exitCode).toBe(2);
    expect(noResource.message).toMatch(/^--aggregated with --resource=false: .*drop --resource=false/);
    const controller = await usage(create("--aggregated", "--controller", "--group", "wardle", "--version", "v1", "--kind", "Flunder"));
    expect(controller.message).toMatch(/^--aggregated with --controller: kubeforge does not scaffold controllers for aggregated kinds yet/);
    const badKind = await usage(create("--aggregated", "--group", "wardle", "--version", "v1", "--kind", "flunder"));
    expect(badKind.message).toContain('--kind "flunder" must be PascalCase');
  });

  it("refuses an aggregated kind in the project's CRD group, and writes nothing", async () => {
    const before = await readFile(join(dir, "PROJECT"), "utf8");
    const e = await usage(create("--aggregated", "--group", "webapp", "--version", "v1alpha1", "--kind", "Flunder"));
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain("--group webapp: group webapp.example.com is already served by this project's CRDs (v1/Guestbook)");
    expect(await readFile(join(dir, "PROJECT"), "utf8")).toBe(before);
    expect(existsSync(join(dir, "src/apiserver"))).toBe(false);
  });

  it("refuses webhooks for an aggregated kind", async () => {
    const agg = await mkdtemp(join(tmpdir(), "kf-aggregated-wh-"));
    try {
      await writeFile(join(agg, "PROJECT"), renderProject({ ...base, resources: [{ group: "wardle", version: "v1alpha1", kind: "Flunder", plural: "flunders", domain: "example.com", path: "src/apiserver/apis/v1alpha1/flunder.types.ts", aggregated: { namespaced: true } }] }));
      const e = await usage(createCommand(["webhook", "--group", "wardle", "--version", "v1alpha1", "--kind", "Flunder", "--defaulting"], agg));
      expect(e.message).toContain("webhooks (--defaulting, --programmatic-validation, --conversion) are for CRD kinds");
      expect(e.message).toContain("src/apiserver/registry/v1alpha1/flunder.ts");
      const crd = await usage(createCommand(["api", "--group", "wardle", "--version", "v1", "--kind", "Widget"], agg));
      expect(crd.message).toContain("--group wardle: group wardle.example.com is served by this project's aggregated API server (v1alpha1/Flunder)");
    } finally {
      await rm(agg, { recursive: true, force: true });
    }
  });
});
