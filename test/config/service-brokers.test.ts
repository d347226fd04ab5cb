/**
 * Which broker each topic lives on (config/service-brokers.ts, config/components.ts): the forms a
 * service file may take, the forms that leave a topic's broker unsaid (refused, exact messages),
 * a topic on a broker the environment does not run (refused with exit 2 by the CLI), and the
 * topics each broker's clients get (`topicsOn`, `brokerClients`).
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerClients, brokersOf, topicsOn } from '../../config/components';
import { formatProblem } from '../../config/errors';
import { parseEnvironment } from '../../config/load';
import { loadServiceCatalog, ServiceCatalog } from '../../config/services';
import { run } from '../helpers/cli';

/** A worker service file with `lines` (dataStores, topics) and the given stages. */
function service(name: string, lines: string, stages = '[growth, scale, hyperscale, massive]'): string {
  return [
    `name: ${name}`,
    `description: ${name} of the broker tests`,
    `image: ghcr.io/example/${name}:1.0.0`,
    'ports:\n  - { name: health, port: 8081 }',
    'health:\n  port: health\n  livenessPath: /healthz\n  readinessPath: /readyz',
    'resources:\n  requests: { cpuMillis: 250, memoryMiB: 512 }\n  limits: { cpuMillis: 500, memoryMiB: 512 }',
    lines,
    `stages: ${stages}`,
    'scaling:\n  rule: fixed\n  replicas: 2',
    '',
  ].join('\n');
}

function catalogOf(files: Record<string, string>): { root: string; catalog: ServiceCatalog } {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-brokers-'));
  mkdirSync(join(root, 'services'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'services', `${name}.yaml`), text);
  return { root, catalog: loadServiceCatalog(join(root, 'services'), root) };
}

const catalogProblems = (lines: string, stages?: string) => catalogOf({ api: service('api', lines, stages) }).catalog.problems.map(formatProblem);

const BOTH = 'dataStores: [database]\ntopics:\n  kafka: { produces: [events] }\n  rabbitmq: { produces: [tasks], consumes: [replies] }';

describe('a service names the broker of each topic', () => {
  it('reads topics under each broker, and adds each broker to its data stores', () => {
    const { catalog } = catalogOf({ api: service('api', BOTH) });
    expect(catalog.problems).toEqual([]);
    const [api] = catalog.services;
    expect(api.dataStores).toEqual(['database', 'rabbitmq', 'kafka']);
    expect(brokersOf(api, ['rabbitmq', 'kafka'])).toEqual(['rabbitmq', 'kafka']);
    expect(topicsOn(api, 'kafka', ['rabbitmq', 'kafka'])).toEqual({ consumes: [], produces: ['events'] });
    expect(topicsOn(api, 'rabbitmq', ['rabbitmq', 'kafka'])).toEqual({ consumes: ['replies'], produces: ['tasks'] });
    // Each broker's clients see only their topics there: the topology is built from these.
    expect(brokerClients([api], 'kafka', ['rabbitmq', 'kafka']).map((s) => [s.topics.produces, s.topics.consumes])).toEqual([[['events'], []]]);
    expect(brokerClients([api], 'rabbitmq', ['rabbitmq', 'kafka']).map((s) => [s.topics.produces, s.topics.consumes])).toEqual([[['tasks'], ['replies']]]);
  });

  it('keeps unqualified topics on the one broker a service uses, as before', () => {
    const { catalog } = catalogOf({ worker: service('worker', 'dataStores: [rabbitmq]\ntopics:\n  consumes: [tasks]') });
    const [worker] = catalog.services;
    expect(catalog.problems).toEqual([]);
    expect(topicsOn(worker, 'rabbitmq', ['rabbitmq', 'kafka'])).toEqual({ consumes: ['tasks'], produces: [] });
    expect(topicsOn(worker, 'kafka', ['rabbitmq', 'kafka'])).toEqual({ consumes: [], produces: [] });
    const queue = catalogOf({ worker: service('worker', 'dataStores: [queue]\ntopics:\n  consumes: [tasks]') }).catalog.services[0];
    expect(topicsOn(queue, 'kafka', ['kafka'])).toEqual({ consumes: ['tasks'], produces: [] });
    expect(brokersOf(queue, ['rabbitmq', 'kafka'])).toEqual([]);
  });

  it('refuses the forms that leave a topic’s broker unsaid', () => {
    expect(catalogProblems('dataStores: [rabbitmq, kafka]\ntopics:\n  produces: [tasks]')).toEqual([
      'services/api.yaml: topics.produces: does not say its broker, and api uses rabbitmq and kafka (dataStores[0], dataStores[1]); allowed: topics.rabbitmq.produces or topics.kafka.produces',
    ]);
    expect(catalogProblems('dataStores: [kafka]\ntopics:\n  consumes: [events]\n  rabbitmq: { produces: [tasks] }')).toEqual([
      'services/api.yaml: topics.consumes: does not say its broker while topics.rabbitmq does; name the broker of every topic or of none; allowed: move them under topics.rabbitmq.consumes or topics.kafka.consumes',
    ]);
    expect(catalogProblems('dataStores: [rabbitmq, kafka]\ntopics:\n  kafka: { produces: [events] }')).toEqual([
      'services/api.yaml: dataStores[0]: names rabbitmq, but no topic of api is on it (a service of both brokers names the broker of each topic); allowed: its topics there under topics.rabbitmq (consumes, produces), or remove rabbitmq',
    ]);
    expect(catalogProblems('dataStores: [database]\ntopics:\n  kafka: {}')).toEqual([
      'services/api.yaml: topics.kafka: lists no topic; allowed: consumes or produces with at least one topic, or remove it',
    ]);
    expect(catalogProblems('dataStores: [queue]\ntopics:\n  kafka: { produces: [events] }')).toEqual([
      "services/api.yaml: dataStores[0]: names queue beside kafka (topics.kafka); queue is the environment's one broker, so beside a named broker it is ambiguous; allowed: queue alone, or the brokers by name (rabbitmq, kafka)",
    ]);
    expect(catalogProblems('topics:\n  kafka: { produces: [events] }\n  sqs: { produces: [events] }')).toEqual([
      'services/api.yaml: topics: unknown key "sqs"; allowed keys: consumes, produces, kafka, rabbitmq',
    ]);
  });

  it('refuses topics on a broker on a stage that runs none', () => {
    expect(catalogProblems('topics:\n  kafka: { produces: [events] }', '[traction, growth]')).toEqual([
      'services/api.yaml: stages[0]: traction cannot host api: it has no kafka (kafka runs on growth, scale, hyperscale, massive)',
    ]);
  });
});

describe('a topic on a broker the environment does not run', () => {
  const ENV = 'name: acme-prod\nstage: growth\nregions: [us-east-1]\ndomain: example.com\ncomponents:\n  search: false\n  queue: rabbitmq\n';
  const MESSAGE =
    'environments/prod.yaml: components.queue: api has topics on kafka (services/api.yaml: topics.kafka: events), which this environment does not run; add it with components.queue: [kafka, rabbitmq], or disable api (services.api.enabled: false)';

  it('is refused, naming the service, its topics and the component that adds the broker', () => {
    const { catalog } = catalogOf({ api: service('api', BOTH) });
    expect(parseEnvironment(ENV, 'environments/prod.yaml', catalog).problems.map(formatProblem)).toEqual([MESSAGE]);
    expect(parseEnvironment(ENV.replace('queue: rabbitmq', 'queue: [rabbitmq, kafka]'), 'environments/prod.yaml', catalog).problems).toEqual([]);
  });

  it('makes synth exit 2 with that message and write nothing', async () => {
    const { root } = catalogOf({ api: service('api', BOTH) });
    mkdirSync(join(root, 'environments'));
    writeFileSync(join(root, 'environments', 'prod.yaml'), ENV);
    const result = await run(root, 'synth', '--env', join(root, 'environments', 'prod.yaml'), '--services', join(root, 'services'), '--out', join(root, 'out'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(MESSAGE);
    expect(existsSync(join(root, 'out'))).toBe(false);
  });
});
