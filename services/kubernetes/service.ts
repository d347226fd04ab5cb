/**
 * The Services in front of a service's pods, and its ServiceAccount: a ClusterIP Service for
 * callers inside the cluster, and, for a service with public ports, a NodePort Service on their
 * fixed node ports, which the load balancer's instance target groups send to. The node port is
 * registered by attaching the target group to the node groups' Auto Scaling groups in the
 * regional stack, so nothing has to run in the cluster (no load balancer controller, no CRD) for
 * traffic to arrive.
 */
import { publicPorts, ServiceDefinition } from '../../config/service-definition';
import { KubernetesObject } from './object';
import { PRODUCT_NAMESPACE, selectorLabels, serviceLabels } from './labels';

export function clusterService(service: ServiceDefinition): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service.name, namespace: PRODUCT_NAMESPACE, labels: serviceLabels(service.name) },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(service.name),
      ports: service.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: 'TCP' })),
    },
  };
}

/** The name of the NodePort Service of a service's public ports. */
export const publicServiceName = (service: string): string => `${service}-public`;

/**
 * The NodePort Service of a service's public ports, or undefined when it has none. Only the public
 * ports are on it, so no other port opens on the nodes. `externalTrafficPolicy: Cluster`: every node
 * forwards to a ready pod wherever it runs, so every registered node passes the health check while
 * one pod is ready (the pods see the node's address, which the NetworkPolicy admits).
 */
export function publicNodePortService(service: ServiceDefinition): KubernetesObject | undefined {
  const ports = publicPorts(service);
  if (ports.length === 0) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: publicServiceName(service.name), namespace: PRODUCT_NAMESPACE, labels: serviceLabels(service.name) },
    spec: {
      type: 'NodePort',
      externalTrafficPolicy: 'Cluster',
      selector: selectorLabels(service.name),
      ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, nodePort: p.nodePort, protocol: 'TCP' })),
    },
  };
}

/** One ServiceAccount per service, named after it: the identity EKS Pod Identity maps to its IAM role. */
export function serviceAccount(service: ServiceDefinition): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: service.name, namespace: PRODUCT_NAMESPACE, labels: serviceLabels(service.name) },
    automountServiceAccountToken: false,
  };
}
