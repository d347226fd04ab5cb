/** Databases keep automated backups for at least 7 days (Checkov CKV_AWS_133, cdk-nag RDS11-style). */
import { ResourceRule } from '../../types';
import { asNumber } from '../../../synthesis/values';
import { expect, notApplicable } from '../../outcomes';
import { isReadReplica } from '../helpers';

export const MIN_BACKUP_DAYS = 7;

export const RdsBackupRetention: ResourceRule = {
  id: 'SC-DP-2',
  name: 'RdsBackupRetention',
  family: 'deletion-protection-and-backups',
  scope: 'resource',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  description: `Primary RDS instances and Aurora clusters set backup_retention_period to ${MIN_BACKUP_DAYS} days or more.`,
  evaluate(database) {
    if (isReadReplica(database)) return notApplicable("a read replica; its primary's backups hold the data");
    return expect(
      database.values,
      'backup_retention_period',
      (v) => (asNumber(v) ?? 0) >= MIN_BACKUP_DAYS,
      `keep automated backups at least ${MIN_BACKUP_DAYS} days`,
    );
  },
};
