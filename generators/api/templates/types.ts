/**
 * <%= kind %> API types: group <%= fullGroup %>, version <%= version %>.
 *
 * Edit the spec and status below, then run "npm run manifests" to regenerate the CRD in config/crd/bases.
 * Markers in comments (+kubebuilder:...) carry validation, defaults and printing into the CRD, with
 * controller-gen's names and meaning.
 */
import type { KubeObject } from "kubeforge";
import type { Condition, ObjectMeta } from "kubeforge/api";

/** <%= kind %>Spec defines the desired state of <%= kind %>. */
export interface <%= kind %>Spec {
  /**
   * foo is an example field of <%= kind %>. Edit <%= typesFile %> to remove or update it.
   * +optional
   */
  foo?: string;
}

/** <%= kind %>Status defines the observed state of <%= kind %>. */
export interface <%= kind %>Status {
  /**
   * conditions represent the current state of the <%= kind %>: "Ready" tells whether the last reconcile succeeded.
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
