/**
 * A small cluster region for the request-path rules (SC-REQ-*): an apps stack (`fx-us-east-1-apps`,
 * the stack under test), its regional stack (`fx-us-east-1`) and the edge stack (`fx-edge`), with
 * one public service (`api`, port `http`, node port 30168) that declares Redis. `without` drops
 * named resources, so a test removes exactly one link.
 */
import { Fixture, Resources } from './fixtures';
import { typedResourcesNamed } from '../helpers/kubernetes-typed';

const REGIONAL = '${data.terraform_remote_state.cross-stack-reference-input-fx-us-east-1.outputs';
const CLUSTER_GROUP = '${aws_eks_cluster.eks.vpc_config[0].cluster_security_group_id}';
const LABELS = { 'app.kubernetes.io/name': 'api' };

const manifest = (object: Record<string, unknown>) => object;

const APPS: Resources = typedResourcesNamed({
  deployment: manifest({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'product' },
    spec: {
      template: {
        metadata: { labels: LABELS },
        spec: {
          containers: [
            {
              name: 'api',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
              env: [
                { name: 'REDIS_HOST', value: `${REGIONAL}.shared_redis_address}` },
                { name: 'REDIS_PORT', value: '6379' },
              ],
            },
          ],
        },
      },
    },
  }),
  'service-public': manifest({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'api-public', namespace: 'product' },
    spec: { type: 'NodePort', selector: LABELS, ports: [{ name: 'http', port: 8080, targetPort: 'http', nodePort: 30168 }] },
  }),
  policy: manifest({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'api', namespace: 'product' },
    spec: {
      podSelector: { matchLabels: LABELS },
      ingress: [{ from: [{ ipBlock: { cidr: '10.16.64.0/20' } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.16.128.0/20' } }], ports: [{ protocol: 'TCP', port: 6379 }] }],
    },
  }),
});

const REGIONAL_RESOURCES: Resources = {
  aws_lb: { alb: { load_balancer_type: 'application', security_groups: ['${aws_security_group.alb.id}'] } },
  aws_security_group: { alb: { name: 'alb' }, redis: { name: 'redis' } },
  aws_eks_cluster: { eks: { name: 'fx-us-east-1' } },
  aws_eks_node_group: { general: { node_group_name: 'general' } },
  aws_lb_target_group: {
    api: { port: 30168, target_type: 'instance', health_check: { path: '/readyz' }, tags: { 'stagecraft:service': 'api', 'stagecraft:port': 'http' } },
  },
  aws_autoscaling_attachment: {
    registration: {
      autoscaling_group_name: '${aws_eks_node_group.general.resources[0].autoscaling_groups[0].name}',
      lb_target_group_arn: '${aws_lb_target_group.api.arn}',
    },
  },
  aws_vpc_security_group_ingress_rule: {
    'nodes-from-alb': {
      security_group_id: CLUSTER_GROUP,
      referenced_security_group_id: '${aws_security_group.alb.id}',
      ip_protocol: 'tcp',
      from_port: 30168,
      to_port: 30168,
    },
    'redis-from-nodes': {
      security_group_id: '${aws_security_group.redis.id}',
      referenced_security_group_id: CLUSTER_GROUP,
      ip_protocol: 'tcp',
      from_port: 6379,
      to_port: 6379,
    },
  },
  aws_elasticache_replication_group: { redis: { security_group_ids: ['${aws_security_group.redis.id}'] } },
};

const EDGE: Resources = {
  cloudflare_dns_record: { origin: { name: 'origin-us-east-1.example.com', type: 'CNAME', content: `${REGIONAL}.shared_alb_dns_name}` } },
  aws_lb_listener: { https: { port: 443, protocol: 'HTTPS', load_balancer_arn: `${REGIONAL}.shared_alb_arn}` } },
  aws_lb_listener_rule: {
    api: {
      listener_arn: '${aws_lb_listener.https.arn}',
      action: [{ type: 'forward', target_group_arn: `${REGIONAL}.shared_target_group_arn}` }],
      tags: { 'stagecraft:service': 'api', 'stagecraft:port': 'http' },
    },
  },
};

/** `type.name` of each resource to leave out. */
export type Removal = `${string}.${string}`;

function without(resources: Resources, removals: readonly Removal[]): Resources {
  const copy = structuredClone(resources) as Resources;
  for (const removal of removals) {
    const [type, name] = removal.split(/\.(.*)/);
    delete copy[type]?.[name];
  }
  return copy;
}

/** The region, with the named resources removed from whichever stack holds them. */
export function clusterRegion(...removals: Removal[]): Fixture {
  return {
    stage: 'growth',
    region: 'us-east-1-apps',
    resources: without(APPS, removals),
    otherRegions: { 'us-east-1': without(REGIONAL_RESOURCES, removals), edge: without(EDGE, removals) },
    outputs: {
      'us-east-1': {
        shared_alb_arn: '${aws_lb.alb.arn}',
        shared_alb_dns_name: '${aws_lb.alb.dns_name}',
        shared_target_group_arn: '${aws_lb_target_group.api.arn}',
        shared_redis_address: '${aws_elasticache_replication_group.redis.primary_endpoint_address}',
      },
    },
  };
}

/**
 * The edge stack under test (`fx-edge`) with a Cloudflare load balancer pool on the region's
 * origin (`origin-us-east-1.example.com`, the DNS record to the ALB) and its monitor probing
 * `/readyz`, the listener's default action a fixed 404 and one rule forwarding `ruleHosts` (every
 * path) to the api's target group, which checks `/readyz`. With the default hosts the probe's Host
 * (the origin's address) is taken by the rule; with only the public hosts it falls to the 404.
 */
export function originMonitorEdge(ruleHosts: readonly string[] = ['example.com', '*.example.com']): Fixture {
  return {
    stage: 'massive',
    region: 'edge',
    resources: {
      ...EDGE,
      aws_lb_listener: {
        https: {
          ...EDGE.aws_lb_listener.https,
          default_action: [{ type: 'fixed-response', fixed_response: { content_type: 'text/plain', message_body: 'not found', status_code: '404' } }],
        },
      },
      aws_lb_listener_rule: {
        api: {
          ...EDGE.aws_lb_listener_rule.api,
          priority: 50000,
          condition: [{ host_header: { values: [...ruleHosts] } }, { path_pattern: { values: ['/*'] } }],
        },
      },
      cloudflare_load_balancer_monitor: { monitor: { type: 'https', method: 'GET', path: '/readyz', expected_codes: '200' } },
      cloudflare_load_balancer_pool: {
        'pool-us-east-1': {
          name: 'fx-us-east-1',
          monitor: '${cloudflare_load_balancer_monitor.monitor.id}',
          origins: [{ name: 'us-east-1', address: 'origin-us-east-1.example.com', enabled: true }],
        },
      },
    },
    otherRegions: { 'us-east-1': REGIONAL_RESOURCES },
    outputs: clusterRegion().outputs,
  };
}
