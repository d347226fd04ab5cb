/**
 * The typed Environment: a validated file with every non-size default resolved.
 * Sizes (counts, classes) are resolved later, by the sizing layer, into a Blueprint.
 */
import { DEFAULT_SLO_WINDOW_DAYS, Slo, sloProblems } from './slo';
import { AVAILABILITY_ZONE_IDS } from './regions';
import { formatCidr, overlaps, parseCidr, PRIVATE_RANGES, subdivide, Ipv4Block } from './cidr';
import { Problem, shownValue } from './errors';
import { EnvironmentConfig } from './schema';
import { formatCount, isAtLeast, isSingleHostStage, Stage, stageForMau, STAGES } from './stages';
import { CLOUDFLARE_GEO_REGION_CODES, isGeoRegion } from './edge-regions';
import { COUNTRY_GEO_REGIONS } from './edge-countries';
import { CloudflareSubscription, DEFAULT_CLOUDFLARE_PLAN } from './cloudflare-plans';
import { AUTOSCALING_RULE_STAGES, autoscalingConfigProblems } from './autoscaling';
import { ServiceDefinition } from './service-definition';
import { normalizedPem, originPullCaProblem } from './origin-pull-ca';
import { deployedServices, projectServiceCatalog } from './services';
import { cockroachHostingProblems } from './cockroach-hosting';
import { componentProblems, Components, resolveComponents } from './components';
import { shardComponentProblems } from './shard-homes';
import { cloudflarePlanProblems } from './cloudflare-plan-problems';

export type NatStrategy = 'none' | 'single' | 'per-az';

/** Where Terraform keeps each stack's state. */
export type StateBackend =
  | { readonly kind: 'local' }
  | { readonly kind: 's3'; readonly bucket: string; readonly region: string; readonly keyPrefix: string; readonly kmsKeyArn?: string };

/** One AWS region of an environment. */
export interface RegionPlacement {
  readonly code: string;
  /** True for the first region listed. */
  readonly primary: boolean;
  /** Position in the environment's region list. */
  readonly index: number;
  readonly vpcCidr: string;
  /** Zone IDs the region's subnets span. */
  readonly availabilityZoneIds: readonly string[];
}

/** Requests per minute of each rate limit, at the Cloudflare edge and in the edge Worker. */
export interface RateLimitSettings {
  readonly messagesPerMinute: number;
  readonly apiRequestsPerMinute: number;
  readonly websocketConnectsPerMinute: number;
  readonly failedLoginsPerMinute: number;
}

/** The edge Worker's settings, resolved. */
export interface EdgeWorkerSettings {
  readonly enabled: boolean;
  readonly sessionCacheTtlSeconds: number;
  readonly maxRequestBodyKiB: number;
  readonly originTimeoutMs: number;
}

/** The Cloudflare edge, resolved. */
export interface EdgeSettings {
  /** Undefined means: the account of the zone, read when the stack is planned. */
  readonly cloudflareAccountId?: string;
  /** The zone's plan and the add-ons the edge stack may use. */
  readonly subscription: CloudflareSubscription;
  readonly assetsHost: string;
  readonly rateLimits: RateLimitSettings;
  /** Region → geo regions or countries it serves first (validated; may be empty). */
  readonly steering: Readonly<Record<string, readonly string[]>>;
  readonly worker: EdgeWorkerSettings;
  /** PEM of the zone's origin-pull CA (validated, normalized); undefined until the deployer sets it. */
  readonly originPullCa?: string;
  /** Id of the zone's uploaded origin-pull client certificate: the declared manual step, checked at plan. */
  readonly originPullCertificateId?: string;
}

/** Seed 002, section 6: messages 100/min per user, API 1,000/min per user, WebSocket connections 5/min per IP, failed logins 5/min per IP. */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  messagesPerMinute: 100,
  apiRequestsPerMinute: 1000,
  websocketConnectsPerMinute: 5,
  failedLoginsPerMinute: 5,
};

/** Seed 000: sessions are cached in KV for 5 minutes. */
export const DEFAULT_SESSION_CACHE_TTL_SECONDS = 300;
export const DEFAULT_MAX_REQUEST_BODY_KIB = 1024;
export const DEFAULT_ORIGIN_TIMEOUT_MS = 10_000;

/** The Worker forwards to `origin-<region>.<domain>`, a record that exists where a region has an ALB. */
const WORKER_STAGES: readonly Stage[] = ['growth', 'scale', 'hyperscale', 'massive'];

/** Names the edge stack already uses in the zone, besides `origin-<region>`. */
const RESERVED_HOST_LABELS = ['www', 'api'];

/** Where the environment's stage came from: the file's `stage`, or its `workload.mau` (seed 004 ranges). */
export type StageSource = 'pinned' | 'workload';

export interface Environment {
  readonly name: string;
  readonly stage: Stage;
  readonly stageSource: StageSource;
  readonly domain: string;
  /** The file the environment was read from, for messages. */
  readonly sourceFile: string;
  readonly regions: readonly RegionPlacement[];
  /** Tags for every AWS resource. */
  readonly tags: Readonly<Record<string, string>>;
  readonly backend: StateBackend;
  readonly natGateways: NatStrategy;
  readonly alertEmails: readonly string[];
  /** HTTPS endpoint of the paging service, subscribed to every alarm topic. */
  readonly pagerEndpoint?: string;
  /** Availability objective of the public API (growth on), with its window resolved. */
  readonly slo?: Slo;
  readonly kubernetesVersion: string;
  readonly publicApiCidrs: readonly string[];
  /** The declared deployer inside the environment's VPCs, when the API endpoint is private only. */
  readonly privateApiDeployer?: string;
  readonly edge: EdgeSettings;
  /** The AWS account ID when the file gives it: policies and bucket names use it, known at plan time. */
  readonly awsAccountId?: string;
  /** The services of `services/` this environment runs in its regions, with its overrides applied. */
  readonly services: readonly ServiceDefinition[];
  /** Its edge-first services (`edge:`): Workers at the edge, with nothing of them in the regions. */
  readonly edgeServices: readonly ServiceDefinition[];
  /** Which components it runs: the stage's defaults with the file's `components:` applied (config/components.ts). */
  readonly components: Components;
  /** The validated file, for the sizing layer's explicit overrides and workload. */
  readonly config: EnvironmentConfig;
}

/** Zones per region: two for single-host stages, three (where the region has them) for clusters. */
export function zoneCountFor(stage: Stage): number {
  return isSingleHostStage(stage) ? 2 : 3;
}

const DEFAULT_NAT: Record<Stage, NatStrategy> = {
  launch: 'none',
  traction: 'none',
  growth: 'single',
  scale: 'per-az',
  hyperscale: 'per-az',
  massive: 'per-az',
};

/** Default VPC of the region at `index`: 10.16.0.0/16, 10.20.0.0/16, … (room to grow each to /14). */
export function defaultVpcCidr(index: number): string {
  return `10.${16 + index * 4}.0.0/16`;
}

/** Smallest and largest VPC accepted: a /20 still holds 12 subnets of /24. */
const VPC_PREFIX_RANGE = { min: 16, max: 20 };

/** Which stages an optional field applies to, so a misplaced size is an error, not silently ignored. */
export const STAGE_SCOPED_FIELDS: ReadonlyArray<{ path: string; present: (c: EnvironmentConfig) => boolean; stages: readonly Stage[] }> = [
  { path: 'compute.hosts', present: (c) => c.compute?.hosts !== undefined, stages: ['launch', 'traction'] },
  { path: 'compute.nodes', present: (c) => c.compute?.nodes !== undefined, stages: ['growth', 'scale', 'hyperscale', 'massive'] },
  { path: 'compute.publicApiCidrs', present: (c) => c.compute?.publicApiCidrs !== undefined, stages: ['growth', 'scale', 'hyperscale', 'massive'] },
  { path: 'compute.privateApiDeployer', present: (c) => c.compute?.privateApiDeployer !== undefined, stages: ['growth', 'scale', 'hyperscale', 'massive'] },
  { path: 'compute.kubernetesVersion', present: (c) => c.compute?.kubernetesVersion !== undefined, stages: ['growth', 'scale', 'hyperscale', 'massive'] },
  { path: 'database.instanceClass', present: (c) => c.database?.instanceClass !== undefined, stages: ['traction', 'growth', 'scale', 'hyperscale', 'massive'] },
  { path: 'database.readReplicas', present: (c) => c.database?.readReplicas !== undefined, stages: ['growth', 'scale', 'hyperscale', 'massive'] },
  { path: 'database.shards', present: (c) => c.database?.shards !== undefined, stages: ['hyperscale', 'massive'] },
  { path: 'database.nodesPerRegion', present: (c) => c.database?.nodesPerRegion !== undefined, stages: ['hyperscale', 'massive'] },
  { path: 'cache', present: (c) => c.cache !== undefined, stages: ['traction', 'growth', 'scale', 'hyperscale', 'massive'] },
  { path: 'queue', present: (c) => c.queue !== undefined, stages: ['growth', 'scale', 'hyperscale', 'massive'] },
  { path: 'search', present: (c) => c.search !== undefined, stages: ['growth', 'scale', 'hyperscale', 'massive'] },
  { path: 'streaming', present: (c) => c.streaming !== undefined, stages: ['growth', 'scale', 'hyperscale', 'massive'] },
  { path: 'edge.rateLimits', present: (c) => c.edge?.rateLimits !== undefined, stages: ['growth', 'scale', 'hyperscale', 'massive'] },
  { path: 'edge.steering', present: (c) => c.edge?.steering !== undefined, stages: ['massive'] },
  { path: 'slo', present: (c) => c.slo !== undefined, stages: ['growth', 'scale', 'hyperscale', 'massive'] },
  ...(Object.keys(AUTOSCALING_RULE_STAGES) as Array<keyof typeof AUTOSCALING_RULE_STAGES>).map((key) => ({
    path: `autoscaling.${key}`,
    present: (c: EnvironmentConfig) => c.autoscaling?.[key] !== undefined,
    stages: AUTOSCALING_RULE_STAGES[key],
  })),
];

/**
 * The stage an environment runs: the one its file pins, or else the seed 004 range its
 * `workload.mau` falls in. Call only on a config that passed the schema (which requires one of them).
 */
export function resolveStage(config: Pick<EnvironmentConfig, 'stage' | 'workload'>): { stage: Stage; source: StageSource } {
  if (config.stage !== undefined) return { stage: config.stage, source: 'pinned' };
  if (config.workload === undefined) throw new Error('resolveStage: the schema guarantees stage or workload.mau');
  return { stage: stageForMau(config.workload.mau), source: 'workload' };
}

/** Options of `crossFieldProblems`. */
export interface CrossFieldOptions {
  /** How messages name the MAU field the stage was chosen from. @default "workload.mau" */
  readonly mauField?: string;
}

/** Cross-field rules: checked once the file has the right shape, all reported together. */
export function crossFieldProblems(file: string, config: EnvironmentConfig, options: CrossFieldOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  const { regions } = config;
  const { stage, source } = resolveStage(config);
  // A stage chosen from MAU says so, since the file never names it.
  const chosen = source === 'workload' ? ` (chosen from ${options.mauField ?? 'workload.mau'} ${formatCount(config.workload!.mau)})` : '';

  regions.forEach((region, i) => {
    const first = regions.indexOf(region);
    if (first !== i) add(`regions[${i}]`, `"${region}" is already listed at regions[${first}]; each region may appear once`);
  });
  if (stage === 'massive' && regions.length < 3) {
    add('regions', `massive${chosen} needs at least 3 regions, so that losing one still leaves two; received ${regions.length}`);
  }
  if (!isAtLeast(stage, 'growth') && regions.length > 1) {
    add('regions', `${stage}${chosen} runs in one region (several regions start at growth, with components.regions); received ${regions.length} regions`);
  }
  problems.push(...componentProblems(file, config, { stage, chosen }));

  for (const field of STAGE_SCOPED_FIELDS) {
    if (field.present(config) && !field.stages.includes(stage)) {
      add(field.path, `does not apply to stage ${stage}${chosen}; it applies to: ${field.stages.join(', ')}`);
    }
  }
  if (config.slo !== undefined) {
    for (const p of sloProblems({ availabilityPercent: config.slo.availabilityPercent, windowDays: config.slo.windowDays ?? DEFAULT_SLO_WINDOW_DAYS }))
      add(p.path, p.message);
  }
  if (stage === 'launch' && config.compute?.hosts !== undefined && config.compute.hosts !== 1) {
    add('compute.hosts', `launch runs exactly 1 host; received ${config.compute.hosts}`);
  }
  const engine = config.database?.engine;
  if (engine === 'cockroachdb' && !isAtLeast(stage, 'hyperscale')) {
    add('database.engine', `cockroachdb needs a cluster stage that hosts it (hyperscale, massive); this environment is ${stage}${chosen}`);
  }
  if (config.database?.shards !== undefined && (engine ?? defaultEngine(stage)) === 'cockroachdb') {
    add('database.shards', 'applies to engine postgres; CockroachDB shards its ranges itself');
  }
  // Massive runs Postgres only as shards homed in its regions; the Postgres sizes mean nothing to CockroachDB there.
  for (const field of ['instanceClass', 'readReplicas'] as const) {
    if (stage === 'massive' && config.database?.[field] !== undefined && (engine ?? defaultEngine(stage)) === 'cockroachdb') {
      add(`database.${field}`, 'applies to engine postgres (database.engine: postgres); massive runs CockroachDB by default');
    }
  }
  problems.push(...shardComponentProblems(file, config, { stage, chosen }));
  if (config.database?.nodesPerRegion !== undefined && (engine ?? defaultEngine(stage)) !== 'cockroachdb') {
    add('database.nodesPerRegion', 'applies to engine cockroachdb');
  }
  problems.push(
    ...cockroachHostingProblems(file, config.components?.cockroachdb, {
      engine: engine ?? defaultEngine(stage),
      regions,
      path: 'components.cockroachdb',
      nodesPerRegionSet: config.database?.nodesPerRegion !== undefined,
    }),
  );

  const nodes = config.compute?.nodes;
  if (nodes?.min !== undefined && nodes.max !== undefined && nodes.min > nodes.max) {
    add('compute.nodes', `min (${nodes.min}) must not exceed max (${nodes.max})`);
  }
  if (nodes?.desired !== undefined) {
    if (nodes.min !== undefined && nodes.desired < nodes.min) add('compute.nodes.desired', `must be at least min (${nodes.min}); received ${nodes.desired}`);
    if (nodes.max !== undefined && nodes.desired > nodes.max) add('compute.nodes.desired', `must be at most max (${nodes.max}); received ${nodes.desired}`);
  }
  for (const [i, cidr] of (config.compute?.publicApiCidrs ?? []).entries()) {
    const block = parseCidr(cidr);
    if (block?.prefixLength === 0) {
      add(`compute.publicApiCidrs[${i}]`, `"${cidr}" would open the Kubernetes API to the whole internet; list office or VPN ranges`);
    } else if (block && PRIVATE_RANGES.some((range) => overlaps(block, range))) {
      // EKS refuses such ranges on the public endpoint at apply; deployers inside the VPCs use the private endpoint.
      add(
        `compute.publicApiCidrs[${i}]`,
        `"${cidr}" is a private range, which the public API endpoint never sees; list the public egress ranges of your deployers (office, VPN, CI), or leave it out and deploy the apps stacks from inside a VPC of the environment (docs/cluster-access.md)`,
      );
    }
  }

  for (const { path, message } of autoscalingConfigProblems({ config, stage })) add(path, message);

  problems.push(...networkProblems(file, config));
  problems.push(...edgeProblems(file, config, stage));
  problems.push(...cloudflarePlanProblems(file, config, { stage, chosen, workerEnabled: config.edge?.worker?.enabled ?? defaultWorkerEnabled(stage) }));
  return problems;
}

function edgeProblems(file: string, config: EnvironmentConfig, stage: Stage): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  const edge = config.edge;
  if (!edge) return problems;

  const caProblem = edge.originPullCa !== undefined ? originPullCaProblem(edge.originPullCa) : undefined;
  if (caProblem) add('edge.originPullCa', caProblem);

  const host = edge.assetsHost;
  if (host !== undefined) {
    if (!host.endsWith(`.${config.domain}`)) {
      add('edge.assetsHost', `"${host}" is not in the zone ${config.domain}; use a name ending in .${config.domain}`);
    } else {
      const label = host.slice(0, -(config.domain.length + 1));
      if (RESERVED_HOST_LABELS.includes(label) || /^origin-/.test(label)) {
        add('edge.assetsHost', `"${host}" is already used by the edge (www, api and origin-<region> records); choose another name`);
      }
    }
  }

  if (edge.steering && stage === 'massive') {
    const listed = config.regions.join(', ');
    const sentTo = new Map<string, string>();
    for (const [region, targets] of Object.entries(edge.steering)) {
      if (!config.regions.includes(region)) {
        add(`edge.steering.${region}`, `"${region}" is not one of this environment's regions (${listed})`);
        continue;
      }
      targets.forEach((target, i) => {
        if (!isGeoRegion(target) && COUNTRY_GEO_REGIONS[target] === undefined) {
          add(
            `edge.steering.${region}[${i}]`,
            `"${target}" is neither a Cloudflare geo region (${CLOUDFLARE_GEO_REGION_CODES.join(', ')}) nor a country code Stagecraft knows (config/edge-countries.ts)`,
          );
          return;
        }
        const earlier = sentTo.get(target);
        if (earlier !== undefined) {
          add(
            `edge.steering.${region}[${i}]`,
            `"${target}" is already sent to ${earlier}; each ${isGeoRegion(target) ? 'geo region' : 'country'} goes to one region`,
          );
        }
        sentTo.set(target, earlier ?? region);
      });
    }
  }

  const worker = edge.worker;
  if (worker?.enabled === true && !WORKER_STAGES.includes(stage)) {
    add(
      'edge.worker.enabled',
      `the Worker forwards to each region's load balancer (origin-<region>.${config.domain}), which exists from growth on; this environment is ${stage}`,
    );
  } else if (worker && !(worker.enabled ?? defaultWorkerEnabled(stage))) {
    for (const key of ['sessionCacheTtlSeconds', 'maxRequestBodyKiB', 'originTimeoutMs'] as const) {
      if (worker[key] !== undefined) add(`edge.worker.${key}`, 'applies only when the Worker runs; set edge.worker.enabled: true (growth on) or remove it');
    }
  }
  return problems;
}

/** The Worker runs by default where the seeds put compute at the edge: massive. */
export function defaultWorkerEnabled(stage: Stage): boolean {
  return stage === 'massive';
}

function resolveEdge(config: EnvironmentConfig, stage: Stage): EdgeSettings {
  const edge = config.edge ?? {};
  return {
    cloudflareAccountId: edge.cloudflareAccountId,
    subscription: { plan: edge.cloudflarePlan ?? DEFAULT_CLOUDFLARE_PLAN, addons: [...new Set(edge.addons ?? [])] },
    assetsHost: edge.assetsHost ?? `assets.${config.domain}`,
    rateLimits: {
      messagesPerMinute: edge.rateLimits?.messagesPerMinute ?? DEFAULT_RATE_LIMITS.messagesPerMinute,
      apiRequestsPerMinute: edge.rateLimits?.apiRequestsPerMinute ?? DEFAULT_RATE_LIMITS.apiRequestsPerMinute,
      websocketConnectsPerMinute: edge.rateLimits?.websocketConnectsPerMinute ?? DEFAULT_RATE_LIMITS.websocketConnectsPerMinute,
      failedLoginsPerMinute: edge.rateLimits?.failedLoginsPerMinute ?? DEFAULT_RATE_LIMITS.failedLoginsPerMinute,
    },
    steering: edge.steering ?? {},
    ...(edge.originPullCa !== undefined ? { originPullCa: normalizedPem(edge.originPullCa) } : {}),
    ...(edge.originPullCertificateId !== undefined ? { originPullCertificateId: edge.originPullCertificateId } : {}),
    worker: {
      enabled: edge.worker?.enabled ?? defaultWorkerEnabled(stage),
      sessionCacheTtlSeconds: edge.worker?.sessionCacheTtlSeconds ?? DEFAULT_SESSION_CACHE_TTL_SECONDS,
      maxRequestBodyKiB: edge.worker?.maxRequestBodyKiB ?? DEFAULT_MAX_REQUEST_BODY_KIB,
      originTimeoutMs: edge.worker?.originTimeoutMs ?? DEFAULT_ORIGIN_TIMEOUT_MS,
    },
  };
}

function networkProblems(file: string, config: EnvironmentConfig): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  const listed = config.regions.join(', ');

  for (const [field, map] of [
    ['cidrs', config.network?.cidrs],
    ['availabilityZoneIds', config.network?.availabilityZoneIds],
  ] as const) {
    for (const region of Object.keys(map ?? {})) {
      if (!config.regions.includes(region)) add(`network.${field}.${region}`, `"${region}" is not one of this environment's regions (${listed})`);
    }
  }

  const blocks: Array<{ region: string; cidr: string; block: Ipv4Block; explicit: boolean }> = [];
  config.regions.forEach((region, index) => {
    const explicit = config.network?.cidrs?.[region];
    const cidr = explicit ?? defaultVpcCidr(index);
    const block = parseCidr(cidr);
    if (!block) return; // reported by the schema
    if (block.prefixLength < VPC_PREFIX_RANGE.min || block.prefixLength > VPC_PREFIX_RANGE.max) {
      add(`network.cidrs.${region}`, `"${cidr}" must be between /${VPC_PREFIX_RANGE.min} and /${VPC_PREFIX_RANGE.max}`);
    }
    const clash = blocks.find((other) => other.region !== region && overlaps(other.block, block));
    if (clash) {
      const where = explicit ? `network.cidrs.${region}` : `regions[${index}]`;
      const mine = explicit ? `"${cidr}"` : `default CIDR "${cidr}"`;
      add(where, `${mine} overlaps ${clash.region}'s "${clash.cidr}"; region VPCs are peered, so their CIDRs must not overlap`);
    }
    blocks.push({ region, cidr, block, explicit: explicit !== undefined });

    const zones = config.network?.availabilityZoneIds?.[region];
    if (zones) {
      const seen = new Set<string>();
      zones.forEach((zone, i) => {
        if (seen.has(zone)) add(`network.availabilityZoneIds.${region}[${i}]`, `"${zone}" is listed twice`);
        seen.add(zone);
        const known = AVAILABILITY_ZONE_IDS[region];
        if (known && !known.includes(zone)) {
          add(`network.availabilityZoneIds.${region}[${i}]`, `${shownValue(zone)} is not a zone ID of ${region}; allowed: ${known.join(', ')}`);
        }
      });
    }
  });
  return problems;
}

export function defaultEngine(stage: Stage): 'postgres' | 'cockroachdb' {
  return stage === 'massive' ? 'cockroachdb' : 'postgres';
}

/** Applies every non-size default. Call only on a config that passed `crossFieldProblems`. */
export function resolveEnvironment(
  config: EnvironmentConfig,
  sourceFile: string,
  catalog: readonly ServiceDefinition[] = projectServiceCatalog().services,
): Environment {
  const { stage, source: stageSource } = resolveStage(config);
  const zoneCount = zoneCountFor(stage);
  const regions = config.regions.map((code, index): RegionPlacement => {
    const zones = config.network?.availabilityZoneIds?.[code] ?? AVAILABILITY_ZONE_IDS[code];
    return {
      code,
      primary: index === 0,
      index,
      vpcCidr: config.network?.cidrs?.[code] ?? defaultVpcCidr(index),
      availabilityZoneIds: zones.slice(0, Math.min(zoneCount, zones.length)),
    };
  });
  const s3 = config.backend?.s3;
  const deployed = deployedServices(config, stage, catalog);
  return {
    name: config.name,
    stage,
    stageSource,
    domain: config.domain,
    sourceFile,
    regions,
    tags: {
      ...(config.tags ?? {}),
      'stagecraft:environment': config.name,
      'stagecraft:stage': stage,
      'managed-by': 'stagecraft',
    },
    backend: s3
      ? { kind: 's3', bucket: s3.bucket, region: s3.region ?? config.regions[0], keyPrefix: s3.keyPrefix ?? 'stagecraft', kmsKeyArn: s3.kmsKeyArn }
      : { kind: 'local' },
    natGateways: config.network?.natGateways ?? DEFAULT_NAT[stage],
    alertEmails: config.alerts?.emails ?? [],
    pagerEndpoint: config.alerts?.pagerEndpoint,
    slo: config.slo && { availabilityPercent: config.slo.availabilityPercent, windowDays: config.slo.windowDays ?? DEFAULT_SLO_WINDOW_DAYS },
    kubernetesVersion: config.compute?.kubernetesVersion ?? '1.33',
    publicApiCidrs: config.compute?.publicApiCidrs ?? [],
    privateApiDeployer: config.compute?.privateApiDeployer,
    edge: resolveEdge(config, stage),
    awsAccountId: config.aws?.accountId,
    services: deployed.filter((s) => s.edge === undefined),
    edgeServices: deployed.filter((s) => s.edge !== undefined),
    components: resolveComponents(config, stage),
    config,
  };
}

/** Subnet CIDRs of one tier in one region: the VPC is cut into 16 equal blocks, 4 per tier. */
export function subnetCidr(vpcCidr: string, tier: 'public' | 'private' | 'data', zoneIndex: number): string {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new RangeError(`invalid VPC CIDR ${vpcCidr}`);
  const tierOffset = { public: 0, private: 4, data: 8 }[tier];
  return formatCidr(subdivide(vpc, vpc.prefixLength + 4, tierOffset + zoneIndex));
}

export { STAGES };
