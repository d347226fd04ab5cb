/** Bad input around CockroachDB and the Redis Cluster: exit 2, the file, the field, what is allowed. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { base, SEVERAL_REGIONS_EDGE, sizeProblems } from '../helpers/environments';
import { project, run } from '../helpers/cli';

const massive = `${base('massive').replace('[us-east-1]', '[us-east-1, eu-west-1, ap-northeast-1]')}${SEVERAL_REGIONS_EDGE}`;

describe('CockroachDB and Redis settings that cannot hold', () => {
  it.each([
    [`${massive}database:\n  nodesPerRegion: 2\n`, 'environments/bad.yaml: database.nodesPerRegion: must be at least 3; received number 2\n'],
    [
      `${massive}cache:\n  shards: 2\n`,
      'environments/bad.yaml: cache.shards: massive runs a Redis Cluster of at least 3 shards per region, so a failover always has a majority of primaries; allowed: 3–500; received 2\n',
    ],
    [
      `${massive}cache:\n  replicasPerShard: 0\n`,
      'environments/bad.yaml: cache.replicasPerShard: massive fails Redis over to a replica; allowed: 1–5; received 0\n',
    ],
    [
      `${base('scale')}database:\n  engine: cockroachdb\n`,
      'environments/bad.yaml: database.engine: cockroachdb needs a cluster stage that hosts it (hyperscale, massive); this environment is scale\n',
    ],
    [
      `${base('massive')}${SEVERAL_REGIONS_EDGE}`,
      'environments/bad.yaml: regions: massive needs at least 3 regions, so that losing one still leaves two; received 1\n',
    ],
    [
      `${base('hyperscale')}database:\n  engine: cockroachdb\n  nodesPerRegion: 3\nnetwork:\n  availabilityZoneIds:\n    us-east-1: [use1-az1, use1-az2]\nstreaming:\n  brokers: 2\nsearch:\n  dataNodes: 2\n`,
      "environments/bad.yaml: network.availabilityZoneIds.us-east-1: CockroachDB keeps a range's replicas in 3 availability zones so that losing one loses no majority; us-east-1 has 2 zones here; allowed: 3 zones (list 3 in network.availabilityZoneIds.us-east-1 or pick a region with 3)\n",
    ],
  ])('stagecraft synth exits 2 and names the file and field: %#', async (yaml, message) => {
    const root = project({ 'environments/bad.yaml': yaml });
    const result = await run(root, 'synth');
    expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({ code: 2, stderr: message, stdout: '' });
    expect(existsSync(join(root, 'cdktf.out'))).toBe(false);
  });

  it('accepts the seed 000 Redis Cluster (3 shards × 1 replica) and 3 nodes per region on massive', () => {
    expect(sizeProblems(`${massive}database:\n  nodesPerRegion: 3\n`)).toEqual([]);
    expect(sizeProblems(`${massive}cache:\n  shards: 3\n  replicasPerShard: 1\n`)).toEqual([]);
  });
});
