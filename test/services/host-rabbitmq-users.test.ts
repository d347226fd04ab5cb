/**
 * The queue on a traction host, for real: the photo-sharing product at traction (its resizer fed
 * by the uploads topic the api produces) is synthesized, and the one-shot `rabbitmq-users` compose
 * service of its release is read back as the host would run it: its entrypoint script with its own
 * environment runs against Debian's RabbitMQ on loopback, through the management API as Amazon MQ
 * exposes it, with the admin's and each service's password as the secret files the host fetched.
 * Then the broker is asked what exists: each service's user, authenticating with its own password,
 * no tags, exactly its permissions; the topic's exchange, the resizer's queue and its binding; the
 * dead-letter exchange, queue and policy. A second run converges (a changed password is taken); an
 * empty admin file, a wrong admin password and a password that is not the generated hex fail with
 * their reason, so the services that depend on it do not start.
 * What this cannot check: Amazon MQ's TLS endpoint (the script talks to the URL it is given).
 */
import { describeRequiring, unless } from '../helpers/required-tools';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from '../helpers/cli';
import { PROJECT_ROOT, synthesisAt } from '../helpers/examples';
import { releaseFile } from '../helpers/host-user-data';
import { rabbitMqBinDir, leaseRabbitMq, ThrowawayRabbitMq } from '../helpers/rabbitmq';
import { RELEASE_COMPOSE_FILE } from '../../services/host-release';
import { RABBITMQ_ADMIN_SECRET_FILE, RABBITMQ_USERS_SERVICE } from '../../services/host-rabbitmq-users';
import { rabbitMqDeadLetterPolicy } from '../../services/platform/operations-jobs';

interface ComposeService {
  entrypoint?: string[];
  environment?: Record<string, string>;
  secrets?: Array<string | { source: string; target: string }>;
  depends_on?: Record<string, { condition: string }>;
}

/** Compose's `$$` is a literal `$`. */
const uncompose = (text: string) => text.replace(/\$\$/g, '$');

let root: string;
let services: Record<string, ComposeService>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagecraft-photos-queue-'));
  cpSync(join(PROJECT_ROOT, 'test', 'fixtures', 'photo-sharing'), root, { recursive: true });
  const synth = await run(root, 'synth', '--env', 'photos-traction', '--out', 'out');
  if (synth.code !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  services = parse(releaseFile(synthesisAt(join(root, 'out')), 'photos-traction-eu-central-1', RELEASE_COMPOSE_FILE)).services;
}, 240_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the traction host of the photo-sharing product', () => {
  it('starts the api and the resizer only after the users service, each with its own password file and never the admin one', () => {
    const users = services[RABBITMQ_USERS_SERVICE];
    expect(users.secrets).toEqual([RABBITMQ_ADMIN_SECRET_FILE, 'queue-api', 'queue-resizer']);
    for (const name of ['api', 'resizer']) {
      const service = services[name];
      expect(service.depends_on?.[RABBITMQ_USERS_SERVICE]).toEqual({ condition: 'service_completed_successfully' });
      expect([service.environment?.QUEUE_KIND, service.environment?.QUEUE_USERNAME, service.environment?.QUEUE_SECRET_FILE]).toEqual([
        'rabbitmq',
        `service-${name}`,
        `/run/secrets/queue-${name}`,
      ]);
      expect(service.secrets).toContain(`queue-${name}`);
      expect(service.secrets).not.toContain(RABBITMQ_ADMIN_SECRET_FILE);
    }
    expect([services.api.environment?.QUEUE_TOPICS_PRODUCED, services.resizer.environment?.QUEUE_TOPICS_CONSUMED]).toEqual(['uploads', 'uploads']);
    // No service but the users service mounts the admin's password.
    expect(
      Object.entries(services)
        .filter(([, s]) => s.secrets?.includes(RABBITMQ_ADMIN_SECRET_FILE))
        .map(([n]) => n),
    ).toEqual([RABBITMQ_USERS_SERVICE]);
  });
});

const bin = rabbitMqBinDir();
const describeWithRabbitMq = describeRequiring(
  unless(bin !== undefined, 'no RabbitMQ server (apt-get install rabbitmq-server)'),
  "the hosts' one-shot rabbitmq-users service against a real RabbitMQ",
);

describeWithRabbitMq('the one-shot rabbitmq-users service on a real RabbitMQ (Debian)', () => {
  let broker: ThrowawayRabbitMq;
  let dir: string;
  const passwords: Record<string, string> = { 'queue-api': `${'1a2b3c4d'.repeat(4)}`, 'queue-resizer': `${'5e6f7a8b'.repeat(4)}` };

  /** Runs the service's script with its environment, its secret files under `dir`; never throws. */
  const runUsers = (admin: string) => {
    const service = services[RABBITMQ_USERS_SERVICE];
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    writeFileSync(join(dir, 'secrets', RABBITMQ_ADMIN_SECRET_FILE), admin);
    for (const [file, value] of Object.entries(passwords)) writeFileSync(join(dir, 'secrets', file), `${value}\n`);
    const env = Object.fromEntries(Object.entries(service.environment!).map(([k, v]) => [k, uncompose(v)]));
    const [shell, flag, script] = service.entrypoint!;
    expect([shell, flag]).toEqual(['/bin/sh', '-c']);
    try {
      const output = execFileSync('/bin/sh', ['-c', uncompose(script).replace(/\/run\/secrets\//g, `${dir}/secrets/`)], {
        env: { PATH: process.env.PATH, ...env, HOME: dir, RABBITMQ_CONSOLE_URL: broker.managementUrl },
        cwd: dir,
        encoding: 'utf8',
        stdio: 'pipe',
      });
      return { ok: true, output };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  };

  beforeAll(async () => {
    broker = await leaseRabbitMq(bin!, { username: services[RABBITMQ_USERS_SERVICE].environment!.RABBITMQ_USERNAME, password: 'admin-Pass_1' });
    dir = mkdtempSync(join(tmpdir(), 'stagecraft-host-rabbitmq-'));
    // The run's node may be leased to another file, or booting (leaseRabbitMq waits up to 400 s).
  }, 600_000);

  afterAll(async () => {
    await broker?.release();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("puts each service's user with its own password, no tags and exactly its permissions, and the uploads topology", async () => {
    const result = runUsers(`${broker.admin.password}\n`);
    expect(result).toMatchObject({ ok: true });
    expect(result.output).toContain('rabbitmq users and topology applied');
    const api = ['service-api', passwords['queue-api']] as const;
    const resizer = ['service-resizer', passwords['queue-resizer']] as const;
    expect(await broker.authenticates([api, resizer, [api[0], resizer[1]], [resizer[0], 'not-its-password']])).toEqual([true, true, false, false]);
    for (const user of ['service-api', 'service-resizer']) expect((await broker.get(`/api/users/${user}`)).body.tags).toEqual([]);
    const permissions = async (user: string) => {
      const { body } = await broker.get(`/api/permissions/%2F/${user}`);
      return { configure: body.configure, write: body.write, read: body.read };
    };
    expect(await permissions('service-api')).toEqual({ configure: '^$', write: '^(uploads)$', read: '^$' });
    expect(await permissions('service-resizer')).toEqual({ configure: '^$', write: '^$', read: '^(uploads\\.resizer)$' });
    expect((await broker.get('/api/exchanges/%2F/uploads')).body).toMatchObject({ type: 'fanout', durable: true });
    expect((await broker.get('/api/queues/%2F/uploads.resizer')).body).toMatchObject({ durable: true });
    expect((await broker.get('/api/bindings/%2F/e/uploads/q/uploads.resizer')).body).toHaveLength(1);
    expect((await broker.get('/api/bindings/%2F/e/dlx/q/dead-letters')).body).toHaveLength(1);
    const policy = (await broker.get('/api/policies/%2F/dead-letter')).body;
    expect({ pattern: policy.pattern, 'apply-to': policy['apply-to'], definition: policy.definition }).toEqual({
      pattern: rabbitMqDeadLetterPolicy().pattern,
      'apply-to': 'queues',
      definition: { 'dead-letter-exchange': 'dlx' },
    });
    // The resizer's queue dead-letters to dlx under that policy. The management API reports a queue's
    // policy from its statistics, refreshed every few seconds: read it until it shows, for up to 30 s.
    let applied: unknown;
    for (let attempt = 0; attempt < 60 && applied !== 'dead-letter'; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      applied = (await broker.get('/api/queues/%2F/uploads.resizer')).body.policy;
    }
    expect(applied).toBe('dead-letter');
  });

  it('converges on a second run, taking a changed password', async () => {
    passwords['queue-resizer'] = 'ffffeeee'.repeat(4);
    expect(runUsers(broker.admin.password)).toMatchObject({ ok: true });
    expect(await broker.authenticates([['service-resizer', 'ffffeeee'.repeat(4)]])).toEqual([true]);
  });

  it('fails with its reason on an empty admin file, a wrong admin password, or a password that is not the generated hex', () => {
    const empty = runUsers('');
    expect(empty.ok).toBe(false);
    expect(empty.output).toContain(`rabbitmq-users: /run/secrets/${RABBITMQ_ADMIN_SECRET_FILE} is empty`.replace('/run/secrets/', `${dir}/secrets/`));
    const wrong = runUsers('not-the-admin-password');
    expect(wrong.ok).toBe(false);
    expect(wrong.output).toContain('401');
    passwords['queue-api'] = 'has"quote';
    const bad = runUsers(broker.admin.password);
    expect(bad.ok).toBe(false);
    expect(bad.output).toContain('the password of service-api is not the generated hex');
  });
});
