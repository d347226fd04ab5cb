/**
 * The `<env>-edge` stack of every example stage: what Cloudflare holds per stage, the
 * thresholds and tables that matter, and that no credential reaches the JSON.
 */
import { ExampleSynthesis, synthesizeExamples, synthesizeYaml } from '../helpers/examples';
import { edgeWorkerBundle } from '../../workers/bundle';
import { fromTerraformLiteral } from '../../synthesis/terraform-literal';

let examples: ExampleSynthesis;
beforeAll(() => {
  examples = synthesizeExamples();
});

type Resource = Record<string, unknown>;
const edge = (stage: string) => `acme-${stage}-edge`;
const resources = (stage: string, type: string) => examples.resources(edge(stage), type);
const count = (stage: string, type: string) => resources(stage, type).length;
const ruleset = (stage: string, phase: string) => resources(stage, 'cloudflare_ruleset').filter((r) => r.phase === phase);
const rulesOf = (r: Resource) => r.rules as Resource[];
const ruleByRef = (r: Resource, ref: string) => rulesOf(r).find((rule) => rule.ref === ref);
const STAGES = ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'];

/** `${<type>.<logical name>.id}` of the resource of `type` whose `field` is `value`. */
function idOf(stack: string, type: string, field: string, value: unknown): string {
  const entry = Object.entries(examples.stack(stack).resource?.[type] ?? {}).find(([, r]) => r[field] === value);
  if (!entry) throw new Error(`no ${type} with ${field} = ${String(value)} in ${stack}`);
  return `\${${type}.${entry[0]}.id}`;
}

describe('every stage', () => {
  it.each(STAGES)('%s: pins TLS 1.2 minimum, TLS 1.3, HTTPS everywhere, strict origin TLS and HSTS', (stage) => {
    const settings = Object.fromEntries(resources(stage, 'cloudflare_zone_setting').map((s) => [s.setting_id, s.value]));
    expect(settings).toEqual({
      ssl: 'strict',
      min_tls_version: '1.2',
      tls_1_3: 'on',
      always_use_https: 'on',
      automatic_https_rewrites: 'on',
      security_header: { strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, preload: false, nosniff: true } },
    });
    for (const setting of resources(stage, 'cloudflare_zone_setting')) expect(setting.zone_id).toBe('${data.cloudflare_zone.zone.zone_id}');
  });

  it.each(STAGES)('%s: normalizes URLs the Cloudflare way, for the rules and the origin alike', (stage) => {
    expect(resources(stage, 'cloudflare_url_normalization_settings')).toEqual([
      expect.objectContaining({ zone_id: '${data.cloudflare_zone.zone.zone_id}', type: 'cloudflare', scope: 'both' }),
    ]);
  });

  it.each(STAGES)('%s: has proxied DNS records for the product hosts', (stage) => {
    const domain = examples.environments.find((e) => e.name === `acme-${stage}`)!.domain;
    const names = resources(stage, 'cloudflare_dns_record')
      .filter((r) => r.proxied === true)
      .map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining([`www.${domain}`, `api.${domain}`]));
    // The apex is a record, except where the load balancer answers for it.
    expect(names.includes(domain)).toBe(stage !== 'massive');
  });

  it('configures the Cloudflare provider without credentials: the API token comes from CLOUDFLARE_API_TOKEN at deploy time', () => {
    for (const stage of STAGES) {
      const stack = examples.stack(edge(stage));
      expect(stack.provider?.cloudflare).toEqual([{}]);
      const text = JSON.stringify(stack);
      expect(text).not.toMatch(/api_token|api_key|api_user_service_key|CLOUDFLARE_API_TOKEN/i);
    }
  });
});

describe('CDN caching (traction on)', () => {
  it('has no cache rules or R2 on launch', () => {
    expect(ruleset('launch', 'http_request_cache_settings')).toEqual([]);
    expect(count('launch', 'cloudflare_r2_bucket')).toBe(0);
  });

  it.each(STAGES.slice(1))('%s: caches static files and avatars for 24 h, never the API, and marks avatars immutable', (stage) => {
    const domain = examples.environments.find((e) => e.name === `acme-${stage}`)!.domain;
    const [cache] = ruleset(stage, 'http_request_cache_settings');
    expect(ruleByRef(cache, 'static_files')).toMatchObject({
      action: 'set_cache_settings',
      expression: `(http.host in {"${domain}" "www.${domain}"}) and (starts_with(http.request.uri.path, "/static/"))`,
      action_parameters: { cache: true, edge_ttl: { mode: 'override_origin', default: 86400 } },
    });
    expect(ruleByRef(cache, 'avatars')).toMatchObject({
      expression: `http.host eq "assets.${domain}"`,
      action_parameters: { cache: true, edge_ttl: { default: 86400 }, browser_ttl: { mode: 'override_origin', default: 31536000 } },
    });
    expect(ruleByRef(cache, 'api_bypass')).toMatchObject({ action_parameters: { cache: false } });
    const [headers] = ruleset(stage, 'http_response_headers_transform');
    expect(ruleByRef(headers, 'avatars_immutable')).toMatchObject({
      action: 'rewrite',
      action_parameters: { headers: { 'Cache-Control': { operation: 'set', value: 'public, max-age=31536000, immutable' } } },
    });
  });

  it.each(STAGES.slice(1))('%s: serves avatars from a protected R2 bucket on the assets host', (stage) => {
    const domain = examples.environments.find((e) => e.name === `acme-${stage}`)!.domain;
    const assets = resources(stage, 'cloudflare_r2_bucket').find((b) => b.name === `acme-${stage}-assets`);
    expect(assets).toMatchObject({ storage_class: 'Standard', lifecycle: { prevent_destroy: true } });
    expect(resources(stage, 'cloudflare_r2_custom_domain')).toEqual([
      expect.objectContaining({ domain: `assets.${domain}`, enabled: true, min_tls: '1.2', bucket_name: expect.stringContaining('cloudflare_r2_bucket.') }),
    ]);
  });
});

describe('WAF and rate limits (growth on)', () => {
  it.each(['launch', 'traction'])('%s: has none', (stage) => {
    expect(ruleset(stage, 'http_request_firewall_custom')).toEqual([]);
    expect(ruleset(stage, 'http_ratelimit')).toEqual([]);
  });

  it.each(STAGES.slice(2))('%s: blocks unknown methods and secret probes', (stage) => {
    const [waf] = ruleset(stage, 'http_request_firewall_custom');
    expect(rulesOf(waf).map((r) => [r.ref, r.action])).toEqual([
      ['block_unknown_methods', 'block'],
      ['block_secret_probes', 'block'],
      ['block_ambiguous_path_encoding', 'block'],
    ]);
    expect(ruleByRef(waf, 'block_unknown_methods')!.expression).toBe('not http.request.method in {"GET" "HEAD" "POST" "PUT" "PATCH" "DELETE" "OPTIONS"}');
  });

  it.each(['hyperscale', 'massive'])('%s (Enterprise with Advanced Rate Limiting): rate-limits with the seed 002 defaults', (stage) => {
    const [limits] = ruleset(stage, 'http_ratelimit');
    const summary = rulesOf(limits).map((r) => {
      const ratelimit = r.ratelimit as Resource;
      return [r.ref, ratelimit.requests_per_period, ratelimit.period, (ratelimit.characteristics as string[]).join(' + ')];
    });
    expect(summary).toEqual([
      ['messages_per_user', 100, 60, 'cf.colo.id + http.request.headers["authorization"]'],
      ['api_per_user', 1000, 60, 'cf.colo.id + http.request.headers["authorization"]'],
      ['api_per_anonymous_ip', 1000, 60, 'cf.colo.id + ip.src'],
      ['websocket_connects_per_ip', 5, 60, 'cf.colo.id + ip.src'],
      ['failed_logins_per_ip', 5, 60, 'cf.colo.id + ip.src'],
    ]);
    expect(rulesOf(limits).every((r) => r.action === 'block' && (r.ratelimit as Resource).mitigation_timeout === 60)).toBe(true);
    expect((ruleByRef(limits, 'failed_logins_per_ip')!.ratelimit as Resource).counting_expression).toBe(
      'http.request.method eq "POST" and lower(url_decode(http.request.uri.path)) matches "^/+api/+auth/+login/*$" and http.response.code in {401 403}',
    );
  });

  it.each([
    [
      'growth',
      'pro',
      [
        ['api_per_ip', 'cf.colo.id + ip.src'],
        ['logins_per_ip', 'cf.colo.id + ip.src'],
      ],
    ],
    [
      'scale',
      'business',
      [
        ['api_per_ip', 'cf.colo.id + ip.src'],
        ['logins_per_ip', 'cf.colo.id + ip.src'],
        ['messages_per_ip', 'cf.colo.id + ip.src'],
      ],
    ],
  ])('%s (%s): only the per-IP rate limits the plan accepts, counting failed logins only where it has counting expressions', (stage, plan, expected) => {
    const [limits] = ruleset(stage, 'http_ratelimit');
    expect(rulesOf(limits).map((r) => [r.ref, ((r.ratelimit as Resource).characteristics as string[]).join(' + ')])).toEqual(expected);
    const counted = rulesOf(limits)
      .filter((r) => (r.ratelimit as Resource).counting_expression !== undefined)
      .map((r) => r.ref);
    expect(counted).toEqual(plan === 'business' ? ['logins_per_ip'] : []);
  });

  it('takes per-environment overrides and keeps the other defaults', () => {
    const custom = synthesizeYaml(`
name: tuned-growth
stage: growth
regions: [us-east-1]
domain: tuned.example.com
edge:
  cloudflarePlan: enterprise
  addons: [advancedRateLimiting]
  rateLimits:
    messagesPerMinute: 30
    failedLoginsPerMinute: 3
`);
    const [limits] = custom.resources('tuned-growth-edge', 'cloudflare_ruleset').filter((r) => r.phase === 'http_ratelimit');
    expect(rulesOf(limits).map((r) => [r.ref, (r.ratelimit as Resource).requests_per_period])).toEqual([
      ['messages_per_user', 30],
      ['api_per_user', 1000],
      ['api_per_anonymous_ip', 1000],
      ['websocket_connects_per_ip', 5],
      ['failed_logins_per_ip', 3],
    ]);
  });
});

describe('R2 storage tiers (hyperscale on)', () => {
  it.each(['hyperscale', 'massive'])('%s: archives messages from day 30: Infrequent Access at day 90, deleted at day 365', (stage) => {
    const bucket = idOf(edge(stage), 'cloudflare_r2_bucket', 'name', `acme-${stage}-archive`).replace(/\.id}$/, '.name}');
    const lifecycle = resources(stage, 'cloudflare_r2_bucket_lifecycle').find((l) => l.bucket_name === bucket);
    const day = 86400;
    expect(lifecycle?.rules).toEqual([
      {
        id: 'abort-incomplete-uploads',
        enabled: true,
        conditions: { prefix: '' },
        abort_multipart_uploads_transition: { condition: { type: 'Age', max_age: 7 * day } },
      },
      {
        id: 'tiering',
        enabled: true,
        conditions: { prefix: '' },
        storage_class_transitions: [{ storage_class: 'InfrequentAccess', condition: { type: 'Age', max_age: 60 * day } }],
        delete_objects_transition: { condition: { type: 'Age', max_age: 335 * day } },
      },
    ]);
  });

  it.each(['traction', 'growth', 'scale'])('%s: has no archive bucket', (stage) => {
    expect(resources(stage, 'cloudflare_r2_bucket').map((b) => b.name)).toEqual([`acme-${stage}-assets`]);
  });
});

describe('massive: load balancing across regions', () => {
  const stack = edge('massive');
  const regions = ['us-east-1', 'eu-west-1', 'ap-northeast-1'];
  const pool = (region: string) => idOf(stack, 'cloudflare_load_balancer_pool', 'name', `acme-massive-${region}`);

  it("has one pool per region, each with that region's origin and the shared monitor", () => {
    const monitor = idOf(stack, 'cloudflare_load_balancer_monitor', 'path', '/healthz');
    const pools = resources('massive', 'cloudflare_load_balancer_pool');
    expect(pools).toHaveLength(3);
    for (const region of regions) {
      expect(pools.find((p) => p.name === `acme-massive-${region}`)).toMatchObject({
        account_id: '023e105f4ecef8ad9ca31a8372d0c353',
        origins: [{ name: region, address: `origin-${region}.acme-example.com`, enabled: true, weight: 1 }],
        monitor,
        minimum_origins: 1,
        check_regions: ['ENAM', 'WEU', 'NEAS'],
      });
    }
  });

  it("probes as often as Enterprise allows (10 s; seed 004's 5 s is under every plan's minimum) and marks an origin unhealthy after 3 failures", () => {
    expect(resources('massive', 'cloudflare_load_balancer_monitor')).toEqual([
      expect.objectContaining({
        type: 'https',
        path: '/healthz',
        expected_codes: '200',
        interval: 10,
        timeout: 3,
        retries: 0,
        consecutive_down: 3,
        consecutive_up: 2,
      }),
    ]);
  });

  it('steers by geo region, nearest first, so losing a pool moves its traffic to the next-nearest region', () => {
    const [lb] = resources('massive', 'cloudflare_load_balancer');
    expect(lb).toMatchObject({
      name: 'acme-example.com',
      proxied: true,
      steering_policy: 'geo',
      default_pools: regions.map(pool),
      fallback_pool: pool('us-east-1'),
      adaptive_routing: { failover_across_pools: true },
    });
    const order = (ids: string[]) => ids.map((id) => regions.find((r) => pool(r) === id));
    const regionPools = lb.region_pools as Record<string, string[]>;
    expect(Object.keys(regionPools).sort()).toEqual(['EEU', 'ENAM', 'ME', 'NAF', 'NEAS', 'NSAM', 'OC', 'SAF', 'SAS', 'SEAS', 'SSAM', 'WEU', 'WNAM']);
    expect(order(regionPools.WEU)).toEqual(['eu-west-1', 'us-east-1', 'ap-northeast-1']);
    expect(order(regionPools.ENAM)).toEqual(['us-east-1', 'eu-west-1', 'ap-northeast-1']);
    expect(order(regionPools.NEAS)).toEqual(['ap-northeast-1', 'eu-west-1', 'us-east-1']);
    expect(order(regionPools.OC)).toEqual(['ap-northeast-1', 'us-east-1', 'eu-west-1']);
    // The steering map sends India to Europe first; after it, the nearest to India.
    expect(Object.keys(lb.country_pools as object)).toEqual(['IN']);
    expect(order((lb.country_pools as Record<string, string[]>).IN)).toEqual(['eu-west-1', 'ap-northeast-1', 'us-east-1']);
  });

  it('has no load balancer on single-region stages', () => {
    for (const stage of STAGES.slice(0, 5)) expect(count(stage, 'cloudflare_load_balancer') + count(stage, 'cloudflare_load_balancer_pool')).toBe(0);
  });
});

describe('the edge Worker', () => {
  it('runs on massive with the bundle, its KV namespaces, the rate limiter and the environment as bindings', () => {
    const [script] = resources('massive', 'cloudflare_workers_script');
    const bundle = edgeWorkerBundle();
    expect(script).toMatchObject({ script_name: 'acme-massive-edge', main_module: 'worker.js', compatibility_date: '2025-04-01' });
    expect(fromTerraformLiteral(String(script.content))).toBe(bundle.code);
    expect(String(script.content)).not.toMatch(/(^|[^$])\$\{|(^|[^%])%\{/); // nothing Terraform would interpolate
    const bindings = Object.fromEntries((script.bindings as Resource[]).map((b) => [b.name, b]));
    expect(bindings.SESSIONS).toEqual({
      name: 'SESSIONS',
      type: 'kv_namespace',
      namespace_id: idOf(edge('massive'), 'cloudflare_workers_kv_namespace', 'title', 'acme-massive-edge-sessions'),
    });
    expect(bindings.EDGE_STATE).toEqual({
      name: 'EDGE_STATE',
      type: 'kv_namespace',
      namespace_id: idOf(edge('massive'), 'cloudflare_workers_kv_namespace', 'title', 'acme-massive-edge-edge-state'),
    });
    expect(bindings.RATE_LIMITER).toEqual({ name: 'RATE_LIMITER', type: 'durable_object_namespace', class_name: 'RateLimiter' });
    expect(script.migrations).toEqual({ new_tag: 'v1', new_sqlite_classes: ['RateLimiter'] });
    expect(bindings.ENVIRONMENT).toEqual({ name: 'ENVIRONMENT', type: 'plain_text', text: 'acme-massive' });
    const routing = JSON.parse(fromTerraformLiteral(String(bindings.ROUTING.json)));
    expect(routing).toMatchObject({
      regions: ['us-east-1', 'eu-west-1', 'ap-northeast-1'],
      origins: {
        'us-east-1': 'https://origin-us-east-1.acme-example.com',
        'eu-west-1': 'https://origin-eu-west-1.acme-example.com',
        'ap-northeast-1': 'https://origin-ap-northeast-1.acme-example.com',
      },
      regionPools: { WEU: ['eu-west-1', 'us-east-1', 'ap-northeast-1'] },
      countryPools: { IN: ['eu-west-1', 'ap-northeast-1', 'us-east-1'] },
    });
    // The Worker forwards to the hostname the load balancer answers for, so the paid steering applies (review: edge).
    const [lb] = resources('massive', 'cloudflare_load_balancer');
    expect(routing.loadBalancer).toBe(`https://${String(lb.name)}`);
    expect(JSON.parse(String(bindings.LIMITS.json))).toEqual({
      messagesPerMinute: 100,
      apiRequestsPerMinute: 1000,
      websocketConnectsPerMinute: 5,
      failedLoginsPerMinute: 5,
    });
    expect(JSON.parse(String(bindings.SETTINGS.json))).toEqual({
      sessionCacheTtlSeconds: 300,
      maxRequestBodyBytes: 1048576,
      originTimeoutMs: 10000,
      healthCacheSeconds: 10,
    });
  });

  it('is routed on the apex, www and api hosts, not on the assets or origin hosts', () => {
    expect(
      resources('massive', 'cloudflare_workers_route')
        .map((r) => r.pattern)
        .sort(),
    ).toEqual(['acme-example.com/*', 'api.acme-example.com/*', 'www.acme-example.com/*']);
    expect(
      resources('massive', 'cloudflare_workers_kv_namespace')
        .map((n) => n.title)
        .sort(),
    ).toEqual(['acme-massive-edge-edge-state', 'acme-massive-edge-sessions']);
  });

  it('is off before massive unless enabled, and can be enabled from growth on', () => {
    for (const stage of STAGES.slice(0, 5)) expect(count(stage, 'cloudflare_workers_script')).toBe(0);
    const custom = synthesizeYaml(`
name: early-edge
stage: growth
regions: [eu-west-1]
domain: early.example.com
edge:
  addons: [workersPaid]
  worker:
    enabled: true
    sessionCacheTtlSeconds: 600
`);
    const [script] = custom.resources('early-edge-edge', 'cloudflare_workers_script');
    const bindings = Object.fromEntries((script.bindings as Resource[]).map((b) => [b.name, b]));
    expect(JSON.parse(String(bindings.ROUTING.json)).regions).toEqual(['eu-west-1']);
    // One region, no load balancer: the Worker forwards to the region's origin itself.
    expect(JSON.parse(String(bindings.ROUTING.json)).loadBalancer).toBeUndefined();
    expect(JSON.parse(String(bindings.SETTINGS.json)).sessionCacheTtlSeconds).toBe(600);
    // Without a configured account, the zone's own account is used.
    expect(script.account_id).toBe('${data.cloudflare_zone.zone.account.id}');
    expect(custom.stack('early-edge-edge').data?.cloudflare_zone?.zone.filter).toEqual({ name: 'early.example.com' });
  });

  it('looks the zone up within the configured account', () => {
    expect(examples.stack(edge('massive')).data?.cloudflare_zone?.zone.filter).toEqual({
      name: 'acme-example.com',
      account: { id: '023e105f4ecef8ad9ca31a8372d0c353' },
    });
  });
});

describe('Cloudflare resources per stage', () => {
  it('grows with the stage', () => {
    const cloudflareTypes = (stage: string) =>
      Object.fromEntries(
        Object.entries(examples.summaries.find((s) => s.name === edge(stage))!.resourceTypes)
          .filter(([type]) => type.startsWith('cloudflare_'))
          .sort(([a], [b]) => a.localeCompare(b)),
      );
    expect(Object.fromEntries(STAGES.map((stage) => [stage, cloudflareTypes(stage)]))).toEqual({
      launch: {
        cloudflare_authenticated_origin_pulls_settings: 1,
        cloudflare_dns_record: 3,
        cloudflare_ruleset: 1,
        cloudflare_url_normalization_settings: 1,
        cloudflare_zone_setting: 6,
      },
      traction: {
        cloudflare_authenticated_origin_pulls_settings: 1,
        cloudflare_dns_record: 4,
        cloudflare_r2_bucket: 1,
        cloudflare_r2_bucket_lifecycle: 1,
        cloudflare_r2_custom_domain: 1,
        cloudflare_ruleset: 3,
        cloudflare_url_normalization_settings: 1,
        cloudflare_zone_setting: 6,
      },
      growth: {
        cloudflare_authenticated_origin_pulls_settings: 1,
        cloudflare_dns_record: 5,
        cloudflare_r2_bucket: 1,
        cloudflare_r2_bucket_lifecycle: 1,
        cloudflare_r2_custom_domain: 1,
        cloudflare_ruleset: 5,
        cloudflare_url_normalization_settings: 1,
        cloudflare_zone_setting: 6,
      },
      scale: {
        cloudflare_authenticated_origin_pulls_settings: 1,
        cloudflare_dns_record: 5,
        cloudflare_r2_bucket: 1,
        cloudflare_r2_bucket_lifecycle: 1,
        cloudflare_r2_custom_domain: 1,
        cloudflare_ruleset: 5,
        cloudflare_url_normalization_settings: 1,
        cloudflare_zone_setting: 6,
      },
      hyperscale: {
        cloudflare_authenticated_origin_pulls_settings: 1,
        cloudflare_dns_record: 5,
        cloudflare_r2_bucket: 2,
        cloudflare_r2_bucket_lifecycle: 2,
        cloudflare_r2_custom_domain: 1,
        cloudflare_ruleset: 5,
        cloudflare_url_normalization_settings: 1,
        cloudflare_zone_setting: 6,
      },
      massive: {
        cloudflare_authenticated_origin_pulls_settings: 1,
        cloudflare_dns_record: 6,
        cloudflare_load_balancer: 1,
        cloudflare_load_balancer_monitor: 1,
        cloudflare_load_balancer_pool: 3,
        cloudflare_r2_bucket: 2,
        cloudflare_r2_bucket_lifecycle: 2,
        cloudflare_r2_custom_domain: 1,
        cloudflare_ruleset: 5,
        cloudflare_workers_kv_namespace: 2,
        cloudflare_workers_route: 3,
        cloudflare_workers_script: 1,
        cloudflare_url_normalization_settings: 1,
        cloudflare_zone_setting: 6,
      },
    });
  });
});
