/**
 * The Deployment of one long-running service (web, worker, gateway): its pods
 * (services/kubernetes/pod-spec.ts: hardened, probed, spread across zones and nodes), rolled
 * out one surge at a time with none unavailable.
 */
import { KubernetesObject } from './object';
import { PRODUCT_NAMESPACE, selectorLabels, serviceLabels } from './labels';
import { servicePodSpec } from './pod-spec';
import { ServiceWorkload, workloadAnnotations } from './workload-spec';

export function deployment(workload: ServiceWorkload): KubernetesObject {
  const { service } = workload;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service.name, namespace: PRODUCT_NAMESPACE, labels: serviceLabels(service.name), ...workloadAnnotations(workload) },
    spec: {
      // With an autoscaler the HPA owns the count; setting it here would fight it on every apply.
      ...(workload.scaling ? {} : { replicas: workload.replicas }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(service.name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      template: {
        metadata: { labels: serviceLabels(service.name) },
        spec: servicePodSpec(workload),
      },
    },
  };
}
