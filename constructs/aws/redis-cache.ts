import { Construct } from 'constructs';
import { EXPECTED_FAILOVER, FAILOVER_TAG } from '../shared/failover';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AlarmTopic } from './alarm-topic';
import { ClientAccess } from './client-access';
import { encryptedLogGroup } from './encrypted-log-group';
import { EncryptionKey } from './encryption-key';
import { ElasticacheUser } from '@cdktf/provider-aws/lib/elasticache-user';
import { ElasticacheUserGroup } from '@cdktf/provider-aws/lib/elasticache-user-group';
import { Network } from './network';
import { preventDestroy, resourceName } from '../shared/protection';
import { SecurityGroupRef } from './security-group-ref';
import { TargetTrackingScaling } from './target-tracking-scaling';
import { checkProps } from '../shared/validation';
import { creationStamp } from '../shared/creation-stamp';
import { createHash } from 'node:crypto';
import { suppress } from '../../policies/suppress';
import { CreateBeforeDestroyFixedName } from '../../policies/rules/preflight/CreateBeforeDestroyFixedName';

const REDIS_PORT = 6379;

/** How the cache is laid out: one node, a primary with replicas, or sharded (cluster mode). */
export type RedisCacheMode = 'single' | 'replicated' | 'cluster';

/**
 * Shards added and removed by Application Auto Scaling to keep memory use (counted for
 * eviction) at a target. Cluster mode only, on node types ElastiCache scales.
 */
export interface ShardAutoscaling {
  /** Fewest shards, at most `shards`. */
  readonly minShards: number;
  /** Most shards, at least `shards`. */
  readonly maxShards: number;
  /** Memory use to keep, percent. */
  readonly targetMemoryPercent: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
}

/** Props of a RedisCache. */
export interface RedisCacheProps {
  /** Prefix of every name, `<env>-<region>`. */
  readonly namePrefix: string;
  /** The nodes go into the network's data subnets. */
  readonly network: Network;
  /** Key for data at rest, the auth token secret and the slow log. */
  readonly encryptionKey: EncryptionKey;
  /** Topic the cache's alarms notify. */
  readonly alarms: AlarmTopic;
  /** Layout; `replicated` and `cluster` fail over automatically across zones. */
  readonly mode: RedisCacheMode;
  /** ElastiCache node type, e.g. `cache.r7g.large`. */
  readonly nodeType: string;
  /** Shards (node groups); more than 1 only in `cluster` mode. @default 1 */
  readonly shards?: number;
  /** Replicas of each primary (1–5) in `replicated` and `cluster` modes; `single` has none. @default 1 */
  readonly replicasPerShard?: number;
  /** Days daily snapshots are kept (0–35; 0 turns them off). @default 7 */
  readonly backupRetentionDays?: number;
  /** Daily snapshot window, `hh:mm-hh:mm` UTC. @default "03:00-04:00" */
  readonly snapshotWindowUtc?: string;
  /** Weekly maintenance window, `ddd:hh:mm-ddd:hh:mm` UTC, clear of the snapshot window. @default "sun:05:00-sun:06:00" */
  readonly maintenanceWindowUtc?: string;
  /** Days the slow log is kept. @default 30 */
  readonly slowLogRetentionDays?: number;
  /**
   * Security groups allowed to connect on 6379; rules are keyed by position. Groups that
   * exist only later are added with `allowFrom`. @default none
   */
  readonly clientSecurityGroups?: readonly SecurityGroupRef[];
  /**
   * Shard autoscaling (`cluster` mode only). Terraform then creates `shards` and ignores later
   * changes of the shard count, which belong to the autoscaler. @default the shards stay as built
   */
  readonly shardAutoscaling?: ShardAutoscaling;
}

/**
 * ElastiCache for Redis 7.1 as one replication group in every mode, in the data subnets
 * behind its own security group. Encrypted at rest (KMS) and in transit, LRU eviction, daily
 * snapshots and a final snapshot. Clients authenticate with IAM (ElastiCache RBAC): one
 * application user with `authentication_mode iam`, and the `default` user every user group must
 * hold switched off. No password exists, so none reaches Terraform state (an AUTH token has no
 * write-only argument in the AWS provider: it would sit in state in plain text).
 */
export class RedisCache extends Construct {
  readonly replicationGroup: ElasticacheReplicationGroup;
  readonly securityGroup: SecurityGroup;
  readonly subnetGroup: ElasticacheSubnetGroup;
  readonly parameterGroup: ElasticacheParameterGroup;
  /** The user clients connect as, with an IAM auth token (SigV4, `elasticache:Connect`). */
  readonly appUser: ElasticacheUser;
  /** The group's `default` user, switched off (`off -@all`): no connection without IAM. */
  readonly defaultUser: ElasticacheUser;
  readonly userGroup: ElasticacheUserGroup;
  /** The replication group ID, which IAM auth tokens are signed for. */
  readonly cacheName: string;
  readonly slowLogGroup: CloudwatchLogGroup;
  readonly ingressRules: VpcSecurityGroupIngressRule[];
  readonly metricAlarms: CloudwatchMetricAlarm[] = [];
  /** The shard autoscaling target and policy, when `shardAutoscaling` is given. */
  readonly shardScaling?: TargetTrackingScaling;
  /** Where clients connect: the primary endpoint, or the configuration endpoint in cluster mode. */
  readonly endpoint: string;
  /** The endpoint that balances over the replicas; none in cluster mode, where clients route themselves. */
  readonly readerEndpoint?: string;
  readonly port = REDIS_PORT;

  private readonly clientAccess: ClientAccess;

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);
    const mode = props.mode;
    const shards = props.shards ?? 1;
    const replicasPerShard = props.replicasPerShard ?? (mode === 'single' ? 0 : 1);
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    const snapshotWindowUtc = props.snapshotWindowUtc ?? '03:00-04:00';
    const maintenanceWindowUtc = props.maintenanceWindowUtc ?? 'sun:05:00-sun:06:00';
    const slowLogRetentionDays = props.slowLogRetentionDays ?? 30;

    checkProps(this, [
      { failed: mode !== 'cluster' && shards !== 1, message: `shards: mode "${mode}" has one shard, got ${shards}` },
      { failed: !(Number.isInteger(shards) && shards >= 1 && shards <= 500), message: `shards: must be a whole number 1–500, got ${shards}` },
      { failed: mode === 'single' && replicasPerShard !== 0, message: `replicasPerShard: mode "single" has no replicas, got ${replicasPerShard}` },
      {
        failed: mode !== 'single' && !(Number.isInteger(replicasPerShard) && replicasPerShard >= 1 && replicasPerShard <= 5),
        message: `replicasPerShard: mode "${mode}" fails over to a replica, so 1–5, got ${replicasPerShard}`,
      },
      {
        failed: !(Number.isInteger(backupRetentionDays) && backupRetentionDays >= 0 && backupRetentionDays <= 35),
        message: `backupRetentionDays: must be 0–35, got ${backupRetentionDays}`,
      },
      {
        failed: props.shardAutoscaling !== undefined && mode !== 'cluster',
        message: `shardAutoscaling: needs mode "cluster" (ElastiCache scales sharded groups only), got "${mode}"`,
      },
      {
        failed: props.shardAutoscaling !== undefined && !(props.shardAutoscaling.minShards <= shards && shards <= props.shardAutoscaling.maxShards),
        message: `shardAutoscaling: shards (${shards}) must lie within minShards–maxShards, got ${props.shardAutoscaling?.minShards}–${props.shardAutoscaling?.maxShards}`,
      },
    ]);

    // Replication group ids are at most 40 characters.
    const name = resourceName(props.namePrefix, 'redis', 40).toLowerCase();
    const failover = mode !== 'single';

    this.clientAccess = new ClientAccess(this, {
      name,
      service: 'Redis',
      network: props.network,
      clientPorts: REDIS_PORT,
      clientSecurityGroups: props.clientSecurityGroups,
    });
    this.securityGroup = this.clientAccess.securityGroup;
    this.ingressRules = this.clientAccess.ingressRules;

    this.subnetGroup = new ElasticacheSubnetGroup(this, 'subnet-group', {
      name,
      description: 'Redis in the data subnets',
      subnetIds: props.network.dataSubnets.map((s) => s.id),
    });

    // cluster-enabled cannot change on a group in use: each layout has its own group, and a
    // new one is created before the old goes. ElastiCache has no name prefix, so the name ends
    // in a hash of every argument that forces a replacement: a replacement gets a new name (review D5).
    const family = 'redis7';
    const description = 'LRU eviction over all keys, never noeviction';
    const layoutName = mode === 'cluster' ? `${name}7-cluster` : `${name}7`;
    this.parameterGroup = new ElasticacheParameterGroup(this, 'parameter-group', {
      name: `${layoutName}-${createHash('sha256')
        .update(JSON.stringify([layoutName, family, description]))
        .digest('hex')
        .slice(0, 8)}`,
      family,
      description,
      parameter: [{ name: 'maxmemory-policy', value: 'allkeys-lru' }, ...(mode === 'cluster' ? [{ name: 'cluster-enabled', value: 'yes' }] : [])],
      lifecycle: { createBeforeDestroy: true },
    });
    suppress(
      this.parameterGroup,
      CreateBeforeDestroyFixedName,
      'ElastiCache parameter groups take no name_prefix; the name ends in a hash of name, family and description, every argument that forces a replacement, so a replacement always gets a new name',
    );

    // IAM users need user_id equal to user_name; IDs are 1–40 letters, digits and hyphens.
    const appUserName = resourceName(props.namePrefix, 'redis-app', 40).toLowerCase();
    this.appUser = new ElasticacheUser(this, 'app-user', {
      userId: appUserName,
      userName: appUserName,
      engine: 'redis',
      // Every key and channel; no administrative commands (CONFIG, DEBUG, ACL, SHUTDOWN...).
      accessString: 'on ~* &* +@all -@admin',
      authenticationMode: { type: 'iam' },
    });
    this.defaultUser = new ElasticacheUser(this, 'default-user', {
      userId: resourceName(props.namePrefix, 'redis-default', 40).toLowerCase(),
      userName: 'default',
      engine: 'redis',
      accessString: 'off -@all',
      authenticationMode: { type: 'no-password-required' },
    });
    this.userGroup = new ElasticacheUserGroup(this, 'user-group', {
      userGroupId: resourceName(props.namePrefix, 'redis', 40).toLowerCase(),
      engine: 'redis',
      userIds: [this.defaultUser.userId, this.appUser.userId],
    });
    this.cacheName = name;

    this.slowLogGroup = encryptedLogGroup(this, 'slow-log', {
      name: `/stagecraft/${props.namePrefix}/redis/slow-log`,
      retentionDays: slowLogRetentionDays,
      encryptionKey: props.encryptionKey,
    });

    const layout =
      mode === 'cluster'
        ? { clusterMode: 'enabled', numNodeGroups: shards, replicasPerNodeGroup: replicasPerShard }
        : { clusterMode: 'disabled', numCacheClusters: 1 + replicasPerShard };

    this.replicationGroup = preventDestroy(
      new ElasticacheReplicationGroup(this, 'replication-group', {
        replicationGroupId: name,
        description: `Redis cache of ${props.namePrefix} (${mode})`,
        engine: 'redis',
        engineVersion: '7.1',
        nodeType: props.nodeType,
        port: REDIS_PORT,
        ...layout,
        automaticFailoverEnabled: failover,
        multiAzEnabled: failover,
        tags: failover ? { [FAILOVER_TAG]: EXPECTED_FAILOVER.elasticache } : undefined,
        parameterGroupName: this.parameterGroup.name,
        subnetGroupName: this.subnetGroup.name,
        securityGroupIds: [this.securityGroup.id],
        atRestEncryptionEnabled: 'true',
        kmsKeyId: props.encryptionKey.arn,
        transitEncryptionEnabled: true,
        userGroupIds: [this.userGroup.userGroupId],
        snapshotRetentionLimit: backupRetentionDays,
        snapshotWindow: snapshotWindowUtc,
        maintenanceWindow: maintenanceWindowUtc,
        // Stamped with the creation time: a recreated group's snapshot does not collide with the last one's (review M8).
        finalSnapshotIdentifier: `${name}-final-${creationStamp(this)}`,
        applyImmediately: false,
        autoMinorVersionUpgrade: 'true',
        logDeliveryConfiguration: [{ destination: this.slowLogGroup.name, destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'slow-log' }],
        // The autoscaler owns the shard count once the group exists; Terraform would undo it.
        lifecycle: props.shardAutoscaling ? { ignoreChanges: ['num_node_groups'] } : undefined,
      }),
    );
    this.endpoint = mode === 'cluster' ? this.replicationGroup.configurationEndpointAddress : this.replicationGroup.primaryEndpointAddress;
    this.readerEndpoint = mode === 'cluster' ? undefined : this.replicationGroup.readerEndpointAddress;

    const scaling = props.shardAutoscaling;
    if (scaling) {
      this.shardScaling = new TargetTrackingScaling(this, 'shard-scaling', {
        policyName: `${name}-memory`,
        serviceNamespace: 'elasticache',
        resourceId: `replication-group/${this.replicationGroup.replicationGroupId}`,
        scalableDimension: 'elasticache:replication-group:NodeGroups',
        minCapacity: scaling.minShards,
        maxCapacity: scaling.maxShards,
        predefinedMetric: 'ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage',
        targetPercent: scaling.targetMemoryPercent,
        scaleOutCooldownSeconds: scaling.scaleOutCooldownSeconds,
        scaleInCooldownSeconds: scaling.scaleInCooldownSeconds,
      });
    }

    // ElastiCache reports per node; member ids are `<group>-001…` or, sharded, `<group>-0001-001…`.
    const nodeSuffixes: string[] = [];
    for (let shard = 1; shard <= (mode === 'cluster' ? shards : 1); shard++) {
      for (let node = 1; node <= 1 + replicasPerShard; node++) {
        const nodeId = String(node).padStart(3, '0');
        nodeSuffixes.push(mode === 'cluster' ? `${String(shard).padStart(4, '0')}-${nodeId}` : nodeId);
      }
    }
    for (const suffix of nodeSuffixes) {
      const node = `${name}-${suffix}`;
      const alarm = (
        metric: string,
        what: string,
        spec: { threshold: number; statistic?: 'Sum' | 'Maximum'; periodSeconds?: number; evaluationPeriods?: number },
      ) =>
        this.metricAlarms.push(
          props.alarms.alarm(this, `node-${suffix}-${what}`, {
            alarmName: `${node}-${what}`,
            description: `Redis node ${node}: ${metric} above ${spec.threshold}.`,
            namespace: 'AWS/ElastiCache',
            metricName: metric,
            dimensions: { CacheClusterId: node },
            comparison: 'GreaterThanThreshold',
            ...spec,
          }),
        );
      alarm('EngineCPUUtilization', 'engine-cpu', { threshold: 80 });
      alarm('DatabaseMemoryUsagePercentage', 'memory', { threshold: 80 });
      alarm('Evictions', 'evictions', { threshold: 0, statistic: 'Sum', periodSeconds: 300, evaluationPeriods: 1 });
      // On every node: a failover swaps roles, and the primary reports no lag (its alarm stays without data).
      if (failover) alarm('ReplicationLag', 'replication-lag', { threshold: 1, statistic: 'Maximum' });
    }
  }

  /** Lets `sg` connect on 6379. `id` names the rule and must be unique in this construct. */
  allowFrom(sg: SecurityGroupRef, id: string): VpcSecurityGroupIngressRule {
    return this.clientAccess.allowPort(sg, id, REDIS_PORT);
  }
}
