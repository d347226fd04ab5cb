import { Construct } from 'constructs';
import { PostgresInstance, PostgresInstanceProps } from '../../../constructs/aws/postgres-instance';
import {
  clientGroup,
  dataSubnetIdsOf,
  keyArnOf,
  logicalName,
  NAME_PREFIX,
  resourceWhere,
  securityGroupIdOf,
  synthWithFoundation,
  TWO_ZONES,
} from '../../helpers/foundation';
import { resourcesOfType, SynthesizedStack } from '../../helpers/synth';

type Overrides = Partial<Omit<PostgresInstanceProps, 'network' | 'encryptionKey' | 'alarms' | 'clientSecurityGroups'>>;

function postgres(overrides: Overrides = {}, extra?: (db: PostgresInstance, scope: Construct) => void): SynthesizedStack {
  return synthWithFoundation(
    (scope, foundation) => {
      const db = new PostgresInstance(scope, 'postgres', {
        ...foundation,
        namePrefix: NAME_PREFIX,
        engineVersion: '16.6',
        instanceClass: 'db.m6g.large',
        storageGiB: 100,
        clientSecurityGroups: [clientGroup(scope, 'app', foundation.network)],
        ...overrides,
      });
      extra?.(db, scope);
    },
    { zones: TWO_ZONES },
  );
}

function instance(stack: SynthesizedStack, identifier: string): Record<string, unknown> {
  return resourceWhere(stack, 'aws_db_instance', 'identifier', identifier);
}

describe('PostgresInstance', () => {
  it('names its RDS-managed master secret for policies by the rds!db-* pattern and the instance-ARN tag RDS sets (known at plan time)', () => {
    const secrets: Array<PostgresInstance['masterSecret']> = [];
    const stack = postgres({}, (db) => secrets.push(db.masterSecret));
    const identifier = String(instance(stack, 'acme-us-east-1-postgres').identifier);
    const [secret] = secrets;
    expect(secret).toMatchObject({ sid: 'ReadDbInstanceMasterSecrets', conditionKey: 'secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn' });
    expect(secret?.arnPattern).toMatch(/^arn:.+:secretsmanager:us-east-1:.+:secret:rds!db-\*$/);
    expect(secret?.tagValue).toMatch(new RegExp(`^arn:.+:rds:us-east-1:.+:db:${identifier}$`));
    // A standby (a replica of another region's primary) has no master user, so no secret.
    const standby: Array<PostgresInstance['masterSecret']> = [];
    postgres({ standbyOf: { sourceArn: 'arn:aws:rds:us-east-1:111122223333:db:acme-us-east-1-postgres' } }, (db) => standby.push(db.masterSecret));
    expect(standby).toEqual([undefined]);
  });

  it('encrypts storage and lets RDS manage the master password in Secrets Manager', () => {
    const stack = postgres();
    const primary = instance(stack, 'acme-us-east-1-postgres');
    const keyArn = keyArnOf(stack);
    expect(primary).toMatchObject({
      engine: 'postgres',
      // The major only: AWS picks the minor under automatic minor upgrades (review D1).
      engine_version: '16',
      storage_encrypted: true,
      kms_key_id: keyArn,
      manage_master_user_password: true,
      master_user_secret_kms_key_id: keyArn,
      performance_insights_enabled: true,
      performance_insights_kms_key_id: keyArn,
    });
    expect(primary.password).toBeUndefined();
    expect(primary.password_wo).toBeUndefined();
    expect(stack.json).not.toMatch(/"password(_wo)?"\s*:/);
  });

  it('keeps the primary from being deleted and snapshots it when it is', () => {
    const primary = instance(postgres({ backupRetentionDays: 14 }), 'acme-us-east-1-postgres');
    expect(primary).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: expect.stringMatching(
        /^acme-us-east-1-postgres-final-\$\{formatdate\("YYYYMMDDhhmm", terraform_data\.\S+_created_[0-9A-F]{8}\.output\)\}$/,
      ),
      backup_retention_period: 14,
      copy_tags_to_snapshot: true,
      delete_automated_backups: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('stays private, TLS-only and IAM-authenticated, and exports its logs', () => {
    const stack = postgres();
    const primary = instance(stack, 'acme-us-east-1-postgres');
    expect(primary).toMatchObject({
      publicly_accessible: false,
      iam_database_authentication_enabled: true,
      auto_minor_version_upgrade: true,
      enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
      multi_az: true,
      allocated_storage: 100,
      max_allocated_storage: 400,
    });
    const [parameterGroup] = resourcesOfType(stack, 'aws_db_parameter_group');
    expect(parameterGroup.family).toBe('postgres16');
    expect(parameterGroup.parameter).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'rds.force_ssl', value: '1' }),
        expect.objectContaining({ name: 'log_min_duration_statement', value: '1000' }),
      ]),
    );
    expect(primary.parameter_group_name).toBe(`\${aws_db_parameter_group.${logicalName(stack, 'aws_db_parameter_group', 'family', 'postgres16')}.name}`);
  });

  it('sends its logs to encrypted groups that exist before the instance', () => {
    const stack = postgres();
    const groups = resourcesOfType(stack, 'aws_cloudwatch_log_group').filter((g) => String(g.name).startsWith('/aws/rds/'));
    expect(groups.map((g) => g.name).sort()).toEqual([
      '/aws/rds/instance/acme-us-east-1-postgres/postgresql',
      '/aws/rds/instance/acme-us-east-1-postgres/upgrade',
    ]);
    expect(groups.every((g) => String(g.kms_key_id).includes('aws_kms_key') && g.retention_in_days === 30)).toBe(true);
    expect(instance(stack, 'acme-us-east-1-postgres').depends_on).toHaveLength(2);
  });

  it('uses the explicit storage ceiling, Single-AZ and no Performance Insights when asked', () => {
    const primary = instance(postgres({ maxStorageGiB: 100, multiAz: false, performanceInsights: false }), 'acme-us-east-1-postgres');
    expect(primary).toMatchObject({ max_allocated_storage: 100, multi_az: false, performance_insights_enabled: false });
    expect(primary.performance_insights_kms_key_id).toBeUndefined();
  });

  it('creates read replicas of the primary that keep deletion protection and backups', () => {
    const stack = postgres({ readReplicas: 2 });
    expect(resourcesOfType(stack, 'aws_db_instance')).toHaveLength(3);
    const primaryName = logicalName(stack, 'aws_db_instance', 'identifier', 'acme-us-east-1-postgres');
    for (const identifier of ['acme-us-east-1-postgres-replica-0', 'acme-us-east-1-postgres-replica-1']) {
      const replica = instance(stack, identifier);
      expect(replica).toMatchObject({
        replicate_source_db: `\${aws_db_instance.${primaryName}.identifier}`,
        skip_final_snapshot: true,
        deletion_protection: true,
        backup_retention_period: 7,
        storage_encrypted: true,
        publicly_accessible: false,
        lifecycle: { prevent_destroy: true },
      });
      // Inherited from the source; RDS rejects them on a same-region replica.
      expect(replica.username).toBeUndefined();
      expect(replica.manage_master_user_password).toBeUndefined();
      expect(replica.db_subnet_group_name).toBeUndefined();
      expect(replica.parameter_group_name).toBe(instance(stack, 'acme-us-east-1-postgres').parameter_group_name);
    }
  });

  it('puts its own subnet group over the data subnets', () => {
    const stack = postgres();
    const [subnetGroup] = resourcesOfType(stack, 'aws_db_subnet_group');
    const dataSubnets = dataSubnetIdsOf(stack);
    expect(dataSubnets).toHaveLength(2);
    expect(subnetGroup.subnet_ids).toEqual(dataSubnets);
  });

  it('admits only the client security groups, on 5432, and has no inline rules', () => {
    const stack = postgres({}, (db, scope) => db.allowFrom(clientGroup(scope, 'worker'), 'worker'));
    const rules = resourcesOfType(stack, 'aws_vpc_security_group_ingress_rule');
    const dbGroup = securityGroupIdOf(stack, 'acme-us-east-1-postgres');
    expect(rules.map((r) => r.referenced_security_group_id).sort()).toEqual(['${aws_security_group.app.id}', '${aws_security_group.worker.id}']);
    for (const rule of rules) {
      expect(rule).toMatchObject({ security_group_id: dbGroup, ip_protocol: 'tcp', from_port: 5432, to_port: 5432 });
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(rule.cidr_ipv6).toBeUndefined();
    }
    const group = resourceWhere(stack, 'aws_security_group', 'name', 'acme-us-east-1-postgres');
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
    expect(resourcesOfType(stack, 'aws_vpc_security_group_egress_rule')).toHaveLength(0);
  });

  it('alarms on CPU and memory of every instance and on lag of every replica', () => {
    const stack = postgres({ readReplicas: 1, freeableMemoryAlarmBytes: 512 * 1024 * 1024 });
    const alarms = resourcesOfType(stack, 'aws_cloudwatch_metric_alarm');
    const summary = alarms.map((a) => [a.metric_name, (a.dimensions as Record<string, string>).DBInstanceIdentifier, a.comparison_operator, a.threshold]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['CPUUtilization', 'acme-us-east-1-postgres', 'GreaterThanThreshold', 80],
        ['CPUUtilization', 'acme-us-east-1-postgres-replica-0', 'GreaterThanThreshold', 80],
        ['FreeableMemory', 'acme-us-east-1-postgres', 'LessThanThreshold', 536870912],
        ['FreeableMemory', 'acme-us-east-1-postgres-replica-0', 'LessThanThreshold', 536870912],
        ['ReplicaLag', 'acme-us-east-1-postgres-replica-0', 'GreaterThanThreshold', 1],
      ]),
    );
    expect(alarms).toHaveLength(5);
    expect(alarms.every((a) => a.namespace === 'AWS/RDS' && String((a.alarm_actions as string[])[0]).includes('aws_sns_topic'))).toBe(true);
  });

  it('alarms when freeable memory drops below 256 MiB by default', () => {
    const alarms = resourcesOfType(postgres(), 'aws_cloudwatch_metric_alarm');
    expect(alarms.find((a) => a.metric_name === 'FreeableMemory')?.threshold).toBe(268435456);
    expect(alarms.some((a) => a.metric_name === 'ReplicaLag')).toBe(false);
  });

  it('reports every bad prop at once', () => {
    expect(() => postgres({ engineVersion: 'latest', storageGiB: 10, maxStorageGiB: 5, readReplicas: 16, backupRetentionDays: 0 })).toThrow(
      new Error(
        [
          'test/postgres: engineVersion: "latest" is not a PostgreSQL version (e.g. "16.6" or "16")',
          'test/postgres: storageGiB: must be 20–65536 (gp3), got 10',
          'test/postgres: maxStorageGiB: must be storageGiB (10)–65536, got 5',
          'test/postgres: readReplicas: must be a whole number 0–15, got 16',
          'test/postgres: backupRetentionDays: must be 1–35, got 0',
        ].join('\n'),
      ),
    );
  });
});
