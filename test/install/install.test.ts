/**
 * The package as a team installs it (issue 18): `npm pack` of this repository, a fresh project
 * elsewhere that installs the tarball offline (from this machine's npm cache, through a lock made
 * from this repository's: test/install/lockfile.ts), then `npx stagecraft init` and every command,
 * and `npx cdktf synth`, against the project's own files, from a subfolder. Then the photo-sharing
 * product of issue 18 (test/fixtures/photo-sharing) in a repository of its own, on the same install:
 * both synths, its own images only, its web and api routed, its nightly job scheduled, sized from its
 * own services. Slow (a few minutes: the install dominates), so it is its own suite:
 * `npm run test:install`, part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../helpers/examples';
import { appliedObjects } from '../helpers/kubernetes-typed';
import { fromTerraformLiteral } from '../../synthesis/terraform-literal';
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

type Json = Record<string, any>;

/** The photo-sharing fixture's service files, parsed. */
const PHOTO_FIXTURE = join(PROJECT_ROOT, 'test', 'fixtures', 'photo-sharing');
function photoServices(): Json[] {
  const dir = join(PHOTO_FIXTURE, 'services');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parse(readFileSync(join(dir, f), 'utf8')) as Json);
}
function photoEnvironment(name: string): Json {
  return parse(readFileSync(join(PHOTO_FIXTURE, 'environments', `${name}.yaml`), 'utf8')) as Json;
}
/** The hostnames a fixture service's public port routes: `apex` is the domain itself. */
const routedHosts = (service: Json, domain: string): string[] =>
  service.ports.filter((p: Json) => p.public).flatMap((p: Json) => p.route.hosts.map((h: string) => (h === 'apex' ? domain : `${h}.${domain}`)));
/** Every container image reference in a synthesis text (registry/owner/name:tag). */
const imagesIn = (text: string): string[] => [...new Set(text.match(/\b[a-z0-9.-]+\.[a-z]+\/[a-z0-9._/-]+:[\w.-]+/g) ?? [])].sort();

describe('the photo-sharing product in a repository of its own, on the same install', () => {
  let photos: string;
  const services = photoServices();
  const growth = photoEnvironment('photos-growth');
  const launch = photoEnvironment('photos-launch');
  const traction = photoEnvironment('photos-traction');
  const onStage = (stage: string) => services.filter((s) => s.stages.includes(stage));
  const outputs: Record<string, string> = {};

  beforeAll(() => {
    photos = join(scratch, 'photoshare-infra');
    mkdirSync(photos);
    // The install of photo-infra, shared: a second `npm install` of the same lock would install the same files.
    symlinkSync(join(project, 'node_modules'), join(photos, 'node_modules'), 'dir');
    ok('npx stagecraft init (photos)', photos, 'npx', 'stagecraft', 'init');
    for (const folder of ['environments', 'services']) {
      rmSync(join(photos, folder), { recursive: true });
      cpSync(join(PHOTO_FIXTURE, folder), join(photos, folder), { recursive: true });
    }
    ok('npx stagecraft synth (photos)', photos, 'npx', 'stagecraft', 'synth');
    // Beside cdktf.out, so the stacks' relative backend paths are the same and the files comparable byte for byte.
    ok('npx cdktf synth (photos)', photos, 'npx', 'cdktf', 'synth', '--output', 'cdktf-synth');
    outputs['stagecraft synth'] = join(photos, 'cdktf.out');
    outputs['cdktf synth'] = join(photos, 'cdktf-synth');
  }, 10 * 60_000);

  it('writes the same stacks, byte for byte, through stagecraft synth and cdktf synth', () => {
    const stacks = (out: string) => readdirSync(join(out, 'stacks')).sort();
    const expected = [launch, traction, growth].flatMap((env) => [
      `${env.name}-edge`,
      ...env.regions.flatMap((region: string) => [
        `${env.name}-${region}`,
        ...(env.stage === 'launch' || env.stage === 'traction' ? [] : [`${env.name}-${region}-apps`]),
      ]),
    ]);
    expect(stacks(outputs['stagecraft synth'])).toEqual(expected.sort());
    expect(stacks(outputs['cdktf synth'])).toEqual(expected);
    for (const stack of expected) {
      const text = (out: string) => readFileSync(join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8');
      expect([stack, text(outputs['cdktf synth']) === text(outputs['stagecraft synth'])]).toEqual([stack, true]);
    }
  });

  describe.each(['stagecraft synth', 'cdktf synth'])('through %s', (synth) => {
    const stack = (name: string): Json => JSON.parse(readFileSync(join(outputs[synth], 'stacks', name, 'cdk.tf.json'), 'utf8'));
    const stackText = (env: Json) =>
      readdirSync(join(outputs[synth], 'stacks'))
        .filter((s) => s.startsWith(`${env.name}-`))
        .map((s) => fromTerraformLiteral(readFileSync(join(outputs[synth], 'stacks', s, 'cdk.tf.json'), 'utf8')))
        .join('\n');

    it("runs only the product's own images: every service of the stage, no example's", () => {
      for (const env of [launch, traction, growth]) {
        const own = onStage(env.stage).map((s) => s.image as string);
        const text = stackText(env);
        expect([env.name, own.filter((image) => !text.includes(image))]).toEqual([env.name, []]);
        // Any other image is the platform's (registry.k8s.io, public.ecr.aws, docker.io), never an application's.
        const others = imagesIn(text).filter((image) => !own.includes(image));
        expect([env.name, others.filter((image) => /^ghcr\.io\//.test(image))]).toEqual([env.name, []]);
        expect(text).not.toMatch(/ghcr\.io\/(acme|example)\//);
      }
    });

    it('routes web and api on the growth load balancer: a listener rule per public service, by host', () => {
      const rules = Object.values(stack(`${growth.name}-edge`).resource.aws_lb_listener_rule as Json) as Json[];
      const routes = rules.map((rule) => ({
        service: rule.tags['stagecraft:service'],
        hosts: rule.condition.find((c: Json) => c.host_header).host_header.values,
        forwardsToItsTargetGroup:
          rule.action[0].type === 'forward' && String(rule.action[0].target_group_arn).includes(`target-${rule.tags['stagecraft:service']}-`),
      }));
      const publicServices = onStage('growth').filter((s) => (s.ports ?? []).some((p: Json) => p.public));
      expect(publicServices.map((s) => s.name).sort()).toEqual(['api', 'web']);
      expect(routes.sort((a, b) => a.service.localeCompare(b.service))).toEqual(
        publicServices
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((s) => ({ service: s.name, hosts: routedHosts(s, growth.domain), forwardsToItsTargetGroup: true })),
      );
    });

    it("routes web and api on the launch host: the host proxy's server per host proxies to its service's port", () => {
      const objects = Object.values(stack(`${launch.name}-${launch.regions[0]}`).resource.aws_s3_object as Json) as Json[];
      const nginx = fromTerraformLiteral(String(objects.find((o) => String(o.key).endsWith('/nginx.conf'))!.content));
      // The upstream is a variable, so nginx resolves the service through Docker's DNS on each request.
      const proxied = [...nginx.matchAll(/server_name ([^;]+);\s*location \/ \{\s*set \$upstream ([\w-]+):(\d+);\s*proxy_pass http:\/\/\$upstream;/g)].map(
        ([, host, service, port]) => ({
          host,
          target: `${service}:${port}`,
        }),
      );
      const expected = onStage('launch')
        .filter((s) => (s.ports ?? []).some((p: Json) => p.public))
        .flatMap((s) => routedHosts(s, launch.domain).map((host) => ({ host, target: `${s.name}:${s.ports.find((p: Json) => p.public).port}` })));
      expect(proxied.sort((a, b) => a.host.localeCompare(b.host))).toEqual(expected.sort((a, b) => a.host.localeCompare(b.host)));
    });

    it('runs the nightly job on its schedule: a CronJob on the growth cluster, a systemd timer on the launch host', () => {
      const job = services.find((s) => s.kind === 'job')!;
      const objects = appliedObjects(stack(`${growth.name}-${growth.regions[0]}-apps`) as never);
      const cron = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === job.name)!;
      expect([cron.spec.schedule, cron.spec.timeZone]).toEqual([job.schedule, job.timeZone]);
      expect(objects.filter((o) => o.metadata.name === job.name && o.kind === 'Deployment')).toEqual([]);
      // On the host the timer is a file of the release, which stagecraft-release installs and enables after each up.
      const launchStack = stack(`${launch.name}-${launch.regions[0]}`).resource;
      const releaseObjects = Object.values(launchStack.aws_s3_object as Json) as Json[];
      const timer = fromTerraformLiteral(String(releaseObjects.find((o) => o.key === `release/stagecraft-job-${job.name}.timer`)?.content));
      const [minute, hour] = String(job.schedule).split(' ');
      expect(timer).toContain(`OnCalendar=*-*-* ${hour.padStart(2, '0')}:${minute.padStart(2, '0')}:00 ${job.timeZone}\n`);
      expect(JSON.stringify(launchStack.aws_ssm_association)).toContain(`stagecraft-job-${job.name}.timer`);
    });
  });

  it("npx stagecraft size sizes from the product's own services and their demand", () => {
    const size = JSON.parse(ok('npx stagecraft size (photos)', join(photos, 'services'), 'npx', 'stagecraft', 'size', '--env', growth.name, '--json')) as Json;
    const lines = size.components.services as Json[];
    expect(lines.map((l) => l.name).sort()).toEqual(
      onStage('growth')
        .map((s) => s.name)
        .sort(),
    );
    for (const service of onStage('growth')) {
      const line = lines.find((l) => l.name === service.name)!;
      // Each pod is the service's own request, not a constant of the engine.
      expect([service.name, line.cpu, line.memoryGiB]).toEqual([
        service.name,
        service.resources.requests.cpuMillis / 1000,
        service.resources.requests.memoryMiB / 1024,
      ]);
      const demand = service.demand as Json | undefined;
      if (demand?.driver === 'requests') {
        const peak = (size.dau * demand.requestsPerDailyUser * size.workload.peakFactor) / 86_400 / size.perRegionDivisor;
        expect([service.name, line.driver, line.peakPerRegion]).toEqual([service.name, 'requests', expect.closeTo(peak, 6)]);
        expect(line.reason).toContain(`× ${demand.requestsPerDailyUser} req/day`);
        expect(line.reason).toContain(`× ${demand.cpuMillisPerRequest} CPU-ms`);
      } else if (demand?.driver === 'queue') {
        const peak = (size.dau * demand.messagesPerDailyUser * size.workload.peakFactor) / 86_400 / size.perRegionDivisor;
        expect([service.name, line.driver, line.peakPerRegion]).toEqual([service.name, 'queue', expect.closeTo(peak, 6)]);
        expect(line.reason).toContain(`/ ${demand.messagesPerSecondPerPod} messages/s per pod`);
      } else {
        expect([service.name, line.driver]).toEqual([service.name, 'fixed']);
      }
    }
    // The nodes pack these pods: their count and their own requests.
    const pods = lines.reduce((sum, l) => sum + l.min, 0);
    const vcpu = lines.reduce((sum, l) => sum + l.min * l.cpu, 0);
    expect(size.components.nodes.reason).toContain(`: min pods (${pods}) request ${vcpu} vCPU`);
  });
});
