/**
 * Validates Kubernetes objects against the API schema shipped by `kubernetes-models`
 * (OpenAPI of the Kubernetes release it tracks). Test-only: the package is ES-module-only,
 * which test/resolver.js and test/transform.js make loadable under jest.
 */

/** The shape every Kubernetes object has, whatever produced it. */
export interface KubernetesObjectLike {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** `apps/v1` → `kubernetes-models/apps/v1`; core `v1` → `kubernetes-models/v1`. */
function modelsFor(apiVersion: string): Record<string, ModelClass> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(`kubernetes-models/${apiVersion}`) as Record<string, ModelClass>;
}

/** The schema problems of one object, or [] when it is valid. Unknown kinds are a problem too. */
export function kubernetesSchemaProblems(object: KubernetesObjectLike): string[] {
  const where = `${object.apiVersion} ${object.kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? '?'}`;
  let models: Record<string, ModelClass>;
  try {
    models = modelsFor(object.apiVersion);
  } catch {
    return [`${where}: apiVersion ${object.apiVersion} is not a Kubernetes API group/version known to kubernetes-models`];
  }
  const Model = models[object.kind];
  if (!Model) return [`${where}: kind ${object.kind} does not exist in ${object.apiVersion}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}

/** Every schema problem of `objects`, one line each. */
export function kubernetesSchemaReport(objects: readonly KubernetesObjectLike[]): string[] {
  return objects.flatMap(kubernetesSchemaProblems);
}
