/**
 * Environment → Blueprint. Three sources, in order of precedence:
 *
 * 1. an explicit size in the environment file always wins;
 * 2. with a `workload`, counts are derived from it (`capacity.ts`): nodes, pods, replicas,
 *    shards, Redis shards, Kafka brokers, CockroachDB nodes per region;
 * 3. otherwise the stage profile's counts (`stage-profiles.ts`).
 *
 * The stage profile always fixes the topology: which components exist, engines and kinds,
 * instance classes. Pure: no I/O.
 */
import { defaultEngine, Environment } from '../config/environment';
import { resolveCockroachHosting } from '../config/cockroach-hosting';
import { inFile, Problem, UserInputError } from '../config/errors';
import { isSingleHostStage } from '../config/stages';
import { Assumptions, resolveAssumptions } from '../config/assumptions';
import { Blueprint, ClusterSize, PostgresSize } from './blueprint-types';
import { resolveShardHomes, SHARDS_PATH } from '../config/shard-homes';
import { blueprintProblems } from './blueprint-rules';
import { podsOnNodes, sizeForWorkload, WorkloadSizing } from './capacity';
import { allocatable, EC2_SPECS } from './instance-specs';
import { fmt } from './numbers';
import { podBounds, serviceCpuTargetPercent, serviceRangeOverride } from './autoscaling/resolve';
import { AVAILABILITY_FLOORS, COCKROACH_PROFILES, componentSize, MAX_HOSTS, STAGE_PROFILES } from './stage-profiles';
import { poolerPodRange, poolerSize } from './pooler';
import { resolveWorkload, Workload } from '../config/workload-defaults';
import { applyAutoscaling } from './autoscaling';
import { fitHostType, hostContainers } from './host-fit';

/** How an environment's sizes were reached, for `stagecraft size` and the cost per MAU. */
export interface SizingReport {
  /** The workload with defaults applied; absent when the file has none. */
  readonly workload?: Workload;
  readonly assumptions: Assumptions;
  /** Counts derived from the workload, with their reasoning; absent without a workload. */
  readonly derived?: WorkloadSizing;
  /** Explicit sizes that replaced a derived count, with both values. */
  readonly explicit: ReadonlyArray<{ readonly field: string; readonly value: number; readonly derived: number }>;
  /** The autoscalers' max pods against the node group's max (cluster stages). */
  readonly clusterCapacity?: ClusterCapacity;
  /** Findings that do not stop the command. */
  readonly warnings: readonly string[];
  /** Problems that do (exit 2). */
  readonly problems: readonly Problem[];
}

/** Whether the node group's max hosts every service at its autoscaler's max, per region. */
export interface ClusterCapacity {
  readonly nodesMax: number;
  /** Nodes the services' max pods need, packed by their own requests. */
  readonly nodesNeeded: number;
  readonly maxPods: number;
  readonly maxPodsCpu: number;
  readonly maxPodsMemoryGiB: number;
  readonly fits: boolean;
  /** The warning line when it does not fit. */
  readonly warning?: string;
}

/** A Blueprint and how it was reached. */
export interface SizedBlueprint {
  readonly blueprint: Blueprint;
  readonly report: SizingReport;
}

export function blueprintFor(environment: Environment): Blueprint {
  return sizeBlueprint(environment).blueprint;
}

export function sizeBlueprint(environment: Environment): SizedBlueprint {
  const { stage, config } = environment;
  const profile = STAGE_PROFILES[stage];
  const { compute, database, cache, queue, search, streaming } = config;
  const databaseEngine = database?.engine ?? defaultEngine(stage);
  const cockroachHosting = databaseEngine === 'cockroachdb' ? resolveCockroachHosting(config.components?.cockroachdb) : undefined;
  // A managed cluster runs nothing on EKS: no node pool, no StatefulSet (docs/cockroachdb.md, "Managed").
  const cockroachProfile = databaseEngine === 'cockroachdb' && cockroachHosting?.hosting === 'eks' ? COCKROACH_PROFILES[stage] : undefined;
  const managedPlan = cockroachHosting?.hosting === 'managed' ? cockroachHosting : undefined;
  const assumptions = resolveAssumptions(config.assumptions);
  const workload = config.workload && resolveWorkload(config.workload);
  const redisNodeType = cache?.nodeType ?? profile.redis.nodeType;
  const postgresProfile = databaseEngine === 'postgres' ? profile.postgres : undefined;
  // The components the environment runs (config/components.ts): the stage's default profile, with the file's additions and removals.
  const components = environment.components;
  const rabbitmqSize = components.queues.includes('rabbitmq') ? componentSize(stage, 'rabbitmq') : undefined;
  const kafkaSize = components.queues.includes('kafka') ? componentSize(stage, 'kafka') : undefined;
  const searchSize = components.search ? componentSize(stage, 'search') : undefined;
  const searchGiven = { ...search, ...(typeof config.components?.search === 'object' ? config.components.search : {}) };

  // The host type holds every container's memory reservation (host-fit.ts): the profile's, a larger one of its family, or the pinned one.
  const hostFit =
    profile.hosts &&
    fitHostType({
      profileType: profile.hosts.instanceType,
      pinnedType: compute?.instanceType,
      containers: hostContainers(environment.services, [
        ...(databaseEngine === 'postgres' && profile.postgres?.kind === 'on-host' ? (['postgres'] as const) : []),
        ...(profile.redis.mode === 'on-host' ? (['redis'] as const) : []),
      ]),
    });
  const derived =
    workload &&
    sizeForWorkload({
      stage,
      stageSource: environment.stageSource,
      regionCount: environment.regions.length,
      zoneCount: Math.min(...environment.regions.map((r) => r.availabilityZoneIds.length)),
      workload,
      assumptions,
      floors: AVAILABILITY_FLOORS[stage],
      hosts: hostFit && {
        instanceType: hostFit.instanceType,
        instanceTypeField: 'compute.instanceType',
        maxCount: MAX_HOSTS[stage] ?? 1,
      },
      cluster: profile.cluster && {
        instanceType: compute?.instanceType ?? profile.cluster.instanceType,
        instanceTypeField: 'compute.instanceType',
      },
      postgres: postgresProfile && {
        kind: postgresProfile.kind,
        canShard: postgresProfile.kind === 'aurora' && (stage === 'hyperscale' || stage === 'massive'),
        replicaFloor: postgresProfile.readReplicas,
        hasReplicas: !isSingleHostStage(stage),
        explicitShards: config.components?.postgres?.shards?.count ?? database?.shards,
      },
      cockroach: cockroachProfile !== undefined || managedPlan?.plan === 'dedicated',
      redis: { mode: profile.redis.mode, nodeType: redisNodeType, nodeTypeField: 'cache.nodeType' },
      kafka: kafkaSize !== undefined,
      rabbitmq: rabbitmqSize !== undefined,
      services: environment.services,
      cpuTargetPercent: (service) => serviceCpuTargetPercent(environment, service),
      rangeOverride: (service) => serviceRangeOverride(environment, service),
      pooler: components.pooler && databaseEngine === 'postgres' && profile.cluster ? components.pooler : undefined,
    });

  const explicit: Array<{ field: string; value: number; derived: number }> = [];
  /** The explicit value, else the derived one, else the profile's; records explicit values that replaced a derived one. */
  const pick = (field: string, given: number | undefined, fromWorkload: number | undefined, fromProfile: number): number => {
    if (given !== undefined) {
      if (fromWorkload !== undefined && fromWorkload !== given) explicit.push({ field, value: given, derived: fromWorkload });
      return given;
    }
    return fromWorkload ?? fromProfile;
  };

  const hosts = profile.hosts && {
    ...profile.hosts,
    count: pick('compute.hosts', compute?.hosts, derived?.hosts, profile.hosts.count),
    instanceType: hostFit?.instanceType ?? profile.hosts.instanceType,
    rootVolumeGiB: compute?.volumeGiB ?? profile.hosts.rootVolumeGiB,
    dataVolumeGiB: profile.hosts.dataVolumeGiB === undefined ? undefined : (database?.storageGiB ?? profile.hosts.dataVolumeGiB),
  };

  let cluster: ClusterSize | undefined;
  if (profile.cluster) {
    const base = derived?.nodes ?? profile.cluster.nodes;
    const given = compute?.nodes;
    const max = given?.max ?? Math.max(base.max, given?.min ?? 0);
    const min = given?.min ?? Math.min(base.min, max);
    if (derived?.nodes && given?.min !== undefined && given.min !== derived.nodes.min)
      explicit.push({ field: 'compute.nodes.min', value: given.min, derived: derived.nodes.min });
    if (derived?.nodes && given?.max !== undefined && given.max !== derived.nodes.max)
      explicit.push({ field: 'compute.nodes.max', value: given.max, derived: derived.nodes.max });
    cluster = {
      instanceType: compute?.instanceType ?? profile.cluster.instanceType,
      rootVolumeGiB: compute?.volumeGiB ?? profile.cluster.rootVolumeGiB,
      nodes: { min, max, desired: given?.desired ?? Math.min(Math.max(base.desired, min), max) },
    };
  }

  const shardsGiven = config.components?.postgres?.shards;
  const sizedPostgres = postgresProfile && {
    ...postgresProfile,
    engineVersion: database?.engineVersion ?? postgresProfile.engineVersion,
    instanceClass: database?.instanceClass ?? postgresProfile.instanceClass,
    storageGiB: database?.storageGiB ?? postgresProfile.storageGiB,
    readReplicas:
      shardsGiven?.replicasPerShard !== undefined
        ? pick(`${SHARDS_PATH}.replicasPerShard`, shardsGiven.replicasPerShard, derived?.readReplicas, postgresProfile.readReplicas)
        : pick('database.readReplicas', database?.readReplicas, derived?.readReplicas, postgresProfile.readReplicas),
    shards:
      shardsGiven?.count !== undefined
        ? pick(`${SHARDS_PATH}.count`, shardsGiven.count, derived?.dbShards, postgresProfile.shards)
        : pick('database.shards', database?.shards, derived?.dbShards, postgresProfile.shards),
  };
  const homed = sizedPostgres && homeShards(environment, sizedPostgres);
  const postgres = homed?.postgres;

  const cockroach = cockroachProfile && {
    ...cockroachProfile,
    nodesPerRegion: pick('database.nodesPerRegion', database?.nodesPerRegion, derived?.cockroachNodesPerRegion, cockroachProfile.nodesPerRegion),
    volumeGiB: database?.storageGiB ?? cockroachProfile.volumeGiB,
  };

  const managedCockroach = managedPlan && {
    plan: managedPlan.plan,
    requestUnitsPerQuery: managedPlan.requestUnitsPerQuery,
    ...(managedPlan.plan === 'dedicated'
      ? {
          nodesPerRegion: pick(
            'database.nodesPerRegion',
            database?.nodesPerRegion,
            derived?.cockroachNodesPerRegion,
            AVAILABILITY_FLOORS[stage].cockroachNodesPerRegion,
          ),
        }
      : {}),
  };

  const sized: Blueprint = {
    ...profile,
    databaseEngine,
    backupRetentionDays: database?.backupRetentionDays ?? profile.backupRetentionDays,
    hosts,
    cluster,
    postgres,
    cockroach,
    ...(managedCockroach ? { managedCockroach } : {}),
    redis: {
      ...profile.redis,
      nodeType: redisNodeType,
      shards: pick('cache.shards', cache?.shards, derived?.redisShards, profile.redis.shards),
      replicasPerShard: cache?.replicasPerShard ?? profile.redis.replicasPerShard,
    },
    rabbitmq: rabbitmqSize && { ...rabbitmqSize, instanceType: queue?.instanceType ?? rabbitmqSize.instanceType },
    search: searchSize && {
      ...searchSize,
      instanceType: searchGiven.instanceType ?? searchSize.instanceType,
      dataNodes: searchGiven.dataNodes ?? searchSize.dataNodes,
      volumeGiB: searchGiven.volumeGiB ?? searchSize.volumeGiB,
    },
    kafka: kafkaSize && {
      ...kafkaSize,
      instanceType: streaming?.instanceType ?? kafkaSize.instanceType,
      brokers: pick('streaming.brokers', streaming?.brokers, derived?.kafkaBrokers, kafkaSize.brokers),
      volumeGiB: streaming?.volumeGiB ?? kafkaSize.volumeGiB,
    },
    multiRegion: components.regionMode === 'single' ? undefined : { mode: components.regionMode },
    services: derived?.services,
  };
  // The autoscaling rules set the floors Terraform builds (Aurora readers, Redis shards).
  const pooled: Blueprint = { ...sized, pooler: components.pooler && sized.postgres && poolerSize(components.pooler, sized, environment) };
  const scaled = applyAutoscaling(environment, pooled);
  const blueprint = scaled.blueprint;

  // A derived count the topology cannot hold stops the command, unless the file replaces it.
  const replaced = new Set(explicit.map((e) => e.field.replace(/\.(min|max)$/, '')));
  // components.postgres.shards gives the same counts as database.shards and database.readReplicas.
  const aliases: Record<string, string> = { 'database.shards': `${SHARDS_PATH}.count`, 'database.readReplicas': `${SHARDS_PATH}.replicasPerShard` };
  const isSet = (field: string) => [field, aliases[field]].some((f) => f !== undefined && (replaced.has(f) || fieldIsSet(environment, f)));
  const problems: Problem[] = [];
  const warnings = [...(derived?.warnings ?? [])];
  for (const p of derived?.problems ?? []) {
    if (p.replacedBy !== undefined && isSet(p.replacedBy)) {
      const field = fieldIsSet(environment, p.replacedBy) || aliases[p.replacedBy] === undefined ? p.replacedBy : aliases[p.replacedBy];
      warnings.push(`${p.path}: ${p.message} (${field} is set explicitly, so it stands)`);
    } else problems.push({ file: p.file ?? environment.sourceFile, path: p.path, message: p.message });
  }
  const capacity = clusterCapacity(environment, blueprint, assumptions);
  if (capacity?.warning) warnings.push(capacity.warning);
  problems.push(...inFile(environment.sourceFile, scaled.problems), ...(homed?.problems ?? []));
  if (hostFit && 'problem' in hostFit) problems.push({ file: environment.sourceFile, ...hostFit.problem });
  for (const e of explicit) {
    if (e.value < e.derived) warnings.push(`${e.field} ${e.value} is set explicitly, below the ${e.derived} the workload needs`);
  }

  return { blueprint, report: { workload, assumptions, derived, explicit, clusterCapacity: capacity, warnings, problems } };
}

/**
 * Aurora shards get their home regions (config/shard-homes.ts). An explicit count or map is
 * checked as given; a derived or profile count is rounded up to a multiple of the regions, so
 * the even split gives every region as many shards.
 */
function homeShards(environment: Environment, postgres: PostgresSize): { postgres: PostgresSize; problems: Problem[] } {
  if (postgres.kind !== 'aurora') return { postgres, problems: [] };
  const regions = environment.regions.map((r) => r.code);
  const given = environment.config.components?.postgres?.shards;
  // Active-passive: the first region writes every shard and the others hold global-database
  // secondaries of all of them (docs/components.md); homes belong to active-active.
  if (environment.components.regionMode === 'active-passive') {
    const problems: Problem[] =
      given?.homes === undefined
        ? []
        : [
            {
              file: environment.sourceFile,
              path: `${SHARDS_PATH}.homes`,
              message:
                'shards are homed in regions only when every region writes; allowed: components.regions.mode: active-active, or no homes (the first region writes every shard)',
            },
          ];
    return { postgres, problems };
  }
  const field = given?.count !== undefined ? `${SHARDS_PATH}.count` : environment.config.database?.shards !== undefined ? 'database.shards' : undefined;
  const shards = field !== undefined ? postgres.shards : Math.ceil(postgres.shards / regions.length) * regions.length;
  const { homes, problems } = resolveShardHomes(environment.sourceFile, shards, regions, given?.homes, field ?? `${SHARDS_PATH}.count`);
  // One region homes every shard: nothing to record, and the single-region Blueprint stays as it was.
  if (regions.length === 1) return { postgres: { ...postgres, shards }, problems };
  return { postgres: { ...postgres, shards, homes: homes ?? {} }, problems };
}

/**
 * The autoscalers' max pods (with the environment's overrides) against what the node group's
 * max can host: when they do not fit, pods above it stay Pending and nothing says so.
 */
export function clusterCapacity(environment: Environment, blueprint: Blueprint, assumptions: Assumptions): ClusterCapacity | undefined {
  const cluster = blueprint.cluster;
  const spec = cluster && EC2_SPECS[cluster.instanceType];
  if (!cluster || !spec) return undefined;
  const node = allocatable(spec, { vcpu: assumptions.nodeSystemCpu, memoryGiB: assumptions.nodeSystemMemoryGiB });
  const groups = environment.services.map((service) => ({
    service,
    count: podBounds(environment, blueprint, service).max,
    pods: { min: 0, max: 0, cpu: service.resources.requests.cpuMillis / 1000, memoryGiB: service.resources.requests.memoryMiB / 1024 },
  }));
  const pooler = blueprint.pooler;
  const need = podsOnNodes(pooler ? [...groups, { count: pooler.pods, pods: poolerPodRange(pooler.pods) }] : groups, node);
  const biggest = [...groups]
    .sort((a, b) => b.count * b.pods.cpu - a.count * a.pods.cpu)
    .slice(0, 4)
    .map((g) => `${g.service.name} ${g.count} × ${fmt(g.pods.cpu)} vCPU`)
    .join(', ');
  const message =
    `compute.nodes.max: ${cluster.nodes.max} ${cluster.instanceType} nodes per region offer ${fmt(cluster.nodes.max * node.vcpu)} vCPU, ${fmt(cluster.nodes.max * node.memoryGiB)} GiB, ` +
    `${cluster.nodes.max * node.pods} pods allocatable; the autoscalers' max pods (${need.pods}: ${biggest}) request ${fmt(need.cpu)} vCPU, ${fmt(need.memory)} GiB and need ${need.count} nodes; ` +
    `pods above the node group's max stay Pending; allowed: compute.nodes.max ≥ ${need.count}, a larger compute.instanceType, or lower max pods`;
  return {
    nodesMax: cluster.nodes.max,
    nodesNeeded: need.count,
    maxPods: need.pods,
    maxPodsCpu: need.cpu,
    maxPodsMemoryGiB: need.memory,
    fits: need.count <= cluster.nodes.max,
    warning: need.count <= cluster.nodes.max ? undefined : message,
  };
}

function fieldIsSet(environment: Environment, field: string): boolean {
  let node: unknown = environment.config;
  for (const key of field.split('.')) {
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== undefined;
}

/** An environment with its validated sizes. */
export interface SizedEnvironment {
  readonly environment: Environment;
  readonly blueprint: Blueprint;
  readonly report: SizingReport;
}

/** Sizes every environment; throws one UserInputError listing every size that does not fit. */
export function sizeEnvironments(environments: readonly Environment[]): SizedEnvironment[] {
  const sized = environments.map((environment) => ({ environment, ...sizeBlueprint(environment) }));
  const problems = sized.flatMap(({ environment, blueprint, report }) => [...report.problems, ...blueprintProblems(environment, blueprint)]);
  if (problems.length > 0) throw new UserInputError(problems);
  return sized;
}
