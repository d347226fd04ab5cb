/** Every Kubernetes object of the product services in one region, in apply order. */
import { DataStoreEndpoints } from '../../constructs/shared/data-store-endpoints';
import { horizontalPodAutoscaler } from './autoscaler';
import { cronJob } from './cron-job';
import { deployment } from './deployment';
import { podDisruptionBudget } from './disruption-budget';
import { PRODUCT_NAMESPACE } from './labels';
import { productNamespace } from './namespace';
import { defaultDenyPolicy, dnsEgressPolicy, RegionNetwork, servicePolicy } from './network-policy';
import { KubernetesObject } from './object';
import { clusterService, publicNodePortService, serviceAccount } from './service';
import { ServiceWorkload } from './workload-spec';

export interface ProductObjectsInput {
  readonly workloads: readonly ServiceWorkload[];
  readonly stores: DataStoreEndpoints;
  readonly network: RegionNetwork;
}

/** The namespace and its baseline policies, then each service's objects. */
export function productObjects(input: ProductObjectsInput): {
  namespace: KubernetesObject;
  baseline: KubernetesObject[];
  services: Map<string, KubernetesObject[]>;
} {
  const running = input.workloads.map((w) => w.service);
  const services = new Map<string, KubernetesObject[]>();
  for (const workload of input.workloads) {
    const { service } = workload;
    if (service.schedule) {
      // A job: its ServiceAccount (the Pod Identity of its runs), its CronJob and its network policy.
      services.set(service.name, [serviceAccount(service), cronJob(workload, service.schedule), servicePolicy(service, running, input.stores, input.network)]);
      continue;
    }
    const nodePort = publicNodePortService(service);
    services.set(service.name, [
      serviceAccount(service),
      deployment(workload),
      clusterService(service),
      ...(nodePort ? [nodePort] : []),
      // A queue rule's count is the queue-scaler's (services/platform/queue-scaler.ts): no HPA to fight it.
      ...(workload.scaling && !workload.scaling.backlog ? [horizontalPodAutoscaler(workload.scaling)] : []),
      podDisruptionBudget(service.name),
      servicePolicy(service, running, input.stores, input.network),
    ]);
  }
  return { namespace: productNamespace(PRODUCT_NAMESPACE), baseline: [defaultDenyPolicy(), dnsEgressPolicy()], services };
}
