/** `stagecraft check`: the guardrails (policies/) over a synthesis, with suppressions and levels. */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { UserInputError } from '../../config/errors';
import { environmentFiles, loadEnvironments } from '../../config/load';
import { checkSynthesis, CheckResult, failsAt } from '../../policies/engine';
import { ALL_RULES } from '../../policies/rules';
import { stackViews, Synthesis } from '../../synthesis/stack-views';
import { Finding, Level, RULE_FAMILIES } from '../../policies/types';
import { sarifLog } from '../../policies/sarif';
import { single } from '../args';
import { Command, Io, JSON_FLAG } from '../command';
import { readSynthesis } from '../../synthesis/read';
import { synthesizeEnvironments } from '../../stacks/synthesize';

const COMMAND = 'stagecraft check';
/** Written into SARIF as the tool's version. */
const STAGECRAFT_VERSION = '0.1.0';
const LEVELS: readonly Level[] = ['error', 'warning'];

/** Findings and suppressions of one environment, for the summary. */
export interface EnvironmentSummary {
  readonly name: string;
  readonly stage?: string;
  readonly stacks: number;
  readonly errors: number;
  readonly warnings: number;
  readonly suppressed: number;
}

export function summarizeByEnvironment(synthesis: Synthesis, result: CheckResult, environments?: readonly string[]): EnvironmentSummary[] {
  const views = stackViews(synthesis).filter((v) => environments === undefined || (v.environment !== undefined && environments.includes(v.environment)));
  const names = [...new Set(views.map((v) => v.environment ?? '(none)'))].sort();
  const envOf = new Map(views.map((v) => [v.name, v.environment ?? '(none)']));
  const count = (list: readonly Finding[], env: string, level?: Level): number =>
    list.filter((f) => envOf.get(f.stack) === env && (level === undefined || f.level === level)).length;
  return names.map((name) => ({
    name,
    stage: views.find((v) => v.environment === name)?.stage,
    stacks: views.filter((v) => (v.environment ?? '(none)') === name).length,
    errors: count(result.findings, name, 'error'),
    warnings: count(result.findings, name, 'warning'),
    suppressed: count(result.suppressed, name),
  }));
}

function findingLine(f: Finding): string {
  return `${f.level.padEnd(7)} ${f.stack} ${f.address} ${f.ruleId} ${f.ruleName}: ${f.message}\n`;
}

/** The synthesis to check: the one in --out, or a fresh one (into --out when it does not exist yet, else a temporary directory). */
function obtainSynthesis(out: string | undefined, selectors: readonly string[], io: Io): { synthesis: Synthesis; dir?: string; environments?: string[] } {
  const wanted = selectors.length > 0 ? loadEnvironments(environmentFiles(selectors, io.cwd), io.cwd) : undefined;
  const names = wanted?.map((e) => e.name);
  if (out !== undefined && existsSync(resolve(io.cwd, out))) {
    const dir = resolve(io.cwd, out);
    const synthesis = readSynthesis(dir, { command: COMMAND, flag: '--out', given: out });
    if (names) {
      const present = new Set(stackViews(synthesis).map((v) => v.environment));
      const missing = names.filter((n) => !present.has(n));
      if (missing.length > 0) {
        throw new UserInputError(
          missing.map((n) => ({
            file: COMMAND,
            path: '--env',
            message: `${n} has no stacks in ${out}; run \`stagecraft synth --out ${out}\` first, or omit --out`,
          })),
        );
      }
    }
    return { synthesis, dir, environments: names };
  }
  const environments = wanted ?? loadEnvironments(environmentFiles([], io.cwd), io.cwd);
  const temporary = out === undefined ? mkdtempSync(join(tmpdir(), 'stagecraft-check-')) : undefined;
  const dir = out === undefined ? join(temporary as string, 'cdktf.out') : resolve(io.cwd, out);
  try {
    io.err(`synthesizing ${environments.length} environment(s) into ${out === undefined ? 'a temporary directory' : out}\n`);
    synthesizeEnvironments(environments, { outdir: dir, stateDir: io.cwd, cwd: io.cwd, flag: { command: COMMAND, flag: '--out' } });
    return {
      synthesis: readSynthesis(dir, { command: COMMAND, flag: '--out', given: out ?? dir }),
      dir: out === undefined ? undefined : dir,
      environments: names,
    };
  } finally {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

/** Where `--sarif` may write: a file whose directory exists, not a directory. */
function sarifTarget(given: string | undefined, io: Io): string | undefined {
  if (given === undefined) return undefined;
  const problem = (message: string) => new UserInputError([{ file: COMMAND, path: '--sarif', message }]);
  if (given.trim() === '') throw problem('a file name is required; received an empty value');
  const path = resolve(io.cwd, given);
  if (existsSync(path) && statSync(path).isDirectory()) throw problem(`${given} is a directory; give a file name such as stagecraft.sarif`);
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) throw problem(`${given}: the directory ${dirname(given)} does not exist`);
  return path;
}

/** Writes the SARIF log next to its final name first, then renames it: a failure never leaves half a file. */
function writeSarif(path: string, synthesis: Synthesis, dir: string | undefined, result: CheckResult, io: Io): void {
  const synthesisUri = dir === undefined ? 'cdktf.out' : relative(io.cwd, dir).split('\\').join('/') || '.';
  const stackText = (stack: string): string | undefined => {
    if (dir === undefined) return JSON.stringify(synthesis.stacks.find((s) => s.name === stack)?.json ?? {}, null, 2);
    const file = join(dir, 'stacks', stack, 'cdk.tf.json');
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };
  const log = sarifLog(result.findings, result.suppressed, { synthesisUri, stackText, version: STAGECRAFT_VERSION });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(log, null, 2)}\n`);
  renameSync(temporary, path);
  io.err(`wrote SARIF 2.1.0 (${log.runs[0].results.length} results, ${log.runs[0].tool.driver.rules.length} rules) to ${relative(io.cwd, path) || path}\n`);
}

function familyTable(): string {
  return RULE_FAMILIES.map((family) => {
    const rules = ALL_RULES.filter((r) => r.family === family);
    return `  ${family.padEnd(32)} ${String(rules.length).padStart(2)} rules  ${rules[0]?.id.replace(/-\d+$/, '-*') ?? ''}`;
  }).join('\n');
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'Run the guardrails over synthesized stacks: encryption, exposure, IMDSv2, backups, logging, TLS, stage rules, deploy preflight',
  usage: 'check [--out <dir>] [--env <name-or-path>]... [--level error|warning] [--json] [--sarif <file>]',
  flags: [
    {
      name: 'out',
      takesValue: true,
      valueName: '<dir>',
      description: 'synthesis to check; synthesized there first when it does not exist (default: a fresh synthesis in a temporary directory)',
    },
    {
      name: 'env',
      takesValue: true,
      repeatable: true,
      valueName: '<name-or-path>',
      description: "check only this environment's stacks (default: every environment)",
    },
    { name: 'level', takesValue: true, valueName: '<error|warning>', description: 'lowest level that fails the check (default: error)' },
    JSON_FLAG,
    {
      name: 'sarif',
      takesValue: true,
      valueName: '<file>',
      description: 'also write the findings as SARIF 2.1.0 for GitHub code scanning (suppressed ones as suppressions)',
    },
  ],
  details: [
    `${ALL_RULES.length} rules in ${RULE_FAMILIES.length} families (pack "stagecraft"):`,
    familyTable(),
    '',
    'Each finding line: <level> <stack> <resource address> <rule id> <rule name>: <message>.',
    'A rule that needs a value Terraform resolves only at apply time reports "could not evaluate";',
    'that is a finding too, never a pass. Suppress a finding in code, next to what it excuses:',
    '  suppress(resource, MqBrokerCustomerManagedKey, "why the finding does not apply")   // policies/suppress.ts',
    'The rule is passed as the rule object (policies/rules/<family>/<Rule>.ts); a suppression without a reason exits 2.',
    'Exit code: 0 when no unsuppressed finding is at or above --level, 1 otherwise, 2 on bad input.',
  ].join('\n'),
  async run(args, io) {
    const levelText = single(args, 'level') ?? 'error';
    if (!LEVELS.includes(levelText as Level)) {
      throw new UserInputError([{ file: COMMAND, path: '--level', message: `"${levelText}" is not a level; allowed: ${LEVELS.join(', ')}` }]);
    }
    const level = levelText as Level;
    const sarifPath = sarifTarget(single(args, 'sarif'), io);
    const { synthesis, dir, environments } = obtainSynthesis(single(args, 'out'), args.values.env ?? [], io);
    const started = Date.now();
    const result = checkSynthesis(synthesis, {
      stackFilter: environments ? (s) => s.environment !== undefined && environments.includes(s.environment) : undefined,
    });
    const ms = Date.now() - started;
    const failing = result.findings.filter((f) => failsAt(f, level));
    const byEnvironment = summarizeByEnvironment(synthesis, result, environments);
    if (sarifPath) writeSarif(sarifPath, synthesis, dir, result, io);
    if (args.switches.has('json')) {
      io.out(
        `${JSON.stringify(
          {
            synthesis: dir ?? null,
            level,
            rules: result.rules,
            stacks: result.stacks,
            counts: result.counts,
            environments: byEnvironment,
            findings: result.findings,
            suppressed: result.suppressed,
            milliseconds: ms,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      for (const finding of result.findings) io.out(findingLine(finding));
      for (const s of result.suppressed) io.out(`${'suppressed'.padEnd(7)} ${s.stack} ${s.address} ${s.ruleId} ${s.ruleName}: ${s.suppressedBecause}\n`);
      for (const e of byEnvironment) {
        io.out(`${e.name} (${e.stage ?? 'stage unknown'}): ${e.stacks} stacks, ${e.errors} errors, ${e.warnings} warnings, ${e.suppressed} suppressed\n`);
      }
      const errors = result.findings.filter((f) => f.level === 'error').length;
      io.out(
        `checked ${result.stacks} stacks with ${result.rules} rules in ${ms} ms: ${errors} errors, ${result.findings.length - errors} warnings, ` +
          `${result.suppressed.length} suppressed (${result.counts.compliant} compliant, ${result.counts['not-applicable']} not applicable)\n`,
      );
    }
    return failing.length > 0 ? 1 : 0;
  },
};
