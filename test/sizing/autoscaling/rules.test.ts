/**
 * The autoscaling rules (sizing/autoscaling): seed defaults per stage, overrides from the
 * environment file, and every inconsistent rule reported with its file, field and allowed values.
 */
import { parseEnvironment } from '../../../config/load';
import { formatProblem } from '../../../config/errors';
import { base, environment, SEVERAL_REGIONS_EDGE, sizeProblems } from '../../helpers/environments';
import { blueprintFor } from '../../../sizing/blueprint';
import { STAGE_PROFILES } from '../../../sizing/stage-profiles';
import { STAGES } from '../../../config/stages';
import { AURORA_REPLICA_STAGES, NODE_GROUP_STAGES, REDIS_SHARD_STAGES } from '../../../config/autoscaling';
import { AURORA_REPLICA_DEFAULTS } from '../../../sizing/autoscaling/aurora-replicas';
import { NODE_GROUP_DEFAULTS } from '../../../sizing/autoscaling/node-groups';
import { REDIS_SHARD_DEFAULTS } from '../../../sizing/autoscaling/redis-shards';

const FILE = 'environments/test.yaml';
const problems = (yaml: string) => parseEnvironment(yaml, FILE).problems.map(formatProblem);
const massive = (extra = '') => `${base('massive').replace('[us-east-1]', '[us-east-1, eu-west-1, ap-northeast-1]')}${SEVERAL_REGIONS_EDGE}${extra}`;
const fileFor = (stage: string, extra = '') => (stage === 'massive' ? massive(extra) : `${base(stage)}${extra}`);

describe('autoscaling rules: seed defaults on each stage', () => {
  it.each(STAGES.map((stage) => [stage]))('%s gets exactly the rules its topology can host', (stage) => {
    const blueprint = blueprintFor(environment(fileFor(stage)));
    const profile = STAGE_PROFILES[stage];
    const rules = blueprint.autoscaling ?? {};
    expect(rules.nodes !== undefined).toBe(NODE_GROUP_STAGES.includes(stage));
    expect(rules.auroraReplicas !== undefined).toBe(AURORA_REPLICA_STAGES.includes(stage) && profile.postgres?.kind === 'aurora');
    expect(rules.redisShards !== undefined).toBe(REDIS_SHARD_STAGES.includes(stage));

    if (rules.nodes) {
      // The range is the Blueprint's; the behaviour is the rule's defaults.
      expect(rules.nodes).toEqual({ ...profile.cluster!.nodes, ...NODE_GROUP_DEFAULTS });
      expect(blueprint.cluster!.nodes).toEqual(profile.cluster!.nodes);
    }
    if (rules.auroraReplicas) {
      const floor = Math.max(AURORA_REPLICA_DEFAULTS.min, profile.postgres!.readReplicas);
      expect(rules.auroraReplicas).toEqual({ ...AURORA_REPLICA_DEFAULTS, min: floor, max: Math.max(AURORA_REPLICA_DEFAULTS.max, floor) });
      // Terraform builds the floor: the fixed readers are the rule's min.
      expect(blueprint.postgres!.readReplicas).toBe(floor);
    }
    if (rules.redisShards) {
      const nodesPerShard = 1 + profile.redis.replicasPerShard;
      expect(rules.redisShards).toEqual({
        minShards: profile.redis.shards,
        maxShards: Math.floor(REDIS_SHARD_DEFAULTS.maxNodes / nodesPerShard),
        nodesPerShard,
        targetPercent: REDIS_SHARD_DEFAULTS.targetPercent,
        scaleOutCooldownSeconds: REDIS_SHARD_DEFAULTS.scaleOutCooldownSeconds,
        scaleInCooldownSeconds: REDIS_SHARD_DEFAULTS.scaleInCooldownSeconds,
      });
      expect(blueprint.redis.shards).toBe(profile.redis.shards);
    }
  });

  it('keeps seed 002 §10 figures as the defaults: readers 2–10 at 70% CPU, Redis up to 30 nodes at 80% memory', () => {
    expect(AURORA_REPLICA_DEFAULTS).toMatchObject({ min: 2, max: 10, targetPercent: 70 });
    expect(REDIS_SHARD_DEFAULTS).toMatchObject({ maxNodes: 30, targetPercent: 80 });
    expect(NODE_GROUP_DEFAULTS).toMatchObject({ scaleDownUtilizationThreshold: 0.4, expander: 'least-waste' });
  });

  it('raises hyperscale readers from the profile 1 per shard to the seed floor of 2 per shard', () => {
    const blueprint = blueprintFor(environment(base('hyperscale')));
    expect(STAGE_PROFILES.hyperscale.postgres!.readReplicas).toBeLessThan(AURORA_REPLICA_DEFAULTS.min);
    expect(blueprint.postgres).toMatchObject({ shards: STAGE_PROFILES.hyperscale.postgres!.shards, readReplicas: AURORA_REPLICA_DEFAULTS.min });
  });

  it('has no Aurora rule on hyperscale with CockroachDB, and no Redis rule before cluster mode', () => {
    expect(blueprintFor(environment(`${base('hyperscale')}database:\n  engine: cockroachdb\n`)).autoscaling?.auroraReplicas).toBeUndefined();
    expect(blueprintFor(environment(base('growth'))).autoscaling?.redisShards).toBeUndefined();
  });
});

describe('autoscaling rules: overrides', () => {
  it('applies every override of the Aurora rule', () => {
    const blueprint = blueprintFor(
      environment(
        `${base('scale')}autoscaling:\n  auroraReplicas: { min: 3, max: 12, targetCpuPercent: 60, scaleOutCooldownSeconds: 120, scaleInCooldownSeconds: 600 }\n`,
      ),
    );
    expect(blueprint.autoscaling?.auroraReplicas).toEqual({ min: 3, max: 12, targetPercent: 60, scaleOutCooldownSeconds: 120, scaleInCooldownSeconds: 600 });
    expect(blueprint.postgres?.readReplicas).toBe(3);
  });

  it('lets an explicit database.readReplicas set the floor, and lifts the default max above it', () => {
    expect(blueprintFor(environment(`${base('scale')}database:\n  readReplicas: 1\n`)).autoscaling?.auroraReplicas).toMatchObject({
      min: 1,
      max: AURORA_REPLICA_DEFAULTS.max,
    });
    expect(blueprintFor(environment(`${base('scale')}database:\n  readReplicas: 12\n`)).autoscaling?.auroraReplicas).toMatchObject({ min: 12, max: 12 });
  });

  it('turns a rule off with enabled: false, leaving the sized counts as they are', () => {
    const blueprint = blueprintFor(environment(`${base('hyperscale')}autoscaling:\n  auroraReplicas: { enabled: false }\n  redis: { enabled: false }\n`));
    expect(blueprint.autoscaling).toEqual({ nodes: expect.any(Object) });
    expect(blueprint.postgres?.readReplicas).toBe(STAGE_PROFILES.hyperscale.postgres!.readReplicas);
  });

  it('starts Redis at minShards when that is above the sized shards, and keeps the sized count inside the range', () => {
    const raised = blueprintFor(environment(`${base('scale')}autoscaling:\n  redis: { minShards: 5, maxShards: 20, targetMemoryPercent: 70 }\n`));
    expect(raised.redis.shards).toBe(5);
    expect(raised.autoscaling?.redisShards).toMatchObject({ minShards: 5, maxShards: 20, targetPercent: 70 });
    const lowered = blueprintFor(environment(`${base('scale')}autoscaling:\n  redis: { minShards: 1 }\n`));
    expect(lowered.redis.shards).toBe(STAGE_PROFILES.scale.redis.shards);
  });

  it('derives the Redis ceiling from the seed 30 nodes and the replicas per shard', () => {
    for (const replicasPerShard of [1, 2, 4]) {
      const blueprint = blueprintFor(environment(`${base('scale')}cache:\n  replicasPerShard: ${replicasPerShard}\n`));
      expect(blueprint.autoscaling?.redisShards?.maxShards).toBe(Math.floor(REDIS_SHARD_DEFAULTS.maxNodes / (1 + replicasPerShard)));
    }
  });

  it('passes the cluster autoscaler behaviour through', () => {
    const blueprint = blueprintFor(
      environment(`${base('growth')}autoscaling:\n  nodes: { scaleDownUtilizationThreshold: 0.6, scaleDownUnneededMinutes: 20, expander: most-pods }\n`),
    );
    expect(blueprint.autoscaling?.nodes).toMatchObject({ scaleDownUtilizationThreshold: 0.6, scaleDownUnneededMinutes: 20, expander: 'most-pods' });
  });
});

describe('autoscaling rules: bad input', () => {
  it('refuses a rule on a stage that cannot host it', () => {
    expect(problems(`${base('launch')}autoscaling:\n  nodes: { expander: random }\n`)).toEqual([
      `${FILE}: autoscaling.nodes: does not apply to stage launch; it applies to: growth, scale, hyperscale, massive`,
    ]);
    expect(problems(`${base('growth')}autoscaling:\n  redis: { maxShards: 10 }\n`)).toEqual([
      `${FILE}: autoscaling.redis: does not apply to stage growth; it applies to: scale, hyperscale, massive`,
    ]);
    expect(problems(massive('autoscaling:\n  auroraReplicas: { max: 4 }\n'))).toEqual([
      `${FILE}: autoscaling.auroraReplicas: does not apply to stage massive; it applies to: scale, hyperscale`,
    ]);
    expect(problems(`${base('hyperscale')}database:\n  engine: cockroachdb\nautoscaling:\n  auroraReplicas: { max: 4 }\n`)).toEqual([
      `${FILE}: autoscaling.auroraReplicas: applies to Aurora PostgreSQL clusters; this environment runs cockroachdb (database.engine), which places its replicas itself`,
    ]);
  });

  it('refuses min above max, limits above AWS quotas, and settings of a rule that is off, all at once', () => {
    const yaml = `${base('scale')}autoscaling:\n  auroraReplicas: { min: 6, max: 4 }\n  redis: { enabled: false, minShards: 8, maxShards: 4 }\n`;
    expect(problems(yaml)).toEqual([
      `${FILE}: autoscaling.auroraReplicas: min (6) must not exceed max (4)`,
      `${FILE}: autoscaling.redis: minShards (8) must not exceed maxShards (4)`,
      `${FILE}: autoscaling.redis.minShards: applies only when the rule runs; remove it or set autoscaling.redis.enabled: true`,
      `${FILE}: autoscaling.redis.maxShards: applies only when the rule runs; remove it or set autoscaling.redis.enabled: true`,
    ]);
    expect(problems(`${base('scale')}autoscaling:\n  auroraReplicas: { max: 16 }\n  redis: { maxShards: 501, targetMemoryPercent: 95 }\n`)).toEqual([
      `${FILE}: autoscaling.auroraReplicas.max: must be 1–15 (Aurora allows at most 15 readers per cluster); received number 16`,
      `${FILE}: autoscaling.redis.maxShards: must be 1–500 (ElastiCache allows at most 500 shards per replication group); received number 501`,
      `${FILE}: autoscaling.redis.targetMemoryPercent: must be 10–90 percent; received number 95`,
    ]);
  });

  it('lists the allowed keys and expanders', () => {
    expect(problems(`${base('scale')}autoscaling:\n  aurora: { max: 4 }\n  nodes: { expander: cheapest }\n`)).toEqual([
      `${FILE}: autoscaling.nodes.expander: "cheapest" is not allowed; allowed: least-waste, most-pods, random`,
      `${FILE}: autoscaling: unknown key "aurora"; allowed keys: nodes, auroraReplicas, redis, websocket, api`,
    ]);
  });

  it('refuses a Kubernetes version without a pinned cluster autoscaler release', () => {
    expect(problems(`${base('growth')}compute:\n  kubernetesVersion: "1.29"\n`)).toEqual([
      `${FILE}: compute.kubernetesVersion: "1.29" has no cluster autoscaler release pinned (config/cluster-autoscaler-releases.ts); allowed: 1.32, 1.33, 1.34, 1.35, 1.36`,
    ]);
  });

  it('refuses an Aurora floor that disagrees with the fixed readers, or a ceiling below them', () => {
    expect(sizeProblems(`${base('scale')}database:\n  readReplicas: 1\nautoscaling:\n  auroraReplicas: { min: 2 }\n`)).toEqual([
      `${FILE}: autoscaling.auroraReplicas.min: must equal database.readReplicas (1): Terraform builds the floor's readers and Application Auto Scaling adds readers only above them; received 2`,
    ]);
    expect(sizeProblems(`${base('scale')}database:\n  readReplicas: 5\nautoscaling:\n  auroraReplicas: { max: 4 }\n`)).toEqual([
      `${FILE}: autoscaling.auroraReplicas.max: must be at least the 5 readers each cluster keeps (min, from database.readReplicas); received 4`,
    ]);
  });

  it('refuses a Redis node type ElastiCache cannot autoscale, unless the rule is off', () => {
    expect(sizeProblems(`${base('scale')}cache:\n  nodeType: cache.t4g.medium\n`)).toEqual([
      `${FILE}: cache.nodeType: ElastiCache auto scaling supports node families r7g, r6g, r6gd, r5, m7g, m6g, m5, c7gn in sizes large, xlarge, 2xlarge; pick one of those or set autoscaling.redis.enabled: false; received "cache.t4g.medium"`,
    ]);
    expect(sizeProblems(`${base('scale')}cache:\n  nodeType: cache.r6g.4xlarge\nautoscaling:\n  redis: { enabled: false }\n`)).toEqual([]);
    expect(sizeProblems(`${base('scale')}cache:\n  nodeType: cache.r7g.2xlarge\n`)).toEqual([]);
  });

  it('refuses a Redis range that does not hold the shards or exceeds 500 nodes', () => {
    expect(sizeProblems(`${base('scale')}cache:\n  shards: 4\nautoscaling:\n  redis: { minShards: 5 }\n`)).toEqual([
      `${FILE}: cache.shards: must lie within autoscaling.redis minShards–maxShards (5–15), where the autoscaler keeps it; received 4`,
    ]);
    expect(sizeProblems(`${base('scale')}cache:\n  shards: 6\nautoscaling:\n  redis: { maxShards: 4 }\n`)).toEqual([
      `${FILE}: autoscaling.redis.maxShards: must be at least the 6 shards the cluster starts with (cache.shards); received 4`,
    ]);
    expect(sizeProblems(`${base('scale')}cache:\n  replicasPerShard: 2\nautoscaling:\n  redis: { maxShards: 200 }\n`)).toEqual([
      `${FILE}: autoscaling.redis.maxShards: 200 shards of 3 nodes make 600 nodes, above ElastiCache's 500 per replication group; allowed: at most 166 shards with 2 replica(s) each; received 200`,
    ]);
  });
});
