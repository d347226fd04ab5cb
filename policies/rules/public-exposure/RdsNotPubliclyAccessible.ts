/** Databases are never publicly accessible (Checkov CKV_AWS_17, cdk-nag RDS public access). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const RdsNotPubliclyAccessible: ResourceRule = {
  id: 'SC-PUB-2',
  name: 'RdsNotPubliclyAccessible',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance'],
  description: 'RDS and Aurora instances keep publicly_accessible = false (the default).',
  evaluate(instance) {
    return expectBoolean(instance.values, 'publicly_accessible', false, 'set publicly_accessible = false; clients reach the database inside the VPC', false);
  },
};
