/**
 * NetworkPolicies of the product namespace: everything denied, then DNS for every pod, then
 * per service exactly what it declares: ingress from the services that call it (and from the
 * nodes' subnets on public ports: the load balancer sends to the NodePort Service, and the node
 * that receives a request forwards it from its own address), egress to its data stores and the
 * services it calls.
 *
 * Two egress rules every service shares, because the addresses are not ours to narrow: the EKS
 * Pod Identity agent (a link-local address on each node) and HTTPS outside the VPC for AWS APIs
 * (Secrets Manager at start, S3): AWS publishes no stable range for them.
 */
import { DataStoreEndpoints } from '../../constructs/shared/data-store-endpoints';
import { ServiceDefinition } from '../../config/service-definition';
import { KubernetesObject } from './object';
import { COLLECTOR_NAME, COLLECTOR_NAMESPACE, OTLP_GRPC_PORT, OTLP_HTTP_PORT } from '../platform/otel-collector';
import { PRODUCT_NAMESPACE, selectorLabels, serviceLabels } from './labels';

/** Where the EKS Pod Identity agent serves credentials on every node. */
export const POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;

/** The network facts of one region the policies need. */
export interface RegionNetwork {
  readonly vpcCidr: string;
  /**
   * Subnets of the nodes: public traffic reaches the pods from a node's address (the load
   * balancer sends to a node port, kube-proxy forwards from the node).
   */
  readonly nodeCidrs: readonly string[];
}

const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';

function policy(
  name: string,
  spec: Record<string, unknown>,
  labels: Record<string, string> = { 'app.kubernetes.io/managed-by': 'stagecraft' },
): KubernetesObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: PRODUCT_NAMESPACE, labels }, spec };
}

/** Deny every packet in and out of the namespace that a later policy does not allow. */
export function defaultDenyPolicy(): KubernetesObject {
  return policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
}

/** The egress rule of DNS lookups to CoreDNS in kube-system (a NetworkPolicy's `egress` entry). */
export function dnsEgressRule(): Record<string, unknown> {
  return {
    to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  };
}

/** DNS lookups to CoreDNS in kube-system. */
export function dnsEgressPolicy(): KubernetesObject {
  return policy('allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgressRule()] });
}

/** A NetworkPolicy port entry: TCP on `port`. */
export const tcp = (port: number | string) => ({ protocol: 'TCP', port });

/** The egress rule to the EKS Pod Identity agent on the node, where the SDK gets the pod's AWS credentials. */
export function podIdentityEgressRule(): Record<string, unknown> {
  return { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [tcp(POD_IDENTITY_AGENT.port)] };
}

/** The egress rule of HTTPS outside the VPC: AWS APIs, which publish no stable range. */
export function internetHttpsEgressRule(vpcCidr: string): Record<string, unknown> {
  return { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [vpcCidr] } }], ports: [tcp(443)] };
}

/** The policy of one service among the `running` ones. */
export function servicePolicy(
  service: ServiceDefinition,
  running: readonly ServiceDefinition[],
  stores: DataStoreEndpoints,
  network: RegionNetwork,
): KubernetesObject {
  const callers = running.filter((other) => other.calls.includes(service.name));
  const callees = running.filter((other) => service.calls.includes(other.name));
  const ingress: Array<Record<string, unknown>> = callers.map((caller) => ({
    from: [{ podSelector: { matchLabels: selectorLabels(caller.name) } }],
    ports: service.ports.map((p) => tcp(p.port)),
  }));
  const publicPorts = service.ports.filter((p) => p.public);
  if (publicPorts.length > 0) {
    ingress.push({ from: network.nodeCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: publicPorts.map((p) => tcp(p.port)) });
  }

  const egress: Array<Record<string, unknown>> = [];
  for (const kind of service.dataStores) {
    const store = stores[kind];
    // An empty `to` would allow every destination, so a store without a fixed peer adds nothing.
    if (!store?.peer || ('cidrs' in store.peer && store.peer.cidrs.length === 0)) continue;
    const to =
      'cidrs' in store.peer
        ? store.peer.cidrs.map((cidr) => ({ ipBlock: { cidr } }))
        : [{ namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: store.peer.namespace } }, podSelector: { matchLabels: store.peer.podLabels } }];
    egress.push({ to, ports: [tcp(store.port)] });
  }
  for (const callee of callees) {
    egress.push({ to: [{ podSelector: { matchLabels: selectorLabels(callee.name) } }], ports: callee.ports.map((p) => tcp(p.port)) });
  }
  // Spans to the region's OpenTelemetry collector.
  egress.push({
    to: [
      {
        namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: COLLECTOR_NAMESPACE } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': COLLECTOR_NAME } },
      },
    ],
    ports: [tcp(OTLP_GRPC_PORT), tcp(OTLP_HTTP_PORT)],
  });
  egress.push(podIdentityEgressRule());
  egress.push(internetHttpsEgressRule(network.vpcCidr));

  return policy(
    service.name,
    { podSelector: { matchLabels: selectorLabels(service.name) }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
    serviceLabels(service.name),
  );
}
