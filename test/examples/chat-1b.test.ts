/**
 * Seed 002's chat system as an example (examples/chat-1b): 80 Postgres shards of 1 writer + 3
 * readers homed in four regions. Synthesized once (it is the largest synthesis here, ~3,700
 * resources), then read: each region builds only its 20 shards, the services get the shard map
 * and IAM for their region's databases, the guardrails find no error, and every resource is priced.
 * Not part of the terraform plan suite (its size would take the suite's time budget).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/main';
import { Io } from '../../cli/command';
import { CATALOG, isMiss, lookup } from '../../cost/catalog';
import { databaseUserName } from '../../config/database-user';
import { cachedExampleSynthesis, PROJECT_ROOT, StackJson } from '../helpers/examples';

const FILE = 'examples/chat-1b/environments/chat-1b.yaml';
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1'];

// Synthesized once for every test file (test/graph/platform-edges.test.ts reads it too).
const { environments, outdir } = cachedExampleSynthesis('chat-1b');
const stack = (name: string): StackJson => JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson;
const resources = (name: string, type: string) => Object.entries(stack(name).resource?.[type] ?? {});

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd: PROJECT_ROOT };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('examples/chat-1b: 80 × (1 + 3) Postgres shards in four regions', () => {
  it.each(REGIONS.map((region, i) => [region, i]))('%s builds only its 20 home shards, each a writer and 3 readers', (region, i) => {
    const name = `chat-1b-${region}`;
    const clusters = resources(name, 'aws_rds_cluster').map(([, c]) => String(c.cluster_identifier));
    const home = Array.from({ length: 20 }, (_, k) => 20 * Number(i) + k);
    expect(clusters.sort()).toEqual(home.map((shard) => `chat-1b-${region}-aurora-shard-${shard}`).sort());
    const instances = resources(name, 'aws_rds_cluster_instance').map(([, r]) => r);
    expect(instances).toHaveLength(20 * 4);
    expect(instances.every((r) => r.instance_class === 'db.r6g.4xlarge')).toBe(true);
    expect(resources(name, 'aws_db_instance')).toEqual([]);
  });

  it("gives every service that uses the database the shard map and rds-db:connect on its own region's shards only", () => {
    for (const [i, region] of REGIONS.entries()) {
      const apps = JSON.stringify(stack(`chat-1b-${region}-apps`));
      const env = (name: string) => [...apps.matchAll(new RegExp(`\\{"name":"${name}","value":"([^"]*)"`, 'g'))].map((m) => m[1]);
      // Every service with the database gets the same map: which region homes each shard, and this region's shards.
      const users = environments[0].services.filter((s) => s.dataStores.includes('database')).length;
      expect(env('DATABASE_SHARD_HOMES')).toEqual(Array(users).fill('us-east-1=0-19;us-west-2=20-39;eu-west-1=40-59;ap-northeast-1=60-79'));
      expect(env('DATABASE_SHARD_IDS')).toEqual(Array(users).fill(Array.from({ length: 20 }, (_, k) => 20 * i + k).join(',')));
      const policies = resources(`chat-1b-${region}`, 'aws_iam_role_policy').map(([, p]) => String(p.policy));
      const connect = policies.filter((p) => p.includes('rds-db:connect'));
      expect(connect).toHaveLength(users);
      // Each its environment's own user on every database of its region (the 20 shards it homes), named at plan time; no other region's.
      const expected = environments[0].services
        .filter((s) => s.dataStores.includes('database'))
        .map((s) => `:rds-db:${region}:${environments[0].awsAccountId}:dbuser:*/${databaseUserName('chat-1b', s.name)}`);
      const granted = connect.flatMap((policy) => [...policy.matchAll(/"(arn:[^"]*:rds-db:[^"]*)"/g)].map((m) => m[1]));
      expect(granted.map((arn) => arn.replace(/^arn:aws/, '')).sort()).toEqual(expected.sort());
    }
  });

  it('passes the guardrails with no error', async () => {
    const result = await cli('check', '--env', FILE, '--out', outdir, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { summary?: { errors: number }; environments?: Array<{ errors: number }> };
    const errors = report.summary?.errors ?? report.environments?.reduce((sum, e) => sum + e.errors, 0);
    expect(errors).toBe(0);
  });

  it('prices every resource: 320 Aurora instances at the catalog price of each region, no replication between regions', async () => {
    const result = await cli('cost', '--env', FILE, '--out', outdir, '--json');
    expect(result.code).toBe(0);
    type Line = { type: string; monthlyUsd: number; status: string; components: Array<{ description: string }> };
    const env = (JSON.parse(result.stdout) as { environments: Array<{ stacks: Array<{ region?: string; resources: Line[]; unpriced: unknown[] }> }> })
      .environments[0];
    expect(env.stacks.flatMap((s) => s.unpriced)).toEqual([]);
    const regional = env.stacks.filter((x) => x.resources.some((r) => r.type === 'aws_rds_cluster_instance'));
    expect(regional.map((s) => s.region)).toEqual(REGIONS);
    for (const s of regional) {
      const price = lookup(CATALOG, 'aurora.postgres', s.region, 'db.r6g.4xlarge');
      if (isMiss(price)) throw new Error(price.missing);
      const instances = s.resources.filter((r) => r.type === 'aws_rds_cluster_instance');
      expect(instances).toHaveLength(80);
      for (const r of instances) expect(r.monthlyUsd).toBeCloseTo(price.usd * CATALOG.hoursPerMonth, 6);
      const peering = s.resources.filter((r) => r.type === 'aws_vpc_peering_connection');
      expect(peering.every((r) => r.monthlyUsd === 0)).toBe(true);
    }
  });
});
