/**
 * Should the environment move to the next stage? Two kinds of evidence, both from seed 004:
 * MAU against the stage's ceiling ("Growth Stages Overview"), and cheat-sheet signals whose
 * action the current stage's topology cannot take (e.g. "add read replica" on traction).
 */
import { describeStageRange, formatCount, isAtLeast, nextStage, Stage, STAGE_MAU_CEILING } from '../config/stages';
import { RuleOutcome } from './rules';

/** Share of the stage's MAU ceiling from which to prepare the move. */
export const PREPARE_AT_SHARE_OF_CEILING = 0.8;

export interface Graduation {
  /** move: go to `to` now; prepare: plan it, the ceiling is near; stay: the stage holds. */
  readonly verdict: 'move' | 'prepare' | 'stay';
  readonly from: Stage;
  readonly to?: Stage;
  readonly reasons: readonly string[];
}

export function graduation(stage: Stage, mau: number | undefined, outcomes: readonly RuleOutcome[]): Graduation {
  const next = nextStage(stage);
  const ceiling = STAGE_MAU_CEILING[stage];
  const reasons: string[] = [];
  let move = false;

  if (mau !== undefined && mau > ceiling) {
    move = true;
    reasons.push(`MAU ${formatCount(mau)} is above ${stage}'s ceiling of ${formatCount(ceiling)} (seed 004: ${stage} is ${describeStageRange(stage)})`);
  }
  for (const outcome of outcomes) {
    if (outcome.status === 'fires' && outcome.availableFrom && !isAtLeast(stage, outcome.availableFrom)) {
      move = true;
      reasons.push(`"${outcome.rule.signal}" (${outcome.observed}) calls for "${outcome.rule.action}", which Stagecraft offers from ${outcome.availableFrom}`);
    }
  }
  if (!move && mau !== undefined && Number.isFinite(ceiling) && mau >= ceiling * PREPARE_AT_SHARE_OF_CEILING) {
    const share = Math.round((mau / ceiling) * 100);
    reasons.push(`MAU ${formatCount(mau)} is ${share}% of ${stage}'s ceiling of ${formatCount(ceiling)}: plan the move before the ceiling`);
    return { verdict: 'prepare', from: stage, to: next, reasons };
  }
  if (!move) {
    if (mau === undefined) reasons.push('MAU unknown (give mau in the metrics or a workload in the environment): judged on the signals alone');
    else reasons.push(`MAU ${formatCount(mau)} is within ${stage} (${describeStageRange(stage)}) and every fired signal has an action inside the stage`);
    return { verdict: 'stay', from: stage, reasons };
  }
  if (!next) {
    reasons.push('massive is the last stage: grow within it (more regions, nodes and shards)');
    return { verdict: 'stay', from: stage, reasons };
  }
  return { verdict: 'move', from: stage, to: next, reasons };
}
