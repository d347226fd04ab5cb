/**
 * Launch and traction may run everything on one or two hosts, but never without automated
 * backups: every host and data volume is in an AWS Backup selection whose plan keeps recovery
 * points at least 7 days.
 */
import { isSingleHostStage } from '../../../config/stages';
import { StackOutcome, StackRule } from '../../types';
import { retentionDays, selects } from '../deletion-protection-and-backups/backup-selection';

export const MIN_RECOVERY_DAYS = 7;

export const SingleHostBackups: StackRule = {
  id: 'SC-STG-3',
  name: 'SingleHostBackups',
  family: 'stage-aware',
  scope: 'stack',
  description: `On launch and traction, every EC2 host and EBS data volume is selected by an AWS Backup plan that keeps recovery points ${MIN_RECOVERY_DAYS} days or more.`,
  evaluate(stack) {
    if (!stack.stage || !isSingleHostStage(stack.stage))
      return [{ status: 'not-applicable', reason: `stage ${stack.stage ?? 'unknown'} does not run single hosts` }];
    const targets = [...stack.resources('aws_instance'), ...stack.resources('aws_ebs_volume')];
    if (targets.length === 0) return [{ status: 'not-applicable', reason: 'no hosts or volumes' }];
    const selections = stack.resources('aws_backup_selection');
    return targets.map((target): StackOutcome => {
      const chosen = selections.filter((s) => selects(s, target, stack));
      if (chosen.length === 0) {
        return {
          address: target.address,
          status: 'non-compliant',
          message: `${stack.stage} keeps its data on this ${target.type === 'aws_instance' ? 'host' : 'volume'}, but no aws_backup_selection picks it (tag it stagecraft:backup=daily)`,
        };
      }
      const days = Math.max(...chosen.map((s) => retentionDays(s, stack)));
      return days >= MIN_RECOVERY_DAYS
        ? { address: target.address, status: 'compliant' }
        : {
            address: target.address,
            status: 'non-compliant',
            message: `its backup plan keeps recovery points ${days} days; keep them at least ${MIN_RECOVERY_DAYS}`,
          };
    });
  },
};
