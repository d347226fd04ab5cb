/**
 * Pricing synthesized stacks. Expected amounts are the catalog's own entries multiplied out
 * here, never numbers copied from the estimate.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { MskCluster } from '@cdktf/provider-aws/lib/msk-cluster';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { DataBucket } from '../../constructs/aws/data-bucket';
import { CATALOG, parseCatalog } from '../../cost/catalog';
import { priceStack, StackCost } from '../../cost/estimate';
import { StackJson } from '../../synthesis/stack-views';
import { RegionUsage } from '../../sizing/usage';
import { ExampleSynthesis, synthesizeExamples } from '../helpers/examples';
import { sizeBlueprint } from '../../sizing/blueprint';
import { regionUsage } from '../../sizing/usage';

const HOURS = CATALOG.hoursPerMonth;
const byType = (key: string, type: string) => CATALOG.prices[key].byType![type];
const usd = (key: string) => CATALOG.prices[key].usd!;

/** Synthesizes `build` the way `stagecraft synth` does (metadata included) and reads the stack's cdk.tf.json back. */
function synth(region: string, build: (scope: Construct) => void): StackJson {
  const outdir = mkdtempSync(join(tmpdir(), 'stagecraft-cost-'));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'cost-test');
  new AwsProvider(stack, 'aws', { region });
  build(stack);
  app.synth();
  return JSON.parse(readFileSync(join(outdir, 'stacks', 'cost-test', 'cdk.tf.json'), 'utf8')) as StackJson;
}

/** A small stack: one of each kind the estimate prices, a free one and two it cannot price. */
function smallStack(scope: Construct): void {
  new Instance(scope, 'host', { instanceType: 't3.medium', rootBlockDevice: { volumeSize: 30, volumeType: 'gp3' } });
  new Instance(scope, 'exotic', { instanceType: 'x9.huge' });
  new EbsVolume(scope, 'data', { availabilityZone: 'us-east-1a', size: 50, type: 'gp3', iops: 4000, throughput: 250 });
  new Eip(scope, 'ip', { domain: 'vpc' });
  new NatGateway(scope, 'nat', { subnetId: 'subnet-1' });
  new KmsKey(scope, 'key', {});
  new SecretsmanagerSecret(scope, 'secret', { name: 'token' });
  new CloudwatchMetricAlarm(scope, 'alarm', {
    alarmName: 'cpu',
    comparisonOperator: 'GreaterThanThreshold',
    evaluationPeriods: 1,
    period: 60,
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    statistic: 'Average',
    threshold: 80,
  });
  new CloudwatchMetricAlarm(scope, 'fast-alarm', {
    alarmName: 'fast',
    comparisonOperator: 'GreaterThanThreshold',
    evaluationPeriods: 1,
    period: 10,
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    statistic: 'Average',
    threshold: 80,
  });
  new SecurityGroup(scope, 'sg', { name: 'sg' });
  new SqsQueue(scope, 'queue', { name: 'jobs' });
  new DbInstance(scope, 'db', { instanceClass: 'db.t4g.large', engine: 'postgres', allocatedStorage: 100, storageType: 'gp3', multiAz: true });
  new ElasticacheReplicationGroup(scope, 'redis', {
    replicationGroupId: 'r',
    description: 'r',
    nodeType: 'cache.r6g.large',
    numNodeGroups: 3,
    replicasPerNodeGroup: 1,
  });
  new MskCluster(scope, 'kafka', {
    clusterName: 'k',
    kafkaVersion: '3.6.0',
    numberOfBrokerNodes: 3,
    brokerNodeGroupInfo: {
      clientSubnets: ['a', 'b', 'c'],
      securityGroups: ['sg-1'],
      instanceType: 'kafka.m7g.large',
      storageInfo: { ebsStorageInfo: { volumeSize: 1000 } },
    },
  });
}

const byName = (stack: StackCost, type: string, id: string) => stack.resources.find((r) => r.type === type && r.path?.endsWith(`/${id}`))!;

describe('pricing a synthesized stack', () => {
  const json = synth('us-east-1', smallStack);
  const stack = priceStack('cost-test', json);

  it('prices instances, volumes, addresses and gateways from the catalog', () => {
    expect(byName(stack, 'aws_instance', 'host').monthlyUsd).toBeCloseTo(byType('ec2.instance', 't3.medium') * HOURS + 30 * usd('ebs.gp3'), 9);
    expect(byName(stack, 'aws_ebs_volume', 'data').monthlyUsd).toBeCloseTo(50 * usd('ebs.gp3') + 1000 * usd('ebs.gp3Iops') + 125 * usd('ebs.gp3Throughput'), 9);
    expect(byName(stack, 'aws_eip', 'ip').monthlyUsd).toBeCloseTo(usd('vpc.publicIpv4') * HOURS, 9);
    expect(byName(stack, 'aws_nat_gateway', 'nat').monthlyUsd).toBeCloseTo(usd('vpc.natGateway') * HOURS, 9);
    expect(byName(stack, 'aws_kms_key', 'key').monthlyUsd).toBe(usd('kms.key'));
    expect(byName(stack, 'aws_secretsmanager_secret', 'secret').monthlyUsd).toBe(usd('secretsmanager.secret'));
    expect(byName(stack, 'aws_cloudwatch_metric_alarm', 'alarm').monthlyUsd).toBe(usd('cloudwatch.alarm'));
    expect(byName(stack, 'aws_cloudwatch_metric_alarm', 'fast-alarm').monthlyUsd).toBe(usd('cloudwatch.alarmHighResolution'));
  });

  it('prices data stores by class, count and storage', () => {
    expect(byName(stack, 'aws_db_instance', 'db').monthlyUsd).toBeCloseTo(
      2 * byType('rds.postgres', 'db.t4g.large') * HOURS + 2 * 100 * usd('rds.storage.gp3'),
      9,
    );
    expect(byName(stack, 'aws_elasticache_replication_group', 'redis').monthlyUsd).toBeCloseTo(
      3 * 2 * byType('elasticache.node', 'cache.r6g.large') * HOURS,
      9,
    );
    expect(byName(stack, 'aws_msk_cluster', 'kafka').monthlyUsd).toBeCloseTo(
      3 * byType('msk.broker', 'kafka.m7g.large') * HOURS + 3 * 1000 * usd('msk.storage'),
      9,
    );
  });

  it('lists what the catalog cannot price as unpriced, with the reason, and leaves it out of the total', () => {
    expect(stack.unpriced.map((r) => ({ type: r.type, reason: r.reason }))).toEqual([
      { type: 'aws_instance', reason: 'the catalog has no ec2.instance price for "x9.huge"' },
      { type: 'aws_sqs_queue', reason: 'the catalog has no price for resource type aws_sqs_queue' },
    ]);
    expect(stack.unpriced.every((r) => r.status === 'unpriced' && r.monthlyUsd === 0)).toBe(true);
    const priced = stack.resources.filter((r) => r.status === 'priced').reduce((sum, r) => sum + r.monthlyUsd, 0);
    expect(stack.monthlyUsd).toBeCloseTo(priced, 9);
  });

  it('names the reason for every free resource, and lists usage it does not model', () => {
    const sg = byName(stack, 'aws_security_group', 'sg');
    expect(sg).toMatchObject({ status: 'free', reason: CATALOG.free.aws_security_group });
    expect(stack.notModelled).toEqual(
      expect.arrayContaining([
        {
          type: 'aws_nat_gateway',
          component: 'data processed ($0.045/GB)',
          reason: 'traffic from private subnets to the internet is not part of the workload profile',
          resources: 1,
        },
      ]),
    );
  });

  it('records the source and date of every price it uses', () => {
    for (const r of stack.resources) for (const c of r.components) expect(c.source).toMatch(new RegExp(`\\(https://.+\\), ${CATALOG.asOf}$`));
  });
});

describe('regions', () => {
  it('scales regional prices by the region multiplier and keeps flat prices flat', () => {
    const stack = priceStack('eu', synth('eu-west-1', smallStack));
    const multiplier = CATALOG.regions['eu-west-1'].multiplier;
    expect(byName(stack, 'aws_eip', 'ip').monthlyUsd).toBeCloseTo(usd('vpc.publicIpv4') * HOURS * multiplier, 9);
    expect(byName(stack, 'aws_kms_key', 'key').monthlyUsd).toBe(usd('kms.key'));
  });

  it('leaves regional resources unpriced in a region the catalog lacks, never at $0', () => {
    const stack = priceStack('bahrain', synth('me-south-1', smallStack));
    expect(byName(stack, 'aws_eip', 'ip')).toMatchObject({ status: 'unpriced', reason: 'the catalog has no prices for region me-south-1' });
    // Only prices that are the same in every region remain.
    const priced = stack.resources.filter((r) => r.status === 'priced');
    expect(priced.map((r) => r.type).sort()).toEqual(['aws_kms_key', 'aws_secretsmanager_secret']);
    expect(CATALOG.prices['kms.key'].regional).toBe(false);
    expect(stack.monthlyUsd).toBeCloseTo(usd('kms.key') + usd('secretsmanager.secret'), 9);
  });
});

describe('usage-based parts come from the workload', () => {
  const usage: RegionUsage = {
    regionCount: 1,
    egressGB: 20_000,
    storedGB: 60_000,
    databaseGB: 500,
    averageConnections: 30_000,
    processedGBPerHour: 5,
    requestsPerMonth: 1e9,
    interRegionGB: 0,
    peeringConnections: 0,
    databaseQueriesPerMonth: 2e9,
    datasetGB: 400,
    edge: { dau: 1e6, rateLimiterCalls: 1e9, rateLimiterSecondsPerCall: 0.005, kvReads: 1e9, kvWrites: 3e7, kvStoredGB: 10, messagesGBPerMonth: 3_000 },
  };
  const json = synth('us-east-1', (scope) => {
    new Vpc(scope, 'vpc', { cidrBlock: '10.0.0.0/16' });
    new Lb(scope, 'alb', { loadBalancerType: 'application' });
    new DataBucket(scope, 'assets', { bucketName: 'acme-assets', encryption: 's3' });
    new DataBucket(scope, 'logs', { bucketName: 'acme-logs', encryption: 's3' });
  });
  const stack = priceStack('usage', json, { usage });
  const tiers = (key: string, quantity: number) => {
    let left = quantity;
    let floor = 0;
    let total = 0;
    for (const t of CATALOG.prices[key].tiers!) {
      const width = t.upToGB === undefined ? left : Math.min(left, t.upToGB - floor);
      total += width * t.usd;
      left -= width;
      floor = t.upToGB ?? floor;
    }
    return total;
  };

  it("prices internet egress and user content by the catalog's volume tiers", () => {
    expect(stack.resources.find((r) => r.address === 'usage.internet_egress')!.monthlyUsd).toBeCloseTo(tiers('transfer.internetOut', 20_000), 9);
    expect(tiers('transfer.internetOut', 20_000)).toBeCloseTo(10_240 * 0.09 + 9_760 * 0.085, 9);
    const assets = stack.resources.find((r) => r.path?.endsWith('/assets/bucket'))!;
    expect(assets.monthlyUsd).toBeCloseTo(tiers('s3.standard', 60_000), 9);
    const logs = stack.resources.find((r) => r.path?.endsWith('/logs/bucket'))!;
    expect(logs).toMatchObject({ status: 'priced', monthlyUsd: 0 });
    expect(logs.notModelled[0].component).toBe('storage ($0.023/GB-month)');
  });

  it('prices load balancer capacity units on the highest dimension', () => {
    const alb = byName(stack, 'aws_lb', 'alb');
    const lcu = Math.max(30_000 / 3_000, 5 / 1);
    expect(alb.monthlyUsd).toBeCloseTo(usd('elb.alb') * HOURS + lcu * usd('elb.albLcu') * HOURS, 9);
  });

  it('lists usage as not modelled when there is no workload', () => {
    const bare = priceStack('bare', json);
    expect(bare.resources.find((r) => r.address === 'usage.internet_egress')!.notModelled).toEqual([
      { component: 'data transfer out to the internet', reason: 'no workload profile' },
    ]);
  });
});

describe('Cloudflare from the catalog and the workload', () => {
  it('prices Worker requests above the included 10M from the workload', () => {
    const json: StackJson = {
      resource: {
        cloudflare_workers_script: { edge: { script_name: 'edge' } },
        cloudflare_load_balancer: { lb: { name: 'x', steering_policy: 'geo' } },
        cloudflare_dns_record: { apex: { name: 'x' } },
      },
    };
    const usage = { requestsPerMonth: 110_000_000 } as RegionUsage;
    const stack = priceStack('edge', json, { usage });
    expect(stack.resources.find((r) => r.type === 'cloudflare_workers_script')!.monthlyUsd).toBeCloseTo(
      usd('cloudflare.workersPaid') + 100 * usd('cloudflare.workersRequests'),
      9,
    );
    expect(stack.resources.find((r) => r.type === 'cloudflare_load_balancer')!.monthlyUsd).toBe(
      usd('cloudflare.loadBalancer') + usd('cloudflare.loadBalancerSteering'),
    );
    expect(stack.resources.find((r) => r.type === 'cloudflare_dns_record')).toMatchObject({ status: 'free', monthlyUsd: 0 });
  });
});

describe('the catalog', () => {
  // The examples' synthesis, taken from the shared cache once for both tests that price it.
  let synthesized: ExampleSynthesis | undefined;
  const exampleSynthesis = () => (synthesized ??= synthesizeExamples());

  it('is dated, and every price names a known source', () => {
    expect(CATALOG.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const price of Object.values(CATALOG.prices)) expect(CATALOG.sources[price.source]).toBeDefined();
  });

  it('rejects a price without a known source', () => {
    const broken = JSON.parse(JSON.stringify(CATALOG));
    broken.prices['ec2.instance'].source = 'nowhere';
    expect(() => parseCatalog(broken)).toThrow('price-catalog.json: prices.ec2.instance.source: unknown source "nowhere"');
  });

  it('never counts an example resource at $0 silently: it is free with a reason, or lists what is not modelled', () => {
    const examples = exampleSynthesis();
    for (const environment of examples.environments) {
      const { report } = sizeBlueprint(environment);
      const usage = regionUsage(report.derived!.demand, report.workload!, environment.regions.length, report.assumptions.cockroachReplicationFactor);
      for (const summary of examples.summaries.filter((s) => s.environment === environment.name)) {
        const stack = priceStack(summary.name, examples.stack(summary.name) as StackJson, { usage });
        const silent = stack.resources.filter(
          (r) => r.monthlyUsd === 0 && !(r.status === 'free' && r.reason) && r.status !== 'unpriced' && r.notModelled.length === 0,
        );
        expect({ stack: summary.name, silent: silent.map((r) => r.address) }).toEqual({ stack: summary.name, silent: [] });
      }
    }
  });

  it('prices every resource of every example stack: none unpriced', () => {
    const examples = exampleSynthesis();
    for (const environment of examples.environments) {
      const { report } = sizeBlueprint(environment);
      const usage = regionUsage(
        report.derived!.demand,
        report.workload!,
        environment.regions.length,
        report.assumptions.cockroachReplicationFactor,
        report.assumptions.rateLimiterMsPerCall,
      );
      for (const summary of examples.summaries.filter((s) => s.environment === environment.name)) {
        const stack = priceStack(summary.name, examples.stack(summary.name) as StackJson, { usage });
        expect({ stack: summary.name, unpriced: stack.unpriced.map((r) => `${r.address}: ${r.reason}`) }).toEqual({ stack: summary.name, unpriced: [] });
      }
    }
  });
});
