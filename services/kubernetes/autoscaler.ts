/**
 * A HorizontalPodAutoscaler (autoscaling/v2) from a pod scaling rule. Several metrics: the HPA
 * follows whichever asks for the most pods (see `sizing/autoscaling/websocket-gateway.ts`).
 */
import { PodScalingRule, ScalingBehavior, ScalingMetric } from '../../sizing/autoscaling/pod-rule';
import { KubernetesObject } from './object';
import { PRODUCT_NAMESPACE, serviceLabels } from './labels';

/** Resource metrics only: metrics-server (an EKS add-on) serves CPU and memory. */
function metricSpec(metric: ScalingMetric): Record<string, unknown> {
  return { type: 'Resource', resource: { name: metric.kind, target: { type: 'Utilization', averageUtilization: metric.targetPercent } } };
}

function behavior(b: ScalingBehavior): Record<string, unknown> {
  return {
    stabilizationWindowSeconds: b.stabilizationSeconds,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: b.percent, periodSeconds: b.periodSeconds },
      { type: 'Pods', value: b.pods, periodSeconds: b.periodSeconds },
    ],
  };
}

export function horizontalPodAutoscaler(rule: PodScalingRule): KubernetesObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: rule.service,
      namespace: PRODUCT_NAMESPACE,
      labels: serviceLabels(rule.service),
      annotations: { 'stagecraft.io/pod-range-source': rule.rangeSource, ...rule.notes },
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: rule.service },
      minReplicas: rule.min,
      maxReplicas: rule.max,
      metrics: rule.metrics.map(metricSpec),
      behavior: { scaleUp: behavior(rule.scaleUp), scaleDown: behavior(rule.scaleDown) },
    },
  };
}
