/** `stagecraft readiness` end to end: text, JSON, exit codes, --help and bad input by exact message. */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { project, run, TINY_LAUNCH } from '../helpers/cli';
import { ALL_ITEMS } from '../../readiness/items';

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
});
