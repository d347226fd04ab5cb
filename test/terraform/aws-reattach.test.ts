/**
 * The offline check attaches stacks to running AWS provider processes per check slot
 * (terraform/aws-provider.ts) only where that cannot change what is planned. Attached directly
 * (STAGECRAFT_TRIM_AWS_SCHEMA=0), not a stack with two AWS configurations in use (an alias in
 * another region, with its own default tags), since a shared provider keeps the last configuration
 * and `tags_all` came out with the other region's tags; through the schema proxy (the default),
 * which gives each configuration a process of its own, any stack without modules or check blocks.
 * (That attached plans equal unattached ones in `terraform show -json`, a two-region stack
 * included, is checked on offline.test.ts's fixture, whose plans are made there anyway.) Also: a
 * provider that dies is a clear failure of the stack, not a hang, and no provider process outlives
 * the check.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { attachesAws, attachesThroughSchemaProxy, checkStacksOffline } from '../../terraform/offline';
import { StackJson } from '../../synthesis/stack-views';
import { requireTerraform } from '../helpers/terraform';

const describeWithTerraform = requireTerraform('the shared AWS provider of the offline plans (two fixture stacks, reattached and restarted)');
const TIMEOUT_MS = 20 * 60 * 1000;

/** One stack with a single AWS configuration, one with a default and an aliased configuration in other regions, each with its own default tags. */
function synthesizeFixture(outdir: string): void {
  const app = new App({ outdir, stackTraces: false });
  const tags = (region: string) => [{ tags: { 'stagecraft:region': region } }];

  const single = new TerraformStack(app, 'fx-single');
  new AwsProvider(single, 'aws', { region: 'eu-west-1', defaultTags: tags('eu-west-1') });
  new Vpc(single, 'vpc', { cidrBlock: '10.0.0.0/16', tags: { Name: 'fx' } });
  new S3Bucket(single, 'bucket', { bucket: 'stagecraft-fixture-single' });

  const multi = new TerraformStack(app, 'fx-multi');
  new AwsProvider(multi, 'aws', { region: 'eu-west-1', defaultTags: tags('eu-west-1') });
  const useast1 = new AwsProvider(multi, 'aws-us-east-1', { region: 'us-east-1', alias: 'us-east-1', defaultTags: tags('us-east-1') });
  new Vpc(multi, 'vpc', { cidrBlock: '10.0.0.0/16' });
  new S3Bucket(multi, 'bucket', { bucket: 'stagecraft-fixture-multi' });
  new S3Bucket(multi, 'bucket-us-east-1', { bucket: 'stagecraft-fixture-multi-us-east-1', provider: useast1 });

  app.synth();
}

/** Pids of AWS provider processes this test process started (their parent is this process: setpriv execs the provider). */
function ownProviderPids(): string[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'terraform-provider-aws'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

let workDir: string;
let outdir: string;
const stack = (name: string): StackJson => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-reattach-test-'));
  outdir = path.join(workDir, 'cdktf.out');
  synthesizeFixture(outdir);
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('which stacks attach to a shared AWS provider', () => {
  it('attaches a stack whose AWS resources all use one configuration, not one that uses two', () => {
    expect(attachesAws(stack('fx-single'))).toBe(true);
    expect(attachesAws(stack('fx-multi'))).toBe(false);
  });

  it('attaches either through the schema proxy, which gives each configuration a process, but no stack with modules', () => {
    expect([attachesThroughSchemaProxy(stack('fx-single')), attachesThroughSchemaProxy(stack('fx-multi'))]).toEqual([true, true]);
    const withModule = { ...stack('fx-multi'), module: { m: { source: './m' } } } as unknown as StackJson;
    const withoutAws = { resource: { cloudflare_dns_record: { r: { name: 'x' } } } } as unknown as StackJson;
    expect([attachesThroughSchemaProxy(withModule), attachesThroughSchemaProxy(withoutAws)]).toEqual([false, false]);
  });

  it('counts only configurations in use: an aliased stack with an unused default block attaches', () => {
    const aliased = {
      provider: { aws: [{ alias: 'us-east-1', region: 'us-east-1' }, { region: 'eu-west-1' }] },
      resource: { aws_s3_bucket: { b: { bucket: 'x', provider: 'aws.us-east-1' } }, cloudflare_dns_record: { r: { name: 'x' } } },
    } as unknown as StackJson;
    expect(attachesAws(aliased)).toBe(true);
    const withData = { ...aliased, data: { aws_region: { current: {} } } } as unknown as StackJson;
    expect(attachesAws(withData)).toBe(false);
    expect(attachesAws({ ...aliased, module: { m: { source: './m' } } } as unknown as StackJson)).toBe(false);
  });
});

describeWithTerraform('a shared AWS provider that dies', () => {
  it(
    'fails the stack naming the provider and how it ended, instead of waiting for it',
    async () => {
      // A provider that announces itself and crashes as soon as terraform connects.
      const fake = path.join(workDir, 'crashing-provider');
      const socket = path.join(workDir, 'crashing.sock');
      const script = [
        '#!/usr/bin/env node',
        "const server = require('net').createServer(() => {",
        "  process.stderr.write('panic: provider crashed\\n');",
        '  process.exit(2);',
        '});',
        `server.listen(${JSON.stringify(socket)}, () => {`,
        `  const entry = { Protocol: 'grpc', ProtocolVersion: 5, Pid: process.pid, Test: true, Addr: { Network: 'unix', String: ${JSON.stringify(socket)} } };`,
        "  process.stdout.write(`TF_REATTACH_PROVIDERS='${JSON.stringify({ 'registry.terraform.io/hashicorp/aws': entry })}'\\n`);",
        '});',
        '',
      ].join('\n');
      fs.writeFileSync(fake, script, { mode: 0o755 });
      // Through the schema proxy (the default): terraform talks to the proxy, which finds the provider gone.
      const [result] = await checkStacksOffline(outdir, { stacks: ['fx-single'], awsProviderBinary: fake, trimAwsSchema: true });
      expect([result.status, result.reason]).toEqual(['failed', 'the AWS provider exited during terraform plan']);
      expect(result.validate.diagnostics).toHaveLength(1);
      expect(result.validate.diagnostics[0]).toMatch(
        /^plan: Error: the AWS provider process \(pid \d+\) that terraform was attached to exited with code 2; its last output: .*panic: provider crashed$/,
      );
      expect(ownProviderPids()).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it('fails the stack when the provider cannot start', async () => {
    const fake = path.join(workDir, 'failing-provider');
    fs.writeFileSync(fake, `#!/bin/sh\necho 'fatal: cannot load' >&2\nexit 1\n`, { mode: 0o755 });
    const [result] = await checkStacksOffline(outdir, { stacks: ['fx-single'], awsProviderBinary: fake });
    expect([result.status, result.reason, result.validate.diagnostics]).toEqual([
      'failed',
      'the AWS provider could not be started',
      [`provider: Error: the AWS provider ${fake} exited with code 1 before it served: fatal: cannot load`],
    ]);
    expect(ownProviderPids()).toEqual([]);
  });
});
