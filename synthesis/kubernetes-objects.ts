/**
 * The Kubernetes objects an apps stack applies, read back from its synthesized JSON as API
 * objects (`apiVersion`, `kind`, `metadata`, `spec` in the API's own field names). The apps stacks
 * apply each object as the kubernetes provider's typed resource for its kind
 * (`kubernetes_deployment_v1`, …); this reads those resources back with the same table the
 * converter wrote them with (kubernetes-typed.ts), so a reader sees exactly the object the tests
 * validated. Every reader of Kubernetes objects in a synthesis (rules, readiness, graph, review)
 * goes through here.
 */
import { apiObjectOf, typedKinds } from './kubernetes-typed';
import { record } from './values';
import { ResourceView, StackView } from './stack-views';

/** One applied Kubernetes object: the resource that applies it, its kind, name, namespace and the whole object. */
export interface ManifestView {
  readonly resource: ResourceView;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly manifest: Record<string, unknown>;
}

/** The API object a typed kubernetes resource applies; undefined for any other resource. */
export function apiObjectOfResource(resource: ResourceView): Record<string, unknown> | undefined {
  if (!typedKinds().some((k) => k.resourceType === resource.type)) return undefined;
  return apiObjectOf(resource.type, resource.values);
}

/** Every Kubernetes object `stack` applies, optionally only those of `kind`, in the stack's resource order. */
export function manifestsOf(stack: StackView | undefined, kind?: string): ManifestView[] {
  if (!stack) return [];
  const types = new Set(typedKinds().flatMap((k) => (kind === undefined || k.kind === kind ? [k.resourceType] : [])));
  return stack
    .resources()
    .filter((resource) => types.has(resource.type))
    .map((resource) => {
      const manifest = apiObjectOf(resource.type, resource.values);
      const metadata = record(manifest.metadata) ?? {};
      return {
        resource,
        kind: String(manifest.kind),
        name: String(metadata.name ?? ''),
        namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
        manifest,
      };
    });
}
