/** Webhooks of <%= kind %> (<%= fullGroup %>/<%= version %>): <%= [defaulting && "defaulting", validation && "validation", conversion && "conversion"].filter(Boolean).join(", ") %>. */
import type { Manager } from "kubeforge";
import { webhookManagedBy<% if (defaulting) { %>, type Defaulter<% } %><% if (validation) { %>, type Validator<% } %><% if (conversion) { %>, type Converter<% } %> } from "kubeforge/webhook";
import { <%= lowerKind %>Type, type <%= kind %> } from "<%= typesImport %>";
<% if (defaulting) { -%>

// +kubebuilder:webhook:path=<%= mutatePath %>,mutating=true,failurePolicy=fail,sideEffects=None,groups=<%= fullGroup %>,resources=<%= plural %>,verbs=create;update,versions=<%= version %>,name=m<%= lowerKindFlat %>-<%= version %>.kb.io,admissionReviewVersions=v1

/** Sets defaults on <%= kind %> objects when they are created or updated. */
export const <%= lowerKind %>Defaulter: Defaulter<<%= kind %>> = {
  default(obj) {
    // TODO(user): set your defaults here.
    obj.spec ??= {};
    obj.spec.foo ??= "default";
  },
};
<% } -%>
<% if (validation) { -%>

// +kubebuilder:webhook:path=<%= validatePath %>,mutating=false,failurePolicy=fail,sideEffects=None,groups=<%= fullGroup %>,resources=<%= plural %>,verbs=create;update,versions=<%= version %>,name=v<%= lowerKindFlat %>-<%= version %>.kb.io,admissionReviewVersions=v1

/** Checks <%= kind %> objects beyond what the CRD schema can express; throw to reject, return warnings to warn. */
export const <%= lowerKind %>Validator: Validator<<%= kind %>> = {
  validateCreate(obj) {
    return validate<%= kind %>(obj);
  },
  validateUpdate(_old, obj) {
    return validate<%= kind %>(obj);
  },
  validateDelete() {
    return [];
  },
};

function validate<%= kind %>(obj: <%= kind %>): string[] {
  // TODO(user): your rules here.
  if (obj.spec?.foo === "forbidden") throw new Error(`spec.foo: "forbidden" is not allowed`);
  return [];
}
<% } -%>
<% if (conversion) { -%>

/**
 * Converts <%= kind %> between <%= version %> (the hub) and <%= spokes.join(", ") %>. The API server calls it through
 * the CRD's conversion webhook (/convert).
 */
export const <%= lowerKind %>Converter: Converter = (obj, desiredAPIVersion) => {
  // TODO(user): map the fields that differ between versions.
  return { ...obj, apiVersion: desiredAPIVersion };
};
<% } -%>

/** Registers the webhooks with the manager's webhook server (called from src/main.ts). */
export function setup<%= kind %>Webhook(mgr: Manager): void {
  webhookManagedBy<<%= kind %>>(mgr)
    .for(<%= lowerKind %>Type)
<% if (defaulting) { -%>
    .withDefaulter(<%= lowerKind %>Defaulter)
<% } -%>
<% if (validation) { -%>
    .withValidator(<%= lowerKind %>Validator)
<% } -%>
<% if (conversion) { -%>
    .withConverter(<%= lowerKind %>Converter)
<% } -%>
    .complete();
}
