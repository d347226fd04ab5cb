/**
 * Seed 004: "backup tested with actual restore (not just backup creation)". AWS Backup restore
 * testing restores the latest recovery point of each selected resource type on a schedule,
 * validates it and deletes it after the validation window; an EventBridge rule sends every
 * failed or aborted restore job to the alarm topic, so a backup that does not restore pages.
 */
import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { BackupRestoreTestingPlan } from '@cdktf/provider-aws/lib/backup-restore-testing-plan';
import { BackupRestoreTestingSelection } from '@cdktf/provider-aws/lib/backup-restore-testing-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AlarmTopic } from './alarm-topic';

/** Resource types AWS Backup restore testing restores, as its API names them. */
export type RestoreTestedType = 'EC2' | 'EBS' | 'RDS' | 'Aurora' | 'S3';

/** Props of RestoreTesting. */
export interface RestoreTestingProps {
  /** `<env>-<region>`; restore testing names allow letters, digits and underscores, so dashes become underscores. */
  readonly namePrefix: string;
  /** The vault whose recovery points are restored. */
  readonly vault: BackupVault;
  /** The role AWS Backup restores as (it holds the restore policies). */
  readonly role: IamRole;
  /** What to restore: one selection per type, the latest recovery point of every resource of it. */
  readonly resourceTypes: readonly RestoreTestedType[];
  readonly alarms: AlarmTopic;
  /** @default "cron(0 5 ? * SUN *)" (Sundays 05:00 UTC, after the nightly backup) */
  readonly scheduleExpression?: string;
  /** Hours a restored resource is kept for validation before AWS Backup deletes it. @default 1 */
  readonly validationWindowHours?: number;
}

export class RestoreTesting extends Construct {
  readonly plan: BackupRestoreTestingPlan;
  readonly selections: BackupRestoreTestingSelection[];
  readonly failedRestores: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: RestoreTestingProps) {
    super(scope, id);
    const scheduleExpression = props.scheduleExpression ?? 'cron(0 5 ? * SUN *)';
    const validationWindowHours = props.validationWindowHours ?? 1;
    const base = props.namePrefix.replace(/[^A-Za-z0-9]/g, '_');
    this.plan = new BackupRestoreTestingPlan(this, 'plan', {
      name: `${base}_restore_test`,
      scheduleExpression,
      recoveryPointSelection: [
        { algorithm: 'LATEST_WITHIN_WINDOW', includeVaults: [props.vault.arn], recoveryPointTypes: ['SNAPSHOT', 'CONTINUOUS'], selectionWindowDays: 7 },
      ],
    });
    this.selections = props.resourceTypes.map(
      (type) =>
        new BackupRestoreTestingSelection(this, `selection-${type.toLowerCase()}`, {
          name: `${base}_${type.toLowerCase()}`,
          restoreTestingPlanName: this.plan.name,
          protectedResourceType: type,
          protectedResourceArns: ['*'],
          iamRoleArn: props.role.arn,
          validationWindowHours,
        }),
    );
    this.failedRestores = new CloudwatchEventRule(this, 'failed-restores', {
      name: `${props.namePrefix}-restore-failed`,
      description: `${props.namePrefix}: an AWS Backup restore (restore test or manual) failed or was aborted`,
      eventPattern: Fn.jsonencode({ source: ['aws.backup'], 'detail-type': ['Restore Job State Change'], detail: { status: ['FAILED', 'ABORTED'] } }),
    });
    new CloudwatchEventTarget(this, 'failed-restores-to-alarms', { rule: this.failedRestores.name, arn: props.alarms.topic.arn, targetId: 'alarm-topic' });
  }
}
