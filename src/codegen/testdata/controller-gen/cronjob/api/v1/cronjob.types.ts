/**
 * The TypeScript twin of controller-tools' pkg/crd/testdata/cronjob_types.go (the CRD oracle in
 * ../../../upstream): the same fields, JSON names, doc comments and markers, written as kubeforge API types.
 * Where Go and TypeScript differ (pointers, omitempty, embedded structs, []byte, Marshalers) the comment says
 * what stands in for what.
 */
import type { Int32, Int64, IntOrString, MicroTime, ObjectMeta, Time } from "../../../../../../../runtime/api/types.js";
import type { Bytes, Int } from "./common.js";
import type { IPFamilyPolicyType, ObjectReference, Protocol } from "./corev1.js";

/**
 * ConcurrencyPolicy describes how the job will be handled.
 * Only one of the following concurrent policies may be specified.
 * If none of the following policies is specified, the default one
 * is AllowConcurrent.
 */
export type ConcurrencyPolicy = "Allow" | "Forbid" | "Replace";

export interface ContainsNestedMap {
  innerMap?: Record<string, string>;
}

// Go: a struct with MarshalJSON and these markers, so controller-gen keeps the markers only.
/**
 * +kubebuilder:validation:Type=object
 * +kubebuilder:pruning:PreserveUnknownFields
 */
export type Preserved = Record<string, unknown>;

export interface NestedObject {
  foo: string;
  bar: boolean;
}

/** +structType=atomic */
export type NestedStructWithSeveralFields = NestedObject;

export type JustNestedObject = NestedObject;

/**
 * +kubebuilder:validation:MinProperties=1
 * +kubebuilder:validation:MaxProperties=2
 */
export interface MinMaxObject {
  foo?: string;
  bar?: string;
  baz?: string;
}

export interface EmpiableObject {
  /** +kubebuilder:default=forty-two */
  foo?: string;
  bar?: string;
}

// Go: the unexported struct embedded inline in CronJobSpec.
export interface UnexportedStruct {
  /** This tests that exported fields are not skipped in the schema generation */
  foo: string;
}

// Go: the exported struct embedded inline in CronJobSpec.
export interface ExportedStruct {
  /** This tests that exported fields are not skipped in the schema generation */
  baz: string;
}

// Go: a struct embedded inline through an alias type.
export interface EmbeddedStruct {
  /** FromEmbedded is a field from the embedded struct that was used through an alias type. */
  fromEmbedded?: string;
}

export interface RootObject {
  nested: NestedObject;
}

export interface AssociativeType {
  name: string;
  secondary: Int;
  foo: string;
}

/**
 * +listType=map
 * +listMapKey=name
 * +listMapKey=secondary
 */
export type NestedAssociativeList = AssociativeType[];

/** +mapType=granular */
export type NestedMapOfInfo = Record<string, Bytes>;

/**
 * +kubebuilder:validation:MinLength=4
 * This tests that markers that are allowed on both fields and types are applied to types
 */
export type LongerString = string;

/**
 * +kubebuilder:validation:Type=string
 * TotallyABool is a bool that serializes as a string.
 */
export type TotallyABool = boolean;

// Go: the `+kubebuilder:validation:items:*` markers of Hosts, as the item type's own markers.
/**
 * +kubebuilder:validation:MinLength=1
 * +kubebuilder:validation:MaxLength=255
 * +kubebuilder:validation:Pattern=^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
 */
export type Host = string;

/**
 * This tests string slice item validation.
 * +kubebuilder:validation:MinItems=1
 * +listType=set
 */
export type Hosts = Host[];

// Go: `+kubebuilder:validation:items:XIntOrString` and friends, as the item type's markers.
/**
 * +kubebuilder:validation:MinLength=1
 * +kubebuilder:validation:MaxLength=10
 * +kubebuilder:validation:Pattern="^((100|[0-9]{1,2})%|[0-9]+)$"
 */
export type PercentOrInt = IntOrString;

export type StringAlias = string;

/**
 * +kubebuilder:validation:MinLength=1
 * +kubebuilder:validation:MaxLength=255
 */
export type StringAliasWithValidation = string;

/**
 * StringEvenType is a type that includes an expression-based validation.
 * +kubebuilder:validation:XValidation:rule="self.size() % 2 == 0",message="must have even length"
 */
export type StringEvenType = string;

// Go: URL wraps url.URL with custom JSON marshalling.
// +kubebuilder:validation:Type=string
export type URL = string;

/**
 * A Duration represents the elapsed time between two instants
 * as an int64 nanosecond count. The representation limits the
 * largest representable duration to approximately 290 years.
 */
export type GoDuration = Int;

/**
 * Duration has a custom Marshaler but no markers.
 * We want the CRD generation to infer type information
 * from the go types and ignore the presense of the Marshaler.
 */
export interface RuntimeDuration {
  value: GoDuration;
}

/**
 * CronJobSpec defines the desired state of CronJob
 * +kubebuilder:validation:XValidation:rule="has(oldSelf.forbiddenInt) || !has(self.forbiddenInt)",message="forbiddenInt is not allowed",fieldPath=".forbiddenInt",reason="FieldValueForbidden"
 */
export interface CronJobSpec extends UnexportedStruct, ExportedStruct, EmbeddedStruct {
  /** The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron. */
  schedule: string;

  /**
   * Optional deadline in seconds for starting the job if it misses scheduled
   * time for any reason.  Missed jobs executions will be counted as failed ones.
   * +optional
   */
  startingDeadlineSeconds?: Int64;

  /**
   * Specifies how to treat concurrent executions of a Job.
   * Valid values are:
   * - "Allow" (default): allows CronJobs to run concurrently;
   * - "Forbid": forbids concurrent runs, skipping next run if previous run hasn't finished yet;
   * - "Replace": cancels currently running job and replaces it with a new one
   * +optional
   */
  concurrencyPolicy?: ConcurrencyPolicy;

  /**
   * This flag tells the controller to suspend subsequent executions, it does
   * not apply to already started executions.  Defaults to false.
   * +optional
   */
  suspend?: boolean;

  /**
   * This flag is like suspend, but for when you really mean it.
   * It helps test the +kubebuilder:validation:Type marker.
   * +optional
   */
  noReallySuspend?: TotallyABool;

  /** This tests byte slice schema generation. */
  binaryName: Bytes;

  /**
   * This tests that nullable works correctly
   * +nullable
   */
  canBeNull: string;

  /**
   * Specifies the job that will be created when executing a CronJob.
   * +kubebuilder:pruning:PreserveUnknownFields
   */
  jobTemplate: Record<string, unknown>;

  /**
   * The number of successful finished jobs to retain.
   * This is a pointer to distinguish between explicit zero and not specified.
   * +optional
   */
  successfulJobsHistoryLimit?: Int32;

  /**
   * The number of failed finished jobs to retain.
   * This is a pointer to distinguish between explicit zero and not specified.
   * +optional
   */
  failedJobsHistoryLimit?: Int32;

  /** This tests byte slices are allowed as map values. */
  byteSliceData?: Record<string, Bytes>;

  /** This tests string slices are allowed as map values. */
  stringSliceData?: Record<string, string[]>;

  /** This tests pointers are allowed as map values. */
  ptrData?: Record<string, string>;

  /**
   * This tests that markers that are allowed on both fields and types are applied to fields
   * +kubebuilder:validation:MinLength=4
   */
  twoOfAKindPart0: string;

  /** This tests that markers that are allowed on both fields and types are applied to types */
  twoOfAKindPart1: LongerString;

  /**
   * This tests that primitive defaulting can be performed.
   * +kubebuilder:default=forty-two
   * +kubebuilder:example=forty-two
   * +kubebuilder:title=DefaultedString
   */
  defaultedString: string;

  /**
   * This tests that slice defaulting can be performed.
   * +kubebuilder:default={a,b}
   * +kubebuilder:example={a,b}
   * +kubebuilder:title=DefaultedSlice
   */
  defaultedSlice: string[];

  /**
   * This tests that slice and object defaulting can be performed.
   * +kubebuilder:default={{nested: {foo: "baz", bar: true}},{nested: {foo: "qux", bar: false}}}
   * +kubebuilder:example={{nested: {foo: "baz", bar: true}},{nested: {foo: "qux", bar: false}}}
   * +kubebuilder:title=124
   */
  defaultedObject: RootObject[];

  /**
   * This tests that empty slice defaulting can be performed.
   * +kubebuilder:default={}
   * +kubebuilder:title={}
   */
  defaultedEmptySlice: string[];

  /**
   * This tests that an empty object defaulting can be performed on a map.
   * +kubebuilder:default={}
   */
  defaultedEmptyMap: Record<string, string>;

  /**
   * This tests that an empty object defaulting can be performed on an object.
   * +kubebuilder:default={}
   */
  defaultedEmptyObject: EmpiableObject;

  /**
   * This tests that kubebuilder defaulting takes precedence.
   * +kubebuilder:default="kubebuilder-default"
   * +default="kubernetes-default"
   */
  doubleDefaultedString: string;

  /**
   * This tests that primitive defaulting can be performed.
   * +default="forty-two"
   */
  kubernetesDefaultedString: string;

  /**
   * This tests that slice defaulting can be performed.
   * +default=["a","b"]
   */
  kubernetesDefaultedSlice: string[];

  /**
   * This tests that slice and object defaulting can be performed.
   * +default=[{"nested": {"foo": "baz", "bar": true}},{"nested": {"foo": "qux", "bar": false}}]
   */
  kubernetesDefaultedObject: RootObject[];

  /**
   * This tests that empty slice defaulting can be performed.
   * +default=[]
   */
  kubernetesDefaultedEmptySlice: string[];

  /**
   * This tests that an empty object defaulting can be performed on a map.
   * +default={}
   */
  kubernetesDefaultedEmptyMap: Record<string, string>;

  /**
   * This tests that an empty object defaulting can be performed on an object.
   * +default={}
   */
  kubernetesDefaultedEmptyObject: EmpiableObject;

  // Go: +default=ref(DefaultRefValue) names a Go constant and adds nothing to the schema
  /** This tests that use of +default=ref(...) doesn't break generation */
  kubernetesDefaultedRef?: string;

  /** This tests that pattern validator is properly applied. */
  // +kubebuilder:validation:Pattern=`^$|^((https):\/\/?)[^\s()<>]+(?:\([\w\d]+\)|([^[:punct:]\s]|\/?))$`
  patternObject: string;

  // Go: runtime.RawExtension (which preserves unknown fields) with these markers
  // +kubebuilder:validation:EmbeddedResource
  // +kubebuilder:pruning:PreserveUnknownFields
  embeddedResource: unknown;

  // +kubebuilder:pruning:PreserveUnknownFields
  unprunedJSON: NestedObject;

  // +kubebuilder:pruning:PreserveUnknownFields
  // +kubebuilder:validation:EmbeddedResource
  unprunedEmbeddedResource: unknown;

  /** This tests that a type-level pruning marker works. */
  unprunedFomType: Preserved;

  /**
   * This tests that a type-level pruning marker combined with a field-level pruning marker works.
   * +kubebuilder:pruning:PreserveUnknownFields
   */
  unprunedFomTypeAndField: Preserved;

  /**
   * This tests that associative lists work.
   * +listType=map
   * +listMapKey=name
   * +listMapKey=secondary
   */
  associativeList: AssociativeType[];

  /** This tests that associative lists work via a nested type. */
  nestedassociativeList: NestedAssociativeList;

  /**
   * A map that allows different actors to manage different fields
   * +mapType=granular
   */
  mapOfInfo: Record<string, Bytes>;

  /** A map that allows different actors to manage different fields via a nested type. */
  nestedMapOfInfo: NestedMapOfInfo;

  /**
   * A struct that can only be entirely replaced
   * +structType=atomic
   */
  structWithSeveralFields: NestedObject;

  /** A struct that can only be entirely replaced via a nested type. */
  nestedStructWithSeveralFields: NestedStructWithSeveralFields;

  /**
   * A struct that can only be entirely replaced via a nested type and
   * field markers.
   * +structType=atomic
   */
  nestedStructWithSeveralFieldsDoubleMarked: NestedStructWithSeveralFields;

  /** This tests that type references are properly flattened */
  justNestedObject?: JustNestedObject;

  /**
   * This tests explicitly optional kubebuilder fields
   * +kubebuilder:validation:Optional
   */
  explicitlyOptionalKubebuilder: string;

  /**
   * This tests explicitly optional kubernetes fields
   * +optional
   */
  explicitlyOptionalKubernetes: string;

  /**
   * This tests explicitly required kubebuilder fields
   * +kubebuilder:validation:Required
   */
  explicitlyRequiredKubebuilder?: string;

  /**
   * This tests explicitly required kubernetes fields
   * +required
   */
  explicitlyRequiredKubernetes?: string;

  /** This tests that min/max properties work */
  minMaxProperties?: MinMaxObject;

  /**
   * This tests that the schemaless marker works
   * +kubebuilder:validation:Schemaless
   * +kubebuilder:pruning:PreserveUnknownFields
   */
  schemaless?: string;

  /**
   * This tests that an IntOrString can also have string validation.
   * This can be useful if you want to limit the string to a percentage or integer.
   * The XIntOrString marker is a requirement for having a pattern on this type.
   * +kubebuilder:validation:XIntOrString
   * +kubebuilder:validation:MinLength=2
   * +kubebuilder:validation:MaxLength=11
   * +kubebuilder:validation:Pattern="^((100|[0-9]{1,2})%|[0-9]+)$"
   */
  intOrStringWithAPattern?: IntOrString;

  /** Checks that nested maps work */
  nestedMap?: Record<string, Record<string, string>>;

  /** Checks that multiply-nested maps work */
  nestedNestedMap?: Record<string, Record<string, Record<string, string>>>;

  /** Checks that maps containing types that contain maps work */
  nestedMapInStruct?: Record<string, ContainsNestedMap>;

  /** Maps of arrays of things-that-aren’t-strings are permitted */
  mapOfArraysOfFloats?: Record<string, boolean[]>;

  /**
   * +kubebuilder:validation:Minimum=-0.5
   * +kubebuilder:validation:Maximum=1.5
   * +kubebuilder:validation:MultipleOf=0.5
   */
  floatWithValidations: number;

  /**
   * +kubebuilder:validation:Minimum=-0.5
   * +kubebuilder:validation:Maximum=1.5
   * +kubebuilder:validation:MultipleOf=0.5
   */
  float64WithValidations: number;

  /**
   * +kubebuilder:validation:Minimum=-2
   * +kubebuilder:validation:Maximum=2
   * +kubebuilder:validation:MultipleOf=2
   */
  intWithValidations: Int;

  /**
   * +kubebuilder:validation:Minimum=-2
   * +kubebuilder:validation:Maximum=2
   * +kubebuilder:validation:MultipleOf=2
   */
  int32WithValidations: Int32;

  /**
   * Test of the expression-based validation rule marker, with optional message.
   * +kubebuilder:validation:XValidation:rule="self.size() % 2 == 0",message="must have even length"
   * +kubebuilder:validation:XValidation:rule="true"
   */
  stringWithEvenLength?: string;

  /**
   * Test of the expression-based validation with messageExpression marker.
   * +kubebuilder:validation:XValidation:rule="self.size() % 2 == 0",messageExpression="'Length has to be even but is ' + len(self.stringWithEvenLengthAndMessageExpression) + ' instead'"
   */
  stringWithEvenLengthAndMessageExpression?: string;

  /**
   * Test of the expression-based validation on both field and type.
   * +kubebuilder:validation:XValidation:rule="self.startsWith('good-')",message="must have good prefix"
   */
  stringWithEvenLengthAndGoodPrefix?: StringEvenType;

  /**
   * Test that we can add a forbidden field using XValidation Reason and FieldPath.
   * The validation is applied to the spec struct itself and not the field.
   */
  forbiddenInt?: Int;

  /**
   * Test that we can add a field that can only be set to a non-default value on updates using XValidation OptionalOldSelf.
   * +kubebuilder:validation:XValidation:rule="oldSelf.hasValue() || self == 0",message="must be set to 0 on creation. can be set to any value on an update.",optionalOldSelf=true
   */
  onlyAllowSettingOnUpdate?: Int;

  /** Checks that fixed-length arrays work */
  array?: Int[];

  /** Checks that arrays work when the type contains a composite literal */
  arrayUsingCompositeLiteral?: string[];

  /**
   * This tests string slice item validation.
   * +kubebuilder:validation:MinItems=1
   * +listType=set
   */
  hosts?: Host[];

  hostsAlias?: Hosts;

  /**
   * This tests string slice validation.
   * +kubebuilder:validation:MinItems=2
   * +kubebuilder:validation:MaxItems=2
   */
  stringPair: string[];

  /**
   * This tests string alias slice item validation.
   * +kubebuilder:validation:MinItems=3
   */
  longerStringArray?: LongerString[];

  /**
   * This tests that a slice of IntOrString can also have string validation.
   * This can be useful if you want to limit the string to a percentage or integer.
   * The XIntOrString marker is a requirement for having a pattern on this type.
   */
  intOrStringArrayWithAPattern?: PercentOrInt[];

  /**
   * This tests that alias imported from a package is handled correctly. The
   * corev1.IPFamilyPolicyType is just reused since it's available from
   * imported package. We can create our own in a separate package if needed.
   */
  aliasFromPackage?: IPFamilyPolicyType;

  /** This tests slice item validation with enum */
  enumSlice?: (0 | 1 | 3)[];

  /** This tests that string alias is handled correctly. */
  stringAlias?: StringAlias;

  /**
   * This tests that validation on a string alias type is handled correctly.
   * +kubebuilder:validation:MinLength=1
   * +kubebuilder:validation:MaxLength=255
   */
  stringAliasAddedValidation?: StringAlias;

  /** This tests that validation on a the string alias type itself is handled correctly. */
  stringAliasAlreadyValidated?: StringAliasWithValidation;

  stringAliasPtr?: StringAlias;

  /**
   * This tests that we can embed protocol correctly (without ending up with allOf).
   * Context: https://github.com/kubernetes-sigs/controller-tools/issues/1027
   * Defaults to "TCP".
   * +kubebuilder:default=TCP
   */
  protocol?: Protocol;

  /** This tests that selectable field. */
  selectableFieldString?: string;
}

/** CronJobStatus defines the observed state of CronJob */
export interface CronJobStatus {
  /**
   * A list of pointers to currently running jobs.
   * +optional
   */
  active?: ObjectReference[];

  /**
   * Information when was the last time the job was successfully scheduled.
   * +optional
   */
  lastScheduleTime?: Time;

  /**
   * Information when was the last time the job was successfully scheduled.
   * +kubebuilder:validation:Type=integer
   * +kubebuilder:validation:Format=int64
   * +optional
   */
  lastScheduleTime2?: Time;

  /**
   * Information about the last time the job was successfully scheduled,
   * with microsecond precision.
   * +optional
   */
  lastScheduleMicroTime?: MicroTime;

  /**
   * LastActiveLogURL specifies the logging url for the last started job
   * +optional
   */
  lastActiveLogURL?: URL;

  /**
   * LastActiveLogURL2 specifies the logging url for the last started job
   * +optional
   */
  lastActiveLogURL2?: URL;

  /**
   * LastActiveLogURL3 specifies the logging url for the last started job
   * +optional
   */
  lastActiveLogURL3?: URL;

  /**
   * LastActiveLogURL4 specifies the logging url for the last started job
   * +optional
   */
  lastActiveLogURL4?: URL;

  duration?: RuntimeDuration;
}

/**
 * CronJob is the Schema for the cronjobs API
 * +kubebuilder:object:root=true
 * +kubebuilder:subresource:status
 * +kubebuilder:resource:singular=mycronjob
 * +kubebuilder:storageversion
 * +kubebuilder:metadata:annotations="api-approved.kubernetes.io=https://github.com/kubernetes-sigs/controller-tools";"cert-manager.io/inject-ca-from-secret=cert-manager/cert-manager-webhook-ca"
 * +kubebuilder:selectablefield:JSONPath=`.spec.selectableFieldString`
 */
export interface CronJob {
  apiVersion: "testdata.kubebuilder.io/v1";
  kind: "CronJob";
  metadata?: ObjectMeta;
  spec?: CronJobSpec;
  status?: CronJobStatus;
}
