/**
 * Benchmark 8: what x-kubernetes-validations cost per custom-resource create. Two CRDs with the same 50-field
 * schema, one with 5 CEL rules and one without, measured in the same run with the targets interleaved:
 *  - validation alone, in process: the version's strategy `validate` (OpenAPI schema validation + CEL rules)
 *    on pre-built objects, µs per object;
 *  - whole creates over keep-alive HTTPS against an in-process control plane (startControlPlane), one client,
 *    ms per create.
 * Ratio = with rules ÷ without rules.
 */
import { performance } from "node:perf_hooks";
import { HttpsClient } from "./lib/client.js";
import type { Recorder, TargetName } from "./lib/results.js";
import type { KubeObject } from "../runtime/core/object.js";
import type { CustomResourceDefinition } from "../runtime/apiextensions/crd.js";
import { customResourceDefinitions } from "../runtime/apiextensions/customresource.js";
import type { JSONSchemaProps } from "../runtime/apiextensions/schema.js";
import { startControlPlane } from "../runtime/testing/index.js";

export interface CRDValidationBenchOptions {
  /** Objects validated per in-process run. */
  objects: number;
  /** Creates per HTTPS run. */
  creates: number;
  runs: number;
}

const withRules = "kubeforge" as TargetName;
/** The peer is the same CRD without rules; the Recorder treats targets as labels. */
const noRules = "no-rules" as TargetName;
const group = "bench.kubeforge.dev";

/** 50 fields: 20 integers, 20 bounded strings, 5 booleans, 5 bounded string lists. */
function specSchema(rules: boolean): JSONSchemaProps {
  const properties: Record<string, JSONSchemaProps> = {};
  for (let i = 0; i < 20; i++) properties[`i${i}`] = { type: "integer", minimum: 0 };
  for (let i = 0; i < 20; i++) properties[`s${i}`] = { type: "string", maxLength: 64 };
  for (let i = 0; i < 5; i++) properties[`b${i}`] = { type: "boolean" };
  for (let i = 0; i < 5; i++) properties[`l${i}`] = { type: "array", maxItems: 10, items: { type: "string", maxLength: 32 } };
  const s: JSONSchemaProps = { type: "object", properties };
  if (!rules) return s;
  (properties.s1 as JSONSchemaProps)["x-kubernetes-validations"] = [{ rule: "self.matches('^[a-z0-9-]+$')", message: "s1 must be a DNS label" }];
  s["x-kubernetes-validations"] = [
    { rule: "self.i0 <= self.i1", messageExpression: "'i0 (' + string(self.i0) + ') must not exceed i1'" },
    { rule: "self.s0.startsWith('x-') || self.s0.size() > 0" },
    { rule: "self.l0.all(t, t.size() <= 32)" },
    { rule: "!has(self.b0) || self.b0 || self.i2 >= 0", reason: "FieldValueForbidden", fieldPath: ".b0" },
  ];
  return s;
}

function crd(plural: string, rules: boolean): CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { plural, kind: plural === "ruled" ? "Ruled" : "Plain", singular: plural, listKind: `${plural === "ruled" ? "Ruled" : "Plain"}List` },
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: specSchema(rules) } } } }],
    },
  };
}

function spec(i: number): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  for (let f = 0; f < 20; f++) s[`i${f}`] = i + f;
  for (let f = 0; f < 20; f++) s[`s${f}`] = `value-${f}-${i % 1000}`;
  for (let f = 0; f < 5; f++) s[`b${f}`] = (i + f) % 2 === 0;
  for (let f = 0; f < 5; f++) s[`l${f}`] = ["a", "bb", "ccc", `n-${i % 100}`];
  return s;
}

function object(kind: string, i: number): KubeObject {
  return { apiVersion: `${group}/v1`, kind, metadata: { name: `o-${i}`, namespace: "default" }, spec: spec(i) } as KubeObject;
}

/** µs per object for strategy.validate over `n` objects. */
function validateRun(validate: (o: KubeObject) => unknown[], objs: readonly KubeObject[]): number {
  const t0 = performance.now();
  for (const o of objs) {
    const errs = validate(o);
    if (errs.length > 0) throw new Error(`crd-validation bench: unexpected errors ${JSON.stringify(errs)}`);
  }
  return ((performance.now() - t0) * 1000) / objs.length;
}

export async function benchCRDValidation(rec: Recorder, o: CRDValidationBenchOptions, log: (s: string) => void): Promise<void> {
  // in process: the strategy's validate, as the store calls it
  const defs = new Map<TargetName, { kind: string; validate: (o: KubeObject) => unknown[] }>();
  for (const [target, plural, rules] of [[withRules, "ruled", true], [noRules, "plain", false]] as const) {
    const def = customResourceDefinitions(crd(plural, rules))[0];
    const validate = def?.strategy?.validate;
    if (!validate) throw new Error("crd-validation bench: no validate");
    defs.set(target, { kind: def.names.kind, validate });
  }
  const vruns = new Map<TargetName, number[]>();
  for (let r = -1; r < o.runs; r++) {
    for (const [target, d] of defs) {
      const objs = Array.from({ length: o.objects }, (_, i) => object(d.kind, i));
      const us = validateRun(d.validate, objs);
      if (r >= 0) vruns.set(target, [...(vruns.get(target) ?? []), us]);
    }
  }
  const vcase = "validate (in process), 50 fields";
  const vm = new Map<TargetName, number>();
  for (const target of [withRules, noRules]) {
    const m = rec.add("crd-validation", vcase, target, (vruns.get(target) ?? []).map((us) => ({ "µs/object": us })));
    vm.set(target, m.median["µs/object"] ?? Number.NaN);
  }
  log(`  ${vcase.padEnd(38)} 5 rules ${(vm.get(withRules) ?? 0).toFixed(1).padStart(6)} µs   no rules ${(vm.get(noRules) ?? 0).toFixed(1).padStart(6)} µs   ratio ${((vm.get(withRules) ?? 0) / (vm.get(noRules) ?? 1)).toFixed(2)}×`);

  // over HTTPS: whole creates against a control plane
  const cp = await startControlPlane();
  const client = new HttpsClient({ url: cp.url, caPEM: cp.credentials.caPEM, certPEM: cp.credentials.certPEM, keyPEM: cp.credentials.keyPEM }, 4);
  try {
    for (const [plural, rules] of [["ruled", true], ["plain", false]] as const) {
      await client.json("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd(plural, rules));
    }
    for (const plural of ["ruled", "plain"]) {
      for (let i = 0; ; i++) {
        const r = await client.request("GET", `/apis/${group}/v1/${plural}`);
        if (r.status === 200) break;
        if (i > 500) throw new Error(`crd-validation bench: ${plural} not served`);
        await new Promise((res) => setTimeout(res, 10));
      }
    }
    const hruns = new Map<TargetName, number[]>();
    let seq = 0;
    for (let r = -1; r < o.runs; r++) {
      for (const [target, plural, kind] of [[withRules, "ruled", "Ruled"], [noRules, "plain", "Plain"]] as const) {
        const bodies = Array.from({ length: o.creates }, () => JSON.stringify({ ...object(kind, seq), metadata: { name: `o-${seq++}` } }));
        const t0 = performance.now();
        for (const b of bodies) await client.expectOK("POST", `/apis/${group}/v1/namespaces/default/${plural}`, b, { "Content-Type": "application/json" });
        const ms = (performance.now() - t0) / o.creates;
        if (r >= 0) hruns.set(target, [...(hruns.get(target) ?? []), ms]);
      }
    }
    const hcase = "create over HTTPS, c=1";
    const hm = new Map<TargetName, number>();
    for (const target of [withRules, noRules]) {
      const m = rec.add("crd-validation", hcase, target, (hruns.get(target) ?? []).map((ms) => ({ "ms/create": ms })));
      hm.set(target, m.median["ms/create"] ?? Number.NaN);
    }
    log(`  ${hcase.padEnd(38)} 5 rules ${(hm.get(withRules) ?? 0).toFixed(3).padStart(6)} ms   no rules ${(hm.get(noRules) ?? 0).toFixed(3).padStart(6)} ms   ratio ${((hm.get(withRules) ?? 0) / (hm.get(noRules) ?? 1)).toFixed(2)}×`);
  } finally {
    client.close();
    await cp.stop();
  }
  rec.notes.push(
    `crd-validation: 50-field CR schema with 5 CEL rules ("kubeforge") vs the same without rules ("no-rules"), one warm-up then ${o.runs} interleaved runs, median; in process ${o.objects} objects per run, over HTTPS ${o.creates} sequential creates per run`,
  );
}
