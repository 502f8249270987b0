/** Strategic-merge-patch metadata for RBAC kinds: only metadata has merge keys; rules and subjects are replaced. */
import type { PatchMeta } from "../../../apiserver/patch/meta.js";
import { objectMetaPatchMeta } from "../common/podtemplate.js";

export const rbacPatchMeta: PatchMeta = { fields: { metadata: objectMetaPatchMeta } };
