import { Construct } from 'constructs';
import { LoadBalancer } from '@cdktf/provider-cloudflare/lib/load-balancer';
import { LoadBalancerMonitor } from '@cdktf/provider-cloudflare/lib/load-balancer-monitor';
import { LoadBalancerPool } from '@cdktf/provider-cloudflare/lib/load-balancer-pool';
import { AWS_REGION_LOCATIONS } from '../../config/edge-regions';
import { checkProps } from '../shared/validation';
import { EdgeZone } from './edge-zone';
import { CLOUDFLARE_PLAN_LIMITS } from '../../config/cloudflare-plans';

/** One region's origin. */
export interface RegionOrigin {
  /** AWS region code; it names the pool. */
  readonly region: string;
  /** Hostname Cloudflare connects to, `origin-<region>.<domain>`. */
  readonly address: string;
}

/** Props of OriginLoadBalancer. */
export interface OriginLoadBalancerProps {
  readonly zone: EdgeZone;
  /** Prefixes pool and monitor names, e.g. the environment name. */
  readonly namePrefix: string;
  /** The public hostname the load balancer answers for. */
  readonly hostname: string;
  /** One origin per region, primary first. The primary's pool is the fallback pool. */
  readonly origins: readonly RegionOrigin[];
  /** Cloudflare geo region → regions in failover order (nearest first). */
  readonly regionPools: Readonly<Record<string, readonly string[]>>;
  /** Country → regions in failover order. @default {} */
  readonly countryPools?: Readonly<Record<string, readonly string[]>>;
  /**
   * Path the monitor probes on each origin. The probe carries the origin's address as its Host
   * (the monitor sets no `header`, one shared by every pool could name only one region): whatever
   * is behind each address must route that host and path to something that answers it (the edge
   * stack's `https-<region>-origin-health` rules; checked by SC-REQ-4 OriginMonitorRouted).
   * @default "/healthz"
   */
  readonly healthCheckPath?: string;
  /**
   * geo: each request to the nearest healthy region (needs Traffic Steering); failover: every
   * request to the first region while it is healthy, the next one otherwise (active-passive).
   * @default geo (failover in region order where the account lacks Traffic Steering)
   */
  readonly steering?: 'geo' | 'failover';
  /**
   * Seconds between probes; no shorter than the zone plan allows (Pro 60, Business 15, Enterprise 10).
   * @default the plan's minimum (seed 004 asks for 5 s, which no plan allows)
   */
  readonly healthCheckIntervalSeconds?: number;
  /** Consecutive failed probes before an origin is unhealthy. @default 3 (seed 004 checklist) */
  readonly unhealthyAfterFailures?: number;
  /** Consecutive passed probes before it is healthy again. @default 2 */
  readonly healthyAfterSuccesses?: number;
  /** Seconds a probe may take; less than the interval. @default 3 */
  readonly healthCheckTimeoutSeconds?: number;
}

/**
 * Cloudflare load balancing across regions: one pool per region with its origin, one HTTPS
 * monitor shared by the pools (as often as the zone's plan allows, unhealthy after 3
 * failures: seed 004) and a load balancer with geo steering where the account has Traffic
 * Steering (otherwise failover in the order of the default pools, primary first). Each geo region's pool list is nearest-first, so losing a pool
 * sends its traffic to the next-nearest healthy region; when every pool is down, the
 * primary's pool is the fallback. Adaptive routing retries a request on another pool when an
 * origin refuses the connection (zero-downtime failover).
 */
export class OriginLoadBalancer extends Construct {
  readonly monitor: LoadBalancerMonitor;
  /** Region → its pool. */
  readonly pools: Readonly<Record<string, LoadBalancerPool>>;
  readonly loadBalancer: LoadBalancer;

  constructor(scope: Construct, id: string, props: OriginLoadBalancerProps) {
    super(scope, id);
    const countryPools = props.countryPools ?? {};
    const healthCheckPath = props.healthCheckPath ?? '/healthz';
    const { subscription } = props.zone;
    const minimumIntervalSeconds = CLOUDFLARE_PLAN_LIMITS[subscription.plan].monitorMinIntervalSeconds;
    const intervalSeconds = props.healthCheckIntervalSeconds ?? minimumIntervalSeconds;
    const failover = props.steering === 'failover';
    const geoSteering = !failover && subscription.addons.includes('trafficSteering');
    const unhealthyAfterFailures = props.unhealthyAfterFailures ?? 3;
    const healthyAfterSuccesses = props.healthyAfterSuccesses ?? 2;
    const timeoutSeconds = props.healthCheckTimeoutSeconds ?? 3;
    const known = new Set(props.origins.map((o) => o.region));
    const unknown = (map: Readonly<Record<string, readonly string[]>>) =>
      Object.entries(map).flatMap(([key, regions]) => regions.filter((r) => !known.has(r)).map((r) => `${key} → ${r}`));
    const strayRegions = [...unknown(props.regionPools), ...unknown(countryPools)];
    checkProps(this, [
      { failed: props.origins.length === 0, message: 'origins: needs at least one region' },
      {
        failed: props.origins.some((o) => !AWS_REGION_LOCATIONS[o.region]),
        message: `origins: every region must be in config/edge-regions.ts; received ${props.origins.map((o) => o.region).join(', ')}`,
      },
      {
        failed: strayRegions.length > 0,
        message: `regionPools/countryPools: name regions without an origin (${strayRegions.join(', ')}); known: ${[...known].join(', ')}`,
      },
      {
        failed: !Number.isInteger(intervalSeconds) || intervalSeconds < 1,
        message: `healthCheckIntervalSeconds: must be a whole number ≥ 1; received ${intervalSeconds}`,
      },
      {
        failed: intervalSeconds < minimumIntervalSeconds,
        message: `healthCheckIntervalSeconds: the ${subscription.plan} plan allows ${minimumIntervalSeconds} s or more; received ${intervalSeconds}`,
      },
      {
        failed: timeoutSeconds >= intervalSeconds || timeoutSeconds < 1,
        message: `healthCheckTimeoutSeconds: must be at least 1 and less than the interval (${intervalSeconds} s); received ${timeoutSeconds}`,
      },
      {
        failed: !Number.isInteger(unhealthyAfterFailures) || unhealthyAfterFailures < 1,
        message: `unhealthyAfterFailures: must be a whole number ≥ 1; received ${unhealthyAfterFailures}`,
      },
      {
        failed: !Number.isInteger(healthyAfterSuccesses) || healthyAfterSuccesses < 1,
        message: `healthyAfterSuccesses: must be a whole number ≥ 1; received ${healthyAfterSuccesses}`,
      },
    ]);

    this.monitor = new LoadBalancerMonitor(this, 'monitor', {
      accountId: props.zone.accountId,
      description: `${props.namePrefix}: ${healthCheckPath} every ${intervalSeconds} s, unhealthy after ${unhealthyAfterFailures} failures`,
      type: 'https',
      method: 'GET',
      path: healthCheckPath,
      expectedCodes: '200',
      interval: intervalSeconds,
      timeout: timeoutSeconds,
      retries: 0,
      consecutiveDown: unhealthyAfterFailures,
      consecutiveUp: healthyAfterSuccesses,
      followRedirects: false,
      allowInsecure: false,
      // Probe as this zone: only then does the monitor present the zone's authenticated-origin-pull
      // certificate, which the ALBs' mTLS listener requires ("Monitors support authenticated origin
      // pulls by entering the appropriate zone in the Simulate Zone field", Cloudflare Load
      // Balancing docs, create a load balancer). Without it every pool is marked down.
      probeZone: props.zone.domain,
    });

    // Probe from where the users of these regions are.
    const checkRegions = [...new Set(props.origins.map((o) => AWS_REGION_LOCATIONS[o.region].geoRegion))];
    const pools: Record<string, LoadBalancerPool> = {};
    for (const origin of props.origins) {
      const location = AWS_REGION_LOCATIONS[origin.region];
      pools[origin.region] = new LoadBalancerPool(this, `pool-${origin.region}`, {
        accountId: props.zone.accountId,
        name: `${props.namePrefix}-${origin.region}`,
        description: `${props.namePrefix}: the ALB of ${origin.region}`,
        origins: [{ name: origin.region, address: origin.address, enabled: true, weight: 1 }],
        monitor: this.monitor.id,
        minimumOrigins: 1,
        checkRegions,
        latitude: location.latitude,
        longitude: location.longitude,
        enabled: true,
      });
    }
    this.pools = pools;
    const poolIds = (regions: readonly string[]) => regions.map((r) => pools[r].id);
    const mapPools = (map: Readonly<Record<string, readonly string[]>>) =>
      Object.fromEntries(Object.entries(map).map(([key, regions]) => [key, poolIds(regions)]));

    this.loadBalancer = new LoadBalancer(this, 'load-balancer', {
      zoneId: props.zone.zoneId,
      name: props.hostname,
      description: geoSteering
        ? `${props.namePrefix}: geo steering, nearest healthy region first`
        : failover
          ? `${props.namePrefix}: active-passive, ${props.origins[0].region} first, the next region on failover`
          : `${props.namePrefix}: failover in region order (geo steering needs Traffic Steering)`,
      proxied: true,
      steeringPolicy: geoSteering ? 'geo' : 'off',
      defaultPools: poolIds(props.origins.map((o) => o.region)),
      fallbackPool: pools[props.origins[0].region].id,
      ...(geoSteering ? { regionPools: mapPools(props.regionPools) } : {}),
      ...(geoSteering && Object.keys(countryPools).length > 0 ? { countryPools: mapPools(countryPools) } : {}),
      sessionAffinity: 'none',
      adaptiveRouting: { failoverAcrossPools: true },
      enabled: true,
    });
  }
}
