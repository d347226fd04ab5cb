/** Deleting a database takes a final snapshot first (Checkov CKV_AWS_313-style). */
import { ResourceRule } from '../../types';
import { asBoolean, read } from '../../../synthesis/values';
import { allOf, compliant, expectBoolean, expectPresent, notApplicable } from '../../outcomes';
import { isReadReplica } from '../helpers';

export const RdsFinalSnapshot: ResourceRule = {
  id: 'SC-DP-3',
  name: 'RdsFinalSnapshot',
  family: 'deletion-protection-and-backups',
  scope: 'resource',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  description: 'Primary RDS instances and Aurora clusters keep skip_final_snapshot = false and name a final_snapshot_identifier.',
  evaluate(database) {
    if (isReadReplica(database)) return notApplicable('RDS takes no final snapshot of a read replica');
    const skip = read(database.values, 'skip_final_snapshot');
    const skipping = skip.kind === 'value' && asBoolean(skip.value) === true;
    return allOf(
      expectBoolean(database.values, 'skip_final_snapshot', false, 'set skip_final_snapshot = false', false),
      skipping ? compliant() : expectPresent(database.values, 'final_snapshot_identifier', 'name the final snapshot, or the deletion fails halfway'),
    );
  },
};
