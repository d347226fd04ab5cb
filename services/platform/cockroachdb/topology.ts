/**
 * How one region's nodes are laid out: how many per zone, their localities, the addresses they
 * join, the address they advertise. Pure arithmetic over the placement, shared by the
 * StatefulSets and the tests.
 */
import { CERTS_DIR, HEADLESS_SERVICE } from './certificates';
import { COCKROACH_HTTP_PORT, COCKROACH_NAMESPACE, COCKROACH_SQL_PORT, regionJoinHost } from './names';
import { CockroachPlacement } from './placement';

/** One StatefulSet per zone: its name, zone and replica count. */
export interface ZoneGroup {
  readonly name: string;
  readonly zone: string;
  readonly replicas: number;
}

/**
 * `nodesPerRegion` spread over the zones as evenly as whole nodes allow; earlier zones take the
 * remainder (4 nodes over 3 zones: 2, 1, 1). Zones left without a node get no StatefulSet.
 */
export function zoneGroups(placement: CockroachPlacement): ZoneGroup[] {
  const { zones, nodesPerRegion } = placement;
  if (zones.length === 0) throw new Error(`${placement.region}: no availability zones to place CockroachDB in`);
  return zones
    .map((zone, i) => ({
      name: `cockroachdb-${zone}`,
      zone,
      replicas: Math.floor(nodesPerRegion / zones.length) + (i < nodesPerRegion % zones.length ? 1 : 0),
    }))
    .filter((group) => group.replicas > 0);
}

/** `--locality` of a zone's nodes: region first (the multi-region SQL names it), then zone. */
export function locality(placement: CockroachPlacement, zone: string): string {
  return `region=${placement.region},zone=${zone}`;
}

const podHost = (pod: string) => `${pod}.${HEADLESS_SERVICE}.${COCKROACH_NAMESPACE}.svc.cluster.local`;

/**
 * `--join`: the first pod of each of this region's zones by their stable DNS names, then every
 * other region's join name (an internal NLB in that region, reached over the peered VPCs).
 * Listing every region lets any region's nodes start, or restart, while another is down.
 */
export function joinAddresses(placement: CockroachPlacement): string[] {
  const local = zoneGroups(placement).map((group) => `${podHost(`${group.name}-0`)}:${COCKROACH_SQL_PORT}`);
  const remote = placement.regions
    .filter((region) => region !== placement.region)
    .map((region) => `${regionJoinHost(placement.environment, region)}:${COCKROACH_SQL_PORT}`);
  return [...local, ...remote];
}

/**
 * What a node advertises to its peers. One region: its stable in-cluster DNS name. Several:
 * its pod IP, a VPC address (VPC CNI) that the other regions reach over peering, where
 * cluster DNS does not resolve. Both are in the node certificate.
 */
export function advertiseAddress(placement: CockroachPlacement): string {
  return placement.regions.length > 1 ? '$(POD_IP)' : podHost('$(POD_NAME)');
}

/** The `cockroach start` command line of a zone's nodes. */
export function startCommand(placement: CockroachPlacement, zone: string): string[] {
  return [
    '/cockroach/cockroach',
    'start',
    `--certs-dir=${CERTS_DIR}`,
    '--store=/cockroach/cockroach-data',
    `--listen-addr=:${COCKROACH_SQL_PORT}`,
    `--http-addr=:${COCKROACH_HTTP_PORT}`,
    `--advertise-addr=${advertiseAddress(placement)}`,
    `--locality=${locality(placement, zone)}`,
    `--join=${joinAddresses(placement).join(',')}`,
    // Fractions of the container's memory limit, as Cockroach Labs recommends for Kubernetes.
    '--cache=.25',
    '--max-sql-memory=.25',
    '--logtostderr=INFO',
  ];
}
