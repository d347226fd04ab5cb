/**
 * From growth on, every database survives the loss of a zone and has a replica to read from
 * and fail over to: RDS primaries are Multi-AZ with at least one read replica, and Aurora
 * clusters have a writer and at least one reader.
 */
import { isAtLeast } from '../../../config/stages';
import { ResourceView, StackOutcome, StackRule, StackView } from '../../types';
import { asBoolean, read } from '../../../synthesis/values';
import { isReadReplica } from '../helpers';

function replicasOf(primary: ResourceView, stack: StackView): ResourceView[] {
  const identifier = primary.values.identifier;
  return stack
    .resources('aws_db_instance')
    .filter(isReadReplica)
    .filter(
      (r) => stack.referenced(r.values.replicate_source_db) === primary || (typeof identifier === 'string' && r.values.replicate_source_db === identifier),
    );
}

export const DatabasesMultiAzWithReplica: StackRule = {
  id: 'SC-STG-1',
  name: 'DatabasesMultiAzWithReplica',
  family: 'stage-aware',
  scope: 'stack',
  description: 'From growth on, every RDS primary has multi_az = true and a read replica, and every Aurora cluster has at least two instances.',
  evaluate(stack) {
    if (!stack.stage || !isAtLeast(stack.stage, 'growth')) return [{ status: 'not-applicable', reason: `stage ${stack.stage ?? 'unknown'} is before growth` }];
    const outcomes: StackOutcome[] = [];
    for (const primary of stack.resources('aws_db_instance').filter((r) => !isReadReplica(r))) {
      const multiAz = read(primary.values, 'multi_az');
      const problems: string[] = [];
      if (multiAz.kind === 'expression') {
        outcomes.push({ address: primary.address, status: 'could-not-evaluate', message: `multi_az is the unresolved expression "${multiAz.expression}"` });
        continue;
      }
      if (multiAz.kind !== 'value' || asBoolean(multiAz.value) !== true) problems.push('multi_az is not true');
      if (replicasOf(primary, stack).length === 0) problems.push('it has no read replica');
      outcomes.push(
        problems.length === 0
          ? { address: primary.address, status: 'compliant' }
          : {
              address: primary.address,
              status: 'non-compliant',
              message: `${stack.stage} needs a Multi-AZ primary with a read replica: ${problems.join(' and ')}`,
            },
      );
    }
    for (const cluster of stack.resources('aws_rds_cluster')) {
      const instances = stack.referencing('aws_rds_cluster_instance', 'cluster_identifier', cluster).length;
      outcomes.push(
        instances >= 2
          ? { address: cluster.address, status: 'compliant' }
          : {
              address: cluster.address,
              status: 'non-compliant',
              message: `${stack.stage} needs a writer and at least one reader in another zone; the cluster has ${instances} instance(s)`,
            },
      );
    }
    return outcomes.length > 0 ? outcomes : [{ status: 'not-applicable', reason: 'no RDS or Aurora database in this stack' }];
  },
};
