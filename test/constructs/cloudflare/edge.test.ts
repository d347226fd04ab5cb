/** The Cloudflare constructs on their own: the properties that matter and the prop validation messages. */
import { Construct } from 'constructs';
import { CacheRules } from '../../../constructs/cloudflare/cache-rules';
import { EdgeBucket } from '../../../constructs/cloudflare/edge-bucket';
import { EdgeWorker, EdgeWorkerProps } from '../../../constructs/cloudflare/edge-worker';
import { EdgeZone } from '../../../constructs/cloudflare/edge-zone';
import { EdgeZoneSettings } from '../../../constructs/cloudflare/edge-zone-settings';
import { OriginLoadBalancer, OriginLoadBalancerProps } from '../../../constructs/cloudflare/origin-load-balancer';
import { RateLimits } from '../../../constructs/cloudflare/rate-limits';
import { fromTerraformLiteral, terraformLiteral } from '../../../synthesis/terraform-literal';
import { UserInputError } from '../../../config/errors';
import { WafRules } from '../../../constructs/cloudflare/waf-rules';
import { edgeWorkerBundle } from '../../../workers/bundle';
import { resourcesOfType, synthCloudflare } from '../../helpers/synth';

/** The UserInputError message `build` throws. */
function propsError(build: (scope: Construct, zone: EdgeZone) => void): string {
  try {
    synthCloudflare(build);
  } catch (error) {
    if (error instanceof UserInputError) return error.message;
    throw error;
  }
  throw new Error('expected a UserInputError');
}

describe('EdgeZoneSettings', () => {
  it('defaults to strict origin TLS, TLS 1.2 and a one-year HSTS', () => {
    const stack = synthCloudflare((scope, zone) => new EdgeZoneSettings(scope, 'settings', { zone }));
    const values = Object.fromEntries(resourcesOfType(stack, 'cloudflare_zone_setting').map((s) => [s.setting_id, s.value]));
    expect(values).toMatchObject({ ssl: 'strict', min_tls_version: '1.2', always_use_https: 'on' });
    expect(values.security_header).toEqual({
      strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, preload: false, nosniff: true },
    });
  });

  it('rejects an HSTS max-age over a year', () => {
    expect(propsError((scope, zone) => new EdgeZoneSettings(scope, 'settings', { zone, hstsMaxAgeSeconds: 63072000 }))).toBe(
      'test/settings: hstsMaxAgeSeconds: must be a whole number from 0 to 31536000; received 63072000',
    );
  });
});

describe('RateLimits', () => {
  it('uses the seed 002 limits by default and the given ones otherwise', () => {
    const stack = synthCloudflare((scope, zone) => new RateLimits(scope, 'limits', { zone, apiRequestsPerMinute: 250, mitigationTimeoutSeconds: 600 }));
    const [ruleset] = resourcesOfType(stack, 'cloudflare_ruleset');
    expect(ruleset).toMatchObject({ kind: 'zone', phase: 'http_ratelimit' });
    const rules = ruleset.rules as Array<{ ref: string; ratelimit: { requests_per_period: number; mitigation_timeout: number } }>;
    expect(rules.map((r) => [r.ref, r.ratelimit.requests_per_period, r.ratelimit.mitigation_timeout])).toEqual([
      ['messages_per_user', 100, 600],
      ['api_per_user', 250, 600],
      ['api_per_anonymous_ip', 250, 600],
      ['websocket_connects_per_ip', 5, 600],
      ['failed_logins_per_ip', 5, 600],
    ]);
  });

  it('fits the plan: per-IP rules, counted over 1 minute on Pro and 10 s on Free, failed logins only where counting expressions exist (Business)', () => {
    const refs = (plan: 'free' | 'pro' | 'business') => {
      const stack = synthCloudflare((scope, zone) => new RateLimits(scope, 'limits', { zone }), undefined, { plan, addons: [] });
      const [ruleset] = resourcesOfType(stack, 'cloudflare_ruleset');
      const rules = ruleset.rules as Array<{ ref: string; ratelimit: Record<string, unknown> }>;
      for (const r of rules) expect(r.ratelimit.characteristics).toEqual(['cf.colo.id', 'ip.src']);
      return rules.map((r) => [
        r.ref,
        r.ratelimit.period,
        r.ratelimit.requests_per_period,
        r.ratelimit.mitigation_timeout,
        r.ratelimit.counting_expression !== undefined,
      ]);
    };
    expect(refs('free')).toEqual([['api_per_ip', 10, 167, 10, false]]);
    expect(refs('pro')).toEqual([
      ['api_per_ip', 60, 1000, 60, false],
      ['logins_per_ip', 60, 5, 60, false],
    ]);
    expect(refs('business')).toEqual([
      ['api_per_ip', 60, 1000, 60, false],
      ['logins_per_ip', 60, 5, 60, true],
      ['messages_per_ip', 60, 100, 60, false],
    ]);
  });

  it('rejects a limit of 0 and a mitigation timeout Cloudflare does not accept, all at once', () => {
    expect(
      propsError((scope, zone) => new RateLimits(scope, 'limits', { zone, messagesPerMinute: 0, failedLoginsPerMinute: 2.5, mitigationTimeoutSeconds: 45 })),
    ).toBe(
      [
        'test/limits: messagesPerMinute: must be a whole number of at least 1 (0 would block every request); received 0',
        'test/limits: failedLoginsPerMinute: must be a whole number of at least 1 (0 would block every request); received 2.5',
        'test/limits: mitigationTimeoutSeconds: Cloudflare accepts 10, 60, 120, 300, 600, 3600, 86400; received 45',
      ].join('\n'),
    );
  });
});

describe('WafRules and CacheRules', () => {
  it('blocks the methods not listed', () => {
    const stack = synthCloudflare((scope, zone) => new WafRules(scope, 'waf', { zone, allowedMethods: ['GET', 'POST'] }));
    const [ruleset] = resourcesOfType(stack, 'cloudflare_ruleset');
    expect(ruleset).toMatchObject({
      phase: 'http_request_firewall_custom',
      rules: [expect.objectContaining({ expression: 'not http.request.method in {"GET" "POST"}', action: 'block' }), expect.anything(), expect.anything()],
    });
  });

  it('rejects an empty host list and a zero TTL', () => {
    expect(propsError((scope, zone) => new CacheRules(scope, 'cache', { zone, siteHosts: [], assetsHost: 'assets.example.com', edgeTtlSeconds: 0 }))).toBe(
      ['test/cache: siteHosts: needs at least one host', 'test/cache: edgeTtlSeconds: must be a whole number of seconds ≥ 1; received 0'].join('\n'),
    );
  });
});

describe('OriginLoadBalancer', () => {
  const props = (zone: EdgeZone, overrides: Partial<OriginLoadBalancerProps> = {}): OriginLoadBalancerProps => ({
    zone,
    namePrefix: 'acme',
    hostname: 'example.com',
    origins: [
      { region: 'us-east-1', address: 'origin-us-east-1.example.com' },
      { region: 'eu-west-1', address: 'origin-eu-west-1.example.com' },
    ],
    regionPools: { WEU: ['eu-west-1', 'us-east-1'], ENAM: ['us-east-1', 'eu-west-1'] },
    ...overrides,
  });

  it('checks as often as the plan allows (Enterprise: 10 s), marks an origin unhealthy after 3 failures, and falls back to the first region', () => {
    const stack = synthCloudflare((scope, zone) => new OriginLoadBalancer(scope, 'lb', props(zone)));
    expect(resourcesOfType(stack, 'cloudflare_load_balancer_monitor')).toEqual([
      expect.objectContaining({ interval: 10, consecutive_down: 3, retries: 0, timeout: 3 }),
    ]);
    const pools = resourcesOfType(stack, 'cloudflare_load_balancer_pool');
    expect(pools.map((p) => p.name).sort()).toEqual(['acme-eu-west-1', 'acme-us-east-1']);
    const [lb] = resourcesOfType(stack, 'cloudflare_load_balancer');
    expect(lb).toMatchObject({ steering_policy: 'geo', fallback_pool: expect.stringContaining('lb_pool-us-east-1') });
    expect((lb.region_pools as Record<string, string[]>).WEU[0]).toContain('lb_pool-eu-west-1');
    expect(lb.country_pools).toBeUndefined();
  });

  it('rejects steering to a region without an origin and a timeout as long as the interval', () => {
    expect(
      propsError(
        (scope, zone) =>
          new OriginLoadBalancer(
            scope,
            'lb',
            props(zone, { regionPools: { WEU: ['eu-west-2'] }, countryPools: { IN: ['ap-south-1'] }, healthCheckTimeoutSeconds: 10 }),
          ),
      ),
    ).toBe(
      [
        'test/lb: regionPools/countryPools: name regions without an origin (WEU → eu-west-2, IN → ap-south-1); known: us-east-1, eu-west-1',
        'test/lb: healthCheckTimeoutSeconds: must be at least 1 and less than the interval (10 s); received 10',
      ].join('\n'),
    );
  });

  it('probes every 60 s on Pro and fails over in region order without Traffic Steering', () => {
    const stack = synthCloudflare((scope, zone) => new OriginLoadBalancer(scope, 'lb', props(zone)), undefined, { plan: 'pro', addons: ['loadBalancing'] });
    expect(resourcesOfType(stack, 'cloudflare_load_balancer_monitor')).toEqual([expect.objectContaining({ interval: 60 })]);
    const [lb] = resourcesOfType(stack, 'cloudflare_load_balancer');
    expect(lb).toMatchObject({ steering_policy: 'off' });
    expect(lb.region_pools).toBeUndefined();
    expect((lb.default_pools as string[])[0]).toContain('lb_pool-us-east-1');
  });

  it('rejects an interval under the plan minimum by exact message', () => {
    expect(
      propsError(
        (scope, zone) =>
          new OriginLoadBalancer(scope, 'lb', props({ ...zone, subscription: { plan: 'business', addons: [] } }, { healthCheckIntervalSeconds: 5 })),
      ),
    ).toBe('test/lb: healthCheckIntervalSeconds: the business plan allows 15 s or more; received 5');
  });
});

describe('EdgeBucket', () => {
  it('tiers objects to Infrequent Access and deletes them, in seconds', () => {
    const stack = synthCloudflare(
      (scope, zone) => new EdgeBucket(scope, 'archive', { zone, bucketName: 'acme-archive', infrequentAccessAfterDays: 30, deleteAfterDays: 365 }),
    );
    const [lifecycle] = resourcesOfType(stack, 'cloudflare_r2_bucket_lifecycle');
    expect((lifecycle.rules as unknown[])[1]).toEqual({
      id: 'tiering',
      enabled: true,
      conditions: { prefix: '' },
      storage_class_transitions: [{ storage_class: 'InfrequentAccess', condition: { type: 'Age', max_age: 2592000 } }],
      delete_objects_transition: { condition: { type: 'Age', max_age: 31536000 } },
    });
    expect(resourcesOfType(stack, 'cloudflare_r2_custom_domain')).toEqual([]);
  });

  it('rejects a bad name and a deletion before the tier change', () => {
    expect(
      propsError((scope, zone) => new EdgeBucket(scope, 'b', { zone, bucketName: 'Acme_Archive', infrequentAccessAfterDays: 90, deleteAfterDays: 30 })),
    ).toBe(
      [
        'test/b: bucketName: "Acme_Archive" must be 3-63 lowercase letters, digits and dashes',
        'test/b: deleteAfterDays: must come after infrequentAccessAfterDays (90); received 30',
      ].join('\n'),
    );
  });
});

describe('EdgeWorker', () => {
  const props = (zone: EdgeZone, overrides: Partial<EdgeWorkerProps> = {}): EdgeWorkerProps => ({
    zone,
    scriptName: 'acme-edge',
    bundle: edgeWorkerBundle(),
    environmentName: 'acme',
    routing: { regions: ['us-east-1'], origins: { 'us-east-1': 'https://origin-us-east-1.example.com' }, regionPools: {}, countryPools: {} },
    limits: { messagesPerMinute: 100, apiRequestsPerMinute: 1000, websocketConnectsPerMinute: 5, failedLoginsPerMinute: 5 },
    settings: { sessionCacheTtlSeconds: 300, maxRequestBodyBytes: 1024, originTimeoutMs: 1000, healthCacheSeconds: 10 },
    routeHosts: ['example.com'],
    ...overrides,
  });

  it('uploads the bundle as an ES module and routes its hosts to it', () => {
    const stack = synthCloudflare((scope, zone) => new EdgeWorker(scope, 'worker', props(zone)));
    const [script] = resourcesOfType(stack, 'cloudflare_workers_script');
    expect(fromTerraformLiteral(String(script.content))).toBe(edgeWorkerBundle().code);
    expect(resourcesOfType(stack, 'cloudflare_workers_route')).toEqual([
      expect.objectContaining({ pattern: 'example.com/*', script: expect.stringContaining('.script_name}') }),
    ]);
  });

  it("rejects a session TTL below KV's minimum, a limit of 0 and a region without an origin", () => {
    expect(
      propsError(
        (scope, zone) =>
          new EdgeWorker(
            scope,
            'worker',
            props(zone, {
              routing: { regions: ['us-east-1', 'eu-west-1'], origins: { 'us-east-1': 'https://o.example.com' }, regionPools: {}, countryPools: {} },
              limits: { messagesPerMinute: 0, apiRequestsPerMinute: 1000, websocketConnectsPerMinute: 5, failedLoginsPerMinute: 5 },
              settings: { sessionCacheTtlSeconds: 30, maxRequestBodyBytes: 1024, originTimeoutMs: 1000, healthCacheSeconds: 10 },
            }),
          ),
      ),
    ).toBe(
      [
        'test/worker: routing.origins: no origin for eu-west-1',
        'test/worker: limits.messagesPerMinute: must be a whole number of at least 1 (0 would refuse every request); received 0',
        'test/worker: settings.sessionCacheTtlSeconds: KV keeps entries at least 60 s; received 30',
      ].join('\n'),
    );
  });
});

describe('terraformLiteral', () => {
  it('escapes template sequences so Terraform sends the text unchanged, and round-trips', () => {
    const code = 'const a = `${b}`; const c = "%{d}"; const e = "$${f}";';
    expect(terraformLiteral(code)).toBe('const a = `$${b}`; const c = "%%{d}"; const e = "$$${f}";');
    expect(fromTerraformLiteral(terraformLiteral(code))).toBe(code);
  });
});
