import { parseEnvironment } from '../../config/load';
import { formatProblem } from '../../config/errors';
import { SEVERAL_REGIONS_EDGE } from '../helpers/environments';

const FILE = 'environments/prod.yaml';

function problems(yaml: string): string[] {
  return parseEnvironment(yaml, FILE).problems.map(formatProblem);
}

const VALID = `
name: acme-prod
stage: growth
regions: [us-east-1]
domain: example.com
`;

describe('environment files: valid input', () => {
  it('resolves defaults for a minimal file', () => {
    const { environment, problems: found } = parseEnvironment(VALID, FILE);
    expect(found).toEqual([]);
    expect(environment).toMatchObject({
      name: 'acme-prod',
      stage: 'growth',
      natGateways: 'single',
      backend: { kind: 'local' },
      kubernetesVersion: '1.33',
      publicApiCidrs: [],
      regions: [{ code: 'us-east-1', primary: true, vpcCidr: '10.16.0.0/16', availabilityZoneIds: ['use1-az1', 'use1-az2', 'use1-az4'] }],
    });
    expect(environment?.tags).toMatchObject({ 'stagecraft:environment': 'acme-prod', 'stagecraft:stage': 'growth' });
  });

  it('uses two zones on single-host stages and honours the region zone list', () => {
    const { environment } = parseEnvironment(VALID.replace('growth', 'launch').replace('us-east-1', 'us-west-1'), FILE);
    expect(environment?.regions[0].availabilityZoneIds).toEqual(['usw1-az1', 'usw1-az3']);
    expect(environment?.natGateways).toBe('none');
  });

  it('gives every massive region its own non-overlapping default CIDR', () => {
    const { environment } = parseEnvironment(
      `name: acme-global\nstage: massive\nregions: [us-east-1, eu-west-1, ap-northeast-1]\ndomain: example.com\n${SEVERAL_REGIONS_EDGE}`,
      FILE,
    );
    expect(environment?.regions.map((r) => r.vpcCidr)).toEqual(['10.16.0.0/16', '10.20.0.0/16', '10.24.0.0/16']);
    expect(environment?.regions.map((r) => r.primary)).toEqual([true, false, false]);
  });

  it('configures an S3 backend with the primary region by default', () => {
    const { environment } = parseEnvironment(`${VALID}backend:\n  s3:\n    bucket: acme-state\n`, FILE);
    expect(environment?.backend).toEqual({ kind: 's3', bucket: 'acme-state', region: 'us-east-1', keyPrefix: 'stagecraft', kmsKeyArn: undefined });
  });
});

describe('the stage: pinned, or chosen from workload.mau (seed 004 ranges)', () => {
  const unpinned = (mau: number, regions = '[us-east-1]') => `name: acme-prod\nregions: ${regions}\ndomain: example.com\nworkload:\n  mau: ${mau}\n`;

  it('chooses the stage whose MAU range holds workload.mau', () => {
    const { environment } = parseEnvironment(unpinned(3_000_000), FILE);
    expect(environment).toMatchObject({ stage: 'growth', stageSource: 'workload' });
    expect(environment?.tags['stagecraft:stage']).toBe('growth');
    expect(parseEnvironment(VALID, FILE).environment?.stageSource).toBe('pinned');
  });

  it('keeps a pinned stage even when the MAU belongs to another', () => {
    expect(parseEnvironment(`${VALID}workload:\n  mau: 30000000\n`, FILE).environment).toMatchObject({ stage: 'growth', stageSource: 'pinned' });
  });

  it('requires a stage when there is no workload, and says how it would be chosen', () => {
    expect(problems('name: acme-prod\nregions: [us-east-1]\ndomain: example.com\n')).toEqual([
      'environments/prod.yaml: stage: is required unless workload.mau is set, from which it is chosen (launch up to 10,000 MAU, traction 10,000–500,000 MAU, growth 500,000–5,000,000 MAU, scale 5,000,000–10,000,000 MAU, hyperscale 10,000,000–50,000,000 MAU, massive above 50,000,000 MAU); allowed: launch, traction, growth, scale, hyperscale, massive',
    ]);
  });

  it('applies the stage rules to a chosen stage and says where it came from', () => {
    expect(problems(unpinned(120_000_000))).toEqual([
      'environments/prod.yaml: regions: massive (chosen from workload.mau 120,000,000) needs at least 3 regions, so that losing one still leaves two; received 1',
      'environments/prod.yaml: edge.addons: the edge Worker (on by default on massive (chosen from workload.mau 120,000,000)) keeps its rate-limit counters in a Durable Object, which needs Workers Paid; allowed: edge.addons: [workersPaid] once the account has it, or edge.worker.enabled: false; received none (plan free)',
    ]);
    expect(problems(`${unpinned(8_000)}compute:\n  nodes: { min: 2 }\n`)).toEqual([
      'environments/prod.yaml: compute.nodes: does not apply to stage launch (chosen from workload.mau 8,000); it applies to: growth, scale, hyperscale, massive',
    ]);
  });
});

describe('environment files: bad input is reported with file, field path, and what is allowed', () => {
  it('reports YAML syntax errors with their position', () => {
    expect(problems('name: acme-prod\nstage: [growth\n')).toEqual([
      expect.stringMatching(/^environments\/prod\.yaml: line \d+, column \d+: YAML syntax error: /),
    ]);
  });

  it('rejects an empty document', () => {
    expect(problems('')).toEqual(['environments/prod.yaml: (root): expected a mapping with name, stage, regions and domain; received an empty document']);
  });

  it('rejects an unknown stage, listing the stages', () => {
    expect(problems(VALID.replace('growth', 'enterprise'))).toEqual([
      'environments/prod.yaml: stage: "enterprise" is not a stage; allowed: launch, traction, growth, scale, hyperscale, massive',
    ]);
  });

  it('rejects unknown keys, listing the allowed ones', () => {
    expect(problems(`${VALID}databse:\n  shards: 2\n`)).toEqual([
      'environments/prod.yaml: (root): unknown key "databse"; allowed keys: name, stage, regions, domain, tags, network, backend, compute, database, cache, queue, search, streaming, alerts, slo, workload, edge, aws, assumptions, services, autoscaling, components',
    ]);
    expect(problems(`${VALID}compute:\n  nodes: { min: 2, maximum: 3 }\n`)).toEqual([
      'environments/prod.yaml: compute.nodes: unknown key "maximum"; allowed keys: min, max, desired',
    ]);
  });

  it('rejects wrong types with what was received', () => {
    expect(problems(`${VALID}compute:\n  nodes: { min: "two" }\n`)).toEqual([
      'environments/prod.yaml: compute.nodes.min: expected a number, received string "two"',
    ]);
    expect(problems(VALID.replace('regions: [us-east-1]', 'regions: us-east-1'))).toEqual([
      'environments/prod.yaml: regions: expected a list, received string "us-east-1"',
    ]);
  });

  it('rejects a missing required field', () => {
    expect(problems(VALID.replace('domain: example.com\n', ''))).toEqual(['environments/prod.yaml: domain: is required (a string)']);
  });

  it('rejects empty and duplicate regions', () => {
    expect(problems(VALID.replace('[us-east-1]', '[]'))).toEqual(['environments/prod.yaml: regions: at least one region is required']);
    expect(
      problems(`${VALID.replace('stage: growth', 'stage: massive').replace('[us-east-1]', '[us-east-1, eu-west-1, us-east-1]')}${SEVERAL_REGIONS_EDGE}`),
    ).toEqual(['environments/prod.yaml: regions[2]: "us-east-1" is already listed at regions[0]; each region may appear once']);
  });

  it('rejects invalid region codes, telling a typo from an unknown region', () => {
    expect(problems(VALID.replace('[us-east-1]', '[us-east-1, useast1]').replace('growth', 'massive'))).toEqual(
      expect.arrayContaining(['environments/prod.yaml: regions[1]: "useast1" is not an AWS region code (e.g. us-east-1)']),
    );
    expect(problems(VALID.replace('[us-east-1]', '[us-east-9]'))).toEqual([
      expect.stringMatching(/^environments\/prod\.yaml: regions\[0\]: "us-east-9" is not a region Stagecraft knows; allowed: us-east-1, us-east-2, /),
    ]);
  });

  it('requires at least 3 regions for massive', () => {
    expect(problems(`${VALID.replace('growth', 'massive').replace('[us-east-1]', '[us-east-1, eu-west-1]')}${SEVERAL_REGIONS_EDGE}`)).toEqual([
      'environments/prod.yaml: regions: massive needs at least 3 regions, so that losing one still leaves two; received 2',
    ]);
  });

  it('keeps the single-host stages in one region', () => {
    expect(problems(VALID.replace('growth', 'traction').replace('[us-east-1]', '[us-east-1, eu-west-1]'))).toEqual([
      'environments/prod.yaml: regions: traction runs in one region (several regions start at growth, with components.regions); received 2 regions',
    ]);
  });

  it('rejects overlapping CIDRs, explicit or defaulted', () => {
    const massive = `name: acme-global\nstage: massive\nregions: [us-east-1, eu-west-1, ap-northeast-1]\ndomain: example.com\n${SEVERAL_REGIONS_EDGE}`;
    expect(problems(`${massive}network:\n  cidrs:\n    eu-west-1: 10.16.128.0/17\n    ap-northeast-1: 10.32.0.0/22\n`)).toEqual([
      `environments/prod.yaml: network.cidrs.eu-west-1: "10.16.128.0/17" overlaps us-east-1's "10.16.0.0/16"; region VPCs are peered, so their CIDRs must not overlap`,
      'environments/prod.yaml: network.cidrs.ap-northeast-1: "10.32.0.0/22" must be between /16 and /20',
    ]);
    expect(problems(`${massive}network:\n  cidrs:\n    us-east-1: 10.20.0.0/16\n`)).toEqual([
      `environments/prod.yaml: regions[1]: default CIDR "10.20.0.0/16" overlaps us-east-1's "10.20.0.0/16"; region VPCs are peered, so their CIDRs must not overlap`,
    ]);
  });

  it('rejects malformed CIDRs and CIDRs for regions the environment does not use', () => {
    expect(problems(`${VALID}network:\n  cidrs:\n    us-east-1: 10.16.0.1/16\n    eu-west-1: 10.20.0.0/16\n`)).toEqual([
      'environments/prod.yaml: network.cidrs.us-east-1: "10.16.0.1/16" is not an IPv4 CIDR block with clear host bits and no leading zeros (e.g. 10.20.0.0/16)',
    ]);
    expect(problems(`${VALID}network:\n  cidrs:\n    eu-west-1: 10.20.0.0/16\n`)).toEqual([
      `environments/prod.yaml: network.cidrs.eu-west-1: "eu-west-1" is not one of this environment's regions (us-east-1)`,
    ]);
  });

  it('rejects sizes that do not apply to the stage', () => {
    expect(problems(`${VALID.replace('growth', 'launch')}queue:\n  instanceType: mq.m5.large\ncompute:\n  hosts: 2\n`)).toEqual([
      'environments/prod.yaml: queue: does not apply to stage launch; it applies to: growth, scale, hyperscale, massive',
      'environments/prod.yaml: compute.hosts: launch runs exactly 1 host; received 2',
    ]);
    expect(problems(`${VALID}compute:\n  hosts: 2\n`)).toEqual([
      'environments/prod.yaml: compute.hosts: does not apply to stage growth; it applies to: launch, traction',
    ]);
  });

  it('rejects CockroachDB before hyperscale, and Postgres sizes on a massive CockroachDB', () => {
    expect(problems(`${VALID}database:\n  engine: cockroachdb\n`)).toEqual([
      'environments/prod.yaml: database.engine: cockroachdb needs a cluster stage that hosts it (hyperscale, massive); this environment is growth',
    ]);
    const massive = `name: acme-global\nstage: massive\nregions: [us-east-1, eu-west-1, ap-northeast-1]\ndomain: example.com\n${SEVERAL_REGIONS_EDGE}`;
    // Massive runs Postgres as shards homed in its regions (docs/shards.md).
    expect(problems(`${massive}database:\n  engine: postgres\n  shards: 6\n`)).toEqual([]);
    expect(problems(`${massive}database:\n  shards: 6\n  readReplicas: 2\n`)).toEqual([
      'environments/prod.yaml: database.shards: applies to engine postgres; CockroachDB shards its ranges itself',
      'environments/prod.yaml: database.readReplicas: applies to engine postgres (database.engine: postgres); massive runs CockroachDB by default',
    ]);
  });

  it('rejects inconsistent node counts and an API open to the internet', () => {
    expect(problems(`${VALID}compute:\n  nodes: { min: 5, max: 3 }\n  publicApiCidrs: [0.0.0.0/0]\n`)).toEqual([
      'environments/prod.yaml: compute.nodes: min (5) must not exceed max (3)',
      'environments/prod.yaml: compute.publicApiCidrs[0]: "0.0.0.0/0" would open the Kubernetes API to the whole internet; list office or VPN ranges',
    ]);
  });

  it('rejects a private range for the public API endpoint, pointing to the private way in', () => {
    expect(problems(`${VALID}compute:\n  publicApiCidrs: [198.51.100.0/24, 10.0.0.0/8, 192.168.1.0/24]\n`)).toEqual(
      [1, 2].map(
        (i) =>
          `environments/prod.yaml: compute.publicApiCidrs[${i}]: "${['', '10.0.0.0/8', '192.168.1.0/24'][i]}" is a private range, which the public API endpoint never sees; list the public egress ranges of your deployers (office, VPN, CI), or leave it out and deploy the apps stacks from inside a VPC of the environment (docs/cluster-access.md)`,
      ),
    );
  });

  it('takes the in-VPC deployer of a private API endpoint as a tag value, and refuses what a tag cannot hold', () => {
    const { environment } = parseEnvironment(`${VALID}compute:\n  privateApiDeployer: CodeBuild project acme-deploy in us-east-1\n`, FILE);
    expect(environment?.privateApiDeployer).toBe('CodeBuild project acme-deploy in us-east-1');
    expect(problems(`${VALID}compute:\n  privateApiDeployer: "runner; rm -rf /"\n`)).toEqual([
      'environments/prod.yaml: compute.privateApiDeployer: "runner; rm -rf /" is not an AWS tag value of at most 200 letters, digits, spaces and _.:/=+@- (e.g. CodeBuild project acme-deploy)',
    ]);
  });

  it('rejects out-of-range numbers and bad workload ratios, naming the allowed range', () => {
    expect(problems(`${VALID}workload:\n  mau: -5\n  dauRatio: 1.5\n`)).toEqual([
      'environments/prod.yaml: workload.mau: must be a whole number, at least 1 (monthly active users); received number -5',
      'environments/prod.yaml: workload.dauRatio: must be greater than 0 and at most 1; received number 1.5',
    ]);
    expect(
      problems(`${VALID}workload:\n  mau: 1000\n  concurrentRatio: 0\n  peakFactor: 0.5\n  messagesPerDauPerDay: -1\n  requestsPerDauPerDay: '36'\n`),
    ).toEqual([
      'environments/prod.yaml: workload.concurrentRatio: must be greater than 0 and at most 1; received number 0',
      'environments/prod.yaml: workload.requestsPerDauPerDay: expected a number, received string "36"',
      'environments/prod.yaml: workload.messagesPerDauPerDay: must be at least 0; received number -1',
      'environments/prod.yaml: workload.peakFactor: must be from 1 to 100; received number 0.5',
    ]);
  });

  it('requires workload.mau when a workload is given', () => {
    expect(problems(`${VALID}workload:\n  dauRatio: 0.3\n`)).toEqual([
      'environments/prod.yaml: workload.mau: is required: monthly active users, a whole number, at least 1',
    ]);
    expect(problems(`${VALID}workload:\n  mau: 2.5\n`)).toEqual([
      'environments/prod.yaml: workload.mau: must be a whole number, at least 1 (monthly active users); received number 2.5',
    ]);
  });

  it('checks assumption overrides against their documented ranges', () => {
    expect(problems(`${VALID}workload:\n  mau: 1000\nassumptions:\n  redisScaleAtUtilization: 1.5\n  redisOpsPerNode: 0\n`)).toEqual([
      'environments/prod.yaml: assumptions.redisOpsPerNode: must be at least 1; received number 0',
      'environments/prod.yaml: assumptions.redisScaleAtUtilization: must be greater than 0 and at most 1; received number 1.5',
    ]);
    expect(problems(`${VALID}assumptions:\n  podsPerNode: 5\n`)).toEqual([
      expect.stringMatching(
        /^environments\/prod\.yaml: assumptions: unknown key "podsPerNode"; allowed keys: autoscaleHeadroom, rateLimiterMsPerCall, nodeSystemCpu, /,
      ),
    ]);
  });

  it('reports every problem in the file at once', () => {
    const found = problems('name: Bad Name\nstage: growth\nregions: [us-east-1]\ndomain: not_a_domain\nextra: 1\n');
    expect(found).toEqual([
      'environments/prod.yaml: name: "Bad Name" is not an environment name (3–24 lowercase letters, digits and dashes) (e.g. acme-prod)',
      'environments/prod.yaml: domain: "not_a_domain" is not a lowercase DNS name (e.g. example.com)',
      'environments/prod.yaml: (root): unknown key "extra"; allowed keys: name, stage, regions, domain, tags, network, backend, compute, database, cache, queue, search, streaming, alerts, slo, workload, edge, aws, assumptions, services, autoscaling, components',
    ]);
  });
});
