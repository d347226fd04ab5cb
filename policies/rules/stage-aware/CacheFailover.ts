/** From growth on, Redis has a replica in another zone and fails over to it automatically. */
import { isAtLeast } from '../../../config/stages';
import { ResourceRule } from '../../types';
import { asNumber, read } from '../../../synthesis/values';
import { allOf, compliant, expectBoolean, nonCompliant, notApplicable } from '../../outcomes';

export const CacheFailover: ResourceRule = {
  id: 'SC-STG-2',
  name: 'CacheFailover',
  family: 'stage-aware',
  scope: 'resource',
  resourceTypes: ['aws_elasticache_replication_group'],
  description: 'From growth on, Redis replication groups set automatic_failover_enabled and multi_az_enabled, with at least one replica.',
  evaluate(group, stack) {
    if (!stack.stage || !isAtLeast(stack.stage, 'growth')) return notApplicable(`stage ${stack.stage ?? 'unknown'} may run a single cache node`);
    const clusters = read(group.values, 'num_cache_clusters');
    const replicas = read(group.values, 'replicas_per_node_group');
    const hasReplica =
      clusters.kind === 'expression' ||
      replicas.kind === 'expression' ||
      (clusters.kind === 'value' && (asNumber(clusters.value) ?? 0) >= 2) ||
      (replicas.kind === 'value' && (asNumber(replicas.value) ?? 0) >= 1);
    return allOf(
      expectBoolean(group.values, 'automatic_failover_enabled', true, `${stack.stage} fails over automatically`, false),
      expectBoolean(group.values, 'multi_az_enabled', true, `${stack.stage} keeps the replica in another zone`, false),
      hasReplica ? compliant() : nonCompliant(`${stack.stage} needs at least one replica (num_cache_clusters ≥ 2 or replicas_per_node_group ≥ 1)`),
    );
  },
};
