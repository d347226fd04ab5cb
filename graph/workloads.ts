/**
 * What scales, and between which bounds, read from the synthesized JSON: Kubernetes
 * Deployments and StatefulSets with their HorizontalPodAutoscalers or, for a worker scaled on its
 * queue, the queue-scaler its annotation names (read back as API objects by
 * synthesis/kubernetes-objects.ts from the typed kubernetes resources),
 * AWS application autoscaling targets and policies, and EKS node group scaling.
 */
import { asNumber, readAll } from '../synthesis/values';
import { apiObjectOfResource } from '../synthesis/kubernetes-objects';
import { queueScalingOf } from '../synthesis/queue-scaling';
import { SizedEnvironment } from '../sizing/blueprint';
import { EnvironmentResources, first, ofType, qualified, referenced, StackResource } from './stacks';

/** A Deployment, StatefulSet or CronJob (a scheduled service) of an apps stack. */
export interface KubernetesWorkload {
  readonly kind: 'Deployment' | 'StatefulSet' | 'CronJob';
  /** A CronJob's cron schedule (and time zone). */
  readonly schedule?: string;
  readonly name: string;
  readonly namespace: string;
  /** `spec.replicas`; absent when an autoscaler owns it. */
  readonly replicas?: number;
  /** Container ports: a workload without any takes no traffic from the load balancer (a queue worker). */
  readonly ports: readonly number[];
  readonly autoscaler?: { readonly min: number; readonly max: number; readonly trigger: string };
  readonly address: string;
}

/** One autoscaling rule, whatever implements it. */
export interface AutoscalingRule {
  readonly region: string;
  /** What scales: "Deployment api", "node group general", "Aurora readers of …". */
  readonly target: string;
  readonly min: number;
  readonly max: number;
  /** What makes it scale: "CPU 70%", "RDSReaderAverageCPUUtilization 60". */
  readonly trigger: string;
  readonly source: 'synthesis' | 'blueprint';
}

interface Manifest {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
}

function manifests(resources: readonly StackResource[]): Array<{ manifest: Manifest; address: string }> {
  return resources.flatMap((r) => {
    const manifest = apiObjectOfResource(r);
    return manifest ? [{ manifest: manifest as Manifest, address: qualified(r) }] : [];
  });
}

/** "CPU 70%, memory 80%" from an autoscaling/v2 metrics list. */
function hpaTrigger(spec: Record<string, unknown>): string {
  const parts = readAll(spec, 'metrics')
    .flatMap((m) => (Array.isArray(m) ? m : [m]))
    .map((metric) => {
      const name = first(metric, 'resource.name') ?? first(metric, 'pods.metric.name') ?? first(metric, 'external.metric.name') ?? first(metric, 'type');
      const utilization = asNumber(first(metric, 'resource.target.averageUtilization'));
      const value = first(metric, 'resource.target.averageValue') ?? first(metric, 'pods.target.averageValue') ?? first(metric, 'external.target.value');
      return `${String(name)} ${utilization !== undefined ? `${utilization}%` : String(value ?? '')}`.trim();
    });
  return parts.length > 0 ? parts.join(', ') : 'CPU 80% (Kubernetes default)';
}

export function kubernetesWorkloads(resources: readonly StackResource[]): KubernetesWorkload[] {
  const all = manifests(resources);
  const hpas = all.filter(({ manifest }) => manifest.kind === 'HorizontalPodAutoscaler');
  return all.flatMap(({ manifest, address }): KubernetesWorkload[] => {
    if (manifest.kind === 'CronJob') {
      const zone = first(manifest.spec, 'timeZone');
      return [
        {
          kind: 'CronJob',
          name: manifest.metadata?.name ?? '?',
          namespace: manifest.metadata?.namespace ?? 'default',
          schedule: `${String(first(manifest.spec, 'schedule'))}${zone ? ` ${String(zone)}` : ''}`,
          ports: [],
          address,
        },
      ];
    }
    if (manifest.kind !== 'Deployment' && manifest.kind !== 'StatefulSet') return [];
    const name = manifest.metadata?.name ?? '?';
    const namespace = manifest.metadata?.namespace ?? 'default';
    const hpa = hpas.find(
      ({ manifest: h }) =>
        (h.metadata?.namespace ?? 'default') === namespace &&
        first(h.spec, 'scaleTargetRef.kind') === manifest.kind &&
        first(h.spec, 'scaleTargetRef.name') === name,
    )?.manifest.spec;
    const min = asNumber(first(hpa, 'minReplicas')) ?? 1;
    const max = asNumber(first(hpa, 'maxReplicas'));
    // A worker scaled on its queue: the queue-scaler it names sets its count (synthesis/queue-scaling.ts).
    const queue = queueScalingOf(manifest);
    const autoscaler = queue
      ? { min: queue.min, max: queue.max, trigger: `queue backlog ${queue.targetPerPod} per pod (${queue.scaler})` }
      : hpa && max !== undefined
        ? { min, max, trigger: hpaTrigger(hpa) }
        : undefined;
    return [
      {
        kind: manifest.kind,
        name,
        namespace,
        replicas: asNumber(first(manifest.spec, 'replicas')),
        ports: readAll(manifest.spec, 'template.spec.containers.ports.containerPort').flatMap((p) => asNumber(p) ?? []),
        autoscaler,
        address,
      },
    ];
  });
}

/** The resource an application autoscaling `resource_id` names: `cluster:<id>`, `replication-group:<id>`. */
function scaledResource(resources: readonly StackResource[], target: StackResource): string {
  const id = first(target.values, 'resource_id');
  const resource = referenced(resources, target, id);
  const name = resource ? (first(resource.values, 'cluster_identifier') ?? first(resource.values, 'replication_group_id') ?? resource.name) : id;
  return String(name);
}

const DIMENSIONS: Readonly<Record<string, string>> = {
  'rds:cluster:ReadReplicaCount': 'Aurora readers',
  'elasticache:replication-group:NodeGroups': 'Redis shards',
  'elasticache:replication-group:Replicas': 'Redis replicas per shard',
};

/** Application autoscaling targets with the target-tracking policies that act on them. */
function applicationAutoscaling(region: string, resources: readonly StackResource[]): AutoscalingRule[] {
  const policies = ofType(resources, 'aws_appautoscaling_policy');
  return ofType(resources, 'aws_appautoscaling_target').map((target) => {
    const dimension = String(first(target.values, 'scalable_dimension'));
    const acting = policies.filter((p) => {
      const id = first(p.values, 'resource_id');
      return referenced(resources, p, id) === target || id === first(target.values, 'resource_id');
    });
    const triggers = acting.map((p) => {
      const metric = first(p.values, 'target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type') ?? 'custom metric';
      const value = first(p.values, 'target_tracking_scaling_policy_configuration.target_value');
      return `${String(metric)} ${String(value ?? '')}`.trim();
    });
    return {
      region,
      target: `${DIMENSIONS[dimension] ?? dimension} of ${scaledResource(resources, target)}`,
      min: asNumber(first(target.values, 'min_capacity')) ?? 0,
      max: asNumber(first(target.values, 'max_capacity')) ?? 0,
      trigger: triggers.length > 0 ? triggers.join(', ') : 'no policy',
      source: 'synthesis',
    };
  });
}

/** Every autoscaling rule of one region's resources (regional and apps stacks). */
export function synthesizedAutoscaling(region: string, resources: readonly StackResource[]): AutoscalingRule[] {
  const pods = kubernetesWorkloads(resources).flatMap((w): AutoscalingRule[] =>
    w.autoscaler ? [{ region, target: `${w.kind} ${w.namespace}/${w.name}`, ...w.autoscaler, source: 'synthesis' }] : [],
  );
  const nodes = ofType(resources, 'aws_eks_node_group').map((g): AutoscalingRule => ({
    region,
    target: `EKS node group ${String(first(g.values, 'node_group_name') ?? g.name)}`,
    min: asNumber(first(g.values, 'scaling_config.min_size')) ?? 0,
    max: asNumber(first(g.values, 'scaling_config.max_size')) ?? 0,
    trigger: 'pending pods (cluster autoscaler)',
    source: 'synthesis',
  }));
  return [...pods, ...applicationAutoscaling(region, resources), ...nodes];
}

/**
 * Every autoscaling rule of an environment. Pod autoscaling comes from the apps stack's HPAs;
 * a region without them (the apps stack is not synthesized yet) gets the Blueprint's pod ranges
 * with the demand they were sized from, marked as coming from the Blueprint.
 */
export function environmentAutoscaling(resources: EnvironmentResources, sized: SizedEnvironment): AutoscalingRule[] {
  const { blueprint } = sized;
  return resources.regions.flatMap((region) => {
    const rules = synthesizedAutoscaling(region.code, region.resources);
    const hasPods = rules.some((r) => r.target.startsWith('Deployment'));
    const sizedPods: AutoscalingRule[] = [];
    if (!hasPods && blueprint.cluster) {
      for (const [name, pods] of Object.entries(blueprint.services ?? {})) {
        sizedPods.push({ region: region.code, target: `${name} pods`, min: pods.min, max: pods.max, trigger: `${pods.driver} demand`, source: 'blueprint' });
      }
    }
    return [...sizedPods, ...rules];
  });
}
