/**
 * The Cloudflare edge at the reader's level: DNS, WAF, rate limits, Workers, cache rules, load
 * balancer, R2, and each edge-first service (docs/edge-services.md) as a node of its own beside the
 * edge Worker that forwards its paths to it, not folded into the Workers node.
 */
import { Environment } from '../config/environment';
import { DataStoreKind } from '../config/service-definition';
import { edgeServiceRoutes, edgeServiceScriptName } from '../stacks/edge-worker-config';
import { TopologyCollector } from './collector';
import { first, ofType, qualified, referenced, StackResource } from './stacks';

/** Ruleset phases, in the order a request meets them, and what a reader calls them. */
const RULESET_PHASES: ReadonlyArray<{ phase: string; id: string; label: string }> = [
  { phase: 'http_request_firewall_custom', id: 'waf', label: 'WAF' },
  { phase: 'http_request_firewall_managed', id: 'waf', label: 'WAF' },
  { phase: 'http_ratelimit', id: 'rate-limits', label: 'Rate limits' },
];

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** An edge-first service's node, with the data stores it declares (the regions' nodes of those get its edges). */
export interface EdgeServiceNode {
  readonly id: string;
  readonly stores: readonly DataStoreKind[];
}

/** What the edge adds: the node that forwards to the origins, and the edge-first services' nodes. */
export interface EdgeComponents {
  /** The last node of the request path (undefined when the environment has no edge stack). */
  readonly exit?: string;
  readonly services: readonly EdgeServiceNode[];
}

/** An edge-first service's synthesized Worker and the KV namespaces bound to it. */
function edgeServiceResources(edge: readonly StackResource[], environment: Environment, service: string): { script?: StackResource; kv: StackResource[] } {
  const script = ofType(edge, 'cloudflare_workers_script').find((s) => first(s.values, 'script_name') === edgeServiceScriptName(environment, service));
  if (!script) return { kv: [] };
  const bindings = Array.isArray(script.values.bindings) ? (script.values.bindings as Array<Record<string, unknown>>) : [];
  const kv = bindings.flatMap((b) => {
    const namespace = b.type === 'kv_namespace' ? referenced(edge, script, b.namespace_id) : undefined;
    return namespace ? [namespace] : [];
  });
  return { script, kv };
}

/**
 * Adds the edge group and its request path, and a node per edge-first service, reached from the
 * Workers node through its service binding.
 */
export function addEdge(collect: TopologyCollector, users: string, edge: readonly StackResource[], environment: Environment): EdgeComponents {
  if (edge.length === 0) return { services: [] };
  const group = collect.group({ id: 'edge', label: 'Cloudflare edge', kind: 'edge' });
  const path: string[] = [];
  const add = (
    id: string,
    label: string,
    detail: string | undefined,
    resources: readonly StackResource[],
    kind: 'edge' | 'load-balancer' | 'storage' | 'service' = 'edge',
  ) => collect.node({ id: `edge-${id}`, kind, label, detail, group, source: 'synthesis', resources: resources.map(qualified) });

  const records = ofType(edge, 'cloudflare_dns_record');
  const proxied = records.filter((r) => first(r.values, 'proxied') === true).length;
  path.push(add('dns', 'DNS', `${plural(records.length, 'record')}, ${proxied} proxied`, records));

  const rulesets = ofType(edge, 'cloudflare_ruleset');
  for (const { id, label } of RULESET_PHASES.filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i)) {
    const matching = rulesets.filter((r) => RULESET_PHASES.some((p) => p.id === id && p.phase === first(r.values, 'phase')));
    if (matching.length === 0) continue;
    const rules = matching.reduce((sum, r) => sum + (Array.isArray(r.values.rules) ? r.values.rules.length : 0), 0);
    path.push(add(id, label, plural(rules, 'rule'), matching));
  }
  // The edge-first services' Workers are drawn on their own, not in the edge Worker's node.
  const serviceResources = environment.edgeServices.map((s) => ({ service: s, ...edgeServiceResources(edge, environment, s.name) }));
  const ofServices = new Set(serviceResources.flatMap((s) => [...(s.script ? [s.script] : []), ...s.kv]));
  const scripts = ofType(edge, 'cloudflare_workers_script').filter((r) => !ofServices.has(r));
  let workers: string | undefined;
  if (scripts.length > 0) {
    const routes = ofType(edge, 'cloudflare_workers_route');
    const kv = ofType(edge, 'cloudflare_workers_kv_namespace').filter((r) => !ofServices.has(r));
    workers = add('workers', 'Workers', `${plural(routes.length, 'route')}, ${kv.length} KV`, [...scripts, ...routes, ...kv]);
    path.push(workers);
  }
  const cache = rulesets.filter((r) => first(r.values, 'phase') === 'http_request_cache_settings');
  if (cache.length > 0) path.push(add('cache', 'CDN cache', 'cache rules', cache));
  const balancers = ofType(edge, 'cloudflare_load_balancer');
  if (balancers.length > 0) {
    const pools = ofType(edge, 'cloudflare_load_balancer_pool');
    path.push(
      add(
        'lb',
        'Load balancer',
        `geo steering, ${plural(pools.length, 'pool')}`,
        [...balancers, ...pools, ...ofType(edge, 'cloudflare_load_balancer_monitor')],
        'load-balancer',
      ),
    );
  }
  collect.edge(users, path[0], 'HTTPS 443');
  path.slice(1).forEach((id, i) => collect.edge(path[i], id));

  const buckets = ofType(edge, 'cloudflare_r2_bucket');
  if (buckets.length > 0) {
    const names = buckets.map((b) => String(first(b.values, 'name') ?? b.name));
    const r2 = add('r2', `R2 ×${buckets.length}`, names.join(', '), [...buckets, ...ofType(edge, 'cloudflare_r2_custom_domain')], 'storage');
    if (ofType(edge, 'cloudflare_r2_custom_domain').length > 0) collect.edge(path[0], r2, 'assets domain');
  }

  const routes = edgeServiceRoutes(environment);
  const services = serviceResources
    .filter((s) => s.script !== undefined)
    .map(({ service, script, kv }): EdgeServiceNode => {
      const bindings = Array.isArray(script!.values.bindings) ? (script!.values.bindings as Array<Record<string, unknown>>) : [];
      const durableObjects = bindings.filter((b) => b.type === 'durable_object_namespace').length;
      const paths = [...new Set(routes.filter((r) => r.service === service.name).map((r) => r.pathPrefix ?? '/'))];
      const id = add(
        `service-${service.name}`,
        `${service.name} Worker`,
        `${paths.join(', ')} · ${plural(durableObjects, 'Durable Object')}, ${kv.length} KV`,
        [script!, ...kv],
        'service',
      );
      // The edge Worker answers these paths through its service binding (workers/edge).
      if (workers) collect.edge(workers, id, `service binding ${paths.join(', ')}`);
      return { id, stores: service.dataStores };
    });
  return { exit: path[path.length - 1], services };
}
