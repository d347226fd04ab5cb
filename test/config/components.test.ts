/**
 * `components:` (config/components.ts): combinations that cannot work are refused with the
 * reason, every message exact; what a stage runs by default and what the file changes.
 */
import { parseEnvironment, serviceCatalog } from '../../config/load';
import { formatProblem } from '../../config/errors';
import { loadServiceCatalog } from '../../config/services';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPONENT_SERVICES, componentCatalog } from '../helpers/component-catalog';
import { EXAMPLES_ROOT } from '../helpers/examples';
import { SEVERAL_REGIONS_EDGE } from '../helpers/environments';

const chat = serviceCatalog({ servicesDir: join(EXAMPLES_ROOT, 'services') }, EXAMPLES_ROOT);
const components = componentCatalog();

function base(stage: string, regions = '[us-east-1]'): string {
  // Several regions state the add-ons their load balancer and massive's edge Worker need; `edge:` fields may follow.
  const edge = regions.includes(',') ? SEVERAL_REGIONS_EDGE : '';
  return `name: acme-prod\nstage: ${stage}\nregions: ${regions}\ndomain: example.com\n${edge}`;
}

function problems(text: string, catalog = components): string[] {
  return parseEnvironment(text, 'environments/prod.yaml', catalog).problems.map(formatProblem);
}

function resolved(text: string, catalog = components) {
  const { environment, problems: found } = parseEnvironment(text, 'environments/prod.yaml', catalog);
  if (!environment) throw new Error(found.map(formatProblem).join('\n'));
  return environment;
}

describe('components: the stage is the default profile', () => {
  it('runs what DESIGN.md puts on each stage when the file says nothing', () => {
    const off = { services: { 'search-indexer': { enabled: false }, 'task-worker': { enabled: false }, 'event-consumer': { enabled: false } } };
    const services = `services:\n${Object.keys(off.services)
      .map((name) => `  ${name}: { enabled: false }`)
      .join('\n')}\n`;
    expect(resolved(base('growth') + services).components).toEqual({ search: true, queues: ['rabbitmq'], regionMode: 'single' });
    expect(resolved(base('hyperscale') + 'backend: { s3: { bucket: acme-state } }\n' + services).components).toEqual({
      search: true,
      queues: ['kafka'],
      regionMode: 'single',
    });
  });

  it('adds, removes and replaces components within the stage', () => {
    const env = resolved(
      `${base('growth', '[us-east-1, us-west-2]')}components:\n  search: false\n  queue: [kafka, rabbitmq]\n  regions: { mode: active-passive }\nservices:\n  search-indexer: { enabled: false }\n`,
    );
    expect(env.components).toEqual({ search: false, queues: ['rabbitmq', 'kafka'], regionMode: 'active-passive' });
    expect(
      resolved(
        `${base('scale')}components:\n  queue: none\n  search: { dataNodes: 4 }\nservices:\n  task-worker: { enabled: false }\n  event-consumer: { enabled: false }\nbackend: { s3: { bucket: acme-state } }\n`,
      ).components,
    ).toEqual({
      search: true,
      queues: [],
      regionMode: 'single',
    });
  });
});

describe('components: combinations that cannot work are refused with the reason', () => {
  it('refuses active-active on a single-writer Postgres', () => {
    expect(problems(`${base('growth', '[us-east-1, us-west-2]')}components:\n  regions: { mode: active-active }\n`)).toEqual([
      'environments/prod.yaml: components.regions.mode: active-active needs a data store every region can write to; Postgres has one writer (the primary region), so a second active region would send its writes across regions to it or lose them on failover; allowed: active-passive, or database.engine: cockroachdb (hyperscale on)',
    ]);
  });

  it('refuses components a single-host stage cannot host', () => {
    expect(problems(`${base('traction')}components:\n  search: true\n  queue: [rabbitmq, kafka]\n`)).toEqual([
      'environments/prod.yaml: components.search: traction cannot host search (OpenSearch runs in the VPC beside a cluster); it applies to: growth, scale, hyperscale, massive',
      "environments/prod.yaml: components.queue: traction cannot host kafka (MSK authenticates every client by its own IAM role, which a cluster's pods have and the containers of a host, sharing its instance role, do not); it applies to: growth, scale, hyperscale, massive",
    ]);
    // Launch is one server: no broker of either kind.
    for (const queue of ['rabbitmq', 'kafka', '[rabbitmq, kafka]'])
      expect(problems(`${base('launch')}components:\n  queue: ${queue}\n`)).toEqual([
        'environments/prod.yaml: components.queue: launch is one server; a queue needs traction or later (RabbitMQ from traction, Kafka from growth); allowed: none',
      ]);
    expect(problems(`${base('launch')}components:\n  queue: none\n`)).toEqual([]);
    expect(problems(`${base('launch', '[us-east-1, us-west-2]')}components:\n  regions: { mode: active-passive }\n`)).toEqual([
      'environments/prod.yaml: regions: launch runs in one region (several regions start at growth, with components.regions); received 2 regions',
      'environments/prod.yaml: components.regions: launch runs in one region; several regions start at growth',
    ]);
  });

  it('refuses a region mode with one region, and CockroachDB hosting without CockroachDB', () => {
    expect(problems(`${base('growth')}components:\n  regions: { mode: active-passive }\n  cockroachdb: { hosting: eks }\n`)).toEqual([
      'environments/prod.yaml: components.cockroachdb: applies when the environment runs CockroachDB (database.engine: cockroachdb, hyperscale; massive)',
      'environments/prod.yaml: components.regions: active-passive needs at least 2 regions; received 1',
    ]);
  });

  it('refuses geo steering with active-passive', () => {
    expect(
      problems(`${base('massive', '[us-east-1, us-west-2, eu-west-1]')}  steering:\n    eu-west-1: [WEU]\ncomponents:\n  regions: { mode: active-passive }\n`),
    ).toEqual([
      'environments/prod.yaml: edge.steering: sends users to their nearest region, which active-passive does not: every request goes to the first region while it is healthy; remove it, or use components.regions.mode: active-active',
    ]);
  });

  it('refuses the pooler on single-host stages and on CockroachDB', () => {
    expect(problems(`${base('traction')}components:\n  postgres: { pooler: true }\n`, chat)).toEqual([
      'environments/prod.yaml: components.postgres.pooler: traction cannot host a pooler in front of Postgres: PgBouncer runs as pods on a cluster, and the services of a single-host stage open a handful of connections that need none; it applies to: growth, scale, hyperscale, massive',
    ]);
    expect(problems(`${base('massive', '[us-east-1, us-west-2, eu-west-1]')}components:\n  postgres: { pooler: true }\n`)).toEqual([
      'environments/prod.yaml: components.postgres.pooler: fronts Postgres; this environment runs CockroachDB (database.engine), which balances its own connections',
    ]);
    expect(problems(`${base('growth')}components:\n  postgres: { pooler: { poolMode: statement } }\n`)).toEqual([
      'environments/prod.yaml: components.postgres.pooler: {"poolMode":"statement"} is not a pooler setting; allowed: true, false or { poolMode, maxConnectionsPercent, idleClientTimeoutSeconds, clientConnectionsPerPod, passwordVersion }',
    ]);
    expect(problems(`${base('growth')}components:\n  postgres: { pooler: { passwordVersion: 0 } }\n`)).toEqual([
      'environments/prod.yaml: components.postgres.pooler.passwordVersion: must be at least 1; received number 0',
    ]);
  });

  it('runs the pooler with its defaults, or the settings given', () => {
    expect(resolved(`${base('growth')}components:\n  search: true\n  queue: [rabbitmq, kafka]\n  postgres: { pooler: true }\n`).components.pooler).toEqual({
      poolMode: 'transaction',
      maxConnectionsPercent: 75,
      idleClientTimeoutSeconds: 1800,
      clientConnectionsPerPod: 10,
      passwordVersion: 1,
    });
    expect(
      resolved(
        `${base('growth')}components:\n  search: true\n  queue: [rabbitmq, kafka]\n  postgres: { pooler: { poolMode: session, clientConnectionsPerPod: 4, passwordVersion: 2 } }\n`,
      ).components.pooler,
    ).toEqual({ poolMode: 'session', maxConnectionsPercent: 75, idleClientTimeoutSeconds: 1800, clientConnectionsPerPod: 4, passwordVersion: 2 });
  });

  it("refuses a service that takes the pooler's name", () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-pooler-name-'));
    mkdirSync(join(root, 'services'));
    writeFileSync(join(root, 'services', 'pgbouncer.yaml'), COMPONENT_SERVICES['api.yaml'].replace('name: api', 'name: pgbouncer'));
    const catalog = loadServiceCatalog(join(root, 'services'), root);
    expect(problems(`${base('growth')}components:\n  search: false\n  postgres: { pooler: true }\n`, catalog)).toEqual([
      'environments/prod.yaml: components.postgres.pooler: runs PgBouncer as pgbouncer in the product namespace, which is also the name of the service of services/pgbouncer.yaml; allowed: rename that service, or disable it (services.pgbouncer.enabled: false)',
    ]);
  });

  it('refuses bad values with what is allowed', () => {
    expect(problems(`${base('growth')}components:\n  queue: sqs\n  regions: { mode: active-standby }\n`)).toEqual([
      'environments/prod.yaml: components.queue: "sqs" is not a queue choice; allowed: none, rabbitmq, kafka, or a list of rabbitmq and kafka',
      'environments/prod.yaml: components.regions.mode: "active-standby" is not a region mode; allowed: active-passive, active-active',
    ]);
  });
});

describe('components: services need what the environment runs', () => {
  it('refuses a service whose store the environment leaves out, naming its file, the store and the component', () => {
    expect(problems(`${base('growth')}components:\n  search: false\n  queue: none\n`, chat)).toEqual([
      'environments/prod.yaml: components.queue: analytics-worker needs a queue (services/analytics-worker.yaml: dataStores[0]), which this environment leaves out; add one with components.queue: rabbitmq or kafka, or disable analytics-worker (services.analytics-worker.enabled: false)',
      'environments/prod.yaml: components.queue: moderation-worker needs a queue (services/moderation-worker.yaml: dataStores[0]), which this environment leaves out; add one with components.queue: rabbitmq or kafka, or disable moderation-worker (services.moderation-worker.enabled: false)',
      'environments/prod.yaml: components.search: moderation-worker needs search (services/moderation-worker.yaml: dataStores[1]), which this environment leaves out; add it with components.search: true, or disable moderation-worker (services.moderation-worker.enabled: false)',
    ]);
  });

  it('refuses a service naming a broker the environment does not run', () => {
    expect(problems(`${base('hyperscale')}backend: { s3: { bucket: acme-state } }\n`)).toEqual([
      'environments/prod.yaml: components.queue: task-worker needs rabbitmq (services/task-worker.yaml: dataStores[0]), which this environment leaves out; add it with components.queue: [kafka, rabbitmq], or disable task-worker (services.task-worker.enabled: false)',
    ]);
  });

  it('refuses an ambiguous queue, and topics that say no broker, where both brokers run', () => {
    const topics = (service: string, list: string) =>
      `environments/prod.yaml: components.queue: runs rabbitmq and kafka, so ${service}'s topics (services/${service}.yaml: topics: ${list}) do not say their broker; allowed: name it in dataStores (rabbitmq or kafka), or the broker of each topic (topics.rabbitmq, topics.kafka)`;
    expect(problems(`${base('growth')}components:\n  queue: [rabbitmq, kafka]\n`, chat)).toEqual([
      "environments/prod.yaml: components.queue: runs rabbitmq and kafka, so analytics-worker's queue (services/analytics-worker.yaml: dataStores[0]) is ambiguous; allowed: name its broker in dataStores (rabbitmq or kafka)",
      topics('api', 'messages, product-events, uploads'),
      topics('delivery-worker', 'product-events'),
      "environments/prod.yaml: components.queue: runs rabbitmq and kafka, so moderation-worker's queue (services/moderation-worker.yaml: dataStores[0]) is ambiguous; allowed: name its broker in dataStores (rabbitmq or kafka)",
      topics('websocket-gateway', 'messages, product-events'),
    ]);
  });

  it('refuses a service that names queue beside a broker', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-two-brokers-'));
    mkdirSync(join(root, 'services'));
    writeFileSync(
      join(root, 'services', 'event-consumer.yaml'),
      COMPONENT_SERVICES['event-consumer.yaml'].replace('dataStores: [kafka, database]', 'dataStores: [queue, kafka]'),
    );
    expect(loadServiceCatalog(join(root, 'services'), root).problems.map(formatProblem)).toEqual([
      "services/event-consumer.yaml: dataStores[0]: names queue beside kafka (dataStores[1]); queue is the environment's one broker, so beside a named broker it is ambiguous; allowed: queue alone, or the brokers by name (rabbitmq, kafka)",
    ]);
  });

  it('reads the collaboration example catalog, which names its brokers', () => {
    const root = join(EXAMPLES_ROOT, '..', 'collaboration');
    const catalog = loadServiceCatalog(join(root, 'services'), root);
    expect(catalog.problems).toEqual([]);
    expect(catalog.services.map((s) => [s.name, s.dataStores.filter((d) => d === 'rabbitmq' || d === 'kafka')])).toEqual([
      ['api', ['rabbitmq', 'kafka']],
      ['event-consumer', ['kafka']],
      ['realtime', []],
      ['task-worker', ['rabbitmq']],
      ['web', []],
    ]);
    // The api names the broker of each topic: document events on Kafka, tasks on RabbitMQ.
    expect(catalog.services.find((s) => s.name === 'api')?.topics).toEqual({
      consumes: [],
      produces: [],
      kafka: { consumes: [], produces: ['document-events'] },
      rabbitmq: { consumes: [], produces: ['tasks'] },
    });
    // The api names the broker of each topic: document events on Kafka, tasks on RabbitMQ.
    expect(catalog.services.find((s) => s.name === 'api')?.topics).toEqual({
      consumes: [],
      produces: [],
      kafka: { consumes: [], produces: ['document-events'] },
      rabbitmq: { consumes: [], produces: ['tasks'] },
    });
  });
});

describe('a queue on traction (docs/components.md, "A queue on hosts")', () => {
  const photos = join(__dirname, '..', 'fixtures', 'photo-sharing');
  const catalog = serviceCatalog({ servicesDir: join(photos, 'services') }, photos);

  it('runs one RabbitMQ broker beside the hosts when the file adds it, and makes the api a producer', () => {
    const env = resolved(`${base('traction', '[eu-central-1]')}components:\n  queue: rabbitmq\n`, catalog);
    expect(env.components.queues).toEqual(['rabbitmq']);
    expect(env.services.map((s) => [s.name, s.dataStores.filter((d) => d === 'queue')])).toEqual([
      ['api', ['queue']],
      ['nightly-digest', []],
      ['resizer', ['queue']],
      ['web', []],
    ]);
  });

  it('refuses a worker of the queue on a traction environment that leaves the queue out', () => {
    expect(problems(base('traction', '[eu-central-1]'), catalog)).toEqual([
      'environments/prod.yaml: components.queue: resizer needs a queue (services/resizer.yaml: dataStores[0]), which this environment leaves out; add one with components.queue: rabbitmq, or disable resizer (services.resizer.enabled: false)',
    ]);
    // Disabled, it is not deployed, and the api publishes nowhere.
    expect(resolved(`${base('traction', '[eu-central-1]')}services:\n  resizer: { enabled: false }\n`, catalog).services.map((s) => s.name)).toEqual([
      'api',
      'nightly-digest',
      'web',
    ]);
  });
});
