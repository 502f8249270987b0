/**
 * Go's built-in types without a kubeforge alias, declared the TypeScript way: a type alias with a marker.
 * (controller-gen maps Go `int` to `type: integer` without a format, `[]byte` to a base64 string.)
 */

/** +kubebuilder:validation:Type=integer */
export type Int = number;

/** +kubebuilder:validation:Format=byte */
export type Bytes = string;
