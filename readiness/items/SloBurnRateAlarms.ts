/**
 * Seed 004: error budget tracking (a 99.95% SLO is 4.38 hours a year). Where a load balancer
 * publishes request and 5xx counts, the regional stack holds multi-window burn-rate alarms
 * (metric math over the error ratio), named `<stack>-slo-burn-<window>`; their descriptions carry
 * the target and the budget.
 */
import { alarmsOf, regionalStacks } from '../lookups';
import { combine, held, ItemOutcome, missing, notApplicable, ReadinessItem } from '../types';

/** Burn-rate windows needed: a fast one that pages and a slow one that catches a steady leak. */
export const MIN_BURN_WINDOWS = 2;

export const SloBurnRateAlarms: ReadinessItem = {
  id: 'RDY-11',
  name: 'SloBurnRateAlarms',
  section: 'observability',
  title: 'Error budget tracking: SLO burn-rate alarms',
  evaluate(environment) {
    const parts: ItemOutcome[] = [];
    for (const stack of regionalStacks(environment)) {
      if (stack.resources('aws_lb').length === 0) continue;
      const burn = alarmsOf(stack).filter(
        (a) => a.metrics.some((m) => m.metricName === 'RequestCount') && a.metrics.some((m) => /5XX/.test(m.metricName ?? '')) && a.actions.length > 0,
      );
      if (burn.length < MIN_BURN_WINDOWS) {
        parts.push(
          missing(
            `${stack.name}: ${burn.length} burn-rate alarms on the load balancer's 5xx/request ratio; at least ${MIN_BURN_WINDOWS} windows (set \`slo\`)`,
          ),
        );
      } else {
        parts.push(held(`${stack.name}: ${burn.map((a) => a.name).join(', ')} — ${String(burn[0].resource.values.alarm_description ?? '')}`));
      }
    }
    return combine(parts, notApplicable('no load balancer publishes request metrics at this stage; Cloudflare analytics show the error rate'));
  },
};
