/**
 * WAF custom rules use only the operators and functions the zone's plan accepts: `matches`
 * (regular expressions) needs Business or Enterprise, and the rewrite-only functions exist in
 * no filter. A custom ruleset the API refuses leaves the zone without any of its rules, the
 * blocks of ambiguous path encodings that keep rate limits whole among them (docs/edge-paths.md).
 * Same model as the constructs (synthesis/cloudflare-rule-access.ts).
 */
import { ResourceRule } from '../../types';
import { read, readAll, record } from '../../../synthesis/values';
import { expressionProblems } from '../../../synthesis/cloudflare-rule-access';
import { compliant, nonCompliant, notApplicable, unresolved } from '../../outcomes';
import { describeSubscription, planOf } from './cloudflare';

export const CloudflareCustomRuleExpressions: ResourceRule = {
  id: 'SC-PRE-15',
  name: 'CloudflareCustomRuleExpressions',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['cloudflare_ruleset'],
  description: 'WAF custom rule expressions use only operators and functions the zone plan accepts (`matches` needs Business or Enterprise).',
  evaluate(ruleset, stack) {
    const phase = read(ruleset.values, 'phase');
    if (phase.kind === 'expression') return unresolved('phase', phase.expression);
    if (phase.kind !== 'value' || phase.value !== 'http_request_firewall_custom') return notApplicable('not a WAF custom ruleset');
    const plan = planOf(stack);
    if ('status' in plan) return plan;
    const problems = readAll(ruleset.values, 'rules')
      .flatMap((r) => (Array.isArray(r) ? r : [r]))
      .flatMap((rule, i) => {
        const body = record(rule) ?? {};
        const name = typeof body.ref === 'string' ? `rule "${body.ref}"` : `rules[${i}]`;
        return typeof body.expression === 'string' ? expressionProblems(body.expression, plan.subscription.plan, 'custom').map((p) => `${name} ${p}`) : [];
      });
    if (problems.length === 0) return compliant();
    return nonCompliant(`${problems.join('; ')}; the zone is on ${describeSubscription(plan.subscription)}`);
  },
};
