import { base, environment, SEVERAL_REGIONS_EDGE, sizeProblems } from '../helpers/environments';
import { blueprintFor } from '../../sizing/blueprint';
import { COCKROACH_PROFILES, STAGE_PROFILES } from '../../sizing/stage-profiles';
import { AURORA_REPLICA_DEFAULTS } from '../../sizing/autoscaling/aurora-replicas';

describe('blueprint', () => {
  it('uses the stage profile when the file sets no sizes', () => {
    const withoutUndefined = (value: object) => JSON.parse(JSON.stringify(value));
    for (const stage of ['launch', 'traction', 'growth', 'scale', 'hyperscale'] as const) {
      const { autoscaling, ...sized } = blueprintFor(environment(base(stage)));
      const profile = STAGE_PROFILES[stage];
      // Aurora's reader autoscaling raises the fixed readers to its floor (seed 002: 2 per shard).
      const postgres = autoscaling?.auroraReplicas &&
        profile.postgres && { ...profile.postgres, readReplicas: Math.max(profile.postgres.readReplicas, AURORA_REPLICA_DEFAULTS.min) };
      // A host stage's type holds its containers' reservations (sizing/host-fit.ts, test/sizing/host-fit.test.ts).
      const hosts = profile.hosts && { ...profile.hosts, instanceType: sized.hosts?.instanceType };
      expect(withoutUndefined(sized)).toEqual(withoutUndefined({ ...profile, hosts, postgres: postgres ?? profile.postgres }));
    }
    const massive = `${base('massive').replace('[us-east-1]', '[us-east-1, eu-west-1, ap-northeast-1]')}${SEVERAL_REGIONS_EDGE}`;
    // The massive profile's Postgres sizes apply only with database.engine: postgres (docs/shards.md).
    expect(blueprintFor(environment(massive))).toMatchObject({ ...STAGE_PROFILES.massive, postgres: undefined, cockroach: COCKROACH_PROFILES.massive });
  });

  it('lets explicit sizes win over the profile', () => {
    const blueprint = blueprintFor(
      environment(
        `${base('scale')}compute:\n  instanceType: c6i.4xlarge\n  nodes: { min: 4, max: 12 }\ndatabase:\n  readReplicas: 3\n  instanceClass: db.r6g.4xlarge\ncache:\n  shards: 5\n`,
      ),
    );
    expect(blueprint.cluster).toEqual({ instanceType: 'c6i.4xlarge', rootVolumeGiB: 50, nodes: { min: 4, max: 12, desired: 4 } });
    expect(blueprint.postgres).toMatchObject({ kind: 'aurora', readReplicas: 3, instanceClass: 'db.r6g.4xlarge' });
    expect(blueprint.redis).toMatchObject({ mode: 'cluster', shards: 5, replicasPerShard: 1 });
  });

  it('keeps node ranges consistent when only one bound is given', () => {
    expect(blueprintFor(environment(`${base('scale')}compute:\n  nodes: { max: 2 }\n`)).cluster?.nodes).toEqual({ min: 2, max: 2, desired: 2 });
    expect(blueprintFor(environment(`${base('growth')}compute:\n  nodes: { min: 5 }\n`)).cluster?.nodes).toEqual({ min: 5, max: 5, desired: 5 });
  });

  it('sizes a CockroachDB pool instead of Aurora shards when hyperscale picks cockroachdb', () => {
    const blueprint = blueprintFor(environment(`${base('hyperscale')}database:\n  engine: cockroachdb\n  nodesPerRegion: 5\n`));
    expect(blueprint.postgres).toBeUndefined();
    expect(blueprint.cockroach).toEqual({ nodesPerRegion: 5, instanceType: 'm6i.2xlarge', volumeGiB: 500 });
  });
});

describe('sizes that do not fit the stage or the zones', () => {
  it('needs three zones for the RabbitMQ cluster and three search nodes of scale', () => {
    expect(sizeProblems(base('scale', 'us-west-1'))).toEqual([
      'environments/test.yaml: regions[0]: scale runs RabbitMQ as a 3-node cluster, one node per availability zone; us-west-1 has 2 zones here (list 3 in network.availabilityZoneIds.us-west-1 or pick a region with 3)',
      'environments/test.yaml: regions[0]: 3 search data nodes do not spread evenly over 2 or 3 zones; use a multiple of 2',
    ]);
  });

  it('spreads Kafka brokers and search nodes evenly over zones', () => {
    expect(sizeProblems(`${base('hyperscale')}streaming:\n  brokers: 4\nsearch:\n  dataNodes: 5\n`)).toEqual([
      "environments/test.yaml: streaming.brokers: 4 Kafka brokers do not spread evenly over us-east-1's 3 zones; use a multiple of 3",
      'environments/test.yaml: search.dataNodes: 5 search data nodes do not spread evenly over 2 or 3 zones; use a multiple of 2 or 3',
    ]);
  });

  it('keeps Redis shards and replicas within what the stage runs', () => {
    expect(sizeProblems(`${base('growth')}cache:\n  shards: 2\n  replicasPerShard: 0\n`)).toEqual([
      'environments/test.yaml: cache.shards: growth runs Redis as one shard (cluster mode starts at scale); received 2',
      'environments/test.yaml: cache.replicasPerShard: growth fails Redis over to a replica; allowed: 1–5; received 0',
    ]);
    expect(sizeProblems(`${base('traction')}cache:\n  replicasPerShard: 1\n`)).toEqual([
      'environments/test.yaml: cache.replicasPerShard: traction runs a single Redis node; allowed: 0; received 1',
    ]);
  });

  it('accepts every bundled example', () => {
    expect(sizeProblems(`${base('massive').replace('[us-east-1]', '[us-east-1, eu-west-1, ap-northeast-1]')}${SEVERAL_REGIONS_EDGE}`)).toEqual([]);
  });
});
