/** The Cloudflare edge at the reader's level: DNS, WAF, rate limits, Workers, cache rules, load balancer, R2. */
import { TopologyCollector } from './collector';
import { first, ofType, qualified, StackResource } from './stacks';

/** Ruleset phases, in the order a request meets them, and what a reader calls them. */
const RULESET_PHASES: ReadonlyArray<{ phase: string; id: string; label: string }> = [
  { phase: 'http_request_firewall_custom', id: 'waf', label: 'WAF' },
  { phase: 'http_request_firewall_managed', id: 'waf', label: 'WAF' },
  { phase: 'http_ratelimit', id: 'rate-limits', label: 'Rate limits' },
];

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * Adds the edge group and its request path. Returns the id of the last node of the path, the
 * one that forwards to the origins (undefined when the environment has no edge stack).
 */
export function addEdge(collect: TopologyCollector, users: string, edge: readonly StackResource[]): string | undefined {
  if (edge.length === 0) return undefined;
  const group = collect.group({ id: 'edge', label: 'Cloudflare edge', kind: 'edge' });
  const path: string[] = [];
  const add = (
    id: string,
    label: string,
    detail: string | undefined,
    resources: readonly StackResource[],
    kind: 'edge' | 'load-balancer' | 'storage' = 'edge',
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
  const scripts = ofType(edge, 'cloudflare_workers_script');
  if (scripts.length > 0) {
    const routes = ofType(edge, 'cloudflare_workers_route');
    const kv = ofType(edge, 'cloudflare_workers_kv_namespace');
    path.push(add('workers', 'Workers', `${plural(routes.length, 'route')}, ${kv.length} KV`, [...scripts, ...routes, ...kv]));
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
  return path[path.length - 1];
}
