/**
 * `kubeforge create api`: a kind's types (with markers), its controller and controller test, a sample, the
 * admin/editor/viewer roles, and the wiring in PROJECT, src/main.ts and the kustomizations.
 */
import Generator from "yeoman-generator";
import { addKustomizeResource, insertAtMarker } from "../../src/scaffold/edits.js";
import { templatesDir } from "../../src/scaffold/package.js";
import { fullGroup, renderProject, type Project, type ProjectResource } from "../../src/scaffold/project.js";
import { apiLayout, type ApiRequest } from "../../src/scaffold/layout.js";
import { pluralize } from "../../src/scaffold/names.js";

export interface ApiOptions extends ApiRequest {
  project: Project;
}

export default class ApiGenerator extends Generator {
  writing(): void {
    const o = this.options as unknown as ApiOptions;
    const { project } = o;
    const l = apiLayout(project, o);
    const group = fullGroup({ group: o.group, domain: project.domain });
    const values = {
      kind: o.kind,
      lowerKind: o.kind.charAt(0).toLowerCase() + o.kind.slice(1),
      fileBase: l.fileBase,
      plural: o.plural,
      // a --plural other than the kind's default goes into the types as +kubebuilder:resource:path
      customPlural: o.plural !== pluralize(o.kind),
      group: o.group,
      fullGroup: group,
      version: o.version,
      namespaced: o.namespaced,
      projectName: project.projectName,
      typesFile: l.typesFile,
      typesImport: l.typesImportFromController,
      controllerName: l.controllerName,
      roleBase: l.roleBase,
    };
    const tpl = (name: string): string => `${templatesDir("api")}/${name}`;
    const edit = (file: string, fn: (text: string) => string): void => {
      const path = this.destinationPath(file);
      this.fs.write(path, fn(this.fs.read(path) ?? ""));
    };

    if (o.resource) {
      this.fs.copyTpl(tpl("types.ts"), this.destinationPath(l.typesFile), values);
      if (!this.fs.exists(this.destinationPath(l.groupVersionFile))) this.fs.copyTpl(tpl("groupversion.ts"), this.destinationPath(l.groupVersionFile), values);
      this.fs.copyTpl(tpl("sample.yaml"), this.destinationPath(l.sampleFile), values);
      edit("config/samples/kustomization.yaml", (t) => addKustomizeResource(t, l.sampleFile.replace(/^config\/samples\//, ""), "config/samples/kustomization.yaml"));
      edit("config/crd/kustomization.yaml", (t) => addKustomizeResource(t, `bases/${group}_${o.plural}.yaml`, "config/crd/kustomization.yaml"));
      for (const role of ["admin", "editor", "viewer"]) {
        const file = `config/rbac/${l.roleBase.replace(/-/g, "_")}_${role}_role.yaml`;
        this.fs.copyTpl(tpl(`${role}_role.yaml`), this.destinationPath(file), values);
        edit("config/rbac/kustomization.yaml", (t) => addKustomizeResource(t, file.replace(/^config\/rbac\//, ""), "config/rbac/kustomization.yaml"));
      }
    }
    if (o.controller) {
      this.fs.copyTpl(tpl("controller.ts"), this.destinationPath(l.controllerFile), values);
      this.fs.copyTpl(tpl("controller.test.ts"), this.destinationPath(l.controllerTestFile), values);
      edit("src/main.ts", (t) =>
        insertAtMarker(
          insertAtMarker(t, "imports", `import { setup${o.kind}Controller } from "${l.controllerImportFromMain}";`, "src/main.ts"),
          "builder",
          `setup${o.kind}Controller(mgr);`,
          "src/main.ts",
        ),
      );
    }

    const resource: ProjectResource = { group: o.group, version: o.version, kind: o.kind, plural: o.plural, domain: project.domain };
    if (o.resource) {
      resource.path = l.typesFile;
      resource.api = { crdVersion: "v1", namespaced: o.namespaced };
    }
    if (o.controller) resource.controller = true;
    const others = (project.resources ?? []).filter((r) => !(r.group === o.group && r.version === o.version && r.kind === o.kind));
    this.fs.write(this.destinationPath("PROJECT"), renderProject({ ...project, resources: [...others, resource] }));
  }
}
