/**
 * One function per data component, sized from the blueprint. Stage composers call the
 * ones their stage has, so each `stacks/<stage>.ts` reads like its row of the stage table.
 */
import { TerraformOutput } from 'cdktf';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { Route53ZoneAssociation } from '@cdktf/provider-aws/lib/route53-zone-association';
import { AppHost } from '../constructs/app-host';
import { AuroraPostgres } from '../constructs/aurora-postgres';
import { CockroachCertificateAuthority } from '../constructs/cockroach-certificate-authority';
import { CockroachJoinEndpoint } from '../constructs/cockroach-join-endpoint';
import { CockroachPodIdentity } from '../constructs/cockroach-pod-identity';
import { DataBucket } from '../constructs/data-bucket';
import { KafkaCluster } from '../constructs/kafka-cluster';
import { PostgresInstance } from '../constructs/postgres-instance';
import { RabbitMqBroker } from '../constructs/rabbitmq-broker';
import { RedisCache } from '../constructs/redis-cache';
import { SearchDomain } from '../constructs/search-domain';
import { SecurityGroupRef } from '../constructs/security-group-ref';
import {
  backupBucketBaseName,
  caSecretNames,
  COCKROACH_CA_WRITER_SERVICE_ACCOUNT,
  COCKROACH_JOIN_NODE_PORT,
  COCKROACH_NAMESPACE,
  COCKROACH_SERVICE_ACCOUNT,
  COCKROACH_SQL_PORT,
  joinZoneName,
  regionJoinHost,
} from '../services/platform/cockroachdb/names';
import { ClusterCompute } from './cluster';
import { RegionalStack } from './regional-stack';

function commonProps(stack: RegionalStack) {
  const f = stack.foundation;
  return { namePrefix: f.namePrefix, network: f.network, encryptionKey: f.encryptionKey, alarms: f.alarms };
}

function required<T>(value: T | undefined, stack: RegionalStack, component: string): T {
  if (value === undefined) throw new Error(`${stack.foundation.blueprint.stage} blueprint has no ${component}`);
  return value;
}

/** Application hosts of single-host stages; each publishes its IP for the edge stack. */
export function addAppHosts(stack: RegionalStack): AppHost[] {
  const f = stack.foundation;
  const hosts = required(f.blueprint.hosts, stack, 'hosts');
  return Array.from({ length: hosts.count }, (_, index) => {
    const host = new AppHost(stack, `host-${index}`, {
      namePrefix: f.namePrefix,
      index,
      network: f.network,
      encryptionKey: f.encryptionKey,
      alarms: f.alarms,
      region: f.region.code,
      instanceType: hosts.instanceType,
      rootVolumeGiB: hosts.rootVolumeGiB,
      dataVolumeGiB: hosts.dataVolumeGiB,
      webIngressPrefixListId: f.cloudflarePrefixList.id,
    });
    stack.origin.hostIps.push(host.publicIp.publicIp);
    return host;
  });
}

/** RDS PostgreSQL: a primary (Multi-AZ from growth on) and its read replicas. */
export function addPostgresInstance(stack: RegionalStack, clients: readonly SecurityGroupRef[]): PostgresInstance {
  const postgres = required(stack.foundation.blueprint.postgres, stack, 'postgres');
  const database = new PostgresInstance(stack, 'postgres', {
    ...commonProps(stack),
    engineVersion: postgres.engineVersion,
    instanceClass: postgres.instanceClass,
    storageGiB: postgres.storageGiB,
    multiAz: postgres.multiAz,
    readReplicas: postgres.readReplicas,
    backupRetentionDays: stack.foundation.blueprint.backupRetentionDays,
    clientSecurityGroups: clients,
  });
  new TerraformOutput(stack, 'postgres_endpoint', { value: database.endpoint });
  return database;
}

/** Aurora PostgreSQL: one cluster per shard, each a writer plus readers. */
export function addAuroraShards(stack: RegionalStack, clients: readonly SecurityGroupRef[]): AuroraPostgres[] {
  const postgres = required(stack.foundation.blueprint.postgres, stack, 'postgres');
  // Seed 002 §10: readers scale per shard; the Blueprint's readers are the rule's floor.
  const scaling = stack.foundation.blueprint.autoscaling?.auroraReplicas;
  const shards = Array.from({ length: postgres.shards }, (_, shard) => {
    const suffix = postgres.shards === 1 ? 'aurora' : `aurora-shard-${shard}`;
    return new AuroraPostgres(stack, suffix, {
      ...commonProps(stack),
      clusterName: suffix,
      engineVersion: postgres.engineVersion,
      instanceClass: postgres.instanceClass,
      readReplicas: postgres.readReplicas,
      backupRetentionDays: stack.foundation.blueprint.backupRetentionDays,
      clientSecurityGroups: clients,
      readerAutoscaling: scaling && {
        maxReaders: scaling.max,
        targetCpuPercent: scaling.targetPercent,
        scaleOutCooldownSeconds: scaling.scaleOutCooldownSeconds,
        scaleInCooldownSeconds: scaling.scaleInCooldownSeconds,
      },
    });
  });
  new TerraformOutput(stack, 'postgres_shard_endpoints', { value: shards.map((s) => s.endpoint) });
  return shards;
}

export function addRedis(stack: RegionalStack, clients: readonly SecurityGroupRef[]): RedisCache {
  const redis = stack.foundation.blueprint.redis;
  if (redis.mode === 'on-host') throw new Error('Redis runs on the host at this stage');
  const scaling = stack.foundation.blueprint.autoscaling?.redisShards;
  const cache = new RedisCache(stack, 'redis', {
    ...commonProps(stack),
    mode: redis.mode,
    nodeType: redis.nodeType,
    shards: redis.shards,
    replicasPerShard: redis.replicasPerShard,
    backupRetentionDays: stack.foundation.blueprint.backupRetentionDays,
    clientSecurityGroups: clients,
    shardAutoscaling: scaling && {
      minShards: scaling.minShards,
      maxShards: scaling.maxShards,
      targetMemoryPercent: scaling.targetPercent,
      scaleOutCooldownSeconds: scaling.scaleOutCooldownSeconds,
      scaleInCooldownSeconds: scaling.scaleInCooldownSeconds,
    },
  });
  new TerraformOutput(stack, 'redis_auth_secret_arn', { value: cache.authToken.secret.arn });
  return cache;
}

export function addRabbitMq(stack: RegionalStack, clients: readonly SecurityGroupRef[]): RabbitMqBroker {
  const rabbitmq = required(stack.foundation.blueprint.rabbitmq, stack, 'rabbitmq');
  return new RabbitMqBroker(stack, 'rabbitmq', {
    ...commonProps(stack),
    deployment: rabbitmq.deployment,
    instanceType: rabbitmq.instanceType,
    clientSecurityGroups: clients,
  });
}

export function addSearch(stack: RegionalStack, clients: readonly SecurityGroupRef[]): SearchDomain {
  const search = required(stack.foundation.blueprint.search, stack, 'search');
  return new SearchDomain(stack, 'search', {
    ...commonProps(stack),
    instanceType: search.instanceType,
    dataNodes: search.dataNodes,
    volumeGiB: search.volumeGiB,
    dedicatedMasters: search.dedicatedMasters,
    clientSecurityGroups: clients,
  });
}

export function addKafka(stack: RegionalStack, clients: readonly SecurityGroupRef[]): KafkaCluster {
  const kafka = required(stack.foundation.blueprint.kafka, stack, 'kafka');
  return new KafkaCluster(stack, 'kafka', {
    ...commonProps(stack),
    instanceType: kafka.instanceType,
    brokers: kafka.brokers,
    volumeGiB: kafka.volumeGiB,
    clientSecurityGroups: clients,
  });
}

/** The bucket CockroachDB's scheduled backups write to (the StatefulSet lives in the apps stack). */
export function addCockroachBackupBucket(stack: RegionalStack): DataBucket {
  const f = stack.foundation;
  const bucket = new DataBucket(stack, 'cockroachdb-backups', {
    bucketName: backupBucketBaseName(f.environment.name, f.region.code),
    nameSuffix: f.encryptionKey.accountId,
    encryptionKey: f.encryptionKey,
    accessLogBucket: f.logs,
    tiering: { infrequentAccessAfterDays: 30, glacierAfterDays: 90 },
  });
  new TerraformOutput(stack, 'cockroachdb_backup_bucket', { value: bucket.bucket.bucket });
  return bucket;
}

/** What the regional stack builds for CockroachDB; the Kubernetes side is `cockroachObjects`. */
export interface CockroachResources {
  readonly backups: DataBucket;
  readonly certificateAuthority: CockroachCertificateAuthority;
  readonly identity: CockroachPodIdentity;
  /** Several regions only. */
  readonly joinZone?: Route53Zone;
  readonly joinEndpoint?: CockroachJoinEndpoint;
}

/** The join zone each massive environment's first region creates, for the later regions to associate with. */
const joinZones = new WeakMap<RegionalStack, Route53Zone>();

/**
 * CockroachDB's AWS side in one region: the backup bucket, the region's CA secrets (empty until
 * the CA bootstrap Job fills them), the pods' Pod Identity, and with several regions a join
 * endpoint (internal NLB) named in a private hosted zone the first region creates and every
 * later region associates its VPC with. `earlierRegions` are the stacks before this one.
 */
export function addCockroach(stack: RegionalStack, compute: ClusterCompute, earlierRegions: readonly RegionalStack[] = []): CockroachResources {
  const f = stack.foundation;
  const env = f.environment;
  const pool = required(compute.cockroachPool, stack, 'cockroachdb node pool');
  const backups = addCockroachBackupBucket(stack);
  const caSecrets = (code: string) => ({ region: code, ...caSecretNames(`${env.name}-${code}`) });
  const certificateAuthority = new CockroachCertificateAuthority(stack, 'cockroachdb-ca', {
    secretNames: caSecretNames(f.namePrefix),
    encryptionKey: f.encryptionKey,
  });
  const firstRegion = f.region.primary;
  const identity = new CockroachPodIdentity(stack, 'cockroachdb-identity', {
    cluster: compute.eks,
    namePrefix: f.namePrefix,
    encryptionKey: f.encryptionKey,
    namespace: COCKROACH_NAMESPACE,
    serviceAccount: COCKROACH_SERVICE_ACCOUNT,
    caSecrets: caSecrets(f.region.code),
    backupBuckets: env.regions.map((r) => ({ region: r.code, bucket: `${backupBucketBaseName(env.name, r.code)}-${f.encryptionKey.accountId}` })),
    caWriter: firstRegion ? { serviceAccount: COCKROACH_CA_WRITER_SERVICE_ACCOUNT, secrets: env.regions.map((r) => caSecrets(r.code)) } : undefined,
  });
  if (env.regions.length < 2) return { backups, certificateAuthority, identity };

  let joinZone: Route53Zone;
  if (firstRegion) {
    joinZone = new Route53Zone(stack, 'cockroachdb-join-zone', {
      name: joinZoneName(env.name),
      comment: `${env.name}: CockroachDB join names, resolvable in every region's VPC`,
      vpc: [{ vpcId: f.network.vpc.id, vpcRegion: f.region.code }],
      // Later regions associate their VPCs with aws_route53_zone_association.
      lifecycle: { ignoreChanges: ['vpc'] },
    });
    joinZones.set(stack, joinZone);
  } else {
    const first = earlierRegions[0];
    joinZone = required(first && joinZones.get(first), stack, 'CockroachDB join zone in the first region');
    new Route53ZoneAssociation(stack, 'cockroachdb-join-zone-association', { zoneId: joinZone.zoneId, vpcId: f.network.vpc.id, vpcRegion: f.region.code });
  }
  const joinEndpoint = new CockroachJoinEndpoint(stack, 'cockroachdb-join', {
    namePrefix: f.namePrefix,
    network: f.network,
    nodePool: pool,
    nodeSecurityGroupId: compute.eks.nodeSecurityGroupId,
    nodePort: COCKROACH_JOIN_NODE_PORT,
    port: COCKROACH_SQL_PORT,
    vpcCidrs: env.regions.map((r) => r.vpcCidr),
    zone: { zoneId: joinZone.zoneId, recordName: regionJoinHost(env.name, f.region.code) },
  });
  new TerraformOutput(stack, 'cockroachdb_join_host', { value: joinEndpoint.record.fqdn });
  return { backups, certificateAuthority, identity, joinZone, joinEndpoint };
}
