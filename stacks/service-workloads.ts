/**
 * Decides, for one environment, how each of its services runs: the autoscaling rule
 * (`sizing/autoscaling/`), the resources, and the data-store bindings of its region.
 */
import { Environment } from '../config/environment';
import { r2BucketEnv } from '../config/r2-buckets';
import { podBounds, podScalingRule } from '../sizing/autoscaling/resolve';
import { bindingsFor, credentialsFor, DataStoreEndpoints } from '../constructs/shared/data-store-endpoints';
import { ServiceWorkload } from '../services/kubernetes/workload-spec';
import { OTLP_ENDPOINT } from '../services/platform/otel-collector';
import { Blueprint } from '../sizing/blueprint-types';
import { ApplicationSecretArns } from './application-secrets';

export function serviceWorkloads(
  environment: Environment,
  blueprint: Blueprint,
  stores: DataStoreEndpoints,
  secrets: ApplicationSecretArns = new Map(),
  region?: string,
): ServiceWorkload[] {
  return environment.services.map((service) => {
    // Its application secrets and the credential files of its stores (its database password behind PgBouncer).
    const files = Object.assign({}, secrets.get(service.name), ...credentialsFor(service, stores).map((c) => c.fileSecrets ?? {})) as Record<string, string>;
    return {
      service,
      // The sizing packed these same requests onto the nodes (sizing/service-pods.ts).
      resources: service.resources,
      scaling: podScalingRule(environment, blueprint, service),
      replicas: podBounds(environment, blueprint, service).min,
      // Every service sends spans to the region's collector (services/platform/otel-collector.ts).
      bindings: {
        ...bindingsFor(service.dataStores, stores, service),
        OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_ENDPOINT,
        OTEL_SERVICE_NAME: service.name,
        ...r2BucketEnv(environment, service),
      },
      secretVolumes: credentialsFor(service, stores).flatMap((c) => (c.secretVolume ? [c.secretVolume] : [])),
      ...(Object.keys(files).length > 0 ? { appSecrets: files, region } : {}),
    };
  });
}
