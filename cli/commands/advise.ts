/** `stagecraft advise`: the seed 004 Scaling Decision Cheat Sheet applied to observed signals, and whether to move to the next stage. */
import { Environment } from '../../config/environment';
import { UserInputError } from '../../config/errors';
import { environmentFiles, loadEnvironments } from '../../config/load';
import { describeStageRange, formatCount, Stage } from '../../config/stages';
import { graduation, Graduation } from '../../advice/graduation';
import { hasSignals, loadMetricsFile, Metrics, SIGNAL_FIELDS } from '../../advice/metrics';
import { evaluateRules, RuleOutcome } from '../../advice/rules';
import { sizeEnvironments } from '../../sizing/blueprint';
import { Blueprint } from '../../sizing/blueprint-types';
import { single } from '../args';
import { Command, JSON_FLAG } from '../command';
import { loadStacks } from '../../stacks/stack-source';

const COMMAND = 'stagecraft advise';

/** The advice for one set of signals. */
export interface Advice {
  readonly environment?: string;
  readonly stage: Stage;
  readonly mau?: number;
  readonly signals: Metrics;
  readonly rules: readonly RuleOutcome[];
  readonly graduation: Graduation;
  readonly notes: readonly string[];
}

export function advise(stage: Stage, mau: number | undefined, signals: Metrics, blueprint?: Blueprint): Pick<Advice, 'rules' | 'graduation'> {
  const rules = evaluateRules(signals, { stage, blueprint });
  return { rules, graduation: graduation(stage, mau, rules) };
}

function formatAdvice(advice: Advice): string {
  const lines: string[] = [];
  const mau = advice.mau === undefined ? 'MAU unknown' : `${formatCount(advice.mau)} MAU`;
  lines.push(`${advice.environment ?? 'signals'} (${advice.stage}, ${mau}; seed 004 ${advice.stage}: ${describeStageRange(advice.stage)})`);
  lines.push('');
  lines.push('Scaling Decision Cheat Sheet (seed 004):');
  const width = Math.max(...advice.rules.map((o) => o.rule.signal.length));
  for (const o of advice.rules) {
    const status = o.status === 'fires' ? 'FIRES' : o.status === 'holds' ? 'holds' : '  -  ';
    lines.push(`  ${status}  ${o.rule.signal.padEnd(width)}  ${o.observed ?? 'not observed'}`);
    if (o.status === 'fires') {
      lines.push(`         do:    ${o.rule.action} — in Stagecraft: ${o.howTo}`);
      lines.push(`         don't: ${o.rule.dont}`);
    }
  }
  lines.push('');
  const g = advice.graduation;
  const headline = g.verdict === 'move' ? `move to ${g.to}` : g.verdict === 'prepare' ? `stay in ${g.from}, prepare ${g.to}` : `stay in ${g.from}`;
  lines.push(`graduation: ${headline}`);
  for (const reason of g.reasons) lines.push(`  - ${reason}`);
  if (advice.notes.length > 0) {
    lines.push('');
    lines.push('notes:');
    for (const note of advice.notes) lines.push(`  - ${note}`);
  }
  return lines.join('\n') + '\n';
}

export const adviseCommand: Command = {
  name: 'advise',
  summary: 'Apply the seed 004 Scaling Decision Cheat Sheet to observed signals and say whether to move to the next stage',
  usage:
    'advise (--metrics <file.json> [--env <name-or-path>] | --env <name-or-path> --from-cloudwatch [--metrics <file.json>]) [--window-hours <n>] [--out <dir>] [--json]',
  flags: [
    { name: 'metrics', takesValue: true, valueName: '<file.json>', description: `observed signals: ${SIGNAL_FIELDS.join(', ')} (and optionally stage, mau)` },
    { name: 'env', takesValue: true, valueName: '<name-or-path>', description: 'environment the signals come from: its stage, workload.mau and sizes' },
    { name: 'from-cloudwatch', takesValue: false, description: 'read the signals from CloudWatch (AWS credentials from the usual sources); needs --env' },
    { name: 'window-hours', takesValue: true, valueName: '<n>', description: 'hours of CloudWatch history to read (default: 24)' },
    {
      name: 'out',
      takesValue: true,
      valueName: '<dir>',
      description: 'synthesis whose alarms name the metrics to read (default: cdktf.out, else synthesized in-process)',
    },
    JSON_FLAG,
  ],
  details: [
    'Each cheat-sheet row fires, holds, or is not observed (a missing signal is never a pass). A fired row',
    'prints the action, how to take it in Stagecraft at this stage, and what not to do. The environment should',
    'move to the next stage when its MAU is above the stage ceiling (seed 004), or when a fired row needs a',
    'component the stage does not have (e.g. read replicas on traction); within 80% of the ceiling, prepare.',
    'With --from-cloudwatch, the metrics are those of the alarms and data stores in the synthesized stacks;',
    'values in --metrics override what CloudWatch returns. Largest table rows and deploy conflicts are not',
    'in CloudWatch: give them in --metrics.',
  ].join('\n'),
  async run(args, io) {
    const metricsFile = single(args, 'metrics');
    const envSelector = single(args, 'env');
    const fromCloudwatch = args.switches.has('from-cloudwatch');
    const problems: Array<{ file: string; path: string; message: string }> = [];
    if (metricsFile === undefined && !fromCloudwatch)
      problems.push({ file: COMMAND, path: 'arguments', message: 'give --metrics <file.json>, or --env <name-or-path> with --from-cloudwatch' });
    if (fromCloudwatch && envSelector === undefined)
      problems.push({ file: COMMAND, path: 'arguments', message: '--from-cloudwatch needs --env <name-or-path>: the environment says which metrics to read' });
    const windowText = single(args, 'window-hours');
    const windowHours = windowText === undefined ? 24 : Number(windowText);
    if (!Number.isInteger(windowHours) || windowHours < 3 || windowHours > 24 * 63) {
      problems.push({ file: COMMAND, path: '--window-hours', message: `must be a whole number of hours from 3 to 1512 (63 days); received "${windowText}"` });
    }
    if (problems.length > 0) throw new UserInputError(problems);

    const fileMetrics = metricsFile === undefined ? undefined : loadMetricsFile(metricsFile, io.cwd);
    let environment: Environment | undefined;
    let blueprint: Blueprint | undefined;
    if (envSelector !== undefined) {
      [environment] = loadEnvironments(environmentFiles([envSelector], io.cwd), io.cwd);
      [{ blueprint }] = sizeEnvironments([environment]);
    }
    const stage = environment?.stage ?? fileMetrics?.stage;
    if (stage === undefined) {
      throw new UserInputError([{ file: metricsFile!, path: 'stage', message: 'is required without --env (the stage the signals come from)' }]);
    }
    if (environment && fileMetrics?.stage !== undefined && fileMetrics.stage !== environment.stage) {
      throw new UserInputError([
        {
          file: metricsFile!,
          path: 'stage',
          message: `"${fileMetrics.stage}" disagrees with ${environment.sourceFile}, which runs ${environment.stage}; drop it or match it`,
        },
      ]);
    }

    const notes: string[] = [];
    let signals: Metrics = { ...(fileMetrics ?? {}) };
    if (fromCloudwatch && environment) {
      // Loaded only here: the AWS SDK takes ~0.3 s to import, and no other command needs it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { metricTargets, readSignals } = require('../../advice/cloudwatch') as typeof import('../../advice/cloudwatch');
      const [stacks] = loadStacks([environment], { outdir: single(args, 'out') ?? 'cdktf.out', cwd: io.cwd, warn: (line) => io.err(`${line}\n`) });
      const read = await readSignals(metricTargets(stacks.stacks), { windowHours });
      notes.push(...read.notes);
      for (const [signal, what] of Object.entries(read.observed)) notes.push(`${signal} from CloudWatch: ${what}`);
      // Values from the metrics file win: the operator knows better than a 24-hour window.
      signals = {
        ...read.metrics,
        ...(fileMetrics ?? {}),
        db: fileMetrics?.db || read.metrics.db ? { ...(read.metrics.db ?? {}), ...(fileMetrics?.db ?? {}) } : undefined,
      };
    }
    if (!hasSignals(signals)) {
      throw new UserInputError([
        {
          file: metricsFile ?? COMMAND,
          path: '(root)',
          message: `has no signals; give at least one of ${SIGNAL_FIELDS.join(', ')}${fromCloudwatch ? ' (CloudWatch returned none)' : ''}`,
        },
      ]);
    }
    const mau = fileMetrics?.mau ?? environment?.config.workload?.mau;
    const result: Advice = { environment: environment?.name, stage, mau, signals, notes, ...advise(stage, mau, signals, blueprint) };
    if (args.switches.has('json')) {
      const document = {
        ...result,
        rules: result.rules.map((o) => ({
          id: o.rule.id,
          signal: o.rule.signal,
          action: o.rule.action,
          dont: o.rule.dont,
          status: o.status,
          observed: o.observed ?? null,
          availableFrom: o.availableFrom ?? null,
          howTo: o.howTo ?? null,
        })),
      };
      io.out(`${JSON.stringify(document, null, 2)}\n`);
    } else {
      io.out(formatAdvice(result));
    }
    return 0;
  },
};
