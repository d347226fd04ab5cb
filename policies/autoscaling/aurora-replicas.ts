/**
 * Aurora read replicas, scaled by Application Auto Scaling (`rds:cluster:ReadReplicaCount`)
 * with target tracking on the readers' average CPU. Per Aurora cluster, so per shard on a
 * sharded hyperscale.
 *
 * The floor is built by Terraform: the cluster's fixed readers (`database.readReplicas`) are
 * exactly `min`. Application Auto Scaling adds readers above them and removes only readers it
 * added, so a `min` below the fixed readers would mean nothing, and one above them would make
 * it create readers outside Terraform the moment the target is registered.
 */
import type { Stage } from '../../config/stages';
import { disabledFieldProblems, orderProblem, RuleContext, RuleProblem, TargetTracking } from './rule';

/** Stages that run Aurora PostgreSQL (hyperscale unless it runs CockroachDB). */
export const AURORA_REPLICA_STAGES: readonly Stage[] = ['scale', 'hyperscale'];

/** Aurora's limit: 15 readers per cluster. */
export const AURORA_MAX_READERS = 15;

/** The Aurora replica rule, resolved for every cluster of the environment. */
export interface AuroraReplicaScaling extends TargetTracking {
  /** Readers Terraform builds; the autoscaler never goes below. */
  readonly min: number;
  readonly max: number;
}

export const AURORA_REPLICA_DEFAULTS: AuroraReplicaScaling = {
  // Seed 002 §10, Database: "Read replicas: Min: 2 per shard, Max: 10 per shard".
  min: 2,
  max: 10,
  // Seed 002 §10 scales up at "CPU > 70%". Its database triggers (replication lag > 5 s, query
  // queue > 100) are not metrics Application Auto Scaling tracks; reader CPU is the one it has.
  targetPercent: 70,
  // A new reader takes minutes to come up: wait 5 minutes before adding another, and
  // 15 before removing one (seed 002 scales down only when every signal is low).
  scaleOutCooldownSeconds: 300,
  scaleInCooldownSeconds: 900,
};

const PATH = 'autoscaling.auroraReplicas';

/** Config-time problems: engine, order of min and max, fields of a disabled rule. */
export function auroraReplicaConfigProblems({ config, stage }: RuleContext): RuleProblem[] {
  const rule = config.autoscaling?.auroraReplicas;
  if (rule === undefined || !AURORA_REPLICA_STAGES.includes(stage)) return [];
  if (config.database?.engine === 'cockroachdb') {
    return [[PATH, 'applies to Aurora PostgreSQL clusters; this environment runs cockroachdb (database.engine), which places its replicas itself']];
  }
  return [...orderProblem(PATH, rule.min, rule.max), ...disabledFieldProblems(PATH, rule)];
}

/**
 * The rule for an environment whose Blueprint has `readReplicas` readers per Aurora cluster,
 * or undefined when the rule is turned off. `min` defaults to the larger of the seed's 2 and
 * the sized readers; an explicit `database.readReplicas` wins over both.
 */
export function resolveAuroraReplicas(config: RuleContext['config'], readReplicas: number): { rule?: AuroraReplicaScaling; problems: RuleProblem[] } {
  const given = config.autoscaling?.auroraReplicas ?? {};
  if (given.enabled === false) return { problems: [] };
  const pinnedReaders = config.database?.readReplicas;
  const problems: RuleProblem[] = [];
  if (given.min !== undefined && pinnedReaders !== undefined && given.min !== pinnedReaders) {
    problems.push([
      `${PATH}.min`,
      `must equal database.readReplicas (${pinnedReaders}): Terraform builds the floor's readers and Application Auto Scaling adds readers only above them; received ${given.min}`,
    ]);
  }
  const min = given.min ?? pinnedReaders ?? Math.max(AURORA_REPLICA_DEFAULTS.min, readReplicas);
  const max = given.max ?? Math.max(AURORA_REPLICA_DEFAULTS.max, min);
  if (given.max !== undefined && given.min === undefined && min > max) {
    problems.push([`${PATH}.max`, `must be at least the ${min} readers each cluster keeps (min, from ${pinnedReaders === undefined ? 'the sizing' : 'database.readReplicas'}); received ${max}`]);
  }
  const rule: AuroraReplicaScaling = {
    min,
    max,
    targetPercent: given.targetCpuPercent ?? AURORA_REPLICA_DEFAULTS.targetPercent,
    scaleOutCooldownSeconds: given.scaleOutCooldownSeconds ?? AURORA_REPLICA_DEFAULTS.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: given.scaleInCooldownSeconds ?? AURORA_REPLICA_DEFAULTS.scaleInCooldownSeconds,
  };
  return { rule, problems };
}
