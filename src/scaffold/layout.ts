/** Where a kind's files go: api/<version>/ (or api/<group>/<version>/ in multigroup projects) and internal/controller/. */
import type { Project } from "./project.js";

export interface ApiRequest {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  resource: boolean;
  controller: boolean;
  force: boolean;
}

export interface ApiLayout {
  fileBase: string;
  typesFile: string;
  groupVersionFile: string;
  controllerFile: string;
  controllerTestFile: string;
  sampleFile: string;
  /** The kind's webhooks: internal/webhook/<version>/ (or internal/webhook/<group>/<version>/). */
  webhookFile: string;
  webhookTestFile: string;
  controllerName: string;
  roleBase: string;
  typesImportFromController: string;
  controllerImportFromMain: string;
}

export function apiLayout(project: Project, r: Pick<ApiRequest, "group" | "version" | "kind">): ApiLayout {
  const fileBase = r.kind.toLowerCase();
  const apiDir = project.multigroup ? `api/${r.group}/${r.version}` : `api/${r.version}`;
  const ctrlDir = project.multigroup ? `internal/controller/${r.group}` : "internal/controller";
  const up = project.multigroup ? "../../.." : "../..";
  return {
    fileBase,
    typesFile: `${apiDir}/${fileBase}.types.ts`,
    groupVersionFile: `${apiDir}/groupversion.ts`,
    controllerFile: `${ctrlDir}/${fileBase}.controller.ts`,
    controllerTestFile: `${ctrlDir}/${fileBase}.controller.test.ts`,
    sampleFile: `config/samples/${r.group}_${r.version}_${fileBase}.yaml`,
    webhookFile: `internal/webhook/${project.multigroup ? `${r.group}/` : ""}${r.version}/${fileBase}.webhook.ts`,
    webhookTestFile: `internal/webhook/${project.multigroup ? `${r.group}/` : ""}${r.version}/${fileBase}.webhook.test.ts`,
    controllerName: project.multigroup ? `${r.group}-${fileBase}` : fileBase,
    roleBase: project.multigroup ? `${r.group}-${fileBase}` : fileBase,
    typesImportFromController: `${up}/${apiDir}/${fileBase}.types.js`,
    controllerImportFromMain: `../${ctrlDir}/${fileBase}.controller.js`,
  };
}
