/**
 * The Deployment of one long-running service (web, worker, gateway): its pods
 * (services/kubernetes/pod-spec.ts: hardened, probed, spread across zones and nodes), rolled
 * out one surge at a time with none unavailable.
 */
import { KubernetesObject } from './object';
import { PRODUCT_NAMESPACE, selectorLabels, serviceLabels } from './labels';
import { servicePodSpec } from './pod-spec';
import { ServiceWorkload, workloadAnnotations } from './workload-spec';
import { queueScalingAnnotation } from '../platform/queue-scaler';

/** Its declared provisions and, when the queue-scaler sets its count, who does and within which range. */
function annotations(workload: ServiceWorkload): { annotations?: Record<string, string> } {
  const own = workloadAnnotations(workload).annotations ?? {};
  const backlog = workload.scaling?.backlog;
  const all = backlog ? { ...own, ...queueScalingAnnotation({ min: workload.scaling!.min, max: workload.scaling!.max, targetPerPod: backlog.perPod }) } : own;
  return Object.keys(all).length === 0 ? {} : { annotations: all };
}

export function deployment(workload: ServiceWorkload): KubernetesObject {
  const { service } = workload;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service.name, namespace: PRODUCT_NAMESPACE, labels: serviceLabels(service.name), ...annotations(workload) },
    spec: {
      // With an autoscaler (the HPA, or the queue-scaler) it owns the count; setting it here would fight it on every apply.
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
