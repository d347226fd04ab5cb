/**
 * Prices synthesized stacks: every resource of every `cdk.tf.json`, so the estimate is of what
 * would be deployed, not of a parallel model. Sums per stack, per environment (with the cost per
 * MAU) and per stage. Pure: takes parsed JSON, returns numbers.
 */
import { Stage, stageIndex } from '../config/stages';
import { SizedEnvironment } from '../sizing/blueprint';
import { edgeServiceUsage, postgresStandbyUsage, regionUsage, RegionUsage } from '../sizing/usage';
import { edgeServiceScriptName } from '../stacks/edge-worker-config';
import { CATALOG, Catalog, isMiss, tieredCost } from './catalog';
import { CostComponent, NotModelled, priceResource } from './pricers';
import { kubernetesClusterRegion } from '../synthesis/persistent-volumes';
import { StackJson } from '../synthesis/stack-views';

/** One resource (or stack-level usage) and what it costs a month. */
export interface ResourceCost {
  /** `aws_instance.host-0_instance_FEA1F1E0`, or `usage.internet_egress` for stack-level usage. */
  readonly address: string;
  readonly type: string;
  /** Construct path from the synthesized metadata, when there is one. */
  readonly path?: string;
  /**
   * priced: every part has a price (some usage may be not modelled); free: no charge, with the
   * reason; unpriced: the catalog cannot price it, with the reason — never counted as $0.
   */
  readonly status: 'priced' | 'free' | 'unpriced';
  readonly monthlyUsd: number;
  readonly components: readonly CostComponent[];
  readonly notModelled: readonly NotModelled[];
  readonly reason?: string;
}

export interface StackCost {
  readonly stack: string;
  /** Region of the stack's default AWS provider. */
  readonly region?: string;
  readonly monthlyUsd: number;
  readonly resources: readonly ResourceCost[];
  readonly unpriced: readonly ResourceCost[];
  /** Usage charges left out, grouped by resource type and component. */
  readonly notModelled: ReadonlyArray<{ readonly type: string; readonly component: string; readonly reason: string; readonly resources: number }>;
  /** Data sources the stack reads: they create nothing, so they cost nothing themselves. */
  readonly dataSources: readonly string[];
}

export interface PriceStackOptions {
  readonly catalog?: Catalog;
  /** The workload's usage in this stack's region; without it, usage-based parts are not modelled. */
  readonly usage?: RegionUsage;
}

/** Region of an AWS provider block: the default one, or the alias a resource names (`aws.eu-west-1`). */
function providerRegions(json: StackJson): { default?: string; byAlias: Record<string, string> } {
  const byAlias: Record<string, string> = {};
  let defaultRegion: string | undefined;
  for (const block of json.provider?.aws ?? []) {
    const region = typeof block.region === 'string' ? block.region : undefined;
    if (!region) continue;
    if (typeof block.alias === 'string') byAlias[`aws.${block.alias}`] = region;
    else defaultRegion = region;
  }
  return { default: defaultRegion, byAlias };
}

export function priceStack(stack: string, json: StackJson, options: PriceStackOptions = {}): StackCost {
  const catalog = options.catalog ?? CATALOG;
  const regions = providerRegions(json);
  // Apps stacks have no AWS provider: their Kubernetes objects' volumes are made in the cluster's region.
  const clusterRegion = kubernetesClusterRegion(json);
  const resources: ResourceCost[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, args] of Object.entries(byName)) {
      const provider = typeof args.provider === 'string' ? args.provider : undefined;
      const region = type.startsWith('aws_')
        ? provider
          ? regions.byAlias[provider]
          : regions.default
        : type.startsWith('kubernetes_')
          ? clusterRegion
          : undefined;
      const result = priceResource({ catalog, type, name, args, region, stack: json, usage: options.usage });
      const path = (args['//'] as { metadata?: { path?: string } } | undefined)?.metadata?.path;
      const address = `${type}.${name}`;
      if (result.kind === 'priced') {
        const monthlyUsd = result.components.reduce((sum, c) => sum + c.monthlyUsd, 0);
        resources.push({ address, type, path, status: 'priced', monthlyUsd, components: result.components, notModelled: result.notModelled });
      } else {
        resources.push({ address, type, path, status: result.kind, monthlyUsd: 0, components: [], notModelled: [], reason: result.reason });
      }
    }
  }
  // Traffic to the internet leaves through the region's VPC (ALB or host addresses), whatever resource serves it.
  if (json.resource?.aws_vpc && regions.default) {
    if (options.usage) {
      const cost = tieredCost(catalog, 'transfer.internetOut', regions.default, options.usage.egressGB);
      if (isMiss(cost)) {
        resources.push({
          address: 'usage.internet_egress',
          type: 'usage',
          status: 'unpriced',
          monthlyUsd: 0,
          components: [],
          notModelled: [],
          reason: cost.missing,
        });
      } else {
        const component: CostComponent = {
          description: `${options.usage.egressGB.toFixed(0)} GB from the origin to the internet (through Cloudflare)`,
          quantity: options.usage.egressGB,
          unit: cost.unit,
          unitUsd: options.usage.egressGB > 0 ? cost.usd / options.usage.egressGB : 0,
          monthlyUsd: cost.usd,
          source: cost.source,
        };
        resources.push({ address: 'usage.internet_egress', type: 'usage', status: 'priced', monthlyUsd: cost.usd, components: [component], notModelled: [] });
      }
    } else {
      resources.push({
        address: 'usage.internet_egress',
        type: 'usage',
        status: 'priced',
        monthlyUsd: 0,
        components: [],
        notModelled: [{ component: 'data transfer out to the internet', reason: 'no workload profile' }],
      });
    }
  }

  const grouped = new Map<string, { type: string; component: string; reason: string; resources: number }>();
  for (const r of resources) {
    for (const n of r.notModelled) {
      const key = `${r.type}\u0000${n.component}\u0000${n.reason}`;
      const entry = grouped.get(key) ?? { type: r.type, component: n.component, reason: n.reason, resources: 0 };
      entry.resources += 1;
      grouped.set(key, entry);
    }
  }
  const dataSources = Object.entries(json.data ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `data.${type}.${name}`));
  return {
    stack,
    region: regions.default,
    monthlyUsd: resources.reduce((sum, r) => sum + r.monthlyUsd, 0),
    resources,
    unpriced: resources.filter((r) => r.status === 'unpriced'),
    notModelled: [...grouped.values()],
    dataSources,
  };
}

/** One environment's stacks, priced together. */
export interface EnvironmentCost {
  readonly environment: string;
  readonly stage: Stage;
  readonly mau?: number;
  readonly monthlyUsd: number;
  /** monthlyUsd ÷ MAU; absent without a workload. */
  readonly costPerMauUsd?: number;
  readonly stacks: readonly StackCost[];
  /** Count of unpriced resources over all stacks: the total leaves them out. */
  readonly unpricedResources: number;
}

export function environmentCost(environment: string, stage: Stage, mau: number | undefined, stacks: readonly StackCost[]): EnvironmentCost {
  const monthlyUsd = stacks.reduce((sum, s) => sum + s.monthlyUsd, 0);
  return {
    environment,
    stage,
    mau,
    monthlyUsd,
    costPerMauUsd: mau === undefined ? undefined : costPerMau(monthlyUsd, mau),
    stacks,
    unpricedResources: stacks.reduce((n, s) => n + s.unpriced.length, 0),
  };
}

/** Monthly cost per monthly active user. */
export function costPerMau(monthlyUsd: number, mau: number): number {
  return monthlyUsd / mau;
}

/** Environments summed per stage, in stage order. */
export function costByStage(
  environments: readonly EnvironmentCost[],
): Array<{ stage: Stage; environments: number; monthlyUsd: number; mau?: number; costPerMauUsd?: number }> {
  const byStage = new Map<Stage, EnvironmentCost[]>();
  for (const e of environments) byStage.set(e.stage, [...(byStage.get(e.stage) ?? []), e]);
  return [...byStage.entries()]
    .sort(([a], [b]) => stageIndex(a) - stageIndex(b))
    .map(([stage, list]) => {
      const monthlyUsd = list.reduce((sum, e) => sum + e.monthlyUsd, 0);
      const withMau = list.every((e) => e.mau !== undefined);
      const mau = withMau ? list.reduce((sum, e) => sum + (e.mau ?? 0), 0) : undefined;
      return { stage, environments: list.length, monthlyUsd, mau, costPerMauUsd: mau === undefined ? undefined : costPerMau(monthlyUsd, mau) };
    });
}

/**
 * The usage an environment's workload puts on each region (none without a workload), with its
 * edge-first services' Workers by script name.
 */
export function environmentUsage(sized: SizedEnvironment): RegionUsage | undefined {
  const { environment, report } = sized;
  const workload = report.workload;
  if (!workload || !report.derived) return undefined;
  // CockroachDB keeps a range's replicas in several regions; a Postgres shard lives in its home region only,
  // unless one region writes and the others hold standby copies of everything (active-passive).
  const standby = sized.blueprint.databaseEngine !== 'cockroachdb' && environment.components.regionMode === 'active-passive';
  const regions = environment.regions.length;
  const regionalCopies = sized.blueprint.databaseEngine === 'cockroachdb' ? report.assumptions.cockroachReplicationFactor : standby ? regions : 1;
  const shared = regionUsage(report.derived.demand, workload, regions, regionalCopies, report.assumptions.rateLimiterMsPerCall);
  const base = {
    ...shared,
    // A standby's replication runs over RDS's own channel, not the VPC peering: it is priced on the standby database.
    ...(standby ? { interRegionGB: 0, postgresStandby: postgresStandbyUsage(report.derived.demand, workload, environment.regions[0].code) } : {}),
    // The load spreads over the hosts the environment runs (compute.hosts may pin more than the workload needs).
    hostAverageVcpu:
      report.derived.hostsAverageVcpu === undefined || !sized.blueprint.hosts ? undefined : report.derived.hostsAverageVcpu / sized.blueprint.hosts.count,
  };
  if (environment.edgeServices.length === 0) return base;
  const services = Object.fromEntries(
    environment.edgeServices.map((s) => [edgeServiceScriptName(environment, s.name), edgeServiceUsage(s, workload, base.edge.dau)]),
  );
  return { ...base, edge: { ...base.edge, services } };
}

/** Prices one sized environment's stacks, with the usage its workload puts on each region. */
export function priceSizedEnvironment(sized: SizedEnvironment, stacks: ReadonlyArray<{ readonly name: string; readonly json: StackJson }>): EnvironmentCost {
  const { environment, report } = sized;
  const usage = environmentUsage(sized);
  return environmentCost(
    environment.name,
    environment.stage,
    report.workload?.mau,
    stacks.map((s) => priceStack(s.name, s.json, { usage })),
  );
}
