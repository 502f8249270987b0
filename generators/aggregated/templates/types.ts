/**
 * <%= kind %> API types: group <%= fullGroup %>, version <%= version %>, served by this project's aggregated API
 * server (src/apiserver/main.ts) behind the APIService <%= apiServiceName %>, not by a CRD.
 *
 * Edit the spec and status below, then run "npm run manifests": the markers in comments (+kubebuilder:...) are
 * compiled into <%= generatedFile %> — the OpenAPI schema (kubectl explain), defaults, validation and printer
 * columns the server applies — with controller-gen's names and meaning. Rules the markers cannot express go in
 * validate<%= kind %>() in <%= registryFile %>.
 */
import type { KubeObject } from "kubeforge";
import type { Condition, ObjectMeta } from "kubeforge/api";

/** <%= kind %>Spec defines the desired state of <%= kind %>. */
export interface <%= kind %>Spec {
  /**
   * foo is an example field of <%= kind %>. Edit <%= typesFile %> to remove or update it.
   * +kubebuilder:validation:MaxLength=64
   * +optional
   */
  foo?: string;
}

/** <%= kind %>Status defines the observed state of <%= kind %>. */
export interface <%= kind %>Status {
  /**
   * conditions represent the current state of the <%= kind %>.
   * +listType=map
   * +listMapKey=type
   * +optional
   */
  conditions?: Condition[];
}

/**
 * <%= kind %> is the Schema for the <%= plural %> API.
 * +kubebuilder:object:root=true
 * +kubebuilder:subresource:status
<% if (!namespaced || customPlural) { -%>
 * +kubebuilder:resource:<%= [customPlural && `path=${plural}`, !namespaced && "scope=Cluster"].filter(Boolean).join(",") %>
<% } -%>
 */
export interface <%= kind %> extends KubeObject {
  apiVersion: "<%= fullGroup %>/<%= version %>";
  kind: "<%= kind %>";
  metadata: ObjectMeta;
  /** spec defines the desired state of <%= kind %>. */
  spec?: <%= kind %>Spec;
  /** status defines the observed state of <%= kind %>. */
  status?: <%= kind %>Status;
}

/** The apiVersion and kind of <%= kind %>, for clients and controllers. */
export const <%= lowerKind %>Type = { apiVersion: "<%= fullGroup %>/<%= version %>", kind: "<%= kind %>" } as const;
