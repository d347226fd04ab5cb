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
import type { RuleContext } from '../../config/autoscaling';
import { FieldProblem } from '../../config/errors';
import { TargetTracking } from './rule';

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

/**
 * The rule for an environment whose Blueprint has `readReplicas` readers per Aurora cluster,
 * or undefined when the rule is turned off. `min` defaults to the larger of the seed's 2 and
 * the sized readers; an explicit `database.readReplicas` wins over both.
 */
export function resolveAuroraReplicas(config: RuleContext['config'], readReplicas: number): { rule?: AuroraReplicaScaling; problems: FieldProblem[] } {
  const given = config.autoscaling?.auroraReplicas ?? {};
  if (given.enabled === false) return { problems: [] };
  const pinnedReaders = config.database?.readReplicas;
  const problems: FieldProblem[] = [];
  if (given.min !== undefined && pinnedReaders !== undefined && given.min !== pinnedReaders) {
    problems.push({
      path: `${PATH}.min`,
      message: `must equal database.readReplicas (${pinnedReaders}): Terraform builds the floor's readers and Application Auto Scaling adds readers only above them; received ${given.min}`,
    });
  }
  const min = given.min ?? pinnedReaders ?? Math.max(AURORA_REPLICA_DEFAULTS.min, readReplicas);
  const max = given.max ?? Math.max(AURORA_REPLICA_DEFAULTS.max, min);
  if (given.max !== undefined && given.min === undefined && min > max) {
    problems.push({
      path: `${PATH}.max`,
      message: `must be at least the ${min} readers each cluster keeps (min, from ${pinnedReaders === undefined ? 'the sizing' : 'database.readReplicas'}); received ${max}`,
    });
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
