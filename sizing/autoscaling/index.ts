/**
 * The autoscaling rules, one per file: EKS node groups, Aurora read replicas, Redis Cluster
 * shards. The WebSocket and API pod rules (HPAs in the apps stack) are in `resolve.ts`.
 *
 * Two passes, like the rest of the configuration: `autoscalingConfigProblems`
 * (config/autoscaling.ts) runs with the other cross-field rules; `applyAutoscaling` runs once the Blueprint is
 * sized (sizing/blueprint.ts), resolves each rule and moves the Blueprint's counts to the floor
 * each rule keeps (Aurora readers, Redis shards).
 */
import type { Environment } from '../../config/environment';
import type { Blueprint, BlueprintAutoscaling } from '../blueprint-types';
import type { FieldProblem } from '../../config/errors';
import { resolveAuroraReplicas } from './aurora-replicas';
import { resolveNodeGroups } from './node-groups';
import { resolveRedisShards } from './redis-shards';

/** The Blueprint with its autoscaling rules resolved and the floors applied, and the problems found. */
export function applyAutoscaling(environment: Environment, blueprint: Blueprint): { blueprint: Blueprint; problems: FieldProblem[] } {
  const { config } = environment;
  const problems: FieldProblem[] = [];
  const autoscaling: { -readonly [K in keyof BlueprintAutoscaling]: BlueprintAutoscaling[K] } = {};
  let { postgres, redis } = blueprint;

  if (blueprint.cluster) autoscaling.nodes = resolveNodeGroups(config, blueprint.cluster.nodes);

  if (postgres?.kind === 'aurora') {
    const aurora = resolveAuroraReplicas(config, postgres.readReplicas);
    problems.push(...aurora.problems);
    if (aurora.rule) {
      autoscaling.auroraReplicas = aurora.rule;
      postgres = { ...postgres, readReplicas: aurora.rule.min };
    }
  }

  if (redis.mode === 'cluster') {
    const shards = resolveRedisShards(config, redis);
    problems.push(...shards.problems);
    if (shards.rule) {
      autoscaling.redisShards = shards.rule;
      redis = { ...redis, shards: shards.shards };
    }
  }

  return { blueprint: { ...blueprint, postgres, redis, autoscaling }, problems };
}

export type { AuroraReplicaScaling } from './aurora-replicas';
export type { NodeGroupScaling } from './node-groups';
export type { RedisShardScaling } from './redis-shards';
export type { TargetTracking } from './rule';
