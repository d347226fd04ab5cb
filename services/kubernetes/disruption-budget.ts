/**
 * A PodDisruptionBudget: node drains and upgrades evict at most one pod of a service at a
 * time. `maxUnavailable` rather than `minAvailable`, so a budget never blocks a drain when the
 * autoscaler is at one pod; pods that never became ready may always be evicted.
 */
import { KubernetesObject } from './object';
import { PRODUCT_NAMESPACE, selectorLabels, serviceLabels } from './labels';

export function podDisruptionBudget(service: string): KubernetesObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: service, namespace: PRODUCT_NAMESPACE, labels: serviceLabels(service) },
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(service) },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
