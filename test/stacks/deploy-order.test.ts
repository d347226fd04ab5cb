/**
 * Deploy order on the collaboration suite (examples/collaboration): two regions, active-passive on
 * an Aurora Global Database, Kafka beside RabbitMQ. Each service starts after the Jobs of its
 * region that make its users and topics, whichever broker's variables name them (a client of both
 * brokers has `RABBITMQ_*` and `KAFKA_*` instead of `QUEUE_*`); in the standby region, whose
 * database takes its users from the primary's, the services declare their users as made outside
 * the stack, and its apps stack is deployed after the primary's (a cdktf stack dependency in
 * manifest.json). Guardrail SC-K8S-9 passes every workload of both apps stacks, and fails the
 * standby's without that dependency (docs/deploy-order.md).
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvironment } from '../../config/load';
import { formatProblem } from '../../config/errors';
import { loadServiceCatalog } from '../../config/services';
import { synthesizeEnvironments } from '../../stacks/synthesize';
import { readSynthesis } from '../../synthesis/read';
import { Synthesis } from '../../synthesis/stack-views';
import { checkSynthesis } from '../../policies/engine';
import { WorkloadProvisionsProduced } from '../../policies/rules/kubernetes-pod-hardening/WorkloadProvisionsProduced';
import { EXTERNAL_PROVISIONS_ANNOTATION, neededProvisions } from '../../synthesis/kubernetes-provisions';
import { SecretAwareObject } from '../../synthesis/kubernetes-secrets';
import { appliedObjects } from '../helpers/kubernetes-typed';
import { EXAMPLES_ROOT } from '../helpers/examples';
import { readManifest, SynthManifest } from '../../synthesis/manifest';
import { externalProducers } from '../../stacks/apps-stack-order';
import { KubernetesObject } from '../../services/kubernetes/object';
import { databaseUserName } from '../../config/database-user';

const ROOT = join(EXAMPLES_ROOT, '..', 'collaboration');
type Json = { resource: Record<string, Record<string, { metadata: { name: string; annotations?: Record<string, string> }; depends_on?: string[] }>> };

let synthesis: Synthesis;
let manifest: SynthManifest;
beforeAll(() => {
  const catalog = loadServiceCatalog(join(ROOT, 'services'), ROOT);
  const parsed = parseEnvironment(readFileSync(join(ROOT, 'environments', 'production.yaml'), 'utf8'), 'environments/production.yaml', catalog);
  if (!parsed.environment) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-deploy-order-'));
  synthesizeEnvironments([parsed.environment], { outdir: join(root, 'cdktf.out'), stateDir: root });
  synthesis = readSynthesis(join(root, 'cdktf.out'), { command: 'test', flag: '--from', given: root });
  manifest = readManifest(join(root, 'cdktf.out'));
}, 180_000);

/** A cycle of the manifest's dependencies, as the stack names along it, or undefined. */
function manifestCycle(m: SynthManifest): string[] | undefined {
  const dependencies = new Map(m.stacks.map((s) => [s.name, s.dependencies]));
  const done = new Set<string>();
  const visit = (name: string, path: string[]): string[] | undefined => {
    if (path.includes(name)) return [...path.slice(path.indexOf(name)), name];
    if (done.has(name)) return undefined;
    for (const next of dependencies.get(name) ?? []) {
      const found = visit(next, [...path, name]);
      if (found) return found;
    }
    done.add(name);
    return undefined;
  };
  for (const name of dependencies.keys()) {
    const found = visit(name, []);
    if (found) return found;
  }
  return undefined;
}

const json = (name: string) => synthesis.stacks.find((s) => s.name === name)!.json as Json;
/** Each Deployment's operations Jobs it depends on, by the Job's name without its hash. */
function jobsBefore(stack: string): Map<string, string[]> {
  const resources = json(stack).resource;
  const jobs = new Map(
    Object.entries(resources.kubernetes_job_v1 ?? {}).map(([id, job]) => [`kubernetes_job_v1.${id}`, job.metadata.name.replace(/-[0-9a-f]{8}$/, '')]),
  );
  return new Map(
    Object.values(resources.kubernetes_deployment_v1).map((d) => [d.metadata.name, (d.depends_on ?? []).flatMap((a) => jobs.get(a) ?? []).sort()]),
  );
}

/** The api's PostgreSQL user in collab-prod (config/database-user.ts). */
const API_USER = databaseUserName('collab-prod', 'api');

describe('deploy order on two regions and two brokers (examples/collaboration)', () => {
  it('starts the client of both brokers after the rabbitmq-users and kafka-topics Jobs, and every database client after database-users', () => {
    const before = jobsBefore('collab-prod-us-east-1-apps');
    const api = appliedObjects(json('collab-prod-us-east-1-apps')).find((o) => o.kind === 'Deployment' && o.metadata.name === 'api')!;
    const needs = neededProvisions(api as unknown as SecretAwareObject).needs;
    expect(needs.some((n) => n.startsWith('rabbitmq-user/'))).toBe(true);
    expect(needs.some((n) => n.startsWith('kafka-topic/'))).toBe(true);
    expect(before.get('api')).toEqual(expect.arrayContaining(['database-users', 'kafka-topics', 'rabbitmq-users']));
  });

  it("declares the standby region's database users as made by the primary region, and orders its broker clients after its own Jobs", () => {
    const objects = appliedObjects(json('collab-prod-eu-west-1-apps'));
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api')!;
    expect(api.metadata.annotations?.[EXTERNAL_PROVISIONS_ANNOTATION]).toBe(`database-user/${API_USER}`);
    expect(objects.some((o) => o.kind === 'Job' && String(o.metadata.name).startsWith('database-users-'))).toBe(false);
    expect(jobsBefore('collab-prod-eu-west-1-apps').get('api')).toEqual(expect.arrayContaining(['kafka-topics', 'rabbitmq-users']));
  });

  it('passes SC-K8S-9 on every workload that needs a Job, in both regions', () => {
    const needing = synthesis.stacks
      .filter((s) => s.name.endsWith('-apps'))
      .flatMap((s) => appliedObjects(s.json as Json))
      .filter((o) => neededProvisions(o as unknown as SecretAwareObject).needs.length > 0).length;
    expect(needing).toBeGreaterThan(0);
    const { counts } = checkSynthesis(synthesis, { rules: [WorkloadProvisionsProduced] });
    expect({ compliant: counts.compliant, nonCompliant: counts['non-compliant'], unknown: counts['could-not-evaluate'] }).toEqual({
      compliant: needing,
      nonCompliant: 0,
      unknown: 0,
    });
  });

  it("deploys the primary region's apps stack before the standby's (manifest.json), with no dependency cycle", () => {
    const of = (name: string) => manifest.stacks.find((s) => s.name === name)!.dependencies;
    // The standby's workloads declare the users the primary's database-users Job makes.
    const primaryJob = appliedObjects(json('collab-prod-us-east-1-apps')).find(
      (o) => o.kind === 'Job' && String(o.metadata.name).startsWith('database-users-'),
    )!;
    expect(primaryJob.metadata.annotations?.['stagecraft.io/provisions']).toContain(`database-user/${API_USER}`);
    expect([...of('collab-prod-eu-west-1-apps')].sort()).toEqual(['collab-prod-eu-west-1', 'collab-prod-us-east-1-apps']);
    expect(of('collab-prod-us-east-1-apps')).toEqual(['collab-prod-us-east-1']);
    // The same order as the views the guardrails read.
    expect(synthesis.stacks.find((s) => s.name === 'collab-prod-eu-west-1-apps')!.dependencies).toContain('collab-prod-us-east-1-apps');
    expect(manifestCycle(manifest)).toBeUndefined();
  });

  it("fails SC-K8S-9 on the standby's workloads when its apps stack is not deployed after the primary's", () => {
    const standby = 'collab-prod-eu-west-1-apps';
    const unordered: Synthesis = {
      label: 'no cross-region dependency',
      stacks: synthesis.stacks.map((s) =>
        s.name === standby ? { ...s, dependencies: (s.dependencies ?? []).filter((d) => d.endsWith('-apps') === false) } : s,
      ),
    };
    const result = checkSynthesis(unordered, { rules: [WorkloadProvisionsProduced] });
    const standbyFindings = result.findings.filter((f) => f.stack === standby);
    const api = standbyFindings.find((f) => f.message.startsWith('Deployment product/api:'));
    // Every standby workload that logs in to the database, and nothing in the primary region.
    expect(standbyFindings.length).toBe(result.findings.length);
    expect(standbyFindings.length).toBeGreaterThan(0);
    expect(standbyFindings.every((f) => f.status === 'non-compliant' && f.message.includes('is not deployed after it'))).toBe(true);
    expect(api?.message).toBe(
      `Deployment product/api: database-user/${API_USER} is declared made outside the stack and collab-prod-us-east-1-apps makes it, but ${standby} is not deployed after it (no cdktf stack dependency): its pods may start before it exists`,
    );
  });
});

describe('apps stack order (stacks/apps-stack-order.ts)', () => {
  const job = (made: string): KubernetesObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `jobs-${made}`, namespace: 'operations', annotations: { 'stagecraft.io/provisions': made } },
  });
  const workload = (needs: string): KubernetesObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `needs-${needs}`, namespace: 'product', annotations: { 'stagecraft.io/external-provisions': needs } },
  });

  it('orders a stack after the one whose Job makes what it declares external, and no other', () => {
    const primary = { stackName: 'env-a-apps', objects: [job('database-user/api')] };
    const standby = { stackName: 'env-b-apps', objects: [workload('database-user/api')] };
    const other = { stackName: 'env-c-apps', objects: [workload('kafka-topic/unmade')] };
    const order = externalProducers([primary, standby, other]);
    expect([...order.entries()].map(([s, p]) => [s.stackName, p.map((x) => x.stackName)])).toEqual([['env-b-apps', ['env-a-apps']]]);
  });

  it('refuses two stacks that each wait for the other', () => {
    const a = { stackName: 'env-a-apps', objects: [job('database-user/a'), workload('database-user/b')] };
    const b = { stackName: 'env-b-apps', objects: [job('database-user/b'), workload('database-user/a')] };
    expect(() => externalProducers([a, b])).toThrow("apps stacks wait for each other's provisioning Jobs: env-a-apps → env-b-apps → env-a-apps");
  });
});
