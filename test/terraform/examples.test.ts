/**
 * All 20 stacks of the example environments pass real `terraform init` and `plan` (whose first
 * step is the validate walk), offline, none skipped: the regional stacks against the AWS provider
 * 5.100.0 from the mirror, the edge stacks with the stand-in serving Cloudflare (and the real AWS
 * provider), the apps stacks with the stand-in serving Kubernetes: typed resources, planned before
 * their cluster exists. Every check that needs an example stack's plan reads this one plan (each
 * plan starts the 700 MB AWS provider three times): the edge stacks' ACM records (issue 14, F1),
 * the apps stacks' providers, and `stagecraft review --plan` on the launch stack's plan JSON.
 * (`stagecraft validate --plan-json-dir <dir>` keeps the plans as JSON; `npm run bench` times it.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/main';
import { Io } from '../../cli/command';
import { checkSynthesis } from '../../policies/engine';
import { readSynthesis } from '../../synthesis/read';
import { StackJson } from '../../synthesis/stack-views';
import { checkStacksOffline, StackCheckResult } from '../../terraform/offline';
import { formatPreflightProblem, preflightStack } from '../../terraform/standin/preflight';
import { CLOUDFLARE } from '../../terraform/standin/providers';
import { startStandin } from '../../terraform/standin/server';
import { EXAMPLES_ROOT, ExampleSynthesis, synthesizeExamples } from '../helpers/examples';
import { missingForTerraform, requireTerraform } from '../helpers/terraform';
import { KNOWN_AT_PLAN, unknownAtPlan } from './known-at-plan';
import { databaseUserName } from '../../config/database-user';

const available = missingForTerraform().length === 0;
// Without terraform or the mirror every suite below fails, naming the stacks left unchecked.
const describeWithTerraform = requireTerraform(() => {
  const names = synthesizeExamples().summaries.map((s) => s.name);
  return `the ${names.length} example stacks (${names.join(', ')})`;
});

/** The regional stack whose plan JSON `stagecraft review --plan` reads. */
const REVIEWED = 'acme-launch-us-east-1';
/**
 * Stacks whose plan JSON is read for policies and bucket names known at plan time
 * (test/terraform/known-at-plan.ts): every stack with an IAM policy, key policy, bucket or other
 * policy document, which is every regional stack (a test below holds the list to the synthesis).
 */
const READ_AT_PLAN = [
  REVIEWED,
  'acme-traction-eu-west-1',
  'acme-growth-us-east-1',
  'acme-scale-us-west-2',
  'acme-hyperscale-us-east-1',
  'acme-massive-us-east-1',
  'acme-massive-eu-west-1',
  'acme-massive-ap-northeast-1',
];

let examples: ExampleSynthesis;
let results: StackCheckResult[];
let planJsonDir: string;
const result = (name: string): StackCheckResult => results.find((r) => r.stack === name) as StackCheckResult;
const stacksOf = (suffix: string): string[] => examples.summaries.map((s) => s.name).filter((name) => name.endsWith(suffix));
/** Addresses the plan creates, instance keys kept. */
const created = (name: string): string[] => (result(name).changes ?? []).filter((c) => c.action === 'create').map((c) => c.address);

beforeAll(
  async () => {
    if (!available) return;
    examples = synthesizeExamples();
    planJsonDir = join(examples.outdir, '..', 'plans');
    const started = Date.now();
    results = await checkStacksOffline(examples.outdir, {
      planJsonDir,
      planJsonStacks: READ_AT_PLAN,
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    process.stderr.write(`offline plan suite: ${results.length} stacks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  },
  60 * 60 * 1000,
);

describeWithTerraform('offline terraform validate and plan of every example stack', () => {
  it('checks all 20 stacks, none skipped: 8 regional, 6 edge, 6 apps', () => {
    expect(results.map((r) => r.stack).sort()).toEqual(examples.summaries.map((s) => s.name).sort());
    const kinds = { regional: 0, edge: 0, apps: 0 };
    for (const result of results) kinds[result.stack.endsWith('-edge') ? 'edge' : result.stack.endsWith('-apps') ? 'apps' : 'regional']++;
    expect(kinds).toEqual({ regional: 8, edge: 6, apps: 6 });
    expect(results.filter((r) => r.status !== 'ok').map((r) => [r.stack, r.status, r.validate.diagnostics])).toEqual([]);
  });

  it('validates every stack with no error and no warning', () => {
    for (const result of results) {
      expect({ stack: result.stack, status: result.status, validate: result.validate }).toEqual({
        stack: result.stack,
        status: 'ok',
        validate: { valid: true, errorCount: 0, warningCount: 0, diagnostics: [] },
      });
    }
  });

  it('plans to create exactly the synthesized resources, changing and destroying nothing', () => {
    for (const result of results) {
      const synthesized = examples.summaries.find((s) => s.name === result.stack)!;
      expect({ stack: result.stack, plan: result.plan, creates: created(result.stack).length }).toEqual({
        stack: result.stack,
        plan: { add: synthesized.resources, change: 0, destroy: 0, resourceCount: synthesized.resources },
        creates: synthesized.resources,
      });
    }
  });
});

describeWithTerraform('the example edge stacks under terraform 1.11 with the stand-in serving Cloudflare', () => {
  it('finds nothing the stand-in cannot serve in them (provider versions and types)', async () => {
    const standin = await startStandin({ providers: [CLOUDFLARE] });
    try {
      const problems = stacksOf('-edge').flatMap((name) => preflightStack(name, examples.stack(name) as StackJson, standin.schemas));
      expect(problems.map(formatPreflightProblem)).toEqual([]);
    } finally {
      await standin.close();
    }
  });

  it('plans every Cloudflare resource of every edge stack', () => {
    for (const name of stacksOf('-edge')) {
      const resources = (examples.stack(name).resource ?? {}) as Record<string, Record<string, unknown>>;
      const cloudflare = Object.entries(resources)
        .filter(([type]) => type.startsWith('cloudflare_'))
        .flatMap(([type, byName]) => Object.keys(byName).map((id) => `${type}.${id}`));
      expect(cloudflare.length).toBeGreaterThan(0);
      const planned = new Set(created(name).map((address) => address.replace(/\[.*\]$/, '')));
      expect({ name, unplanned: cloudflare.filter((address) => !planned.has(address)) }).toEqual({ name, unplanned: [] });
    }
  });

  // A regression test of issue 14 (F1): the acm-validation records used to be keyed by ACM validation
  // record names, unknown until the certificates exist, and terraform refused the plan (the pre-fix
  // expression's refusal is test/terraform/acm-validation-for-each.test.ts).
  it('keys the acm-validation records of every cluster stage by names known at plan time, one record per certificate name (issue 14, F1)', () => {
    const withCertificates = stacksOf('-edge').filter((name) => examples.stack(name).resource?.cloudflare_dns_record?.['acm-validation']);
    expect(withCertificates.sort()).toEqual(['acme-growth-edge', 'acme-hyperscale-edge', 'acme-massive-edge', 'acme-scale-edge']);
    for (const name of withCertificates) {
      const record = examples.stack(name).resource!.cloudflare_dns_record['acm-validation'] as { for_each?: string };
      const keys = [...(record.for_each ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      expect(keys.length).toBeGreaterThan(0);
      // One record validates a name and its wildcard: no key is a wildcard.
      expect(keys.filter((key) => key.startsWith('*.'))).toEqual([]);
      const planned = created(name).filter((address) => address.startsWith('cloudflare_dns_record.acm-validation['));
      expect({ name, planned: planned.sort() }).toEqual({ name, planned: keys.map((key) => `cloudflare_dns_record.acm-validation["${key}"]`).sort() });
    }
  });
});

describeWithTerraform('the example apps stacks, planned before their cluster exists', () => {
  it("are typed resources only, with the provider configured from the regional stack's outputs (stubbed: no API server is reached)", () => {
    const apps = stacksOf('-apps');
    expect(apps).toHaveLength(6);
    for (const name of apps) {
      const json = examples.stack(name);
      const [provider] = json.provider!.kubernetes as Array<Record<string, string>>;
      const regional = name.replace(/-apps$/, '');
      expect(provider.host).toMatch(new RegExp(`^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-${regional}\\.outputs\\.`));
      expect(Object.keys(json.resource ?? {}).filter((type) => type === 'kubernetes_manifest')).toEqual([]);
      expect(result(name).status).toBe('ok');
    }
  });
});

async function review(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd: EXAMPLES_ROOT };
  return { code: await runCli(argv, io), stdout, stderr };
}

describeWithTerraform(`stagecraft review --plan on the real plan of ${REVIEWED}`, () => {
  const planFile = () => join(planJsonDir, `${REVIEWED}.plan.json`);
  const plan = () => JSON.parse(readFileSync(planFile(), 'utf8')) as { resource_changes: Array<{ change: { actions: string[] } }> };

  it('wrote plan JSON for that stack and the stacks read for known policies only', () => {
    expect(
      results
        .filter((r) => r.planJsonPath)
        .map((r) => r.stack)
        .sort(),
    ).toEqual([...READ_AT_PLAN].sort());
    expect(result(REVIEWED).planJsonPath).toBe(planFile());
  });

  it('lists every create of the plan, and counts them as the plan does', async () => {
    const run = await review('review', '--plan', planFile(), '--format', 'json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    const creates = plan().resource_changes.filter((c) => c.change.actions.includes('create')).length;
    expect(creates).toBe(result(REVIEWED).plan?.add);
    expect(creates).toBe(examples.summaries.find((s) => s.name === REVIEWED)?.resources);
    expect(report.summary).toMatchObject({ create: creates, update: 0, replace: 0, delete: 0, stacksChanged: 1, dataLoss: 0, findings: null });
    expect(report.stacks.map((s: { stack: string }) => s.stack)).toEqual([REVIEWED]);
    expect(report.stacks[0].changes).toHaveLength(creates);
    expect(report.stacks[0].changes.every((c: { action: string }) => c.action === 'create')).toBe(true);
  });

  it('renders the plan as Markdown, and runs the guardrails when given the synthesis it came from', async () => {
    const run = await review('review', '--plan', planFile(), '--head', examples.outdir);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe(`## Stagecraft review: ${result(REVIEWED).plan?.add} to add, 0 to change, 0 to replace, 0 to destroy in 1 stack`);
    expect(run.stdout).toContain('No stateful resource is destroyed or replaced, and no data protection is removed.');
    // The guardrails run over the whole head synthesis (all 20 stacks): nothing unsuppressed, and the suppressions `check` finds.
    const guardrails = checkSynthesis(readSynthesis(examples.outdir, { command: 'test', flag: '--head', given: 'examples' }));
    expect(guardrails.findings).toEqual([]);
    expect(run.stdout).toContain(
      `### Guardrail findings on head\n\nNone (${guardrails.suppressed.length} suppressed with a reason; \`stagecraft check\` lists them).`,
    );
    expect(run.stdout).toContain('> Actions and replacements come from the plan itself; values known only after apply are not listed.');
  });
});

// Issue 14, item 4: the first plan shows every policy document and bucket name (the launch and
// traction examples named no account, massive's policies named resources by their `.arn`, and the
// policies reading an RDS-managed master secret named it by `master_user_secret`).
describeWithTerraform('policy documents and bucket names in the first plan (issue 14, item 4)', () => {
  it('reads the plan of every stack that holds a policy document or a bucket', () => {
    const withPolicies = examples.summaries
      .map((s) => s.name)
      .filter((name) => Object.keys(examples.stack(name).resource ?? {}).some((type) => type in KNOWN_AT_PLAN));
    expect(withPolicies.sort()).toEqual([...READ_AT_PLAN].sort());
  });

  it.each(READ_AT_PLAN)('%s: no configured policy document or bucket name is known only after apply', (stack) => {
    const { checked, unknown } = unknownAtPlan(result(stack).planJsonPath as string);
    expect(checked).toBeGreaterThan(10);
    // Nothing is exempt: an unknown one fails, with the attributes that make it unknown.
    expect({ stack, unknown }).toEqual({ stack, unknown: [] });
  });

  // They named each database's resource id, which RDS generates (6 unknown policies on each of growth, scale and hyperscale).
  it.each(['acme-growth-us-east-1', 'acme-scale-us-west-2', 'acme-hyperscale-us-east-1'])(
    "%s: each service's rds-db:connect grant reads in the plan, as its environment's own user",
    (stack) => {
      const plan = JSON.parse(readFileSync(result(stack).planJsonPath as string, 'utf8')) as {
        resource_changes: Array<{ address: string; type: string; change: { after?: { policy?: string } } }>;
      };
      const environment = examples.environments.find((e) => stack.startsWith(`${e.name}-`))!;
      const clients = environment.services.filter((s) => s.dataStores.includes('database'));
      const grants = plan.resource_changes
        .filter((c) => c.type === 'aws_iam_role_policy' && typeof c.change.after?.policy === 'string')
        .flatMap((c) => (JSON.parse(c.change.after!.policy!) as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement)
        .filter((s) => JSON.stringify(s.Action).includes('rds-db:connect'))
        .flatMap((s) => [s.Resource].flat());
      const region = stack.slice(environment.name.length + 1);
      expect(grants.sort()).toEqual(
        clients.map((s) => `arn:aws:rds-db:${region}:${environment.awsAccountId}:dbuser:*/${databaseUserName(environment.name, s.name)}`).sort(),
      );
    },
  );
});
