/**
 * `stagecraft check` over every example environment: no unsuppressed finding at any level, and
 * every suppression is one of the known AWS limitations, with its reason.
 */
import { queueScalingOf } from '../../synthesis/queue-scaling';
import { STAGECRAFT_PACK } from '../../policies/packs/stagecraft';
import { referencedSecrets, SecretAwareObject } from '../../synthesis/kubernetes-secrets';
import { neededProvisions } from '../../synthesis/kubernetes-provisions';
import { runCli } from '../../cli/main';
import { Io } from '../../cli/command';
import { summarizeByEnvironment } from '../../cli/commands/check';
import { readSynthesis } from '../../synthesis/read';
import { checkSynthesis, CheckResult } from '../../policies/engine';
import { ALL_RULES } from '../../policies/rules';
import { Synthesis } from '../../synthesis/stack-views';
import { ExampleSynthesis, synthesizeExamples, EXAMPLES_ROOT } from '../helpers/examples';
import { appliedObjects } from '../helpers/kubernetes-typed';

let examples: ExampleSynthesis;
let synthesis: Synthesis;
let result: CheckResult;
beforeAll(() => {
  examples = synthesizeExamples();
  synthesis = readSynthesis(examples.outdir, { command: 'test', flag: '--out', given: 'examples' });
  result = checkSynthesis(synthesis);
});

const REGIONAL_STACKS = 8;
const MQ_BROKERS = 2; // growth and scale run RabbitMQ
const COCKROACH_JOIN_NLBS = 3; // one per massive region
const REDIS_PARAMETER_GROUPS = 7; // traction, growth, scale, hyperscale, and each massive region
const RELEASE_BUCKETS = 2; // launch and traction deliver their hosts' releases from S3

describe('guardrails on the example environments', () => {
  it('finds nothing unsuppressed, at any level, in any of the 20 stacks', () => {
    expect(result.stacks).toBe(20);
    expect(result.findings).toEqual([]);
    expect(result.counts['could-not-evaluate']).toBe(0);
  });

  it('suppresses only the AWS limitations, each with its reason', () => {
    const byRule = (id: string) => result.suppressed.filter((s) => s.ruleId === id);
    expect(byRule('SC-EAR-5')).toHaveLength(REGIONAL_STACKS);
    expect(byRule('SC-LOG-9')).toHaveLength(REGIONAL_STACKS);
    expect(byRule('SC-EAR-11')).toHaveLength(MQ_BROKERS);
    expect(byRule('SC-LOG-2')).toHaveLength(COCKROACH_JOIN_NLBS);
    expect(byRule('SC-PRE-9')).toHaveLength(REDIS_PARAMETER_GROUPS);
    // The log buckets and the release buckets are not backed up (SC-DP-10); the RabbitMQ password is in state, version and broker (SC-EAR-17).
    expect(byRule('SC-DP-10')).toHaveLength(REGIONAL_STACKS + RELEASE_BUCKETS);
    expect(byRule('SC-EAR-17')).toHaveLength(2 * MQ_BROKERS);
    expect(result.suppressed).toHaveLength(3 * REGIONAL_STACKS + 3 * MQ_BROKERS + COCKROACH_JOIN_NLBS + REDIS_PARAMETER_GROUPS + RELEASE_BUCKETS);
    expect(new Set(result.suppressed.map((s) => `${s.ruleId}: ${s.suppressedBecause}`))).toEqual(
      new Set([
        'SC-EAR-5: SSE-S3 on purpose: ALB access logs and S3 server access logs are delivered only to buckets encrypted with SSE-S3 (AES256)',
        'SC-LOG-9: this is the access-log bucket every other bucket and the ALB log into; logging it into itself would log its own log deliveries without end',
        'SC-EAR-11: Amazon MQ for RabbitMQ does not support customer-managed KMS keys; its data at rest is encrypted with an AWS-owned key',
        'SC-LOG-2: a TCP-only network load balancer writes no access logs (AWS logs only TLS listeners); it carries only the join handshakes of CockroachDB nodes, which log themselves',
        'SC-PRE-9: ElastiCache parameter groups take no name_prefix; the name ends in a hash of name, family and description, every argument that forces a replacement, so a replacement always gets a new name',
        'SC-DP-10: access logs are records of requests, not product data: the bucket keeps them 365 days by lifecycle, and a backup of them would only double their cost',
        'SC-DP-10: release files are rendered from the repository at every synthesis and kept as versions: a backup would hold nothing the repository does not',
        "SC-EAR-17: aws_mq_broker's user password has no write-only argument in AWS provider 5.100, and Amazon MQ for RabbitMQ creates a broker only with a password user: the value is in state on purpose; the state is remote and encrypted from scale on, and rotating the password in Secrets Manager and on the broker after the first apply takes it out of use",
      ]),
    );
    expect(new Set(result.suppressed.map((s) => s.constructPath?.replace(/^[^/]+\//, '')))).toEqual(
      new Set(['logs/bucket', 'releases/bucket', 'rabbitmq/broker', 'rabbitmq/admin-password/value', 'cockroachdb-join/nlb', 'redis/parameter-group']),
    );
  });

  it('every rate-limiting rule of the examples counts every spelling of its paths, or the WAF blocks it (SC-PUB-13)', () => {
    const edges = synthesis.stacks.filter((s) => s.name.endsWith('-edge'));
    const evaluated = checkSynthesis({ ...synthesis, stacks: edges }, { rules: ALL_RULES.filter((r) => r.id === 'SC-PUB-13') });
    expect(evaluated.findings).toEqual([]);
    // growth (Pro) 2 rules, scale (Business) 3, hyperscale and massive (Advanced Rate Limiting) 5 each, of which
    // the WebSocket rule names no path: every rule with a path is checked.
    expect(evaluated.counts.compliant).toBe(2 + 3 + 4 + 4);
    expect(evaluated.counts['not-applicable']).toBe(2 + 2); // launch and traction have no rate limits; the two WebSocket rules
  });

  it('summarizes per environment, with its stage', () => {
    expect(summarizeByEnvironment(synthesis, result)).toEqual([
      { name: 'acme-growth', stage: 'growth', stacks: 3, errors: 0, warnings: 0, suppressed: 7 },
      { name: 'acme-hyperscale', stage: 'hyperscale', stacks: 3, errors: 0, warnings: 0, suppressed: 4 },
      { name: 'acme-launch', stage: 'launch', stacks: 2, errors: 0, warnings: 0, suppressed: 4 },
      { name: 'acme-massive', stage: 'massive', stacks: 7, errors: 0, warnings: 0, suppressed: 15 },
      { name: 'acme-scale', stage: 'scale', stacks: 3, errors: 0, warnings: 0, suppressed: 7 },
      { name: 'acme-traction', stage: 'traction', stacks: 2, errors: 0, warnings: 0, suppressed: 5 },
    ]);
  });

  it('evaluates the stage-aware rules on the stacks of their stages', () => {
    const evaluated = (id: string) => checkSynthesis(synthesis, { rules: ALL_RULES.filter((r) => r.id === id) }).counts.compliant;
    expect(evaluated('SC-STG-1')).toBe(6); // growth primary; scale's Aurora; hyperscale's 4 shards
    expect(evaluated('SC-STG-3')).toBe(4); // launch host and volume; traction's 2 hosts
    expect(evaluated('SC-STG-4')).toBe(3); // each massive region
    expect(evaluated('SC-STG-6')).toBe(3); // the launch host and traction's 2 hosts each get their release
    expect(evaluated('SC-STG-7')).toBe(2); // launch's and traction's release each fetch their own secrets
  });

  it('evaluates the pod-hardening rules on every workload the apps stacks apply, and finds them compliant', () => {
    const kinds = examples.summaries
      .filter((s) => s.name.endsWith('-apps'))
      .flatMap((s) => appliedObjects(examples.stack(s.name) as { resource?: Record<string, Record<string, unknown>> }))
      .map((object) => String(object.kind))
      .filter((kind) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(kind));
    expect(kinds).toContain('Deployment');
    // Jobs run to completion: the probe rule does not apply to them, every other rule does.
    const longRunning = kinds.filter((kind) => kind !== 'Job' && kind !== 'CronJob').length;
    // SC-K8S-8 (a stack rule) judges only the workloads that mount or read a Secret.
    const withSecrets = examples.summaries
      .filter((s) => s.name.endsWith('-apps'))
      .flatMap((s) => appliedObjects(examples.stack(s.name) as { resource?: Record<string, Record<string, unknown>> }))
      .filter((object) => referencedSecrets(object as unknown as SecretAwareObject).length > 0).length;
    expect(withSecrets).toBeGreaterThan(0);
    // SC-K8S-9 (a stack rule) judges only the workloads whose credentials name a user, topic or role a Job makes.
    const withProvisions = examples.summaries
      .filter((s) => s.name.endsWith('-apps'))
      .flatMap((s) => appliedObjects(examples.stack(s.name) as { resource?: Record<string, Record<string, unknown>> }))
      .filter((object) => neededProvisions(object as unknown as SecretAwareObject).needs.length > 0).length;
    // Every product service of growth, scale and hyperscale (a database user), and each massive region's queue and search clients.
    expect(withProvisions).toBe(6 * 3 + 5 * 3);
    // SC-K8S-10 (a stack rule) judges only the workers scaled on their queue: the chat example has none (the collaboration example's are in test/stacks/queue-scaling.test.ts).
    const queueScaled = examples.summaries
      .filter((s) => s.name.endsWith('-apps'))
      .flatMap((s) => appliedObjects(examples.stack(s.name) as { resource?: Record<string, Record<string, unknown>> }))
      .filter((object) => queueScalingOf(object) !== undefined).length;
    for (const rule of ALL_RULES.filter((r) => r.family === 'kubernetes-pod-hardening')) {
      const counts = checkSynthesis(synthesis, { rules: [rule] }).counts;
      const expected =
        rule.id === 'SC-K8S-6'
          ? longRunning
          : rule.id === 'SC-K8S-8'
            ? withSecrets
            : rule.id === 'SC-K8S-9'
              ? withProvisions
              : rule.id === 'SC-K8S-10'
                ? queueScaled
                : kinds.length;
      expect({ rule: rule.id, compliant: counts.compliant, nonCompliant: counts['non-compliant'] }).toEqual({
        rule: rule.id,
        compliant: expected,
        nonCompliant: 0,
      });
    }
  });

  it('finds the preflight regressions of the 2026-12-07 review fixed: each rule evaluates the fixed resources and passes them', () => {
    const outcomes = (id: string) => checkSynthesis(synthesis, { rules: ALL_RULES.filter((r) => r.id === id) }).counts;
    // F1: the ACM validation records of the four cluster stages' edge stacks.
    expect(outcomes('SC-PRE-14')).toMatchObject({ compliant: 4, 'non-compliant': 0 });
    // F2: the massive monitor, at Enterprise's 10 s.
    expect(outcomes('SC-PRE-1')).toMatchObject({ compliant: 1, 'non-compliant': 0 });
    // F3: the keys of the growth, scale, hyperscale and massive node groups.
    expect(outcomes('SC-PRE-7')).toMatchObject({ compliant: 6, 'non-compliant': 0 });
    // M1: every data-keeping resource of the 8 regional stacks is in a backup selection, and every selection picks
    // something; the only resources left out are the log buckets and the release buckets, suppressed with their reason.
    expect(outcomes('SC-DP-10')).toMatchObject({ 'non-compliant': REGIONAL_STACKS + RELEASE_BUCKETS });
    const backups = checkSynthesis(synthesis, { rules: ALL_RULES.filter((r) => r.id === 'SC-DP-10') });
    expect(backups.counts.compliant).toBeGreaterThanOrEqual(2 * REGIONAL_STACKS);
    // S2: no generated secret reaches state but the RabbitMQ password, suppressed with its reason.
    expect(outcomes('SC-EAR-17')).toMatchObject({ 'non-compliant': 2 * MQ_BROKERS });
    // D5: parameter groups with create_before_destroy (the ElastiCache ones are suppressed with their reason).
    expect(outcomes('SC-PRE-9')).toMatchObject({ compliant: 7, 'non-compliant': REDIS_PARAMETER_GROUPS });
    expect(result.suppressed.filter((s) => s.ruleId === 'SC-PRE-9')).toHaveLength(REDIS_PARAMETER_GROUPS);
  });

  it('exits 0 from `stagecraft check --level warning` on the examples', async () => {
    let stdout = '';
    const io: Io = { out: (t) => (stdout += t), err: () => undefined, cwd: EXAMPLES_ROOT };
    expect(await runCli(['check', '--out', examples.outdir, '--level', 'warning'], io)).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        `^checked 20 stacks with ${STAGECRAFT_PACK.rules.length} rules in \\d+ ms: 0 errors, 0 warnings, ${40 + RELEASE_BUCKETS} suppressed \\(\\d+ compliant, \\d+ not applicable\\)$`,
        'm',
      ),
    );
  });
});
