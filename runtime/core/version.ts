/**
 * Kubernetes API version priority, as kube-apiserver orders versions in discovery: GA before beta before
 * alpha, higher major first, then higher minor (v2 > v1 > v1beta2 > v1beta1 > v1alpha1); versions that are
 * not of the form vN[(alpha|beta)M] come last, in name order.
 */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return [m[2] === undefined ? 3 : m[2] === "beta" ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a.localeCompare(b);
  return pb[0] - pa[0] || pb[1] - pa[1] || pb[2] - pa[2];
}
