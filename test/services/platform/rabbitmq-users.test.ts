/**
 * The growth stage's RabbitMQ Jobs, for real: the scripts of the `rabbitmq-users` and
 * `rabbitmq-dead-letters` Jobs (read back from the synthesized apps stack, as the pods would run
 * them) run with the Jobs' own environment against Debian's RabbitMQ on loopback, through its
 * management API as Amazon MQ exposes it, with a stub `aws` CLI that answers Secrets Manager
 * reads. Then the broker is asked what exists: each service's user, authenticating with its own
 * password, with no tags and exactly its permissions; the exchanges, queues and bindings of the
 * topics; the dead-letter policy. A second run converges (a changed password is taken), and a run
 * with the wrong admin password fails, so the Job fails and so does the apply that waits for it.
 * What this cannot check: Amazon MQ's TLS endpoint and its own policy limits.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerClients } from '../../../config/components';
import { RABBITMQ_DLQ_JOB, RABBITMQ_USERS_JOB, rabbitMqUserEnv } from '../../../services/platform/operations-jobs';
import { rabbitMqPermissions, rabbitMqTopology, rabbitMqUsername } from '../../../services/platform/queue-topology';
import { manifestsOf } from '../../../synthesis/kubernetes-objects';
import { readSynthesis } from '../../../synthesis/read';
import { stackViews } from '../../../synthesis/stack-views';
import { fromTerraformLiteral } from '../../../synthesis/terraform-literal';
import { synthesizeExamples } from '../../helpers/examples';
import { rabbitMqBinDir, leaseRabbitMq, ThrowawayRabbitMq } from '../../helpers/rabbitmq';
import { describeRequiring, unless } from '../../helpers/required-tools';

const bin = rabbitMqBinDir();
const describeWithRabbitMq = describeRequiring(
  unless(bin !== undefined, 'no RabbitMQ server (apt-get install rabbitmq-server)'),
  'the rabbitmq-users and rabbitmq-dead-letters Jobs against a real RabbitMQ',
);

interface Container {
  command: string[];
  env: Array<{ name: string; value: string }>;
}

/** The script and environment of the growth apps stack's Job named `<prefix>-<hash>`, as synthesized. */
function synthesizedJob(prefix: string): { script: string; env: Record<string, string> } {
  const examples = synthesizeExamples();
  const views = stackViews(readSynthesis(examples.outdir, { command: 'test', flag: '--from', given: examples.outdir }));
  const apps = views.find((v) => v.name === 'acme-growth-us-east-1-apps');
  const job = manifestsOf(apps, 'Job').find((m) => m.name.startsWith(`${prefix}-`));
  if (!job) throw new Error(`acme-growth-us-east-1-apps has no ${prefix} Job`);
  const [container] = (job.manifest as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers;
  return {
    script: fromTerraformLiteral(container.command[2]),
    env: Object.fromEntries(container.env.map((e) => [e.name, fromTerraformLiteral(e.value)])),
  };
}

describeWithRabbitMq('the RabbitMQ Jobs on a real RabbitMQ (Debian)', () => {
  const growth = () => synthesizeExamples().environments.find((e) => e.name === 'acme-growth')!;
  let broker: ThrowawayRabbitMq;
  let dir: string;
  let users: ReturnType<typeof synthesizedJob>;
  let deadLetters: ReturnType<typeof synthesizedJob>;
  /** Secrets Manager as the stub `aws` answers it: secret ARN (as the Job's environment holds it) → value. */
  const secrets = new Map<string, string>();

  /** Runs a Job's script with its environment, the broker in place of Amazon MQ's console URL; never throws. */
  const run = (job: ReturnType<typeof synthesizedJob>, overrides: Record<string, string> = {}) => {
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify(Object.fromEntries(secrets)));
    try {
      const stdout = execFileSync('/bin/sh', ['-c', job.script], {
        env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, ...job.env, HOME: dir, RABBITMQ_CONSOLE_URL: broker.managementUrl, ...overrides },
        cwd: dir,
        encoding: 'utf8',
        stdio: 'pipe',
      });
      return { ok: true, output: stdout };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  };

  beforeAll(async () => {
    users = synthesizedJob(RABBITMQ_USERS_JOB);
    deadLetters = synthesizedJob(RABBITMQ_DLQ_JOB);
    broker = await leaseRabbitMq(bin!, { username: users.env.RABBITMQ_USERNAME, password: 'admin-Pass_1' });
    dir = mkdtempSync(join(tmpdir(), 'stagecraft-rabbitmq-job-'));
    mkdirSync(join(dir, 'bin'));
    // The Jobs' image has the AWS CLI; the stub answers `secretsmanager get-secret-value --secret-id <arn> … --output text`.
    writeFileSync(
      join(dir, 'bin', 'aws'),
      [
        `#!${process.execPath}`,
        "const args = process.argv.slice(2); const id = args[args.indexOf('--secret-id') + 1];",
        `const secrets = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(join(dir, 'secrets.json'))}, 'utf8'));`,
        "if (args[0] !== 'secretsmanager' || !(id in secrets)) { console.error('no secret ' + id); process.exit(254); }",
        'process.stdout.write(secrets[id] + "\\n");',
      ].join('\n'),
      { mode: 0o755 },
    );
    secrets.set(users.env.RABBITMQ_SECRET_ARN, broker.admin.password);
    const clients = brokerClients(growth().services, 'rabbitmq', growth().components.queues);
    clients.forEach((_, i) => secrets.set(users.env[rabbitMqUserEnv(i).secret], `${'0a1b2c3d'.repeat(4)}${i}`));
    // The run's node may be leased to another file, or booting (leaseRabbitMq waits up to 400 s).
  }, 600_000);

  afterAll(async () => {
    await broker?.release();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('puts each service user with its own password, no tags and exactly its permissions, and the topology of its topics', async () => {
    const result = run(users);
    expect(result).toMatchObject({ ok: true });
    const clients = brokerClients(growth().services, 'rabbitmq', growth().components.queues);
    expect(clients.length).toBeGreaterThan(0);
    const own = clients.map((s, i) => [rabbitMqUsername(s.name), secrets.get(users.env[rabbitMqUserEnv(i).secret])!] as const);
    // Each logs in with its own password and with no other: not a wrong one, not another service's.
    expect(await broker.authenticates([...own, ...own.map(([user]) => [user, 'not-its-password'] as const), [own[0][0], own[1][1]]])).toEqual([
      ...own.map(() => true),
      ...own.map(() => false),
      false,
    ]);
    for (const service of clients) {
      const user = rabbitMqUsername(service.name);
      expect(result.output).toContain(`user ${user} applied`);
      const { body: account } = await broker.get(`/api/users/${user}`);
      expect(account.tags).toEqual([]);
      const { body: permissions } = await broker.get(`/api/permissions/%2F/${user}`);
      expect({ configure: permissions.configure, write: permissions.write, read: permissions.read }).toEqual(rabbitMqPermissions(service));
    }
    const topology = rabbitMqTopology(clients);
    for (const exchange of topology.exchanges)
      expect((await broker.get(`/api/exchanges/%2F/${exchange}`)).body).toMatchObject({ type: 'fanout', durable: true });
    for (const { exchange, queue } of topology.bindings) {
      expect((await broker.get(`/api/queues/%2F/${encodeURIComponent(queue)}`)).body).toMatchObject({ durable: true });
      expect((await broker.get(`/api/bindings/%2F/e/${exchange}/q/${encodeURIComponent(queue)}`)).body).toHaveLength(1);
    }
  });

  it('converges on a second run, taking a changed password', async () => {
    const arn = users.env[rabbitMqUserEnv(0).secret];
    secrets.set(arn, 'ffffeeee'.repeat(4));
    expect(run(users)).toMatchObject({ ok: true });
    const [first] = brokerClients(growth().services, 'rabbitmq', growth().components.queues);
    expect(await broker.authenticates([[rabbitMqUsername(first.name), 'ffffeeee'.repeat(4)]])).toEqual([true]);
  });

  it('declares the dead-letter exchange, queue and policy', async () => {
    secrets.set(deadLetters.env.RABBITMQ_SECRET_ARN, broker.admin.password);
    expect(run(deadLetters)).toMatchObject({ ok: true });
    expect((await broker.get('/api/exchanges/%2F/dlx')).body).toMatchObject({ type: 'fanout', durable: true });
    expect((await broker.get('/api/bindings/%2F/e/dlx/q/dead-letters')).body).toHaveLength(1);
    expect((await broker.get('/api/policies/%2F/dead-letter')).body).toMatchObject({ 'apply-to': 'queues', definition: { 'dead-letter-exchange': 'dlx' } });
  });

  it('fails, naming the refusal, when the admin password is wrong: the Job fails and the apply that waits for it too', () => {
    const wrong = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:wrong-admin';
    secrets.set(wrong, 'not-the-admin-password');
    const result = run(users, { RABBITMQ_SECRET_ARN: wrong });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('401');
  });

  it('refuses a service password that is not the generated hex, before sending it', () => {
    const arn = users.env[rabbitMqUserEnv(0).secret];
    secrets.set(arn, 'has"quote');
    const result = run(users);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('is not the generated hex');
  });
});
