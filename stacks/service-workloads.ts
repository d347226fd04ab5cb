/**
 * Decides, for one environment, how each of its services runs: the autoscaling rule
 * (`sizing/autoscaling/`), the resources, and the data-store bindings of its region.
 */
import { Environment } from '../config/environment';
import { podBounds, podScalingRule } from '../sizing/autoscaling/resolve';
import { ResourceAmounts, ServiceDefinition } from '../config/service-definition';
import { bindingsFor, credentialsFor, DataStoreEndpoints } from '../constructs/shared/data-store-endpoints';
import { ServiceWorkload } from '../services/kubernetes/workload-spec';
import { OTLP_ENDPOINT } from '../services/platform/otel-collector';
import { Blueprint, PodRange } from '../sizing/blueprint-types';

/**
 * Requests and limits of a service. The websocket gateway and the API request what the sizing
 * sized their pods at (so node counts and pods agree when `assumptions` change the pod size);
 * their limits keep the catalog's limit-to-request ratio. Other services use the catalog as is.
 */
export function serviceResources(service: ServiceDefinition, blueprint: Blueprint): { requests: ResourceAmounts; limits: ResourceAmounts } {
  const sized: PodRange | undefined =
    service.scaling.rule === 'websocket-gateway' ? blueprint.websocket : service.scaling.rule === 'api' ? blueprint.api : undefined;
  if (!sized) return service.resources;
  const { requests, limits } = service.resources;
  const cpuMillis = Math.round(sized.cpu * 1000);
  const memoryMiB = Math.round(sized.memoryGiB * 1024);
  return {
    requests: { cpuMillis, memoryMiB },
    limits: {
      cpuMillis: Math.round((cpuMillis * limits.cpuMillis) / requests.cpuMillis),
      memoryMiB: Math.round((memoryMiB * limits.memoryMiB) / requests.memoryMiB),
    },
  };
}

export function serviceWorkloads(environment: Environment, blueprint: Blueprint, stores: DataStoreEndpoints): ServiceWorkload[] {
  return environment.services.map((service) => ({
    service,
    resources: serviceResources(service, blueprint),
    scaling: podScalingRule(environment, blueprint, service),
    replicas: podBounds(environment, blueprint, service).min,
    // Every service sends spans to the region's collector (services/platform/otel-collector.ts).
    bindings: { ...bindingsFor(service.dataStores, stores, service), OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_ENDPOINT, OTEL_SERVICE_NAME: service.name },
    secretVolumes: credentialsFor(service, stores).flatMap((c) => (c.secretVolume ? [c.secretVolume] : [])),
  }));
}
