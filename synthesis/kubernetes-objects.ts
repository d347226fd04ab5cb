/**
 * The Kubernetes objects an apps stack applies, read back from its synthesized JSON as API
 * objects (`apiVersion`, `kind`, `metadata`, `spec` in the API's own field names), whatever
 * terraform resource type carries them. Every reader of Kubernetes objects in a synthesis
 * (rules, readiness, graph, review) goes through here, so how objects are applied can change
 * in one place.
 */
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

/** Every Kubernetes object `stack` applies, optionally only those of `kind`. */
export function manifestsOf(stack: StackView | undefined, kind?: string): ManifestView[] {
  if (!stack) return [];
  return stack
    .resources('kubernetes_manifest')
    .map((resource) => {
      const manifest = record(resource.values.manifest) ?? {};
      const metadata = record(manifest.metadata) ?? {};
      return {
        resource,
        kind: String(manifest.kind ?? ''),
        name: String(metadata.name ?? ''),
        namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
        manifest,
      };
    })
    .filter((m) => kind === undefined || m.kind === kind);
}
