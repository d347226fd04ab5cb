/**
 * The providers the stand-in can impersonate, and what each one does that the schema alone does
 * not say: how its nested objects are declared, which resource types it cannot plan without a live
 * remote API (planning those is refused, never faked), and the binding package its schema is read from.
 */

/** One impersonated provider. */
export interface StandinProviderSpec {
  /** Local name in `required_providers` and in resource type prefixes. */
  readonly name: string;
  /** The cdktf binding package whose `.jsii` manifest describes the provider. */
  readonly bindingPackage: string;
  /** See DeriveOptions.objectsAreAttributes. */
  readonly objectsAreAttributes: boolean;
  /** Resource types the real provider can only plan against its live API: planning one is an error saying why. */
  readonly needsLiveApi: { readonly [resourceType: string]: string };
}

export const CLOUDFLARE: StandinProviderSpec = {
  name: 'cloudflare',
  bindingPackage: '@cdktf/provider-cloudflare',
  objectsAreAttributes: true,
  needsLiveApi: {},
};

export const KUBERNETES: StandinProviderSpec = {
  name: 'kubernetes',
  bindingPackage: '@cdktf/provider-kubernetes',
  objectsAreAttributes: false,
  needsLiveApi: {
    kubernetes_manifest:
      'the real kubernetes provider reads the OpenAPI schema of a live Kubernetes API server to plan a kubernetes_manifest, ' +
      'so it cannot be planned before its cluster exists or from outside a private endpoint; the stand-in has no API server and ' +
      'refuses rather than pretend. Use the typed kubernetes_* resources (e.g. kubernetes_deployment_v1), which plan without the API.',
  },
};

/** Every provider the stand-in serves, by local name. */
export const STANDIN_PROVIDERS: { readonly [name: string]: StandinProviderSpec } = { cloudflare: CLOUDFLARE, kubernetes: KUBERNETES };
