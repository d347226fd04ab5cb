/** `stagecraft synth` on bad service definitions and scaling rules: exit 2, exact messages, output untouched. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../helpers/cli';
import { catalogProject } from '../helpers/services';

const LAUNCH = 'name: tiny-launch\nstage: launch\nregions: [us-east-1]\ndomain: tiny.example.com\n';

/** A project with the catalog (changed) and one environment, plus an earlier output to keep. */
function projectWith(environment: string, changes: Parameters<typeof catalogProject>[0] = {}): string {
  const root = catalogProject(changes);
  writeFileSync(join(root, 'environments', 'tiny.yaml'), environment);
  mkdirSync(join(root, 'cdktf.out'));
  writeFileSync(join(root, 'cdktf.out', 'previous.txt'), 'untouched');
  return root;
}

function expectOutputUntouched(root: string): void {
  expect(readFileSync(join(root, 'cdktf.out', 'previous.txt'), 'utf8')).toBe('untouched');
  expect(existsSync(join(root, 'cdktf.out', 'manifest.json'))).toBe(false);
}

describe('stagecraft synth --services', () => {
  it('synthesizes with a catalog from another directory', async () => {
    const root = projectWith(LAUNCH);
    const result = await run(root, 'synth', '--services', 'services', '--out', 'build');
    expect(result.stderr).toContain('synth tiny-launch (launch): 2 stacks');
    expect(result.code).toBe(0);
  });

  it('exits 2 listing every problem of every service file, and leaves the output as it was', async () => {
    const root = projectWith(LAUNCH, {
      'api.yaml': (text) =>
        text.replace('limits: { cpuMillis: 2000, memoryMiB: 2048 }', 'limits: { cpuMillis: 500, memoryMiB: 2048 }').replace(':1.14.2', ':latest'),
      'delivery-worker.yaml': (text) =>
        text.replace('  min: 2\n  max: 20', '  min: 30\n  max: 20').replace('calls: [websocket-gateway]', 'calls: [push-gateway]'),
      'archive-worker.yaml': (text) => text.replace('  - { name: health, port: 8081 }', '  - { name: health, port: 8081 }\n  - { name: metrics, port: 8081 }'),
    });
    const result = await run(root, 'synth', '--services', 'services');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'services/api.yaml: image: "ghcr.io/acme/api:latest" uses the moving tag "latest"; pin a version tag or a digest (e.g. ghcr.io/acme/api:1.14.2)',
        'services/archive-worker.yaml: ports[1].port: 8081 is already used by ports[0] (health); each port may be used once',
        'services/delivery-worker.yaml: scaling.min: 30 must not exceed scaling.max (20)',
        'services/delivery-worker.yaml: calls[0]: "push-gateway" is not a service of the catalog; allowed: analytics-worker, api, archive-worker, moderation-worker, websocket-gateway',
      ].join('\n') + '\n',
    );
    expectOutputUntouched(root);
  });

  it('exits 2 on a limit below its request', async () => {
    const root = projectWith(LAUNCH, {
      'api.yaml': (text) => text.replace('limits: { cpuMillis: 2000, memoryMiB: 2048 }', 'limits: { cpuMillis: 2000, memoryMiB: 256 }'),
    });
    const result = await run(root, 'synth', '--services', 'services');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('services/api.yaml: resources.limits.memoryMiB: 256 is below the request 2048; a limit must be ≥ its request\n');
    expectOutputUntouched(root);
  });

  it('exits 2 when an environment enables a service its stage cannot host', async () => {
    const root = projectWith(`${LAUNCH}services:\n  analytics-worker: { enabled: true }\n`);
    const result = await run(root, 'synth', '--services', 'services');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'environments/tiny.yaml: services.analytics-worker.enabled: launch cannot host analytics-worker; it runs on growth, scale, hyperscale, massive (services/analytics-worker.yaml: stages)\n',
    );
    expectOutputUntouched(root);
  });

  it('exits 2 when an autoscaling override crosses the range the sizing derived', async () => {
    const growth = 'name: tiny-growth\nregions: [us-east-1]\ndomain: tiny.example.com\nworkload:\n  mau: 3000000\nautoscaling:\n  websocket: { max: 1 }\n';
    const root = projectWith(growth);
    const result = await run(root, 'synth', '--services', 'services');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^environments\/tiny\.yaml: autoscaling\.websocket\.max: 1 is below the min of \d+ pods from the sizing of its connections demand \(Blueprint\.services\.websocket-gateway\); allowed: \d+ to 5000, or set autoscaling\.websocket\.min too\n$/,
    );
    expectOutputUntouched(root);
  });
});
