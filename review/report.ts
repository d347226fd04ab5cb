/** Assembles the review report from resource changes, guardrail results and an optional cost estimator. */
import { checkSynthesis } from '../policies/engine';
import { Synthesis } from '../synthesis/stack-views';
import { applyRiskEntries, dataLossEntries, securityEntries } from './classify';
import { CostEstimator, NO_COST_CATALOG } from './cost';
import { releaseEntries } from './releases';
import { Report, StackChanges } from './types';

/** The sections `--fail-on` can turn into exit code 3. */
export const FAIL_ON_SECTIONS = ['data-loss', 'security', 'refused'] as const;
export type FailOnSection = (typeof FAIL_ON_SECTIONS)[number];

export interface ReportInput {
  readonly mode: Report['mode'];
  readonly base: string;
  readonly head: string;
  readonly stacks: readonly StackChanges[];
  /** The head synthesis the guardrails run on; null when there is none (a plan alone). */
  readonly headSynthesis: Synthesis | null;
  /** The base synthesis, for the cost estimator. */
  readonly baseSynthesis?: Synthesis | null;
  /** @default no estimator: cost is null */
  readonly cost?: CostEstimator;
  readonly notes?: readonly string[];
}

export function buildReport(input: ReportInput): Report {
  const changes = input.stacks.flatMap((s) => s.changes);
  const count = (action: string) => changes.filter((c) => c.action === action).length;
  const dataLoss = dataLossEntries(changes);
  const applyRisks = applyRiskEntries(changes);
  const security = securityEntries(changes);
  const guardrails = input.headSynthesis ? checkSynthesis(input.headSynthesis) : null;
  const cost = input.cost && input.baseSynthesis && input.headSynthesis ? input.cost.estimate(input.baseSynthesis, input.headSynthesis) : null;
  return {
    mode: input.mode,
    base: input.base,
    head: input.head,
    summary: {
      create: count('create'),
      update: count('update'),
      replace: count('replace'),
      delete: count('delete'),
      stacksChanged: input.stacks.length,
      dataLoss: dataLoss.length,
      refused: applyRisks.filter((r) => r.kind === 'refused').length,
      downtime: applyRisks.filter((r) => r.kind !== 'refused').length,
      security: security.length,
      findings: guardrails ? guardrails.findings.length : null,
    },
    dataLoss,
    applyRisks,
    security,
    releases: releaseEntries(changes),
    stacks: input.stacks,
    cost,
    ...(cost ? {} : { costNote: input.cost ? 'not available: pricing needs the base and head syntheses, and a plan is neither' : NO_COST_CATALOG }),
    findings: guardrails ? guardrails.findings : null,
    suppressedFindings: guardrails ? guardrails.suppressed.length : 0,
    notes: input.notes ?? [],
  };
}

/** True when the report changes anything. */
export function hasChanges(report: Report): boolean {
  return report.stacks.length > 0;
}

/** The `--fail-on` sections that have entries. */
export function failingSections(report: Report, failOn: readonly FailOnSection[]): FailOnSection[] {
  const entries: Record<FailOnSection, number> = {
    'data-loss': report.dataLoss.length,
    security: report.security.length,
    refused: report.applyRisks.filter((r) => r.kind === 'refused').length,
  };
  return failOn.filter((section) => entries[section] > 0);
}

/** The report as JSON: the full argument maps of each change are left out, their diffs stay. */
export function reportJson(report: Report): unknown {
  return {
    ...report,
    stacks: report.stacks.map((s) => ({ ...s, changes: s.changes.map(({ before: _before, after: _after, ...rest }) => rest) })),
  };
}
