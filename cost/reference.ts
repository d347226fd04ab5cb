/** Reference costs from the seed documents, printed beside Stagecraft's own estimates. */
import { formatNumber, Stage } from '../config/stages';

/** Monthly cost range per stage: seed 004 "Cost Progression" (massive is open-ended: "$50K-200K+"). */
export const SEED_004_MONTHLY_COST: Readonly<Record<Stage, { readonly low: number; readonly high: number; readonly openEnded?: boolean }>> = {
  launch: { low: 50, high: 150 },
  traction: { low: 200, high: 500 },
  growth: { low: 1_000, high: 3_000 },
  scale: { low: 5_000, high: 15_000 },
  hyperscale: { low: 15_000, high: 50_000 },
  massive: { low: 50_000, high: 200_000, openEnded: true },
};

/** Seed 000 §2.5: the hybrid architecture at 200M MAU, "approximately $47,300/month", "$0.00024/month" per user. */
export const SEED_000_AT_200M_MAU = { mau: 200_000_000, monthlyUsd: 47_300, perMauUsd: 0.00024 } as const;

/** "$1K–3K" style. */
export function formatSeedRange(stage: Stage): string {
  const { low, high, openEnded } = SEED_004_MONTHLY_COST[stage];
  const short = (usd: number) => (usd >= 1_000 ? `$${usd / 1_000}K` : `$${usd}`);
  return `${short(low)}–${short(high)}${openEnded ? '+' : ''}`;
}

/** Where `usd` falls against the stage's seed 004 range. */
export function compareToSeedRange(stage: Stage, usd: number): 'below' | 'within' | 'above' {
  const { low, high, openEnded } = SEED_004_MONTHLY_COST[stage];
  if (usd < low) return 'below';
  if (usd > high && !openEnded) return 'above';
  return 'within';
}

/** `$12,345` for totals, `$0.000123` for per-MAU figures. */
export function formatUsd(usd: number): string {
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${usd.toPrecision(3)}`;
  return `$${formatNumber(usd)}`;
}

/**
 * A per-unit price (per MAU): three significant digits, so a cent-level figure is never shown
 * as $0 (`$0.0213`, `$0.000236`, `$1.25`). Zero stays `$0`.
 */
export function formatUsdPerUnit(usd: number): string {
  if (usd === 0) return '$0';
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(3))}`;
}
