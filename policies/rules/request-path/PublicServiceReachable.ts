/**
 * Every public port of every service is reachable on a cluster, link by link: a proxied DNS
 * record to the region's ALB (edge stack), its HTTPS listener, a listener rule forwarding to the
 * port's target group, the target group (instance, on the node port), its registration (attached
 * to a node group's Auto Scaling group), the security group rule from the ALB to the nodes on the
 * node port, the NodePort Service, the container port it targets, the readiness probe the target
 * group checks, and the NetworkPolicy that admits the traffic. Evaluated on each apps stack; the
 * public ports are those any link names (a NodePort Service, a target group or a listener rule
 * tagged `stagecraft:service`), so removing one link still leaves the others to name the port.
 * The first missing link is reported, with the service and the stack.
 */
import { manifestsOf, ManifestView } from '../../../synthesis/kubernetes-objects';
import { record } from '../../../synthesis/values';
import { ResourceView, StackOutcome, StackRule, StackView } from '../../types';
import {
  container,
  coversPort,
  items,
  follow,
  Located,
  podLabels,
  policiesFor,
  PRODUCT_NAMESPACE,
  productAppsStack,
  refersTo,
  rulePorts,
  selects,
} from './links';

interface PublicPort {
  readonly service: string;
  readonly port: string;
}

const keyOf = (p: PublicPort) => `${p.service}/${p.port}`;
const tag = (resource: ResourceView, name: string) => record(resource.values.tags)?.[`stagecraft:${name}`];

/** The NodePort Services of the product namespace, with the service their selector names. */
function nodePortServices(apps: StackView, deployments: Map<string, ManifestView>): Array<{ view: ManifestView; service?: string }> {
  return manifestsOf(apps, 'Service')
    .filter((s) => s.namespace === PRODUCT_NAMESPACE && record(s.manifest.spec)?.type === 'NodePort')
    .map((view) => {
      const selector = record(record(view.manifest.spec)?.selector) ?? {};
      const service = [...deployments.values()].find((d) => selects({ matchLabels: selector }, podLabels(d)))?.name;
      return { view, service };
    });
}

/** Checks one public port; returns the missing link, or undefined when every link is there. */
function missingLink(
  apps: StackView,
  regional: StackView,
  edge: StackView | undefined,
  port: PublicPort,
  deployments: Map<string, ManifestView>,
): string | undefined {
  const alb = regional.resources('aws_lb').find((lb) => lb.values.load_balancer_type === 'application');
  if (!alb) return `load balancer: ${regional.name} has no application load balancer`;
  const albAt: Located = { stack: regional, resource: alb };
  if (!edge) return 'DNS record: the environment has no edge stack';
  const records = edge.resources('cloudflare_dns_record').filter((r) => refersTo(edge, r.values.content, albAt));
  if (records.length === 0) return `DNS record: no record in ${edge.name} points at ${alb.address}`;
  const listener = edge.resources('aws_lb_listener').find((l) => Number(l.values.port) === 443 && refersTo(edge, l.values.load_balancer_arn, albAt));
  if (!listener) return `HTTPS listener: no listener on 443 of ${alb.address} in ${edge.name}`;

  const group = regional.resources('aws_lb_target_group').find((g) => tag(g, 'service') === port.service && tag(g, 'port') === port.port);
  const rule = edge.resources('aws_lb_listener_rule').find(
    (r) =>
      edge.referenced(r.values.listener_arn) === listener &&
      items(r.values, 'action')
        .map(record)
        .some((a) => a?.type === 'forward' && group !== undefined && refersTo(edge, a.target_group_arn, { stack: regional, resource: group })),
  );
  if (!group) return `target group: no target group in ${regional.name} is tagged for ${keyOf(port)}`;
  if (!rule) return `listener rule: no rule of ${edge.name}'s ${listener.address} forwards to ${group.address}`;
  const nodePort = Number(group.values.port);
  if (group.values.target_type !== 'instance')
    return `target group: ${group.address} has target_type ${String(group.values.target_type ?? 'instance')}; instance targets on the node port need no controller`;

  const attached = regional
    .resources('aws_autoscaling_attachment')
    .some(
      (a) => regional.referenced(a.values.lb_target_group_arn) === group && regional.referenced(a.values.autoscaling_group_name)?.type === 'aws_eks_node_group',
    );
  if (!attached) return `registration: no aws_autoscaling_attachment attaches a node group's Auto Scaling group to ${group.address}`;
  const albGroups = items(alb.values, 'security_groups').map((g) => regional.referenced(g));
  const opened = regional
    .resources('aws_vpc_security_group_ingress_rule')
    .some(
      (r) =>
        regional.referenced(r.values.security_group_id)?.type === 'aws_eks_cluster' &&
        albGroups.includes(regional.referenced(r.values.referenced_security_group_id)) &&
        coversPort(r, nodePort),
    );
  if (!opened) return `security group rule: the nodes' security group does not admit ${alb.address}'s security group on node port ${nodePort}`;

  const deployment = deployments.get(port.service);
  const serviceView = nodePortServices(apps, deployments).find((s) => s.service === port.service);
  const servicePort = items(serviceView?.view.manifest, 'spec.ports')
    .map(record)
    .find((p) => p?.name === port.port && Number(p?.nodePort) === nodePort);
  if (!serviceView || !servicePort)
    return `NodePort Service: no NodePort Service in ${apps.name} selects ${port.service}'s pods with port ${port.port} on node port ${nodePort}`;
  if (!deployment) return `Deployment: no Deployment ${port.service} in ${apps.name}`;
  const main = container(deployment);
  const containerPort = items(main, 'ports')
    .map(record)
    .find((p) => p?.name === servicePort.targetPort || p?.containerPort === servicePort.targetPort);
  if (!containerPort) return `container port: ${port.service}'s container has no port ${String(servicePort.targetPort)} for the Service to target`;
  const probe = record(record(main.readinessProbe)?.httpGet);
  const healthPath = record(group.values.health_check)?.path;
  if (!probe || (probe.port !== containerPort.name && probe.port !== containerPort.containerPort) || probe.path !== healthPath) {
    return `readiness probe: ${port.service}'s readiness probe is ${probe ? `${String(probe.path)} on ${String(probe.port)}` : 'absent'}; the target group checks ${String(healthPath)} through port ${String(containerPort.name)}`;
  }
  const admitted = policiesFor(apps, deployment).some((p) =>
    items(p.manifest, 'spec.ingress').some(
      (rule) =>
        items(rule, 'from').some((from) => record(from)?.ipBlock !== undefined) &&
        rulePorts(rule).some((v) => v === containerPort.containerPort || v === containerPort.name),
    ),
  );
  if (!admitted) return `NetworkPolicy ingress: no policy admits the nodes' addresses to ${port.service}'s port ${String(containerPort.containerPort)}`;
  return undefined;
}

export const PublicServiceReachable: StackRule = {
  id: 'SC-REQ-1',
  name: 'PublicServiceReachable',
  family: 'request-path',
  scope: 'stack',
  description:
    'Every public service port on a cluster has every link from the internet to its pods: DNS, HTTPS listener, listener rule, target group, registration, security group rule, NodePort Service, container port, readiness probe and NetworkPolicy.',
  evaluate(stack) {
    const context = productAppsStack(stack);
    if ('outcome' in context) return [context.outcome];
    const { deployments, regional, edge } = context;
    const ports = new Map<string, PublicPort>();
    const add = (service: unknown, port: unknown) => {
      if (typeof service === 'string' && typeof port === 'string') ports.set(`${service}/${port}`, { service, port });
    };
    for (const { view, service } of nodePortServices(stack, deployments)) for (const p of items(view.manifest, 'spec.ports')) add(service, record(p)?.name);
    for (const g of regional.resources('aws_lb_target_group')) add(tag(g, 'service'), tag(g, 'port'));
    for (const r of edge?.resources('aws_lb_listener_rule') ?? []) {
      const listener = edge!.referenced(r.values.listener_arn);
      const lb = listener && follow(edge!, listener.values.load_balancer_arn);
      if (lb?.stack.name === regional.name) add(tag(r, 'service'), tag(r, 'port'));
    }
    if (ports.size === 0) return [{ status: 'not-applicable', reason: 'no public service port' }];
    return [...ports.values()]
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
      .map((port): StackOutcome => {
        const missing = missingLink(stack, regional, edge, port, deployments);
        const address = deployments.get(port.service)?.resource.address;
        return missing === undefined
          ? { status: 'compliant', address }
          : { status: 'non-compliant', address, message: `${missing} (service ${port.service}, port ${port.port}, stack ${stack.name})` };
      });
  },
};
