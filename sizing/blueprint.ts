/** Environment → Blueprint: the stage profile, with every explicit size from the file winning. */
import { defaultEngine, Environment } from '../config/environment';
import { UserInputError } from '../config/errors';
import { Blueprint } from './blueprint-types';
import { blueprintProblems } from './blueprint-rules';
import { COCKROACH_PROFILES, STAGE_PROFILES } from './stage-profiles';

export function blueprintFor(environment: Environment): Blueprint {
  const profile = STAGE_PROFILES[environment.stage];
  const { compute, database, cache, queue, search, streaming } = environment.config;
  const databaseEngine = database?.engine ?? defaultEngine(environment.stage);

  const hosts = profile.hosts && {
    ...profile.hosts,
    count: compute?.hosts ?? profile.hosts.count,
    instanceType: compute?.instanceType ?? profile.hosts.instanceType,
    rootVolumeGiB: compute?.volumeGiB ?? profile.hosts.rootVolumeGiB,
    dataVolumeGiB: profile.hosts.dataVolumeGiB === undefined ? undefined : (database?.storageGiB ?? profile.hosts.dataVolumeGiB),
  };

  let cluster = profile.cluster;
  if (cluster) {
    const max = compute?.nodes?.max ?? Math.max(cluster.nodes.max, compute?.nodes?.min ?? 0);
    const min = compute?.nodes?.min ?? Math.min(cluster.nodes.min, max);
    cluster = {
      instanceType: compute?.instanceType ?? cluster.instanceType,
      rootVolumeGiB: compute?.volumeGiB ?? cluster.rootVolumeGiB,
      nodes: { min, max, desired: compute?.nodes?.desired ?? Math.min(Math.max(cluster.nodes.desired, min), max) },
    };
  }

  const postgres =
    databaseEngine === 'postgres' && profile.postgres
      ? {
          ...profile.postgres,
          engineVersion: database?.engineVersion ?? profile.postgres.engineVersion,
          instanceClass: database?.instanceClass ?? profile.postgres.instanceClass,
          storageGiB: database?.storageGiB ?? profile.postgres.storageGiB,
          readReplicas: database?.readReplicas ?? profile.postgres.readReplicas,
          shards: database?.shards ?? profile.postgres.shards,
        }
      : undefined;

  const cockroachProfile = COCKROACH_PROFILES[environment.stage];
  const cockroach =
    databaseEngine === 'cockroachdb' && cockroachProfile
      ? {
          ...cockroachProfile,
          nodesPerRegion: database?.nodesPerRegion ?? cockroachProfile.nodesPerRegion,
          volumeGiB: database?.storageGiB ?? cockroachProfile.volumeGiB,
        }
      : undefined;

  return {
    ...profile,
    databaseEngine,
    backupRetentionDays: database?.backupRetentionDays ?? profile.backupRetentionDays,
    hosts,
    cluster,
    postgres,
    cockroach,
    redis: {
      ...profile.redis,
      nodeType: cache?.nodeType ?? profile.redis.nodeType,
      shards: cache?.shards ?? profile.redis.shards,
      replicasPerShard: cache?.replicasPerShard ?? profile.redis.replicasPerShard,
    },
    rabbitmq: profile.rabbitmq && { ...profile.rabbitmq, instanceType: queue?.instanceType ?? profile.rabbitmq.instanceType },
    search: profile.search && {
      ...profile.search,
      instanceType: search?.instanceType ?? profile.search.instanceType,
      dataNodes: search?.dataNodes ?? profile.search.dataNodes,
      volumeGiB: search?.volumeGiB ?? profile.search.volumeGiB,
    },
    kafka: profile.kafka && {
      ...profile.kafka,
      instanceType: streaming?.instanceType ?? profile.kafka.instanceType,
      brokers: streaming?.brokers ?? profile.kafka.brokers,
      volumeGiB: streaming?.volumeGiB ?? profile.kafka.volumeGiB,
    },
  };
}

/** An environment with its validated sizes. */
export interface SizedEnvironment {
  readonly environment: Environment;
  readonly blueprint: Blueprint;
}

/** Sizes every environment; throws one UserInputError listing every size that does not fit. */
export function sizeEnvironments(environments: readonly Environment[]): SizedEnvironment[] {
  const sized = environments.map((environment) => ({ environment, blueprint: blueprintFor(environment) }));
  const problems = sized.flatMap(({ environment, blueprint }) => blueprintProblems(environment, blueprint));
  if (problems.length > 0) throw new UserInputError(problems);
  return sized;
}
