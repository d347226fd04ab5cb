/**
 * `stagecraft review` from the command line: git refs synthesized from temporary worktrees,
 * stage graduation, and every kind of bad input, by exact message (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main';
import { Io } from '../../cli/command';
import { PROJECT_ROOT, EXAMPLES_ROOT } from '../helpers/examples';
import { copyExampleServices } from '../helpers/services';
import { environmentFiles, loadEnvironments } from '../../config/load';
import { resolveEnvironment } from '../../config/environment';
import { sizeEnvironments } from '../../sizing/blueprint';

async function run(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', ['-c', 'user.name=Stagecraft Test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

const LAUNCH = 'name: tiny-launch\nstage: launch\nregions: [us-east-1]\ndomain: tiny.example.com\n';

let scratch: string;
let synthesis: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'stagecraft-review-cli-'));
  mkdirSync(join(scratch, 'environments'));
  copyExampleServices(scratch);
  writeFileSync(join(scratch, 'environments', 'tiny.yaml'), LAUNCH);
  expect((await run(scratch, 'synth', '--out', 'synth')).code).toBe(0);
  synthesis = join(scratch, 'synth');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('stagecraft review: bad input exits 2 with an exact message', () => {
  const expectError = async (cwd: string, argv: string[], stderr: string) => {
    expect(await run(cwd, ...argv)).toEqual({ code: 2, stdout: '', stderr });
  };

  it('a base or head that is not a synthesis', async () => {
    mkdirSync(join(scratch, 'empty'), { recursive: true });
    await expectError(
      scratch,
      ['review', '--base', 'empty', '--head', 'synth'],
      'stagecraft review: --base: empty is not a synthesis: it has no manifest.json (run `stagecraft synth --out empty`)\n',
    );
    writeFileSync(join(scratch, 'a-file.txt'), 'x');
    await expectError(
      scratch,
      ['review', '--base', 'synth', '--head', 'a-file.txt'],
      'stagecraft review: --head: a-file.txt is not a directory; give a synthesis directory such as cdktf.out\n',
    );
  });

  it('a base or head that does not exist, outside a git repository', async () => {
    await expectError(
      scratch,
      ['review', '--base', 'synth', '--head', 'nowhere'],
      `stagecraft review: --head: nowhere is not a directory, and ${scratch} is not in a git repository, so it is not a git ref either\n`,
    );
  });

  it('a malformed plan JSON, a state instead of a plan, and a file that does not exist', async () => {
    writeFileSync(join(scratch, 'broken.json'), '{"format_version": "1.2", ');
    let parseError = '';
    try {
      JSON.parse('{"format_version": "1.2", ');
    } catch (error) {
      parseError = (error as Error).message;
    }
    await expectError(
      scratch,
      ['review', '--plan', 'broken.json'],
      `stagecraft review: --plan: broken.json is not valid JSON (${parseError}); give the output of \`terraform show -json <planfile>\`\n`,
    );
    writeFileSync(join(scratch, 'state.json'), JSON.stringify({ format_version: '1.0', terraform_version: '1.11.4', values: { root_module: {} } }));
    await expectError(
      scratch,
      ['review', '--plan', 'state.json'],
      'stagecraft review: --plan: state.json is not a plan: it has no "planned_values" or "resource_changes" (is it `terraform show -json` of a state?)\n',
    );
    writeFileSync(join(scratch, 'other.json'), JSON.stringify({ resource_changes: [] }));
    await expectError(
      scratch,
      ['review', '--plan', 'other.json'],
      'stagecraft review: --plan: other.json is not a `terraform show -json` plan: it has no "format_version"\n',
    );
    writeFileSync(join(scratch, 'odd.json'), JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'aws_vpc.v' }] }));
    await expectError(
      scratch,
      ['review', '--plan', 'odd.json'],
      'stagecraft review: --plan: odd.json is not a `terraform show -json` plan: resource_changes[0] has no address, type or change.actions\n',
    );
    await expectError(scratch, ['review', '--plan', 'missing.plan.json'], 'stagecraft review: --plan: missing.plan.json does not exist or is not a file\n');
  });

  it('a suppression without a reason in the head', async () => {
    const head = join(scratch, 'reasonless');
    cpSync(synthesis, head, { recursive: true });
    const file = join(head, 'stacks', 'tiny-launch-us-east-1', 'cdk.tf.json');
    const stack = JSON.parse(readFileSync(file, 'utf8'));
    const [name, instance] = Object.entries(stack.resource.aws_instance as Record<string, Record<string, Record<string, unknown>>>)[0];
    instance['//']['stagecraft:suppress'] = [{ ruleId: 'SC-DP-7' }];
    writeFileSync(file, JSON.stringify(stack));
    await expectError(
      scratch,
      ['review', '--base', 'synth', '--head', 'reasonless'],
      `tiny-launch-us-east-1: aws_instance.${name}: suppression of SC-DP-7 has no reason; write why the finding does not apply\n`,
    );
  });

  it('unknown --fail-on sections, formats and stages, and flags that do not make a mode', async () => {
    await expectError(
      scratch,
      ['review', '--base', 'synth', '--head', 'synth', '--fail-on', 'data-loss,cost,drift'],
      [
        'stagecraft review: --fail-on: "cost" is not a section; allowed: data-loss, security, refused',
        'stagecraft review: --fail-on: "drift" is not a section; allowed: data-loss, security, refused',
        '',
      ].join('\n'),
    );
    await expectError(
      scratch,
      ['review', '--base', 'synth', '--head', 'synth', '--format', 'html'],
      'stagecraft review: --format: "html" is not a format; allowed: md, json\n',
    );
    await expectError(scratch, ['review'], 'stagecraft review: arguments: give --base and --head, or --plan, or --to-stage with --env\n');
    await expectError(scratch, ['review', '--base', 'synth'], 'stagecraft review: --head: missing; --base and --head go together\n');
    await expectError(
      scratch,
      ['review', '--plan', 'x.json', '--base', 'synth'],
      'stagecraft review: arguments: --plan does not go with --base; give --plan (and optionally --head <synthesis dir>) alone\n',
    );
    await expectError(scratch, ['review', '--to-stage', 'growth'], 'stagecraft review: --env: a stage review takes exactly one environment; received 0\n');
    await expectError(
      scratch,
      ['review', '--to-stage', 'giant', '--env', 'tiny'],
      'stagecraft review: --to-stage: "giant" is not a stage; allowed: launch, traction, growth, scale, hyperscale, massive\n',
    );
  });

  it('a stage the environment file cannot take', async () => {
    await expectError(
      scratch,
      ['review', '--to-stage', 'massive', '--env', 'tiny'],
      'environments/tiny.yaml: regions: as stage massive: massive needs at least 3 regions, so that losing one still leaves two; received 1\n' +
        'environments/tiny.yaml: edge.addons: as stage massive: the edge Worker (on by default on massive) keeps its rate-limit counters in a Durable Object, which needs Workers Paid; allowed: edge.addons: [workersPaid] once the account has it, or edge.worker.enabled: false; received none (plan free)\n',
    );
  });
});

describe('stagecraft review --base/--head with git refs', () => {
  let clone: string;
  beforeAll(() => {
    // A clone of this branch (objects shared, nothing copied), with one commit on top.
    clone = join(mkdtempSync(join(tmpdir(), 'stagecraft-review-git-')), 'repo');
    git(PROJECT_ROOT, 'clone', '--quiet', '--shared', PROJECT_ROOT, clone);
    const file = join(clone, 'examples', 'chat', 'environments', 'launch.yaml');
    // Larger than the t3.xlarge the launch containers' reservations size the host to (sizing/host-fit.ts).
    writeFileSync(file, `${readFileSync(file, 'utf8')}compute:\n  instanceType: t3.2xlarge\n`);
    git(clone, 'commit', '--quiet', '-am', 'launch: a bigger host');
  });
  afterAll(() => rmSync(join(clone, '..'), { recursive: true, force: true }));

  it('synthesizes each ref in a temporary worktree, compares them, and removes the worktrees', async () => {
    const result = await run(clone, 'review', '--base', 'HEAD~1', '--head', 'HEAD', '--env', 'launch', '--format', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const head = git(clone, 'rev-parse', 'HEAD').slice(0, 12);
    expect(report.head).toBe(`HEAD (${head})`);
    expect(report.summary).toMatchObject({ create: 0, update: 1, replace: 0, delete: 0, dataLoss: 0, findings: 0 });
    expect(report.stacks).toEqual([
      {
        stack: 'acme-launch-us-east-1',
        changes: [
          expect.objectContaining({
            type: 'aws_launch_template',
            action: 'update',
            attributes: [expect.objectContaining({ path: 'instance_type', before: 't3.xlarge', after: 't3.2xlarge' })],
          }),
        ],
        possibleRenames: [],
      },
    ]);
    expect(result.stderr).toMatch(
      /^synthesizing HEAD~1 \([0-9a-f]{12}\) in a temporary worktree\nsynthesizing HEAD \([0-9a-f]{12}\) in a temporary worktree\n$/,
    );
    expect(git(clone, 'worktree', 'list').split('\n')).toHaveLength(1);
  }, 600_000);

  it('names an unknown git ref and the repository it looked in', async () => {
    const top = git(clone, 'rev-parse', '--show-toplevel');
    expect(await run(clone, 'review', '--base', 'no-such-ref', '--head', 'HEAD')).toEqual({
      code: 2,
      stdout: '',
      stderr: `stagecraft review: --base: no-such-ref is neither a synthesis directory nor a git ref known to the repository at ${top}\n`,
    });
  });
});

describe('stagecraft review --from-stage/--to-stage', () => {
  it('shows what graduating launch to traction changes: the data volume goes, RDS and Redis arrive', async () => {
    const result = await run(EXAMPLES_ROOT, 'review', '--from-stage', 'launch', '--to-stage', 'traction', '--env', 'launch', '--format', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.mode).toBe('stages');
    expect([report.base, report.head]).toEqual(['acme-launch as launch', 'acme-launch as traction']);
    const changes = report.stacks.flatMap((s: { changes: Array<{ type: string; action: string }> }) => s.changes);
    const created = new Set(changes.filter((c: { action: string }) => c.action === 'create').map((c: { type: string }) => c.type));
    expect([...created]).toEqual(expect.arrayContaining(['aws_db_instance', 'aws_elasticache_replication_group']));
    expect(report.dataLoss).toContainEqual(
      expect.objectContaining({ type: 'aws_ebs_volume', kind: 'destroy', message: expect.stringMatching(/^destroyed: volume data lost/) }),
    );
    expect(report.summary.findings).toBe(0);
  });

  it('leaves out the sizes a stage does not take, and says so', async () => {
    const result = await run(EXAMPLES_ROOT, 'review', '--to-stage', 'growth', '--env', 'traction');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('> As growth, acme-traction leaves out compute.hosts, which does not apply to growth.\n');
    expect(result.stderr).toBe('synthesizing acme-traction as traction\nsynthesizing acme-traction as growth\n');
  });

  it('sizes a pin the next stage refuses as that stage does, and says which pin to change and to what', async () => {
    // growth pins cache.t4g.medium, which the scale stage's Redis Cluster auto scaling does not support.
    // Run from the example product, the CLI takes the root whose cdktf.json points at it (config/project.ts).
    const [file] = environmentFiles(['growth'], PROJECT_ROOT);
    const [growth] = loadEnvironments([file], PROJECT_ROOT);
    const pinned = growth.config.cache!.nodeType!;
    const { nodeType: _pin, ...cache } = growth.config.cache!;
    const [asScale] = sizeEnvironments([resolveEnvironment({ ...growth.config, stage: 'scale', cache }, growth.sourceFile)]);
    const scaleNodeType = asScale.blueprint.redis.nodeType;
    expect(scaleNodeType).not.toBe(pinned);

    const result = await run(EXAMPLES_ROOT, 'review', '--to-stage', 'scale', '--env', 'growth', '--format', 'json');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('synthesizing acme-growth as growth\nsynthesizing acme-growth as scale, without its pinned cache.nodeType (see the notes)\n');
    const report = JSON.parse(result.stdout);
    expect(report.notes).toContain(
      `As scale, acme-growth cannot keep a pinned size: cache.nodeType: "${pinned}" does not fit scale (ElastiCache auto scaling supports node families r7g, r6g, r6gd, r5, m7g, m6g, m5, c7gn in sizes large, xlarge, 2xlarge; pick one of those or set autoscaling.redis.enabled: false); the review uses scale's own size, ${scaleNodeType}. Before moving ${growth.sourceFile} to scale, set cache.nodeType: ${scaleNodeType} (or remove it).`,
    );
    // The head is scale with that size: the Redis node type moves from the pin to it.
    const redis = report.stacks
      .flatMap((s: { changes: Array<{ type: string; attributes: Array<{ path: string; before: unknown; after: unknown }> }> }) => s.changes)
      .filter((c: { type: string }) => c.type === 'aws_elasticache_replication_group')
      .flatMap((c: { attributes: Array<{ path: string; before: unknown; after: unknown }> }) => c.attributes.filter((a) => a.path === 'node_type'));
    expect(redis.map((a: { before: unknown; after: unknown }) => [a.before, a.after])).toEqual([[pinned, scaleNodeType]]);
  });

  it("keeps every pin of the environment's own stage: a pin it refuses is the file's error", async () => {
    const project = mkdtempSync(join(tmpdir(), 'stagecraft-review-pin-'));
    mkdirSync(join(project, 'environments'));
    copyExampleServices(project);
    writeFileSync(join(project, 'environments', 'tiny.yaml'), `${LAUNCH.replace('stage: launch', 'stage: scale')}cache:\n  nodeType: cache.t4g.medium\n`);
    const result = await run(project, 'review', '--from-stage', 'scale', '--to-stage', 'hyperscale', '--env', 'tiny');
    rmSync(project, { recursive: true, force: true });
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toBe(
      'environments/tiny.yaml: cache.nodeType: as stage scale: ElastiCache auto scaling supports node families r7g, r6g, r6gd, r5, m7g, m6g, m5, c7gn in sizes large, xlarge, 2xlarge; pick one of those or set autoscaling.redis.enabled: false; received "cache.t4g.medium"\n',
    );
  });
});
