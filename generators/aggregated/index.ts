/**
 * `kubeforge create api --aggregated`: a kind served by the project's aggregated API server — its types (with
 * markers), its registry file (ResourceDefinition + strategy) and test, a sample, the admin/editor/viewer roles;
 * the first time also the server (src/apiserver: main, resources, testing helper), the config/apiserver and
 * config/etcd layers and an npm script; the kind's APIService, and the wiring in PROJECT, resources.ts and
 * the kustomizations. The generated part (src/apiserver/generated) is written afterwards by the same code as
 * "kubeforge generate" (src/scaffold/aggregated-generate.ts), from the types on disk.
 */
import Generator from "yeoman-generator";
import { isSeq, parseDocument, YAMLSeq } from "yaml";
import { aggregatedFiles, aggregatedLayout, aggregatedProjectResource, lowerFirst, type AggregatedRequest } from "../../src/scaffold/aggregated.js";
import { addKustomizeResource, insertAtMarker, ScaffoldEditError } from "../../src/scaffold/edits.js";
import { templatesDir } from "../../src/scaffold/package.js";
import { fullGroup, renderProject, type Project } from "../../src/scaffold/project.js";
import { pluralize } from "../../src/scaffold/names.js";
import { renderTree } from "../render.js";

export interface AggregatedOptions extends AggregatedRequest {
  project: Project;
}

/** The npm script that runs the built server. */
export const apiserverScript = { name: "apiserver", command: "node dist/src/apiserver/main.js" };

/**
 * `text` (config/default/kustomization.yaml) with the replacement that puts the auth-reader RoleBinding back in
 * kube-system after the namespace transformer (once).
 */
export function addAuthReaderReplacement(text: string, projectName: string, file = "config/default/kustomization.yaml"): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new ScaffoldEditError(`${file}: not valid YAML (${doc.errors[0]?.message.split("\n")[0]}); fix it, then run the command again`);
  const name = `${projectName}-apiserver-auth-reader`;
  let seq = doc.get("replacements");
  if (seq === undefined || seq === null) {
    seq = new YAMLSeq();
    doc.set("replacements", seq);
  }
  if (!isSeq(seq)) throw new ScaffoldEditError(`${file}: "replacements" is not a list`);
  if (JSON.stringify(doc.toJSON()).includes(`"name":"${name}"`)) return text;
  seq.flow = false;
  const entry = doc.createNode({
    source: { kind: "RoleBinding", name, fieldPath: "metadata.annotations.[kubeforge.dev/namespace]" },
    targets: [{ select: { kind: "RoleBinding", name }, fieldPaths: ["metadata.namespace"] }],
  });
  entry.commentBefore = " the aggregated API server's auth-reader RoleBinding belongs in kube-system (see config/apiserver/auth_reader_binding.yaml)";
  seq.add(entry);
  return doc.toString({ lineWidth: 0 });
}

/** `text` (package.json) with the `apiserver` script (kept when the user has one). */
export function addApiserverScript(text: string, file = "package.json"): string {
  let pkg: { scripts?: Record<string, string> };
  try {
    pkg = JSON.parse(text) as typeof pkg;
  } catch (err) {
    throw new ScaffoldEditError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)}); fix it, then run the command again`);
  }
  if (typeof pkg !== "object" || pkg === null) throw new ScaffoldEditError(`${file}: expected a JSON object`);
  pkg.scripts ??= {};
  if (pkg.scripts[apiserverScript.name] !== undefined) return text;
  pkg.scripts[apiserverScript.name] = apiserverScript.command;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export default class AggregatedGenerator extends Generator {
  writing(): void {
    const o = this.options as unknown as AggregatedOptions;
    const { project } = o;
    const l = aggregatedLayout(project, o);
    const group = fullGroup({ group: o.group, domain: project.domain });
    const roleBase = project.multigroup ? `${o.group}-${l.fileBase}` : l.fileBase;
    const values = {
      kind: o.kind,
      lowerKind: lowerFirst(o.kind),
      fileBase: l.fileBase,
      plural: o.plural,
      customPlural: o.plural !== pluralize(o.kind),
      group: o.group,
      fullGroup: group,
      version: o.version,
      namespaced: o.namespaced,
      projectName: project.projectName,
      typesFile: l.typesFile,
      registryFile: l.registryFile,
      generatedFile: l.generatedFile,
      apiServiceName: l.apiServiceName,
      typesImport: l.typesImportFromRegistry,
      generatedImport: l.generatedImportFromRegistry,
      schemaImport: l.schemaImportFromRegistry,
      testingImport: l.testingImportFromRegistry,
      definitionExport: l.definitionExport,
      schemaStrategyExport: l.schemaStrategyExport,
      resourceExport: l.resourceExport,
      roleBase,
    };
    const tpl = (name: string): string => `${templatesDir("aggregated")}/${name}`;
    const apiTpl = (name: string): string => `${templatesDir("api")}/${name}`;
    const edit = (file: string, fn: (text: string) => string): void => {
      const path = this.destinationPath(file);
      this.fs.write(path, fn(this.fs.read(path) ?? ""));
    };
    const once = (file: string, from: string): void => {
      if (!this.fs.exists(this.destinationPath(file))) this.fs.copyTpl(from, this.destinationPath(file), values);
    };

    // the kind
    this.fs.copyTpl(tpl("types.ts"), this.destinationPath(l.typesFile), values);
    once(l.groupVersionFile, apiTpl("groupversion.ts"));
    this.fs.copyTpl(tpl("registry.ts"), this.destinationPath(l.registryFile), values);
    this.fs.copyTpl(tpl("registry.test.ts"), this.destinationPath(l.registryTestFile), values);
    this.fs.copyTpl(apiTpl("sample.yaml"), this.destinationPath(l.sampleFile), values);
    edit("config/samples/kustomization.yaml", (t) => addKustomizeResource(t, l.sampleFile.replace(/^config\/samples\//, ""), "config/samples/kustomization.yaml"));
    for (const role of ["admin", "editor", "viewer"]) {
      const file = `config/rbac/${roleBase.replace(/-/g, "_")}_${role}_role.yaml`;
      this.fs.copyTpl(apiTpl(`${role}_role.yaml`), this.destinationPath(file), values);
      edit("config/rbac/kustomization.yaml", (t) => addKustomizeResource(t, file.replace(/^config\/rbac\//, ""), "config/rbac/kustomization.yaml"));
    }

    // the server, its layers and script: written once, shared by every aggregated kind
    once(aggregatedFiles.main, tpl("main.ts"));
    once(aggregatedFiles.resources, tpl("resources.ts"));
    once(aggregatedFiles.testing, tpl("testing.ts"));
    if (!this.fs.exists(this.destinationPath(`${aggregatedFiles.configDir}/kustomization.yaml`))) {
      renderTree(this, tpl("config"), values, (rel) => `config/${rel}`);
      edit("config/default/kustomization.yaml", (t) => {
        const withLayers = addKustomizeResource(addKustomizeResource(t, "../apiserver", "config/default/kustomization.yaml"), "../etcd", "config/default/kustomization.yaml");
        return addAuthReaderReplacement(withLayers, project.projectName);
      });
      edit("package.json", (t) => addApiserverScript(t));
    }
    edit(aggregatedFiles.resources, (t) =>
      insertAtMarker(
        insertAtMarker(t, "imports", `import { ${l.resourceExport} } from "${l.registryImportFromResources}";`, aggregatedFiles.resources),
        "resources",
        `  ${l.resourceExport},`,
        aggregatedFiles.resources,
      ),
    );
    // one APIService per group-version
    this.fs.copyTpl(tpl("apiservice.yaml"), this.destinationPath(l.apiServiceFile), values);
    edit(`${aggregatedFiles.configDir}/kustomization.yaml`, (t) => addKustomizeResource(t, l.apiServiceFile.replace(`${aggregatedFiles.configDir}/`, ""), `${aggregatedFiles.configDir}/kustomization.yaml`));

    const resource = aggregatedProjectResource(project, o, l);
    const others = (project.resources ?? []).filter((r) => !(r.group === o.group && r.version === o.version && r.kind === o.kind));
    this.fs.write(this.destinationPath("PROJECT"), renderProject({ ...project, resources: [...others, resource] }));
  }
}
