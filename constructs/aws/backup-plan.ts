import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { BackupPlan as BackupPlanResource, BackupPlanRule } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { EncryptionKey } from './encryption-key';
import { serviceRole } from './iam';
import { preventDestroy, resourceName } from '../shared/protection';
import { checkProps } from '../shared/validation';

/** Weekly rule: Sundays 04:00 UTC, an hour after the default daily run. */
const WEEKLY_SCHEDULE = 'cron(0 4 ? * SUN *)';

/** A tag that puts a resource in the backup selection. */
export interface BackupSelectionTag {
  readonly key: string;
  readonly value: string;
}

/** Props of a BackupPlan. */
export interface BackupPlanProps {
  /** Prefix of every name, `<env>-<region>`. */
  readonly namePrefix: string;
  /** Key of the vault, for recovery points of services that do not keep the source's own key. */
  readonly encryptionKey: EncryptionKey;
  /** Schedule of the daily rule, in UTC. @default "cron(0 3 * * ? *)" */
  readonly scheduleExpression?: string;
  /** Days daily recovery points are kept. @default 14 */
  readonly retentionDays?: number;
  /** Adds a weekly rule (Sundays 04:00 UTC) kept `weeklyRetentionDays`. @default false */
  readonly weeklyBackups?: boolean;
  /** Days weekly recovery points are kept. @default 90 */
  readonly weeklyRetentionDays?: number;
  /** Resources carrying this tag are backed up. @default { key: "stagecraft:backup", value: "daily" } */
  readonly selectionTag?: BackupSelectionTag;
  /** Resources backed up whatever their tags; more with `addResource`. @default none */
  readonly resourceArns?: readonly string[];
}

/**
 * AWS Backup for one region: an encrypted vault that Terraform will not destroy, a daily
 * (and optionally weekly) plan, the role AWS Backup works as, and a selection of every
 * resource tagged for backup. Resources named by ARN get a second selection, because a
 * selection with both tags and ARNs matches only resources that satisfy both.
 */
export class BackupPlan extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlanResource;
  readonly role: IamRole;
  /** The tag-based selection. */
  readonly selection: BackupSelection;

  private readonly name: string;
  private readonly resourceArns: string[] = [];
  private arnSelection?: BackupSelection;

  constructor(scope: Construct, id: string, props: BackupPlanProps) {
    super(scope, id);
    const scheduleExpression = props.scheduleExpression ?? 'cron(0 3 * * ? *)';
    const retentionDays = props.retentionDays ?? 14;
    const weeklyBackups = props.weeklyBackups ?? false;
    const weeklyRetentionDays = props.weeklyRetentionDays ?? 90;
    const selectionTag = props.selectionTag ?? { key: 'stagecraft:backup', value: 'daily' };
    const isDays = (n: number) => Number.isInteger(n) && n >= 1;

    checkProps(this, [
      {
        failed: !/^(cron|rate)\(.+\)$/.test(scheduleExpression),
        message: `scheduleExpression: "${scheduleExpression}" is not a cron(…) or rate(…) expression (e.g. "cron(0 3 * * ? *)")`,
      },
      { failed: !isDays(retentionDays), message: `retentionDays: must be a whole number of 1 or more, got ${retentionDays}` },
      { failed: !isDays(weeklyRetentionDays), message: `weeklyRetentionDays: must be a whole number of 1 or more, got ${weeklyRetentionDays}` },
      { failed: selectionTag.key === '' || selectionTag.value === '', message: 'selectionTag: key and value must not be empty' },
    ]);

    this.name = resourceName(props.namePrefix, 'backup', 50);
    const name = this.name;

    this.vault = preventDestroy(new BackupVault(this, 'vault', { name, kmsKeyArn: props.encryptionKey.arn, forceDestroy: false }));

    const rules: BackupPlanRule[] = [
      { ruleName: 'daily', targetVaultName: this.vault.name, schedule: scheduleExpression, lifecycle: { deleteAfter: retentionDays } },
    ];
    if (weeklyBackups) {
      rules.push({ ruleName: 'weekly', targetVaultName: this.vault.name, schedule: WEEKLY_SCHEDULE, lifecycle: { deleteAfter: weeklyRetentionDays } });
    }
    this.plan = new BackupPlanResource(this, 'plan', { name, rule: rules });

    // S3 policies too, so a DataBucket tagged for backup is covered like any other resource.
    this.role = serviceRole(this, 'role', {
      name: resourceName(props.namePrefix, 'backup', 64),
      service: 'backup.amazonaws.com',
      managedPolicies: [
        'service-role/AWSBackupServiceRolePolicyForBackup',
        'service-role/AWSBackupServiceRolePolicyForRestores',
        'AWSBackupServiceRolePolicyForS3Backup',
        'AWSBackupServiceRolePolicyForS3Restore',
      ],
    });

    this.selection = new BackupSelection(this, 'tagged', {
      name: `${name}-tagged`,
      planId: this.plan.id,
      iamRoleArn: this.role.arn,
      selectionTag: [{ type: 'STRINGEQUALS', key: selectionTag.key, value: selectionTag.value }],
    });
    (props.resourceArns ?? []).forEach((arn) => this.addResource(arn));
  }

  /** The ARN-based selection, once a resource has been added by ARN. */
  get resourceSelection(): BackupSelection | undefined {
    return this.arnSelection;
  }

  /** Backs up the resource with this ARN, tagged or not. */
  addResource(arn: string): void {
    this.resourceArns.push(arn);
    // Created on first use; its list is read at synthesis, so later additions land in it too.
    this.arnSelection ??= new BackupSelection(this, 'resources', {
      name: `${this.name}-resources`,
      planId: this.plan.id,
      iamRoleArn: this.role.arn,
      resources: Lazy.listValue({ produce: () => this.resourceArns }),
    });
  }
}
