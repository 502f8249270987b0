/**
 * kubectl columns of APIServices as kube-aggregator prints them (pkg/registry/apiservice/etcd): NAME, SERVICE
 * ("Local" or namespace/name), AVAILABLE ("True", or the status with the reason: "False (MissingEndpoints)";
 * "Unknown" before any check) and AGE.
 */
import type { TableConvertor } from "../../../apiserver/resource.js";
import { isPlainObject } from "../../../core/object.js";
import { age, ageColumn, col, nameColumn } from "../common/printers.js";
import { asAPIService, getCondition } from "./types.js";

export const apiServiceTable: TableConvertor = {
  columns: [nameColumn, col("Service", "The reference to the service that hosts this API endpoint."), col("Available", "Whether this service is available."), ageColumn],
  cells: (obj, now) => {
    const svc = asAPIService(obj);
    const ref = svc.spec?.service;
    const service = isPlainObject(ref) ? `${String(ref.namespace ?? "")}/${String(ref.name ?? "")}` : "Local";
    const cond = getCondition(svc, "Available");
    let available = "Unknown";
    if (cond) available = cond.status === "True" ? cond.status : cond.reason ? `${cond.status} (${cond.reason})` : cond.status;
    return [obj.metadata.name ?? "", service, available, age(obj, now)];
  },
};
