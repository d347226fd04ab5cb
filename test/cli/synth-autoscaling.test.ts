import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { project, run } from '../helpers/cli';

const SCALE = 'name: acme-scale\nstage: scale\nregions: [us-west-2]\ndomain: scale.example.com\n';

describe('stagecraft synth: inconsistent autoscaling rules', () => {
  it('exits 2 naming the file, the field and the allowed values, for every problem at once, and writes nothing', async () => {
    const root = project({
      'environments/scale.yaml': `${SCALE}autoscaling:\n  auroraReplicas: { min: 8, max: 4 }\n  redis: { maxShards: 900 }\n`,
    });
    const result = await run(root, 'synth');
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'environments/scale.yaml: autoscaling.redis.maxShards: must be 1–500 (ElastiCache allows at most 500 shards per replication group); received number 900',
        '',
      ].join('\n'),
    });
    expect(existsSync(join(root, 'cdktf.out'))).toBe(false);

    // Once the shapes are right, the cross-field rules report together.
    const second = await run(
      project({ 'environments/scale.yaml': `${SCALE}autoscaling:\n  auroraReplicas: { min: 8, max: 4 }\n  redis: { minShards: 6, maxShards: 5 }\n` }),
      'synth',
    );
    expect({ code: second.code, stderr: second.stderr }).toEqual({
      code: 2,
      stderr: [
        'environments/scale.yaml: autoscaling.auroraReplicas: min (8) must not exceed max (4)',
        'environments/scale.yaml: autoscaling.redis: minShards (6) must not exceed maxShards (5)',
        '',
      ].join('\n'),
    });
  });

  it('exits 2 when the Redis node type cannot be autoscaled', async () => {
    const root = project({ 'environments/scale.yaml': `${SCALE}cache:\n  nodeType: cache.t4g.medium\n` });
    const result = await run(root, 'synth');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'environments/scale.yaml: cache.nodeType: ElastiCache auto scaling supports node families r7g, r6g, r6gd, r5, m7g, m6g, m5, c7gn in sizes large, xlarge, 2xlarge; pick one of those or set autoscaling.redis.enabled: false; received "cache.t4g.medium"\n',
    );
    expect(existsSync(join(root, 'cdktf.out'))).toBe(false);
  });
});
