/**
 * `stagecraft init` starts a project in a team's own folder, never overwriting a file; and every
 * command then reads that project's environments and services (never the example product's),
 * from the project root found from any subfolder.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { run } from '../helpers/cli';
import { PROJECT_ROOT } from '../helpers/examples';

const STARTER = ['cdktf.json', 'environments/launch.yaml', 'services/api.yaml', 'services/worker.yaml'];

/** Every file under `dir`, relative, sorted. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tree(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort();
}

describe('stagecraft init', () => {
  it('writes a starter environment, two services and a cdktf.json that runs the precompiled app', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-init-'));
    const result = await run(dir, 'init');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 4)).toEqual(STARTER.map((f) => `wrote ${f}`));
    expect(tree(dir)).toEqual(STARTER);
    const cdktf = JSON.parse(readFileSync(join(dir, 'cdktf.json'), 'utf8'));
    expect(cdktf).toMatchObject({ language: 'typescript', sendCrashReports: 'false', context: {} });
    const app = /^node (\S+)$/.exec(cdktf.app)![1];
    expect(resolve(dir, app)).toBe(join(PROJECT_ROOT, 'bin', 'cdktf-app.js'));
    expect(cdktf.projectId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes nothing when any starter file exists, names each one, and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-init-'));
    mkdirSync(join(dir, 'services'));
    writeFileSync(join(dir, 'services', 'api.yaml'), 'mine\n');
    writeFileSync(join(dir, 'cdktf.json'), '{"app": "mine"}\n');
    const message = 'already exists; stagecraft init writes only new files (nothing was written): move it away, or edit the project yourself';
    expect(await run(dir, 'init')).toEqual({
      code: 2,
      stdout: '',
      stderr: `cdktf.json: (root): ${message}\nservices/api.yaml: (root): ${message}\n`,
    });
    expect(tree(dir)).toEqual(['cdktf.json', 'services/api.yaml']);
    expect(readFileSync(join(dir, 'services', 'api.yaml'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(dir, 'cdktf.json'), 'utf8')).toBe('{"app": "mine"}\n');
  });

  it('writes --account-id as aws.accountId of the starter environment, and refuses one that is not 12 digits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-init-'));
    expect((await run(dir, 'init', '--account-id', '123456789012')).code).toBe(0);
    const environment = readFileSync(join(dir, 'environments', 'launch.yaml'), 'utf8');
    expect(environment).toContain('\naws:\n  accountId: "123456789012"\n');
    expect(environment).not.toContain('# aws:');
    const other = mkdtempSync(join(tmpdir(), 'stagecraft-init-'));
    expect(await run(other, 'init', '--account-id', '1234')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'stagecraft init: --account-id: a 12-digit AWS account ID (e.g. 123456789012); received "1234"\n',
    });
    expect(readdirSync(other)).toEqual([]);
  });

  it('starts the project in --dir, relative to the working folder, and a second run refuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-init-'));
    const first = await run(dir, 'init', '--dir', 'infra', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ project: join(dir, 'infra'), written: STARTER.map((f) => `infra/${f}`) });
    const again = await run(dir, 'init', '--dir', 'infra');
    expect(again.code).toBe(2);
    expect(again.stderr.split('\n')[0]).toBe(
      'infra/cdktf.json: (root): already exists; stagecraft init writes only new files (nothing was written): move it away, or edit the project yourself',
    );
  });
});

describe('the starter at launch', () => {
  it('sizes one container of each service on the host, not a pod range the host never runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-init-'));
    expect((await run(dir, 'init')).code).toBe(0);
    const result = await run(dir, 'size', '--env', 'launch');
    expect(result.code).toBe(0);
    const onHost = 'launch runs one container of it on each host (docker compose, no autoscaling); on a cluster it would run';
    expect(result.stdout).toMatch(new RegExp(`^api container +1 on the host +${onHost.replace(/[()]/g, '\\$&')} 1–1 pods: `, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^worker container +1 on the host +${onHost.replace(/[()]/g, '\\$&')} \\d+–\\d+ pods: `, 'm'));
    expect(result.stdout).not.toMatch(/^\S+ pods /m);
    const json = JSON.parse((await run(dir, 'size', '--env', 'launch', '--json')).stdout);
    expect(json.components.services.map((s: { name: string; runsOn: string }) => [s.name, s.runsOn])).toEqual([
      ['api', 'hosts'],
      ['worker', 'hosts'],
    ]);
  });
});

describe("a project's own services, from any subfolder", () => {
  let root: string;
  let sub: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'stagecraft-own-'));
    expect((await run(root, 'init')).code).toBe(0);
    sub = join(root, 'docs', 'notes');
    mkdirSync(sub, { recursive: true });
    expect((await run(sub, 'synth')).code).toBe(0);
  }, 120_000);

  it('synth writes cdktf.out at the project root with only the project images', () => {
    expect(existsSync(join(sub, 'cdktf.out'))).toBe(false);
    const stack = readFileSync(join(root, 'cdktf.out', 'stacks', 'myapp-launch-us-east-1', 'cdk.tf.json'), 'utf8');
    expect(stack).toContain('ghcr.io/example/api:0.1.0');
    expect(stack).toContain('ghcr.io/example/worker:0.1.0');
    expect(stack).not.toContain('ghcr.io/acme/');
  });

  it('graph, size and review read the same services: the worker is there, the example product is not', async () => {
    writeFileSync(join(root, 'environments', 'growth.yaml'), 'name: myapp-growth\nstage: growth\nregions: [us-east-1]\ndomain: growth.example.com\n');
    const graph = await run(sub, 'graph', '--env', 'growth');
    expect(graph.code).toBe(0);
    expect(graph.stdout).toMatch(/"worker 1–10 pods<br\/><small>HPA on cpu 70%<\/small>"/);
    expect(graph.stdout).not.toContain('websocket-gateway');
    const size = await run(sub, 'size', '--env', 'launch', '--json');
    expect(size.code).toBe(0);
    expect(size.stdout).not.toContain('websocket-gateway');
    const review = await run(sub, 'review', '--from-stage', 'launch', '--to-stage', 'traction', '--env', 'launch', '--format', 'json');
    expect(review.code).toBe(1);
    expect(review.stdout).toContain('ghcr.io/example/worker:0.1.0');
    expect(review.stdout).not.toContain('ghcr.io/acme/');
  }, 120_000);

  it('starts a web service and a worker the way a product writes them: kind, demand and a declared secret, sized from that demand', async () => {
    const api = parse(readFileSync(join(root, 'services', 'api.yaml'), 'utf8'));
    const worker = parse(readFileSync(join(root, 'services', 'worker.yaml'), 'utf8'));
    expect([api.kind, api.demand.driver, api.secrets]).toEqual(['web', 'requests', ['SESSION_SIGNING_KEY']]);
    expect([worker.kind, worker.demand.driver, worker.secrets]).toEqual(['worker', 'fixed', ['EMAIL_API_KEY']]);
    const size = await run(sub, 'size', '--env', 'launch');
    expect(size.code).toBe(0);
    expect(size.stdout).toContain('services: api (requests), worker (fixed); each sized from its own demand and requests (services/<name>.yaml)\n');
    // The secrets are declared in Secrets Manager by name (their values are put by the operator).
    const stack = readFileSync(join(root, 'cdktf.out', 'stacks', 'myapp-launch-us-east-1', 'cdk.tf.json'), 'utf8');
    expect(stack).toContain('myapp-launch/api/SESSION_SIGNING_KEY');
    expect(stack).toContain('myapp-launch/worker/EMAIL_API_KEY');
  }, 120_000);

  it("check reads the project's synthesis and fails the starter only on the deployer's origin-pull step", async () => {
    // The zone's client certificate is a deploy-time step no starter can take (docs/origin-trust.md).
    const check = await run(sub, 'check', '--out', 'cdktf.out');
    expect(check.stderr).not.toContain('services:');
    expect(check.code).toBe(1);
    expect(check.stdout.split('\n').filter((line) => line.startsWith('error'))).toEqual([
      expect.stringMatching(/^error {3}\S+-launch-edge \(stack\) SC-PUB-12 ZoneAuthenticatedOriginPulls: .*set edge\.originPullCa \(docs\/origin-trust\.md\)$/),
    ]);
  }, 120_000);
});
