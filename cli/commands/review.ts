/** `stagecraft review`: an offline review report of two syntheses, a real plan, or a stage change. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserInputError } from '../../config/errors';
import { MAX_PLAN_BYTES, readInputFile } from '../../config/input-file';
import { Stage, STAGES } from '../../config/stages';
import { Synthesis } from '../../synthesis/stack-views';
import { catalogCostEstimator } from '../../review/catalog-cost';
import { diffSyntheses } from '../../review/diff';
import { renderMarkdown } from '../../review/markdown';
import { parsePlan, planChanges, stackNameOf } from '../../review/plan';
import { buildReport, FAIL_ON_SECTIONS, FailOnSection, failingSections, hasChanges, reportJson } from '../../review/report';
import { Report } from '../../review/types';
import { ParsedArgs, single } from '../args';
import { Command, Io, JSON_FLAG } from '../command';
import { resolveSource, Source, stageSources } from '../../review/sources';
import { readSynthesis } from '../../synthesis/read';

const COMMAND = 'stagecraft review';
const FORMATS = ['md', 'json'] as const;

function fail(path: string, message: string): never {
  throw new UserInputError([{ file: COMMAND, path, message }]);
}

/** The `--fail-on` sections, every unknown one reported at once. */
export function parseFailOn(values: readonly string[]): FailOnSection[] {
  const sections = values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = sections.filter((s) => !(FAIL_ON_SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new UserInputError(
      unknown.map((s) => ({ file: COMMAND, path: '--fail-on', message: `"${s}" is not a section; allowed: ${FAIL_ON_SECTIONS.join(', ')}` })),
    );
  }
  return [...new Set(sections)] as FailOnSection[];
}

function parseStage(flag: string, value: string | undefined): Stage | undefined {
  if (value === undefined) return undefined;
  if (!(STAGES as readonly string[]).includes(value)) fail(flag, `"${value}" is not a stage; allowed: ${STAGES.join(', ')}`);
  return value as Stage;
}

/** Which of the three ways the command was called, or why the flags do not make one. */
function mode(args: ParsedArgs): 'syntheses' | 'plan' | 'stages' {
  const has = (flag: string) => args.values[flag] !== undefined;
  if (has('plan')) {
    const extra = ['base', 'from-stage', 'to-stage'].filter(has);
    if (extra.length > 0)
      fail('arguments', `--plan does not go with ${extra.map((f) => `--${f}`).join(', ')}; give --plan (and optionally --head <synthesis dir>) alone`);
    return 'plan';
  }
  if (has('to-stage') || has('from-stage')) {
    const extra = ['base', 'head'].filter(has);
    if (extra.length > 0) fail('arguments', `--from-stage and --to-stage do not go with ${extra.map((f) => `--${f}`).join(', ')}`);
    if (!has('to-stage')) fail('--to-stage', "missing; give the stage to graduate to (--from-stage defaults to the environment's own)");
    const envs = args.values.env ?? [];
    if (envs.length !== 1) fail('--env', `a stage review takes exactly one environment; received ${envs.length}`);
    return 'stages';
  }
  if (!has('base') && !has('head')) fail('arguments', 'give --base and --head, or --plan, or --to-stage with --env');
  if (!has('base')) fail('--base', 'missing; --base and --head go together');
  if (!has('head')) fail('--head', 'missing; --base and --head go together');
  return 'syntheses';
}

async function planReport(args: ParsedArgs, io: Io): Promise<Report> {
  const files = args.values.plan ?? [];
  const stacks = files.map((given) => {
    const path = resolve(io.cwd, given);
    if (!existsSync(path)) fail('--plan', `${given} does not exist or is not a file`);
    const text = readInputFile(path, { file: COMMAND, path: '--plan' }, 'a `terraform show -json` file', MAX_PLAN_BYTES);
    const plan = parsePlan(text, given, { file: COMMAND, path: '--plan' });
    return planChanges(plan, stackNameOf(given));
  });
  const headGiven = single(args, 'head');
  let head: Synthesis | null = null;
  if (headGiven !== undefined) {
    const path = resolve(io.cwd, headGiven);
    if (!existsSync(path)) fail('--head', `${headGiven} does not exist; with --plan, --head names the synthesis directory the plan was made from`);
    head = readSynthesis(path, { command: COMMAND, flag: '--head', given: headGiven });
  }
  const label = files.length === 1 ? files[0] : `${files.length} plans`;
  return buildReport({
    mode: 'plan',
    base: 'current state',
    head: label,
    stacks: stacks.filter((s) => s.changes.length > 0),
    headSynthesis: head,
    cost: catalogCostEstimator(),
    notes: [
      'Actions and replacements come from the plan itself; values known only after apply are not listed.',
      ...(head
        ? []
        : [
            'Guardrails were not run: a plan carries neither lifecycle settings nor suppressions. Pass --head <synthesis dir> to check the synthesis the plan was made from.',
          ]),
    ],
  });
}

async function synthesesReport(args: ParsedArgs, io: Io): Promise<{ report: Report; sources: Source[] }> {
  const envs = args.values.env ?? [];
  const sources: Source[] = [];
  try {
    sources.push(await resolveSource(single(args, 'base') as string, '--base', envs, io));
    sources.push(await resolveSource(single(args, 'head') as string, '--head', envs, io));
  } catch (error) {
    sources.forEach((s) => s.cleanup());
    throw error;
  }
  const [base, head] = sources.map((s) => s.synthesis);
  const report = buildReport({
    mode: 'syntheses',
    base: base.label,
    head: head.label,
    stacks: diffSyntheses(base, head),
    headSynthesis: head,
    baseSynthesis: base,
    cost: catalogCostEstimator(),
    notes: ['Without a plan, replacements come from the table of arguments that force replacement (review/force-new.ts); a `terraform plan` is authoritative.'],
  });
  return { report, sources };
}

function stagesReport(args: ParsedArgs, io: Io): { report: Report; sources: Source[] } {
  const from = parseStage('--from-stage', single(args, 'from-stage'));
  const to = parseStage('--to-stage', single(args, 'to-stage')) as Stage;
  const stages = stageSources((args.values.env ?? [])[0], from, to, io);
  const report = buildReport({
    mode: 'stages',
    base: stages.base.synthesis.label,
    head: stages.head.synthesis.label,
    stacks: diffSyntheses(stages.base.synthesis, stages.head.synthesis),
    headSynthesis: stages.head.synthesis,
    baseSynthesis: stages.base.synthesis,
    cost: catalogCostEstimator(),
    notes: [
      `What graduating ${stages.environment} from ${stages.from} to ${stages.to} changes, with the stage defaults of each; stack names and regions stay the same.`,
      ...stages.notes,
      'Replacements come from the table of arguments that force replacement (review/force-new.ts).',
    ],
  });
  return { report, sources: [stages.base, stages.head] };
}

export const reviewCommand: Command = {
  name: 'review',
  summary: 'Review report of an infrastructure change: resources, data loss, security, cost, guardrails',
  usage: [
    'review --base <dir-or-git-ref> --head <dir-or-git-ref> [--env <name-or-path>]... [--format md|json] [--json] [--max-chars <n>] [--fail-on data-loss,security,refused]',
    '       review --plan <terraform show -json file>... [--head <synthesis dir>] [--format md|json] [--json] [--max-chars <n>] [--fail-on …]',
    '       review --to-stage <stage> --env <name-or-path> [--from-stage <stage>] [--format md|json] [--json] [--max-chars <n>] [--fail-on …]',
  ].join('\n'),
  flags: [
    {
      name: 'base',
      takesValue: true,
      valueName: '<dir-or-git-ref>',
      description: 'the synthesis before: a directory (cdktf.out) or a git ref, synthesized from a temporary worktree',
    },
    {
      name: 'head',
      takesValue: true,
      valueName: '<dir-or-git-ref>',
      description: 'the synthesis after; with --plan, the synthesis the plan was made from (for guardrails)',
    },
    {
      name: 'plan',
      takesValue: true,
      repeatable: true,
      valueName: '<file>',
      description: '`terraform show -json` of a plan (`stagecraft validate --plan-json-dir` writes them); the stack is the file name',
    },
    { name: 'from-stage', takesValue: true, valueName: '<stage>', description: "stage review: the stage before (default: the environment's own)" },
    { name: 'to-stage', takesValue: true, valueName: '<stage>', description: 'stage review: the stage to graduate to' },
    {
      name: 'env',
      takesValue: true,
      repeatable: true,
      valueName: '<name-or-path>',
      description: 'the environment of a stage review; with git refs, the environments to synthesize (default: all)',
    },
    { name: 'format', takesValue: true, valueName: '<md|json>', description: 'Markdown for a pull request comment (default) or JSON' },
    { ...JSON_FLAG, description: 'the same as --format json: one JSON document on stdout' },
    {
      name: 'max-chars',
      takesValue: true,
      valueName: '<n>',
      description: 'Markdown: cut the report to n characters, most important sections first (default: 65024, to fit a GitHub comment; 0: no limit)',
    },
    {
      name: 'fail-on',
      takesValue: true,
      repeatable: true,
      valueName: '<sections>',
      description: 'comma list of data-loss, security, refused: exit 3 when one of them has entries',
    },
  ],
  details: [
    'The report shows data loss first (destroyed or replaced databases, caches, buckets, volumes,',
    'queues, search, Kafka, keys, hosts); changes AWS or Kubernetes refuses at apply; replacements;',
    'security (IAM, security groups, public exposure, encryption, TLS); the images a host release',
    'changes (api: ghcr.io/acme/api:1.14.2 → 1.15.0, docs/releases.md); downtime and outages; the',
    'monthly cost difference from the price catalog; per stack every changed argument (secrets',
    'masked) with its verdict: in place, in place with downtime, replacement or refused',
    '(review/update-semantics.ts), long strings as line diffs; and the guardrail findings on the head.',
    'The Markdown fits a GitHub comment (--max-chars); docs/review.md explains it all.',
    'Progress goes to stderr, the report to stdout.',
    'Exit code: 0 nothing changes, 1 something changes, 2 bad input, 3 a --fail-on section has entries.',
  ].join('\n'),
  async run(args, io) {
    const formatGiven = single(args, 'format');
    const json = args.switches.has('json');
    if (json && formatGiven !== undefined && formatGiven !== 'json') fail('--json', `prints JSON, which --format ${formatGiven} contradicts; give one of them`);
    const format = formatGiven ?? (json ? 'json' : 'md');
    if (!(FORMATS as readonly string[]).includes(format)) fail('--format', `"${format}" is not a format; allowed: ${FORMATS.join(', ')}`);
    const maxCharsGiven = single(args, 'max-chars');
    if (maxCharsGiven !== undefined && !/^\d{1,9}$/.test(maxCharsGiven))
      fail('--max-chars', `a whole number of characters (0: no limit); received "${maxCharsGiven}"`);
    const maxChars = maxCharsGiven === undefined ? undefined : Number(maxCharsGiven) === 0 ? Number.MAX_SAFE_INTEGER : Number(maxCharsGiven);
    const failOn = parseFailOn(args.values['fail-on'] ?? []);
    const how = mode(args);
    let report: Report;
    let sources: Source[] = [];
    if (how === 'plan') report = await planReport(args, io);
    else if (how === 'stages') ({ report, sources } = stagesReport(args, io));
    else ({ report, sources } = await synthesesReport(args, io));
    sources.forEach((s) => s.cleanup());
    io.out(format === 'json' ? `${JSON.stringify(reportJson(report), null, 2)}\n` : renderMarkdown(report, maxChars === undefined ? {} : { maxChars }));
    if (failingSections(report, failOn).length > 0) return 3;
    return hasChanges(report) ? 1 : 0;
  },
};
