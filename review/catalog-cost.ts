/**
 * The review's cost section from the price catalog (cost/): both syntheses priced resource by
 * resource with the same code as `stagecraft cost`, and the monthly difference. List prices of
 * what is synthesized; usage-based charges (egress, requests) need a workload and are left out.
 * A resource the catalog cannot price on either side is left out of both totals and listed, so
 * the difference compares like with like and never counts an unknown price as $0.
 */
import { CATALOG, Catalog } from '../cost/catalog';
import { priceStack, ResourceCost } from '../cost/estimate';
import { StackJson } from '../synthesis/stack-views';
import { Synthesis } from '../synthesis/stack-views';
import { CostEstimator } from './cost';
import { CostDelta } from './types';

/** stack → address → priced resource. */
type Prices = Map<string, Map<string, ResourceCost>>;

function priceAll(synthesis: Synthesis, catalog: Catalog): Prices {
  return new Map(synthesis.stacks.map((s) => [s.name, new Map(priceStack(s.name, s.json as StackJson, { catalog }).resources.map((r) => [r.address, r]))]));
}

const round = (usd: number) => Math.round(usd * 100) / 100;

/** A CostEstimator over the price catalog. */
export function catalogCostEstimator(catalog: Catalog = CATALOG): CostEstimator {
  return {
    source: `price catalog of ${catalog.asOf} (on-demand list prices)`,
    estimate(base: Synthesis, head: Synthesis): CostDelta {
      const before = priceAll(base, catalog);
      const after = priceAll(head, catalog);
      const unpriced: string[] = [];
      const lines: Array<{ label: string; monthlyBefore: number; monthlyAfter: number }> = [];
      for (const stack of [...new Set([...before.keys(), ...after.keys()])].sort()) {
        const b = before.get(stack) ?? new Map<string, ResourceCost>();
        const a = after.get(stack) ?? new Map<string, ResourceCost>();
        let monthlyBefore = 0;
        let monthlyAfter = 0;
        for (const address of new Set([...b.keys(), ...a.keys()])) {
          const missing = [b.get(address), a.get(address)].find((r) => r?.status === 'unpriced');
          if (missing) {
            unpriced.push(`${stack}: ${address}: ${missing.reason ?? 'no price'}`);
            continue;
          }
          monthlyBefore += b.get(address)?.monthlyUsd ?? 0;
          monthlyAfter += a.get(address)?.monthlyUsd ?? 0;
        }
        lines.push({ label: stack, monthlyBefore: round(monthlyBefore), monthlyAfter: round(monthlyAfter) });
      }
      const monthlyBefore = round(lines.reduce((sum, l) => sum + l.monthlyBefore, 0));
      const monthlyAfter = round(lines.reduce((sum, l) => sum + l.monthlyAfter, 0));
      return {
        currency: catalog.currency,
        monthlyBefore,
        monthlyAfter,
        monthlyDelta: round(monthlyAfter - monthlyBefore),
        lines: lines.filter((l) => l.monthlyBefore !== l.monthlyAfter),
        source: `${catalog.asOf} price catalog, on-demand list prices; usage-based charges (egress, requests) are not included`,
        unpriced: unpriced.sort(),
      };
    },
  };
}
