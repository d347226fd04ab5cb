/**
 * Rules that need both the file and the resolved sizes: a size can be valid on its own
 * and still not fit the stage or the region's zones. Reported like schema problems.
 */
import { Environment } from '../config/environment';
import { Problem } from '../config/errors';
import { Blueprint } from './blueprint-types';
import { AVAILABILITY_FLOORS } from './stage-profiles';

interface Rule {
  /** Returns the problems this rule finds, as [field path, message] pairs. */
  readonly check: (environment: Environment, blueprint: Blueprint) => Array<[string, string]>;
}

/** Where a size came from: the field the user set, or the region that constrains the default. */
const fieldOr = (explicit: unknown, field: string, fallback: string) => (explicit === undefined ? fallback : field);

const RULES: readonly Rule[] = [
  {
    // Amazon MQ's CLUSTER_MULTI_AZ puts one node in each of three zones.
    check: (env, bp) =>
      bp.rabbitmq?.deployment !== 'cluster'
        ? []
        : env.regions
            .filter((r) => r.availabilityZoneIds.length < 3)
            .map((r) => [
              `regions[${r.index}]`,
              `${bp.stage} runs RabbitMQ as a 3-node cluster, one node per availability zone; ${r.code} has ${r.availabilityZoneIds.length} zones here (list 3 in network.availabilityZoneIds.${r.code} or pick a region with 3)`,
            ]),
  },
  {
    // A range's 3 replicas go to 3 zones, so losing a zone never loses a range's majority.
    check: (env, bp) =>
      !bp.cockroach
        ? []
        : env.regions
            .filter((r) => r.availabilityZoneIds.length < 3)
            .map((r) => [
              fieldOr(env.config.network?.availabilityZoneIds?.[r.code], `network.availabilityZoneIds.${r.code}`, `regions[${r.index}]`),
              `CockroachDB keeps a range's replicas in 3 availability zones so that losing one loses no majority; ${r.code} has ${r.availabilityZoneIds.length} zones here; allowed: 3 zones (list 3 in network.availabilityZoneIds.${r.code} or pick a region with 3)`,
            ]),
  },
  {
    check: (env, bp) => {
      if (!bp.kafka) return [];
      return env.regions.flatMap((r): Array<[string, string]> => {
        const zones = Math.min(3, r.availabilityZoneIds.length);
        return bp.kafka!.brokers % zones === 0
          ? []
          : [
              [
                fieldOr(env.config.streaming?.brokers, 'streaming.brokers', `regions[${r.index}]`),
                `${bp.kafka!.brokers} Kafka brokers do not spread evenly over ${r.code}'s ${zones} zones; use a multiple of ${zones}`,
              ],
            ];
      });
    },
  },
  {
    check: (env, bp) => {
      const nodes = bp.search?.dataNodes;
      if (nodes === undefined || nodes < 2) return [];
      return env.regions.flatMap((r): Array<[string, string]> => {
        const zones = r.availabilityZoneIds.length;
        const spreads = (zones >= 3 && nodes % 3 === 0) || nodes % 2 === 0;
        return spreads
          ? []
          : [
              [
                fieldOr(env.config.search?.dataNodes, 'search.dataNodes', `regions[${r.index}]`),
                `${nodes} search data nodes do not spread evenly over 2 or 3 zones; use a multiple of 2${zones >= 3 ? ' or 3' : ''}`,
              ],
            ];
      });
    },
  },
  {
    check: (env, bp) => {
      const problems: Array<[string, string]> = [];
      const cache = env.config.cache;
      const mode = bp.redis.mode;
      if (cache?.shards !== undefined && mode !== 'cluster' && cache.shards !== 1) {
        problems.push(['cache.shards', `${bp.stage} runs Redis as one shard (cluster mode starts at scale); received ${cache.shards}`]);
      }
      // Seed 000 §2.3: 3 primaries + 3 replicas per region; fewer primaries leave a failover without a majority to agree on it.
      const minShards = AVAILABILITY_FLOORS[bp.stage].redisClusterShards;
      if (cache?.shards !== undefined && mode === 'cluster' && cache.shards < minShards) {
        problems.push([
          'cache.shards',
          `${bp.stage} runs a Redis Cluster of at least ${minShards} shards per region, so a failover always has a majority of primaries; allowed: ${minShards}–500; received ${cache.shards}`,
        ]);
      }
      if (cache?.replicasPerShard !== undefined) {
        if (mode === 'single' && cache.replicasPerShard !== 0) {
          problems.push(['cache.replicasPerShard', `${bp.stage} runs a single Redis node; allowed: 0; received ${cache.replicasPerShard}`]);
        }
        if ((mode === 'replicated' || mode === 'cluster') && cache.replicasPerShard < 1) {
          problems.push(['cache.replicasPerShard', `${bp.stage} fails Redis over to a replica; allowed: 1–5; received ${cache.replicasPerShard}`]);
        }
      }
      return problems;
    },
  },
];

export function blueprintProblems(environment: Environment, blueprint: Blueprint): Problem[] {
  return RULES.flatMap((rule) => rule.check(environment, blueprint)).map(([path, message]) => ({ file: environment.sourceFile, path, message }));
}
