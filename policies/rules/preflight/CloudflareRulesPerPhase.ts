/** A zone ruleset holds no more rules than the plan allows in its phase (review F6). */
import { ResourceRule } from '../../types';
import { read, readAll } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable, unresolved } from '../../outcomes';
import { describeSubscription, planOf } from './cloudflare';

export const CloudflareRulesPerPhase: ResourceRule = {
  id: 'SC-PRE-5',
  name: 'CloudflareRulesPerPhase',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['cloudflare_ruleset'],
  description: 'Rate-limiting, custom WAF and cache rulesets hold no more rules than the zone plan allows in that phase.',
  evaluate(ruleset, stack) {
    const phase = read(ruleset.values, 'phase');
    if (phase.kind === 'expression') return unresolved('phase', phase.expression);
    const plan = planOf(stack);
    if ('status' in plan) return plan;
    const allowed = phase.kind === 'value' ? plan.limits.rulesPerPhase[String(phase.value)] : undefined;
    if (allowed === undefined) return notApplicable(`no per-plan rule count known for phase ${JSON.stringify(phase.kind === 'value' ? phase.value : null)}`);
    const count = readAll(ruleset.values, 'rules').flatMap((r) => (Array.isArray(r) ? r : [r])).length;
    if (count <= allowed) return compliant();
    return nonCompliant(`${count} rules in phase ${String((phase as { value: unknown }).value)}; ${describeSubscription(plan.subscription)} allows ${allowed}`);
  },
};
