/** `stagecraft readiness`: seed 004's production-readiness checklist per environment, read from the synthesized stacks. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { environmentViews, evaluateReadiness, EnvironmentReadiness, outcomeText, STATUS_MARKS } from '../../readiness/engine';
import { renderRunbooks, runbooksOf } from '../../readiness/runbooks';
import { ALL_ITEMS } from '../../readiness/items';
import { READINESS_SECTIONS } from '../../readiness/types';
import { loadSynthesizedEnvironments } from '../../stacks/environment-synthesis';
import { single } from '../args';
import { Command, FROM_FLAG, JSON_FLAG } from '../command';

const COMMAND = 'stagecraft readiness';

/** The text checklist of one environment: one line per item, grouped by section. */
export function renderReadiness(result: EnvironmentReadiness): string {
  const lines = [`${result.environment} (${result.stage ?? 'stage unknown'}): ${result.ready ? 'ready' : 'NOT ready'}`];
  for (const section of READINESS_SECTIONS) {
    const items = result.items.filter((i) => i.section === section);
    if (items.length === 0) continue;
    lines.push(`  ${section}`);
    for (const item of items) lines.push(`    ${STATUS_MARKS[item.outcome.status]} ${item.id.padEnd(6)} ${item.title}\n        ${outcomeText(item.outcome)}`);
  }
  const c = result.counts;
  lines.push(`  ${c.held} held, ${c.missing} missing, ${c['not-applicable']} not applicable, ${c['not-infrastructure']} not infrastructure`);
  return `${lines.join('\n')}\n`;
}

export const readinessCommand: Command = {
  name: 'readiness',
  summary: 'Production-readiness checklist (seed 004) per environment, read from the synthesized stacks',
  usage: 'readiness [--env <name-or-path>]... [--from <dir>] [--runbooks <dir>] [--json]',
  flags: [
    { name: 'env', takesValue: true, repeatable: true, valueName: '<name-or-path>', description: 'this environment only (default: every environment)' },
    FROM_FLAG,
    {
      name: 'runbooks',
      takesValue: true,
      valueName: '<dir>',
      description: "also write <dir>/<environment>.md: runbooks for the stage's top failure scenarios, with its alarms and resources",
    },
    JSON_FLAG,
  ],
  details: [
    `${ALL_ITEMS.length} items; each line is one of:`,
    `  ${STATUS_MARKS.held} held by the stacks (and how)    ${STATUS_MARKS.missing} missing although it applies at this stage`,
    `  ${STATUS_MARKS['not-applicable']} not applicable at this stage    ${STATUS_MARKS['not-infrastructure']} cannot be held by infrastructure (and what to do instead)`,
    'Items read the synthesized stacks (cdk.tf.json), never the environment YAML: what is reported is what deploys.',
    'The page docs/readiness.md lists the items and what each stage holds.',
    '--runbooks covers region loss, database failover, cache loss, queue backlog and a bad deploy, as far as the',
    'stage has them: what the platform does by itself, the alarms that fire, the commands to run.',
    'Exit code: 0 when no applicable item is missing, 1 otherwise, 2 on bad input.',
  ].join('\n'),
  async run(args, io) {
    const { sized, synthesis } = loadSynthesizedEnvironments(COMMAND, args.values.env ?? [], {
      cwd: io.cwd,
      from: single(args, 'from'),
      progress: (line) => io.err(`${line}\n`),
    });
    const results = evaluateReadiness(
      synthesis,
      sized.map((s) => s.environment.name),
    );
    const runbookDir = single(args, 'runbooks');
    if (runbookDir !== undefined) {
      const dir = resolve(io.cwd, runbookDir);
      mkdirSync(dir, { recursive: true });
      for (const view of environmentViews(
        synthesis,
        results.map((r) => r.environment),
      )) {
        writeFileSync(join(dir, `${view.name}.md`), renderRunbooks(view, runbooksOf(view)));
      }
      io.err(`wrote ${results.length} runbook page(s) to ${runbookDir}\n`);
    }
    if (args.switches.has('json')) {
      io.out(`${JSON.stringify({ environments: results }, null, 2)}\n`);
    } else {
      for (const result of results) io.out(renderReadiness(result));
      const notReady = results.filter((r) => !r.ready).map((r) => r.environment);
      io.out(
        `${results.length - notReady.length} of ${results.length} environments ready${notReady.length > 0 ? `; not ready: ${notReady.join(', ')}` : ''}\n`,
      );
    }
    return results.every((r) => r.ready) ? 0 : 1;
  },
};
