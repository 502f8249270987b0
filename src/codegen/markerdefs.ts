/**
 * The markers the generator understands: controller-gen's names, argument names and meaning
 * (sigs.k8s.io/controller-tools pkg/crd/markers, pkg/rbac, pkg/webhook).
 */

/** How an argument's text is read: `strings` is `a;b;c` (or `{a,b}`), `any` a JSON-ish value. */
export type ArgType = "string" | "int" | "number" | "bool" | "strings" | "any" | "json";

/** Where a marker may stand: above a property, above a type declaration, or anywhere in a file. */
export type MarkerTarget = "field" | "type" | "package";

export interface ArgDef {
  type: ArgType;
  optional?: boolean;
}

export interface MarkerDef {
  name: string;
  targets: readonly MarkerTarget[];
  /** The type of `+name=value`; absent for flags and markers with named arguments. */
  value?: ArgType;
  /** `+name` alone is accepted for a boolean value (meaning true). */
  bareIsTrue?: boolean;
  /** Named arguments `+name:key=value,key=value`. */
  args?: Readonly<Record<string, ArgDef>>;
  /** The expected form, quoted in error messages. */
  form: string;
}

const FT: readonly MarkerTarget[] = ["field", "type"];
const F: readonly MarkerTarget[] = ["field"];
const T: readonly MarkerTarget[] = ["type"];
const P: readonly MarkerTarget[] = ["package"];

const v = (name: string, value: ArgType, form: string, targets = FT): MarkerDef => ({ name: `kubebuilder:validation:${name}`, targets, value, form: `+kubebuilder:validation:${name}=${form}` });
const flag = (name: string, targets: readonly MarkerTarget[]): MarkerDef => ({ name, targets, form: `+${name}` });
const oneOf = (name: string): MarkerDef => ({ name: `kubebuilder:validation:${name}`, targets: T, value: "strings", form: `+kubebuilder:validation:${name}=field1;field2` });

const defs: MarkerDef[] = [
  v("Minimum", "number", "<number>"),
  v("Maximum", "number", "<number>"),
  { ...v("ExclusiveMinimum", "bool", "<true|false>"), bareIsTrue: true },
  { ...v("ExclusiveMaximum", "bool", "<true|false>"), bareIsTrue: true },
  v("MultipleOf", "number", "<number>"),
  v("MinLength", "int", "<integer>"),
  v("MaxLength", "int", "<integer>"),
  v("Pattern", "string", "<regular expression>"),
  v("MinItems", "int", "<integer>"),
  v("MaxItems", "int", "<integer>"),
  { ...v("UniqueItems", "bool", "<true|false>"), bareIsTrue: true },
  v("MinProperties", "int", "<integer>"),
  v("MaxProperties", "int", "<integer>"),
  v("Enum", "strings", "a;b;c"),
  v("Format", "string", "<format>"),
  v("Type", "string", "<string|number|integer|boolean|object|array>"),
  flag("kubebuilder:validation:XIntOrString", FT),
  flag("kubebuilder:validation:Schemaless", F),
  { name: "kubebuilder:title", targets: FT, value: "string", form: "+kubebuilder:title=<text>" },
  flag("kubebuilder:validation:EmbeddedResource", FT),
  {
    name: "kubebuilder:validation:XValidation",
    targets: FT,
    args: { rule: { type: "string" }, message: { type: "string", optional: true }, messageExpression: { type: "string", optional: true }, reason: { type: "string", optional: true }, fieldPath: { type: "string", optional: true }, optionalOldSelf: { type: "bool", optional: true } },
    form: '+kubebuilder:validation:XValidation:rule="<CEL>",message="<text>"[,messageExpression=...,reason=...,fieldPath=...]',
  },
  oneOf("ExactlyOneOf"),
  oneOf("AtMostOneOf"),
  oneOf("AtLeastOneOf"),
  flag("kubebuilder:validation:Optional", F),
  flag("kubebuilder:validation:Required", F),
  flag("optional", F),
  flag("required", F),
  flag("nullable", F),
  { name: "kubebuilder:default", targets: FT, value: "any", form: "+kubebuilder:default=<value>" },
  { name: "default", targets: FT, value: "json", form: "+default=<JSON value>" },
  { name: "kubebuilder:example", targets: FT, value: "any", form: "+kubebuilder:example=<value>" },
  { name: "listType", targets: FT, value: "string", form: "+listType=<atomic|set|map>" },
  { name: "listMapKey", targets: FT, value: "string", form: "+listMapKey=<field name>" },
  { name: "mapType", targets: FT, value: "string", form: "+mapType=<atomic|granular>" },
  { name: "structType", targets: FT, value: "string", form: "+structType=<atomic|granular>" },
  flag("kubebuilder:pruning:PreserveUnknownFields", FT),
  { name: "kubebuilder:object:root", targets: T, value: "bool", bareIsTrue: true, form: "+kubebuilder:object:root=true" },
  { name: "kubebuilder:object:generate", targets: ["type", "package"], value: "bool", bareIsTrue: true, form: "+kubebuilder:object:generate=<true|false>" },
  flag("kubebuilder:subresource:status", T),
  {
    name: "kubebuilder:subresource:scale",
    targets: T,
    args: { specpath: { type: "string" }, statuspath: { type: "string" }, selectorpath: { type: "string", optional: true } },
    form: "+kubebuilder:subresource:scale:specpath=.spec.replicas,statuspath=.status.replicas[,selectorpath=.status.selector]",
  },
  {
    name: "kubebuilder:printcolumn",
    targets: T,
    args: { name: { type: "string" }, type: { type: "string" }, JSONPath: { type: "string" }, priority: { type: "int", optional: true }, format: { type: "string", optional: true }, description: { type: "string", optional: true } },
    form: '+kubebuilder:printcolumn:name="<name>",type=<string|integer|number|boolean|date>,JSONPath=<.path>[,priority=N,format=...,description=...]',
  },
  {
    name: "kubebuilder:resource",
    targets: T,
    args: { path: { type: "string", optional: true }, shortName: { type: "strings", optional: true }, categories: { type: "strings", optional: true }, singular: { type: "string", optional: true }, scope: { type: "string", optional: true } },
    form: "+kubebuilder:resource:path=<plural>,shortName=a;b,categories=x;y,singular=<singular>,scope=<Namespaced|Cluster>",
  },
  flag("kubebuilder:storageversion", T),
  flag("kubebuilder:unservedversion", T),
  { name: "kubebuilder:deprecatedversion", targets: T, args: { warning: { type: "string", optional: true } }, form: '+kubebuilder:deprecatedversion[:warning="<text>"]' },
  { name: "kubebuilder:skipversion", targets: T, form: "+kubebuilder:skipversion" },
  { name: "kubebuilder:selectablefield", targets: T, args: { JSONPath: { type: "string" } }, form: "+kubebuilder:selectablefield:JSONPath=<.path>" },
  {
    name: "kubebuilder:metadata",
    targets: T,
    args: { annotations: { type: "strings", optional: true }, labels: { type: "strings", optional: true } },
    form: '+kubebuilder:metadata:annotations="key=value";"k2=v2",labels="key=value"',
  },
  { name: "groupName", targets: P, value: "string", form: "+groupName=<group>" },
  { name: "versionName", targets: P, value: "string", form: "+versionName=<version>" },
  {
    name: "kubebuilder:rbac",
    targets: P,
    args: { groups: { type: "strings", optional: true }, resources: { type: "strings", optional: true }, resourceNames: { type: "strings", optional: true }, verbs: { type: "strings" }, urls: { type: "strings", optional: true }, namespace: { type: "string", optional: true }, roleName: { type: "string", optional: true } },
    form: "+kubebuilder:rbac:groups=<group;...>,resources=<resource;...>,verbs=<verb;...>[,resourceNames=...,urls=...,namespace=...]",
  },
  {
    name: "kubebuilder:webhook",
    targets: P,
    args: {
      path: { type: "string" },
      mutating: { type: "bool" },
      failurePolicy: { type: "string" },
      sideEffects: { type: "string", optional: true },
      groups: { type: "strings" },
      resources: { type: "strings" },
      verbs: { type: "strings" },
      versions: { type: "strings" },
      name: { type: "string" },
      admissionReviewVersions: { type: "strings" },
      matchPolicy: { type: "string", optional: true },
      reinvocationPolicy: { type: "string", optional: true },
      timeoutSeconds: { type: "int", optional: true },
      webhookVersions: { type: "strings", optional: true },
      url: { type: "string", optional: true },
    },
    form: "+kubebuilder:webhook:path=/validate-...,mutating=<true|false>,failurePolicy=<fail|ignore>,sideEffects=None,groups=<group>,resources=<plural>,verbs=create;update,versions=<version>,name=<name.domain>,admissionReviewVersions=v1",
  },
];

/** Known markers by name. */
export const markerDefs: ReadonlyMap<string, MarkerDef> = new Map(defs.map((d) => [d.name, d]));

/** Names by length, longest first, to match `+kubebuilder:validation:XValidation:rule=...` to its definition. */
export const markerNamesLongestFirst: readonly string[] = [...markerDefs.keys()].sort((a, b) => b.length - a.length);
