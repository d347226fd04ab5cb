/**
 * The identity example (examples/identity): seed 000's 200M-MAU identity service, written as an
 * environment without bending. Synthesized once here; checked, sized and priced in process.
 * Not part of the terraform plan suite (its budget is 5 minutes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG } from '../../cost/catalog';
import { environmentUsage, priceSizedEnvironment } from '../../cost/estimate';
import { checkSynthesis } from '../../policies/engine';
import { sizeEnvironments } from '../../sizing/blueprint';
import { readSynthesis } from '../../synthesis/read';
import { cachedExampleSynthesis, StackJson } from '../helpers/examples';

const REGIONS = ['us-west-2', 'us-east-1', 'eu-west-1', 'ap-southeast-1'];

describe('the identity example: Workers at the edge, Redis and CockroachDB Cloud in four regions', () => {
  // Synthesized once for every test file (the graph tests read it too).
  const {
    environments: [environment],
    outdir,
  } = cachedExampleSynthesis('identity');
  const [sized] = sizeEnvironments([environment]);
  const stack = (name: string) => JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson;
  const resources = (name: string, type: string) => Object.values(stack(name).resource?.[type] ?? {});

  it('runs identity-edge at the edge and only session-store in the regions', () => {
    expect(environment.regions.map((r) => r.code)).toEqual(REGIONS);
    expect(environment.edgeServices.map((s) => s.name)).toEqual(['identity-edge']);
    expect(environment.services.map((s) => s.name)).toEqual(['session-store']);
    // Sizing sizes no pods for the edge service.
    expect(Object.keys(sized.blueprint.services ?? {})).toEqual(['session-store']);
    for (const region of REGIONS) {
      const apps = stack(`authrim-identity-${region}-apps`);
      const deployments = Object.values(apps.resource?.kubernetes_deployment_v1 ?? {}).map(
        (d) => ((d as { metadata: Array<{ name: string }> }).metadata[0] ?? (d as { metadata: { name: string } }).metadata).name,
      );
      expect(deployments).toContain('session-store');
      expect(deployments).not.toContain('identity-edge');
      expect(JSON.stringify(apps.resource?.kubernetes_horizontal_pod_autoscaler_v2 ?? {})).not.toContain('identity-edge');
      expect(JSON.stringify(resources(`authrim-identity-${region}`, 'aws_lb_target_group'))).not.toContain('identity-edge');
    }
  });

  it('runs Redis 3 masters + 3 replicas per region and nothing of CockroachDB on EKS', () => {
    for (const region of REGIONS) {
      const name = `authrim-identity-${region}`;
      const [group] = resources(name, 'aws_elasticache_replication_group') as Array<{ num_node_groups: number; replicas_per_node_group: number }>;
      expect(group.num_node_groups * (1 + group.replicas_per_node_group)).toBe(6);
      const apps = stack(`${name}-apps`);
      expect(Object.keys(apps.resource ?? {})).not.toContain('kubernetes_stateful_set_v1');
      expect(JSON.stringify(apps)).not.toMatch(/"(name|namespace)":"cockroachdb"/);
      expect(resources(name, 'aws_eks_node_group').map((g) => (g as { node_group_name: string }).node_group_name)).not.toContain(`${name}-cockroachdb`);
      expect(resources(name, 'aws_vpc_peering_connection')).toEqual([]);
    }
  });

  it('keeps the CockroachDB Cloud connection string out of the state: an empty secret each region, readable by the database services', () => {
    for (const region of REGIONS) {
      const name = `authrim-identity-${region}`;
      const secrets = resources(name, 'aws_secretsmanager_secret') as Array<{ name: string; tags?: Record<string, string> }>;
      const connection = secrets.filter((s) => s.tags?.['stagecraft:managed-service'] === 'cockroachdb-cloud');
      expect(connection.map((s) => s.name)).toEqual([`${name}/cockroachdb-cloud/connection-string`]);
      expect(resources(name, 'aws_secretsmanager_secret_version')).toEqual([]);
      const policies = JSON.stringify(stack(name).data?.aws_iam_policy_document ?? {}) + JSON.stringify(resources(name, 'aws_iam_role_policy'));
      expect(policies).toContain('secretsmanager:GetSecretValue');
      expect(policies).toContain('aws_secretsmanager_secret.cockroachdb-cloud_connection-string_secret');
    }
  });

  it("binds the edge service's Worker to the edge Worker, with its Durable Objects and KV namespace", () => {
    const scripts = resources('authrim-identity-edge', 'cloudflare_workers_script') as Array<{
      script_name: string;
      bindings: Array<Record<string, unknown>>;
      migrations?: { new_sqlite_classes?: string[] };
      keep_bindings?: string[];
    }>;
    const service = scripts.find((s) => s.script_name === 'authrim-identity-identity-edge')!;
    const front = scripts.find((s) => s.script_name === 'authrim-identity-edge')!;
    expect(service.migrations?.new_sqlite_classes).toEqual(['KeyManager', 'TokenRevocationStore']);
    expect(service.keep_bindings).toEqual(['secret_text']);
    expect(service.bindings.filter((b) => b.type === 'kv_namespace').map((b) => b.name)).toEqual(['CLIENTS']);
    expect(front.bindings.filter((b) => b.type === 'service')).toEqual([
      { type: 'service', name: 'EDGE_SERVICE_IDENTITY_EDGE', service: 'authrim-identity-identity-edge' },
    ]);
    const routing = JSON.parse(String(front.bindings.find((b) => b.name === 'ROUTING')!.json)) as { edgeServices: Array<{ pathPrefix: string }> };
    expect(routing.edgeServices.map((r) => r.pathPrefix)).toEqual(['/.well-known', '/oauth']);
  });

  it('passes the guardrails with 0 errors', () => {
    const result = checkSynthesis(readSynthesis(outdir, { command: 'test', flag: '--from', given: outdir }));
    expect(result.findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  it('prices everything it builds, CockroachDB Cloud and the edge service from the workload', () => {
    const stacks = readSynthesis(outdir, { command: 'test', flag: '--from', given: outdir }).stacks.map((s) => ({ name: s.name, json: s.json }));
    const cost = priceSizedEnvironment(sized, stacks);
    expect(cost.unpricedResources).toBe(0);
    const usage = environmentUsage(sized)!;
    const lines = cost.stacks.flatMap((s) => s.resources.flatMap((r) => r.components));
    // CockroachDB Cloud: request units (queries × 4 RU) and storage (3 replicas in the primary region, 1 in each other), at the catalog's prices.
    const ru = lines.filter((c) => c.description.startsWith('CockroachDB Cloud serverless') && c.description.includes('request units'));
    expect(ru).toHaveLength(4);
    const ruUsd = ru.reduce((sum, c) => sum + c.monthlyUsd, 0);
    expect(ruUsd).toBeCloseTo(((usage.databaseQueriesPerMonth * 4) / 1e6) * CATALOG.prices['cockroachdb.serverlessRequestUnits'].usd!, 6);
    const storedUsd = lines.filter((c) => c.description.includes('GiB stored')).reduce((sum, c) => sum + c.monthlyUsd, 0);
    expect(storedUsd).toBeCloseTo(((usage.datasetGB * 1e9 * (3 + 3)) / 2 ** 30) * CATALOG.prices['cockroachdb.serverlessStorage'].usd!, 6);
    // The edge service: CPU, Durable Objects and KV from its demand.
    const edgeService = usage.edge.services!['authrim-identity-identity-edge'];
    expect(edgeService.durableObjectRequests).toBeCloseTo(edgeService.requests * 0.1, 3);
    const doLine = lines.find((c) => c.description.endsWith('M Durable Object requests'))!;
    expect(doLine.monthlyUsd).toBeCloseTo((edgeService.durableObjectRequests / 1e6) * CATALOG.prices['cloudflare.durableObjectsRequests'].usd!, 6);
    expect(cost.monthlyUsd).toBeGreaterThan(0);
  });
});
