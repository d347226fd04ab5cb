/**
 * Config-time checks of the `autoscaling:` fields: which stages host each rule, min/max order,
 * fields of a disabled rule, a Kubernetes version with a pinned cluster autoscaler. They run with
 * the other cross-field rules (config/environment.ts), before anything is sized. The rules
 * themselves, their seed defaults and how they resolve against a Blueprint, are in
 * `sizing/autoscaling/`.
 */
import { CLUSTER_AUTOSCALER_RELEASES } from './cluster-autoscaler-releases';
import { METRICS_SERVER_ADDON_VERSIONS } from './eks-addon-versions';
import { FieldProblem } from './errors';
import type { EnvironmentConfig } from './schema';
import type { Stage } from './stages';

/** What a rule's config-time check sees: the validated file and its stage. */
export interface RuleContext {
  readonly config: EnvironmentConfig;
  readonly stage: Stage;
}

/** Stages with an EKS cluster: the node group rule. */
export const NODE_GROUP_STAGES: readonly Stage[] = ['growth', 'scale', 'hyperscale', 'massive'];

/** Stages that run Aurora PostgreSQL (hyperscale unless it runs CockroachDB): the reader rule. */
export const AURORA_REPLICA_STAGES: readonly Stage[] = ['scale', 'hyperscale'];

/** Stages that run Redis in cluster mode: the shard rule. */
export const REDIS_SHARD_STAGES: readonly Stage[] = ['scale', 'hyperscale', 'massive'];

/** Each rule's key under `autoscaling`, and the stages that can host it. */
export const AUTOSCALING_RULE_STAGES = {
  nodes: NODE_GROUP_STAGES,
  auroraReplicas: AURORA_REPLICA_STAGES,
  redis: REDIS_SHARD_STAGES,
} as const;

/** Seed 002 §10 thresholds of the websocket gateway rule. */
export interface WebsocketThresholds {
  readonly scaleUpCpuPercent: number;
  readonly scaleUpConnectionsPerPod: number;
  readonly scaleDownCpuPercent: number;
  readonly scaleDownConnectionsPerPod: number;
}

export const WEBSOCKET_DEFAULTS: WebsocketThresholds = {
  scaleUpCpuPercent: 70,
  scaleUpConnectionsPerPod: 45_000,
  scaleDownCpuPercent: 40,
  scaleDownConnectionsPerPod: 30_000,
};

/** `min (5) must not exceed max (3)` at `path` when both are set and out of order. */
export function orderProblem(
  path: string,
  min: number | undefined,
  max: number | undefined,
  names: readonly [string, string] = ['min', 'max'],
): FieldProblem[] {
  return min !== undefined && max !== undefined && min > max ? [{ path, message: `${names[0]} (${min}) must not exceed ${names[1]} (${max})` }] : [];
}

/** Fields of a rule that only apply when it runs: each is a problem once `enabled: false`. */
export function disabledFieldProblems(path: string, rule: Readonly<Record<string, unknown>> | undefined): FieldProblem[] {
  if (rule?.enabled !== false) return [];
  return Object.keys(rule)
    .filter((key) => key !== 'enabled' && rule[key] !== undefined)
    .map((key): FieldProblem => ({ path: `${path}.${key}`, message: `applies only when the rule runs; remove it or set ${path}.enabled: true` }));
}

/** The node group rule: the Kubernetes version must have a pinned cluster autoscaler release. */
function nodeGroupConfigProblems({ config, stage }: RuleContext): FieldProblem[] {
  const version = config.compute?.kubernetesVersion;
  if (version === undefined || !NODE_GROUP_STAGES.includes(stage)) return [];
  if (CLUSTER_AUTOSCALER_RELEASES[version] === undefined) {
    return [
      {
        path: 'compute.kubernetesVersion',
        message: `"${version}" has no cluster autoscaler release pinned (config/cluster-autoscaler-releases.ts); allowed: ${Object.keys(CLUSTER_AUTOSCALER_RELEASES).join(', ')}`,
      },
    ];
  }
  // The HPAs read CPU and memory from metrics-server, an EKS add-on pinned per minor too.
  if (METRICS_SERVER_ADDON_VERSIONS[version] === undefined) {
    return [
      {
        path: 'compute.kubernetesVersion',
        message: `"${version}" has no metrics-server add-on version pinned (config/eks-addon-versions.ts); allowed: ${Object.keys(METRICS_SERVER_ADDON_VERSIONS).join(', ')}`,
      },
    ];
  }
  return [];
}

const AURORA_PATH = 'autoscaling.auroraReplicas';

/** The reader rule: engine, order of min and max, fields of a disabled rule. */
function auroraReplicaConfigProblems({ config, stage }: RuleContext): FieldProblem[] {
  const rule = config.autoscaling?.auroraReplicas;
  if (rule === undefined || !AURORA_REPLICA_STAGES.includes(stage)) return [];
  if (config.database?.engine === 'cockroachdb') {
    return [
      {
        path: AURORA_PATH,
        message: 'applies to Aurora PostgreSQL clusters; this environment runs cockroachdb (database.engine), which places its replicas itself',
      },
    ];
  }
  return [...orderProblem(AURORA_PATH, rule.min, rule.max), ...disabledFieldProblems(AURORA_PATH, rule)];
}

const REDIS_PATH = 'autoscaling.redis';

/** The shard rule: order of min and max, fields of a disabled rule. */
function redisShardConfigProblems({ config, stage }: RuleContext): FieldProblem[] {
  const rule = config.autoscaling?.redis;
  if (rule === undefined || !REDIS_SHARD_STAGES.includes(stage)) return [];
  return [...orderProblem(REDIS_PATH, rule.minShards, rule.maxShards, ['minShards', 'maxShards']), ...disabledFieldProblems(REDIS_PATH, rule)];
}

/** Problems in the file alone: every rule's, all at once. Stage scoping is in STAGE_SCOPED_FIELDS. */
export function autoscalingConfigProblems(context: RuleContext): FieldProblem[] {
  return [...nodeGroupConfigProblems(context), ...auroraReplicaConfigProblems(context), ...redisShardConfigProblems(context)];
}
