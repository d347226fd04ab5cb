/**
 * What a zone's plan lets a rule expression use (config/cloudflare-plans.ts), applied to one
 * expression: the fields a rate-limiting rule may read, the `matches` operator, the functions
 * filter expressions accept. One model for the constructs, which pick for each plan the
 * strongest expression it accepts, and for the preflight rules, which check a synthesis: what
 * the constructs emit and what `stagecraft check` accepts cannot drift apart.
 */
import { CLOUDFLARE_PLAN_LIMITS, CloudflarePlan, COUNTING_EXPRESSION_FIELDS, FILTER_FUNCTIONS } from '../config/cloudflare-plans';
import { inventory, RulesInventory, RulesSyntaxError } from './cloudflare-rules';

/** Where an expression is used: a rate-limiting rule's expression, its counting expression, or a WAF custom rule. */
export type RuleExpressionUse = 'rate limit' | 'counting' | 'custom';

/** Why `plan` refuses `expression` used as `use` (empty when it accepts it). */
export function expressionProblems(expression: string, plan: CloudflarePlan, use: RuleExpressionUse): string[] {
  const limits = CLOUDFLARE_PLAN_LIMITS[plan];
  let used: RulesInventory;
  try {
    used = inventory(expression);
  } catch (error) {
    if (error instanceof RulesSyntaxError) return [`cannot be checked (${error.message})`];
    throw error;
  }
  const problems: string[] = [];
  if (use === 'counting' && !limits.countingExpression) problems.push('has a counting expression (Business and Enterprise)');
  if (used.operators.has('matches') && !limits.regex) problems.push('uses the matches operator (Business and Enterprise)');
  const functions = [...used.functions].filter((f) => !FILTER_FUNCTIONS.includes(f));
  if (functions.length > 0) problems.push(`uses ${functions.map((f) => `${f}()`).join(', ')} (not available in rule filters)`);
  if (use !== 'custom' && limits.rateLimitFields !== 'all') {
    const allowed = use === 'counting' ? [...limits.rateLimitFields, ...COUNTING_EXPRESSION_FIELDS] : limits.rateLimitFields;
    const fields = [...used.fields].filter((f) => !allowed.includes(f));
    if (fields.length > 0) problems.push(`reads ${fields.join(', ')} (the ${plan} plan allows ${allowed.join(', ')})`);
  }
  return problems;
}
