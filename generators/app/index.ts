/**
 * `kubeforge init`: a new operator project — PROJECT, package.json, tsconfig, Makefile, Dockerfile, the
 * manager's entry point, kustomize layers under config/, a README and a CI workflow.
 */
import Generator from "yeoman-generator";
import { renderProject, type Project } from "../../src/scaffold/project.js";
import { kubeforgeDependency, templatesDir } from "../../src/scaffold/package.js";
import { renderTree } from "../render.js";

export interface AppOptions {
  domain: string;
  projectName: string;
  owner?: string;
  multigroup: boolean;
  namespaced: boolean;
}

export default class AppGenerator extends Generator {
  writing(): void {
    const o = this.options as unknown as AppOptions;
    const project: Project = { domain: o.domain, projectName: o.projectName, multigroup: o.multigroup, namespaced: o.namespaced, resources: [] };
    if (o.owner) project.owner = o.owner;
    this.fs.write(this.destinationPath("PROJECT"), renderProject(project));
    renderTree(this, templatesDir("app"), {
      domain: o.domain,
      projectName: o.projectName,
      owner: o.owner ?? "",
      namespaced: o.namespaced,
      multigroup: o.multigroup,
      kubeforgeDependency: kubeforgeDependency(),
      year: new Date().getUTCFullYear(),
    });
  }
}
