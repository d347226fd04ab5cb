/**
 * Rate-limiting rules use only what the zone's plan offers (review F6): counting by a header is
 * Advanced Rate Limiting (Enterprise); counting expressions need Business or Enterprise;
 * periods, mitigation timeouts, the request fields an expression may read and the `matches`
 * operator differ by plan. The expressions are checked with the model the constructs use to
 * write them (synthesis/cloudflare-rule-access.ts).
 */
import { ResourceRule } from '../../types';
import { asNumber, asStrings, read, readAll, record } from '../../../synthesis/values';
import { BASIC_RATE_LIMIT_CHARACTERISTICS, hasAdvancedRateLimiting } from '../../../config/cloudflare-plans';
import { expressionProblems } from '../../../synthesis/cloudflare-rule-access';
import { compliant, nonCompliant, notApplicable, unresolved } from '../../outcomes';
import { describeSubscription, planOf } from './cloudflare';

export const CloudflareRateLimitFeatures: ResourceRule = {
  id: 'SC-PRE-4',
  name: 'CloudflareRateLimitFeatures',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['cloudflare_ruleset'],
  description:
    "Rate-limiting rules count by IP only unless the zone is Enterprise with Advanced Rate Limiting, have counting expressions only on Business and Enterprise, and use the plan's periods, mitigation timeouts, expression fields and operators.",
  evaluate(ruleset, stack) {
    const phase = read(ruleset.values, 'phase');
    if (phase.kind === 'expression') return unresolved('phase', phase.expression);
    if (phase.kind !== 'value' || phase.value !== 'http_ratelimit') return notApplicable('not a rate-limiting ruleset');
    const plan = planOf(stack);
    if ('status' in plan) return plan;
    const advanced = hasAdvancedRateLimiting(plan.subscription);
    const problems: string[] = [];
    readAll(ruleset.values, 'rules')
      .flatMap((r) => (Array.isArray(r) ? r : [r]))
      .forEach((rule, i) => {
        const body = record(rule) ?? {};
        const name = typeof body.ref === 'string' ? `rule "${body.ref}"` : `rules[${i}]`;
        const limit = record(Array.isArray(body.ratelimit) ? body.ratelimit[0] : body.ratelimit) ?? {};
        if (!advanced) {
          const extra = asStrings(limit.characteristics).filter((c) => !BASIC_RATE_LIMIT_CHARACTERISTICS.includes(c));
          if (extra.length > 0) problems.push(`${name} counts by ${extra.join(', ')} (Advanced Rate Limiting)`);
        }
        if (typeof limit.counting_expression === 'string') {
          problems.push(...expressionProblems(limit.counting_expression, plan.subscription.plan, 'counting').map((p) => `${name}'s counting expression ${p}`));
        }
        const period = asNumber(limit.period);
        if (period !== undefined && !plan.limits.rateLimitPeriodsSeconds.includes(period)) {
          problems.push(`${name} counts over ${period} s (allowed: ${plan.limits.rateLimitPeriodsSeconds.join(', ')})`);
        }
        const timeout = asNumber(limit.mitigation_timeout);
        if (timeout !== undefined && !plan.limits.rateLimitMitigationTimeoutsSeconds.includes(timeout)) {
          problems.push(`${name} blocks for ${timeout} s (allowed: ${plan.limits.rateLimitMitigationTimeoutsSeconds.join(', ')})`);
        }
        if (typeof body.expression === 'string') {
          problems.push(...expressionProblems(body.expression, plan.subscription.plan, 'rate limit').map((p) => `${name} ${p}`));
        }
      });
    if (problems.length === 0) return compliant();
    return nonCompliant(`${problems.join('; ')}; the zone is on ${describeSubscription(plan.subscription)}`);
  },
};
