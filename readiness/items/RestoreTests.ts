/**
 * Seed 004: backups tested with an actual restore, not just backup creation. AWS Backup restore
 * testing restores the latest recovery points on a schedule and deletes them afterwards; an
 * EventBridge rule sends a failed restore job to the alarm topic, so a backup that does not
 * restore pages someone.
 */
import { regionalStacks } from '../lookups';
import { combine, held, ItemOutcome, missing, notApplicable, ReadinessItem } from '../types';

export const RestoreTests: ReadinessItem = {
  id: 'RDY-5',
  name: 'RestoreTests',
  section: 'data-integrity',
  title: 'Backups tested with an actual restore, and a failed restore reported',
  evaluate(environment) {
    const parts: ItemOutcome[] = [];
    for (const stack of regionalStacks(environment)) {
      if (stack.resources('aws_backup_plan').length === 0) continue;
      const plans = stack.resources('aws_backup_restore_testing_plan');
      const selections = stack.resources('aws_backup_restore_testing_selection');
      const reported = stack.resources('aws_cloudwatch_event_rule').filter((rule) => {
        const pattern = String(rule.values.event_pattern ?? '');
        return (
          pattern.includes('Restore Job State Change') &&
          pattern.includes('FAILED') &&
          stack.referencing('aws_cloudwatch_event_target', 'rule', rule).length > 0
        );
      });
      if (plans.length === 0) parts.push(missing(`${stack.name}: backups are taken but never restored (no aws_backup_restore_testing_plan)`));
      else if (selections.length === 0)
        parts.push(missing(`${stack.name}: the restore testing plan selects no resources (no aws_backup_restore_testing_selection)`));
      else if (reported.length === 0)
        parts.push(missing(`${stack.name}: a failed restore job reaches no one (no EventBridge rule on "Restore Job State Change" FAILED with a target)`));
      else {
        const schedule = String(plans[0].values.schedule_expression ?? 'unscheduled');
        const types = selections.map((s) => String(s.values.protected_resource_type)).join(', ');
        parts.push(held(`${stack.name}: ${String(plans[0].values.name)} restores ${types} on ${schedule}; failures go to ${String(reported[0].values.name)}`));
      }
    }
    return combine(parts, notApplicable('no AWS Backup plan at this stage'));
  },
};
