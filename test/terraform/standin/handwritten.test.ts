/**
 * The stand-in under real terraform 1.11 with hand-written configurations: a valid one plans like
 * the providers would, and each kind of bad input fails `terraform validate` with terraform's own
 * message, because the schema the stand-in serves says what the real provider's says.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLOUDFLARE, KUBERNETES } from '../../../terraform/standin/providers';
import { RunningStandin, startStandin } from '../../../terraform/standin/server';
import { errorBlocks, runTerraform, TerraformResult, terraformEnv, writeCliConfig } from './terraform-runner';

const REQUIRED_PROVIDERS = {
  cloudflare: { source: 'cloudflare/cloudflare', version: '5.14.0' },
  kubernetes: { source: 'hashicorp/kubernetes', version: '2.38.0' },
};
const PROVIDERS = { cloudflare: [{ api_token: 'offline-not-a-token' }], kubernetes: [{ host: 'https://kubernetes.invalid' }] };
const RECORD = { zone_id: 'zone', name: 'www', type: 'CNAME', content: 'example.net', ttl: 1 };

/** A configuration with the given resources (and data sources). */
function configuration(resource: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { terraform: { required_providers: REQUIRED_PROVIDERS }, provider: PROVIDERS, resource, ...extra };
}

const VALID = configuration(
  {
    cloudflare_dns_record: {
      www: { ...RECORD, zone_id: '${data.cloudflare_zone.zone.zone_id}', proxied: true, settings: { ipv4_only: true } },
    },
    kubernetes_namespace_v1: { app: { metadata: { name: 'app' } } },
    kubernetes_deployment_v1: {
      web: {
        metadata: { name: 'web', namespace: '${kubernetes_namespace_v1.app.metadata[0].name}' },
        spec: {
          selector: { match_labels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { container: [{ name: 'web', image: 'nginx:1.27' }] } },
        },
      },
    },
  },
  {
    data: { cloudflare_zone: { zone: { filter: { name: 'example.com' } } } },
    output: { record_id: { value: '${cloudflare_dns_record.www.id}' }, zone_name_servers: { value: '${data.cloudflare_zone.zone.name_servers}' } },
  },
);

const INVALID: Record<string, Record<string, unknown>> = {
  'wrong-type': configuration({ cloudflare_dns_record: { r: { ...RECORD, ttl: 'one hour' } } }),
  'missing-required': configuration({ cloudflare_dns_record: { r: { name: 'www', type: 'CNAME', content: 'example.net', ttl: 1 } } }),
  'unknown-argument': configuration({ cloudflare_dns_record: { r: { ...RECORD, priority_class: 'high' } } }),
  'nested-attribute-as-list': configuration({ cloudflare_dns_record: { r: { ...RECORD, settings: [{ ipv4_only: true }] } } }),
  'too-many-blocks': configuration({ kubernetes_namespace_v1: { ns: { metadata: [{ name: 'a' }, { name: 'b' }] } } }),
  'missing-block': configuration({ kubernetes_namespace_v1: { ns: {} } }),
  'required-null': configuration({ cloudflare_dns_record: { r: { ...RECORD, zone_id: '${null}' } } }),
  'value-not-allowed': configuration({ cloudflare_dns_record: { r: { ...RECORD, type: 'CNAMEX' } } }),
  manifest: configuration({
    kubernetes_manifest: { cm: { manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' }, data: { a: 'b' } } } },
  }),
};

describe('the stand-in under terraform 1.11, hand-written configurations', () => {
  let standin: RunningStandin;
  let root: string;
  let env: NodeJS.ProcessEnv;
  const results = new Map<string, { init: TerraformResult; validate: TerraformResult; plan?: TerraformResult }>();

  async function check(name: string, config: Record<string, unknown>, plan: boolean): Promise<void> {
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config, null, 2));
    const init = await runTerraform(['init', '-input=false', '-no-color'], dir, env);
    const validate = await runTerraform(['validate', '-no-color'], dir, env);
    const planned = plan ? await runTerraform(['plan', '-input=false', '-no-color', '-lock=false'], dir, env) : undefined;
    results.set(name, { init, validate, ...(planned ? { plan: planned } : {}) });
  }

  beforeAll(
    async () => {
      standin = await startStandin({ providers: [CLOUDFLARE, KUBERNETES] });
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-standin-handwritten-'));
      writeCliConfig(path.join(root, 'terraform.rc'), '/opt/tf-plugins');
      env = terraformEnv(path.join(root, 'terraform.rc'), standin);
      await check('valid', VALID, true);
      await Promise.all(Object.entries(INVALID).map(([name, config]) => check(name, config, name === 'manifest')));
    },
    10 * 60 * 1000,
  );

  afterAll(async () => {
    await standin?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('initialises without installing the reattached providers', () => {
    for (const [name, result] of results)
      expect({ name, code: result.init.code, errors: errorBlocks(result.init.stderr) }).toEqual({ name, code: 0, errors: [] });
  });

  it('validates and plans the valid configuration: configured values kept, computed ones unknown, the data source read', () => {
    const valid = results.get('valid')!;
    expect(valid.validate.stdout).toContain('Success! The configuration is valid.');
    const plan = valid.plan!;
    expect({ code: plan.code, errors: errorBlocks(plan.stderr) }).toEqual({ code: 0, errors: [] });
    expect(plan.stdout).toContain('Plan: 3 to add, 0 to change, 0 to destroy.');
    expect(plan.stdout).toMatch(/\+ resource "cloudflare_dns_record" "www" \{[\s\S]*?\+ created_on\s+= \(known after apply\)[\s\S]*?\+ proxied\s+= true/);
    expect(plan.stdout).toMatch(/\+ settings\s+= \{\s*\+ ipv4_only = true\s*\}/);
    // The zone is read at plan time: its zone_id is a known placeholder (""), not null and not "(known after apply)".
    expect(plan.stdout).toMatch(/\+ zone_id\s+= ""/);
    expect(plan.stdout).toMatch(/\+ resource "kubernetes_deployment_v1" "web"[\s\S]*?\+ namespace\s+= "app"[\s\S]*?\+ uid\s+= \(known after apply\)/);
    expect(plan.stdout).toMatch(/\+ zone_name_servers = \[\]/);
  });

  const expectations: Array<[string, string]> = [
    ['wrong-type', 'Error: Incorrect attribute value type'],
    ['missing-required', 'Error: Missing required argument'],
    ['unknown-argument', 'Error: Extraneous JSON object property'],
    ['nested-attribute-as-list', 'Error: Incorrect attribute value type'],
    ['too-many-blocks', 'Error: Too many metadata blocks'],
    ['missing-block', 'Error: Insufficient metadata blocks'],
  ];
  it.each(expectations)("%s fails terraform validate with terraform's own message", (name, summary) => {
    const result = results.get(name)!;
    expect(result.validate.code).toBe(1);
    const errors = errorBlocks(result.validate.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0].startsWith(summary)).toBe(true);
  });

  it("says which type and which argument, in terraform's words", () => {
    const detail = (name: string): string => errorBlocks(results.get(name)!.validate.stderr)[0];
    expect(detail('wrong-type')).toContain('Inappropriate value for attribute "ttl": a number is required.');
    expect(detail('missing-required')).toContain('The argument "zone_id" is required, but no definition was found.');
    expect(detail('unknown-argument')).toContain('No argument or block type is named "priority_class".');
    expect(detail('nested-attribute-as-list')).toContain('Inappropriate value for attribute "settings": object required');
    expect(detail('too-many-blocks')).toContain('No more than 1 "metadata" blocks are allowed');
    expect(detail('missing-block')).toContain('At least 1 "metadata" blocks are required.');
  });

  it('rejects a value outside the documented "Available values", as the Cloudflare provider does (the stand-in\'s own check)', () => {
    const result = results.get('value-not-allowed')!;
    expect(result.validate.code).toBe(1);
    expect(errorBlocks(result.validate.stderr)).toEqual([
      expect.stringMatching(
        /^Error: Invalid Attribute Value Match with cloudflare_dns_record\.r, .* Attribute type value must be one of: "A", "AAAA", "CNAME", .*"URI"; got "CNAMEX"$/,
      ),
    ]);
  });

  it("rejects a required argument whose expression is null, as providers do (the stand-in's own check)", () => {
    const result = results.get('required-null')!;
    expect(result.validate.code).toBe(1);
    expect(errorBlocks(result.validate.stderr)).toEqual([
      expect.stringMatching(
        /^Error: Missing Configuration for Required Attribute with cloudflare_dns_record\.r, .* Must set a configuration value for the zone_id attribute as the provider has marked it as required\.$/,
      ),
    ]);
  });

  it('validates a kubernetes_manifest but refuses to plan it, saying why', () => {
    const result = results.get('manifest')!;
    expect(result.validate.stdout).toContain('Success! The configuration is valid.');
    expect(result.plan!.code).toBe(1);
    const errors = errorBlocks(result.plan!.stderr);
    expect(errors).toHaveLength(1);
    expect(
      errors[0].startsWith(
        'Error: The kubernetes stand-in refuses to plan kubernetes_manifest, which needs a live kubernetes API with kubernetes_manifest.cm,',
      ),
    ).toBe(true);
    expect(errors[0].endsWith(KUBERNETES.needsLiveApi.kubernetes_manifest)).toBe(true);
  });
});
