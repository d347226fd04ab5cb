/** The six growth stages, in order, with the MAU ceilings of seed 004. */
export const STAGES = ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'] as const;

export type Stage = (typeof STAGES)[number];

/** Upper MAU bound of each stage (seed 004, "Growth Stages Overview"); massive has none. */
export const STAGE_MAU_CEILING: Readonly<Record<Stage, number>> = {
  launch: 10_000,
  traction: 500_000,
  growth: 5_000_000,
  scale: 10_000_000,
  hyperscale: 50_000_000,
  massive: Number.POSITIVE_INFINITY,
};

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}

/** True when `stage` is `from` or any later stage. */
export function isAtLeast(stage: Stage, from: Stage): boolean {
  return stageIndex(stage) >= stageIndex(from);
}

/** Stages that run every service on EC2 hosts with docker compose. */
export function isSingleHostStage(stage: Stage): boolean {
  return !isAtLeast(stage, 'growth');
}
