/**
 * One function per data component, sized from the blueprint. Stage composers call the
 * ones their stage has, so each `stacks/<stage>.ts` reads like its row of the stage table.
 */
import { Fn, TerraformOutput } from 'cdktf';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { Route53ZoneAssociation } from '@cdktf/provider-aws/lib/route53-zone-association';
import { AppHost } from '../constructs/aws/app-host';
import { AuroraPostgres } from '../constructs/aws/aurora-postgres';
import { CockroachCertificateAuthority } from '../constructs/cockroachdb/certificate-authority';
import { CockroachJoinEndpoint } from '../constructs/cockroachdb/join-endpoint';
import { CockroachPodIdentity } from '../constructs/cockroachdb/pod-identity';
import { ManagedClusterConnection } from '../constructs/cockroachdb/managed-cluster-connection';
import { DataBucket } from '../constructs/aws/data-bucket';
import { KafkaCluster } from '../constructs/aws/kafka-cluster';
import { POSTGRES_PORT, PostgresInstance } from '../constructs/aws/postgres-instance';
import { RabbitMqBroker } from '../constructs/aws/rabbitmq-broker';
import { RedisCache } from '../constructs/aws/redis-cache';
import { SEARCH_CLIENT_ACTIONS, SearchDomain } from '../constructs/aws/search-domain';
import { searchIndexPrefix } from '../services/platform/operations-jobs';
import { SecurityGroupRef } from '../constructs/aws/security-group-ref';
import {
  backupBucketBaseName,
  backupBucketName,
  caSecretNames,
  COCKROACH_CA_WRITER_SERVICE_ACCOUNT,
  COCKROACH_JOIN_NODE_PORT,
  COCKROACH_NAMESPACE,
  COCKROACH_SERVICE_ACCOUNT,
  COCKROACH_SQL_PORT,
  joinZoneName,
  regionJoinHost,
} from '../services/platform/cockroachdb/names';
import { backupObjectExpiryDays } from '../services/platform/cockroachdb/sql';
import {
  CLIENT_CERTS_MOUNT,
  clientCertificateSecret,
  cockroachUser,
  COCKROACH_CLIENT_CERTS_SERVICE_ACCOUNT,
} from '../services/platform/cockroachdb/client-certificates';
import { PRODUCT_DATABASE } from '../services/platform/cockroachdb/placement';
import { POSTGRES_DATABASE } from '../services/platform/database-users';
import { databaseUserName } from '../config/database-user';
import { POOLER_HOST, PoolerDatabase } from '../services/kubernetes/pooler';
import { pooledDatabase } from './pooler';
import { DataStoreEndpoint, ServiceCredential } from '../constructs/shared/data-store-endpoints';
import { hostDatabaseCredentials } from './host-services';
import { Broker, brokersOf, topicsOn, usesBroker } from '../config/components';
import { POSTGRES_CLIENT_IMAGE } from '../services/platform/operations-jobs';
import { GeneratedSecret } from '../constructs/aws/generated-secret';
import {
  KAFKA_DEAD_LETTER_SUFFIX,
  kafkaWrittenTopics,
  QUEUE_CONSUMES_SUFFIX,
  QUEUE_PRODUCES_SUFFIX,
  queueVariablePrefix,
  rabbitMqUsername,
} from '../services/platform/queue-topology';
import { ServiceDefinition } from '../config/service-definition';
import { ClusterCompute } from './cluster';
import { RegionalStack } from './regional-stack';
import { subnetCidr } from '../config/environment';
import { replicatesPrimaryDatabase } from './database-replication';
import { resourceName } from '../constructs/shared/protection';
import { regionalStackName } from './stack-names';
import { secretReplicaRegions } from './secret-replicas';

/**
 * Active-passive regions (components.regions, docs/components.md): the first region's database
 * writes; every other region's is a standby that replicates it and is promoted on failover.
 * Undefined in the primary region and with one region.
 */
function standbyOfPrimary(stack: RegionalStack): { readonly primaryRegion: string } | undefined {
  const f = stack.foundation;
  if (!replicatesPrimaryDatabase(f.blueprint, f.environment) || f.region.primary) return undefined;
  return { primaryRegion: f.environment.regions[0].code };
}

/** The Aurora Global Database a shard's clusters join, when the regions replicate the first one's. */
function auroraGlobal(stack: RegionalStack, clusterName: string) {
  const f = stack.foundation;
  if (!replicatesPrimaryDatabase(f.blueprint, f.environment)) return undefined;
  return { identifier: resourceName(f.environment.name, clusterName).toLowerCase(), role: f.region.primary ? ('primary' as const) : ('secondary' as const) };
}
import { cacheUserArn, kafkaClusterArn, replicationGroupArn, ServiceManagedSecret } from '../constructs/shared/arn';
import { describeShardList } from '../config/shard-homes';

function commonProps(stack: RegionalStack) {
  const f = stack.foundation;
  return { namePrefix: f.namePrefix, network: f.network, encryptionKey: f.encryptionKey, alarms: f.alarms };
}

/** The data subnets of the stack's region: where every managed data store listens. */
function dataSubnetCidrs(stack: RegionalStack): string[] {
  const region = stack.foundation.region;
  return region.availabilityZoneIds.map((_, zone) => subnetCidr(region.vpcCidr, 'data', zone));
}

/**
 * On a cluster stage, every service logs in to PostgreSQL as its own user through IAM database
 * authentication (services/platform/database-users.ts): its role may `rds-db:connect` as that
 * user, and the pods ask for a 15-minute token per connection, so no password exists. The master
 * secret stays with the `database-users` Job that creates the users (`stack.databaseAdmin`).
 * The grant names the user on any database of the account and region, with `*` in place of the
 * resource id in `dbuser:<resource id>/<user>`, as the RDS User Guide documents ("Creating and
 * using an IAM policy for IAM database access": it "matches all of the DB instances for a
 * particular AWS account and AWS Region", granting only those that have that database user): RDS
 * generates the resource id, so naming it left the policy unknown until apply. The user name carries the environment
 * (config/database-user.ts), so no other environment's database has that user.
 */
function iamDatabaseCredential(stack: RegionalStack): (service: ServiceDefinition) => ServiceCredential {
  const f = stack.foundation;
  const { partition, accountId } = f.encryptionKey;
  return ({ name: service }) => {
    const user = databaseUserName(f.environment.name, service);
    return {
      mechanism: 'IAM database user',
      env: { DATABASE_USER: user, DATABASE_NAME: POSTGRES_DATABASE, DATABASE_AUTH: 'iam' },
      statements: [
        {
          Sid: 'ConnectAsItsDatabaseUser',
          Effect: 'Allow',
          Action: 'rds-db:connect',
          Resource: [`arn:${partition}:rds-db:${f.region.code}:${accountId}:dbuser:*/${user}`],
        },
      ],
    };
  };
}

/** The region whose database-users Job sets the services' passwords (the primary, for a standby), and whether it is this one. */
function passwordOwner(stack: RegionalStack): { region: string; owns: boolean } {
  const standby = standbyOfPrimary(stack);
  return standby ? { region: standby.primaryRegion, owns: false } : { region: stack.foundation.region.code, owns: true };
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
    stack.restoreTested.add('EC2');
    if (hosts.dataVolumeGiB !== undefined) stack.restoreTested.add('EBS');
    return host;
  });
}

/** RDS PostgreSQL: a primary (Multi-AZ from growth on) and its read replicas. */
export function addPostgresInstance(stack: RegionalStack, clients: readonly SecurityGroupRef[]): PostgresInstance {
  const postgres = required(stack.foundation.blueprint.postgres, stack, 'postgres');
  const standby = standbyOfPrimary(stack);
  const { partition, accountId } = stack.foundation.encryptionKey;
  const database = new PostgresInstance(stack, 'postgres', {
    standbyOf: standby && {
      sourceArn: `arn:${partition}:rds:${standby.primaryRegion}:${accountId}:db:${resourceName(regionalStackName(stack.foundation.environment.name, standby.primaryRegion), 'postgres').toLowerCase()}`,
    },
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
  // Into the backup vault too, so the weekly restore test has a recovery point to restore.
  // A standby is a replica, which AWS Backup does not take: the primary region's backups hold the data.
  if (!standby) {
    stack.foundation.backups.addResource(database.primary.arn);
    stack.restoreTested.add('RDS');
  }
  // The ARN the Job and the host fetch the secret by; policies grant it by name pattern and tag (known at plan time).
  const secretArn = database.primary.masterUserSecret.get(0).secretArn;
  const masterSecret = database.masterSecret;
  const env = {
    DATABASE_HOST: database.endpoint,
    DATABASE_PORT: String(POSTGRES_PORT),
    DATABASE_READER_HOSTS: Fn.join(',', database.replicaEndpoints),
  };
  // Hosts (traction) share one instance role that their containers cannot use: there each service logs in with a password of its own.
  stack.dataStores.database = stack.eks
    ? {
        kind: 'database',
        engine: 'RDS PostgreSQL',
        port: POSTGRES_PORT,
        peer: { cidrs: dataSubnetCidrs(stack) },
        env,
        secretArns: [],
        bucketArns: [],
        // Reads go to the replicas (DATABASE_READER_HOSTS): the grant names every database of the region, replicas included.
        credentialFor: iamDatabaseCredential(stack),
      }
    : hostRdsDatabase(stack, env, secretArn, masterSecret);
  // A standby takes no writes: the users the primary region's Job creates replicate to it.
  if (stack.eks && !standby && masterSecret) stack.databaseAdmin = { databases: [{ host: database.endpoint, masterSecretArn: secretArn, masterSecret }] };
  // PgBouncer (components.postgres.pooler): the primary is `postgres` on it, each replica `postgres_replica_<i>`.
  if (stack.eks && stack.foundation.blueprint.pooler) {
    const at = (alias: string, host: string): PoolerDatabase => ({ alias, host, port: POSTGRES_PORT, dbname: POSTGRES_DATABASE });
    const replicas = database.replicaEndpoints.map((host, i) => at(`${POSTGRES_DATABASE}_replica_${i}`, host));
    stack.dataStores.database = pooledDatabase(
      stack,
      stack.dataStores.database,
      [at(POSTGRES_DATABASE, database.endpoint), ...replicas],
      { ...env, DATABASE_READER_HOSTS: replicas.map(() => POOLER_HOST).join(','), DATABASE_READER_NAMES: replicas.map((r) => r.alias).join(',') },
      passwordOwner(stack),
    );
  }
  return database;
}

/**
 * RDS behind hosts (traction): each service its own user and password (stacks/host-services.ts);
 * the host fetches the RDS-managed master secret for the `database-users` compose service alone.
 */
function hostRdsDatabase(stack: RegionalStack, env: Record<string, string>, masterSecretArn: string, masterSecret?: ServiceManagedSecret): DataStoreEndpoint {
  const own = hostDatabaseCredentials(stack, POSTGRES_DATABASE);
  stack.hostDatabaseAdmin = {
    masterSecretArn,
    admin: {
      image: POSTGRES_CLIENT_IMAGE,
      host: env.DATABASE_HOST,
      port: POSTGRES_PORT,
      database: POSTGRES_DATABASE,
      masterSecretFile: 'database-master',
      masterFormat: { kind: 'rds-json' },
      sslMode: 'require',
    },
  };
  return {
    kind: 'database',
    engine: 'RDS PostgreSQL',
    port: POSTGRES_PORT,
    peer: { cidrs: dataSubnetCidrs(stack) },
    env,
    secretArns: own.secretArns,
    managedSecrets: masterSecret ? [masterSecret] : [],
    bucketArns: [],
    credentialFor: own.credentialFor,
  };
}

/**
 * Aurora PostgreSQL: one cluster per shard, each a writer plus readers. With several regions,
 * each region builds only the shards it homes (`postgres.homes`, docs/shards.md); a shard keeps
 * its environment-wide number in its construct id and name, so moving the other shards never
 * renames it.
 */
export function addAuroraShards(stack: RegionalStack, clients: readonly SecurityGroupRef[]): AuroraPostgres[] {
  const f = stack.foundation;
  const postgres = required(f.blueprint.postgres, stack, 'postgres');
  // Seed 002 §10: readers scale per shard; the Blueprint's readers are the rule's floor.
  const scaling = stack.foundation.blueprint.autoscaling?.auroraReplicas;
  const home = homeShardsOf(stack);
  const shards = home.map((shard) => {
    const suffix = postgres.shards === 1 ? 'aurora' : `aurora-shard-${shard}`;
    const global = auroraGlobal(stack, suffix);
    return new AuroraPostgres(stack, suffix, {
      ...commonProps(stack),
      clusterName: suffix,
      global,
      // RDS cannot manage a global database's master password: the primary generates it into a
      // secret, replicated to the standby regions for the day one of them is promoted.
      masterSecret:
        global?.role === 'primary'
          ? { name: `${f.environment.name}/${f.region.code}/${suffix}-master`, replicaRegions: secretReplicaRegions(stack) }
          : undefined,
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
  shards.forEach((s) => stack.foundation.backups.addResource(s.cluster.arn));
  stack.restoreTested.add('Aurora');
  const masters = standbyOfPrimary(stack) ? [] : shards.map((s) => s.master!);
  stack.dataStores.database = {
    kind: 'database',
    engine: postgres.shards === 1 ? 'Aurora PostgreSQL' : `Aurora PostgreSQL (${postgres.shards} shards)`,
    port: POSTGRES_PORT,
    peer: { cidrs: dataSubnetCidrs(stack) },
    env: {
      DATABASE_HOST: shards[0].endpoint,
      DATABASE_PORT: String(POSTGRES_PORT),
      DATABASE_READER_HOSTS: Fn.join(
        ',',
        shards.map((s) => s.readerEndpoint),
      ),
      // Shard i is entry i of each list; the application routes by shard key.
      DATABASE_SHARD_HOSTS: Fn.join(
        ',',
        shards.map((s) => s.endpoint),
      ),
      ...shardMapEnv(stack, home, shards),
    },
    secretArns: [],
    bucketArns: [],
    credentialFor: iamDatabaseCredential(stack),
  };
  // A secondary of a global database takes no writes and has no master user: the primary region's Job creates the users.
  if (!standbyOfPrimary(stack))
    stack.databaseAdmin = {
      databases: shards.map((s, i) => ({
        host: s.endpoint,
        masterSecretArn: masters[i].arn,
        // RDS manages a regional cluster's master secret (granted by its name pattern and tag); a global primary's is generated.
        ...(s.managedMasterSecret ? { masterSecret: s.managedMasterSecret } : { masterSecretPolicyArn: masters[i].policyArn }),
      })),
    };
  // PgBouncer (components.postgres.pooler): each shard's writer and reader endpoint is a database name on it.
  if (stack.foundation.blueprint.pooler) {
    const at = (alias: string, host: string): PoolerDatabase => ({ alias, host, port: POSTGRES_PORT, dbname: POSTGRES_DATABASE });
    const writer = (shard: number) => (postgres.shards === 1 ? POSTGRES_DATABASE : `shard_${shard}`);
    const writers = shards.map((s, i) => at(writer(home[i]), s.endpoint));
    const readers = shards.map((s, i) => at(`${writer(home[i])}_reader`, s.readerEndpoint));
    const pooled = (list: readonly PoolerDatabase[]) => ({ hosts: list.map(() => POOLER_HOST).join(','), names: list.map((d) => d.alias).join(',') });
    stack.dataStores.database = pooledDatabase(
      stack,
      stack.dataStores.database,
      [...writers, ...readers],
      {
        ...stack.dataStores.database.env,
        DATABASE_READER_HOSTS: pooled(readers).hosts,
        DATABASE_READER_NAMES: pooled(readers).names,
        DATABASE_SHARD_HOSTS: pooled(writers).hosts,
        DATABASE_SHARD_NAMES: pooled(writers).names,
        ...shardMapEnv(stack, home, shards, { writers, readers }),
      },
      passwordOwner(stack),
    );
  }
  return shards;
}

/** The shards homed in the stack's region, by their environment-wide numbers. */
function homeShardsOf(stack: RegionalStack): readonly number[] {
  const postgres = required(stack.foundation.blueprint.postgres, stack, 'postgres');
  const all = Array.from({ length: postgres.shards }, (_, shard) => shard);
  // One region, or active-passive (the standby regions replicate every shard): all of them.
  if (stack.foundation.environment.regions.length === 1 || postgres.homes === undefined) return all;
  const home = postgres.homes[stack.foundation.region.code];
  if (!home || home.length === 0) throw new Error(`${stack.foundation.region.code} homes no Postgres shard`);
  return home;
}

/**
 * With several regions, the shard map: which region homes each shard, and this region's
 * endpoints (no secrets; the services log in with IAM). The application routes a user to the
 * shard of its key; a shard homed elsewhere is reached through that region's API, since each
 * region's roles may connect only to the shards it homes (docs/shards.md).
 */
function shardMapEnv(
  stack: RegionalStack,
  home: readonly number[],
  shards: readonly AuroraPostgres[],
  pooled?: { readonly writers: readonly PoolerDatabase[]; readonly readers: readonly PoolerDatabase[] },
): Record<string, string> {
  const env = stack.foundation.environment;
  const homes = stack.foundation.blueprint.postgres?.homes;
  if (env.regions.length === 1 || !homes) return {};
  const local = Object.fromEntries(
    home.map((shard, i) => [
      String(shard),
      pooled
        ? // Behind PgBouncer: one host, a database name per writer and reader.
          {
            region: stack.foundation.region.code,
            writer: POOLER_HOST,
            reader: POOLER_HOST,
            database: pooled.writers[i].alias,
            readerDatabase: pooled.readers[i].alias,
          }
        : { region: stack.foundation.region.code, writer: shards[i].endpoint, reader: shards[i].readerEndpoint },
    ]),
  );
  return {
    DATABASE_SHARD_IDS: home.join(','),
    DATABASE_SHARD_HOMES: env.regions.map((r) => `${r.code}=${describeShardList(homes[r.code] ?? [])}`).join(';'),
    DATABASE_SHARD_MAP: Fn.jsonencode(local),
  };
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
  new TerraformOutput(stack, 'redis_user', { value: cache.appUser.userName });
  stack.dataStores.redis = {
    kind: 'redis',
    engine: `ElastiCache Redis (${redis.mode})`,
    port: cache.port,
    peer: { cidrs: dataSubnetCidrs(stack) },
    env: {
      REDIS_HOST: cache.endpoint,
      REDIS_PORT: String(cache.port),
      REDIS_TLS: 'true',
      REDIS_CLUSTER_MODE: String(redis.mode === 'cluster'),
      // IAM authentication: the password is a SigV4 token for this user and cache, valid 15 minutes.
      REDIS_AUTH: 'iam',
      REDIS_USER: cache.appUser.userName,
      REDIS_CACHE_NAME: cache.cacheName,
    },
    secretArns: [],
    bucketArns: [],
    iamGrants: [
      {
        sid: 'ConnectToRedis',
        actions: ['elasticache:Connect'],
        resources: [replicationGroupArn(stack.foundation.encryptionKey, cache.cacheName), cacheUserArn(stack.foundation.encryptionKey, cache.appUser.userId)],
      },
    ],
  };
  return cache;
}

export function addRabbitMq(stack: RegionalStack, clients: readonly SecurityGroupRef[]): RabbitMqBroker {
  const f = stack.foundation;
  const rabbitmq = required(f.blueprint.rabbitmq, stack, 'rabbitmq');
  const broker = new RabbitMqBroker(stack, 'rabbitmq', {
    ...commonProps(stack),
    deployment: rabbitmq.deployment,
    instanceType: rabbitmq.instanceType,
    clientSecurityGroups: clients,
  });
  // Each queue client logs in as its own broker user (the rabbitmq-users Job creates it), with a
  // password generated into its own secret through the write-only argument: never in state. The
  // admin user and its secret stay with the operations Jobs.
  const { queues } = f.environment.components;
  const passwords = new Map(
    f.environment.services
      .filter((s) => usesBroker(s, 'rabbitmq', queues))
      .map((s) => [
        s.name,
        new GeneratedSecret(stack, `rabbitmq-user-${s.name}`, {
          name: `${f.environment.name}/${f.region.code}/rabbitmq-${s.name}`,
          description: `${f.namePrefix}: password of ${s.name}'s RabbitMQ user`,
          encryptionKey: f.encryptionKey,
        }),
      ]),
  );
  // Hosts (traction) share one instance role: it fetches every client's password, each mounted into its
  // service alone, and the admin's for the one-shot rabbitmq-users service (stacks/host-services.ts).
  const onHosts = stack.eks === undefined;
  const endpoint: DataStoreEndpoint & { readonly kind: 'rabbitmq' } = {
    kind: 'rabbitmq',
    engine: `Amazon MQ RabbitMQ (${rabbitmq.deployment})`,
    port: broker.port,
    peer: { cidrs: dataSubnetCidrs(stack) },
    // Every variable depends on the client (QUEUE_* for a client of one broker, RABBITMQ_* for one of both): all in its credential.
    env: {},
    secretArns: onHosts ? [broker.adminPassword.policyArn, ...[...passwords.values()].map((p) => p.policyArn)] : [],
    bucketArns: [],
    credentialFor: (service) => {
      const password = passwords.get(service.name);
      if (!password) throw new Error(`${service.name} does not use the queue in ${stack.stackName}`);
      const name = brokerVariables(service, 'rabbitmq', queues);
      return {
        mechanism: 'RabbitMQ user',
        env: {
          ...name.kind,
          [name('ENDPOINT')]: Fn.element(broker.broker.instances.get(0).endpoints, 0) as string,
          [name('USERNAME')]: rabbitMqUsername(service.name),
          [name('SECRET_ARN')]: password.secret.arn,
          ...queueTopicsEnv(service, 'rabbitmq', queues),
        },
        // Its role reads it by the ARN built from its name (known at plan time); it fetches it by QUEUE_SECRET_ARN.
        secretArns: [password.policyArn],
      };
    },
  };
  addBroker(stack, endpoint);
  stack.rabbitMq = broker;
  return broker;
}

/**
 * How a client's variables for `broker` are named: `QUEUE_<name>` (and QUEUE_KIND) for a client
 * of one broker, as before; `RABBITMQ_<name>` or `KAFKA_<name>` for a client of both, whose
 * QUEUE_* would name two brokers at once.
 */
export function brokerVariables(
  service: ServiceDefinition,
  broker: Broker,
  queues: readonly Broker[],
): ((name: string) => string) & { kind: Record<string, string> } {
  const prefix = queueVariablePrefix(brokersOf(service, queues).length > 1 ? broker : undefined);
  const kind: Record<string, string> = prefix === 'QUEUE_' ? { QUEUE_KIND: broker } : {};
  return Object.assign((name: string) => `${prefix}${name}`, { kind });
}

/** The topics a queue client uses on `broker`, for the application (comma-separated). */
function queueTopicsEnv(service: ServiceDefinition, broker: Broker, queues: readonly Broker[]): Record<string, string> {
  const { produces, consumes } = topicsOn(service, broker, queues);
  const name = brokerVariables(service, broker, queues);
  return { [name(QUEUE_PRODUCES_SUFFIX)]: produces.join(','), [name(QUEUE_CONSUMES_SUFFIX)]: consumes.join(',') };
}

export function addSearch(stack: RegionalStack, clients: readonly SecurityGroupRef[]): SearchDomain {
  const search = required(stack.foundation.blueprint.search, stack, 'search');
  const domain = new SearchDomain(stack, 'search', {
    ...commonProps(stack),
    instanceType: search.instanceType,
    dataNodes: search.dataNodes,
    volumeGiB: search.volumeGiB,
    dedicatedMasters: search.dedicatedMasters,
    clientSecurityGroups: clients,
  });
  stack.dataStores.search = {
    kind: 'search',
    engine: 'Amazon OpenSearch',
    port: 443,
    peer: { cidrs: dataSubnetCidrs(stack) },
    env: { SEARCH_ENDPOINT: `https://${domain.endpoint}` },
    secretArns: [],
    bucketArns: [],
    // Fine-grained access control maps the service's role to a role on its own indices (the search Job).
    credentialFor: (service) => ({
      mechanism: 'OpenSearch role mapping',
      env: { SEARCH_AUTH: 'iam', SEARCH_INDEX_PREFIX: searchIndexPrefix(service.name) },
      statements: [{ Sid: 'SearchItsIndices', Effect: 'Allow', Action: SEARCH_CLIENT_ACTIONS, Resource: `${domain.arn}/*` }],
    }),
  };
  stack.searchDomain = domain;
  return domain;
}

export function addKafka(stack: RegionalStack, clients: readonly SecurityGroupRef[]): KafkaCluster {
  const kafka = required(stack.foundation.blueprint.kafka, stack, 'kafka');
  const cluster = new KafkaCluster(stack, 'kafka', {
    ...commonProps(stack),
    instanceType: kafka.instanceType,
    brokers: kafka.brokers,
    volumeGiB: kafka.volumeGiB,
    clientSecurityGroups: clients,
  });
  addBroker(stack, {
    kind: 'kafka',
    engine: 'Amazon MSK (Kafka)',
    port: cluster.port,
    peer: { cidrs: dataSubnetCidrs(stack) },
    // Clients authenticate with IAM (SASL/IAM): no secret.
    // Kafka has no broker-side dead letter: a consumer that gives up on a message publishes it to
    // `<topic>.dlq` (seed 004: poison messages must not block a queue) and moves on.
    env: { KAFKA_BOOTSTRAP_BROKERS: cluster.bootstrapBrokers, KAFKA_DEAD_LETTER_TOPIC_SUFFIX: KAFKA_DEAD_LETTER_SUFFIX },
    secretArns: [],
    bucketArns: [],
    credentialFor: kafkaCredential(stack, cluster),
  });
  stack.kafka = cluster;
  return cluster;
}

/**
 * A broker reaches services that name it (`rabbitmq`, `kafka`) and, where it is the
 * environment's only one, services that name `queue`; with both, `queue` is refused at load.
 */
function addBroker(stack: RegionalStack, endpoint: DataStoreEndpoint & { readonly kind: 'rabbitmq' | 'kafka' }): void {
  stack.dataStores[endpoint.kind] = endpoint;
  const { queues } = stack.foundation.environment.components;
  if (queues.length === 1) stack.dataStores.queue = { ...endpoint, kind: 'queue' };
}

/** The ARN of a topic or group of `cluster` (its UUID, known only after apply, is the one wildcard). */
export function kafkaResourceArn(stack: RegionalStack, cluster: KafkaCluster, kind: 'topic' | 'group', name: string): string {
  const f = stack.foundation;
  const { partition, accountId } = f.encryptionKey;
  return `arn:${partition}:kafka:${f.region.code}:${accountId}:${kind}/${cluster.clusterName}/*/${name}`;
}

/**
 * MSK accepts IAM only: a service may connect, read the topics it consumes as the group named
 * after it, write their dead-letter topics and the topics it produces, and nothing else. Topic
 * and group ARNs name this cluster by its name (unique in the region); the cluster's UUID, known
 * only after apply, is the one wildcard, so the plan shows every ARN. The kafka-topics Job
 * creates the topics (services/platform/queue-topology.ts).
 */
function kafkaCredential(stack: RegionalStack, cluster: KafkaCluster): (service: ServiceDefinition) => ServiceCredential {
  const under = (kind: 'topic' | 'group', name: string) => kafkaResourceArn(stack, cluster, kind, name);
  const clusterArn = kafkaClusterArn(stack.foundation.encryptionKey, cluster.clusterName);
  const { queues } = stack.foundation.environment.components;
  return (service) => {
    const topics = topicsOn(service, 'kafka', queues);
    const { consumes } = topics;
    const written = kafkaWrittenTopics({ topics });
    const statements: Array<Record<string, unknown>> = [
      { Sid: 'ConnectToTheCluster', Effect: 'Allow', Action: ['kafka-cluster:Connect'], Resource: clusterArn },
    ];
    if (consumes.length > 0) {
      statements.push(
        {
          Sid: 'ReadItsTopics',
          Effect: 'Allow',
          Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
          Resource: consumes.map((t) => under('topic', t)),
        },
        { Sid: 'JoinItsGroup', Effect: 'Allow', Action: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], Resource: under('group', service.name) },
      );
    }
    if (written.length > 0) {
      statements.push({
        Sid: 'WriteItsTopics',
        Effect: 'Allow',
        Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        Resource: written.map((t) => under('topic', t)),
      });
      // Producers are idempotent by default since Kafka 3.0: InitProducerId needs this cluster action.
      statements.push({ Sid: 'WriteIdempotently', Effect: 'Allow', Action: ['kafka-cluster:WriteDataIdempotently'], Resource: clusterArn });
    }
    const env = {
      ...brokerVariables(service, 'kafka', queues).kind,
      KAFKA_AUTH: 'iam',
      KAFKA_CONSUMER_GROUP: service.name,
      ...queueTopicsEnv(service, 'kafka', queues),
    };
    return { mechanism: 'MSK IAM', env, statements };
  };
}

/** The bucket CockroachDB's scheduled backups write to (the StatefulSet lives in the apps stack). */
export function addCockroachBackupBucket(stack: RegionalStack): DataBucket {
  const f = stack.foundation;
  const bucket = new DataBucket(stack, 'cockroachdb-backups', {
    bucketName: backupBucketBaseName(f.environment.name, f.region.code),
    nameSuffix: f.encryptionKey.accountId,
    encryptionKey: f.encryptionKey,
    accessLogBucket: f.logs,
    // Backups stay in S3 Standard (a RESTORE reads them in place) and expire after the retention.
    tiering: { expireAfterDays: backupObjectExpiryDays(f.blueprint.backupRetentionDays) },
    // An expired or deleted backup stays restorable for a week as a noncurrent version.
    noncurrentVersionExpirationDays: 7,
  });
  new TerraformOutput(stack, 'cockroachdb_backup_bucket', { value: bucket.bucket.bucket });
  // The bucket's recovery points are restore-tested; a CockroachDB RESTORE drill stays the team's (docs/readiness.md).
  f.backups.addResource(bucket.bucket.arn);
  stack.restoreTested.add('S3');
  // The CockroachDB cluster runs in the apps stack's `cockroachdb` namespace, behind its public Service.
  stack.dataStores.database = {
    kind: 'database',
    engine: 'CockroachDB',
    port: COCKROACH_SQL_PORT,
    peer: { namespace: COCKROACH_NAMESPACE, podLabels: { 'app.kubernetes.io/name': 'cockroachdb' } },
    env: { DATABASE_HOST: `cockroachdb-public.${COCKROACH_NAMESPACE}.svc.cluster.local`, DATABASE_PORT: String(COCKROACH_SQL_PORT) },
    secretArns: [],
    bucketArns: [],
    // Secure mode: each service logs in as its own user with a client certificate the cluster CA signed in the cluster.
    credentialFor: (service) => {
      const user = cockroachUser(service.name);
      return {
        mechanism: 'CockroachDB client certificate',
        env: {
          DATABASE_USER: user,
          DATABASE_NAME: PRODUCT_DATABASE,
          DATABASE_SSLMODE: 'verify-full',
          DATABASE_SSLROOTCERT: `${CLIENT_CERTS_MOUNT}/ca.crt`,
          DATABASE_SSLCERT: `${CLIENT_CERTS_MOUNT}/client.${user}.crt`,
          DATABASE_SSLKEY: `${CLIENT_CERTS_MOUNT}/client.${user}.key`,
        },
        secretVolume: { secretName: clientCertificateSecret(service.name), mountPath: CLIENT_CERTS_MOUNT },
      };
    },
  };
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
    backupBuckets: env.regions.map((r) => ({ region: r.code, bucket: backupBucketName(env.name, r.code, f.encryptionKey.accountId) })),
    // Every region's CA bootstrap Job fills its own secrets; a later region's copies the first region's.
    caWriter: { serviceAccount: COCKROACH_CA_WRITER_SERVICE_ACCOUNT, copyFrom: firstRegion ? undefined : caSecrets(env.regions[0].code) },
    clientCertificates: env.services.some((s) => s.dataStores.includes('database')) ? { serviceAccount: COCKROACH_CLIENT_CERTS_SERVICE_ACCOUNT } : undefined,
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
    stack.cockroachJoinZone = joinZone;
  } else {
    const first = earlierRegions[0];
    joinZone = required(first?.cockroachJoinZone, stack, 'CockroachDB join zone in the first region');
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

/** CockroachDB's SQL port, on CockroachDB Cloud as on EKS. */
const MANAGED_COCKROACH_PORT = COCKROACH_SQL_PORT;

/**
 * CockroachDB on CockroachDB Cloud (`components.cockroachdb.hosting: managed`): the region holds
 * only the secret the operator puts the connection string in; the services that declare
 * `database` may read it (GetSecretValue) and reach the cluster over TLS on 26257 through the
 * region's NAT. Nothing of CockroachDB runs on the cluster: no StatefulSet, CA Job, node pool,
 * join endpoint or backup bucket (CockroachDB Cloud backs the cluster up itself).
 */
export function addManagedCockroach(stack: RegionalStack): ManagedClusterConnection {
  const f = stack.foundation;
  const managed = required(f.blueprint.managedCockroach, stack, 'managed CockroachDB');
  const connection = new ManagedClusterConnection(stack, 'cockroachdb-cloud', {
    namePrefix: f.namePrefix,
    encryptionKey: f.encryptionKey,
    plan: managed.plan,
    requestUnitsPerQuery: managed.requestUnitsPerQuery,
    nodesPerRegion: managed.nodesPerRegion,
  });
  new TerraformOutput(stack, 'cockroachdb_connection_secret', { value: connection.secret.arn });
  stack.dataStores.database = {
    kind: 'database',
    engine: `CockroachDB Cloud (${managed.plan})`,
    port: MANAGED_COCKROACH_PORT,
    // CockroachDB Cloud's endpoints have no fixed addresses: any destination, on the SQL port only.
    peer: { cidrs: ['0.0.0.0/0'] },
    env: { DATABASE_KIND: 'cockroachdb-cloud', DATABASE_URL_SECRET_ARN: connection.secret.arn, DATABASE_SSLMODE: 'verify-full' },
    secretArns: [connection.secret.arn],
    bucketArns: [],
  };
  return connection;
}
