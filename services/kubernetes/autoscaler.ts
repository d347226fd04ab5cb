/**
 * A HorizontalPodAutoscaler (autoscaling/v2) from a pod scaling rule. Several metrics: the HPA
 * follows whichever asks for the most pods (see `sizing/autoscaling/websocket-gateway.ts`).
 */
import { PodScalingRule, ScalingBehavior, ScalingMetric } from '../../sizing/autoscaling/pod-rule';
import { KubernetesObject } from './object';
import { PRODUCT_NAMESPACE, serviceLabels } from './labels';

function metricSpec(metric: ScalingMetric): Record<string, unknown> {
  if (metric.kind === 'cpu') {
    return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: metric.targetPercent } } };
  }
  return { type: 'Pods', pods: { metric: { name: metric.metric }, target: { type: 'AverageValue', averageValue: String(metric.targetAverage) } } };
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
