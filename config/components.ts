/**
 * `components:` of an environment file (issue 18 item 4): a stage is a default profile, and an
 * environment adds, removes or replaces components within what the stage can host. This file
 * holds the schema, the stage tables (what each stage hosts, what it runs by default), the
 * resolution into `Components`, and the rules that refuse a combination that cannot work, each
 * with its reason. Sizing (`sizing/blueprint.ts`) builds the Blueprint from `Components`; every
 * later step (synthesis, cost, check, graph, review) sees only the Blueprint, so every
 * combination goes through the same path. docs/components.md describes it for users.
 *
 * Keys that other work fills in are in `components-reserved.ts`.
 */
import { z } from 'zod';
import { Problem, shownValue } from './errors';
import { Stage } from './stages';
import { cockroachComponentSchema, CockroachHosting, EDGE_COMPONENT_FIELDS, POSTGRES_SHARD_FIELDS } from './components-reserved';
import { QUEUE_BROKERS, QueueBroker } from './service-definition';
import type { DataStoreKind, ServiceDefinition, ServiceTopics } from './service-definition';
import { poolerComponent, PoolerSettings, resolvePooler } from './pooler';

/** Message brokers an environment can run, one or both. */
export const BROKERS = QUEUE_BROKERS;
export type Broker = QueueBroker;

/** How several regions share the traffic and the writes. */
export const REGION_MODES = ['active-passive', 'active-active'] as const;
export type RegionMode = (typeof REGION_MODES)[number];

/** The optional components, named as in messages and in `COMPONENT_STAGES`. */
export type OptionalComponent = 'search' | Broker | 'pooler' | 'regions';

/**
 * Stages that can host each optional component (cluster stages: growth on). RabbitMQ also from
 * traction, where the database and cache already left the host for managed services: a
 * single-instance Amazon MQ broker beside the hosts (docs/components.md, "A queue on hosts").
 */
export const COMPONENT_STAGES: Readonly<Record<OptionalComponent, readonly Stage[]>> = {
  search: ['growth', 'scale', 'hyperscale', 'massive'],
  rabbitmq: ['traction', 'growth', 'scale', 'hyperscale', 'massive'],
  kafka: ['growth', 'scale', 'hyperscale', 'massive'],
  // PgBouncer fronts RDS or Aurora from a cluster (config/pooler.ts); a CockroachDB environment is refused by its engine.
  pooler: ['growth', 'scale', 'hyperscale', 'massive'],
  regions: ['growth', 'scale', 'hyperscale', 'massive'],
};

/** Why Kafka waits for a cluster, for the message that refuses it on traction. */
const KAFKA_NEEDS_A_CLUSTER =
  "MSK authenticates every client by its own IAM role, which a cluster's pods have and the containers of a host, sharing its instance role, do not";

/** What a stage runs when its file says nothing (DESIGN.md's stage table). */
export interface DefaultComponents {
  readonly search: boolean;
  readonly queues: readonly Broker[];
}

/** Seed 004 and DESIGN.md: RabbitMQ on growth and scale, Kafka from hyperscale, search from growth. */
export const STAGE_DEFAULT_COMPONENTS: Readonly<Record<Stage, DefaultComponents>> = {
  launch: { search: false, queues: [] },
  traction: { search: false, queues: [] },
  growth: { search: true, queues: ['rabbitmq'] },
  scale: { search: true, queues: ['rabbitmq'] },
  hyperscale: { search: true, queues: ['kafka'] },
  massive: { search: true, queues: ['kafka'] },
};

const INSTANCE_TYPE = (regex: RegExp, what: string, example: string) =>
  z.string().regex(regex, { error: (issue) => `${shownValue(issue.input)} is not ${what} (e.g. ${example})` });

/** Search sizes given in `components.search` (the same fields as the top-level `search:`). */
const searchSizes = z.strictObject({
  instanceType: INSTANCE_TYPE(/^[a-z0-9]+\.[a-z0-9]+\.search$/, 'an OpenSearch instance type', 'r6g.large.search')
    .optional()
    .describe('OpenSearch data node type. @default from the stage profile'),
  dataNodes: z.number().int().min(1).max(80).optional().describe('Data nodes. @default from the stage profile'),
  volumeGiB: z.number().int().min(10).max(16384).optional().describe('EBS volume per data node, GiB. @default from the stage profile'),
});

const broker = z.enum(BROKERS, { error: (issue) => `${shownValue(issue.input)} is not a broker; allowed: ${BROKERS.join(', ')}` });

/** `components.queue`: none, one broker, or a list of brokers. */
const queueComponent = z.union([z.literal('none'), broker, z.array(broker).min(1, { error: 'lists no broker; write none for no queue' })], {
  error: (issue) => `${shownValue(issue.input)} is not a queue choice; allowed: none, rabbitmq, kafka, or a list of rabbitmq and kafka`,
});

export const componentsSchema = z
  .strictObject({
    search: z
      .union([z.boolean(), searchSizes], {
        error: (issue) => `${shownValue(issue.input)} is not a search setting; allowed: true, false or { instanceType, dataNodes, volumeGiB }`,
      })
      .optional()
      .describe(
        'OpenSearch: false leaves it out (no domain, IAM, env vars, rules or cost), true or sizes add it. Growth on. @default the stage profile (on from growth)',
      ),
    queue: queueComponent
      .optional()
      .describe(
        'Message brokers: none, rabbitmq (Amazon MQ), kafka (MSK), or both as a list. rabbitmq from traction (one broker beside the hosts), kafka from growth; launch has none. @default rabbitmq on growth and scale, kafka from hyperscale, none before growth',
      ),
    postgres: z
      .strictObject({
        pooler: poolerComponent
          .optional()
          .describe(
            'PgBouncer in front of Postgres (docs/components.md, "Pooling"): services\' DATABASE_HOST points at it. growth, scale, hyperscale. @default false',
          ),
        ...POSTGRES_SHARD_FIELDS,
      })
      .optional()
      .describe('Postgres around the database: its pooler (and, with shards-18, shards homed in regions). @default no pooler'),
    cockroachdb: cockroachComponentSchema.optional(),
    regions: z
      .strictObject({
        mode: z
          .enum(REGION_MODES, { error: (issue) => `${shownValue(issue.input)} is not a region mode; allowed: ${REGION_MODES.join(', ')}` })
          .describe(
            'active-passive: the first region takes every request and every write, the others stand by; active-active: every region serves (needs a multi-writer data store).',
          ),
      })
      .optional()
      .describe('How several regions (growth on) share traffic and writes. @default active-passive on Postgres, active-active on CockroachDB'),
    ...EDGE_COMPONENT_FIELDS,
  })
  .describe('Which components run, within what the stage hosts (docs/components.md). @default the stage profile');

export type ComponentsConfig = z.infer<typeof componentsSchema>;

/** The fields of an environment file the components depend on (schema.ts imports this file, so not its type). */
export interface ComponentsInput {
  readonly components?: ComponentsConfig;
  readonly database?: { readonly engine?: 'postgres' | 'cockroachdb' };
  readonly regions: readonly string[];
  readonly edge?: { readonly steering?: unknown };
}

export type { PoolerSettings } from './pooler';

/** The components of one environment, resolved from its file and its stage's defaults. */
export interface Components {
  readonly search: boolean;
  /** Brokers it runs, in BROKERS order; empty for none. */
  readonly queues: readonly Broker[];
  /** The pooler in front of Postgres; absent for none. */
  readonly pooler?: PoolerSettings;
  /** single for one region. */
  readonly regionMode: 'single' | RegionMode;
  /** Where CockroachDB runs, when the environment runs it. */
  readonly cockroachHosting?: CockroachHosting;
}

/** The brokers `components.queue` names, in BROKERS order. */
function queuesOf(queue: ComponentsConfig['queue']): Broker[] | undefined {
  if (queue === undefined) return undefined;
  if (queue === 'none') return [];
  const listed = typeof queue === 'string' ? [queue] : queue;
  return BROKERS.filter((b) => listed.includes(b));
}

/** The database engine the environment runs (database.engine, else the stage's). */
function engineOf(config: Pick<ComponentsInput, 'database'>, stage: Stage): 'postgres' | 'cockroachdb' {
  return config.database?.engine ?? (stage === 'massive' ? 'cockroachdb' : 'postgres');
}

/**
 * Postgres on hyperscale and massive is Aurora shards, each homed in one region (shards-18,
 * docs/shards.md): every region writes to the shards it homes, so several regions can be active.
 */
function homesShards(stage: Stage, engine: 'postgres' | 'cockroachdb'): boolean {
  return engine === 'postgres' && (stage === 'hyperscale' || stage === 'massive');
}

/** Resolves `components:` against the stage. Call only on a config without `componentProblems`. */
export function resolveComponents(config: ComponentsInput, stage: Stage): Components {
  const c = config.components ?? {};
  const defaults = STAGE_DEFAULT_COMPONENTS[stage];
  const engine = engineOf(config, stage);
  return {
    search: c.search === undefined ? defaults.search : c.search !== false,
    queues: queuesOf(c.queue) ?? defaults.queues,
    pooler: resolvePooler(c.postgres?.pooler),
    regionMode:
      config.regions.length < 2 ? 'single' : (c.regions?.mode ?? (engine === 'cockroachdb' || homesShards(stage, engine) ? 'active-active' : 'active-passive')),
    cockroachHosting: engine === 'cockroachdb' ? (c.cockroachdb?.hosting ?? 'eks') : undefined,
  };
}

/** Data stores the components give, beside the database, Redis and S3 every stage has. */
export function componentDataStores(components: Components): DataStoreKind[] {
  const kinds: DataStoreKind[] = [];
  if (components.search) kinds.push('search');
  if (components.queues.length > 0) kinds.push('queue');
  return kinds;
}

/** `in stage growth` style suffix: the stage and where it came from. */
export interface StageContext {
  readonly stage: Stage;
  /** ` (chosen from workload.mau 3,000,000)` when the stage was not pinned; '' otherwise. */
  readonly chosen: string;
}

/**
 * Combinations that cannot work, each with its reason. Runs after the schema, with the other
 * cross-field rules; every problem is reported at once.
 */
export function componentProblems(file: string, config: ComponentsInput, { stage, chosen }: StageContext): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  const c = config.components;
  if (!c) return problems;
  const hosts = (component: OptionalComponent) => COMPONENT_STAGES[component].includes(stage);
  const where = (component: OptionalComponent) => COMPONENT_STAGES[component].join(', ');

  if (c.search !== undefined && c.search !== false && !hosts('search')) {
    add('components.search', `${stage}${chosen} cannot host search (OpenSearch runs in the VPC beside a cluster); it applies to: ${where('search')}`);
  }
  const brokers = queuesOf(c.queue) ?? [];
  if (stage === 'launch' && brokers.length > 0) {
    add('components.queue', `launch${chosen} is one server; a queue needs traction or later (RabbitMQ from traction, Kafka from growth); allowed: none`);
  } else {
    for (const b of brokers)
      if (!hosts(b))
        add(
          'components.queue',
          `${stage}${chosen} cannot host ${b} (${b === 'kafka' ? KAFKA_NEEDS_A_CLUSTER : "brokers serve a cluster's pods"}); it applies to: ${where(b)}`,
        );
  }
  const pooler = c.postgres?.pooler;
  if (pooler !== undefined && pooler !== false) {
    if (!hosts('pooler'))
      add(
        'components.postgres.pooler',
        `${stage}${chosen} cannot host a pooler in front of Postgres: PgBouncer runs as pods on a cluster, and the services of a single-host stage open a handful of connections that need none; it applies to: ${where('pooler')}`,
      );
    else if (engineOf(config, stage) !== 'postgres')
      add('components.postgres.pooler', 'fronts Postgres; this environment runs CockroachDB (database.engine), which balances its own connections');
  }
  if (c.cockroachdb !== undefined && engineOf(config, stage) !== 'cockroachdb') {
    add('components.cockroachdb', 'applies when the environment runs CockroachDB (database.engine: cockroachdb, hyperscale; massive)');
  }
  if (c.regions !== undefined) {
    if (!hosts('regions')) add('components.regions', `${stage}${chosen} runs in one region; several regions start at growth`);
    else if (config.regions.length < 2) add('components.regions', `${c.regions.mode} needs at least 2 regions; received ${config.regions.length}`);
    else if (c.regions.mode === 'active-active' && engineOf(config, stage) === 'postgres' && !homesShards(stage, 'postgres')) {
      add(
        'components.regions.mode',
        'active-active needs a data store every region can write to; Postgres has one writer (the primary region), so a second active region would send its writes across regions to it or lose them on failover; allowed: active-passive, or database.engine: cockroachdb (hyperscale on)',
      );
    } else if (c.regions.mode === 'active-passive' && config.edge?.steering !== undefined) {
      add(
        'edge.steering',
        'sends users to their nearest region, which active-passive does not: every request goes to the first region while it is healthy; remove it, or use components.regions.mode: active-active',
      );
    }
  }
  return problems;
}

/**
 * Services whose data stores the environment lacks: refused, naming the service file, the data
 * store and the component that adds it. A service whose `queue` is ambiguous (both brokers run)
 * must name its broker.
 */
export function serviceComponentProblems(file: string, components: Components, services: readonly ServiceDefinition[], stage: Stage): Problem[] {
  const problems: Problem[] = [];
  if (!COMPONENT_STAGES.rabbitmq.includes(stage)) return problems; // launch: DATA_STORE_STAGES refuses these in the catalog
  const brokers = components.queues;
  for (const service of services) {
    // Topics that say no broker, on a service that names none, where two run: they would go nowhere.
    const { consumes, produces } = service.topics;
    const plain = [...new Set([...produces, ...consumes])].sort();
    if (brokers.length > 1 && plain.length > 0 && !service.dataStores.some((s) => s === 'queue' || s === 'rabbitmq' || s === 'kafka')) {
      problems.push({
        file,
        path: 'components.queue',
        message: `runs ${brokers.join(' and ')}, so ${service.name}'s topics (${service.sourceFile}: topics: ${plain.join(', ')}) do not say their broker; allowed: name it in dataStores (rabbitmq or kafka), or the broker of each topic (topics.rabbitmq, topics.kafka)`,
      });
    }
    const add = (path: string, what: string, i: number, remedy: string) =>
      problems.push({
        file,
        path,
        message: `${service.name} needs ${what} (${service.sourceFile}: dataStores[${i}]), which this environment leaves out; ${remedy}, or disable ${service.name} (services.${service.name}.enabled: false)`,
      });
    service.dataStores.forEach((store, i) => {
      if (store === 'search' && !components.search) add('components.search', 'search', i, 'add it with components.search: true');
      else if (store === 'queue' && brokers.length === 0)
        add('components.queue', 'a queue', i, `add one with components.queue: ${COMPONENT_STAGES.kafka.includes(stage) ? 'rabbitmq or kafka' : 'rabbitmq'}`);
      else if ((store === 'rabbitmq' || store === 'kafka') && !brokers.includes(store)) {
        const remedy = `add it with components.queue: [${[...brokers, store].sort().join(', ')}]`;
        // A broker the service names by its topics: the refusal points at them.
        if (service.topics[store])
          problems.push({
            file,
            path: 'components.queue',
            message: `${service.name} has topics on ${store} (${service.sourceFile}: topics.${store}: ${topicList(service.topics[store])}), which this environment does not run; ${remedy}, or disable ${service.name} (services.${service.name}.enabled: false)`,
          });
        else add('components.queue', store, i, remedy);
      } else if (store === 'queue' && brokers.length > 1) {
        problems.push({
          file,
          path: 'components.queue',
          message: `runs ${brokers.join(' and ')}, so ${service.name}'s queue (${service.sourceFile}: dataStores[${i}]) is ambiguous; allowed: name its broker in dataStores (rabbitmq or kafka)`,
        });
      }
    });
  }
  return problems;
}

/** `a, b` of the topics a service reads and writes on one broker, for messages. */
function topicList(topics: ServiceTopics): string {
  return [...new Set([...topics.produces, ...topics.consumes])].join(', ');
}

/** Whether `service` is a client of `broker`: it names it (in `dataStores`, or by `topics.<broker>`, which the catalog adds there), or names `queue` where `broker` is the environment's only one. */
export function usesBroker(service: Pick<ServiceDefinition, 'dataStores'>, broker: Broker, queues: readonly Broker[]): boolean {
  return service.dataStores.includes(broker) || (service.dataStores.includes('queue') && queues.length === 1 && queues[0] === broker);
}

/** The brokers `service` is a client of, in BROKERS order: two for a service of both. */
export function brokersOf(service: Pick<ServiceDefinition, 'dataStores'>, queues: readonly Broker[]): Broker[] {
  return BROKERS.filter((b) => usesBroker(service, b, queues));
}

const NO_TOPICS: ServiceTopics = { consumes: [], produces: [] };

/**
 * The topics `service` uses on `broker`: those it names under `topics.<broker>`, or, for a
 * client of one broker, its unqualified `topics.consumes` and `topics.produces` (the catalog
 * refuses unqualified topics on a service of both, and a mix of the two forms).
 */
export function topicsOn(service: Pick<ServiceDefinition, 'dataStores' | 'topics'>, broker: Broker, queues: readonly Broker[]): ServiceTopics {
  if (!usesBroker(service, broker, queues)) return NO_TOPICS;
  const own = service.topics[broker];
  if (own) return { consumes: own.consumes, produces: own.produces };
  return brokersOf(service, queues).length === 1 ? { consumes: service.topics.consumes, produces: service.topics.produces } : NO_TOPICS;
}

/**
 * The services that are clients of `broker` (usesBroker), each with `topics` narrowed to its
 * topics on that broker (topicsOn): what the broker's topology, Jobs and credentials are built from.
 */
export function brokerClients<S extends Pick<ServiceDefinition, 'dataStores' | 'topics'>>(
  services: readonly S[],
  broker: Broker,
  queues: readonly Broker[],
): S[] {
  return services
    .filter((s) => usesBroker(s, broker, queues))
    .map((s) => {
      const on = topicsOn(s, broker, queues);
      return { ...s, topics: { ...on, [broker]: on } };
    });
}
