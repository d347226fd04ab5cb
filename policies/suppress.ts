/**
 * Suppressions of guardrail findings, kept in code next to what they excuse. Each names one
 * rule (`SC-EAR-11`) and says why the finding does not apply; `stagecraft check` reads them
 * from the resource's `//` metadata, which Terraform ignores, and lists them with their reasons.
 */
import { TerraformResource } from 'cdktf';
import { ResourceView } from '../synthesis/stack-views';
import { record } from '../synthesis/values';
import { UserInputError } from '../config/errors';
import { Rule, Suppression } from './types';

/** The key of a resource's `//` metadata that holds its suppressions. */
export const SUPPRESSIONS_KEY = 'stagecraft:suppress';

/** The suppressions written into a resource's `//` metadata, as they are (validated by the engine). */
export function rawSuppressions(resource: ResourceView): unknown[] {
  const entries = record(resource.values['//'])?.[SUPPRESSIONS_KEY];
  if (entries === undefined) return [];
  return Array.isArray(entries) ? entries : [entries];
}

/** A suppression entry that has a rule id and a non-blank reason, else undefined. */
export function asSuppression(entry: unknown): Suppression | undefined {
  const body = record(entry);
  const ruleId = body?.ruleId;
  const reason = body?.reason;
  if (typeof ruleId !== 'string' || typeof reason !== 'string' || reason.trim() === '') return undefined;
  return { ruleId, reason };
}

const suppressions = new WeakMap<TerraformResource, Suppression[]>();

/** Suppressions added to a resource so far. */
export function suppressionsOf(resource: TerraformResource): readonly Suppression[] {
  return suppressions.get(resource) ?? [];
}

/**
 * Excuses `resource` from `rule` (the rule object, so a reader jumps from the excuse to the
 * rule). A suppression without a written reason stops synthesis (exit 2).
 */
export function suppress<T extends TerraformResource>(resource: T, rule: Rule, reason: string): T {
  const ruleId = rule.id;
  if (reason.trim() === '') {
    throw new UserInputError([
      {
        file: resource.node.path,
        path: 'suppress',
        message: `reason: a suppression of ${ruleId} needs a written reason (why the finding does not apply); received ${JSON.stringify(reason)}`,
      },
    ]);
  }
  const list = [...suppressionsOf(resource).filter((s) => s.ruleId !== ruleId), { ruleId, reason: reason.trim() }];
  suppressions.set(resource, list);
  resource.addOverride(
    `//.${SUPPRESSIONS_KEY}`,
    list.map((s) => ({ ...s })),
  );
  return resource;
}
