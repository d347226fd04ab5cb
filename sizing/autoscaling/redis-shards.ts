/**
 * ElastiCache Redis Cluster shards, scaled by Application Auto Scaling
 * (`elasticache:replication-group:NodeGroups`) with target tracking on memory. Cluster mode
 * only: a replication group without it has one shard, and ElastiCache scales only sharded
 * groups. Adding a shard moves hash slots online; replicas per shard stay as sized.
 *
 * Terraform creates the sized shard count and then ignores `num_node_groups`, so it does not
 * undo what the autoscaler did.
 */
import type { RuleContext } from '../../config/autoscaling';
import { FieldProblem } from '../../config/errors';
import { TargetTracking } from './rule';

/** ElastiCache's limits for a cluster-mode replication group. */
export const ELASTICACHE_MAX_SHARDS = 500;
export const ELASTICACHE_MAX_NODES = 500;

/**
 * Node types ElastiCache auto scaling supports (AWS ElastiCache user guide, "Auto Scaling Valkey
 * and Redis OSS clusters", prerequisites): these families in sizes large, xlarge and 2xlarge.
 */
export const AUTOSCALING_NODE_FAMILIES = ['r7g', 'r6g', 'r6gd', 'r5', 'm7g', 'm6g', 'm5', 'c7gn'] as const;
export const AUTOSCALING_NODE_SIZES = ['large', 'xlarge', '2xlarge'] as const;

export function supportsAutoscaling(nodeType: string): boolean {
  const [prefix, family, size] = nodeType.split('.');
  return (
    prefix === 'cache' && (AUTOSCALING_NODE_FAMILIES as readonly string[]).includes(family) && (AUTOSCALING_NODE_SIZES as readonly string[]).includes(size)
  );
}

/** The Redis shard rule, resolved. */
export interface RedisShardScaling extends TargetTracking {
  /** Shards Terraform creates; the autoscaler never goes below. */
  readonly minShards: number;
  readonly maxShards: number;
  /** Nodes in a shard: the primary and its replicas. */
  readonly nodesPerShard: number;
}

export const REDIS_SHARD_DEFAULTS = {
  // Seed 002 §10, Redis: "Nodes: Min: 10, Max: 30". The ceiling is the seed's 30 nodes, so
  // 15 shards with one replica each. The floor is not its 10: that figure is for 1B users,
  // while seed 000 §2.3 sizes 200M MAU at 3 masters + 3 replicas per region. The floor is the
  // sized shard count (seed 000 or the workload); raise `minShards` to run the seed's 10.
  maxNodes: 30,
  // Seed 002 §10: "scale up when Memory > 80%".
  targetPercent: 80,
  // Resharding moves hash slots: wait 10 minutes before adding another shard, 30 before removing one.
  scaleOutCooldownSeconds: 600,
  scaleInCooldownSeconds: 1800,
} as const;

const PATH = 'autoscaling.redis';

/** What the rule needs from the sized Redis Cluster. */
export interface RedisClusterSize {
  readonly nodeType: string;
  readonly shards: number;
  readonly replicasPerShard: number;
}

/**
 * The rule for a Redis Cluster sized `size`, or undefined when turned off, with the shard
 * count Terraform creates (the sized count, kept within the rule's range).
 */
export function resolveRedisShards(
  config: RuleContext['config'],
  size: RedisClusterSize,
): { rule?: RedisShardScaling; shards: number; problems: FieldProblem[] } {
  const given = config.autoscaling?.redis ?? {};
  if (given.enabled === false) return { shards: size.shards, problems: [] };
  const problems: FieldProblem[] = [];
  const nodesPerShard = 1 + size.replicasPerShard;
  const pinnedShards = config.cache?.shards;

  if (!supportsAutoscaling(size.nodeType)) {
    problems.push({
      path: config.cache?.nodeType === undefined ? PATH : 'cache.nodeType',
      message: `ElastiCache auto scaling supports node families ${AUTOSCALING_NODE_FAMILIES.join(', ')} in sizes ${AUTOSCALING_NODE_SIZES.join(', ')}; pick one of those or set ${PATH}.enabled: false; received "${size.nodeType}"`,
    });
  }

  const minShards = given.minShards ?? size.shards;
  const maxShards = given.maxShards ?? Math.max(minShards, Math.floor(REDIS_SHARD_DEFAULTS.maxNodes / nodesPerShard));
  if (given.maxShards !== undefined && given.minShards === undefined && minShards > maxShards) {
    problems.push({
      path: `${PATH}.maxShards`,
      message: `must be at least the ${minShards} shards the cluster starts with (${pinnedShards === undefined ? 'the sizing' : 'cache.shards'}); received ${maxShards}`,
    });
  }
  if (pinnedShards !== undefined && given.minShards !== undefined && (pinnedShards < minShards || pinnedShards > maxShards)) {
    problems.push({
      path: 'cache.shards',
      message: `must lie within ${PATH} minShards–maxShards (${minShards}–${maxShards}), where the autoscaler keeps it; received ${pinnedShards}`,
    });
  }
  if (maxShards * nodesPerShard > ELASTICACHE_MAX_NODES) {
    problems.push({
      path: `${PATH}.maxShards`,
      message: `${maxShards} shards of ${nodesPerShard} nodes make ${maxShards * nodesPerShard} nodes, above ElastiCache's ${ELASTICACHE_MAX_NODES} per replication group; allowed: at most ${Math.floor(ELASTICACHE_MAX_NODES / nodesPerShard)} shards with ${size.replicasPerShard} replica(s) each; received ${maxShards}`,
    });
  }
  const rule: RedisShardScaling = {
    minShards,
    maxShards,
    nodesPerShard,
    targetPercent: given.targetMemoryPercent ?? REDIS_SHARD_DEFAULTS.targetPercent,
    scaleOutCooldownSeconds: given.scaleOutCooldownSeconds ?? REDIS_SHARD_DEFAULTS.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: given.scaleInCooldownSeconds ?? REDIS_SHARD_DEFAULTS.scaleInCooldownSeconds,
  };
  return { rule, shards: Math.min(Math.max(size.shards, minShards), maxShards), problems };
}
