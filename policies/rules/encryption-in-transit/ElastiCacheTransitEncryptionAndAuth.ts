/** Redis encrypts traffic and requires AUTH (Checkov CKV_AWS_30 and CKV_AWS_31). */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { allOf, compliant, expectBoolean, nonCompliant } from '../../outcomes';

export const ElastiCacheTransitEncryptionAndAuth: ResourceRule = {
  id: 'SC-EIT-2',
  name: 'ElastiCacheTransitEncryptionAndAuth',
  family: 'encryption-in-transit',
  scope: 'resource',
  resourceTypes: ['aws_elasticache_replication_group'],
  description: 'Redis replication groups set transit_encryption_enabled = true and an auth_token (or RBAC user groups).',
  evaluate(group) {
    const auth = read(group.values, 'auth_token').kind !== 'absent' || read(group.values, 'user_group_ids').kind !== 'absent';
    return allOf(
      expectBoolean(group.values, 'transit_encryption_enabled', true, 'set transit_encryption_enabled = true', false),
      auth ? compliant() : nonCompliant('neither auth_token nor user_group_ids is set; any client in the security group could connect without a password'),
    );
  },
};
