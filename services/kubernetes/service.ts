/** The ClusterIP Service in front of a service's pods, and its ServiceAccount. */
import { ServiceDefinition } from '../../config/service-definition';
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

/** One ServiceAccount per service, named after it: the identity EKS Pod Identity maps to its IAM role. */
export function serviceAccount(service: ServiceDefinition): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: service.name, namespace: PRODUCT_NAMESPACE, labels: serviceLabels(service.name) },
    automountServiceAccountToken: false,
  };
}
