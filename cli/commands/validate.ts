/** `stagecraft validate`: terraform init, validate and plan of every stack, offline (AWS from the mirror, Cloudflare and Kubernetes from the stand-in). */
import * as fs from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserInputError } from '../../config/errors';
import { single } from '../args';
import { Command, JSON_FLAG } from '../command';
import { checkStacksOffline, StackCheckResult } from '../../terraform/offline';
import { readManifest, unknownStacks } from '../../synthesis/manifest';
import { checkOutputDirectory, writeOutputDirectoryAsync } from '../../synthesis/output-directory';

const COMMAND = 'stagecraft validate';

/** The text after the stack name on a result line. */
function describe(result: StackCheckResult): string {
  const seconds = `(${(result.durationMs / 1000).toFixed(1)} s)`;
  if (result.status === 'failed') {
    const [first, ...rest] = result.validate.diagnostics;
    return `${first ?? result.reason ?? 'failed'}${rest.length > 0 ? ` (+${rest.length} more)` : ''} ${seconds}`;
  }
  const warnings = result.validate.warningCount;
  const plan = result.plan;
  const planText = plan ? `plan: ${plan.add} to add, ${plan.change} to change, ${plan.destroy} to destroy` : 'no plan';
  return `valid${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}; ${planText} ${seconds}`;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Run terraform init, validate and plan on every stack, offline',
  usage: 'validate [--out <dir>] [--stack <name>]... [--plan-json-dir <dir>] [--json]',
  flags: [
    { name: 'out', takesValue: true, valueName: '<dir>', description: 'synthesis output directory (default: cdktf.out)' },
    { name: 'stack', takesValue: true, repeatable: true, valueName: '<name>', description: 'stack to check (default: every stack in the manifest)' },
    { name: 'plan-json-dir', takesValue: true, valueName: '<dir>', description: 'write `terraform show -json` of each plan to <dir>/<stack>.plan.json' },
    JSON_FLAG,
  ],
  details: [
    'Each stack is copied into a temporary directory with override files: a local backend, fake',
    'AWS credentials on every aws provider block, and stub state for cross-stack references built',
    "from the upstream stack's outputs. Nothing reaches the network and the synthesis output is",
    'never written to. The aws provider is the real one from a local mirror holding hashicorp/aws',
    '5.100.0 (/opt/tf-plugins, or STAGECRAFT_PROVIDER_MIRROR); cloudflare and kubernetes are served by',
    "the provider stand-in (terraform/standin), from the schema of the project's provider bindings.",
    'Every stack is checked, none skipped: a stack using a provider or resource type nothing offline',
    "serves, a provider version other than the bindings', bindings whose .jsii manifest is of another",
    'version than their package, a missing terraform binary or a missing mirror is reported by stack',
    'and type (exit 2).',
    "The plan's first step is terraform's validate walk; `terraform validate` runs on its own only",
    'after a failed plan, to report invalid configuration with its own diagnostics.',
    '--plan-json-dir replaces only a new or empty directory or one it wrote before (it holds .stagecraft-output).',
    'STAGECRAFT_KEEP_TEMP=1 keeps the working directories for inspection.',
    'Exit code: 0 when every stack planned, 1 when one failed, 2 when one cannot be checked or on bad input.',
  ].join('\n'),
  async run(args, io) {
    const given = single(args, 'out') ?? 'cdktf.out';
    const outdir = resolve(io.cwd, given);
    if (!fs.existsSync(join(outdir, 'manifest.json'))) {
      throw new UserInputError([{ file: COMMAND, path: '--out', message: `${given} has no manifest.json (looked in ${outdir}); run \`npm run synth\` first` }]);
    }
    const manifest = readManifest(outdir);
    const requested = args.values.stack;
    if (requested) {
      const known = manifest.stacks.map((s) => s.name).join(', ');
      const unknown = unknownStacks(manifest, requested);
      if (unknown.length > 0) {
        throw new UserInputError(unknown.map((name) => ({ file: COMMAND, path: '--stack', message: `unknown stack "${name}"; known stacks: ${known}` })));
      }
    }
    const planJsonDir = single(args, 'plan-json-dir');
    // Checked before terraform runs; the plans are written to a staging directory and swapped in at the end.
    const target =
      planJsonDir === undefined
        ? undefined
        : checkOutputDirectory(planJsonDir, { command: COMMAND, flag: '--plan-json-dir', kind: 'plans', cwd: io.cwd, inputs: [given] });
    const started = Date.now();
    const check = (plansDir: string | undefined) =>
      checkStacksOffline(outdir, { stacks: requested ? [...new Set(requested)] : undefined, planJsonDir: plansDir, onProgress: (line) => io.err(`${line}\n`) });
    // The plans are written to the staging directory; report them where they are after the swap.
    const results =
      target === undefined
        ? await check(undefined)
        : await writeOutputDirectoryAsync(target, async (staging) =>
            (await check(staging)).map((r) => (r.planJsonPath === undefined ? r : { ...r, planJsonPath: join(target.path, basename(r.planJsonPath)) })),
          );
    const summary = {
      ok: results.filter((r) => r.status === 'ok').length,
      failed: results.filter((r) => r.status === 'failed').length,
    };
    if (args.switches.has('json')) {
      io.out(`${JSON.stringify({ stacks: results, summary }, null, 2)}\n`);
    } else {
      const width = Math.max(0, ...results.map((r) => r.stack.length));
      for (const result of results) io.out(`${result.status.padEnd(8)} ${result.stack.padEnd(width)}   ${describe(result)}\n`);
      io.out(`${summary.ok} ok, ${summary.failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
    return summary.failed > 0 ? 1 : 0;
  },
};
