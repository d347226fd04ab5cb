/**
 * The package as a team installs it (issue 18): `npm pack` of this repository, a fresh project
 * elsewhere that installs the tarball offline (from this machine's npm cache, through a lock made
 * from this repository's: test/install/lockfile.ts), then `npx stagecraft init` and every command,
 * and `npx cdktf synth`, against the project's own files, from a subfolder. Slow (a few minutes:
 * the install dominates), so it is its own suite: `npm run test:install`, part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/examples';
import { consumerLock } from './lockfile';

/** The environment of every child: no npm_* variables of the `npm test` that runs jest (they would point npm at this repository), offline, no telemetry. */
function childEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0' };
}

const timings: Record<string, number> = {};

/** Runs `command args` in `cwd`; returns exit code and output, and records how long it took under `label`. */
function sh(label: string, cwd: string, command: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  timings[label] = Date.now() - started;
  return { code: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function ok(label: string, cwd: string, command: string, ...args: string[]): string {
  const result = sh(label, cwd, command, ...args);
  if (result.code !== 0) throw new Error(`${label}: ${command} ${args.join(' ')} exited ${result.code}:\n${result.stderr.slice(-3000)}`);
  return result.stdout;
}

let scratch: string;
let project: string;
let subfolder: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'stagecraft-install-'));
  const packed = join(scratch, 'packed');
  mkdirSync(packed);
  // npm pack runs `prepare`, which builds dist/cli.js: the tarball ships the bundle, not the sources.
  ok('npm pack', PROJECT_ROOT, 'npm', 'pack', '--pack-destination', packed);
  const [tarball] = readdirSync(packed).filter((f) => f.endsWith('.tgz'));
  project = join(scratch, 'photo-infra');
  mkdirSync(project);
  const { packageJson, lock } = consumerLock(PROJECT_ROOT, 'photo-infra', join(packed, tarball), ['cdktf-cli']);
  writeFileSync(join(project, 'package.json'), JSON.stringify(packageJson, null, 2) + '\n');
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
  ok('npm install --offline', project, 'npm', 'install', '--offline', '--no-audit', '--no-fund');
  subfolder = join(project, 'ops', 'notes');
  mkdirSync(subfolder, { recursive: true });
}, 20 * 60_000);

afterAll(() => {
  process.stderr.write(`install suite timings (ms): ${JSON.stringify(timings)}\n`);
  rmSync(scratch, { recursive: true, force: true });
});

describe('npm install of the packed tarball, in a project of its own', () => {
  it('installs the prebuilt bundle and the bin, without the TypeScript sources', () => {
    const installed = join(project, 'node_modules', 'stagecraft');
    expect(existsSync(join(installed, 'dist', 'cli.js'))).toBe(true);
    expect(existsSync(join(installed, 'bin', 'stagecraft.js'))).toBe(true);
    expect(existsSync(join(installed, 'cli', 'main.ts'))).toBe(false);
    expect(existsSync(join(installed, 'examples'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', '.bin', 'stagecraft'))).toBe(true);
  });

  it('npx stagecraft init writes the starter, and its cdktf.json runs the installed app', () => {
    const out = ok('npx stagecraft init', project, 'npx', 'stagecraft', 'init');
    expect(out).toContain('wrote cdktf.json\nwrote environments/launch.yaml\nwrote services/api.yaml\nwrote services/worker.yaml\n');
    expect(JSON.parse(readFileSync(join(project, 'cdktf.json'), 'utf8')).app).toBe('node node_modules/stagecraft/bin/cdktf-app.js');
    // The team's own image, as it would edit the starter.
    const api = join(project, 'services', 'api.yaml');
    writeFileSync(api, readFileSync(api, 'utf8').replace('ghcr.io/example/api:0.1.0', 'ghcr.io/photo/api:2.0.0'));
    const again = sh('npx stagecraft init (again)', project, 'npx', 'stagecraft', 'init');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('cdktf.json: (root): already exists; stagecraft init writes only new files');
  });

  it('npx stagecraft synth, from a subfolder, writes the project synthesis with only its own images', () => {
    ok('npx stagecraft synth', subfolder, 'npx', 'stagecraft', 'synth');
    const stack = readFileSync(join(project, 'cdktf.out', 'stacks', 'myapp-launch-us-east-1', 'cdk.tf.json'), 'utf8');
    expect(stack).toContain('ghcr.io/photo/api:2.0.0');
    expect(stack).toContain('ghcr.io/example/worker:0.1.0');
    expect(stack).not.toContain('ghcr.io/acme/');
  });

  it('npx stagecraft check, graph and report read the same project', () => {
    // The starter fails only the deployer's origin-pull step, which no starter can take (docs/origin-trust.md).
    const check = sh('npx stagecraft check', subfolder, 'npx', 'stagecraft', 'check');
    expect(check.code).toBe(1);
    expect(check.stdout.split('\n').filter((line) => line.startsWith('error'))).toEqual([expect.stringContaining(' SC-PUB-12 ZoneAuthenticatedOriginPulls: ')]);
    const graph = ok('npx stagecraft graph', subfolder, 'npx', 'stagecraft', 'graph', '--env', 'launch', '--json');
    expect(JSON.parse(graph)).toMatchObject({ environment: 'myapp-launch' });
    ok('npx stagecraft report', subfolder, 'npx', 'stagecraft', 'report', '--env', 'launch', '--out', 'site');
    expect(readFileSync(join(project, 'site', 'myapp-launch.html'), 'utf8')).toContain('myapp-launch');
  });

  it('npx stagecraft review compares two commits of the project, synthesized by the installed package', () => {
    writeFileSync(join(project, '.gitignore'), 'node_modules/\ncdktf.out/\nsite/\n');
    const git = (...args: string[]) => ok(`git ${args[0]}`, project, 'git', '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args);
    git('init', '--quiet');
    git('add', '-A');
    git('commit', '--quiet', '-m', 'infrastructure');
    const api = join(project, 'services', 'api.yaml');
    writeFileSync(api, readFileSync(api, 'utf8').replace('ghcr.io/photo/api:2.0.0', 'ghcr.io/photo/api:2.1.0'));
    git('commit', '--quiet', '-am', 'api 2.1.0');
    const review = sh(
      'npx stagecraft review',
      subfolder,
      'npx',
      'stagecraft',
      'review',
      '--base',
      'HEAD~1',
      '--head',
      'HEAD',
      '--env',
      'launch',
      '--format',
      'json',
    );
    expect(review.code).toBe(1);
    const report = JSON.parse(review.stdout);
    expect(report.summary).toMatchObject({ update: 1, replace: 0, delete: 0 });
    expect(JSON.stringify(report.stacks)).toContain('ghcr.io/photo/api:2.1.0');
  });

  it('npx cdktf synth (from the root: cdktf itself reads cdktf.json only there) runs the same app: the same stacks, the same images', () => {
    ok('npx cdktf synth', project, 'npx', 'cdktf', 'synth', '--output', join(scratch, 'cdktf-synth'));
    const stacks = readdirSync(join(scratch, 'cdktf-synth', 'stacks')).sort();
    expect(stacks).toEqual(['myapp-launch-edge', 'myapp-launch-us-east-1']);
    const stack = readFileSync(join(scratch, 'cdktf-synth', 'stacks', 'myapp-launch-us-east-1', 'cdk.tf.json'), 'utf8');
    expect(stack).toContain('ghcr.io/photo/api:2.1.0');
    expect(stack).not.toContain('ghcr.io/acme/');
  });
});
