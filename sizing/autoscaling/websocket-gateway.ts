/**
 * The websocket gateway's autoscaling rule, seed 002 §10:
 *
 *   scale up   when CPU > 70%  OR  connections > 45,000 per pod
 *   scale down when CPU < 40%  AND connections < 30,000 per pod
 *   200–500 pods at 1B users (here: the range the sizing derives for the workload)
 *
 * How it maps onto a HorizontalPodAutoscaler v2, with metrics a cluster serves:
 *
 * - Only resource metrics exist on the clusters: metrics-server (an EKS add-on, installed by
 *   `constructs/aws/eks-cluster.ts`) serves CPU and memory; nothing serves custom or external
 *   metrics (no Prometheus, no adapter). So the connections signal is read through memory: each
 *   open connection holds its buffers, and the pod's memory request is sized for
 *   `demand.connectionsPerPod` connections (50,000 in the example), so the memory share of the request tracks
 *   connections per pod. The target is the scale-up threshold as that share (45,000 / 50,000 =
 *   90%), capped at `MAX_MEMORY_TARGET_PERCENT` (80%) so a burst that arrives while pods start is
 *   not killed at the memory limit (limit = request for the gateway). Documented in
 *   docs/autoscaling.md.
 * - OR on scale-up is native: the HPA computes a pod count for each metric
 *   (ceil(pods × value / target)) and takes the largest, so either metric above its target
 *   adds pods.
 * - AND on scale-down is native too, for the same reason: the largest proposal wins, so the
 *   HPA removes pods only when every metric asks for fewer.
 * - The lower thresholds (40% and 30,000) are not: an HPA has one target per metric and
 *   scales down as soon as every metric is more than its tolerance (10%) below target, i.e.
 *   below 63% CPU and 90% of the memory target (`effectiveScaleDownThresholds`). What keeps
 *   it from flapping is the scale-down behavior: a 10-minute stabilization window (the highest
 *   recommendation of the last 10 minutes is used, so a dip must last) and at most 10% of the
 *   pods removed per minute (each removed pod drops its connections, which reconnect to the
 *   others).
 */
import { WebsocketThresholds } from '../../config/autoscaling';
import { HPA_TOLERANCE, KUBERNETES_SCALE_UP, PodScalingRule, ScalingBehavior } from './pod-rule';

/** The seed's name for the per-pod connections signal, in the rule's annotations. */
export const CONNECTIONS_METRIC = 'websocket_connections';

/** The highest memory utilisation target: room for a burst before the memory limit (= request). */
export const MAX_MEMORY_TARGET_PERCENT = 80;

/**
 * The memory utilisation (percent of the request) that stands for `scaleUpConnectionsPerPod`,
 * when the request is sized for `connectionsPerPod` connections; at most `MAX_MEMORY_TARGET_PERCENT`.
 */
export function connectionsMemoryTargetPercent(scaleUpConnectionsPerPod: number, connectionsPerPod: number): number {
  return Math.max(1, Math.min(MAX_MEMORY_TARGET_PERCENT, Math.round((100 * scaleUpConnectionsPerPod) / connectionsPerPod)));
}

/** Remove at most 10% of the gateways a minute, after a 10-minute stable dip. */
export const WEBSOCKET_SCALE_DOWN: ScalingBehavior = { stabilizationSeconds: 600, percent: 10, pods: 1, periodSeconds: 60 };

/** The levels below which the HPA actually removes pods (target × (1 − tolerance)). */
export function effectiveScaleDownThresholds(t: WebsocketThresholds): { cpuPercent: number; connectionsPerPod: number } {
  return {
    cpuPercent: t.scaleUpCpuPercent * (1 - HPA_TOLERANCE),
    connectionsPerPod: t.scaleUpConnectionsPerPod * (1 - HPA_TOLERANCE),
  };
}

/**
 * The gateway's rule: CPU at the scale-up threshold, and memory standing for connections
 * (`connectionsPerPod`: what the pod's memory request is sized for, the service's `demand.connectionsPerPod`).
 */
export function websocketGatewayRule(
  service: string,
  range: { min: number; max: number; source: string },
  thresholds: WebsocketThresholds,
  connectionsPerPod: number,
): PodScalingRule {
  const memoryPercent = connectionsMemoryTargetPercent(thresholds.scaleUpConnectionsPerPod, connectionsPerPod);
  // One decimal: 70 × 0.9 is 62.99999… in floating point.
  const cpuDown = Math.round(thresholds.scaleUpCpuPercent * (1 - HPA_TOLERANCE) * 10) / 10;
  const memoryDown = Math.round(memoryPercent * (1 - HPA_TOLERANCE) * 10) / 10;
  return {
    service,
    min: range.min,
    max: range.max,
    rangeSource: range.source,
    metrics: [
      { kind: 'cpu', targetPercent: thresholds.scaleUpCpuPercent },
      { kind: 'memory', targetPercent: memoryPercent },
    ],
    scaleUp: KUBERNETES_SCALE_UP,
    scaleDown: WEBSOCKET_SCALE_DOWN,
    notes: {
      'stagecraft.io/scale-down-rule': `CPU < ${thresholds.scaleDownCpuPercent}% AND ${CONNECTIONS_METRIC} < ${thresholds.scaleDownConnectionsPerPod} per pod`,
      'stagecraft.io/connections-as-memory': `memory ${memoryPercent}% of the request stands for ${Math.round((memoryPercent * connectionsPerPod) / 100)} connections per pod (request sized for ${connectionsPerPod}); no custom metrics adapter serves ${CONNECTIONS_METRIC}`,
      'stagecraft.io/scale-down-enforced': `CPU < ${cpuDown}% AND memory < ${memoryDown}% for ${WEBSOCKET_SCALE_DOWN.stabilizationSeconds} s, at most ${WEBSOCKET_SCALE_DOWN.percent}% of pods per ${WEBSOCKET_SCALE_DOWN.periodSeconds} s`,
    },
  };
}
