/**
 * The schema the stand-in derives from the cdktf bindings says what the real providers' schemas
 * say (types, required/optional/computed, nested attributes versus blocks, nesting modes, item
 * limits), and the preflight names the stack and type it cannot serve. No terraform needed here,
 * but deriving reads the 25 MB manifests, so this lives in the terraform suite.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decode, encode, UNKNOWN, Unknown, WireValue } from '../../../terraform/standin/msgpack';
import { planResource, readDataSource } from '../../../terraform/standin/plan';
import { formatPreflightProblem, preflightStack, standinProvidersOf } from '../../../terraform/standin/preflight';
import { CLOUDFLARE, KUBERNETES } from '../../../terraform/standin/providers';
import { findBindingPackage, loadProviderSchema } from '../../../terraform/standin/schema-cache';
import { ProviderSchema, SchemaAttribute, SchemaBlock, SchemaNestedBlock } from '../../../terraform/standin/schema-model';

function attribute(block: SchemaBlock, name: string): SchemaAttribute {
  const found = block.attributes.find((a) => a.name === name);
  if (!found) throw new Error(`no attribute ${name}`);
  return found;
}

function nestedBlock(block: SchemaBlock, name: string): SchemaNestedBlock {
  const found = block.blocks.find((b) => b.name === name);
  if (!found) throw new Error(`no block ${name}`);
  return found;
}

/** required/optional/computed as one word, for compact expectations. */
function mode(a: SchemaAttribute): string {
  return [a.required && 'required', a.optional && 'optional', a.computed && 'computed'].filter(Boolean).join('+');
}

describe('schemas derived from the cdktf bindings', () => {
  let cloudflare: ProviderSchema;
  let kubernetes: ProviderSchema;

  beforeAll(() => {
    cloudflare = loadProviderSchema(CLOUDFLARE);
    kubernetes = loadProviderSchema(KUBERNETES);
  }, 120000);

  it('names the provider, its version and the bindings it came from', () => {
    expect([cloudflare.address, cloudflare.providerVersion, cloudflare.derivedFrom]).toEqual([
      'registry.terraform.io/cloudflare/cloudflare',
      '5.14.0',
      '@cdktf/provider-cloudflare@13.9.1',
    ]);
    expect([kubernetes.address, kubernetes.providerVersion, kubernetes.derivedFrom]).toEqual([
      'registry.terraform.io/hashicorp/kubernetes',
      '2.38.0',
      '@cdktf/provider-kubernetes@12.1.1',
    ]);
    expect(Object.keys(cloudflare.resources)).toHaveLength(208);
    expect(Object.keys(cloudflare.dataSources)).toHaveLength(350);
    expect(Object.keys(kubernetes.resources)).toHaveLength(82);
  });

  it('caches the derivation under node_modules/.cache, keyed by the binding version', () => {
    const binding = findBindingPackage(CLOUDFLARE.bindingPackage);
    const cacheDir = path.join(binding.dir, '..', '..', '.cache', 'stagecraft-standin');
    expect(fs.readdirSync(cacheDir)).toEqual(expect.arrayContaining([expect.stringMatching(/^_cdktf_provider-cloudflare@13\.9\.1\.v\d+\.json$/)]));
  });

  it('cloudflare_dns_record: required and optional arguments, computed attributes, a nested attribute', () => {
    const record = cloudflare.resources.cloudflare_dns_record;
    const modes = Object.fromEntries(record.attributes.map((a) => [a.name, `${mode(a)} ${JSON.stringify(a.type ?? a.nested?.nesting)}`]));
    expect(modes).toMatchObject({
      zone_id: 'required "string"',
      name: 'required "string"',
      type: 'required "string"',
      ttl: 'required "number"',
      content: 'optional "string"',
      proxied: 'optional "bool"',
      tags: 'optional ["set","string"]',
      settings: 'optional "single"',
      data: 'optional "single"',
      id: 'computed "string"',
      created_on: 'computed "string"',
      proxiable: 'computed "bool"',
    });
    expect(record.blocks).toEqual([]);
    expect(attribute(record, 'settings').nested?.attributes.map((a) => `${a.name} ${mode(a)}`)).toEqual([
      'flatten_cname optional',
      'ipv4_only optional',
      'ipv6_only optional',
    ]);
    // Terraform's dynamic type (cdktf renders it as a map of any).
    expect(attribute(attribute(record, 'data').nested as unknown as SchemaBlock, 'flags').type).toBe('dynamic');
    expect(attribute(record, 'type').oneOf).toEqual(expect.arrayContaining(['A', 'AAAA', 'CNAME', 'TXT']));
  });

  it('cloudflare_ruleset: rules are a list of nested attributes with their own nested objects', () => {
    const rules = attribute(cloudflare.resources.cloudflare_ruleset, 'rules');
    expect(rules.nested?.nesting).toBe('list');
    const inner = rules.nested as unknown as SchemaBlock;
    expect(mode(attribute(inner, 'expression'))).toBe('required');
    expect(attribute(inner, 'ratelimit').nested?.nesting).toBe('single');
    expect(mode(attribute(inner, 'id'))).toBe('computed');
  });

  it('cloudflare_zone (data source): arguments read back, results computed with object and list types', () => {
    const zone = cloudflare.dataSources.cloudflare_zone;
    expect(mode(attribute(zone, 'zone_id'))).toBe('optional+computed');
    expect(attribute(zone, 'name_servers')).toMatchObject({ type: ['list', 'string'], computed: true });
    expect(attribute(zone, 'account').type).toEqual(['object', { id: 'string', name: 'string' }]);
    expect(attribute(zone, 'filter').nested?.nesting).toBe('single');
  });

  it('kubernetes: SDKv2 blocks with nesting modes and item limits; computed-only nested values as typed attributes', () => {
    const deployment = kubernetes.resources.kubernetes_deployment_v1;
    const metadata = nestedBlock(deployment, 'metadata');
    expect([metadata.nesting, metadata.minItems, metadata.maxItems]).toEqual(['list', 1, 1]);
    expect(mode(attribute(metadata.block, 'uid'))).toBe('computed');
    const podSpec = nestedBlock(nestedBlock(nestedBlock(deployment, 'spec').block, 'template').block, 'spec').block;
    const container = nestedBlock(podSpec, 'container');
    expect([container.nesting, container.minItems, container.maxItems]).toEqual(['list', 0, 0]);
    expect(mode(attribute(container.block, 'image'))).toBe('optional');
    expect(mode(attribute(container.block, 'name'))).toBe('required');
    const timeouts = nestedBlock(deployment, 'timeouts');
    expect(timeouts.nesting).toBe('single');
    expect(mode(attribute(deployment, 'id'))).toBe('optional+computed');
    expect(attribute(kubernetes.resources.kubernetes_manifest, 'manifest')).toMatchObject({ type: 'dynamic', required: true });
    const exec = nestedBlock(kubernetes.provider, 'exec');
    expect([exec.nesting, mode(attribute(exec.block, 'command'))]).toEqual(['list', 'required']);
    expect(kubernetes.provider.attributes.map((a) => a.name)).not.toContain('alias');
  });
});

describe('stand-in preflight', () => {
  let schemas: Record<string, ProviderSchema>;
  beforeAll(() => {
    schemas = { cloudflare: loadProviderSchema(CLOUDFLARE), kubernetes: loadProviderSchema(KUBERNETES) };
  }, 120000);

  const stack = (required: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    terraform: { required_providers: required },
    ...extra,
  });

  it('accepts the pinned versions and served types', () => {
    const ok = stack(
      {
        cloudflare: { source: 'cloudflare/cloudflare', version: '5.14.0' },
        kubernetes: { source: 'kubernetes', version: '2.38.0' },
        aws: { source: 'aws', version: '5.100.0' },
      },
      { resource: { cloudflare_dns_record: {}, kubernetes_namespace_v1: {}, aws_vpc: {} }, data: { cloudflare_zone: {}, terraform_remote_state: {} } },
    );
    expect(preflightStack('env-edge', ok, schemas)).toEqual([]);
    expect(standinProvidersOf(ok).map((spec) => spec.name)).toEqual(['cloudflare', 'kubernetes']);
  });

  it('names the stack and the type of everything it cannot serve faithfully', () => {
    const bad = stack(
      { cloudflare: { source: 'cloudflare/cloudflare', version: '5.15.0' }, kubernetes: { source: 'example/kubernetes', version: '2.38.0' } },
      { resource: { cloudflare_tunnel_of_love: {} }, data: { kubernetes_crystal_ball: {} } },
    );
    expect(preflightStack('env-edge', bad, schemas).map(formatPreflightProblem)).toEqual([
      'env-edge: cloudflare: requires cloudflare provider version "5.15.0", but the stand-in\'s schema is registry.terraform.io/cloudflare/cloudflare 5.14.0 (from @cdktf/provider-cloudflare@13.9.1); pin the version the bindings were generated from',
      'env-edge: kubernetes: requires registry.terraform.io/example/kubernetes, but the kubernetes stand-in serves registry.terraform.io/hashicorp/kubernetes',
      'env-edge: cloudflare_tunnel_of_love: the cloudflare stand-in (@cdktf/provider-cloudflare@13.9.1, provider 5.14.0) has no resource type cloudflare_tunnel_of_love',
      'env-edge: data.kubernetes_crystal_ball: the kubernetes stand-in (@cdktf/provider-kubernetes@12.1.1, provider 2.38.0) has no data source type kubernetes_crystal_ball',
    ]);
  });
});

describe('planning from a schema', () => {
  const block: SchemaBlock = {
    attributes: [
      { name: 'name', type: 'string', required: true, optional: false, computed: false },
      { name: 'comment', type: 'string', required: false, optional: true, computed: false },
      { name: 'id', type: 'string', required: false, optional: false, computed: true },
      {
        name: 'settings',
        nested: {
          nesting: 'single',
          attributes: [
            { name: 'ttl', type: 'number', required: false, optional: true, computed: false },
            { name: 'etag', type: 'string', required: false, optional: false, computed: true },
          ],
        },
        required: false,
        optional: true,
        computed: false,
      },
    ],
    blocks: [
      {
        name: 'rule',
        nesting: 'list',
        minItems: 0,
        maxItems: 0,
        block: { attributes: [{ name: 'uid', type: 'string', required: false, optional: false, computed: true }], blocks: [] },
      },
    ],
  };
  const config = { name: 'www', comment: null, id: null, settings: { ttl: 60, etag: null }, rule: [{ uid: null }] };

  it('keeps configuration, leaves unset optional arguments null and makes computed attributes unknown', () => {
    expect(planResource(block, config, null)).toEqual({
      name: 'www',
      comment: null,
      id: UNKNOWN,
      settings: { ttl: 60, etag: UNKNOWN },
      rule: [{ uid: UNKNOWN }],
    });
  });

  it('keeps prior computed values on an update', () => {
    const prior = { ...config, id: 'abc', settings: { ttl: 30, etag: 'e1' }, rule: [{ uid: 'u1' }] };
    expect(planResource(block, config, prior)).toEqual({ name: 'www', comment: null, id: 'abc', settings: { ttl: 60, etag: 'e1' }, rule: [{ uid: 'u1' }] });
  });

  it('reads a data source into known placeholders', () => {
    expect(readDataSource(block, config)).toEqual({ name: 'www', comment: null, id: '', settings: { ttl: 60, etag: '' }, rule: [{ uid: '' }] });
  });
});

describe('msgpack as terraform writes it', () => {
  it('round-trips every kind of value, unknowns included', () => {
    const refined = new Unknown(Buffer.from([0x81, 0x01, 0xc2]));
    const value: WireValue = {
      s: 'x'.repeat(40),
      n: [0, 1, -1, -33, 255, 65536, 2 ** 40, -(2 ** 40), 0.5],
      b: [true, false, null],
      bin: Buffer.from('["object",{}]'),
      u: UNKNOWN,
      r: refined,
      nested: { list: Array.from({ length: 20 }, (_, i) => ({ i })) },
    };
    const decoded = decode(encode(value)) as Record<string, WireValue>;
    expect(decoded).toEqual(value);
    expect(decoded.u).toBeInstanceOf(Unknown);
    expect((decoded.r as Unknown).refinements).toEqual(refined.refinements);
    // Terraform's unknown value: fixext1, extension type 0.
    expect(encode(UNKNOWN)).toEqual(Buffer.from([0xd4, 0, 0]));
  });
});
