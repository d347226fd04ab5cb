/**
 * A Kubernetes API object exactly as it is applied: the apps stack hands it to the
 * kubernetes provider's `kubernetes_manifest` resource unchanged, so what the tests validate
 * against the API schema is what reaches the cluster.
 */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}
