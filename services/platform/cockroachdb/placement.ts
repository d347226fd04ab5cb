/**
 * Where one region's CockroachDB nodes run and what they are given: the pure input of
 * `cockroachObjects`. Built from the sized environment, so the Kubernetes objects, the SQL and
 * the AWS side (stacks/data-stores.ts) read the same regions, zones and counts.
 */
import { Environment, RegionPlacement } from '../../../config/environment';
import { Stage } from '../../../config/stages';
import { resolveAssumptions } from '../../../config/assumptions';
import { Blueprint } from '../../../sizing/blueprint-types';
import { EC2_SPECS, SYSTEM_PODS_PER_NODE } from '../../../sizing/instance-specs';
import { managedNodeAllocatable } from '../../../sizing/node-allocatable';
import { caSecretNames } from './names';

/**
 * CockroachDB release every pod runs; pinned (never `latest`) so a restart cannot upgrade
 * the cluster. 24.3 is a regular release with multi-region SQL and `CREATE SCHEDULE FOR BACKUP`.
 */
export const COCKROACH_IMAGE = 'cockroachdb/cockroach:v24.3.5';
/** AWS CLI that fetches and publishes the CA through Pod Identity (the cockroach image has no AWS client). */
export const AWS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.17.0';
/** The product's database, which the migration creates and makes multi-region. */
export const PRODUCT_DATABASE = 'product';

/** CPU and memory one CockroachDB pod requests (and is limited to: Guaranteed QoS). */
export interface CockroachPodResources {
  /** Whole cores, so the static CPU manager could pin them. */
  readonly cpu: number;
  readonly memoryGiB: number;
}

/** One region's CockroachDB, as `cockroachObjects` renders it. */
export interface CockroachPlacement {
  /** Environment name; prefixes the AWS names and the join zone. */
  readonly environment: string;
  readonly stage: Stage;
  /** This region's code; the `region=` locality. */
  readonly region: string;
  /** Every region of the cluster in the environment's order; the first is the primary region. */
  readonly regions: readonly string[];
  /** This region's availability zone IDs; the `zone=` locality, one StatefulSet each. */
  readonly zones: readonly string[];
  readonly nodesPerRegion: number;
  readonly volumeGiB: number;
  readonly resources: CockroachPodResources;
  /**
   * Every region's backup bucket, in region order (names carry the account ID, so the apps stack
   * passes the regional stacks' `cockroachdb_backup_bucket` outputs). Each region's nodes write
   * their ranges to their own region's bucket (a locality-aware backup).
   */
  readonly backupBuckets: ReadonlyArray<{ readonly region: string; readonly bucket: string }>;
  /** Secrets Manager names of this region's CA copy. */
  readonly caSecrets: { readonly certificate: string; readonly key: string };
  /** Secrets Manager names of every region's CA copy, in region order; each region's bootstrap Job fills its own, the later ones from the first region's. */
  readonly allCaSecrets: ReadonlyArray<{ readonly region: string; readonly certificate: string; readonly key: string }>;
  /** @default COCKROACH_IMAGE */
  readonly image?: string;
  /** @default AWS_CLI_IMAGE */
  readonly awsCliImage?: string;
  /** @default PRODUCT_DATABASE */
  readonly database?: string;
}

/**
 * A CockroachDB pod takes its dedicated node whole: what the managed node really leaves for pods
 * (kernel-reported memory, kube-reserved for the max pods the node group sets, the eviction
 * threshold, the DaemonSets' requests: sizing/node-allocatable.ts), rounded down to whole cores
 * and GiB, so the scheduler always finds it room.
 */
export function cockroachPodResources(instanceType: string, system: { vcpu: number; memoryGiB: number }): CockroachPodResources {
  const spec = EC2_SPECS[instanceType];
  if (!spec) throw new Error(`no EC2 spec for ${instanceType} (sizing/instance-specs.ts)`);
  const node = managedNodeAllocatable(spec, { ...system, pods: SYSTEM_PODS_PER_NODE });
  return { cpu: Math.floor(node.cpuMillicores / 1000), memoryGiB: Math.floor(node.memoryMiB / 1024) };
}

/**
 * The placement of `region`'s nodes, from the sized environment. `backupBucket(region)` names a
 * region's backup bucket (the regional stacks' `cockroachdb_backup_bucket` outputs).
 */
export function cockroachPlacement(
  environment: Environment,
  blueprint: Blueprint,
  region: RegionPlacement,
  backupBucket: (region: string) => string,
): CockroachPlacement {
  const cockroach = blueprint.cockroach;
  if (!cockroach) throw new Error(`${environment.name} runs ${blueprint.databaseEngine}, not CockroachDB`);
  const assumptions = resolveAssumptions(environment.config.assumptions);
  const prefix = (code: string) => `${environment.name}-${code}`;
  return {
    environment: environment.name,
    stage: environment.stage,
    region: region.code,
    regions: environment.regions.map((r) => r.code),
    zones: region.availabilityZoneIds,
    nodesPerRegion: cockroach.nodesPerRegion,
    volumeGiB: cockroach.volumeGiB,
    resources: cockroachPodResources(cockroach.instanceType, { vcpu: assumptions.nodeSystemCpu, memoryGiB: assumptions.nodeSystemMemoryGiB }),
    backupBuckets: environment.regions.map((r) => ({ region: r.code, bucket: backupBucket(r.code) })),
    caSecrets: caSecretNames(prefix(region.code)),
    allCaSecrets: environment.regions.map((r) => ({ region: r.code, ...caSecretNames(prefix(r.code)) })),
  };
}
