/**
 * The cdktf app (`cdktf synth|diff|deploy`) passes the same gate as `stagecraft synth`: what it
 * refuses, it refuses with exit 2 and one line per problem, before writing anything.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cdktfApp } from '../../cli/cdktf-app';
import { copyExampleServices } from '../helpers/services';

class Exit extends Error {
  constructor(readonly code: number | undefined) {
    super(`exit ${code}`);
  }
}

/** Runs the app in a temporary project holding `environment`; returns what it printed and its exit code. */
function runApp(environment: string): { code: number | undefined; stderr: string; outdir: string } {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-cdktf-app-'));
  mkdirSync(join(root, 'environments'));
  copyExampleServices(root);
  writeFileSync(join(root, 'environments', 'env.yaml'), environment);
  const outdir = join(root, 'cdktf.out');
  let stderr = '';
  const cwd = process.cwd();
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((text) => ((stderr += String(text)), true));
  const exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Exit(code as number | undefined);
  });
  process.env.CDKTF_OUTDIR = outdir;
  process.chdir(root);
  try {
    cdktfApp();
    return { code: 0, stderr, outdir };
  } catch (error) {
    if (error instanceof Exit) return { code: error.code, stderr, outdir };
    throw error;
  } finally {
    process.chdir(cwd);
    delete process.env.CDKTF_OUTDIR;
    write.mockRestore();
    exit.mockRestore();
  }
}

describe('the cdktf app', () => {
  it('refuses a production stage with local state: exit 2, the same message as stagecraft synth, nothing written', () => {
    const result = runApp('name: big-scale\nstage: scale\nregions: [us-west-2]\ndomain: big.example.com\n');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^environments\/env\.yaml: backend: stage scale keeps Terraform state remotely .*; received no backend\n$/);
    expect(existsSync(result.outdir)).toBe(false);
  });

  it('refuses pod scaling the sizing cannot honour, as stagecraft synth does', () => {
    // A minimum above the sized maximum: the check stagecraft synth ran and the cdktf app skipped before.
    const result = runApp(
      'name: tiny-growth\nstage: growth\nregions: [us-east-1]\ndomain: tiny.example.com\naws:\n  accountId: "111122223333"\n' +
        'workload:\n  mau: 3000000\nautoscaling:\n  api: { min: 500 }\n',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^environments\/env\.yaml: autoscaling\.api\.min: 500 is above the max of \d+ pods from the sizing of its requests demand/);
    expect(existsSync(result.outdir)).toBe(false);
  });
});
