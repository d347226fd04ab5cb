/**
 * Seed 004: distributed tracing across a request's services. On cluster stages each region runs
 * an OpenTelemetry collector (`observability/otel-collector`) that exports to X-Ray, and every
 * product Deployment is told where to send spans (`OTEL_EXPORTER_OTLP_ENDPOINT`). On host stages
 * the services share one host and one compose project: nothing to trace across, by design.
 */
import { COLLECTOR_NAME, COLLECTOR_NAMESPACE } from '../../services/platform/otel-collector';
import { appsStackOf, containerEnv, manifestsOf, regionalStacks } from '../lookups';
import { combine, held, ItemOutcome, missing, notApplicable, ReadinessItem } from '../types';

export const OTLP_ENDPOINT_ENV = 'OTEL_EXPORTER_OTLP_ENDPOINT';

export const DistributedTracing: ReadinessItem = {
  id: 'RDY-9',
  name: 'DistributedTracing',
  section: 'observability',
  title: 'Distributed tracing across the services of a request',
  evaluate(environment) {
    const parts: ItemOutcome[] = [];
    for (const stack of regionalStacks(environment)) {
      const apps = appsStackOf(environment, stack);
      if (!apps) continue;
      const collector = manifestsOf(apps, 'Deployment').find((d) => d.namespace === COLLECTOR_NAMESPACE && d.name === COLLECTOR_NAME);
      const services = manifestsOf(apps, 'Deployment').filter((d) => d.namespace === 'product');
      const untold = services.filter((d) => !(containerEnv(d.manifest).get(OTLP_ENDPOINT_ENV) ?? '').includes(`${COLLECTOR_NAME}.${COLLECTOR_NAMESPACE}`));
      if (!collector) parts.push(missing(`${apps.name}: no tracing collector (Deployment ${COLLECTOR_NAMESPACE}/${COLLECTOR_NAME})`));
      else if (untold.length > 0)
        parts.push(missing(`${apps.name}: ${untold.map((d) => d.name).join(', ')} not told where to send spans (${OTLP_ENDPOINT_ENV})`));
      else parts.push(held(`${apps.name}: ${services.length} services send spans to ${COLLECTOR_NAMESPACE}/${COLLECTOR_NAME}, which exports to X-Ray`));
    }
    return combine(parts, notApplicable('the services share one host at this stage; tracing starts with the cluster (growth)'));
  },
};
