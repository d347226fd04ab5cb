import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { AuroraPostgres, AuroraPostgresProps } from '../../../constructs/aws/aurora-postgres';
import { clientGroup, keyArnOf, logicalName, NAME_PREFIX, securityGroupIdOf, synthWithFoundation } from '../../helpers/foundation';
import { resourcesOfType, SynthesizedStack } from '../../helpers/synth';

type Overrides = Partial<Omit<AuroraPostgresProps, 'network' | 'encryptionKey' | 'alarms' | 'clientSecurityGroups'>>;

/** Builds `shards` clusters, `aurora-shard-<i>`, the way hyperscale does. */
function aurora(overrides: Overrides = {}, shards = 1, extra?: (clusters: AuroraPostgres[], scope: Construct) => void): SynthesizedStack {
  return synthWithFoundation((scope, foundation) => {
    const app = clientGroup(scope, 'app', foundation.network);
    const clusters = Array.from(
      { length: shards },
      (_, shard) =>
        new AuroraPostgres(scope, `aurora-shard-${shard}`, {
          ...foundation,
          namePrefix: NAME_PREFIX,
          clusterName: `aurora-shard-${shard}`,
          engineVersion: '16.6',
          instanceClass: 'db.r6g.large',
          clientSecurityGroups: [app],
          ...overrides,
        }),
    );
    extra?.(clusters, scope);
  });
}

describe('AuroraPostgres', () => {
  it('names its RDS-managed master secret for policies by the rds!cluster-* pattern and the cluster-ARN tag RDS sets (known at plan time)', () => {
    const secrets: Array<AuroraPostgres['managedMasterSecret']> = [];
    const stack = aurora({}, 2, (clusters) => secrets.push(...clusters.map((c) => c.managedMasterSecret)));
    const identifiers = resourcesOfType(stack, 'aws_rds_cluster').map((c) => String(c.cluster_identifier));
    expect(identifiers).toHaveLength(2);
    expect(secrets.map((s) => s?.sid)).toEqual(['ReadDbClusterMasterSecrets', 'ReadDbClusterMasterSecrets']);
    expect(secrets.map((s) => s?.conditionKey)).toEqual(identifiers.map(() => 'secretsmanager:ResourceTag/aws:rds:primaryDBClusterArn'));
    secrets.forEach((s, i) => {
      expect(s?.arnPattern).toMatch(/^arn:.+:secretsmanager:us-east-1:.+:secret:rds!cluster-\*$/);
      expect(s?.tagValue).toMatch(new RegExp(`^arn:.+:rds:us-east-1:.+:cluster:${identifiers[i]}$`));
    });
    // A global database's secondary has no master user, and its primary's password is generated: no RDS-managed secret.
    const members: Array<AuroraPostgres['managedMasterSecret']> = [];
    aurora({ global: { identifier: 'acme-aurora', role: 'secondary' } }, 1, (clusters) => members.push(clusters[0].managedMasterSecret));
    aurora({ global: { identifier: 'acme-aurora', role: 'primary' }, masterSecret: { name: 'acme/us-east-1/aurora-master' } }, 1, (clusters) =>
      members.push(clusters[0].managedMasterSecret),
    );
    expect(members).toEqual([undefined, undefined]);
  });

  it('encrypts the cluster and lets RDS manage the master password', () => {
    const stack = aurora();
    const [cluster] = resourcesOfType(stack, 'aws_rds_cluster');
    const keyArn = keyArnOf(stack);
    expect(cluster).toMatchObject({
      cluster_identifier: 'acme-us-east-1-aurora-shard-0',
      engine: 'aurora-postgresql',
      engine_version: '16.6',
      storage_encrypted: true,
      kms_key_id: keyArn,
      manage_master_user_password: true,
      master_user_secret_kms_key_id: keyArn,
      iam_database_authentication_enabled: true,
      enabled_cloudwatch_logs_exports: ['postgresql'],
    });
    expect(cluster.master_password).toBeUndefined();
    expect(stack.json).not.toMatch(/"(master_)?password(_wo)?"\s*:/);
  });

  describe('in an Aurora Global Database', () => {
    const GLOBAL = { identifier: 'acme-aurora-shard-0', role: 'primary' as const };

    it("generates the primary's master password once, written only through write-only arguments to the cluster and its secret", () => {
      const stack = aurora({ global: GLOBAL, masterSecret: { name: 'acme/us-east-1/aurora-shard-0-master' } });
      const [cluster] = resourcesOfType(stack, 'aws_rds_cluster');
      const locals = Object.entries((JSON.parse(stack.json) as { locals: Record<string, string> }).locals);
      expect(locals).toHaveLength(1);
      const [local, expression] = locals[0];
      expect(expression).toBe('${replace(uuid(), "-", "")}');
      // RDS cannot manage it in a global database (Aurora User Guide, Secrets Manager limitations).
      expect(cluster.manage_master_user_password).toBeUndefined();
      expect(cluster).toMatchObject({ master_username: 'postgres', master_password_wo: `\${local.${local}}`, master_password_wo_version: 1 });
      const secret = resourcesOfType(stack, 'aws_secretsmanager_secret').find((r) => r.name === 'acme/us-east-1/aurora-shard-0-master')!;
      expect(secret.kms_key_id).toBe(keyArnOf(stack));
      const [version] = resourcesOfType(stack, 'aws_secretsmanager_secret_version');
      expect(version).toMatchObject({
        secret_string_wo: `\${jsonencode({"username" = "postgres", "password" = local.${local}})}`,
        secret_string_wo_version: 1,
      });
      expect(version.secret_string).toBeUndefined();
      // The password is in its secret before the cluster has it.
      expect(cluster.depends_on).toContain(
        `aws_secretsmanager_secret_version.${logicalName(stack, 'aws_secretsmanager_secret_version', 'secret_string_wo_version', 1)}`,
      );
    });

    it('gives a secondary no master user, and refuses a primary without a secret', () => {
      const [secondary] = resourcesOfType(aurora({ global: { ...GLOBAL, role: 'secondary' } }), 'aws_rds_cluster');
      expect(secondary.master_username).toBeUndefined();
      expect(secondary.manage_master_user_password).toBeUndefined();
      expect(() => aurora({ global: GLOBAL })).toThrow(
        'test/aurora-shard-0: masterSecret: a global primary needs one (RDS cannot manage the master password in an Aurora Global Database), got none',
      );
    });
  });

  it('exports its log to an encrypted group that exists before the cluster', () => {
    const stack = aurora();
    const logGroup = logicalName(stack, 'aws_cloudwatch_log_group', 'name', '/aws/rds/cluster/acme-us-east-1-aurora-shard-0/postgresql');
    expect(stack.resources.aws_cloudwatch_log_group[logGroup]).toMatchObject({
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\./),
      retention_in_days: 30,
    });
    const [cluster] = resourcesOfType(stack, 'aws_rds_cluster');
    expect(cluster.depends_on).toEqual([`aws_cloudwatch_log_group.${logGroup}`]);
  });

  it('keeps the cluster from being deleted and snapshots it when it is', () => {
    const [cluster] = resourcesOfType(aurora({ backupRetentionDays: 21 }), 'aws_rds_cluster');
    expect(cluster).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: expect.stringMatching(
        /^acme-us-east-1-aurora-shard-0-final-\$\{formatdate\("YYYYMMDDhhmm", terraform_data\.\S+_created_[0-9A-F]{8}\.output\)\}$/,
      ),
      backup_retention_period: 21,
      copy_tags_to_snapshot: true,
      delete_automated_backups: false,
      // Automatic minor upgrades move the version; Terraform must not ask to go back (review D1).
      lifecycle: { prevent_destroy: true, ignore_changes: ['engine_version'] },
    });
  });

  it('forces TLS and logs slow statements through an aurora-postgresql cluster parameter group', () => {
    const stack = aurora();
    const [parameterGroup] = resourcesOfType(stack, 'aws_rds_cluster_parameter_group');
    expect(parameterGroup.family).toBe('aurora-postgresql16');
    expect(parameterGroup.parameter).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'rds.force_ssl', value: '1' }),
        expect.objectContaining({ name: 'log_min_duration_statement', value: '1000' }),
      ]),
    );
    const [cluster] = resourcesOfType(stack, 'aws_rds_cluster');
    expect(cluster.db_cluster_parameter_group_name).toBe(
      `\${aws_rds_cluster_parameter_group.${logicalName(stack, 'aws_rds_cluster_parameter_group', 'family', 'aurora-postgresql16')}.name}`,
    );
  });

  it('runs one writer and the requested readers, all private and protected', () => {
    const stack = aurora({ readReplicas: 2 });
    const instances = resourcesOfType(stack, 'aws_rds_cluster_instance');
    expect(instances.map((i) => i.identifier).sort()).toEqual([
      'acme-us-east-1-aurora-shard-0-0',
      'acme-us-east-1-aurora-shard-0-1',
      'acme-us-east-1-aurora-shard-0-2',
    ]);
    for (const i of instances) {
      expect(i).toMatchObject({
        engine: 'aurora-postgresql',
        instance_class: 'db.r6g.large',
        publicly_accessible: false,
        performance_insights_enabled: true,
        lifecycle: { prevent_destroy: true },
      });
      expect(i.availability_zone).toBeUndefined();
    }
    // Readers wait for the writer, so the writer is the instance created first.
    const writer = logicalName(stack, 'aws_rds_cluster_instance', 'identifier', 'acme-us-east-1-aurora-shard-0-0');
    const readers = instances.filter((i) => i.identifier !== 'acme-us-east-1-aurora-shard-0-0');
    expect(readers.every((r) => JSON.stringify(r.depends_on) === JSON.stringify([`aws_rds_cluster_instance.${writer}`]))).toBe(true);
  });

  it('has one reader by default', () => {
    expect(resourcesOfType(aurora(), 'aws_rds_cluster_instance')).toHaveLength(2);
    expect(resourcesOfType(aurora({ readReplicas: 0 }), 'aws_rds_cluster_instance')).toHaveLength(1);
  });

  it('names every resource after its shard, so shards coexist', () => {
    const stack = aurora({}, 3);
    const names = (type: string, field: string) =>
      resourcesOfType(stack, type)
        .map((r) => r[field])
        .sort();
    const expected = [0, 1, 2].map((i) => `acme-us-east-1-aurora-shard-${i}`);
    expect(names('aws_rds_cluster', 'cluster_identifier')).toEqual(expected);
    expect(names('aws_db_subnet_group', 'name')).toEqual(expected);
    expect(names('aws_rds_cluster_parameter_group', 'name_prefix')).toEqual(expected.map((n) => `${n}-pg16-`));
    expect(names('aws_security_group', 'name')).toEqual([...expected, 'app']);
    expect(new Set(names('aws_cloudwatch_metric_alarm', 'alarm_name')).size).toBe(resourcesOfType(stack, 'aws_cloudwatch_metric_alarm').length);
  });

  it('admits only the client security groups, on 5432', () => {
    const stack = aurora({}, 1, ([cluster], scope) => cluster.allowFrom(clientGroup(scope, 'worker'), 'worker'));
    const dbGroup = securityGroupIdOf(stack, 'acme-us-east-1-aurora-shard-0');
    const rules = resourcesOfType(stack, 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => r.referenced_security_group_id).sort()).toEqual(['${aws_security_group.app.id}', '${aws_security_group.worker.id}']);
    for (const rule of rules) {
      expect(rule).toMatchObject({ security_group_id: dbGroup, ip_protocol: 'tcp', from_port: 5432, to_port: 5432 });
      expect(rule.cidr_ipv4).toBeUndefined();
    }
    const [cluster] = resourcesOfType(stack, 'aws_rds_cluster');
    expect(cluster.vpc_security_group_ids).toEqual([dbGroup]);
  });

  it('exposes the writer and reader endpoints', () => {
    const stack = aurora({}, 1, ([cluster], scope) => {
      new TerraformOutput(scope, 'endpoint', { value: cluster.endpoint });
      new TerraformOutput(scope, 'reader_endpoint', { value: cluster.readerEndpoint });
    });
    const cluster = logicalName(stack, 'aws_rds_cluster', 'cluster_identifier', 'acme-us-east-1-aurora-shard-0');
    expect(stack.outputs).toEqual({
      endpoint: { value: `\${aws_rds_cluster.${cluster}.endpoint}` },
      reader_endpoint: { value: `\${aws_rds_cluster.${cluster}.reader_endpoint}` },
    });
  });

  it('alarms on CPU and memory of every instance and on replica lag (ms) of every reader', () => {
    const alarms = resourcesOfType(aurora({ readReplicas: 1 }), 'aws_cloudwatch_metric_alarm');
    const summary = alarms.map((a) => [a.metric_name, (a.dimensions as Record<string, string>).DBInstanceIdentifier, a.comparison_operator, a.threshold]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['CPUUtilization', 'acme-us-east-1-aurora-shard-0-0', 'GreaterThanThreshold', 80],
        ['CPUUtilization', 'acme-us-east-1-aurora-shard-0-1', 'GreaterThanThreshold', 80],
        ['FreeableMemory', 'acme-us-east-1-aurora-shard-0-0', 'LessThanThreshold', 268435456],
        ['FreeableMemory', 'acme-us-east-1-aurora-shard-0-1', 'LessThanThreshold', 268435456],
        ['AuroraReplicaLag', 'acme-us-east-1-aurora-shard-0-1', 'GreaterThanThreshold', 1000],
      ]),
    );
    expect(alarms).toHaveLength(5);
  });

  describe('reader autoscaling', () => {
    const scaling = { maxReaders: 10, targetCpuPercent: 70, scaleOutCooldownSeconds: 300, scaleInCooldownSeconds: 900 };

    it('registers the readers with Application Auto Scaling, the fixed readers as the floor', () => {
      const stack = aurora({ readReplicas: 2, readerAutoscaling: scaling }, 2);
      const targets = resourcesOfType(stack, 'aws_appautoscaling_target');
      expect(targets).toHaveLength(2);
      targets.forEach((target, shard) => {
        const cluster = logicalName(stack, 'aws_rds_cluster', 'cluster_identifier', `acme-us-east-1-aurora-shard-${shard}`);
        expect(target).toMatchObject({
          service_namespace: 'rds',
          scalable_dimension: 'rds:cluster:ReadReplicaCount',
          resource_id: `cluster:\${aws_rds_cluster.${cluster}.cluster_identifier}`,
          min_capacity: 2,
          max_capacity: scaling.maxReaders,
        });
        // Registered once the writer and every fixed reader exist.
        expect(target.depends_on).toHaveLength(3);
      });
    });

    it('tracks the readers average CPU with the given target and cooldowns', () => {
      const stack = aurora({ readReplicas: 2, readerAutoscaling: scaling });
      const [policy] = resourcesOfType(stack, 'aws_appautoscaling_policy');
      const target = logicalName(stack, 'aws_appautoscaling_target', 'scalable_dimension', 'rds:cluster:ReadReplicaCount');
      expect(policy).toMatchObject({
        name: 'acme-us-east-1-aurora-shard-0-reader-cpu',
        policy_type: 'TargetTrackingScaling',
        resource_id: `\${aws_appautoscaling_target.${target}.resource_id}`,
        scalable_dimension: `\${aws_appautoscaling_target.${target}.scalable_dimension}`,
        service_namespace: `\${aws_appautoscaling_target.${target}.service_namespace}`,
        target_tracking_scaling_policy_configuration: {
          predefined_metric_specification: { predefined_metric_type: 'RDSReaderAverageCPUUtilization' },
          target_value: scaling.targetCpuPercent,
          scale_out_cooldown: scaling.scaleOutCooldownSeconds,
          scale_in_cooldown: scaling.scaleInCooldownSeconds,
        },
      });
    });

    it('renders nothing without it', () => {
      expect(resourcesOfType(aurora({ readReplicas: 2 }), 'aws_appautoscaling_target')).toEqual([]);
    });

    it('refuses a ceiling outside the fixed readers to 15, or no fixed reader', () => {
      expect(() => aurora({ readReplicas: 3, readerAutoscaling: { ...scaling, maxReaders: 2 } })).toThrow(
        "test/aurora-shard-0: readerAutoscaling.maxReaders: must be 3–15 (the fixed readers to Aurora's limit), got 2",
      );
      expect(() => aurora({ readReplicas: 0, readerAutoscaling: scaling })).toThrow(
        'test/aurora-shard-0: readerAutoscaling: needs at least one fixed reader (readReplicas ≥ 1), the floor the autoscaler keeps, got 0',
      );
    });
  });

  it('reports every bad prop at once', () => {
    expect(() => aurora({ clusterName: 'Shard_1', engineVersion: '16.x', readReplicas: -1, backupRetentionDays: 36 })).toThrow(
      new Error(
        [
          'test/aurora-shard-0: engineVersion: "16.x" is not a PostgreSQL version (e.g. "16.6" or "16")',
          'test/aurora-shard-0: clusterName: must be lowercase letters, digits and hyphens, starting with a letter, got "Shard_1"',
          'test/aurora-shard-0: readReplicas: must be a whole number 0–15, got -1',
          'test/aurora-shard-0: backupRetentionDays: must be 1–35, got 36',
        ].join('\n'),
      ),
    );
  });
});
