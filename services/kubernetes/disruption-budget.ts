/**
 * A PodDisruptionBudget: node drains and upgrades evict at most one pod of a service at a
 * time. `maxUnavailable` rather than `minAvailable`, so a budget never blocks a drain when the
 * autoscaler is at one pod. No `unhealthyPodEvictionPolicy: AlwaysAllow`: the provider's typed
 * `kubernetes_pod_disruption_budget_v1` (2.38) has no argument for it, so the API default
 * (IfHealthyBudget) applies: pods that are not ready are evicted only while the budget holds.
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
    },
  };
}
