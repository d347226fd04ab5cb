/**
 * What an AWS Backup selection picks in a stack, read the way AWS Backup reads it: a tag
 * condition matches a resource's own tags merged with the provider's default tags (AWS sees
 * both), and an ARN entry matches the resource it references or, for a bucket with a literal
 * name, the bucket of that ARN. Several rules (single-host backups, stateful resources backed
 * up) share this reading.
 */
import { ResourceView, StackView } from '../../types';
import { asNumber, isExpression, readAll, record } from '../../../synthesis/values';

/** The tags AWS sees on a resource: the unaliased AWS provider's default tags, then its own. */
export function effectiveTags(resource: ResourceView, stack: StackView): Record<string, unknown> {
  const declared = record(stack.json?.provider)?.aws;
  const unaliased = (Array.isArray(declared) ? declared : declared ? [declared] : []).map((b) => record(b) ?? {}).find((b) => !('alias' in b));
  const defaults = unaliased ? readAll(unaliased, 'default_tags.tags').map((t) => record(t) ?? {}) : [];
  return Object.assign({}, ...defaults, record(readAll(resource.values, 'tags')[0]) ?? {}) as Record<string, unknown>;
}

/** The tag conditions of a selection (`selection_tag` blocks), as written. */
export function selectionTags(selection: ResourceView): Array<Record<string, unknown>> {
  return readAll(selection.values, 'selection_tag')
    .flatMap((v) => (Array.isArray(v) ? v : [v]))
    .map((c) => record(c) ?? {});
}

/** The ARN entries of a selection (`resources`), as written. */
export function selectionArns(selection: ResourceView): unknown[] {
  return readAll(selection.values, 'resources').flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** Whether one ARN entry names `resource`: by reference, or as a literal bucket ARN. */
function arnNames(entry: unknown, resource: ResourceView, stack: StackView): boolean {
  if (isExpression(entry)) return stack.referenced(entry) === resource;
  const name = resource.values.bucket;
  return resource.type === 'aws_s3_bucket' && typeof name === 'string' && !isExpression(name) && entry === `arn:aws:s3:::${name}`;
}

/** Whether `selection` picks `resource`, by tag or by ARN. */
export function selects(selection: ResourceView, resource: ResourceView, stack: StackView): boolean {
  if (selectionArns(selection).some((entry) => arnNames(entry, resource, stack))) return true;
  const tags = effectiveTags(resource, stack);
  return selectionTags(selection).some((c) => (c.type === undefined || c.type === 'STRINGEQUALS') && typeof c.key === 'string' && tags[c.key] === c.value);
}

/** The longest retention, in days, of the rules of the plan a selection belongs to. */
export function retentionDays(selection: ResourceView, stack: StackView): number {
  const plan = stack.referenced(selection.values.plan_id);
  if (!plan) return 0;
  return Math.max(0, ...readAll(plan.values, 'rule.lifecycle.delete_after').map((v) => asNumber(v) ?? 0));
}
