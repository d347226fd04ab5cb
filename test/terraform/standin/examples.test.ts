/**
 * The example edge stacks under real terraform 1.11, with the stand-in serving Cloudflare and the
 * real AWS provider from the local mirror. A regression test of issue 14 (F1): the edge stacks used
 * to key `cloudflare_dns_record.acm-validation`'s for_each by ACM validation record names, unknown
 * until the certificate exists, and terraform refused the plan; they are now keyed by the
 * certificate's names, written as literals, and the whole stack plans. (The pre-fix expression's
 * refusal is shown with the real AWS provider in test/terraform/acm-validation-for-each.test.ts; the
 * apps stack runs through the wired offline check, in offline-wiring.test.ts.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StackJson } from '../../../synthesis/stack-views';
import { formatPreflightProblem, preflightStack } from '../../../terraform/standin/preflight';
import { CLOUDFLARE } from '../../../terraform/standin/providers';
import { RunningStandin, startStandin } from '../../../terraform/standin/server';
import { ExampleSynthesis, synthesizeExamples } from '../../helpers/examples';
import { errorBlocks, prepareStackDir, runTerraform, TerraformResult, terraformEnv, writeCliConfig } from './terraform-runner';

const EDGE_STACKS = ['acme-massive-edge', 'acme-growth-edge'];

interface StackRun {
  readonly init: TerraformResult;
  readonly validate: TerraformResult;
  readonly plan: TerraformResult;
}

/** Addresses terraform says it will create. */
function created(plan: TerraformResult): string[] {
  return [...plan.stdout.matchAll(/^\s*# (\S+) will be created$/gm)].map((m) => m[1]);
}

describe('the example edge stacks under terraform 1.11 with the stand-in', () => {
  let examples: ExampleSynthesis;
  let standin: RunningStandin;
  let root: string;
  const runs = new Map<string, StackRun>();

  beforeAll(
    async () => {
      examples = synthesizeExamples();
      standin = await startStandin({ providers: [CLOUDFLARE] });
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-standin-examples-'));
      writeCliConfig(path.join(root, 'terraform.rc'), '/opt/tf-plugins');
      const env = terraformEnv(path.join(root, 'terraform.rc'), standin);
      const stacks = new Map<string, StackJson>(examples.summaries.map((s) => [s.name, examples.stack(s.name) as StackJson]));
      const run = async (name: string): Promise<void> => {
        const dir = path.join(root, name);
        fs.mkdirSync(dir);
        prepareStackDir(dir, path.join(examples.outdir, 'stacks', name, 'cdk.tf.json'), stacks);
        const init = await runTerraform(['init', '-input=false', '-no-color'], dir, env);
        const validate = await runTerraform(['validate', '-no-color'], dir, env);
        const plan = await runTerraform(['plan', '-input=false', '-no-color', '-lock=false'], dir, env);
        runs.set(name, { init, validate, plan });
        process.stderr.write(`${name}: init ${init.ms} ms, validate ${validate.ms} ms, plan ${plan.ms} ms\n`);
      };
      // One at a time: each edge stack starts the 700 MB AWS provider per command, and two at once on
      // two cores took longer (53 s, with the apps stack) than one after the other (45 s).
      for (const name of EDGE_STACKS) await run(name);
    },
    20 * 60 * 1000,
  );

  afterAll(async () => {
    await standin?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('finds nothing the stand-in cannot serve in these stacks (provider versions and types)', () => {
    const problems = EDGE_STACKS.flatMap((name) => preflightStack(name, examples.stack(name) as StackJson, standin.schemas));
    expect(problems.map(formatPreflightProblem)).toEqual([]);
  });

  it('initialises and validates every stack with no error', () => {
    for (const name of EDGE_STACKS) {
      const run = runs.get(name)!;
      expect({ name, init: run.init.code, validate: run.validate.code, errors: errorBlocks(run.validate.stderr) }).toEqual({
        name,
        init: 0,
        validate: 0,
        errors: [],
      });
      expect(run.validate.stdout).toContain('Success! The configuration is valid.');
    }
  });

  it.each(EDGE_STACKS)('%s: terraform plans it: the acm-validation records are keyed by names known at plan time (issue 14, F1)', (name) => {
    const plan = runs.get(name)!.plan;
    expect({ code: plan.code, errors: errorBlocks(plan.stderr) }).toEqual({ code: 0, errors: [] });
    // One record per certificate name the edge stack asks for (the for_each literal), each planned.
    const record = (examples.stack(name).resource as Record<string, Record<string, { for_each?: string }>>).cloudflare_dns_record['acm-validation'];
    const keys = [...(record.for_each ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(0);
    const planned = created(plan).filter((address) => address.startsWith('cloudflare_dns_record.acm-validation['));
    expect(planned.sort()).toEqual(keys.map((key) => `cloudflare_dns_record.acm-validation["${key}"]`).sort());
  });

  it.each(EDGE_STACKS)('%s: every Cloudflare resource is planned by the stand-in', (name) => {
    const resources = (examples.stack(name).resource ?? {}) as Record<string, Record<string, unknown>>;
    const cloudflare = Object.entries(resources)
      .filter(([type]) => type.startsWith('cloudflare_'))
      .flatMap(([type, byName]) => Object.keys(byName).map((id) => `${type}.${id}`));
    expect(cloudflare.length).toBeGreaterThan(10);
    const planned = new Set(created(runs.get(name)!.plan).map((address) => address.replace(/\[.*\]$/, '')));
    expect(cloudflare.filter((address) => !planned.has(address))).toEqual([]);
  });
});
