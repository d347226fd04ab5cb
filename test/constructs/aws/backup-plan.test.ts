import { BackupPlan, BackupPlanProps } from '../../../constructs/aws/backup-plan';
import { buildKey, NAME_PREFIX } from '../../helpers/foundation';
import { resourcesOfType, synthAws } from '../../helpers/synth';

function backup(overrides: Partial<BackupPlanProps> = {}, after?: (plan: BackupPlan) => void) {
  return synthAws((scope) => {
    const plan = new BackupPlan(scope, 'backup', { namePrefix: NAME_PREFIX, encryptionKey: buildKey(scope), ...overrides });
    after?.(plan);
  });
}

describe('BackupPlan', () => {
  it('keeps recovery points in a KMS-encrypted vault Terraform will not destroy', () => {
    const [vault] = resourcesOfType(backup(), 'aws_backup_vault');
    expect(vault).toEqual({
      name: 'acme-us-east-1-backup',
      kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/),
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('backs up daily at 03:00 UTC and keeps 14 days by default', () => {
    const [plan] = resourcesOfType(backup(), 'aws_backup_plan');
    expect(plan.name).toBe('acme-us-east-1-backup');
    expect(plan.rule).toEqual([
      {
        rule_name: 'daily',
        schedule: 'cron(0 3 * * ? *)',
        target_vault_name: expect.stringMatching(/^\$\{aws_backup_vault\.[\w-]+\.name\}$/),
        lifecycle: { delete_after: 14 },
      },
    ]);
  });

  it('adds a weekly rule kept 90 days on request, with a custom daily schedule and retention', () => {
    const [plan] = resourcesOfType(backup({ weeklyBackups: true, scheduleExpression: 'cron(30 1 * * ? *)', retentionDays: 7 }), 'aws_backup_plan');
    expect((plan.rule as Array<Record<string, unknown>>).map((r) => [r.rule_name, r.schedule, r.lifecycle])).toEqual([
      ['daily', 'cron(30 1 * * ? *)', { delete_after: 7 }],
      ['weekly', 'cron(0 4 ? * SUN *)', { delete_after: 90 }],
    ]);
    const [longer] = resourcesOfType(backup({ weeklyBackups: true, weeklyRetentionDays: 365 }), 'aws_backup_plan');
    expect((longer.rule as Array<Record<string, unknown>>)[1].lifecycle).toEqual({ delete_after: 365 });
  });

  it('works as a role only AWS Backup can assume, with the backup and restore policies', () => {
    const stack = backup();
    const [role] = resourcesOfType(stack, 'aws_iam_role');
    expect(role.name).toBe('acme-us-east-1-backup');
    expect(JSON.parse(String(role.assume_role_policy)).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: ['sts:AssumeRole'] },
    ]);
    const policies = resourcesOfType(stack, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn);
    expect(policies).toEqual(
      expect.arrayContaining([
        'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
        'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
      ]),
    );
  });

  it('selects resources tagged stagecraft:backup=daily by default, and by any tag given', () => {
    const [selection] = resourcesOfType(backup(), 'aws_backup_selection');
    expect(selection).toMatchObject({
      name: 'acme-us-east-1-backup-tagged',
      plan_id: expect.stringMatching(/^\$\{aws_backup_plan\.[\w-]+\.id\}$/),
      iam_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/),
      selection_tag: [{ type: 'STRINGEQUALS', key: 'stagecraft:backup', value: 'daily' }],
    });
    expect(selection.resources).toBeUndefined();
    const [custom] = resourcesOfType(backup({ selectionTag: { key: 'backup', value: 'hourly' } }), 'aws_backup_selection');
    expect(custom.selection_tag).toEqual([{ type: 'STRINGEQUALS', key: 'backup', value: 'hourly' }]);
  });

  it('selects explicit ARNs in a second selection that also collects later additions', () => {
    const stack = backup({ resourceArns: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'] }, (plan) =>
      plan.addResource('arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1'),
    );
    const selections = resourcesOfType(stack, 'aws_backup_selection');
    expect(selections).toHaveLength(2);
    const byArn = selections.find((s) => s.name === 'acme-us-east-1-backup-resources');
    expect(byArn?.resources).toEqual([
      'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
      'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1',
    ]);
    expect(byArn?.selection_tag).toBeUndefined();
  });

  it('creates no ARN selection when no ARN is given', () => {
    let plan: BackupPlan | undefined;
    const stack = backup({}, (p) => (plan = p));
    expect(resourcesOfType(stack, 'aws_backup_selection')).toHaveLength(1);
    expect(plan?.resourceSelection).toBeUndefined();
  });

  it('reports every invalid prop at once', () => {
    expect(() => backup({ scheduleExpression: '0 3 * * *', retentionDays: 0, weeklyRetentionDays: 1.5, selectionTag: { key: '', value: 'daily' } })).toThrow(
      [
        'test/backup: scheduleExpression: "0 3 * * *" is not a cron(…) or rate(…) expression (e.g. "cron(0 3 * * ? *)")',
        'test/backup: retentionDays: must be a whole number of 1 or more, got 0',
        'test/backup: weeklyRetentionDays: must be a whole number of 1 or more, got 1.5',
        'test/backup: selectionTag: key and value must not be empty',
      ].join('\n'),
    );
  });
});
