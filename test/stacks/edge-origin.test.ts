/**
 * The edge stack, built through the real pipeline: YAML → parseEnvironment → sizeEnvironments
 * → buildApp → synth, then read back from `<outdir>/stacks/<env>-edge/cdk.tf.json`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Environment } from '../../config/environment';
import { parseEnvironment } from '../../config/load';
import { sizeEnvironments } from '../../sizing/blueprint';
import { buildApp } from '../../stacks/app';
import { CATCH_ALL_PRIORITY } from '../../constructs/aws/service-routes';
import { ALB_TLS_POLICY } from '../../stacks/edge-stack';

type Arguments = Record<string, unknown>;

interface StackJson {
  resource?: Record<string, Record<string, Arguments>>;
  data?: Record<string, Record<string, Arguments>>;
  output?: Record<string, { value: unknown }>;
  provider?: Record<string, Arguments[]>;
}

const YAML: Record<string, string> = {
  launch: ['name: edge-launch', 'stage: launch', 'regions: [us-east-1]', 'domain: launch.example.com'].join('\n'),
  traction: ['name: edge-traction', 'stage: traction', 'regions: [eu-west-1]', 'domain: traction.example.com', 'compute:', '  hosts: 2'].join('\n'),
  growth: ['name: edge-growth', 'stage: growth', 'regions: [us-east-1]', 'domain: growth.example.com', 'tags:', '  team: platform'].join('\n'),
  massive: [
    'name: edge-massive',
    'stage: massive',
    'regions: [us-east-1, eu-west-1, ap-northeast-1]',
    'domain: example.com',
    'edge:',
    '  addons: [loadBalancing, workersPaid]',
  ].join('\n'),
};

const MASSIVE_REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1'];

let tmp: string;
let outdir: string;

beforeAll(() => {
  const environments: Environment[] = Object.entries(YAML).map(([stage, text]) => {
    const { environment, problems } = parseEnvironment(`${text}\n`, `environments/${stage}.yaml`);
    expect(problems).toEqual([]);
    return environment!;
  });
  tmp = mkdtempSync(join(tmpdir(), 'stagecraft-edge-'));
  outdir = join(tmp, 'cdktf.out');
  const { app } = buildApp(sizeEnvironments(environments), { outdir, state: { outdir, stateDir: tmp } });
  app.synth();
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function stackJson(name: string): StackJson {
  return JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson;
}

/** Every resource of `type`, keyed by its construct path (`<stack>/<id>`). */
function byPath(stack: StackJson, type: string): Record<string, Arguments> {
  return Object.fromEntries(Object.values(stack.resource?.[type] ?? {}).map((r) => [(r['//'] as { metadata: { path: string } }).metadata.path, r]));
}

/** The resource of `type` at construct path `path`; throws when there is none. */
function atPath(stack: StackJson, type: string, path: string): Arguments {
  const found = byPath(stack, type)[path];
  if (!found) throw new Error(`no ${type} at ${path}; have ${Object.keys(byPath(stack, type)).join(', ')}`);
  return found;
}

/** `type.<logical name>` of the resource at construct path `path`. */
function addressAt(stack: StackJson, type: string, path: string): string {
  const entry = Object.entries(stack.resource?.[type] ?? {}).find(([, r]) => (r['//'] as { metadata: { path: string } }).metadata.path === path);
  if (!entry) throw new Error(`no ${type} at ${path}`);
  return `${type}.${entry[0]}`;
}

/** DNS records as `type name → content`, sorted. */
function recordSummary(stack: StackJson): string[] {
  return Object.values(stack.resource?.cloudflare_dns_record ?? {})
    .map((r) => `${r.type} ${r.name} → ${r.content}`)
    .sort();
}

/**
 * The regional resource a cross-stack reference in the edge stack resolves to: the edge
 * reads `data.terraform_remote_state.<input>.outputs.<output>`, and the regional stack's
 * output of that name has the value returned here.
 */
function crossStackTarget(reference: unknown, regionalStack: string): unknown {
  const match = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([\w-]+)\.outputs\.([\w-]+)\}$/.exec(String(reference));
  if (!match) throw new Error(`not a cross-stack reference: ${String(reference)}`);
  expect(match[1]).toBe(regionalStack);
  return stackJson(regionalStack).output?.[match[2]]?.value;
}

describe('edge stack, every stage', () => {
  it.each(['launch', 'traction', 'growth', 'massive'])('%s: reads the Cloudflare token from the environment and looks the zone up by name', (stage) => {
    const stack = stackJson(`edge-${stage}-edge`);
    expect(stack.provider?.cloudflare).toEqual([{}]);
    const domain = stage === 'massive' ? 'example.com' : `${stage}.example.com`;
    expect(stack.data?.cloudflare_zone).toEqual({
      zone: { '//': expect.anything(), filter: { name: domain } },
    });
    const records = Object.values(stack.resource?.cloudflare_dns_record ?? {});
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(record.zone_id).toBe('${data.cloudflare_zone.zone.zone_id}');
  });

  it.each(['launch', 'traction', 'growth', 'massive'])('%s: proxies www and api to the apex', (stage) => {
    const stack = stackJson(`edge-${stage}-edge`);
    const domain = stage === 'massive' ? 'example.com' : `${stage}.example.com`;
    for (const sub of ['www', 'api']) {
      expect(atPath(stack, 'cloudflare_dns_record', `edge-${stage}-edge/${sub}`)).toEqual(
        expect.objectContaining({ name: `${sub}.${domain}`, type: 'CNAME', content: domain, proxied: true, ttl: 1, comment: 'managed by stagecraft' }),
      );
    }
  });
});

describe('edge stack, single-host stages', () => {
  it('launch: points a proxied apex A record at the host Elastic IP, across stacks', () => {
    const stack = stackJson('edge-launch-edge');
    const apex = atPath(stack, 'cloudflare_dns_record', 'edge-launch-edge/apex-0');
    expect(apex).toEqual(expect.objectContaining({ name: 'launch.example.com', type: 'A', proxied: true, ttl: 1 }));
    const regional = stackJson('edge-launch-us-east-1');
    expect(crossStackTarget(apex.content, 'edge-launch-us-east-1')).toBe(`\${${addressAt(regional, 'aws_eip', 'edge-launch-us-east-1/host-0/ip')}.public_ip}`);
    expect(stack.data?.terraform_remote_state).toHaveProperty(['cross-stack-reference-input-edge-launch-us-east-1', 'backend'], 'local');
  });

  it('launch: has only the apex, www and api records', () => {
    expect(recordSummary(stackJson('edge-launch-edge')).map((r) => r.split(' → ')[0])).toEqual([
      'A launch.example.com',
      'CNAME api.launch.example.com',
      'CNAME www.launch.example.com',
    ]);
  });

  it('traction: has one apex A record per host', () => {
    const stack = stackJson('edge-traction-edge');
    const regional = stackJson('edge-traction-eu-west-1');
    for (const i of [0, 1]) {
      const apex = atPath(stack, 'cloudflare_dns_record', `edge-traction-edge/apex-${i}`);
      expect(apex).toMatchObject({ name: 'traction.example.com', type: 'A', proxied: true });
      expect(crossStackTarget(apex.content, 'edge-traction-eu-west-1')).toBe(
        `\${${addressAt(regional, 'aws_eip', `edge-traction-eu-west-1/host-${i}/ip`)}.public_ip}`,
      );
    }
    expect(Object.values(stack.resource?.cloudflare_dns_record ?? {}).filter((r) => r.type === 'A')).toHaveLength(2);
  });

  it.each(['launch', 'traction'])('%s: has no certificate, listener, validation record or AWS provider', (stage) => {
    const stack = stackJson(`edge-${stage}-edge`);
    expect(stack.resource?.aws_acm_certificate).toBeUndefined();
    expect(stack.resource?.aws_acm_certificate_validation).toBeUndefined();
    expect(stack.resource?.aws_lb_listener).toBeUndefined();
    expect(byPath(stack, 'cloudflare_dns_record')[`edge-${stage}-edge/acm-validation`]).toBeUndefined();
    expect(stack.provider?.aws).toBeUndefined();
  });
});

describe('edge stack, growth', () => {
  const edge = 'edge-growth-edge';
  const regionalName = 'edge-growth-us-east-1';

  it('has one ACM certificate for the domain and its wildcard, validated by DNS, in the region', () => {
    const stack = stackJson(edge);
    expect(Object.keys(stack.resource?.aws_acm_certificate ?? {})).toHaveLength(1);
    expect(atPath(stack, 'aws_acm_certificate', `${edge}/certificate-us-east-1`)).toEqual(
      expect.objectContaining({
        provider: 'aws.us-east-1',
        domain_name: 'growth.example.com',
        subject_alternative_names: ['*.growth.example.com'],
        validation_method: 'DNS',
        key_algorithm: 'EC_prime256v1',
        lifecycle: { create_before_destroy: true },
      }),
    );
  });

  it('configures an aliased AWS provider for the region, with the environment tags', () => {
    expect(stackJson(edge).provider?.aws).toEqual([
      {
        alias: 'us-east-1',
        region: 'us-east-1',
        default_tags: [
          {
            tags: {
              'managed-by': 'stagecraft',
              'stagecraft:environment': 'edge-growth',
              'stagecraft:region': 'us-east-1',
              'stagecraft:stage': 'growth',
              team: 'platform',
            },
          },
        ],
      },
    ]);
  });

  it('creates one validation record per certificate name without "*.", keyed by names known at plan time (review F1)', () => {
    const stack = stackJson(edge);
    const certificate = addressAt(stack, 'aws_acm_certificate', `${edge}/certificate-us-east-1`);
    const value = (attribute: string) =>
      `\${one(distinct([for option in concat(tolist(${certificate}.domain_validation_options)) : option.${attribute} if trimprefix(option.domain_name, "*.") == each.key]))}`;
    const domain = atPath(stack, 'aws_acm_certificate', `${edge}/certificate-us-east-1`).domain_name as string;
    expect(atPath(stack, 'cloudflare_dns_record', `${edge}/acm-validation`)).toEqual(
      expect.objectContaining({
        for_each: `\${toset([${JSON.stringify(domain)}])}`,
        zone_id: '${data.cloudflare_zone.zone.zone_id}',
        name: value('resource_record_name'),
        type: value('resource_record_type'),
        content: value('resource_record_value'),
        proxied: false,
        ttl: 300,
      }),
    );
  });

  it('validates the certificate only after the validation records exist', () => {
    const stack = stackJson(edge);
    const validation = atPath(stack, 'aws_acm_certificate_validation', `${edge}/certificate-us-east-1-validation`);
    expect(validation).toMatchObject({
      provider: 'aws.us-east-1',
      certificate_arn: `\${${addressAt(stack, 'aws_acm_certificate', `${edge}/certificate-us-east-1`)}.arn}`,
    });
    expect(validation.depends_on).toEqual([addressAt(stack, 'cloudflare_dns_record', `${edge}/acm-validation`)]);
  });

  it('adds an HTTPS listener on 443 with the TLS 1.3 policy, answering 404 to what no rule takes', () => {
    const stack = stackJson(edge);
    const regional = stackJson(regionalName);
    const listener = atPath(stack, 'aws_lb_listener', `${edge}/https-us-east-1`);
    expect(ALB_TLS_POLICY).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
    expect(listener).toMatchObject({
      provider: 'aws.us-east-1',
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificate_arn: `\${${addressAt(stack, 'aws_acm_certificate_validation', `${edge}/certificate-us-east-1-validation`)}.certificate_arn}`,
    });
    expect(crossStackTarget(listener.load_balancer_arn, regionalName)).toBe(`\${${addressAt(regional, 'aws_lb', `${regionalName}/alb/alb`)}.arn}`);
    expect(listener.default_action).toEqual([
      { type: 'fixed-response', fixed_response: { content_type: 'text/plain', message_body: 'not found', status_code: '404' } },
    ]);
  });

  it("routes each public service port by the product's hosts and its paths to its target group: the gateway's /ws first, the api last", () => {
    const stack = stackJson(edge);
    const regional = stackJson(regionalName);
    const listener = `\${${addressAt(stack, 'aws_lb_listener', `${edge}/https-us-east-1`)}.arn}`;
    const hosts = { host_header: { values: ['growth.example.com', '*.growth.example.com'] } };
    const rule = (service: string) => atPath(stack, 'aws_lb_listener_rule', `${edge}/https-us-east-1-${service}-http`);
    const target = (service: string) => `\${${addressAt(regional, 'aws_lb_target_group', `${regionalName}/target-${service}-http/target-group`)}.arn}`;
    expect(rule('websocket-gateway')).toMatchObject({
      provider: 'aws.us-east-1',
      listener_arn: listener,
      priority: 10,
      condition: [hosts, { path_pattern: { values: ['/ws', '/ws/*'] } }],
    });
    expect(rule('api')).toMatchObject({ listener_arn: listener, priority: CATCH_ALL_PRIORITY, condition: [hosts, { path_pattern: { values: ['/*'] } }] });
    for (const service of ['api', 'websocket-gateway']) {
      const [action] = rule(service).action as Arguments[];
      expect(action.type).toBe('forward');
      expect(crossStackTarget(action.target_group_arn, regionalName)).toBe(target(service));
    }
    expect(Object.keys(stack.resource?.aws_lb_listener_rule ?? {})).toHaveLength(2);
  });

  it('points origin-us-east-1 and the apex at the load balancer, with no A records', () => {
    const stack = stackJson(edge);
    const regional = stackJson(regionalName);
    const albDns = `\${${addressAt(regional, 'aws_lb', `${regionalName}/alb/alb`)}.dns_name}`;
    const origin = atPath(stack, 'cloudflare_dns_record', `${edge}/origin-us-east-1`);
    expect(origin).toMatchObject({ name: 'origin-us-east-1.growth.example.com', type: 'CNAME', proxied: true });
    expect(crossStackTarget(origin.content, regionalName)).toBe(albDns);
    const apex = atPath(stack, 'cloudflare_dns_record', `${edge}/apex`);
    expect(apex).toMatchObject({ name: 'growth.example.com', type: 'CNAME', proxied: true });
    expect(crossStackTarget(apex.content, regionalName)).toBe(albDns);
    expect(Object.values(stack.resource?.cloudflare_dns_record ?? {}).filter((r) => r.type === 'A')).toHaveLength(0);
  });
});

describe('edge stack, massive in three regions', () => {
  const edge = 'edge-massive-edge';

  it('has a certificate, a validation and an HTTPS listener per region, each on its own aliased provider', () => {
    const stack = stackJson(edge);
    expect(stack.provider?.aws?.map((p) => [p.alias, p.region])).toEqual(MASSIVE_REGIONS.map((r) => [r, r]));
    expect(Object.keys(stack.resource?.aws_acm_certificate ?? {})).toHaveLength(3);
    expect(Object.keys(stack.resource?.aws_acm_certificate_validation ?? {})).toHaveLength(3);
    expect(Object.keys(stack.resource?.aws_lb_listener ?? {})).toHaveLength(3);
    for (const region of MASSIVE_REGIONS) {
      expect(atPath(stack, 'aws_acm_certificate', `${edge}/certificate-${region}`)).toMatchObject({
        provider: `aws.${region}`,
        domain_name: 'example.com',
        subject_alternative_names: ['*.example.com'],
        validation_method: 'DNS',
      });
      const listener = atPath(stack, 'aws_lb_listener', `${edge}/https-${region}`);
      expect(listener).toMatchObject({ provider: `aws.${region}`, port: 443, protocol: 'HTTPS', ssl_policy: ALB_TLS_POLICY });
      const regionalName = `edge-massive-${region}`;
      expect(crossStackTarget(listener.load_balancer_arn, regionalName)).toBe(
        `\${${addressAt(stackJson(regionalName), 'aws_lb', `${regionalName}/alb/alb`)}.arn}`,
      );
    }
  });

  it('has an origin record per region, pointing at that region’s load balancer', () => {
    const stack = stackJson(edge);
    const origins = recordSummary(stack).filter((r) => r.startsWith('CNAME origin-'));
    expect(origins).toHaveLength(3);
    for (const region of MASSIVE_REGIONS) {
      const regionalName = `edge-massive-${region}`;
      const origin = atPath(stack, 'cloudflare_dns_record', `${edge}/origin-${region}`);
      expect(origin).toMatchObject({ name: `origin-${region}.example.com`, type: 'CNAME', proxied: true });
      expect(crossStackTarget(origin.content, regionalName)).toBe(`\${${addressAt(stackJson(regionalName), 'aws_lb', `${regionalName}/alb/alb`)}.dns_name}`);
    }
  });

  it('leaves the apex to the load balancer instead of a DNS record for the primary region', () => {
    const stack = stackJson(edge);
    expect(byPath(stack, 'cloudflare_dns_record')[`${edge}/apex`]).toBeUndefined();
    expect(Object.values(stack.resource?.cloudflare_load_balancer ?? {})).toEqual([expect.objectContaining({ name: 'example.com' })]);
  });

  it('reads the validation options of all three certificates into one record set keyed by name', () => {
    const stack = stackJson(edge);
    const options = MASSIVE_REGIONS.map((r) => `tolist(${addressAt(stack, 'aws_acm_certificate', `${edge}/certificate-${r}`)}.domain_validation_options)`).join(
      ', ',
    );
    const records = atPath(stack, 'cloudflare_dns_record', `${edge}/acm-validation`);
    expect(records.name).toBe(
      `\${one(distinct([for option in concat(${options}) : option.resource_record_name if trimprefix(option.domain_name, "*.") == each.key]))}`,
    );
    expect(records.for_each).toBe('${toset(["example.com"])}');
    const recordsAddress = addressAt(stack, 'cloudflare_dns_record', `${edge}/acm-validation`);
    for (const region of MASSIVE_REGIONS) {
      expect(atPath(stack, 'aws_acm_certificate_validation', `${edge}/certificate-${region}-validation`).depends_on).toEqual([recordsAddress]);
    }
  });
});
