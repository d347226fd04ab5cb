/** Redis keeps daily snapshots and a final one (Checkov CKV_AWS_134). */
import { ResourceRule } from '../../types';
import { asNumber } from '../../../synthesis/values';
import { allOf, expect, expectPresent } from '../../outcomes';

export const ElastiCacheSnapshots: ResourceRule = {
  id: 'SC-DP-4',
  name: 'ElastiCacheSnapshots',
  family: 'deletion-protection-and-backups',
  scope: 'resource',
  resourceTypes: ['aws_elasticache_replication_group'],
  description: 'Redis replication groups set snapshot_retention_limit ≥ 1 and a final_snapshot_identifier.',
  evaluate(group) {
    return allOf(
      expect(group.values, 'snapshot_retention_limit', (v) => (asNumber(v) ?? 0) >= 1, 'keep daily snapshots (1–35 days)'),
      expectPresent(group.values, 'final_snapshot_identifier', 'name a final snapshot, taken when the group is deleted'),
    );
  },
};
