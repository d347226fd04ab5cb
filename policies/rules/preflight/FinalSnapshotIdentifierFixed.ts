/**
 * A final snapshot identifier is not a fixed string: AWS keeps the snapshot after the resource is
 * gone, so the next destroy of a recreated resource collides with it and fails (review M8).
 */
import { ResourceRule } from '../../types';
import { asBoolean, read } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable } from '../../outcomes';

export const FinalSnapshotIdentifierFixed: ResourceRule = {
  id: 'SC-PRE-10',
  name: 'FinalSnapshotIdentifierFixed',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster', 'aws_elasticache_replication_group'],
  description: 'final_snapshot_identifier varies per incarnation of the resource (e.g. a creation stamp), never a fixed string.',
  evaluate(resource) {
    const skip = read(resource.values, 'skip_final_snapshot');
    if (skip.kind === 'value' && asBoolean(skip.value) === true) return notApplicable('skips the final snapshot');
    const id = read(resource.values, 'final_snapshot_identifier');
    if (id.kind === 'absent') return notApplicable('no final snapshot identifier');
    if (id.kind === 'expression') return compliant();
    return nonCompliant(
      `final_snapshot_identifier is the fixed ${JSON.stringify(id.value)}: once a destroy has left that snapshot, destroying a recreated resource fails; add a creation stamp`,
    );
  },
};
