/** Databases have deletion protection (Checkov CKV_AWS_293 / CKV_AWS_139, cdk-nag RDS10). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const RdsDeletionProtection: ResourceRule = {
  id: 'SC-DP-1',
  name: 'RdsDeletionProtection',
  family: 'deletion-protection-and-backups',
  scope: 'resource',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  description: 'RDS instances and Aurora clusters set deletion_protection = true.',
  evaluate(database) {
    return expectBoolean(database.values, 'deletion_protection', true, 'set deletion_protection = true', false);
  },
};
