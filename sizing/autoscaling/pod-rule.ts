/**
 * A pod autoscaling rule, independent of the mechanism that enforces it. On cluster stages it
 * renders to a HorizontalPodAutoscaler v2 (`services/kubernetes/autoscaler.ts`).
 */

/** One signal the autoscaler follows. */
export type ScalingMetric =
  /** Average CPU utilisation of the pods, percent of their request. */
  | { readonly kind: 'cpu'; readonly targetPercent: number }
  /**
   * Average memory utilisation of the pods, percent of their request. Resource metrics only:
   * metrics-server serves CPU and memory, and nothing on the clusters serves custom metrics.
   */
  | { readonly kind: 'memory'; readonly targetPercent: number };

/** How fast the autoscaler may move in one direction. */
export interface ScalingBehavior {
  /** The highest (scale-down) or lowest (scale-up) recommendation of this window is used. */
  readonly stabilizationSeconds: number;
  /** At most this share of the current pods per `periodSeconds`. */
  readonly percent: number;
  /** Or at most this many pods per `periodSeconds`, whichever is more. */
  readonly pods: number;
  readonly periodSeconds: number;
}

/**
 * A backlog target: the messages waiting for the service (RabbitMQ queue depth, Kafka consumer lag
 * of what it consumes) ÷ this = pods. No HPA can read it (nothing serves external metrics on the
 * clusters), so the region's queue-scaler enforces it (services/platform/queue-scaler.ts).
 */
export interface BacklogTarget {
  readonly perPod: number;
  /** Where the target came from, for reports. */
  readonly source: string;
}

/** The rule of one service in one region. */
export interface PodScalingRule {
  readonly service: string;
  readonly min: number;
  readonly max: number;
  /** Scale-up signals of an HPA; the autoscaler follows whichever asks for the most pods. Empty with `backlog`. */
  readonly metrics: readonly ScalingMetric[];
  /** Scales on its queue's backlog through the queue-scaler instead of an HPA. @default none (an HPA) */
  readonly backlog?: BacklogTarget;
  readonly scaleUp: ScalingBehavior;
  readonly scaleDown: ScalingBehavior;
  /** Where min and max came from, for reports. */
  readonly rangeSource: string;
  /** What the mechanism cannot enforce exactly, in words (rendered as annotations). */
  readonly notes?: Readonly<Record<string, string>>;
}

/**
 * The HPA's default tolerance (kube-controller-manager `--horizontal-pod-autoscaler-tolerance`):
 * it leaves the pod count alone while every metric is within 10% of its target.
 */
export const HPA_TOLERANCE = 0.1;

/** Kubernetes' own defaults for scaling up: double, or add 4 pods, every 15 s, at once. */
export const KUBERNETES_SCALE_UP: ScalingBehavior = { stabilizationSeconds: 0, percent: 100, pods: 4, periodSeconds: 15 };
