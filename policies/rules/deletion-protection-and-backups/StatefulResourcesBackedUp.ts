/**
 * AWS Backup protects what its selections pick, and a selection that picks nothing protects
 * nothing while looking like a backup (review M1: growth and massive selected a tag no resource
 * carried). In every stack, each resource AWS Backup can protect and that holds data (hosts,
 * volumes, RDS primaries, Aurora clusters, buckets, file systems, tables) is picked by a selection,
 * by tag or by ARN, and each selection picks at least one resource of the stack.
 */
import { StackOutcome, StackRule } from '../../types';
import { isReadReplica } from '../helpers';
import { selectionArns, selectionTags, selects } from './backup-selection';

/** Types AWS Backup supports whose resources keep data; a read replica copies its source and is not one. */
export const BACKED_UP_TYPES = [
  'aws_instance',
  'aws_ebs_volume',
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_s3_bucket',
  'aws_efs_file_system',
  'aws_dynamodb_table',
];

const WORDS: Readonly<Record<string, string>> = {
  aws_instance: 'host',
  aws_ebs_volume: 'volume',
  aws_db_instance: 'database',
  aws_rds_cluster: 'database cluster',
  aws_s3_bucket: 'bucket',
  aws_efs_file_system: 'file system',
  aws_dynamodb_table: 'table',
};

/** How a selection picks, for messages: its tag conditions and whether it lists ARNs. */
function criteria(selection: Parameters<typeof selectionTags>[0]): string {
  const tags = selectionTags(selection).map((c) => `tag ${String(c.key)}=${String(c.value)}`);
  const arns = selectionArns(selection).length;
  return [...tags, ...(arns > 0 ? [`${arns} ARN(s)`] : [])].join(', ') || 'nothing';
}

export const StatefulResourcesBackedUp: StackRule = {
  id: 'SC-DP-10',
  name: 'StatefulResourcesBackedUp',
  family: 'deletion-protection-and-backups',
  scope: 'stack',
  description:
    'Every host, volume, RDS primary, Aurora cluster, bucket, file system and table is picked by an AWS Backup selection (by tag or by ARN), and every selection picks at least one resource of its stack.',
  evaluate(stack) {
    const targets = BACKED_UP_TYPES.flatMap((type) => stack.resources(type)).filter((r) => !isReadReplica(r));
    const selections = stack.resources('aws_backup_selection');
    if (targets.length === 0 && selections.length === 0) return [{ status: 'not-applicable', reason: 'no resource AWS Backup protects, and no selection' }];
    const hint = selections.map((s) => selectionTags(s)[0]).find((c) => c !== undefined);
    const howTo = hint ? `tag it ${String(hint.key)}=${String(hint.value)} or add its ARN to a selection` : 'add an AWS Backup plan whose selection picks it';
    const resourceOutcomes = targets.map((target): StackOutcome => {
      const picked = selections.some((s) => selects(s, target, stack));
      return picked
        ? { address: target.address, status: 'compliant' }
        : {
            address: target.address,
            status: 'non-compliant',
            message: `this ${WORDS[target.type]} keeps data, but no aws_backup_selection picks it (${howTo})`,
          };
    });
    const selectionOutcomes = selections.map((selection): StackOutcome => {
      const picks = targets.some((t) => selects(selection, t, stack));
      return picks
        ? { address: selection.address, status: 'compliant' }
        : {
            address: selection.address,
            status: 'non-compliant',
            message: `selects ${criteria(selection)}, but no resource of this stack matches: it backs up nothing; tag what it should protect, or select by ARN`,
          };
    });
    return [...resourceOutcomes, ...selectionOutcomes];
  },
};
