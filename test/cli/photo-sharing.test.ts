/**
 * Issue 18, end to end: a photo-sharing product in a project of its own (test/fixtures/photo-sharing:
 * a Next.js web, a Go api, an image-resizing worker on a queue and a nightly job, with application
 * secrets) through `stagecraft synth`, `check` and `readiness`: the job is a CronJob on the cluster
 * and a systemd timer on the host, the secrets are Secrets Manager secrets without a value that only
 * their services may read, fetched at run time; a secret-shaped value in `env` is refused with exit 2.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from '../helpers/cli';
import { PROJECT_ROOT } from '../helpers/examples';
import { appliedObjects } from '../helpers/kubernetes-typed';
import { kubernetesSchemaProblems } from '../helpers/kubernetes';
import { podHardeningProblems } from '../helpers/pod-hardening';
import { userDataText } from '../helpers/host-user-data';
import { composeValidator } from '../helpers/compose-schema';
import { fromTerraformLiteral } from '../../synthesis/terraform-literal';
import { RELEASE_PREFIX } from '../../services/host-release';
import { FETCH_SECRETS_PATH, FETCH_SECRETS_SCRIPT } from '../../services/host-fetch-secrets';
import { hostDatabasePasswordFile } from '../../services/host-database-users';

const FIXTURE = join(PROJECT_ROOT, 'test', 'fixtures', 'photo-sharing');

function fixtureProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-photos-'));
  cpSync(FIXTURE, root, { recursive: true });
  return root;
}

type Json = Record<string, any>;
const stackJson = (root: string, stack: string): Json => JSON.parse(readFileSync(join(root, 'out', 'stacks', stack, 'cdk.tf.json'), 'utf8'));

describe('the photo-sharing product', () => {
  let root: string;
  beforeAll(async () => {
    root = fixtureProject();
    const synth = await run(root, 'synth', '--out', 'out');
    if (synth.code !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  }, 240_000);

  describe('on the growth cluster', () => {
    let objects: Json[];
    let regional: Json;
    beforeAll(() => {
      objects = appliedObjects(stackJson(root, 'photos-growth-eu-central-1-apps') as never);
      regional = stackJson(root, 'photos-growth-eu-central-1');
    });
    const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

    it('runs the nightly job as a CronJob, with nothing always on for it', () => {
      const cron = named('CronJob', 'nightly-digest')!;
      const spec = cron.spec;
      expect([spec.schedule, spec.timeZone, spec.concurrencyPolicy, spec.jobTemplate.spec.activeDeadlineSeconds, spec.jobTemplate.spec.backoffLimit]).toEqual([
        '30 3 * * *',
        'Europe/Berlin',
        'Forbid',
        5400,
        2,
      ]);
      expect(spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
      expect(objects.filter((o) => o.metadata.name === 'nightly-digest').map((o) => o.kind)).toEqual(
        expect.not.arrayContaining(['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']),
      );
      expect(kubernetesSchemaProblems(cron as never)).toEqual([]);
      expect(podHardeningProblems([cron as never])).toEqual([]);
    });

    it('gives the web, api and worker Deployments and the worker its CPU autoscaler', () => {
      expect(['web', 'api', 'resizer'].map((name) => named('Deployment', name)?.metadata.name)).toEqual(['web', 'api', 'resizer']);
      expect(named('HorizontalPodAutoscaler', 'resizer')?.spec.metrics.map((m: Json) => m.resource.name)).toEqual(['cpu']);
    });

    it("fetches each service's own secrets in an init container into memory, never as values", () => {
      const pod = named('Deployment', 'api')!.spec.template.spec;
      const [init] = pod.initContainers;
      const env = Object.fromEntries(init.env.map((e: Json) => [e.name, e.value]));
      const secretResources = Object.entries(regional.resource.aws_secretsmanager_secret as Json).filter(([, s]) =>
        String(s.name).startsWith('photos-growth/api/'),
      );
      expect(secretResources.map(([, s]) => s.name).sort()).toEqual(['photos-growth/api/STRIPE_SECRET_KEY', 'photos-growth/api/STRIPE_WEBHOOK_SECRET']);
      // The ARNs reach the apps stack as the regional stack's outputs.
      expect(
        [env.SECRET_ARN_0, env.SECRET_ARN_1].every((v) => /terraform_remote_state\.cross-stack-reference-input-photos-growth-eu-central-1\.outputs\./.test(v)),
      ).toBe(true);
      expect(pod.volumes.find((v: Json) => v.name === 'app-secrets')).toEqual({ name: 'app-secrets', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
      const main = pod.containers[0];
      expect(main.env.filter((e: Json) => e.name.endsWith('_FILE'))).toEqual([
        // api declares objectStorage: it writes the assets R2 bucket with the region's R2 writer credential.
        { name: 'R2_WRITER_FILE', value: '/run/secrets/R2_WRITER' },
        { name: 'STRIPE_SECRET_KEY_FILE', value: '/run/secrets/STRIPE_SECRET_KEY' },
        { name: 'STRIPE_WEBHOOK_SECRET_FILE', value: '/run/secrets/STRIPE_WEBHOOK_SECRET' },
      ]);
      expect(main.volumeMounts).toContainEqual({ name: 'app-secrets', mountPath: '/run/secrets', readOnly: true });
    });

    it('creates the secrets without a value, and lets each role read exactly its own', () => {
      const versions = Object.keys(regional.resource.aws_secretsmanager_secret_version ?? {});
      expect(versions.filter((v) => v.startsWith('app-secret'))).toEqual([]);
      const readable = (service: string) => {
        const policy = Object.entries(regional.resource.aws_iam_role_policy as Json).find(([id]) => id.startsWith(`service-${service}_data-stores_`));
        if (!policy) return [];
        const statements = JSON.parse(policy[1].policy).Statement as Json[];
        return statements.find((s) => s.Sid === 'ReadSecrets')?.Resource ?? [];
      };
      // The secret exists under that name, and the policy names it by the ARN built from the name (known
      // at plan time): the fixture's region and account, and the 6 characters Secrets Manager appends.
      const arnOf = (name: string) => {
        expect(Object.values(regional.resource.aws_secretsmanager_secret as Json).map((s) => s.name)).toContain(name);
        return `arn:aws:secretsmanager:eu-central-1:111122223333:secret:${name}-??????`;
      };
      expect(readable('api')).toEqual([
        arnOf('photos-growth/api/STRIPE_SECRET_KEY'),
        arnOf('photos-growth/api/STRIPE_WEBHOOK_SECRET'),
        arnOf('photos-growth/r2-writer'),
        // The api produces uploads: its own RabbitMQ user's password.
        arnOf('photos-growth/eu-central-1/rabbitmq-api'),
      ]);
      expect(readable('nightly-digest')).toEqual([arnOf('photos-growth/nightly-digest/SENDGRID_API_KEY')]);
      expect(readable('web')).toEqual([]);
    });
  });

  describe('on the launch host', () => {
    let config: Json;
    let compose: Json;
    let file: (path: string) => string;
    let released: (name: string) => string;
    const releaseObjects = () => Object.values(stackJson(root, 'photos-launch-eu-central-1').resource.aws_s3_object as Json) as Json[];
    beforeAll(() => {
      const [template] = Object.values(stackJson(root, 'photos-launch-eu-central-1').resource.aws_launch_template as Json);
      config = parse(userDataText(String(template.user_data)));
      file = (path: string) => config.write_files.find((f: Json) => f.path === path)?.content;
      released = (name: string) => fromTerraformLiteral(String(releaseObjects().find((o) => o.key === `${RELEASE_PREFIX}/${name}`)!.content));
      // The compose file is the host's release (an S3 object State Manager applies), not cloud-init.
      const objects = Object.values(stackJson(root, 'photos-launch-eu-central-1').resource.aws_s3_object as Json) as Json[];
      compose = parse(fromTerraformLiteral(String(objects.find((o) => o.key === `${RELEASE_PREFIX}/compose.yaml`)!.content)));
    });

    it('is a valid Compose Specification document, jobs and secrets included', () => {
      const validate = composeValidator();
      expect([validate(compose), validate.errors ?? []]).toEqual([true, []]);
    });

    it('leaves the job out of `up` and mounts its secret for it alone', () => {
      const job = compose.services['nightly-digest'];
      expect([job.profiles, job.restart, job.healthcheck, job.secrets, job.environment.SENDGRID_API_KEY_FILE]).toEqual([
        ['jobs'],
        'no',
        undefined,
        // Its own database password (never the master's) and its own application secret.
        [hostDatabasePasswordFile('nightly-digest'), { source: 'app-nightly-digest-SENDGRID_API_KEY', target: 'SENDGRID_API_KEY' }],
        '/run/secrets/SENDGRID_API_KEY',
      ]);
      expect(compose.services.api.secrets).toEqual([
        hostDatabasePasswordFile('api'),
        'redis-auth',
        { source: 'app-api-STRIPE_SECRET_KEY', target: 'STRIPE_SECRET_KEY' },
        { source: 'app-api-STRIPE_WEBHOOK_SECRET', target: 'STRIPE_WEBHOOK_SECRET' },
      ]);
      expect(compose.secrets['app-api-STRIPE_SECRET_KEY']).toEqual({ file: '/run/stagecraft/secrets/app-api-STRIPE_SECRET_KEY' });
    });

    it('fetches the secrets before each start into the tmpfs, waiting at boot for the ones not put yet', () => {
      // The release's own script (running hosts ignore user_data changes), installed and run by stagecraft-release.
      const script = released(FETCH_SECRETS_SCRIPT);
      expect(file(FETCH_SECRETS_PATH)).toBeUndefined();
      expect(script).toMatch(
        /^fetch 'app-api-STRIPE_SECRET_KEY' '\$\{aws_secretsmanager_secret\.app-secret-api-stripe_secret_key_secret_[0-9A-F]+\.arn\}' 'docs\/services\.md'$/m,
      );
      expect(script).toContain("REGION='eu-central-1'\n");
      expect(script).toContain('echo "$1 has no value yet: put it as $3 says; retrying in 30 s"');
    });

    it('runs the job from a systemd timer of the release that systemd itself accepts: caught up after downtime, retried on failure', () => {
      // Units of the release (a schedule change reaches the running host), none in user_data.
      expect(config.write_files.filter((f: Json) => String(f.path).startsWith('/etc/systemd/system/stagecraft-job-'))).toEqual([]);
      expect(config.runcmd.filter((c: string) => c.includes('stagecraft-job-'))).toEqual([]);
      const timer = released('stagecraft-job-nightly-digest.timer');
      const service = released('stagecraft-job-nightly-digest.service');
      expect(timer).toContain('OnCalendar=*-*-* 03:30:00 Europe/Berlin\n');
      expect(timer).toContain('Persistent=true\n');
      // The schedule's retries (2): three starts at most, 30 s apart, each within the deadline.
      expect(service).toContain('Restart=on-failure\nRestartSec=30s\n');
      expect(service).toContain(`StartLimitIntervalSec=${3 * (5400 + 30)}s\nStartLimitBurst=3\n`);
      expect(service).toContain(
        'ExecStart=/usr/bin/docker compose --project-name product -f /etc/stagecraft/compose.yaml run --rm --no-deps --name stagecraft-job-nightly-digest nightly-digest\n',
      );
      expect(service).toContain('TimeoutStartSec=5400s\n');
      // systemd-analyze verify checks every setting; docker is not on this machine, so a present binary stands in for it.
      const dir = mkdtempSync(join(tmpdir(), 'stagecraft-units-'));
      // The main unit (docker compose up) only stands by here: it needs docker.service and the data volume.
      writeFileSync(join(dir, 'stagecraft.service'), '[Unit]\nDescription=stand-in\n[Service]\nType=oneshot\nExecStart=/bin/true\n');
      writeFileSync(join(dir, 'stagecraft-job-nightly-digest.service'), service.replace(/\/usr\/bin\/docker/g, '/bin/echo'));
      writeFileSync(join(dir, 'stagecraft-job-nightly-digest.timer'), timer);
      const verify = () =>
        execFileSync(
          'systemd-analyze',
          ['verify', '--man=no', join(dir, 'stagecraft-job-nightly-digest.timer'), join(dir, 'stagecraft-job-nightly-digest.service')],
          {
            env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` },
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
      expect(verify()).toBe('');
    });

    it('puts no secret value in user_data and no secret-shaped text anywhere in the synthesis', () => {
      const all = ['photos-launch-eu-central-1', 'photos-traction-eu-central-1', 'photos-growth-eu-central-1', 'photos-growth-eu-central-1-apps']
        .map((s) => JSON.stringify(stackJson(root, s)))
        .join('\n');
      expect(all).not.toMatch(/sk_live_|sk_test_|SG\.[\w-]{16,}\./);
    });
  });

  describe('on traction, its resizer fed by a queue beside the hosts', () => {
    let regional: Json;
    const all = (type: string) => Object.entries((regional.resource[type] ?? {}) as Json) as Array<[string, Json]>;
    beforeAll(() => {
      regional = stackJson(root, 'photos-traction-eu-central-1');
    });

    it('runs one private, encrypted Amazon MQ broker that only the hosts reach', () => {
      const [[, broker], ...others] = all('aws_mq_broker');
      expect(others).toEqual([]);
      expect([broker.engine_type, broker.deployment_mode, broker.host_instance_type, broker.publicly_accessible, broker.encryption_options]).toEqual([
        'RabbitMQ',
        'SINGLE_INSTANCE',
        'mq.t3.micro',
        false,
        { use_aws_owned_key: true },
      ]);
      // In a data subnet, behind its own group, which admits the hosts' groups (AMQPS and the management API) and nothing else.
      expect(broker.subnet_ids).toEqual([expect.stringMatching(/^\$\{aws_subnet\.network_data-0_/)]);
      const group = broker.security_groups[0].replace(/^\$\{aws_security_group\.(.*)\.id\}$/, '$1');
      const ingress = all('aws_vpc_security_group_ingress_rule').filter(([, r]) => r.security_group_id === `\${aws_security_group.${group}.id}`);
      const hostGroups = all('aws_launch_template').map(([, t]) => t.vpc_security_group_ids ?? t.network_interfaces?.[0]?.security_groups);
      expect(hostGroups.length).toBe(2);
      expect(ingress.map(([, r]) => [r.from_port, r.referenced_security_group_id, r.cidr_ipv4]).sort()).toEqual(
        hostGroups.flatMap((groups) => [443, 5671].map((port) => [port, groups[0], undefined])).sort(),
      );
    });

    it("keeps every broker password out of user_data, and the services' out of state too", () => {
      const templates = all('aws_launch_template').map(([, t]) => userDataText(String(t.user_data)));
      expect(templates.join('\n')).not.toMatch(/rabbitmq|aws_secretsmanager_secret_version/);
      // The services' passwords are generated through the write-only argument; only the admin's (Amazon MQ's own user) is in state.
      const versions = all('aws_secretsmanager_secret_version').filter(([id]) => id.startsWith('rabbitmq'));
      expect(versions.map(([id, v]) => [id.replace(/_[0-9A-F]{8}$/, ''), v.secret_string === undefined])).toEqual([
        ['rabbitmq-user-api_value', true],
        ['rabbitmq-user-resizer_value', true],
        ['rabbitmq_admin-password_value', false],
      ]);
    });

    it('draws the hosts reaching the broker, and prices it within the stage band', async () => {
      const graph = await run(root, 'graph', '--from', 'out', '--env', 'photos-traction');
      expect(graph.stdout).toMatch(/n\d+\["EC2 hosts ×2<br\/><small>t3\.large, services in docker compose<\/small>"\]/);
      const hosts = /(n\d+)\["EC2 hosts/.exec(graph.stdout)![1];
      const broker = /(n\d+)\[\["RabbitMQ single<br\/><small>mq\.t3\.micro<\/small>"\]\]/.exec(graph.stdout)![1];
      expect(graph.stdout).toContain(`${hosts} -->|"AMQPS 5671"| ${broker}`);
      const cost = await run(root, 'cost', '--env', 'photos-traction', '--json');
      const report = JSON.parse(cost.stdout);
      const text = JSON.stringify(report);
      expect(text).toContain('mq.t3.micro');
      expect(report.environments[0].seed004Comparison).toBe('within');
    });

    it('reports the dead-letter policy the hosts apply as held (RDY-6)', async () => {
      const readiness = await run(root, 'readiness', '--from', 'out', '--env', 'photos-traction');
      expect(readiness.stdout).toContain(
        "✓ RDY-6  Dead-letter queues and policies, so poison messages do not block a queue\n        photos-traction-eu-central-1-rabbitmq: the hosts' one-shot rabbitmq-users service applies a dead-letter policy to every queue before the services start\n",
      );
    });

    it('refuses a queue on launch with exit 2, and writes nothing', async () => {
      const bad = fixtureProject();
      const launch = join(bad, 'environments', 'photos-launch.yaml');
      writeFileSync(launch, `${readFileSync(launch, 'utf8')}components:\n  queue: rabbitmq\n`);
      const result = await run(bad, 'synth', '--out', 'out');
      expect([result.code, result.stderr]).toEqual([
        2,
        'environments/photos-launch.yaml: components.queue: launch is one server; a queue needs traction or later (RabbitMQ from traction, Kafka from growth); allowed: none\n',
      ]);
      expect(existsSync(join(bad, 'out'))).toBe(false);
    });
  });

  it('passes check, and readiness lists the secrets still to be filled', async () => {
    const check = await run(root, 'check', '--out', 'out');
    expect([check.code, check.stdout.split('\n').filter((l) => l.startsWith('error'))]).toEqual([0, []]);
    const readiness = await run(root, 'readiness', '--from', 'out', '--env', 'photos-launch');
    expect(readiness.stdout).toContain(
      'put the value of each application secret before its services start (they wait for it): photos-launch/api/STRIPE_SECRET_KEY (eu-central-1), photos-launch/api/STRIPE_WEBHOOK_SECRET (eu-central-1), photos-launch/nightly-digest/SENDGRID_API_KEY (eu-central-1)',
    );
  }, 120_000);

  it('draws the job in the graph as a scheduled service', async () => {
    const graph = await run(root, 'graph', '--from', 'out', '--env', 'photos-growth');
    expect([graph.code, graph.stdout.includes('nightly-digest on schedule<br/><small>CronJob 30 3 * * * Europe/Berlin</small>')]).toEqual([0, true]);
  });

  it('refuses a Stripe key in env with exit 2, and writes nothing', async () => {
    const bad = fixtureProject();
    const api = join(bad, 'services', 'api.yaml');
    const key = ['sk', 'live', '51H8x2eK9yZ0aBcDeFgHiJkLmN'].join('_');
    // As a new user writes it: the key as a plain setting, not among the secrets.
    const text = readFileSync(api, 'utf8')
      .replace('secrets: [STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET]', 'secrets: [STRIPE_WEBHOOK_SECRET]')
      .replace('  LOG_LEVEL: info\n', `  LOG_LEVEL: info\n  STRIPE_SECRET_KEY: ${key}\n`);
    writeFileSync(api, text);
    const result = await run(bad, 'synth', '--out', 'out');
    expect([result.code, result.stderr]).toEqual([
      2,
      'services/api.yaml: env.STRIPE_SECRET_KEY: looks like a secret (Stripe live key); declare it under secrets: and set its value in Secrets Manager; received sk_live_…\n',
    ]);
    expect(result.stderr).not.toContain(key);
    expect(existsSync(join(bad, 'out'))).toBe(false);
  });
});
