/** Plans read as changes: the plan's actions and replace_paths decide, its sensitive marks mask, unknown values say so. */
import { parsePlan, planChanges, stackNameOf } from '../../review/plan';
import { buildReport } from '../../review/report';

const PLAN = {
  format_version: '1.2',
  terraform_version: '1.11.4',
  planned_values: {},
  resource_changes: [
    {
      address: 'aws_db_instance.db',
      mode: 'managed',
      type: 'aws_db_instance',
      name: 'db',
      change: {
        actions: ['delete', 'create'],
        before: { identifier: 'db', storage_encrypted: true, instance_class: 'db.t4g.large', password: 'old-password', arn: 'arn:aws:rds:…:db:db' },
        after: { identifier: 'db', storage_encrypted: false, instance_class: 'db.t4g.large', password: 'new-password' },
        after_unknown: { arn: true },
        before_sensitive: { password: true },
        after_sensitive: { password: true },
        replace_paths: [['storage_encrypted']],
      },
    },
    {
      address: 'aws_instance.web',
      mode: 'managed',
      type: 'aws_instance',
      name: 'web',
      change: {
        actions: ['update'],
        before: { instance_type: 't3.small', ami: 'ami-1' },
        after: { instance_type: 't3.large', ami: 'ami-1' },
        after_unknown: {},
      },
    },
    {
      address: 'aws_s3_bucket.b',
      mode: 'managed',
      type: 'aws_s3_bucket',
      name: 'b',
      change: { actions: ['no-op'], before: { bucket: 'b' }, after: { bucket: 'b' } },
    },
    { address: 'data.aws_region.current', mode: 'data', type: 'aws_region', name: 'current', change: { actions: ['read'], before: null, after: {} } },
    {
      address: 'aws_elasticache_replication_group.redis',
      mode: 'managed',
      type: 'aws_elasticache_replication_group',
      name: 'redis',
      change: {
        actions: ['delete'],
        before: { replication_group_id: 'redis', auth_token: 'token-value' },
        after: null,
        before_sensitive: { auth_token: true },
      },
    },
    {
      address: 'aws_secretsmanager_secret_version.v',
      mode: 'managed',
      type: 'aws_secretsmanager_secret_version',
      name: 'v',
      change: {
        actions: ['create'],
        before: null,
        after: { secret_string: 'plain-text' },
        after_unknown: { id: true },
        after_sensitive: { secret_string: true },
      },
    },
  ],
};

const where = { file: 'stagecraft review', path: '--plan' };

describe('planChanges', () => {
  const stack = planChanges(parsePlan(JSON.stringify(PLAN), 'p.json', where), 'acme-launch-us-east-1');

  it('takes actions from the plan, skipping no-ops and data sources', () => {
    expect(stack.changes.map((c) => [c.address, c.action])).toEqual([
      ['aws_db_instance.db', 'replace'],
      ['aws_elasticache_replication_group.redis', 'delete'],
      ['aws_instance.web', 'update'],
      ['aws_secretsmanager_secret_version.v', 'create'],
    ]);
  });

  it('marks the arguments the plan says force the replacement, masks what the plan marks sensitive, and leaves out values known only after apply', () => {
    expect(stack.changes[0]).toMatchObject({
      replacedBecause: 'plan',
      attributes: [
        { path: 'password', before: '(sensitive)', after: '(sensitive)', sensitive: true, forcesReplacement: false },
        { path: 'storage_encrypted', before: true, after: false, forcesReplacement: true },
      ],
    });
    expect(stack.changes[3].after?.get('secret_string')).toBe('(sensitive)');
    expect(JSON.stringify([...(stack.changes[1].before ?? [])])).not.toContain('token-value');
  });

  it('feeds the data-loss and security sections', () => {
    const report = buildReport({ mode: 'plan', base: 'state', head: 'p.json', stacks: [stack], headSynthesis: null });
    expect(report.dataLoss.map((d) => [d.address, d.kind])).toEqual([
      ['aws_db_instance.db', 'replace'],
      ['aws_elasticache_replication_group.redis', 'destroy'],
    ]);
    expect(report.security.map((s) => [s.address, s.category])).toEqual([
      ['aws_db_instance.db', 'iam'],
      ['aws_db_instance.db', 'encryption'],
    ]);
    expect(report.findings).toBeNull();
  });

  it('names the stack after the plan file', () => {
    expect(stackNameOf('plans/acme-launch-us-east-1.plan.json')).toBe('acme-launch-us-east-1');
    expect(stackNameOf('reviewed.json')).toBe('reviewed');
  });
});
