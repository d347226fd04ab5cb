/**
 * Runs a pack over a synthesis: every rule on every resource of its types (or on every stack),
 * suppressions applied. Suppressions are read from each resource's `//` metadata; a malformed
 * one (no rule id, no reason, an unknown rule) is input the user must fix.
 */
import { Problem, UserInputError } from '../config/errors';
import { STAGECRAFT_PACK } from './packs/stagecraft';
import { ALL_RULES } from './rules';
import { stackViews, Synthesis } from '../synthesis/stack-views';
import { asSuppression, rawSuppressions } from './suppress';
import { Finding, Level, Outcome, OutcomeStatus, Pack, ResourceView, Rule, StackView, Suppression } from './types';

/** What one run checked and found. */
export interface CheckResult {
  /** Unsuppressed findings, errors first, then by stack and address. */
  readonly findings: readonly Finding[];
  /** Findings a suppression excuses, with its reason. */
  readonly suppressed: readonly Finding[];
  /** Outcomes per status, over every rule and target. */
  readonly counts: Readonly<Record<OutcomeStatus, number>>;
  readonly stacks: number;
  readonly rules: number;
}

export interface CheckOptions {
  /** @default STAGECRAFT_PACK */
  readonly pack?: Pack;
  /** @default ALL_RULES */
  readonly rules?: readonly Rule[];
  /** Only stacks whose name passes. @default every stack */
  readonly stackFilter?: (stack: StackView) => boolean;
}

const LEVEL_ORDER: Record<Level, number> = { error: 0, warning: 1 };

/** Every malformed suppression in the synthesis, as problems (exit 2). */
export function suppressionProblems(synthesis: Synthesis, rules: readonly Rule[] = ALL_RULES): Problem[] {
  const known = new Set(rules.map((r) => r.id));
  const problems: Problem[] = [];
  for (const view of stackViews(synthesis)) {
    for (const resource of view.resources()) {
      for (const entry of rawSuppressions(resource)) {
        const where = { file: view.name, path: resource.address };
        const body = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
        const ruleId = typeof body.ruleId === 'string' ? body.ruleId : undefined;
        if (!ruleId) {
          problems.push({ ...where, message: `a suppression has no rule id; received ${JSON.stringify(entry)}` });
        } else if (!known.has(ruleId)) {
          problems.push({ ...where, message: `suppression of unknown rule "${ruleId}"; rule ids look like SC-EAR-1 (see \`stagecraft check --help\`)` });
        }
        if (typeof body.reason !== 'string' || body.reason.trim() === '') {
          problems.push({ ...where, message: `suppression of ${ruleId ?? '(no rule id)'} has no reason; write why the finding does not apply` });
        }
      }
    }
  }
  return problems;
}

function suppressionsOf(resource: ResourceView | undefined): Suppression[] {
  return resource
    ? rawSuppressions(resource)
        .map(asSuppression)
        .filter((s): s is Suppression => s !== undefined)
    : [];
}

/** Runs the pack's rules over the synthesis. Throws UserInputError on malformed suppressions. */
export function checkSynthesis(synthesis: Synthesis, options: CheckOptions = {}): CheckResult {
  const pack = options.pack ?? STAGECRAFT_PACK;
  const entries = new Map(pack.rules.map((entry) => [entry.rule.id, entry]));
  const rules = (options.rules ?? ALL_RULES).filter((r) => entries.has(r.id));
  // Suppressions name any known rule, also when this run checks only some of them.
  const problems = suppressionProblems(synthesis, [...ALL_RULES, ...(options.rules ?? [])]);
  if (problems.length > 0) throw new UserInputError(problems);

  const counts: Record<OutcomeStatus, number> = { compliant: 0, 'not-applicable': 0, 'non-compliant': 0, 'could-not-evaluate': 0 };
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const views = stackViews(synthesis).filter(options.stackFilter ?? (() => true));

  const record = (rule: Rule, stack: StackView, outcome: Outcome, resource: ResourceView | undefined): void => {
    counts[outcome.status]++;
    if (outcome.status !== 'non-compliant' && outcome.status !== 'could-not-evaluate') return;
    const entry = entries.get(rule.id)!;
    const suppression = suppressionsOf(resource).find((s) => s.ruleId === rule.id);
    const finding: Finding = {
      stack: stack.name,
      address: resource?.address ?? '(stack)',
      ruleId: rule.id,
      ruleName: rule.name,
      family: rule.family,
      level: entry.level,
      status: outcome.status,
      message: outcome.status === 'could-not-evaluate' ? `could not evaluate: ${outcome.message}` : outcome.message,
      ...(resource?.constructPath ? { constructPath: resource.constructPath } : {}),
      ...(suppression ? { suppressedBecause: suppression.reason } : {}),
    };
    (suppression ? suppressed : findings).push(finding);
  };

  for (const stack of views) {
    const byAddress = new Map(stack.resources().map((r) => [r.address, r]));
    for (const rule of rules) {
      if (rule.scope === 'resource') {
        for (const type of rule.resourceTypes) {
          for (const resource of stack.resources(type)) record(rule, stack, rule.evaluate(resource, stack), resource);
        }
      } else {
        for (const outcome of rule.evaluate(stack)) record(rule, stack, outcome, outcome.address ? byAddress.get(outcome.address) : undefined);
      }
    }
  }
  const order = (a: Finding, b: Finding): number =>
    LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
    a.stack.localeCompare(b.stack) ||
    a.address.localeCompare(b.address) ||
    a.ruleId.localeCompare(b.ruleId, undefined, { numeric: true });
  return { findings: findings.sort(order), suppressed: suppressed.sort(order), counts, stacks: views.length, rules: rules.length };
}

/** True when a finding fails a check run at `level` (`warning` fails on warnings too). */
export function failsAt(finding: Finding, level: Level): boolean {
  return LEVEL_ORDER[finding.level] <= LEVEL_ORDER[level];
}
