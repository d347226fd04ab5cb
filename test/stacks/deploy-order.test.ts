/**
 * Deploy order on the collaboration suite (examples/collaboration): two regions, active-passive on
 * an Aurora Global Database, Kafka beside RabbitMQ. Each service starts after the Jobs of its
 * region that make its users and topics, whichever broker's variables name them (a client of both
 * brokers has `RABBITMQ_*` and `KAFKA_*` instead of `QUEUE_*`); in the standby region, whose
 * database takes its users from the primary's, the services declare their users as made outside
 * the stack. Guardrail SC-K8S-9 passes every workload of both apps stacks (docs/deploy-order.md).
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

const ROOT = join(EXAMPLES_ROOT, '..', 'collaboration');
type Json = { resource: Record<string, Record<string, { metadata: { name: string; annotations?: Record<string, string> }; depends_on?: string[] }>> };

let synthesis: Synthesis;
beforeAll(() => {
  const catalog = loadServiceCatalog(join(ROOT, 'services'), ROOT);
  const parsed = parseEnvironment(readFileSync(join(ROOT, 'environments', 'production.yaml'), 'utf8'), 'environments/production.yaml', catalog);
  if (!parsed.environment) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-deploy-order-'));
  synthesizeEnvironments([parsed.environment], { outdir: join(root, 'cdktf.out'), stateDir: root });
  synthesis = readSynthesis(join(root, 'cdktf.out'), { command: 'test', flag: '--from', given: root });
}, 180_000);

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
    expect(api.metadata.annotations?.[EXTERNAL_PROVISIONS_ANNOTATION]).toBe('database-user/api');
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
});
