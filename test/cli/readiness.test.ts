/** `stagecraft readiness` end to end: text, JSON, exit codes, --help and bad input by exact message. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { project, run, TINY_LAUNCH } from '../helpers/cli';
import { ALL_ITEMS } from '../../readiness/items';
import { synthesizeExamples, EXAMPLES_ROOT } from '../helpers/examples';

let root: string;
beforeAll(() => {
  root = project({ 'environments/tiny.yaml': TINY_LAUNCH });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('stagecraft readiness', () => {
  it('prints --help with the marks and exit codes', async () => {
    const result = await run(root, 'readiness', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: stagecraft readiness [--env <name-or-path>]... [--from <dir>] [--runbooks <dir>] [--json]');
    expect(result.stdout).toContain('Exit code: 0 when no applicable item is missing, 1 otherwise, 2 on bad input.');
  });

  it('prints one JSON document with every item for every environment', async () => {
    const result = await run(root, 'readiness', '--json');
    const doc = JSON.parse(result.stdout);
    expect(doc.environments.map((e: any) => e.environment)).toEqual(['tiny-launch']);
    expect(doc.environments[0].items.map((i: any) => i.id)).toEqual(ALL_ITEMS.map((i) => i.id));
    const missing = doc.environments[0].items.filter((i: any) => i.outcome.status === 'missing');
    expect(result.code).toBe(missing.length > 0 ? 1 : 0);
    expect(doc.environments[0].ready).toBe(missing.length === 0);
  });

  it('writes one runbook page per environment with --runbooks', async () => {
    const result = await run(root, 'readiness', '--runbooks', 'runbooks');
    expect(result.stderr).toContain('wrote 1 runbook page(s) to runbooks\n');
    const page = readFileSync(join(root, 'runbooks', 'tiny-launch.md'), 'utf8');
    expect(page).toContain('# Runbooks: tiny-launch (launch)');
    expect(page).toContain('- `tiny-launch-us-east-1-host-0-status-check-failed`');
  });

  it('exits 2 with the exact message for an unknown environment', async () => {
    const result = await run(root, 'readiness', '--env', 'nope');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('nope: (root): no such environment file or name; known environments: tiny (tiny-launch)\n');
    expect(result.stdout).toBe('');
  });

  it('passes on all six examples, and exits 1 once an item is taken out of a stack', async () => {
    const { outdir } = synthesizeExamples();
    const all = await run(EXAMPLES_ROOT, 'readiness', '--from', outdir);
    expect(all.stdout).toContain('6 of 6 environments ready\n');
    expect(all.code).toBe(0);
    const file = join(outdir, 'stacks', 'acme-growth-us-east-1', 'cdk.tf.json');
    const stack = JSON.parse(readFileSync(file, 'utf8'));
    delete stack.resource.aws_cloudwatch_dashboard;
    writeFileSync(file, JSON.stringify(stack));
    const edited = await run(EXAMPLES_ROOT, 'readiness', '--from', outdir, '--env', 'growth');
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain(
      '    ✗ RDY-10 Dashboard per environment: traffic, errors, latency, saturation and graduation signals\n        acme-growth-us-east-1: no CloudWatch dashboard\n',
    );
    expect(edited.stdout).toContain('0 of 1 environments ready; not ready: acme-growth\n');
  });
});
