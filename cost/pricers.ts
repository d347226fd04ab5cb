/**
 * One pricing function per Terraform resource type. Each reads the resource's arguments in the
 * synthesized JSON (instance types, counts, volume sizes) and multiplies them by catalog prices;
 * usage-based parts (GB stored and transferred, load balancer capacity, requests) come from the
 * workload's `RegionUsage`. A price the catalog lacks makes the resource unpriced, with the
 * reason; a usage charge the workload does not describe is listed as not modelled. Neither is
 * ever counted as $0.
 */
import { formatNumber } from '../config/stages';
import { EdgeServiceUsage, RegionUsage } from '../sizing/usage';
import { BURSTABLE_BASELINE_VCPU } from '../sizing/instance-specs';
import { DAYS_PER_MONTH, SECONDS_PER_DAY } from '../sizing/demand';
import { BINDING } from '../workers/edge/contract';
import {
  COCKROACH_NODES_TAG,
  COCKROACH_PLAN_TAG,
  COCKROACH_RU_TAG,
  MANAGED_COCKROACH,
  MANAGED_SERVICE_TAG,
} from '../constructs/cockroachdb/managed-cluster-tags';
import { apiObjectOf } from '../synthesis/kubernetes-typed';
import { claimedVolumes } from '../synthesis/persistent-volumes';
import { record } from '../synthesis/values';
import { StackJson } from '../synthesis/stack-views';
import { Catalog, isMiss, lookup, tieredCost } from './catalog';

/** One priced quantity of a resource. */
export interface CostComponent {
  readonly description: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitUsd: number;
  readonly monthlyUsd: number;
  readonly source: string;
}

/** A usage-based charge the estimate leaves out, and why. */
export interface NotModelled {
  readonly component: string;
  readonly reason: string;
}

export type PricingResult =
  | { readonly kind: 'priced'; readonly components: readonly CostComponent[]; readonly notModelled: readonly NotModelled[] }
  | { readonly kind: 'free'; readonly reason: string }
  | { readonly kind: 'unpriced'; readonly reason: string };

/** What a pricer sees. */
export interface ResourceContext {
  readonly catalog: Catalog;
  readonly type: string;
  readonly name: string;
  readonly args: Record<string, unknown>;
  /** Region of the resource's provider (for Kubernetes objects, of the cluster the stack applies them to); undefined for the others. */
  readonly region: string | undefined;
  readonly stack: StackJson;
  /** The workload's usage of this stack's region; undefined without a workload profile. */
  readonly usage?: RegionUsage;
}

type Pricer = (ctx: ResourceContext) => PricingResult;

/** Thrown inside a pricer to make the resource unpriced with a reason. */
class Unpriced extends Error {}

class Builder {
  readonly components: CostComponent[] = [];
  readonly notModelled: NotModelled[] = [];
  constructor(private readonly ctx: ResourceContext) {}

  private get hours(): number {
    return this.ctx.catalog.hoursPerMonth;
  }

  /** `quantity` units of `key` (per type) per hour, for a month. */
  hourly(description: string, key: string, quantity: number, type?: string): this {
    const price = lookup(this.ctx.catalog, key, this.ctx.region, type);
    if (isMiss(price)) throw new Unpriced(price.missing);
    this.components.push({ description, quantity, unit: price.unit, unitUsd: price.usd, monthlyUsd: quantity * price.usd * this.hours, source: price.source });
    return this;
  }

  /** `quantity` units of a monthly (or per-GB, per-request) price. */
  monthly(description: string, key: string, quantity: number, type?: string): this {
    return this.monthlyIn(this.ctx.region, description, key, quantity, type);
  }

  /** `quantity` units of a monthly price in `region`: another region than the resource's for a transfer the source region bills. */
  monthlyIn(region: string | undefined, description: string, key: string, quantity: number, type?: string): this {
    const price = lookup(this.ctx.catalog, key, region, type);
    if (isMiss(price)) throw new Unpriced(price.missing);
    this.components.push({ description, quantity, unit: price.unit, unitUsd: price.usd, monthlyUsd: quantity * price.usd, source: price.source });
    return this;
  }

  /** `quantity` of a tiered price (GB-month, GB transferred). */
  tiered(description: string, key: string, quantity: number): this {
    const cost = tieredCost(this.ctx.catalog, key, this.ctx.region, quantity);
    if (isMiss(cost)) throw new Unpriced(cost.missing);
    this.components.push({
      description,
      quantity,
      unit: cost.unit,
      unitUsd: quantity > 0 ? cost.usd / quantity : 0,
      monthlyUsd: cost.usd,
      source: cost.source,
    });
    return this;
  }

  missing(component: string, reason: string): this {
    this.notModelled.push({ component, reason });
    return this;
  }

  done(): PricingResult {
    return { kind: 'priced', components: this.components, notModelled: this.notModelled };
  }
}

const isToken = (value: unknown) => typeof value === 'string' && value.includes('${');

/** A number argument; a token or a missing value makes the resource unpriced. */
function num(_ctx: ResourceContext, field: string, value: unknown, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  if (isToken(value)) throw new Unpriced(`${field} is only known at apply time (${String(value)})`);
  throw new Unpriced(`${field} is not set`);
}

function str(_ctx: ResourceContext, field: string, value: unknown): string {
  if (typeof value === 'string' && !isToken(value)) return value;
  if (isToken(value)) throw new Unpriced(`${field} is only known at apply time (${String(value)})`);
  throw new Unpriced(`${field} is not set`);
}

/** The object a single-block argument holds (cdktf renders blocks as objects or one-element lists). */
function block(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return value[0] as Record<string, unknown> | undefined;
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

/** The resource a `${type.name.attr}` reference points at, in the same stack. */
function referenced(ctx: ResourceContext, reference: unknown, type: string): Record<string, unknown> | undefined {
  if (typeof reference !== 'string') return undefined;
  const match = new RegExp(`^\\$\\{${type}\\.([^.}]+)\\.`).exec(reference);
  return match ? ctx.stack.resource?.[type]?.[match[1]] : undefined;
}

/** Root volume and detailed monitoring from a launch template. */
function launchTemplateParts(b: Builder, ctx: ResourceContext, template: Record<string, unknown> | undefined, count: number, what: string): void {
  if (!template) return;
  const devices = (template.block_device_mappings as Array<Record<string, unknown>> | undefined) ?? [];
  for (const device of devices) {
    const ebs = block(device.ebs);
    if (!ebs) continue;
    const volumeType = ebs.volume_type ?? 'gp3';
    if (volumeType !== 'gp3') throw new Unpriced(`${what} root volume type ${String(volumeType)} is not in the catalog (gp3 is)`);
    const size = num(ctx, 'launch template volume_size', ebs.volume_size);
    b.monthly(`${count} × ${size} GiB gp3 root volume`, 'ebs.gp3', count * size);
  }
  const monitoring = block(template.monitoring);
  if (monitoring?.enabled === true) b.monthly(`detailed monitoring of ${count} instance(s)`, 'ec2.detailedMonitoring', count);
}

/**
 * A burstable host in unlimited mode (T3's default: no credit_specification, or `unlimited`) is
 * billed surplus CPU credits for the vCPU it uses on average above its baseline. The average
 * comes from the workload's sizing (`usage.hostAverageVcpu`).
 */
function burstableCredits(b: Builder, ctx: ResourceContext, type: string): void {
  const baseline = BURSTABLE_BASELINE_VCPU[type];
  if (baseline === undefined || block(ctx.args.credit_specification)?.cpu_credits === 'standard') return;
  const average = ctx.usage?.hostAverageVcpu;
  if (average === undefined) {
    b.missing('surplus CPU credits above the baseline (unlimited mode)', 'the average CPU comes from a workload profile; this environment has none');
    return;
  }
  const surplus = average - baseline;
  if (surplus > 0)
    b.hourly(
      `surplus CPU credits: ${surplus.toFixed(3)} vCPU above the ${baseline.toFixed(1)} vCPU baseline (${average.toFixed(3)} vCPU on average, unlimited mode)`,
      'ec2.burstableSurplus',
      surplus,
    );
}

/** Why a Kubernetes object that makes nothing outside the cluster costs nothing (the catalog's `free` entries say the same). */
const KUBERNETES_FREE = 'Kubernetes objects cost nothing themselves; their pods run on the EKS nodes, which are priced with the node groups.';

/**
 * The EBS volumes a StatefulSet's claim templates (or a PersistentVolumeClaim) make: gp3 size,
 * and IOPS and throughput above gp3's free 3,000 IOPS and 125 MB/s, per volume × volumes. The EBS
 * CSI driver creates them when the pods are scheduled; the object itself costs nothing.
 */
function claimedVolumePricer(ctx: ResourceContext): PricingResult {
  const claimed = claimedVolumes(ctx.type, ctx.args, ctx.stack);
  if ('problem' in claimed) throw new Unpriced(claimed.problem);
  if (claimed.volumes.length === 0) return { kind: 'free', reason: KUBERNETES_FREE };
  const b = new Builder(ctx);
  for (const v of claimed.volumes) {
    if (v.volumeType === undefined) throw new Unpriced(`claim ${v.claim}: storage class ${v.storageClass} does not make EBS volumes`);
    if (v.volumeType !== 'gp3') throw new Unpriced(`claim ${v.claim}: volume type ${v.volumeType} is not in the catalog (gp3 is)`);
    const what = `${v.volumes} × ${formatNumber(v.sizeGiB)} GiB`;
    b.monthly(`${what} gp3 (volume claim ${v.claim}, storage class ${v.storageClass})`, 'ebs.gp3', v.volumes * v.sizeGiB);
    const iops = v.iops ?? 3000;
    if (iops > 3000)
      b.monthly(`${v.volumes} × ${formatNumber(iops - 3000)} IOPS above the gp3 baseline (claim ${v.claim})`, 'ebs.gp3Iops', v.volumes * (iops - 3000));
    const throughput = v.throughputMiBps ?? 125;
    if (throughput > 125)
      b.monthly(
        `${v.volumes} × ${formatNumber(throughput - 125)} MB/s above the gp3 baseline (claim ${v.claim})`,
        'ebs.gp3Throughput',
        v.volumes * (throughput - 125),
      );
  }
  return b.done();
}

const PRICERS: Readonly<Record<string, Pricer>> = {
  aws_instance: (ctx) => {
    const b = new Builder(ctx);
    const template = referenced(ctx, block(ctx.args.launch_template)?.id, 'aws_launch_template');
    const type = str(ctx, 'instance_type', ctx.args.instance_type ?? template?.instance_type);
    b.hourly(`1 × ${type}`, 'ec2.instance', 1, type);
    burstableCredits(b, ctx, type);
    const root = block(ctx.args.root_block_device);
    if (root?.volume_size !== undefined)
      b.monthly(`${String(root.volume_size)} GiB gp3 root volume`, 'ebs.gp3', num(ctx, 'root_block_device.volume_size', root.volume_size));
    else launchTemplateParts(b, ctx, template, 1, 'instance');
    return b.done();
  },
  aws_eks_node_group: (ctx) => {
    const b = new Builder(ctx);
    const scaling = block(ctx.args.scaling_config) ?? {};
    const desired = num(ctx, 'scaling_config.desired_size', scaling.desired_size);
    const types = ctx.args.instance_types as unknown[] | undefined;
    const type = str(ctx, 'instance_types[0]', types?.[0]);
    const range = `${String(scaling.min_size)}–${String(scaling.max_size)}`;
    b.hourly(`${desired} × ${type} (desired; autoscales ${range})`, 'ec2.instance', desired, type);
    launchTemplateParts(b, ctx, referenced(ctx, block(ctx.args.launch_template)?.id, 'aws_launch_template'), desired, 'node group');
    return b.done();
  },
  aws_ebs_volume: (ctx) => {
    const b = new Builder(ctx);
    const volumeType = ctx.args.type ?? 'gp3';
    if (volumeType !== 'gp3') throw new Unpriced(`volume type ${String(volumeType)} is not in the catalog (gp3 is)`);
    const size = num(ctx, 'size', ctx.args.size);
    b.monthly(`${size} GiB gp3`, 'ebs.gp3', size);
    const iops = num(ctx, 'iops', ctx.args.iops, 3000);
    if (iops > 3000) b.monthly(`${iops - 3000} IOPS above the gp3 baseline`, 'ebs.gp3Iops', iops - 3000);
    const throughput = num(ctx, 'throughput', ctx.args.throughput, 125);
    if (throughput > 125) b.monthly(`${throughput - 125} MB/s above the gp3 baseline`, 'ebs.gp3Throughput', throughput - 125);
    if (ctx.args.final_snapshot === true) b.missing('final snapshot', 'taken only when the volume is deleted');
    return b.done();
  },
  kubernetes_service_v1: (ctx) => {
    // The cluster makes a load balancer for a Service of type LoadBalancer; which kind (a Classic LB,
    // or an NLB through the AWS Load Balancer Controller) depends on the annotations and controllers.
    const spec = record(apiObjectOf(ctx.type, ctx.args).spec);
    if (spec?.type === 'LoadBalancer')
      throw new Unpriced(
        'a Service of type LoadBalancer makes a load balancer the cluster chooses (Classic or Network, by its annotations); the catalog does not price it',
      );
    return { kind: 'free', reason: KUBERNETES_FREE };
  },
  kubernetes_stateful_set_v1: claimedVolumePricer,
  kubernetes_persistent_volume_claim_v1: claimedVolumePricer,
  aws_eip: (ctx) => new Builder(ctx).hourly('1 public IPv4 address', 'vpc.publicIpv4', 1).done(),
  aws_nat_gateway: (ctx) =>
    new Builder(ctx)
      .hourly('1 NAT gateway', 'vpc.natGateway', 1)
      .missing('data processed ($0.045/GB)', 'traffic from private subnets to the internet is not part of the workload profile')
      .done(),
  aws_lb: (ctx) => {
    const kind = ctx.args.load_balancer_type ?? 'application';
    if (kind === 'network') {
      return new Builder(ctx)
        .hourly('1 Network Load Balancer', 'elb.nlb', 1)
        .missing('network load balancer capacity units ($0.006/NLCU-hour)', 'its traffic (CockroachDB join handshakes) is not part of the workload profile')
        .done();
    }
    if (kind !== 'application') throw new Unpriced(`${String(kind)} load balancers are not in the catalog (application ones are)`);
    const b = new Builder(ctx).hourly('1 Application Load Balancer', 'elb.alb', 1);
    if (ctx.usage) {
      // Billed on the highest of its dimensions; new connections are not modelled (Cloudflare reuses origin connections).
      const lcu = Math.max(ctx.usage.averageConnections / 3000, ctx.usage.processedGBPerHour / 1);
      b.hourly(
        `${lcu.toFixed(1)} LCU on average (max of ${formatNumber(Math.round(ctx.usage.averageConnections))} open connections / 3,000 and ${ctx.usage.processedGBPerHour.toFixed(1)} GB/h processed)`,
        'elb.albLcu',
        lcu,
      );
    } else b.missing('load balancer capacity units', 'no workload profile');
    return b.done();
  },
  aws_eks_cluster: (ctx) => new Builder(ctx).hourly(`EKS control plane (Kubernetes ${String(ctx.args.version)})`, 'eks.cluster', 1).done(),
  aws_db_instance: (ctx) => {
    // A cross-region standby (active-passive) names its source by ARN: Stagecraft replicates only its own PostgreSQL.
    const fromArn = (args: Record<string, unknown> | undefined) => typeof args?.replicate_source_db === 'string' && args.replicate_source_db.startsWith('arn:');
    const crossRegion = fromArn(ctx.args);
    const source = referenced(ctx, ctx.args.replicate_source_db, 'aws_db_instance');
    const engine = ctx.args.engine ?? source?.engine ?? (crossRegion || fromArn(source) ? 'postgres' : undefined);
    if (engine !== 'postgres') throw new Unpriced(`engine ${String(engine)} is not in the catalog (postgres is)`);
    const b = new Builder(ctx);
    const type = str(ctx, 'instance_class', ctx.args.instance_class);
    const copies = ctx.args.multi_az === true ? 2 : 1;
    const role = ctx.args.replicate_source_db === undefined ? 'primary' : crossRegion ? 'cross-region standby' : 'read replica';
    b.hourly(`${copies} × ${type} (${role}${copies === 2 ? ', Multi-AZ with standby' : ''})`, 'rds.postgres', copies, type);
    const storageOwner = ctx.args.allocated_storage !== undefined || crossRegion ? ctx.args : source;
    const storage = num(ctx, 'allocated_storage', storageOwner?.allocated_storage);
    const storageType = storageOwner?.storage_type ?? 'gp3';
    if (storageType !== 'gp3') throw new Unpriced(`storage type ${String(storageType)} is not in the catalog (gp3 is)`);
    b.monthly(`${copies} × ${storage} GiB gp3 storage`, 'rds.storage.gp3', copies * storage);
    b.missing('backup storage beyond the free allowance', 'free up to the provisioned storage; beyond it depends on change rate');
    if (crossRegion) standbyReplication(b, ctx, String(ctx.args.replicate_source_db).split(':')[3], 1);
    return b.done();
  },
  aws_rds_cluster: (ctx) => {
    const b = new Builder(ctx);
    const all = Object.values(ctx.stack.resource?.aws_rds_cluster ?? {});
    const clusters = all.length;
    if (isGlobalSecondary(ctx.args)) standbyReplication(b, ctx, undefined, all.filter(isGlobalSecondary).length);
    if (ctx.usage) {
      const gb = ctx.usage.databaseGB / clusters;
      const whose = ctx.usage.postgresStandby
        ? "the workload's database, which the writer and every standby region hold whole"
        : ctx.usage.regionCount > 1
          ? "this region's share of the workload's database"
          : "the workload's database";
      b.monthly(`${gb.toFixed(0)} GB of data (${whose} ÷ ${clusters} cluster${clusters === 1 ? '' : 's'})`, 'aurora.storage', gb);
    } else b.missing('storage ($0.10/GB-month)', 'no workload profile');
    b.missing('I/O requests ($0.20 per million)', 'I/O per query is not part of the workload profile');
    return b.done();
  },
  aws_rds_cluster_instance: (ctx) => {
    const type = str(ctx, 'instance_class', ctx.args.instance_class);
    const role = ctx.args.promotion_tier === 0 ? 'writer' : 'reader';
    return new Builder(ctx).hourly(`1 × ${type} (${role} at creation)`, 'aurora.postgres', 1, type).done();
  },
  aws_elasticache_replication_group: (ctx) => {
    const type = str(ctx, 'node_type', ctx.args.node_type);
    const nodes =
      ctx.args.num_node_groups !== undefined
        ? num(ctx, 'num_node_groups', ctx.args.num_node_groups) * (1 + num(ctx, 'replicas_per_node_group', ctx.args.replicas_per_node_group, 0))
        : num(ctx, 'num_cache_clusters', ctx.args.num_cache_clusters, 1);
    const shape =
      ctx.args.num_node_groups !== undefined
        ? `${String(ctx.args.num_node_groups)} shards × (1 + ${String(ctx.args.replicas_per_node_group ?? 0)})`
        : `${nodes} node(s)`;
    const b = new Builder(ctx).hourly(`${nodes} × ${type} (${shape})`, 'elasticache.node', nodes, type);
    if (num(ctx, 'snapshot_retention_limit', ctx.args.snapshot_retention_limit, 0) > 0) {
      b.missing(
        'snapshot storage beyond the free allowance ($0.085/GB-month)',
        'one snapshot per cluster is free; the rest depends on retention and data size',
      );
    }
    return b.done();
  },
  aws_mq_broker: (ctx) => {
    if (ctx.args.engine_type !== 'RabbitMQ') throw new Unpriced(`engine ${String(ctx.args.engine_type)} is not in the catalog (RabbitMQ is)`);
    const mode = String(ctx.args.deployment_mode ?? 'SINGLE_INSTANCE');
    const instances = { SINGLE_INSTANCE: 1, ACTIVE_STANDBY_MULTI_AZ: 2, CLUSTER_MULTI_AZ: 3 }[mode];
    if (instances === undefined) throw new Unpriced(`deployment mode ${mode} is unknown`);
    const type = str(ctx, 'host_instance_type', ctx.args.host_instance_type);
    return new Builder(ctx)
      .hourly(`${instances} × ${type} (${mode})`, 'mq.rabbitmq', instances, type)
      .missing('message storage ($0.10/GB-month)', 'queue depth is not part of the workload profile')
      .done();
  },
  aws_opensearch_domain: (ctx) => {
    const cluster = block(ctx.args.cluster_config) ?? {};
    const ebs = block(ctx.args.ebs_options) ?? {};
    const b = new Builder(ctx);
    const count = num(ctx, 'cluster_config.instance_count', cluster.instance_count, 1);
    const type = str(ctx, 'cluster_config.instance_type', cluster.instance_type);
    b.hourly(`${count} × ${type} data nodes`, 'opensearch.instance', count, type);
    if (cluster.dedicated_master_enabled === true) {
      const masters = num(ctx, 'cluster_config.dedicated_master_count', cluster.dedicated_master_count);
      const masterType = str(ctx, 'cluster_config.dedicated_master_type', cluster.dedicated_master_type);
      b.hourly(`${masters} × ${masterType} dedicated masters`, 'opensearch.instance', masters, masterType);
    }
    if (ebs.ebs_enabled === true) {
      if ((ebs.volume_type ?? 'gp3') !== 'gp3') throw new Unpriced(`volume type ${String(ebs.volume_type)} is not in the catalog (gp3 is)`);
      const size = num(ctx, 'ebs_options.volume_size', ebs.volume_size);
      b.monthly(`${count} × ${size} GiB gp3`, 'opensearch.storage.gp3', count * size);
    }
    return b.done();
  },
  aws_msk_cluster: (ctx) => {
    const info = block(ctx.args.broker_node_group_info) ?? {};
    const brokers = num(ctx, 'number_of_broker_nodes', ctx.args.number_of_broker_nodes);
    const type = str(ctx, 'broker_node_group_info.instance_type', info.instance_type);
    const size = num(ctx, 'storage_info.ebs_storage_info.volume_size', block(block(info.storage_info)?.ebs_storage_info)?.volume_size);
    return new Builder(ctx)
      .hourly(`${brokers} × ${type} brokers`, 'msk.broker', brokers, type)
      .monthly(`${brokers} × ${size} GiB broker storage`, 'msk.storage', brokers * size)
      .done();
  },
  aws_kms_key: (ctx) =>
    new Builder(ctx)
      .monthly('1 customer-managed key', 'kms.key', 1)
      .missing('API requests ($0.03 per 10,000)', 'S3 bucket keys and caching keep them small; not modelled')
      .done(),
  aws_route53_zone: (ctx) =>
    new Builder(ctx)
      .monthly('1 hosted zone', 'route53.hostedZone', 1)
      .missing('DNS queries ($0.40 per million)', 'lookups of private names are not part of the workload profile')
      .done(),
  aws_secretsmanager_secret: (ctx) => {
    const b = new Builder(ctx).monthly('1 secret', 'secretsmanager.secret', 1);
    if (tagsOf(ctx)[MANAGED_SERVICE_TAG] === MANAGED_COCKROACH) priceManagedCockroach(ctx, b);
    return b.done();
  },
  aws_cloudwatch_metric_alarm: (ctx) => {
    const queries = ctx.args.metric_query as Array<Record<string, unknown>> | undefined;
    const metrics = queries ? queries.filter((q) => q.metric !== undefined).length : 1;
    const period = num(ctx, 'period', ctx.args.period, 60);
    const key = period < 60 ? 'cloudwatch.alarmHighResolution' : 'cloudwatch.alarm';
    return new Builder(ctx).monthly(`${metrics} alarm metric(s)`, key, metrics).done();
  },
  aws_cloudwatch_composite_alarm: (ctx) => new Builder(ctx).monthly('1 composite alarm', 'cloudwatch.compositeAlarm', 1).done(),
  aws_cloudwatch_dashboard: (ctx) => new Builder(ctx).monthly('1 dashboard', 'cloudwatch.dashboard', 1).done(),
  aws_backup_restore_testing_plan: (ctx) =>
    new Builder(ctx)
      .missing(
        'restore test jobs and the restored resources during validation',
        'charged per restored recovery point and by the restored resource for the validation window; not modelled',
      )
      .done(),
  aws_cloudwatch_log_group: (ctx) =>
    new Builder(ctx).missing('ingestion ($0.50/GB) and archive ($0.03/GB-month)', 'log volume is not part of the workload profile').done(),
  aws_backup_plan: (ctx) =>
    new Builder(ctx).missing('backup storage ($0.05/GB-month of EBS snapshots)', 'snapshot size depends on how much data changes a day').done(),
  aws_s3_bucket: (ctx) => {
    const b = new Builder(ctx);
    const path = String((ctx.args['//'] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? '');
    if (path.endsWith('/assets/bucket')) {
      if (ctx.usage)
        b.tiered(`${ctx.usage.storedGB.toFixed(0)} GB of user content (S3 Standard; tiering savings not counted)`, 's3.standard', ctx.usage.storedGB);
      else b.missing('storage', 'no workload profile');
      b.missing('requests', 'content is served through Cloudflare, which caches it; origin requests are not modelled');
    } else {
      b.missing('storage ($0.023/GB-month)', 'what log and backup buckets hold is not part of the workload profile');
    }
    return b.done();
  },
  aws_vpc_endpoint: (ctx) => {
    if ((ctx.args.vpc_endpoint_type ?? 'Gateway') === 'Gateway') return { kind: 'free', reason: 'Gateway endpoints (S3, DynamoDB) are free.' };
    const zones = Array.isArray(ctx.args.subnet_ids) ? ctx.args.subnet_ids.length : 1;
    return new Builder(ctx).hourly(`interface endpoint in ${zones} zone(s)`, 'vpc.interfaceEndpoint', zones).done();
  },
  aws_vpc_peering_connection: (ctx) => {
    if (!ctx.usage || ctx.usage.peeringConnections === 0)
      return { kind: 'free', reason: 'Peering connections are free; no workload profile describes the traffic over them.' };
    if (ctx.usage.interRegionGB === 0)
      return new Builder(ctx)
        .missing(
          'traffic between the regions ($0.02/GB)',
          ctx.usage.postgresStandby
            ? "no database replicates over the peering (a Postgres standby replicates over RDS's own channel, priced on the standby database); other traffic between the regions is not part of the workload profile"
            : 'no database replicates between the regions (each Postgres shard lives in its home region); requests a region forwards to the home region of a shard are not part of the workload profile',
        )
        .done();
    const gb = ctx.usage.interRegionGB / ctx.usage.peeringConnections;
    return new Builder(ctx).monthly(`${gb.toFixed(0)} GB of replication between the two regions`, 'transfer.interRegion', gb).done();
  },
  cloudflare_workers_script: (ctx) => {
    const service = ctx.usage?.edge?.services?.[String(ctx.args.script_name)];
    if (service) return priceEdgeService(ctx, service);
    const b = new Builder(ctx).monthly('Workers Paid subscription', 'cloudflare.workersPaid', 1);
    const edge = ctx.usage?.edge;
    if (ctx.usage) {
      const millions = Math.max(0, ctx.usage.requestsPerMonth / 1e6 - 10);
      b.monthly(`${millions.toFixed(1)}M requests above the 10M included`, 'cloudflare.workersRequests', millions);
    } else b.missing('requests above 10M ($0.30 per million)', 'no workload profile');
    b.missing('CPU time above 30M ms ($0.02 per million ms)', 'CPU time per request is not part of the workload profile');
    // Durable Objects are a binding of the script (its class and migration), billed per call and per active GB-s.
    if (bindingsOf(ctx).some((binding) => binding.type === 'durable_object_namespace')) {
      if (edge) {
        const calls = Math.max(0, edge.rateLimiterCalls / 1e6 - 1);
        b.monthly(`${calls.toFixed(1)}M rate-limiter calls above the 1M included (one per API request)`, 'cloudflare.durableObjectsRequests', calls);
        const gbSeconds = edge.rateLimiterCalls * edge.rateLimiterSecondsPerCall * DURABLE_OBJECT_GB;
        const billed = Math.max(0, gbSeconds - 400_000) / 1e6;
        b.monthly(
          `${formatNumber(gbSeconds)} GB-s of rate-limiter activity (${formatNumber(edge.rateLimiterSecondsPerCall * 1000)} ms × 128 MB a call), ${billed.toFixed(2)}M above the 400,000 included`,
          'cloudflare.durableObjectsDuration',
          billed,
        );
        b.missing('Durable Object storage', 'the rate limiter keeps its windows in memory and stores nothing');
      } else b.missing('Durable Object requests ($0.15 per million) and duration ($12.50 per million GB-s)', 'no workload profile');
    }
    return b.done();
  },
  cloudflare_load_balancer: (ctx) => {
    const b = new Builder(ctx).monthly('1 load balancer (2 endpoints included)', 'cloudflare.loadBalancer', 1);
    const steering = String(ctx.args.steering_policy ?? '');
    if (['geo', 'dynamic_latency', 'proximity', 'least_outstanding_requests', 'least_connections'].includes(steering)) {
      b.monthly(`${steering} traffic steering`, 'cloudflare.loadBalancerSteering', 1);
    }
    b.missing('DNS queries ($0.50 per 500,000)', 'proxied load balancing queries are not part of the workload profile');
    return b.done();
  },
  cloudflare_load_balancer_pool: (ctx) => {
    const origins = Array.isArray(ctx.args.origins) ? ctx.args.origins.length : 0;
    const extra = Math.max(0, origins - 2);
    if (extra === 0) return { kind: 'free', reason: 'Up to 2 endpoints are included in the load balancer price.' };
    return new Builder(ctx).monthly(`${extra} endpoint(s) above the 2 included`, 'cloudflare.loadBalancerEndpoint', extra).done();
  },
  cloudflare_zone_subscription: (ctx) => {
    const plan = str(ctx, 'rate_plan.id', block(ctx.args.rate_plan)?.id);
    return new Builder(ctx).monthly(`${plan} plan`, 'cloudflare.zonePlan', 1, plan).done();
  },
  cloudflare_r2_bucket: (ctx) => {
    const b = new Builder(ctx);
    const tiers = r2Tiers(ctx);
    const edge = ctx.usage?.edge;
    if (tiers.infrequentAfterDays !== undefined && tiers.deleteAfterDays !== undefined) {
      // The message archive: each month's messages arrive, stay Standard until the IA transition, then IA until deleted.
      if (edge) {
        const standardGB = (edge.messagesGBPerMonth * tiers.infrequentAfterDays) / DAYS_PER_MONTH;
        const infrequentGB = (edge.messagesGBPerMonth * (tiers.deleteAfterDays - tiers.infrequentAfterDays)) / DAYS_PER_MONTH;
        b.monthly(
          `${formatNumber(standardGB)} GB of archived messages in Standard (their first ${tiers.infrequentAfterDays} days)`,
          'cloudflare.r2Storage',
          standardGB,
        );
        b.monthly(
          `${formatNumber(infrequentGB)} GB in Infrequent Access (days ${tiers.infrequentAfterDays}–${tiers.deleteAfterDays})`,
          'cloudflare.r2InfrequentAccessStorage',
          infrequentGB,
        );
      } else b.missing('storage ($0.015/GB-month, $0.01 in Infrequent Access)', 'no workload profile');
      b.missing(
        'operations ($4.50 per million writes, $0.36 per million reads)',
        'how the archive batches messages into objects is not part of the workload profile',
      );
    } else {
      b.missing(
        'storage ($0.015/GB-month) and operations',
        "the workload's user content (storageKBPerMau) is priced in the regional S3 assets bucket; the share this bucket serves is not part of the workload profile",
      );
    }
    return b.done();
  },
  cloudflare_workers_kv_namespace: (ctx) => {
    const b = new Builder(ctx);
    const edge = ctx.usage?.edge;
    if (kvBindingName(ctx) !== BINDING.sessions) {
      return b
        .missing(
          'reads of edge state beyond the Workers Paid allowance',
          'one read per Worker isolate per cache interval; the isolate count is not part of the workload profile',
        )
        .done();
    }
    if (!edge) return b.missing('reads ($0.50 per million), writes ($5 per million) and storage', 'no workload profile').done();
    const reads = Math.max(0, edge.kvReads / 1e6 - 10);
    const writes = Math.max(0, edge.kvWrites / 1e6 - 1);
    const stored = Math.max(0, edge.kvStoredGB - 1);
    return b
      .monthly(`${reads.toFixed(1)}M session lookups above the 10M included (one per API request)`, 'cloudflare.kvReads', reads)
      .monthly(`${writes.toFixed(1)}M session writes above the 1M included (one per daily user a day)`, 'cloudflare.kvWrites', writes)
      .monthly(`${formatNumber(stored)} GB of cached sessions above the 1 GB included`, 'cloudflare.kvStorage', stored)
      .done();
  },
};

/** An Aurora Global Database secondary: it joins a global cluster and has no master user of its own (constructs/aws/aurora-postgres.ts). */
function isGlobalSecondary(args: Record<string, unknown>): boolean {
  return typeof args.global_cluster_identifier === 'string' && args.master_username === undefined && args.manage_master_user_password === undefined;
}

/**
 * What a standby of an active-passive Postgres costs to keep in step: the rows the workload
 * writes cross from the writer region (billed there, at its rate between regions), shared by the
 * standby's `copies` (its shards' secondary clusters); on Aurora also the replicated write I/O
 * this region bills. An RDS replica replays the write-ahead log, which carries more than the rows
 * (indexes, full-page writes): listed as not modelled.
 */
function standbyReplication(b: Builder, ctx: ResourceContext, sourceRegion: string | undefined, copies: number): void {
  const standby = ctx.usage?.postgresStandby;
  if (!standby) {
    b.missing('replication from the writer region ($0.02/GB between regions)', 'no workload profile');
    return;
  }
  const from = sourceRegion && ctx.catalog.regions[sourceRegion] ? sourceRegion : standby.writerRegion;
  const share = copies === 1 ? '' : ` ÷ ${copies} shards`;
  const gb = standby.writeGB / copies;
  b.monthlyIn(from, `${formatNumber(gb)} GB of replication from ${from} (the rows the workload writes${share}; billed by ${from})`, 'transfer.interRegion', gb);
  if (ctx.type === 'aws_rds_cluster') {
    const millions = standby.writeIos / copies / 1e6;
    b.monthly(`${formatNumber(millions)}M replicated write I/Os (the workload's writes in 4 KiB units${share})`, 'aurora.io', millions);
  } else {
    b.missing('write-ahead log beyond the rows written (indexes, full-page writes)', 'the workload profile gives the rows written, not the log they produce');
  }
}

/**
 * This region's share of a CockroachDB Cloud cluster, priced on the secret that stands for it
 * (constructs/cockroachdb/managed-cluster-connection.ts), so the regions' shares add up to the
 * cluster. Serverless: request units (queries × RUs a query) and storage, which CockroachDB Cloud
 * keeps 3 times in the primary region and once in each other region. Dedicated nodes are billed per
 * node-hour by vCPU, cloud and region at rates CockroachDB quotes rather than publishes: unpriced.
 */
function priceManagedCockroach(ctx: ResourceContext, b: Builder): void {
  const tags = tagsOf(ctx);
  const plan = tags[COCKROACH_PLAN_TAG];
  if (plan !== 'serverless') {
    throw new Unpriced(
      `CockroachDB Cloud ${String(plan)} cluster (${String(tags[COCKROACH_NODES_TAG])} nodes in this region): dedicated (Advanced) nodes are billed per node-hour by vCPU, cloud and region, rates the catalog does not have`,
    );
  }
  const usage = ctx.usage;
  if (!usage) {
    b.missing('CockroachDB Cloud request units ($0.20 per million) and storage ($0.50 per GiB-month)', 'no workload profile');
    return;
  }
  const share = 1 / usage.regionCount;
  const requestUnitsPerQuery = Number(tags[COCKROACH_RU_TAG]);
  const requestUnits = usage.databaseQueriesPerMonth * share * requestUnitsPerQuery;
  b.monthly(
    `CockroachDB Cloud serverless: ${formatNumber(requestUnits / 1e6)}M request units (this region's ${formatNumber(usage.databaseQueriesPerMonth * share)} queries × ${formatNumber(requestUnitsPerQuery)} RU)`,
    'cockroachdb.serverlessRequestUnits',
    requestUnits / 1e6,
  );
  const replicas = 3 + (usage.regionCount - 1);
  const storedGiB = (usage.datasetGB * 1e9 * replicas * share) / 2 ** 30;
  b.monthly(
    `CockroachDB Cloud serverless: ${formatNumber(storedGiB)} GiB stored (this region's share of ${formatNumber(usage.datasetGB)} GB × ${replicas} replicas)`,
    'cockroachdb.serverlessStorage',
    storedGiB,
  );
  b.missing('CockroachDB Cloud free allowance (50M RUs and 10 GiB a month per organization)', 'the catalog prices without free tiers');
}

/**
 * An edge-first service's Worker: its CPU time, Durable Object calls and duration, and KV reads,
 * from its demand. Its requests arrive through the edge Worker's service binding, which Cloudflare
 * does not bill as another request: they are counted on the edge Worker.
 */
function priceEdgeService(ctx: ResourceContext, service: EdgeServiceUsage): PricingResult {
  const b = new Builder(ctx);
  b.monthly(
    `${formatNumber(service.cpuMs / 1e6)}M CPU ms (${formatNumber(service.requests / 1e6)}M requests through the edge Worker's service binding)`,
    'cloudflare.workersCpuMs',
    service.cpuMs / 1e6,
  );
  if (bindingsOf(ctx).some((binding) => binding.type === 'durable_object_namespace')) {
    b.monthly(
      `${formatNumber(service.durableObjectRequests / 1e6)}M Durable Object requests`,
      'cloudflare.durableObjectsRequests',
      service.durableObjectRequests / 1e6,
    );
    const seconds = ctx.usage?.edge.rateLimiterSecondsPerCall ?? 0;
    const gbSeconds = service.durableObjectRequests * seconds * DURABLE_OBJECT_GB;
    b.monthly(
      `${formatNumber(gbSeconds / 1e6)}M GB-s of Durable Object activity (${formatNumber(seconds * 1000)} ms × 128 MB a request, assumptions.rateLimiterMsPerCall)`,
      'cloudflare.durableObjectsDuration',
      gbSeconds / 1e6,
    );
    b.missing('Durable Object storage', "the service's stored state is not part of its demand");
  }
  if (bindingsOf(ctx).some((binding) => binding.type === 'kv_namespace')) {
    b.monthly(`${formatNumber(service.kvReads / 1e6)}M KV reads`, 'cloudflare.kvReads', service.kvReads / 1e6);
    b.missing('KV writes and storage', "the service's KV writes are not part of its demand");
  }
  return b.done();
}

/** A resource's own tags, as synthesized. */
function tagsOf(ctx: ResourceContext): Record<string, unknown> {
  const tags = ctx.args.tags;
  return typeof tags === 'object' && tags !== null ? (tags as Record<string, unknown>) : {};
}

/** Memory Cloudflare bills a Durable Object's duration at, GB. */
const DURABLE_OBJECT_GB = 0.128;

/** A Workers script's bindings, as synthesized. */
function bindingsOf(ctx: ResourceContext): Array<Record<string, unknown>> {
  return Array.isArray(ctx.args.bindings) ? (ctx.args.bindings as Array<Record<string, unknown>>) : [];
}

/** The binding name a Workers script gives this KV namespace, if a script in the stack binds it. */
function kvBindingName(ctx: ResourceContext): string | undefined {
  const reference = `\${cloudflare_workers_kv_namespace.${ctx.name}.id}`;
  for (const script of Object.values(ctx.stack.resource?.cloudflare_workers_script ?? {})) {
    const found = (Array.isArray(script.bindings) ? (script.bindings as Array<Record<string, unknown>>) : []).find(
      (binding) => binding.namespace_id === reference,
    );
    if (found) return String(found.name);
  }
  return undefined;
}

/** The lifecycle days of an R2 bucket, from the lifecycle resource in the stack that names it. */
function r2Tiers(ctx: ResourceContext): { infrequentAfterDays?: number; deleteAfterDays?: number } {
  const reference = `\${cloudflare_r2_bucket.${ctx.name}.name}`;
  const lifecycle = Object.values(ctx.stack.resource?.cloudflare_r2_bucket_lifecycle ?? {}).find((l) => l.bucket_name === reference);
  const rules = Array.isArray(lifecycle?.rules) ? (lifecycle.rules as Array<Record<string, unknown>>) : [];
  const days = (condition: unknown) => {
    const maxAge = (condition as { max_age?: unknown } | undefined)?.max_age;
    return typeof maxAge === 'number' ? maxAge / SECONDS_PER_DAY : undefined;
  };
  let infrequentAfterDays: number | undefined;
  let deleteAfterDays: number | undefined;
  for (const rule of rules) {
    const transitions = Array.isArray(rule.storage_class_transitions) ? (rule.storage_class_transitions as Array<Record<string, unknown>>) : [];
    const ia = transitions.find((t) => t.storage_class === 'InfrequentAccess');
    infrequentAfterDays ??= ia && days(ia.condition);
    deleteAfterDays ??= days((rule.delete_objects_transition as { condition?: unknown } | undefined)?.condition);
  }
  return { infrequentAfterDays, deleteAfterDays };
}

/** Prices one resource; `count` (a literal) multiplies it, `for_each` over apply-time values leaves it unpriced. */
export function priceResource(ctx: ResourceContext): PricingResult {
  const free = ctx.catalog.free[ctx.type];
  if (free !== undefined) return { kind: 'free', reason: free };
  const pricer = PRICERS[ctx.type];
  if (!pricer) return { kind: 'unpriced', reason: `the catalog has no price for resource type ${ctx.type}` };
  if (ctx.args.for_each !== undefined) return { kind: 'unpriced', reason: 'for_each over values known only at apply time' };
  let copies = 1;
  try {
    if (ctx.args.count !== undefined) copies = num(ctx, 'count', ctx.args.count);
    const result = pricer(ctx);
    if (result.kind !== 'priced' || copies === 1) return result;
    return {
      kind: 'priced',
      components: result.components.map((c) => ({
        ...c,
        description: `${copies} × (${c.description})`,
        quantity: c.quantity * copies,
        monthlyUsd: c.monthlyUsd * copies,
      })),
      notModelled: result.notModelled,
    };
  } catch (error) {
    if (error instanceof Unpriced) return { kind: 'unpriced', reason: error.message };
    throw error;
  }
}

export const PRICED_TYPES: readonly string[] = Object.keys(PRICERS);
