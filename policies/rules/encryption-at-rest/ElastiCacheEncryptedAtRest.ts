/** ElastiCache replication groups encrypt data at rest (Checkov CKV_AWS_29). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const ElastiCacheEncryptedAtRest: ResourceRule = {
  id: 'SC-EAR-3',
  name: 'ElastiCacheEncryptedAtRest',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_elasticache_replication_group'],
  description: 'Redis replication groups set at_rest_encryption_enabled = true.',
  evaluate(resource) {
    return expectBoolean(resource.values, 'at_rest_encryption_enabled', true, 'set at_rest_encryption_enabled = true (changing it replaces the group)', false);
  },
};
