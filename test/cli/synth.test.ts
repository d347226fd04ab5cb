import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, COMMANDS } from '../../cli/main';
import { Io } from '../../cli/command';
import { copyExampleServices } from '../helpers/services';

/** Runs the CLI in-process in `cwd`, capturing what it prints. */
async function run(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-cli-'));
  mkdirSync(join(root, 'environments'));
  copyExampleServices(root);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'environments', name), text);
  return root;
}

const LAUNCH = 'name: tiny-launch\nstage: launch\nregions: [us-east-1]\ndomain: tiny.example.com\n';

describe('stagecraft synth', () => {
  it('synthesizes an environment and lists its stacks with resource counts', async () => {
    const root = project({ 'tiny.yaml': LAUNCH });
    const result = await run(root, 'synth');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^tiny-launch-us-east-1 +\d+ resources$/m);
    expect(result.stdout).toMatch(/^tiny-launch-edge +\d+ resources$/m);
    expect(result.stderr).toContain('synth tiny-launch (launch): 2 stacks');
    expect(existsSync(join(root, 'cdktf.out', 'manifest.json'))).toBe(true);
  });

  it('prints one JSON document with --json', async () => {
    const root = project({ 'tiny.yaml': LAUNCH });
    const result = await run(root, 'synth', '--json', '--out', 'build');
    const report = JSON.parse(result.stdout);
    expect(report.environments).toEqual([{ name: 'tiny-launch', stage: 'launch', regions: ['us-east-1'], file: 'environments/tiny.yaml' }]);
    expect(report.stacks.map((s: { name: string }) => s.name)).toEqual(['tiny-launch-us-east-1', 'tiny-launch-edge']);
    expect(report.stacks[0].resources).toBeGreaterThan(20);
  });

  it('exits 2 on bad input, prints every problem without a stack trace, and leaves the output as it was', async () => {
    const root = project({ 'good.yaml': LAUNCH, 'bad.yaml': 'name: bad-env\nstage: giant\nregions: [us-east-1]\ndomain: x.example.com\n' });
    mkdirSync(join(root, 'cdktf.out'));
    writeFileSync(join(root, 'cdktf.out', 'previous.txt'), 'untouched');
    const result = await run(root, 'synth');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('environments/bad.yaml: stage: "giant" is not a stage; allowed: launch, traction, growth, scale, hyperscale, massive\n');
    expect(result.stdout).toBe('');
    expect(readFileSync(join(root, 'cdktf.out', 'previous.txt'), 'utf8')).toBe('untouched');
    expect(existsSync(join(root, 'cdktf.out', 'manifest.json'))).toBe(false);
  });

  it('refuses local state from scale on: exit 2 naming backend and what to set, the output left as it was', async () => {
    const scale = 'name: big-scale\nstage: scale\nregions: [us-west-2]\ndomain: big.example.com\n';
    const root = project({ 'big.yaml': scale });
    mkdirSync(join(root, 'cdktf.out'));
    writeFileSync(join(root, 'cdktf.out', 'previous.txt'), 'untouched');
    const result = await run(root, 'synth');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'environments/big.yaml: backend: stage scale keeps Terraform state remotely (local state files are refused from scale on); ' +
        'set backend.s3.bucket to an existing, versioned S3 bucket (locking uses S3 lock files, Terraform ≥ 1.10), ' +
        'optionally backend.s3.region, keyPrefix and kmsKeyArn; received no backend\n',
    );
    expect(readFileSync(join(root, 'cdktf.out', 'previous.txt'), 'utf8')).toBe('untouched');
    // With the bucket set, the same file synthesizes, with no credentials or network: the backend is only written down.
    writeFileSync(join(root, 'environments', 'big.yaml'), `${scale}backend:\n  s3:\n    bucket: big-terraform-state\n`);
    expect((await run(root, 'synth', '--out', 'build')).code).toBe(0);
    const stack = JSON.parse(readFileSync(join(root, 'build', 'stacks', 'big-scale-us-west-2', 'cdk.tf.json'), 'utf8'));
    expect(stack.terraform.backend).toEqual({
      s3: { bucket: 'big-terraform-state', key: 'stagecraft/big-scale-us-west-2.tfstate', region: 'us-west-2', encrypt: true, use_lockfile: true },
    });
  });

  it('exits 2 on bad edge configuration with one clear line per problem', async () => {
    // With the add-ons its regions and its edge Worker need, so each case has only its own problem.
    const massive =
      'name: edge-bad\nstage: massive\nregions: [us-east-1, eu-west-1, ap-northeast-1]\ndomain: bad.example.com\nedge:\n  addons: [loadBalancing, trafficSteering, workersPaid]\n';
    const cases: Array<[string, string]> = [
      [
        `${massive}  steering:\n    eu-west-2: [WEU]\n`,
        `environments/bad.yaml: edge.steering.eu-west-2: "eu-west-2" is not one of this environment's regions (us-east-1, eu-west-1, ap-northeast-1)\n`,
      ],
      [
        `${massive}  rateLimits:\n    messagesPerMinute: 0\n`,
        'environments/bad.yaml: edge.rateLimits.messagesPerMinute: 0 would refuse every request; allowed: 1 to 1000000 messages per minute\n',
      ],
      [
        `${massive}  assetsHost: cdn_bad.example.com\n`,
        'environments/bad.yaml: edge.assetsHost: "cdn_bad.example.com" is not a lowercase DNS name (e.g. assets.example.com)\n',
      ],
    ];
    for (const [yaml, message] of cases) {
      const root = project({ 'bad.yaml': yaml });
      const result = await run(root, 'synth');
      expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({ code: 2, stderr: message, stdout: '' });
      expect(existsSync(join(root, 'cdktf.out'))).toBe(false);
    }
  });

  it('names unknown environments and lists the known ones', async () => {
    const root = project({ 'tiny.yaml': LAUNCH });
    const result = await run(root, 'synth', '--env', 'prod');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('prod: (root): no such environment file or name; known environments: tiny (tiny-launch)\n');
  });

  it('selects an environment by file name or by its name', async () => {
    const root = project({ 'tiny.yaml': LAUNCH, 'other.yaml': LAUNCH.replace('tiny-launch', 'other-launch') });
    for (const selector of ['tiny', 'tiny-launch', 'environments/tiny.yaml']) {
      const result = await run(root, 'synth', '--env', selector, '--json');
      expect(JSON.parse(result.stdout).environments.map((e: { name: string }) => e.name)).toEqual(['tiny-launch']);
    }
  });

  it('rejects two files that share an environment name', async () => {
    const root = project({ 'a.yaml': LAUNCH, 'b.yaml': LAUNCH });
    const result = await run(root, 'synth');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('environments/b.yaml: name: "tiny-launch" is also the name in environments/a.yaml; stack names must be unique\n');
  });
});

describe('stagecraft CLI', () => {
  it.each(COMMANDS.map((c) => c.name))('%s --help prints usage and exits 0', async (name) => {
    const result = await run(tmpdir(), name, '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: stagecraft ${name}`));
    expect(result.stdout).toContain('--help');
  });

  it('rejects unknown commands and flags with exit 2', async () => {
    expect(await run(tmpdir(), 'deploy')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'stagecraft: command: unknown command "deploy"; allowed: init, synth, validate, size, cost, advise, check, readiness, review, graph, report\n',
    });
    const flag = await run(tmpdir(), 'synth', '--outdir', 'x');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe('stagecraft synth: arguments: unknown flag --outdir; allowed: --env, --services, --out, --json\n');
  });
});
