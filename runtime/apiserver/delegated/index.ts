/**
 * Delegated authentication and authorization for extension API servers (k8s.io/apiserver's delegating
 * authenticator and authorizer): front-proxy headers from a verified request-header client certificate,
 * client certificates, TokenReview for bearer tokens, anonymous fall-back, SubjectAccessReview for decisions,
 * and the kube-system/extension-apiserver-authentication ConfigMap as the default configuration.
 *
 *   const authn = new DelegatingAuthenticator({ kubeConfig });
 *   const authz = new DelegatingAuthorizer({ kubeConfig });
 *   await Promise.all([authn.start(), authz.start()]);
 *   const server = new APIServer({ storage, authenticate: (r) => authn.authenticate(r), authorize: authz.authorizeRequest });
 */
export { DelegatingAuthenticator } from "./authentication.js";
export type { DelegatingAuthenticationOptions, RequestHeaderOptions } from "./authentication.js";
export { DelegatingAuthorizer, defaultAlwaysAllowGroups, defaultAlwaysAllowPaths } from "./authorization.js";
export type { DelegatingAuthorizationOptions } from "./authorization.js";
export {
  anonymousAuthenticator,
  authenticatedGroupAdder,
  unionAuthenticator,
  withFallback,
  userOrUnauthorized,
  anonymousUser,
  allAuthenticated,
  allUnauthenticated,
} from "./authenticator.js";
export type { AuthenticationResult, RequestAuthenticator, AnonymousOptions } from "./authenticator.js";
export { pathAuthorizer, privilegedGroupsAuthorizer, unionAuthorizer, toAuthorize } from "./authorizer.js";
export type { Authorizer, AuthorizerResult, Decision } from "./authorizer.js";
export { requestHeaderAuthenticator, clearAuthenticationHeaders } from "./requestheader.js";
export type { RequestHeaderConfig, RequestHeaderConfigProvider } from "./requestheader.js";
export { clientCertificateAuthenticator } from "./clientcert.js";
export type { CABundleProvider } from "./clientcert.js";
export { bearerTokenAuthenticator, webSocketProtocolAuthenticator } from "./bearertoken.js";
export type { TokenAuthenticator } from "./bearertoken.js";
export { tokenReviewAuthenticator, cachedTokenAuthenticator } from "./tokenreview.js";
export type { TokenCacheOptions } from "./tokenreview.js";
export { subjectAccessReviewAuthorizer, subjectAccessReviewSpec } from "./subjectaccessreview.js";
export type { SubjectAccessReviewOptions } from "./subjectaccessreview.js";
export { KubeReviewClient, defaultRetryBackoff } from "./review.js";
export type { ReviewClient, RetryBackoff, KubeReviewClientOptions } from "./review.js";
export { AuthenticationConfigMap, authenticationConfigMapName, authenticationConfigMapNamespace, authenticationReaderRole, configMapKeys } from "./configmap.js";
export type { AuthenticationConfigMapOptions } from "./configmap.js";
export { CABundle, CertificateVerificationError, verifyClientCertificate } from "./x509.js";
export type { PeerCertificates } from "./x509.js";
