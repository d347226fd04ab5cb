import { Construct } from 'constructs';
import { RedisCache, RedisCacheProps } from '../../../constructs/aws/redis-cache';
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

type Overrides = Partial<Omit<RedisCacheProps, 'network' | 'encryptionKey' | 'alarms' | 'clientSecurityGroups'>>;

function redis(overrides: Overrides = {}, extra?: (cache: RedisCache, scope: Construct) => void): SynthesizedStack {
  return synthWithFoundation(
    (scope, foundation) => {
      const cache = new RedisCache(scope, 'redis', {
        ...foundation,
        namePrefix: NAME_PREFIX,
        mode: 'replicated',
        nodeType: 'cache.r7g.large',
        clientSecurityGroups: [clientGroup(scope, 'app', foundation.network)],
        ...overrides,
      });
      extra?.(cache, scope);
    },
    { zones: TWO_ZONES },
  );
}

function group(stack: SynthesizedStack): Record<string, unknown> {
  const groups = resourcesOfType(stack, 'aws_elasticache_replication_group');
  expect(groups).toHaveLength(1);
  return groups[0];
}

/** Alarms as `metric node threshold`, sorted. */
function alarmSummary(stack: SynthesizedStack): string[] {
  return resourcesOfType(stack, 'aws_cloudwatch_metric_alarm')
    .map((a) => `${a.metric_name} ${(a.dimensions as Record<string, string>).CacheClusterId} ${a.threshold}`)
    .sort();
}

describe('RedisCache', () => {
  it('encrypts at rest with the key and in transit, and authenticates with IAM: no password anywhere', () => {
    const stack = redis();
    const keyArn = keyArnOf(stack);
    const userGroup = logicalName(stack, 'aws_elasticache_user_group', 'user_group_id', 'acme-us-east-1-redis');
    expect(group(stack)).toMatchObject({
      engine: 'redis',
      engine_version: '7.1',
      at_rest_encryption_enabled: 'true',
      kms_key_id: keyArn,
      transit_encryption_enabled: true,
      user_group_ids: [`\${aws_elasticache_user_group.${userGroup}.user_group_id}`],
    });
    expect(group(stack).auth_token).toBeUndefined();
    const users = resourcesOfType(stack, 'aws_elasticache_user');
    expect(users.map((u) => [u.user_id, u.user_name, u.access_string, u.authentication_mode])).toEqual([
      ['acme-us-east-1-redis-app', 'acme-us-east-1-redis-app', 'on ~* &* +@all -@admin', { type: 'iam' }],
      ['acme-us-east-1-redis-default', 'default', 'off -@all', { type: 'no-password-required' }],
    ]);
    expect(users.every((u) => u.passwords === undefined)).toBe(true);
    expect(resourcesOfType(stack, 'aws_secretsmanager_secret')).toHaveLength(0);
  });

  it('snapshots daily, keeps a final snapshot and cannot be destroyed', () => {
    expect(group(redis({ backupRetentionDays: 35 }))).toMatchObject({
      snapshot_retention_limit: 35,
      snapshot_window: '03:00-04:00',
      maintenance_window: 'sun:05:00-sun:06:00',
      final_snapshot_identifier: expect.stringMatching(
        /^acme-us-east-1-redis-final-\$\{formatdate\("YYYYMMDDhhmm", terraform_data\.\S+_created_[0-9A-F]{8}\.output\)\}$/,
      ),
      apply_immediately: false,
      auto_minor_version_upgrade: 'true',
      lifecycle: { prevent_destroy: true },
    });
    expect(group(redis()).snapshot_retention_limit).toBe(7);
  });

  it('runs one node without failover in single mode', () => {
    const rg = group(redis({ mode: 'single' }));
    expect(rg).toMatchObject({ cluster_mode: 'disabled', num_cache_clusters: 1, automatic_failover_enabled: false, multi_az_enabled: false });
    expect(rg.num_node_groups).toBeUndefined();
  });

  it('runs a primary and replicas with Multi-AZ failover in replicated mode', () => {
    const rg = group(redis({ mode: 'replicated', replicasPerShard: 2 }));
    expect(rg).toMatchObject({ cluster_mode: 'disabled', num_cache_clusters: 3, automatic_failover_enabled: true, multi_az_enabled: true });
    expect(rg.num_node_groups).toBeUndefined();
    expect(rg.replicas_per_node_group).toBeUndefined();
  });

  it('shards in cluster mode, with cluster-enabled in its parameter group', () => {
    const stack = redis({ mode: 'cluster', shards: 3, replicasPerShard: 2 });
    const rg = group(stack);
    expect(rg).toMatchObject({
      cluster_mode: 'enabled',
      num_node_groups: 3,
      replicas_per_node_group: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
    });
    expect(rg.num_cache_clusters).toBeUndefined();
    const [parameterGroup] = resourcesOfType(stack, 'aws_elasticache_parameter_group');
    // The name ends in a hash of the arguments that force a replacement (review D5).
    expect(parameterGroup).toMatchObject({ family: 'redis7', name: expect.stringMatching(/^acme-us-east-1-redis7-cluster-[0-9a-f]{8}$/) });
    expect(parameterGroup.parameter).toEqual(
      expect.arrayContaining([
        { name: 'cluster-enabled', value: 'yes' },
        { name: 'maxmemory-policy', value: 'allkeys-lru' },
      ]),
    );
    expect(rg.parameter_group_name).toBe(
      `\${aws_elasticache_parameter_group.${logicalName(stack, 'aws_elasticache_parameter_group', 'family', 'redis7')}.name}`,
    );
  });

  it('evicts least-recently-used keys and leaves cluster mode off outside cluster mode', () => {
    const [parameterGroup] = resourcesOfType(redis({ mode: 'replicated' }), 'aws_elasticache_parameter_group');
    expect(parameterGroup.parameter).toEqual([{ name: 'maxmemory-policy', value: 'allkeys-lru' }]);
  });

  it('sends the slow log to an encrypted log group', () => {
    const stack = redis();
    const logGroup = logicalName(stack, 'aws_cloudwatch_log_group', 'name', '/stagecraft/acme-us-east-1/redis/slow-log');
    expect(stack.resources.aws_cloudwatch_log_group[logGroup].kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    expect(group(stack).log_delivery_configuration).toEqual([
      { destination: `\${aws_cloudwatch_log_group.${logGroup}.name}`, destination_type: 'cloudwatch-logs', log_format: 'json', log_type: 'slow-log' },
    ]);
  });

  it('lives in the data subnets and admits only the client security groups, on 6379', () => {
    const stack = redis({}, (cache, scope) => cache.allowFrom(clientGroup(scope, 'worker'), 'worker'));
    const dataSubnets = dataSubnetIdsOf(stack);
    const [subnetGroup] = resourcesOfType(stack, 'aws_elasticache_subnet_group');
    expect(subnetGroup.subnet_ids).toEqual(dataSubnets);

    const cacheGroup = securityGroupIdOf(stack, 'acme-us-east-1-redis');
    expect(group(stack).security_group_ids).toEqual([cacheGroup]);
    const rules = resourcesOfType(stack, 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => r.referenced_security_group_id).sort()).toEqual(['${aws_security_group.app.id}', '${aws_security_group.worker.id}']);
    for (const rule of rules) {
      expect(rule).toMatchObject({ security_group_id: cacheGroup, ip_protocol: 'tcp', from_port: 6379, to_port: 6379 });
      expect(rule.cidr_ipv4).toBeUndefined();
    }
    const sg = resourceWhere(stack, 'aws_security_group', 'name', 'acme-us-east-1-redis');
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  it('alarms on engine CPU, memory and evictions of the single node, without replication lag', () => {
    expect(alarmSummary(redis({ mode: 'single' }))).toEqual([
      'DatabaseMemoryUsagePercentage acme-us-east-1-redis-001 80',
      'EngineCPUUtilization acme-us-east-1-redis-001 80',
      'Evictions acme-us-east-1-redis-001 0',
    ]);
  });

  it('alarms on every node, replication lag included, once there are replicas', () => {
    const stack = redis({ mode: 'cluster', shards: 2, replicasPerShard: 1 });
    const summary = alarmSummary(stack);
    expect(summary).toHaveLength(2 * 2 * 4);
    expect(summary).toEqual(
      expect.arrayContaining([
        'ReplicationLag acme-us-east-1-redis-0001-002 1',
        'ReplicationLag acme-us-east-1-redis-0002-001 1',
        'EngineCPUUtilization acme-us-east-1-redis-0002-002 80',
        'Evictions acme-us-east-1-redis-0001-001 0',
      ]),
    );
    const evictions = resourcesOfType(stack, 'aws_cloudwatch_metric_alarm').filter((a) => a.metric_name === 'Evictions');
    expect(evictions.every((a) => a.statistic === 'Sum' && a.period === 300 && a.comparison_operator === 'GreaterThanThreshold')).toBe(true);
    expect(alarmSummary(redis({ mode: 'replicated', replicasPerShard: 1 }))).toEqual(
      expect.arrayContaining(['ReplicationLag acme-us-east-1-redis-001 1', 'ReplicationLag acme-us-east-1-redis-002 1']),
    );
  });

  describe('shard autoscaling', () => {
    const scaling = { minShards: 3, maxShards: 15, targetMemoryPercent: 80, scaleOutCooldownSeconds: 600, scaleInCooldownSeconds: 1800 };

    it('registers the shard count with Application Auto Scaling and tracks memory', () => {
      const stack = redis({ mode: 'cluster', nodeType: 'cache.r6g.large', shards: 3, replicasPerShard: 1, shardAutoscaling: scaling });
      const replicationGroup = logicalName(stack, 'aws_elasticache_replication_group', 'replication_group_id', 'acme-us-east-1-redis');
      const [target] = resourcesOfType(stack, 'aws_appautoscaling_target');
      expect(target).toMatchObject({
        service_namespace: 'elasticache',
        scalable_dimension: 'elasticache:replication-group:NodeGroups',
        resource_id: `replication-group/\${aws_elasticache_replication_group.${replicationGroup}.replication_group_id}`,
        min_capacity: scaling.minShards,
        max_capacity: scaling.maxShards,
      });
      const [policy] = resourcesOfType(stack, 'aws_appautoscaling_policy');
      expect(policy).toMatchObject({
        name: 'acme-us-east-1-redis-memory',
        policy_type: 'TargetTrackingScaling',
        target_tracking_scaling_policy_configuration: {
          predefined_metric_specification: { predefined_metric_type: 'ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage' },
          target_value: scaling.targetMemoryPercent,
          scale_out_cooldown: scaling.scaleOutCooldownSeconds,
          scale_in_cooldown: scaling.scaleInCooldownSeconds,
        },
      });
    });

    it('leaves the shard count to the autoscaler once created, and stays protected', () => {
      const rg = group(redis({ mode: 'cluster', shards: 3, replicasPerShard: 1, shardAutoscaling: scaling }));
      expect(rg).toMatchObject({ num_node_groups: 3, lifecycle: { ignore_changes: ['num_node_groups'], prevent_destroy: true } });
      expect(group(redis({ mode: 'cluster', shards: 3, replicasPerShard: 1 })).lifecycle).toEqual({ prevent_destroy: true });
    });

    it('refuses autoscaling outside cluster mode or a range that does not hold the shards', () => {
      expect(() => redis({ mode: 'replicated', shardAutoscaling: scaling })).toThrow(
        new Error(
          [
            'test/redis: shardAutoscaling: needs mode "cluster" (ElastiCache scales sharded groups only), got "replicated"',
            'test/redis: shardAutoscaling: shards (1) must lie within minShards–maxShards, got 3–15',
          ].join('\n'),
        ),
      );
    });
  });

  it('reports every bad prop at once', () => {
    expect(() => redis({ mode: 'single', shards: 2, replicasPerShard: 1, backupRetentionDays: 36 })).toThrow(
      new Error(
        [
          'test/redis: shards: mode "single" has one shard, got 2',
          'test/redis: replicasPerShard: mode "single" has no replicas, got 1',
          'test/redis: backupRetentionDays: must be 0–35, got 36',
        ].join('\n'),
      ),
    );
    expect(() => redis({ mode: 'cluster', shards: 0, replicasPerShard: 0 })).toThrow(
      new Error(
        ['test/redis: shards: must be a whole number 1–500, got 0', 'test/redis: replicasPerShard: mode "cluster" fails over to a replica, so 1–5, got 0'].join(
          '\n',
        ),
      ),
    );
  });
});
