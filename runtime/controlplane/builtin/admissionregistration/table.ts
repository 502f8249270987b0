/** kubectl columns of webhook configurations (printMutatingWebhook / printValidatingWebhook): NAME, WEBHOOKS, AGE. */
import type { TableConvertor } from "../../../apiserver/resource.js";
import { age, ageColumn, nameColumn } from "../common/printers.js";
import { asWebhookConfiguration } from "./types.js";

export const webhookConfigurationTable: TableConvertor = {
  columns: [nameColumn, { name: "Webhooks", type: "integer", description: "Webhooks indicates the number of webhooks in this configuration.", priority: 0 }, ageColumn],
  cells: (obj, now) => {
    const hooks = asWebhookConfiguration(obj).webhooks;
    return [obj.metadata.name ?? "", Array.isArray(hooks) ? hooks.length : 0, age(obj, now)];
  },
};
