/** `stagecraft check` end to end: fresh or given synthesis, findings and exit codes, levels, bad input by exact message. */
import { STAGECRAFT_PACK } from '../../policies/packs/stagecraft';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main';
import { Io } from '../../cli/command';
import { TINY_LAUNCH_TRUSTED } from '../helpers/cli';
import { copyExampleServices } from '../helpers/services';

async function run(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const LAUNCH = TINY_LAUNCH_TRUSTED;
const STACK = 'tiny-launch-us-east-1';

let root: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagecraft-check-'));
  mkdirSync(join(root, 'environments'));
  copyExampleServices(root);
  writeFileSync(join(root, 'environments', 'tiny.yaml'), LAUNCH);
  expect((await run(root, 'synth', '--out', 'base')).code).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the base synthesis with the regional stack's JSON changed by `edit`. */
function mutated(name: string, edit: (stack: { resource: Record<string, Record<string, Record<string, unknown>>> }) => void): string {
  const dir = join(root, name);
  cpSync(join(root, 'base'), dir, { recursive: true });
  const file = join(dir, 'stacks', STACK, 'cdk.tf.json');
  const stack = JSON.parse(readFileSync(file, 'utf8'));
  edit(stack);
  writeFileSync(file, JSON.stringify(stack));
  return name;
}

describe('stagecraft check', () => {
  it('synthesizes afresh without --out and exits 0 with no findings', async () => {
    const result = await run(root, 'check');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('synthesizing 1 environment(s) into a temporary directory\n');
    expect(result.stdout).toContain('tiny-launch (launch): 2 stacks, 0 errors, 0 warnings, 4 suppressed\n');
    expect(result.stdout).toMatch(
      new RegExp(`^checked 2 stacks with ${STAGECRAFT_PACK.rules.length} rules in \\d+ ms: 0 errors, 0 warnings, 4 suppressed`, 'm'),
    );
  });

  it('synthesizes into --out when it does not exist yet, and reads it afterwards', async () => {
    const first = await run(root, 'check', '--out', 'fresh', '--env', 'tiny');
    expect(first.code).toBe(0);
    expect(existsSync(join(root, 'fresh', 'manifest.json'))).toBe(true);
    const second = await run(root, 'check', '--out', 'fresh');
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
  });

  it('exits 1 on an error-level finding and prints stack, address, rule, level and message', async () => {
    const out = mutated('open', (stack) => {
      stack.resource.aws_vpc_security_group_ingress_rule.ssh = {
        security_group_id: 'sg-1',
        cidr_ipv4: '0.0.0.0/0',
        ip_protocol: 'tcp',
        from_port: 22,
        to_port: 22,
      };
    });
    const result = await run(root, 'check', '--out', out);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toBe(
      `error   ${STACK} aws_vpc_security_group_ingress_rule.ssh SC-PUB-1 SecurityGroupNoWorldIngress: admits 0.0.0.0/0 on port 22; admit security groups or a prefix list (Cloudflare's ranges) instead`,
    );
    const json = JSON.parse((await run(root, 'check', '--out', out, '--json')).stdout);
    expect(json.findings).toEqual([expect.objectContaining({ stack: STACK, ruleId: 'SC-PUB-1', level: 'error', status: 'non-compliant' })]);
    expect(json.environments).toEqual([{ name: 'tiny-launch', stage: 'launch', stacks: 2, errors: 1, warnings: 0, suppressed: 4 }]);
  });

  it('fails on warnings only with --level warning', async () => {
    const out = mutated('warn', (stack) => {
      for (const group of Object.values(stack.resource.aws_cloudwatch_log_group)) delete group.retention_in_days;
    });
    const lenient = await run(root, 'check', '--out', out);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(
      /^warning tiny-launch-us-east-1 aws_cloudwatch_log_group\.\S+ SC-LOG-10 LogGroupRetention: retention_in_days is not set; set a retention/m,
    );
    expect((await run(root, 'check', '--out', out, '--level', 'warning')).code).toBe(1);
  });

  it('exits 2 on a suppression without a reason, with the exact message', async () => {
    const out = mutated('reasonless', (stack) => {
      const bucket = Object.values(stack.resource.aws_s3_bucket).find((b) =>
        (b['//'] as { metadata: { path: string } }).metadata.path.endsWith('/logs/bucket'),
      );
      if (!bucket) throw new Error('no log bucket');
      (bucket['//'] as Record<string, unknown>)['stagecraft:suppress'] = [{ ruleId: 'SC-LOG-9', reason: '' }];
    });
    const result = await run(root, 'check', '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tiny-launch-us-east-1: aws_s3_bucket\.\S+: suppression of SC-LOG-9 has no reason; write why the finding does not apply\n$/);
    expect(result.stdout).toBe('');
  });

  it('exits 2 on bad input with exact messages', async () => {
    expect(await run(root, 'check', '--level', 'info')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'stagecraft check: --level: "info" is not a level; allowed: error, warning\n',
    });
    mkdirSync(join(root, 'empty'), { recursive: true });
    expect((await run(root, 'check', '--out', 'empty')).stderr).toBe(
      'stagecraft check: --out: empty is not a synthesis: it has no manifest.json (run `stagecraft synth --out empty`)\n',
    );
    expect((await run(root, 'check', '--out', 'base', '--env', 'nope')).stderr).toBe(
      'nope: (root): no such environment file or name; known environments: tiny (tiny-launch)\n',
    );
  });
});
