/**
 * Kubernetes objects in and out of stack JSON the way the apps stacks write them: each object as
 * the typed resource of its kind (synthesis/kubernetes-typed.ts), read back as API objects.
 */
import { ApiObject, apiObjectOf, isTypedKubernetesType, typedArguments } from '../../synthesis/kubernetes-typed';

/** Every Kubernetes object a stack JSON applies, as API objects, in file order. */
export function appliedObjects(json: { resource?: Record<string, Record<string, unknown>> } | undefined): Array<Record<string, any>> {
  return Object.entries(json?.resource ?? {})
    .filter(([type]) => isTypedKubernetesType(type))
    .flatMap(([type, byName]) => Object.values(byName).map((body) => apiObjectOf(type, body as Record<string, unknown>)));
}

/** The `resource` block applying `objects`, keyed `object-<i>`, as an apps stack would write them. */
export function typedResources(objects: readonly unknown[]): Record<string, Record<string, Record<string, unknown>>> {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  objects.forEach((object, i) => {
    const { resourceType, arguments: args } = typedArguments(object as ApiObject);
    (resource[resourceType] ??= {})[`object-${i}`] = args;
  });
  return resource;
}

/** The Kubernetes resource types a stack JSON uses. */
export function kubernetesTypes(json: { resource?: Record<string, unknown> }): string[] {
  return Object.keys(json.resource ?? {}).filter((type) => type.startsWith('kubernetes_'));
}

/** The `resource` block applying each object under its own name (`{ deployment: {...} }` → `kubernetes_deployment_v1.deployment`). */
export function typedResourcesNamed(objects: Readonly<Record<string, unknown>>): Record<string, Record<string, Record<string, unknown>>> {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [name, object] of Object.entries(objects)) {
    const { resourceType, arguments: args } = typedArguments(object as ApiObject);
    (resource[resourceType] ??= {})[name] = args;
  }
  return resource;
}
