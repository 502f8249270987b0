/** The 409 an apply answers when it would change fields other managers own (upstream's NewConflictError wording). */
import { StatusError } from "../../core/errors.js";
import type { StatusCause } from "../../core/status.js";
import { pathString, type Path } from "./fieldset.js";
import type { ManagerEntry } from "./managers.js";

export interface Conflict {
  manager: ManagerEntry;
  path: Path;
}

/** How upstream names a manager in conflicts: `"name"`, with `with subresource "status"`, and `using <apiVersion>` for Update managers. */
export function describeManager(m: ManagerEntry): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === "Update") s += ` using ${m.apiVersion}`;
  return s;
}

export function conflictError(conflicts: readonly Conflict[]): StatusError {
  const sorted = [...conflicts].sort((a, b) => {
    const ma = describeManager(a.manager);
    const mb = describeManager(b.manager);
    return ma < mb ? -1 : ma > mb ? 1 : 0;
  });
  const causes: StatusCause[] = sorted.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${describeManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  const first = sorted[0];
  if (sorted.length === 1 && first) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(first.manager)}: ${pathString(first.path)}`;
  } else {
    const lines: string[] = [];
    let current = "";
    for (const c of sorted) {
      const m = describeManager(c.manager);
      if (m !== current) {
        lines.push(`conflicts with ${m}:`);
        current = m;
      }
      lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join("\n")}`;
  }
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Conflict", details: { causes }, code: 409 });
}
