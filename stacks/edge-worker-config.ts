/** The edge Worker's JSON bindings, built from an environment. */
import { geoSteering } from '../config/edge-regions';
import { Environment } from '../config/environment';
import { edgeServiceBinding, EdgeServiceRoute, LimitsConfig, RoutingConfig, SettingsConfig } from '../workers/edge/contract';
import { publicHostName } from '../config/service-definition';

/** Each region's ALB, as Cloudflare and the Worker reach it. */
export function originHostname(region: string, domain: string): string {
  return `origin-${region}.${domain}`;
}

/** The Workers script name of an edge-first service. */
export function edgeServiceScriptName(environment: Environment, service: string): string {
  return `${environment.name}-${service}`;
}

/** Each public route of the environment's edge-first services, longest path prefix first. */
export function edgeServiceRoutes(environment: Environment): EdgeServiceRoute[] {
  return environment.edgeServices
    .flatMap((service) =>
      service.ports.flatMap((port) =>
        port.route
          ? [
              {
                service: service.name,
                binding: edgeServiceBinding(service.name),
                hosts: port.route.hosts.map((host) => publicHostName(host, environment.domain)),
                pathPrefix: port.route.path,
              },
            ]
          : [],
      ),
    )
    .sort((a, b) => b.pathPrefix.length - a.pathPrefix.length || a.service.localeCompare(b.service));
}

/** How long an isolate reuses region health flags (on top of KV's 30 s edge cache). */
export const HEALTH_CACHE_SECONDS = 10;

export interface EdgeWorkerConfig {
  readonly routing: RoutingConfig;
  readonly limits: LimitsConfig;
  readonly settings: SettingsConfig;
}

/**
 * Routing (origins and the load balancer's failover tables), limits and settings for the Worker.
 * With several regions the edge stack puts a Cloudflare load balancer on the apex
 * (`edgeFeatures(...).loadBalancer`): the Worker then sends every request to that hostname, so
 * the load balancer's steering and failover apply to the traffic the Worker forwards.
 */
export function edgeWorkerConfig(environment: Environment): EdgeWorkerConfig {
  const regions = environment.regions.map((r) => r.code);
  const { regionPools, countryPools } = geoSteering(regions, environment.edge.steering);
  const worker = environment.edge.worker;
  return {
    routing: {
      regions,
      origins: Object.fromEntries(regions.map((r) => [r, `https://${originHostname(r, environment.domain)}`])),
      regionPools,
      countryPools,
      ...(regions.length > 1 ? { loadBalancer: `https://${environment.domain}` } : {}),
      ...(environment.edgeServices.length > 0 ? { edgeServices: edgeServiceRoutes(environment) } : {}),
    },
    limits: { ...environment.edge.rateLimits },
    settings: {
      sessionCacheTtlSeconds: worker.sessionCacheTtlSeconds,
      maxRequestBodyBytes: worker.maxRequestBodyKiB * 1024,
      originTimeoutMs: worker.originTimeoutMs,
      healthCacheSeconds: HEALTH_CACHE_SECONDS,
    },
  };
}
