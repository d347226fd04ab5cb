/** `stagecraft size`: workload → stage, counts with their reasoning, and the monthly cost of the stacks they make. */
import { describeShardList, SHARDS_PATH } from '../../config/shard-homes';
import { Broker, brokerClients } from '../../config/components';
import { Environment } from '../../config/environment';
import { UserInputError } from '../../config/errors';
import { environmentFiles, loadEnvironments } from '../../config/load';
import { describeStageRange, formatCount } from '../../config/stages';
import { CATALOG } from '../../cost/catalog';
import { EnvironmentCost, priceSizedEnvironment } from '../../cost/estimate';
import { formatSeedRange, formatUsd, formatUsdPerUnit } from '../../cost/reference';
import { ASSUMPTION_NAMES, ASSUMPTIONS } from '../../config/assumptions';
import { sizeEnvironments, SizedEnvironment } from '../../sizing/blueprint';
import { sizeEdgeServices } from '../../sizing/edge-services';
import { ComponentName, fmt } from '../../sizing/capacity';
import { undeclared } from '../../sizing/demand';
import { WORKLOAD_FIELDS } from '../../config/workload-defaults';
import { single } from '../args';
import { Command, JSON_FLAG } from '../command';
import { loadStacks, synthesizeInProcess } from '../../stacks/stack-source';
import { loadWorkloadFile } from '../../config/workload-file';

const COMMAND = 'stagecraft size';

/** One row of the component table. */
interface Row {
  readonly component: string;
  readonly count: string;
  readonly reasoning: string;
}

/**
 * Sizes `environments` and prices their stacks: read from the synthesis `from` names when it
 * has them (as `cost` does), else synthesized in-process.
 */
export function sizeAndPrice(
  environments: readonly Environment[],
  cwd: string,
  from?: { outdir: string; warn: (line: string) => void },
): Array<{ sized: SizedEnvironment; cost: EnvironmentCost }> {
  const sized = sizeEnvironments(environments);
  const synthesized = from ? loadStacks(environments, { ...from, cwd }) : synthesizeInProcess(environments, cwd);
  return sized.map((s, i) => ({ sized: s, cost: priceSizedEnvironment(s, synthesized[i].stacks) }));
}

/** The `--json` document of one sized environment. */
export function sizeDocument({ sized, cost }: { sized: SizedEnvironment; cost: EnvironmentCost }) {
  const { environment, blueprint, report } = sized;
  const derived = report.derived!;
  const workload = report.workload!;
  const demand = derived.demand;
  const reason = (name: ComponentName) => derived.reasons[name] ?? null;
  const given = (environment.config.workload ?? {}) as Record<string, unknown>;
  const overrides = (environment.config.assumptions ?? {}) as Record<string, unknown>;
  return {
    environment: environment.name,
    file: environment.sourceFile,
    stage: environment.stage,
    stageSource: environment.stageSource === 'workload' ? 'workload.mau' : 'pinned',
    stageMauRange: describeStageRange(environment.stage),
    regions: environment.regions.length,
    regionCodes: environment.regions.map((r) => r.code),
    /** Each region carries peak ÷ this: regions − 1 on multi-region stages, else 1. */
    perRegionDivisor: derived.regionDivisor,
    workload: Object.fromEntries([['mau', workload.mau], ...WORKLOAD_FIELDS.map((f) => [f, workload[f] ?? null])]),
    workloadDefaults: WORKLOAD_FIELDS.filter((f) => given[f] === undefined),
    average: { rps: demand.averageRps, messagesPerSecond: demand.averageMessagesPerSecond },
    peak: {
      rps: demand.peakRps,
      messagesPerSecond: demand.peakMessagesPerSecond,
      connections: demand.peakConnections,
      /** `workload` (workload.messagesPerDauPerDay), or the services that declare messages ([] when none does). */
      messagesFrom: 'workload' in demand.messagesFrom ? 'workload' : demand.messagesFrom.services,
      connectionsFrom: demand.connectionsFrom,
      dbWritesPerSecond: demand.peakDbWritesPerSecond,
      dbReadsPerSecond: demand.peakDbReadsPerSecond,
      redisOpsPerSecond: demand.peakRedisOpsPerSecond,
    },
    dau: demand.dau,
    sessions: demand.sessions,
    largestTable: demand.largestTable,
    components: {
      services: Object.entries(blueprint.services ?? {}).map(([name, pods]) => ({
        name,
        driver: pods.driver,
        peakPerRegion: pods.peakPerRegion ?? null,
        min: pods.min,
        max: pods.max,
        cpu: pods.cpu,
        memoryGiB: pods.memoryGiB,
        reason: pods.reason,
        /** `hosts`: one container on each host (launch, traction), min and max are what a cluster would run. */
        runsOn: blueprint.hosts ? 'hosts' : 'cluster',
      })),
      // Edge-first services run as Workers: no pods; their load is the whole environment's.
      edgeServices: sizeEdgeServices(environment.edgeServices, workload, demand.dau),
      hosts: blueprint.hosts ? { count: blueprint.hosts.count, instanceType: blueprint.hosts.instanceType, reason: reason('hosts') } : null,
      nodes: blueprint.cluster ? { ...blueprint.cluster.nodes, instanceType: blueprint.cluster.instanceType, reason: reason('nodes') } : null,
      dbShards: blueprint.postgres?.shards ?? 1,
      dbReadReplicas: blueprint.postgres?.readReplicas ?? 0,
      database: {
        engine: blueprint.databaseEngine,
        kind: blueprint.postgres?.kind ?? 'cockroachdb',
        instanceClass: blueprint.postgres?.instanceClass ?? blueprint.cockroach?.instanceType,
        reason: blueprint.databaseEngine === 'cockroachdb' ? 'CockroachDB splits its data into ranges by itself: one logical database' : reason('dbShards'),
        readReplicasReason: reason('readReplicas'),
      },
      redis: {
        mode: blueprint.redis.mode,
        nodeType: blueprint.redis.nodeType,
        shards: blueprint.redis.shards,
        replicasPerShard: blueprint.redis.replicasPerShard,
        reason: reason('redis'),
      },
      cockroach: blueprint.cockroach
        ? { nodesPerRegion: blueprint.cockroach.nodesPerRegion, instanceType: blueprint.cockroach.instanceType, reason: reason('cockroach') }
        : null,
      kafka: blueprint.kafka ? { brokers: blueprint.kafka.brokers, instanceType: blueprint.kafka.instanceType, reason: reason('kafka') } : null,
      rabbitmq: blueprint.rabbitmq ?? null,
      search: blueprint.search ?? null,
      pooler: blueprint.pooler ?? null,
    },
    clusterCapacity: report.clusterCapacity ?? null,
    explicit: report.explicit,
    monthlyCostUsd: cost.monthlyUsd,
    costPerMauUsd: cost.costPerMauUsd,
    seed004MonthlyRange: formatSeedRange(environment.stage),
    unpricedResources: cost.unpricedResources,
    priceCatalogAsOf: CATALOG.asOf,
    stacks: cost.stacks.map((s) => ({ name: s.stack, region: s.region ?? null, monthlyUsd: s.monthlyUsd })),
    assumptions: Object.fromEntries(
      ASSUMPTION_NAMES.map((name) => [
        name,
        { value: report.assumptions[name], unit: ASSUMPTIONS[name].unit, source: ASSUMPTIONS[name].source, overridden: overrides[name] !== undefined },
      ]),
    ),
    warnings: report.warnings,
  };
}

function rows({ sized }: { sized: SizedEnvironment }): Row[] {
  const { blueprint, report } = sized;
  const reasons = report.derived!.reasons;
  const explicitNote = (prefix: string) => {
    const list = report.explicit.filter((x) => x.field === prefix || x.field.startsWith(`${prefix}.`));
    return list.length === 0 ? '' : `; explicit in the file: ${list.map((x) => `${x.field} ${x.value} (the workload gives ${x.derived})`).join(', ')}`;
  };
  const hosts = blueprint.hosts;
  // On hosts, docker compose runs one container of each service on every host and nothing
  // autoscales: a pod range there (`1–1`, `1–10`) would read as a count the hosts never run.
  const out: Row[] = Object.entries(blueprint.services ?? {}).map(([name, pods]) =>
    hosts
      ? {
          component: `${name} ${pods.scheduled ? 'job' : 'container'}`,
          count: pods.scheduled ? 'on its schedule' : hosts.count === 1 ? '1 on the host' : `1 on each of ${hosts.count} hosts`,
          reasoning:
            (pods.scheduled
              ? `${sized.environment.stage} runs it from a systemd timer on each host, one run at a time there; `
              : `${sized.environment.stage} runs one container of it on each host (docker compose, no autoscaling); `) +
            `on a cluster it would run ${pods.min}–${pods.max} pods: ${pods.reason}`,
        }
      : { component: `${name} pods`, count: `${pods.min}–${pods.max}`, reasoning: pods.reason },
  );
  for (const edge of sizeEdgeServices(sized.environment.edgeServices, report.workload!, report.derived!.demand.dau))
    out.push({ component: `${edge.name} (edge Worker)`, count: 'no pods', reasoning: edge.reason });
  if (blueprint.hosts)
    out.push({
      component: 'hosts',
      count: `${blueprint.hosts.count} × ${blueprint.hosts.instanceType}`,
      reasoning: `${reasons.hosts ?? ''}${explicitNote('compute.hosts')}`,
    });
  if (blueprint.cluster) {
    const n = blueprint.cluster.nodes;
    out.push({
      component: 'nodes',
      count: `${n.min}–${n.max} × ${blueprint.cluster.instanceType}`,
      reasoning: `${reasons.nodes ?? ''}${explicitNote('compute.nodes')}`,
    });
  }
  const pg = blueprint.postgres;
  if (pg && pg.kind === 'on-host')
    out.push({ component: 'postgres', count: 'on the host', reasoning: `${sized.environment.stage} runs Postgres on the host's data volume` });
  if (pg && pg.kind !== 'on-host') {
    out.push({
      component: 'postgres shards',
      count: `${pg.shards} × ${pg.kind === 'aurora' ? 'Aurora' : 'RDS'} ${pg.instanceClass}`,
      reasoning: `${reasons.dbShards ?? ''}${explicitNote('database.shards')}${explicitNote(`${SHARDS_PATH}.count`)}`,
    });
    // Where each shard lives (docs/shards.md): with several regions, each homes its own.
    if (pg.homes && sized.environment.regions.length > 1)
      out.push({
        component: 'shard homes',
        count: sized.environment.regions.map((r) => `${r.code} ${pg.homes?.[r.code]?.length ?? 0}`).join(', '),
        reasoning: `each shard's writer and readers live in its home region only: ${sized.environment.regions
          .map((r) => `${r.code} ${describeShardList(pg.homes?.[r.code] ?? [])}`)
          .join(', ')}`,
      });
    if (reasons.readReplicas)
      out.push({
        component: 'read replicas',
        count: `${pg.readReplicas} per shard`,
        reasoning: `${reasons.readReplicas}${explicitNote('database.readReplicas')}${explicitNote(`${SHARDS_PATH}.replicasPerShard`)}`,
      });
  }
  if (blueprint.cockroach) {
    out.push({
      component: 'cockroachdb nodes',
      count: `${blueprint.cockroach.nodesPerRegion}/region × ${blueprint.cockroach.instanceType}`,
      reasoning: `${reasons.cockroach ?? ''}${explicitNote('database.nodesPerRegion')}`,
    });
  }
  const redis = blueprint.redis;
  out.push({
    component: 'redis',
    count: redis.mode === 'on-host' ? 'on the host' : `${redis.shards} × (1 + ${redis.replicasPerShard}) ${redis.nodeType}`,
    reasoning:
      redis.mode === 'on-host'
        ? `${sized.environment.stage} runs Redis on the host`
        : `${reasons.redis ?? ''}${explicitNote('cache.shards')}; replicas per shard are an availability choice of the stage`,
  });
  if (blueprint.kafka)
    out.push({
      component: 'kafka brokers',
      count: `${blueprint.kafka.brokers} × ${blueprint.kafka.instanceType}`,
      reasoning: `${reasons.kafka ?? ''}${explicitNote('streaming.brokers')}${topicsNote(sized.environment, 'kafka')}`,
    });
  if (blueprint.pooler)
    out.push({
      component: 'pgbouncer',
      count: `${blueprint.pooler.pods} pods × ${blueprint.pooler.cpuMillis}m CPU, ${blueprint.pooler.memoryMiB} MiB`,
      reasoning: blueprint.pooler.reason,
    });
  if (blueprint.rabbitmq)
    out.push({
      component: 'rabbitmq',
      count: `${blueprint.rabbitmq.deployment === 'cluster' ? '3-node cluster' : '1 broker'} × ${blueprint.rabbitmq.instanceType}`,
      reasoning: `${rabbitMqReason(sized.environment, blueprint.rabbitmq.instanceType)}${topicsNote(sized.environment, 'rabbitmq')}`,
    });
  if (blueprint.search)
    out.push({
      component: 'opensearch',
      count: `${blueprint.search.dataNodes} × ${blueprint.search.instanceType}`,
      reasoning: 'stage topology (search load is not part of the workload profile)',
    });
  return out;
}

/**
 * Why the broker is what it is: the stage's topology, or on hosts (traction) the one broker the
 * environment adds, its type's limits and the way up (sizing/stage-profiles.ts ADDED_COMPONENT_SIZES).
 */
function rabbitMqReason(environment: Environment, instanceType: string): string {
  if (environment.stage !== 'traction') return 'stage topology';
  const given = environment.config.queue?.instanceType !== undefined ? ' (queue.instanceType)' : '';
  return instanceType === 'mq.t3.micro'
    ? `components.queue on traction: one broker beside the hosts${given}; mq.t3.micro holds 500 connections and 2,500 queues (Amazon MQ sizing guidelines), AWS advises mq.m5.large for production loads: raise queue.instanceType (in place, taken when the broker reboots; never lowered back)`
    : `components.queue on traction: one broker beside the hosts${given}`;
}

/** `; topics: events (api → worker), …`: the topics on `broker` with who writes and who reads each (config/components.ts `topicsOn`). */
function topicsNote(environment: Environment, broker: Broker): string {
  const clients = brokerClients(environment.services, broker, environment.components.queues);
  const topics = [...new Set(clients.flatMap((s) => [...s.topics.produces, ...s.topics.consumes]))].sort();
  if (topics.length === 0) return '';
  const names = (list: readonly string[]) => (list.length > 0 ? list.join(', ') : 'none');
  const line = (topic: string) =>
    `${topic} (${names(clients.filter((s) => s.topics.produces.includes(topic)).map((s) => s.name))} → ${names(clients.filter((s) => s.topics.consumes.includes(topic)).map((s) => s.name))})`;
  return `; topics: ${topics.map(line).join(', ')}`;
}

export function formatSize(result: { sized: SizedEnvironment; cost: EnvironmentCost }): string {
  const { environment, report } = result.sized;
  const demand = report.derived!.demand;
  const lines: string[] = [];
  const stageWhy =
    environment.stageSource === 'workload'
      ? `chosen from mau ${formatCount(demand.mau)} (seed 004: ${describeStageRange(environment.stage)})`
      : `pinned in the file (seed 004: ${describeStageRange(environment.stage)})`;
  const regions = environment.regions.map((r) => r.code).join(', ');
  lines.push(`${environment.name} (${environment.sourceFile}): ${environment.stage}, ${stageWhy}`);
  lines.push(
    `${environment.regions.length} region${environment.regions.length === 1 ? '' : 's'} (${regions})${report.derived!.regionDivisor > 1 ? `; each region is sized for peak ÷ (${environment.regions.length} − 1), to survive the loss of one` : ''}`,
  );
  // Messages and connections are what the services declare (sizing/demand.ts); none declared is said in words.
  const messages =
    undeclared('messages', demand) ??
    `${fmt(demand.peakMessagesPerSecond)} messages/s (${'workload' in demand.messagesFrom ? 'workload.messagesPerDauPerDay' : demand.messagesFrom.services.join(', ')})`;
  const connections = undeclared('connections', demand) ?? `${fmt(demand.peakConnections)} connections (${demand.connectionsFrom.join(', ')})`;
  lines.push(
    `demand: ${fmt(demand.dau)} DAU · peak ${fmt(demand.peakRps)} req/s · ${messages} · ${connections} · ${fmt(demand.peakDbWritesPerSecond)} DB writes/s · ${fmt(demand.peakRedisOpsPerSecond)} Redis ops/s`,
  );
  lines.push(
    `services: ${
      environment.services.length + environment.edgeServices.length === 0
        ? 'none enabled'
        : [
            ...environment.services.map((s) => `${s.name} (${s.schedule ? `job, ${s.schedule.cron}` : s.demand.driver})`),
            ...environment.edgeServices.map((s) => `${s.name} (${s.demand.driver}, a Worker at the edge)`),
          ].join(', ')
    }; each sized from its own demand and requests (services/<name>.yaml)`,
  );
  lines.push('');
  const table = rows(result);
  const w1 = Math.max(...table.map((r) => r.component.length), 'component'.length);
  const w2 = Math.max(...table.map((r) => r.count.length), 'count'.length);
  lines.push(`${'component'.padEnd(w1)}  ${'count'.padEnd(w2)}  reasoning`);
  for (const r of table) lines.push(`${r.component.padEnd(w1)}  ${r.count.padEnd(w2)}  ${r.reasoning}`);
  lines.push('');
  const { cost } = result;
  const unpriced = cost.unpricedResources === 0 ? 'no resource unpriced' : `${cost.unpricedResources} resource(s) unpriced, left out (see stagecraft cost)`;
  lines.push(
    `monthly cost: ${formatUsd(cost.monthlyUsd)} (${formatUsdPerUnit(cost.costPerMauUsd ?? 0)} per MAU), priced from the synthesized stacks with the ${CATALOG.asOf} catalog; ${unpriced}; seed 004 ${environment.stage}: ${formatSeedRange(environment.stage)}`,
  );
  const overridden = Object.keys(environment.config.assumptions ?? {});
  lines.push(`assumptions: ${overridden.length === 0 ? 'all defaults' : `overridden: ${overridden.join(', ')}`} (sources in config/assumptions.ts and --json)`);
  if (report.warnings.length > 0) {
    lines.push('warnings:');
    for (const w of report.warnings) lines.push(`  - ${w}`);
  }
  return lines.join('\n') + '\n';
}

export const sizeCommand: Command = {
  name: 'size',
  summary: 'Size an environment from its workload: stage, counts with their reasoning, monthly cost and cost per MAU',
  usage: 'size (--env <name-or-path> | --workload <file>) [--out <dir>] [--json]',
  flags: [
    { name: 'env', takesValue: true, valueName: '<name-or-path>', description: 'environment name in environments/, or a YAML path; it must have a workload' },
    {
      name: 'workload',
      takesValue: true,
      valueName: '<file>',
      description: 'YAML file of workload fields (mau, dauRatio, …) with optional regions, stage and assumptions',
    },
    {
      name: 'out',
      takesValue: true,
      valueName: '<dir>',
      description: "with --env, the synthesis to price (default: cdktf.out; without the environment's stacks they are synthesized in-process)",
    },
    JSON_FLAG,
  ],
  details: [
    'The stage comes from mau (seed 004 ranges) unless the file pins one; explicit sizes in an environment',
    'file win over derived ones. Multi-region stages size each region for peak ÷ (regions − 1).',
    'The cost prices the stacks of this sizing with the bundled catalog: with --env, those in the synthesis (cdktf.out,',
    'as `stagecraft cost` does) when it has them, else synthesized in-process; with --workload, always in-process.',
    'Nothing is written.',
    'Bad input (e.g. a negative mau, a ratio outside 0–1, assumptions a component cannot meet) exits 2.',
  ].join('\n'),
  async run(args, io) {
    const env = single(args, 'env');
    const workloadFile = single(args, 'workload');
    if ((env === undefined) === (workloadFile === undefined)) {
      throw new UserInputError([{ file: COMMAND, path: 'arguments', message: 'give exactly one of --env <name-or-path> or --workload <file>' }]);
    }
    let environment: Environment;
    if (env !== undefined) {
      [environment] = loadEnvironments(environmentFiles([env], io.cwd), io.cwd);
      if (!environment.config.workload) {
        throw new UserInputError([
          {
            file: environment.sourceFile,
            path: 'workload',
            message: 'is required by `stagecraft size`: add workload.mau (monthly active users) to size from it',
          },
        ]);
      }
    } else {
      environment = loadWorkloadFile(workloadFile!, io.cwd);
    }
    const from = env === undefined ? undefined : { outdir: single(args, 'out') ?? 'cdktf.out', warn: (line: string) => io.err(`${line}\n`) };
    const [result] = sizeAndPrice([environment], io.cwd, from);
    io.out(args.switches.has('json') ? `${JSON.stringify(sizeDocument(result), null, 2)}\n` : formatSize(result));
    return 0;
  },
};
