import type { Condition, Duration, Int32, Int64, IntOrString, ObjectMeta, Quantity, Time } from "../../../../../../runtime/api/types.js";
import type { Port, ServiceType } from "./common.js";

/** A container port exposed by the guestbook. */
export interface NamedPort {
  /** The port's name. */
  name: string;
  port: Port;
  // +kubebuilder:default="TCP"
  protocol?: "TCP" | "UDP";
}

/**
 * GuestbookSpec defines the desired state of Guestbook.
 * +kubebuilder:validation:XValidation:rule="self.minReplicas <= self.maxReplicas",message="minReplicas must not exceed maxReplicas",fieldPath=".minReplicas"
 * +kubebuilder:validation:ExactlyOneOf=image;imageRef
 * +kubebuilder:validation:AtMostOneOf=configMap;secret
 * +kubebuilder:validation:AtLeastOneOf=ports;hostPort
 */
export interface GuestbookSpec {
  /**
   * Number of replicas.
   * +kubebuilder:validation:Minimum=0
   * +kubebuilder:validation:Maximum=10
   * +kubebuilder:default=1
   */
  replicas?: Int32;
  /** +kubebuilder:validation:ExclusiveMinimum=true */
  minReplicas: Int32;
  // +kubebuilder:validation:ExclusiveMaximum
  // +kubebuilder:validation:MultipleOf=2
  maxReplicas: Int64;
  /**
   * The image to run.
   * +kubebuilder:validation:MinLength=1
   * +kubebuilder:validation:MaxLength=253
   * +kubebuilder:validation:Pattern=`^[a-z0-9./:-]+$`
   */
  image?: string;
  imageRef?: string;
  configMap?: string;
  secret?: string;
  hostPort?: Port;
  /**
   * Ports to expose.
   * +kubebuilder:validation:MinItems=1
   * +kubebuilder:validation:MaxItems=8
   * +listType=map
   * +listMapKey=name
   */
  ports?: NamedPort[];
  /**
   * +kubebuilder:validation:UniqueItems=false
   * +listType=set
   */
  aliases?: string[];
  /**
   * +kubebuilder:validation:MinProperties=1
   * +kubebuilder:validation:MaxProperties=16
   * +mapType=granular
   */
  labels?: Record<string, string>;
  selector?: { [key: string]: string };
  serviceType?: ServiceType;
  // +kubebuilder:validation:Enum=debug;info;warn
  logLevel?: string;
  // +kubebuilder:validation:Format=email
  owner?: string;
  // +kubebuilder:validation:Type=string
  // +kubebuilder:validation:Format=byte
  blob?: unknown;
  // +kubebuilder:validation:XIntOrString
  // +kubebuilder:validation:Pattern=`^\d+%?$`
  maxSurge?: string;
  maxUnavailable?: IntOrString;
  memory?: Quantity;
  startAfter?: Time;
  timeout?: Duration;
  // +kubebuilder:validation:EmbeddedResource
  // +kubebuilder:pruning:PreserveUnknownFields
  template?: unknown;
  // +kubebuilder:pruning:PreserveUnknownFields
  extra?: Record<string, unknown>;
  /** +nullable */
  note?: string;
  cleared?: string | null;
  /**
   * A field written by everyone.
   * +kubebuilder:validation:XValidation:rule="self.size() <= 3",messageExpression="'too many: ' + string(self.size())",reason=FieldValueForbidden
   */
  tags?: string[];
  // +required
  mode?: "Auto" | "Manual";
  // +optional
  suspend: boolean;
  // +default=30
  // +kubebuilder:validation:Optional
  period: number;
  weights?: Array<Int32>;
  /**
   * Required although optional in TypeScript.
   * +kubebuilder:validation:Required
   */
  contact?: string;
  // +structType=atomic
  endpoint?: { host: string; path?: string };
  /**
   * Any JSON: no schema at all.
   * +kubebuilder:validation:Schemaless
   * +kubebuilder:pruning:PreserveUnknownFields
   */
  raw?: unknown;
  /**
   * +kubebuilder:title=Zone
   * +kubebuilder:example={eu-west-1}
   * +kubebuilder:default={a,b}
   */
  zones?: string[];
}

/** GuestbookStatus defines the observed state of Guestbook. */
export interface GuestbookStatus {
  /** +listType=map
   * +listMapKey=type */
  conditions?: Condition[];
  replicas?: Int32;
  selector?: string;
}

/**
 * Guestbook is the Schema for the guestbooks API.
 * +kubebuilder:object:root=true
 * +kubebuilder:subresource:status
 * +kubebuilder:subresource:scale:specpath=.spec.replicas,statuspath=.status.replicas,selectorpath=.status.selector
 * +kubebuilder:resource:path=guestbooks,shortName=gb;gbk,categories=all;webapp,singular=guestbook,scope=Namespaced
 * +kubebuilder:printcolumn:name="Replicas",type=integer,JSONPath=`.spec.replicas`
 * +kubebuilder:printcolumn:name="Mode",type=string,JSONPath=`.spec.mode`,priority=1,description="How it scales"
 * +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`,format=date-time
 * +kubebuilder:deprecatedversion:warning="webapp.example.com/v1 Guestbook is deprecated; use v2"
 * +kubebuilder:selectablefield:JSONPath=`.spec.mode`
 * +kubebuilder:metadata:annotations="api-approved.kubernetes.io=unapproved";"owner=webapp",labels="tier=frontend"
 */
export interface Guestbook {
  apiVersion: "webapp.example.com/v1";
  kind: "Guestbook";
  metadata?: ObjectMeta;
  spec?: GuestbookSpec;
  status?: GuestbookStatus;
}
