/**
 * The AWS schema cache of the offline check (terraform/aws-schema-cache.ts): keyed by both
 * binaries, so a changed terraform or provider never reads the schema another one wrote; only
 * hashicorp/aws's entry is kept, without descriptions. (That the stubs typed from the cache plan
 * as before is test/terraform/offline.test.ts, whose second check reads what its first wrote.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { awsProviderSchemaOnly, awsSchemaCacheFile, readAwsSchemaCache, writeAwsSchemaCache } from '../../terraform/aws-schema-cache';

let dir: string;
let terraform: string;
let provider: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-aws-schema-cache-'));
  terraform = path.join(dir, 'terraform');
  provider = path.join(dir, 'terraform-provider-aws_v5.100.0_x5');
  fs.writeFileSync(terraform, 'terraform');
  fs.writeFileSync(provider, 'provider');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the AWS schema cache', () => {
  it('names a file under node_modules/.cache by both binaries and the version, and none without a provider binary', () => {
    const file = awsSchemaCacheFile(terraform, provider, '5.100.0') as string;
    expect(file).toMatch(new RegExp(`node_modules\\${path.sep}\\.cache\\${path.sep}stagecraft-aws-schema\\${path.sep}aws-5\\.100\\.0-[0-9a-f]{24}\\.json$`));
    expect(awsSchemaCacheFile(terraform, provider, '5.100.0')).toBe(file);
    expect(awsSchemaCacheFile(terraform, provider, '5.99.0')).not.toBe(file);
    expect(awsSchemaCacheFile(terraform, undefined, '5.100.0')).toBeUndefined();
    expect(awsSchemaCacheFile(path.join(dir, 'missing'), provider, '5.100.0')).toBeUndefined();
  });

  it('names another file once either binary changes', () => {
    const before = awsSchemaCacheFile(terraform, provider, '5.100.0');
    fs.writeFileSync(provider, 'another provider build');
    const afterProvider = awsSchemaCacheFile(terraform, provider, '5.100.0');
    fs.writeFileSync(terraform, 'another terraform build');
    const afterTerraform = awsSchemaCacheFile(terraform, provider, '5.100.0');
    expect(new Set([before, afterProvider, afterTerraform]).size).toBe(3);
  });

  it("keeps hashicorp/aws's entry only, and reads back what it wrote without descriptions", () => {
    const schema = {
      format_version: '1.0',
      provider_schemas: {
        'registry.terraform.io/hashicorp/aws': {
          resource_schemas: {
            aws_vpc: { block: { attributes: { id: { type: 'string', description: 'the id', description_kind: 'plain', computed: true } } } },
          },
        },
        'registry.terraform.io/cloudflare/cloudflare': { resource_schemas: { cloudflare_zone: { block: {} } } },
      },
    };
    const aws = awsProviderSchemaOnly(schema);
    expect(Object.keys((aws as typeof schema).provider_schemas)).toEqual(['registry.terraform.io/hashicorp/aws']);
    const file = path.join(dir, 'cache', 'aws.json');
    expect(readAwsSchemaCache(file)).toBeUndefined();
    writeAwsSchemaCache(file, aws);
    expect(readAwsSchemaCache(file)).toEqual({
      format_version: '1.0',
      provider_schemas: {
        'registry.terraform.io/hashicorp/aws': { resource_schemas: { aws_vpc: { block: { attributes: { id: { type: 'string', computed: true } } } } } },
      },
    });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['aws.json']);
  });
});
