/**
 * The seed 004 "Scaling Decision Cheat Sheet", one rule per row: the signal and its threshold,
 * the action, and what not to do, in the seed's words. Each rule also says where Stagecraft
 * offers the action: a rule whose action the current stage cannot take argues for the next stage.
 */
import { formatNumber, isAtLeast, Stage } from '../config/stages';
import { Blueprint } from '../sizing/blueprint-types';
import { Metrics } from './metrics';

/** What a rule knows about the environment it advises. */
export interface AdviceContext {
  readonly stage: Stage;
  /** The environment's sized blueprint, when advising an environment file. */
  readonly blueprint?: Blueprint;
}

export interface CheatSheetRule {
  readonly id: string;
  /** The cheat sheet's "Signal" column. */
  readonly signal: string;
  /** The cheat sheet's "Action" column. */
  readonly action: string;
  /** The cheat sheet's "Don't Do" column. */
  readonly dont: string;
  /** The observed value in words, or undefined when the signal was not observed. */
  readonly observed: (m: Metrics) => string | undefined;
  /** True when the signal crosses the threshold; undefined when not observed. */
  readonly fires: (m: Metrics) => boolean | undefined;
  /** The first stage whose topology lets Stagecraft take the action. */
  readonly availableFrom: (ctx: AdviceContext) => Stage;
  /** How to take the action in Stagecraft at this stage. */
  readonly howTo: (ctx: AdviceContext) => string;
}

const defined = <T>(value: T | undefined, test: (v: T) => boolean) => (value === undefined ? undefined : test(value));

export const CHEAT_SHEET: readonly CheatSheetRule[] = [
  {
    id: 'response-time',
    signal: 'Response time > 500ms',
    action: 'Add caching layer',
    dont: "Add more servers (won't help)",
    observed: (m) => (m.p95LatencyMs === undefined ? undefined : `p95 ${m.p95LatencyMs} ms`),
    fires: (m) => defined(m.p95LatencyMs, (v) => v > 500),
    availableFrom: () => 'launch',
    howTo: ({ stage }) =>
      stage === 'launch'
        ? 'Redis already runs on the host: cache the slow reads there'
        : 'cache the slow reads in Redis; grow it with cache.nodeType or, from scale, cache.shards',
  },
  {
    id: 'app-cpu',
    signal: 'CPU > 80% on app server',
    action: 'Add more app servers',
    dont: 'Increase server size (hits ceiling)',
    observed: (m) => (m.appCpuPercent === undefined ? undefined : `app CPU ${m.appCpuPercent}%`),
    fires: (m) => defined(m.appCpuPercent, (v) => v > 80),
    availableFrom: ({ stage, blueprint }) => {
      if (stage === 'launch') return 'traction';
      if (stage === 'traction') return (blueprint?.hosts?.count ?? 1) >= 2 ? 'growth' : 'traction';
      return stage;
    },
    howTo: ({ stage, blueprint }) => {
      if (stage === 'launch') return 'launch runs exactly one host: move to traction and set compute.hosts: 2';
      if (stage === 'traction') {
        return (blueprint?.hosts?.count ?? 1) >= 2
          ? 'traction runs at most 2 hosts: move to growth (a cluster behind a load balancer)'
          : 'set compute.hosts: 2';
      }
      const nodes = blueprint?.cluster?.nodes;
      return `raise compute.nodes.max${nodes ? ` (now ${nodes.max})` : ''}, or raise workload.requestsPerDauPerDay to the observed load and re-run stagecraft size`;
    },
  },
  {
    id: 'db-read-cpu',
    signal: 'DB CPU > 70% on reads',
    action: 'Add read replica',
    dont: 'Shard (overkill)',
    observed: (m) => (m.db?.readCpuPercent === undefined ? undefined : `DB read CPU ${m.db.readCpuPercent}%`),
    fires: (m) => defined(m.db?.readCpuPercent, (v) => v > 70),
    availableFrom: ({ stage }) => (isAtLeast(stage, 'growth') ? stage : 'growth'),
    howTo: ({ stage, blueprint }) => {
      if (!isAtLeast(stage, 'growth')) return `${stage} has no read replicas: move to growth (Multi-AZ primary + read replica)`;
      if (stage === 'massive') return 'add CockroachDB nodes (database.nodesPerRegion); every node serves reads';
      return `raise database.readReplicas${blueprint?.postgres ? ` (now ${blueprint.postgres.readReplicas})` : ''}`;
    },
  },
  {
    id: 'db-write-cpu',
    signal: 'DB CPU > 70% on writes',
    action: 'Optimize queries first, then shard',
    dont: "Add replicas (won't help writes)",
    observed: (m) => (m.db?.writeCpuPercent === undefined ? undefined : `DB write CPU ${m.db.writeCpuPercent}%`),
    fires: (m) => defined(m.db?.writeCpuPercent, (v) => v > 70),
    // Optimizing queries is possible anywhere; only the sharding that follows needs hyperscale.
    availableFrom: ({ stage }) => stage,
    howTo: ({ stage, blueprint }) => {
      if (stage === 'massive') return 'optimize the hot queries and batch writes (workload.writeBatchSize); then add CockroachDB nodes';
      if (stage === 'hyperscale') {
        return blueprint?.databaseEngine === 'cockroachdb'
          ? 'optimize the hot queries; then raise database.nodesPerRegion'
          : `optimize the hot queries and batch writes; then raise database.shards${blueprint?.postgres ? ` (now ${blueprint.postgres.shards})` : ''}`;
      }
      return 'optimize the hot queries and batch writes (seed 002: 100 messages per transaction); sharding arrives at hyperscale (database.shards)';
    },
  },
  {
    id: 'queue-depth',
    signal: 'Queue depth growing',
    action: 'Add more workers',
    dont: 'Increase server size',
    observed: (m) => (m.queueDepthTrend === undefined ? undefined : `queue depth ${m.queueDepthTrend}`),
    fires: (m) => defined(m.queueDepthTrend, (v) => v === 'growing'),
    availableFrom: ({ stage }) => (isAtLeast(stage, 'growth') ? stage : 'growth'),
    howTo: ({ stage }) =>
      isAtLeast(stage, 'growth')
        ? 'run more consumer pods (the apps stack will carry their autoscaling); on Kafka, add partitions so they can share the work'
        : `${stage} has no message queue: move to growth (RabbitMQ) and give the background work its own workers`,
  },
  {
    id: 'cache-hit',
    signal: 'Cache hit ratio < 80%',
    action: 'Review cache strategy, add more cache',
    dont: 'Throw more DB at it',
    observed: (m) => (m.cacheHitRatio === undefined ? undefined : `cache hit ratio ${Math.round(m.cacheHitRatio * 1000) / 10}%`),
    fires: (m) => defined(m.cacheHitRatio, (v) => v < 0.8),
    availableFrom: () => 'launch',
    howTo: ({ stage, blueprint }) =>
      stage === 'launch'
        ? 'review keys and TTLs; give the on-host Redis more memory (compute.instanceType)'
        : `review keys and TTLs; then grow the cache: cache.nodeType${blueprint ? ` (now ${blueprint.redis.nodeType})` : ''}${isAtLeast(stage, 'scale') ? ' or cache.shards' : ''}`,
  },
  {
    id: 'deploy-conflicts',
    signal: 'Deploy conflicts > 2/week',
    action: 'Extract microservice',
    dont: 'Restructure monolith',
    observed: (m) => (m.deployConflictsPerWeek === undefined ? undefined : `${m.deployConflictsPerWeek} deploy conflicts/week`),
    fires: (m) => defined(m.deployConflictsPerWeek, (v) => v > 2),
    availableFrom: ({ stage }) => (isAtLeast(stage, 'hyperscale') ? stage : 'hyperscale'),
    howTo: ({ stage }) =>
      isAtLeast(stage, 'hyperscale')
        ? 'extract the most conflicted module into its own service (seed 004: notifications first, orders last)'
        : 'seed 004 extracts microservices at hyperscale; until then, split ownership inside the monolith',
  },
  {
    id: 'table-rows',
    signal: 'Single table > 500M rows',
    action: 'Archive or shard',
    dont: "Add indexes (won't scale)",
    observed: (m) => (m.largestTableRows === undefined ? undefined : `largest table ${formatNumber(m.largestTableRows)} rows`),
    fires: (m) => defined(m.largestTableRows, (v) => v > 500_000_000),
    // Archiving to S3 is possible on every stage; sharding needs hyperscale.
    availableFrom: ({ stage }) => stage,
    howTo: ({ stage }) =>
      isAtLeast(stage, 'hyperscale')
        ? 'archive rows older than workload.hotRetentionDays to S3 (seed 002 tiering), or raise database.shards'
        : 'archive rows older than workload.hotRetentionDays to S3 (seed 002 tiering); sharding arrives at hyperscale',
  },
  {
    id: 'third-party',
    signal: 'Third-party API too slow',
    action: 'Add circuit breaker + fallback',
    dont: 'Retry aggressively (makes it worse)',
    observed: (m) => (m.thirdPartyP95Ms === undefined ? undefined : `third-party p95 ${m.thirdPartyP95Ms} ms`),
    // The seed gives no number; Stagecraft reads "too slow" as the cheat sheet's own 500 ms response-time line.
    fires: (m) => defined(m.thirdPartyP95Ms, (v) => v > 500),
    availableFrom: ({ stage }) => stage,
    howTo: () => 'wrap the call in a circuit breaker with a cached or degraded fallback; cap retries with backoff',
  },
];

/** One rule's outcome. */
export interface RuleOutcome {
  readonly rule: CheatSheetRule;
  readonly status: 'fires' | 'holds' | 'not observed';
  readonly observed?: string;
  /** Where the action is available, when the rule fires. */
  readonly availableFrom?: Stage;
  readonly howTo?: string;
}

export function evaluateRules(metrics: Metrics, ctx: AdviceContext, rules: readonly CheatSheetRule[] = CHEAT_SHEET): RuleOutcome[] {
  return rules.map((rule) => {
    const fires = rule.fires(metrics);
    if (fires === undefined) return { rule, status: 'not observed' };
    if (!fires) return { rule, status: 'holds', observed: rule.observed(metrics) };
    return { rule, status: 'fires', observed: rule.observed(metrics), availableFrom: rule.availableFrom(ctx), howTo: rule.howTo(ctx) };
  });
}
