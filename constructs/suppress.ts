/**
 * Suppressions of guardrail findings, kept in code next to what they excuse. Each names one
 * rule (`SC-EAR-11`) and says why the finding does not apply; `stagecraft check` reads them
 * from the resource's `//` metadata, which Terraform ignores, and lists them with their reasons.
 */
import { TerraformResource } from 'cdktf';
import { ALL_RULES } from '../policies/rules';
import { SUPPRESSIONS_KEY } from '../policies/synthesis';
import { Suppression } from '../policies/types';
import { checkProps } from './validation';

const suppressions = new WeakMap<TerraformResource, Suppression[]>();

/** Suppressions added to a resource so far. */
export function suppressionsOf(resource: TerraformResource): readonly Suppression[] {
  return suppressions.get(resource) ?? [];
}

/**
 * Excuses `resource` from rule `ruleId`. A suppression without a written reason, or of a rule
 * that does not exist, stops synthesis (exit 2).
 */
export function suppress<T extends TerraformResource>(resource: T, ruleId: string, reason: string): T {
  const known = ALL_RULES.some((r) => r.id === ruleId);
  checkProps(resource, [
    { failed: !known, message: `suppress: ruleId: "${ruleId}" is not a Stagecraft rule id (e.g. SC-EAR-11; see \`stagecraft check --help\`)` },
    { failed: reason.trim() === '', message: `suppress: reason: a suppression of ${ruleId} needs a written reason (why the finding does not apply); received ${JSON.stringify(reason)}` },
  ]);
  const list = [...suppressionsOf(resource).filter((s) => s.ruleId !== ruleId), { ruleId, reason: reason.trim() }];
  suppressions.set(resource, list);
  resource.addOverride(`//.${SUPPRESSIONS_KEY}`, list.map((s) => ({ ...s })));
  return resource;
}
