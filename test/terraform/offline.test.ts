/**
 * The offline Terraform check, end to end: a small synthesis made with cdktf, checked by real
 * `terraform init/plan/show` (and `validate` after the broken stack's failed plan) against the local provider mirror. Slow (each command starts
 * the 700 MB AWS provider), so everything terraform-dependent runs once in beforeAll.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { Io } from '../../cli/command';
import { runCli } from '../../cli/main';
import { checkStacksOffline, findProviderMirror, StackCheckResult } from '../../terraform/offline';
import { UserInputError } from '../../config/errors';
import { requireTerraform } from '../helpers/terraform';

const TERRAFORM_TIMEOUT_MS = 20 * 60 * 1000;

/** Synthesizes the fixture: two AWS stacks joined by cross-stack references, an edge stack and a broken stack. */
function synthesizeFixture(outdir: string, stateDir: string): void {
  const app = new App({ outdir, stackTraces: false });

  const network = new TerraformStack(app, 'fx-network');
  new S3Backend(network, { bucket: 'stagecraft-fixture-state', key: 'fx-network.tfstate', region: 'us-east-1' });
  // Two configurations in use, each with its own default tags: planned against one shared provider
  // process, every resource would get one configuration's tags (see 'the shared AWS provider' below).
  new AwsProvider(network, 'aws', { region: 'us-east-1', defaultTags: [{ tags: { 'stagecraft:region': 'us-east-1' } }] });
  const replica = new AwsProvider(network, 'aws-replica', {
    region: 'eu-west-1',
    alias: 'replica',
    defaultTags: [{ tags: { 'stagecraft:region': 'eu-west-1' } }],
  });
  const vpc = new Vpc(network, 'vpc', { cidrBlock: '10.0.0.0/16' });
  const subnets = [0, 1].map((i) => new Subnet(network, `subnet-${i}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24` }));
  const dataSubnets = new DbSubnetGroup(network, 'data-subnets', { name: 'fx-data', subnetIds: subnets.map((s) => s.id) });
  new S3Bucket(network, 'replica-bucket', { bucket: 'stagecraft-fixture-replica', provider: replica });

  const consumer = new TerraformStack(app, 'fx-app');
  new LocalBackend(consumer, { path: path.join(stateDir, 'terraform.fx-app.tfstate') });
  new AwsProvider(consumer, 'aws', { region: 'us-east-1' });
  new SecurityGroup(consumer, 'app', {
    name: 'fx-app',
    vpcId: vpc.id,
    ingress: [{ fromPort: 443, toPort: 443, protocol: 'tcp', cidrBlocks: [vpc.cidrBlock] }],
  });
  // A list of tokens: cdktf writes one cross-stack output per subnet id.
  new DbSubnetGroup(consumer, 'app-subnets', { name: 'fx-app', subnetIds: subnets.map((s) => s.id) });
  // A set-typed attribute: one cross-stack output whose stub must be a list.
  new DbSubnetGroup(consumer, 'copied-subnets', { name: 'fx-copy', subnetIds: dataSubnets.subnetIds });

  const edge = new TerraformStack(app, 'fx-edge');
  new CloudflareProvider(edge, 'cloudflare', { apiToken: 'not-a-token-0000000000000000000000000000' });
  new TerraformOutput(edge, 'zone', { value: 'example.com' });

  const broken = new TerraformStack(app, 'fx-broken');
  new LocalBackend(broken, { path: path.join(stateDir, 'terraform.fx-broken.tfstate') });
  new AwsProvider(broken, 'aws', { region: 'us-east-1' });
  new Vpc(broken, 'vpc', { cidrBlock: '10.1.0.0/16' }).addOverride('bogus_argument', true);

  app.synth();
}

function captureIo(cwd: string): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    cwd,
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    stdout: () => out,
    stderr: () => err,
  };
}

/** Runs `fn` with environment variables changed, then restores them. */
async function withEnv<T>(changes: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(changes).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(changes);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

/**
 * Plan JSON without what differs between any two runs: the timestamp, `relevant_attributes` (which
 * terraform lists in map order) and the run's temporary directory (in the stub remote state paths).
 */
function normalizedPlan(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8').replace(/stagecraft-validate-[A-Za-z0-9]+/g, 'stagecraft-validate-RUN');
  const plan = JSON.parse(text) as Record<string, unknown>;
  delete plan.timestamp;
  plan.relevant_attributes = ((plan.relevant_attributes ?? []) as unknown[]).map((r) => JSON.stringify(r)).sort();
  return plan;
}

let workDir: string;
let outdir: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-offline-test-'));
  outdir = path.join(workDir, 'cdktf.out');
  synthesizeFixture(outdir, workDir);
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('stagecraft validate: input errors', () => {
  it('exits 2 with a clear message when the output directory has no manifest', async () => {
    const io = captureIo(workDir);
    const code = await runCli(['validate', '--out', 'nowhere'], io);
    expect(code).toBe(2);
    expect(io.stderr()).toBe(
      `stagecraft validate: --out: nowhere has no manifest.json (looked in ${path.join(workDir, 'nowhere')}); run \`npm run synth\` first\n`,
    );
    expect(io.stdout()).toBe('');
  });

  it('exits 2 and lists the known stacks for an unknown --stack', async () => {
    const io = captureIo(workDir);
    const code = await runCli(['validate', '--stack', 'fx-nope', '--stack', 'fx-app'], io);
    expect(code).toBe(2);
    expect(io.stderr()).toBe('stagecraft validate: --stack: unknown stack "fx-nope"; known stacks: fx-app, fx-broken, fx-edge, fx-network\n');
  });

  it('exits 2 naming a stack whose provider nothing offline serves, never skipping it', async () => {
    const copy = path.join(workDir, 'unserved-out');
    fs.cpSync(outdir, copy, { recursive: true });
    const stackFile = path.join(copy, 'stacks', 'fx-edge', 'cdk.tf.json');
    const stack = JSON.parse(fs.readFileSync(stackFile, 'utf8'));
    stack.terraform.required_providers.random = { source: 'hashicorp/random', version: '3.6.0' };
    fs.writeFileSync(stackFile, JSON.stringify(stack));
    const io = captureIo(workDir);
    const code = await runCli(['validate', '--out', 'unserved-out', '--stack', 'fx-edge', '--stack', 'fx-network'], io);
    expect(code).toBe(2);
    expect(io.stderr()).toBe(
      `${stackFile}: random: cannot be checked offline: no offline provider for random (the mirror holds hashicorp/aws; the stand-in serves cloudflare, kubernetes)\n`,
    );
    expect(io.stdout()).toBe('');
  });
});

describe('offline check without terraform or the provider mirror', () => {
  it('reports every stack as not checkable, naming it and terraform, and the command exits 2', async () => {
    await withEnv({ PATH: '' }, async () => {
      const message =
        'terraform: cannot be checked: terraform not found on PATH; install Terraform 1.11 (https://developer.hashicorp.com/terraform/install) and put it on PATH';
      await expect(checkStacksOffline(outdir, { providerMirror: '/opt/tf-plugins' })).rejects.toThrow(UserInputError);
      const io = captureIo(workDir);
      expect(await runCli(['validate', '--json'], io)).toBe(2);
      expect(io.stderr()).toBe(
        ['fx-app', 'fx-broken', 'fx-edge', 'fx-network'].map((name) => `${path.join(outdir, 'stacks', name, 'cdk.tf.json')}: ${message}\n`).join(''),
      );
      expect(io.stdout()).toBe('');
    });
  });

  it('reports a stack as not checkable when the mirror lacks the AWS provider', async () => {
    const emptyMirror = path.join(workDir, 'empty-mirror');
    fs.mkdirSync(emptyMirror, { recursive: true });
    await withEnv({ STAGECRAFT_PROVIDER_MIRROR: emptyMirror }, async () => {
      expect(findProviderMirror()).toBe(emptyMirror);
      const run = checkStacksOffline(outdir, { stacks: ['fx-network'], terraformPath: '/usr/bin/true' });
      await expect(run).rejects.toThrow(
        `${path.join(outdir, 'stacks', 'fx-network', 'cdk.tf.json')}: registry.terraform.io/hashicorp/aws: cannot be checked: provider mirror ${emptyMirror} ` +
          `(STAGECRAFT_PROVIDER_MIRROR) holds no registry.terraform.io/hashicorp/aws 5.100.0; fill it with \`terraform providers mirror ${emptyMirror}\` on a machine with network access`,
      );
    });
  });
});

const describeWithTerraform = requireTerraform(
  'the fixture stacks fx-network, fx-app, fx-edge and fx-broken under terraform (the offline engine, terraform/offline.ts)',
);

describeWithTerraform('offline check with terraform and the provider mirror', () => {
  let results: StackCheckResult[];
  let planJsonDir: string;
  const progress: string[] = [];
  const byName = (name: string): StackCheckResult => results.find((r) => r.stack === name) as StackCheckResult;

  beforeAll(async () => {
    planJsonDir = path.join(workDir, 'plans');
    results = await checkStacksOffline(outdir, { planJsonDir, onProgress: (line) => progress.push(line) });
  }, TERRAFORM_TIMEOUT_MS);

  it('validates and plans the upstream stack, with its S3 backend and aliased provider', () => {
    const network = byName('fx-network');
    expect(network.status).toBe('ok');
    expect(network.validate).toEqual({ valid: true, errorCount: 0, warningCount: 0, diagnostics: [] });
    expect(network.plan).toEqual({ add: 5, change: 0, destroy: 0, resourceCount: 5 });
  });

  it('plans the consumer against stub remote state, including a set-typed output', () => {
    const consumer = byName('fx-app');
    expect(consumer.status).toBe('ok');
    expect(consumer.plan).toEqual({ add: 3, change: 0, destroy: 0, resourceCount: 3 });
    const plan = JSON.parse(fs.readFileSync(consumer.planJsonPath as string, 'utf8')) as {
      resource_changes: Array<{ address: string; change: { after: Record<string, unknown> } }>;
    };
    const after = (address: string): Record<string, unknown> => plan.resource_changes.find((c) => c.address === address)?.change.after ?? {};
    expect(after('aws_security_group.app').vpc_id).toBe('stub-cross-stack-output-aws_vpcvpcid');
    expect(after('aws_db_subnet_group.app-subnets').subnet_ids).toEqual([
      'stub-cross-stack-output-aws_subnetsubnet-0id',
      'stub-cross-stack-output-aws_subnetsubnet-1id',
    ]);
    expect(after('aws_db_subnet_group.copied-subnets').subnet_ids).toHaveLength(2);
  });

  it('plans the Cloudflare stack with the stand-in instead of skipping it', () => {
    const edge = byName('fx-edge');
    expect([edge.status, edge.validate.diagnostics, edge.plan]).toEqual(['ok', [], { add: 0, change: 0, destroy: 0, resourceCount: 0 }]);
  });

  it("fails the stack with an invalid argument, with terraform's diagnostic", () => {
    const broken = byName('fx-broken');
    expect(broken.status).toBe('failed');
    expect(broken.reason).toBe('terraform validate found 1 error');
    expect(broken.validate.valid).toBe(false);
    expect(broken.validate.errorCount).toBe(1);
    expect(broken.validate.diagnostics).toHaveLength(1);
    expect(broken.validate.diagnostics[0]).toMatch(
      /^Error: Extraneous JSON object property: No argument or block type is named "bogus_argument"\. \(resource\.aws_vpc\.vpc, cdk\.tf\.json line \d+\)$/,
    );
    expect(broken.plan).toBeUndefined();
  });

  it('writes plan JSON only for planned stacks and reports progress once per stack', () => {
    expect(fs.readdirSync(planJsonDir).sort()).toEqual(['fx-app.plan.json', 'fx-edge.plan.json', 'fx-network.plan.json']);
    expect(byName('fx-network').planJsonPath).toBe(path.join(planJsonDir, 'fx-network.plan.json'));
    const network = JSON.parse(fs.readFileSync(path.join(planJsonDir, 'fx-network.plan.json'), 'utf8')) as { format_version: string };
    expect(network.format_version).toBeDefined();
    expect(progress).toHaveLength(4);
    expect(progress.some((line) => /^\[\d\/4\] fx-network: ok in [\d.]+ s \(init [\d.]+ s, plan [\d.]+ s, show [\d.]+ s\)$/.test(line))).toBe(true);
  });

  // The shared AWS provider processes (terraform/aws-provider.ts) and the schema proxy in front of
  // them (terraform/aws-schema-proxy.ts) must not change what is planned: both stacks are attached
  // through the proxy, each with a schema of its own types only; fx-network has two configurations
  // in use (other regions, other default tags), each configured on a provider process of its own,
  // so each resource keeps its own configuration's tags.
  it(
    'plans exactly what terraform plans with providers of its own, in `terraform show -json`',
    async () => {
      const ownDir = path.join(workDir, 'plans-own-provider');
      const own = await checkStacksOffline(outdir, { stacks: ['fx-network', 'fx-app'], planJsonDir: ownDir, attachAwsProvider: false });
      expect(own.map((r) => [r.stack, r.status])).toEqual([
        ['fx-network', 'ok'],
        ['fx-app', 'ok'],
      ]);
      for (const name of ['fx-network', 'fx-app']) {
        expect({ name, plan: normalizedPlan(path.join(ownDir, `${name}.plan.json`)) }).toEqual({
          name,
          plan: normalizedPlan(path.join(planJsonDir, `${name}.plan.json`)),
        });
      }
      const network = JSON.parse(fs.readFileSync(path.join(planJsonDir, 'fx-network.plan.json'), 'utf8')) as {
        resource_changes: Array<{ address: string; change: { after: { tags_all?: unknown } } }>;
      };
      const tags = (address: string) => network.resource_changes.find((c) => c.address === address)?.change.after.tags_all;
      expect([tags('aws_vpc.vpc'), tags('aws_s3_bucket.replica-bucket')]).toEqual([{ 'stagecraft:region': 'us-east-1' }, { 'stagecraft:region': 'eu-west-1' }]);
      // Every AWS provider process a check started has ended with it (setpriv execs the provider: its parent is this process).
      const running = spawnSync('pgrep', ['-P', String(process.pid), '-f', 'terraform-provider-aws'], { encoding: 'utf8' });
      expect([running.status, running.stdout]).toEqual([1, '']);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it('never writes into the synthesis output', () => {
    const entries = fs.readdirSync(path.join(outdir, 'stacks', 'fx-network')).sort();
    expect(entries).toEqual(['cdk.tf.json']);
  });

  it(
    'exits 1 from the command when a stack fails, with the first diagnostic on its line',
    async () => {
      const io = captureIo(workDir);
      const code = await runCli(['validate', '--stack', 'fx-broken'], io);
      expect(code).toBe(1);
      expect(io.stdout()).toMatch(
        /^failed {3}fx-broken {3}Error: Extraneous JSON object property: No argument or block type is named "bogus_argument"\. \(resource\.aws_vpc\.vpc, cdk\.tf\.json line \d+\) \([\d.]+ s\)\n0 ok, 1 failed in [\d.]+ s\n$/,
      );
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
