/** Redis delivers its slow log (cdk-nag ElastiCache logging-style). */
import { ResourceRule } from '../../types';
import { readAll } from '../../../synthesis/values';
import { compliant, nonCompliant } from '../../outcomes';

export const ElastiCacheSlowLog: ResourceRule = {
  id: 'SC-LOG-7',
  name: 'ElastiCacheSlowLog',
  family: 'logging',
  scope: 'resource',
  resourceTypes: ['aws_elasticache_replication_group'],
  description: 'Redis replication groups set a log_delivery_configuration for the slow-log.',
  evaluate(group) {
    const types = readAll(group.values, 'log_delivery_configuration.log_type');
    return types.includes('slow-log') ? compliant() : nonCompliant('no log_delivery_configuration delivers the slow-log; add one to an encrypted log group');
  },
};
