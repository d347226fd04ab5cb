/**
 * Seed 004: error budget tracking (a 99.95% SLO is 4.38 hours a year). Where a load balancer
 * publishes request and 5xx counts, the regional stack holds multi-window burn-rate alarms
 * (composites of a long- and a short-window alarm on the 5xx ratio, metric math), named
 * `<stack>-slo-burn-<fast|slow>`; their descriptions carry the target and the budget.
 */
import { asStrings } from '../../synthesis/values';
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
      if (stack.resources('aws_lb').every((lb) => lb.values.load_balancer_type === 'network')) continue;
      const windows = alarmsOf(stack).filter(
        (a) => a.metrics.some((m) => m.metricName === 'RequestCount') && a.metrics.some((m) => /5XX/.test(m.metricName ?? '')),
      );
      const paging = stack.resources('aws_cloudwatch_composite_alarm').filter((c) => {
        const rule = String(c.values.alarm_rule ?? '');
        return asStrings(c.values.alarm_actions).length > 0 && windows.filter((w) => rule.includes(`"${w.name}"`)).length >= 2;
      });
      if (paging.length < MIN_BURN_WINDOWS) {
        parts.push(
          missing(
            `${stack.name}: ${paging.length} paging burn-rate alarms (a composite of a long and a short window on the 5xx/request ratio); at least ${MIN_BURN_WINDOWS} (set \`slo\`)`,
          ),
        );
      } else {
        parts.push(held(`${stack.name}: ${paging.map((c) => String(c.values.alarm_name)).join(', ')} — ${String(paging[0].values.alarm_description ?? '')}`));
      }
    }
    return combine(parts, notApplicable('no load balancer publishes request metrics at this stage; Cloudflare analytics show the error rate'));
  },
};
