/**
 * Resource changes from a real plan (`terraform show -json <planfile>`): the plan's actions
 * decide creates, updates, deletes and replacements (with `replace_paths` naming the arguments
 * that force them), `before_sensitive`/`after_sensitive` decide what is masked, and
 * `after_unknown` marks values known only after apply.
 */
import { Problem, UserInputError } from '../config/errors';
import { attributeChanges, masked, nameSensitivity } from './diff';
import { ChangeAction, ResourceChange, StackChanges } from './types';
import { flatten, KNOWN_AFTER_APPLY } from './values';
import { record } from '../synthesis/values';

interface PlanResourceChange {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: unknown;
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
    readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
  };
}

/** The parts of `terraform show -json` the review reads. */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes: readonly PlanResourceChange[];
  readonly errored?: boolean;
}

/**
 * Checks that `text` is a `terraform show -json` plan. `where` names the input for messages
 * (`{ file: 'stagecraft review', path: '--plan' }`) and `shown` the file as the user gave it.
 */
export function parsePlan(text: string, shown: string, where: { file: string; path: string }): PlanJson {
  const fail = (message: string): never => {
    throw new UserInputError([{ ...where, message: `${shown} ${message}` } as Problem]);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`is not valid JSON (${(error as Error).message}); give the output of \`terraform show -json <planfile>\``);
  }
  const plan = record(json);
  if (!plan || typeof plan.format_version !== 'string') return fail('is not a `terraform show -json` plan: it has no "format_version"');
  if (!('planned_values' in plan) && !('resource_changes' in plan)) {
    return fail('is not a plan: it has no "planned_values" or "resource_changes" (is it `terraform show -json` of a state?)');
  }
  if (plan.errored === true) return fail('is a plan that errored; fix the plan before reviewing it');
  const changes = plan.resource_changes ?? [];
  if (!Array.isArray(changes)) return fail('is not a `terraform show -json` plan: "resource_changes" is not a list');
  changes.forEach((rc, i) => {
    const body = record(rc);
    const actions = record(body?.change)?.actions;
    if (!body || typeof body.address !== 'string' || typeof body.type !== 'string' || !Array.isArray(actions)) {
      fail(`is not a \`terraform show -json\` plan: resource_changes[${i}] has no address, type or change.actions`);
    }
  });
  return { format_version: plan.format_version, resource_changes: changes as PlanResourceChange[] };
}

/** Paths marked `true` in a sensitivity or unknown-ness structure (flattened like the values). */
function markedPaths(marks: unknown): { all: boolean; paths: Set<string> } {
  if (marks === true) return { all: true, paths: new Set() };
  return { all: false, paths: new Set([...flatten(marks)].filter(([, v]) => v === true).map(([p]) => p)) };
}

function under(path: string, marked: { all: boolean; paths: Set<string> }): boolean {
  if (marked.all) return true;
  for (const p of marked.paths) if (path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`)) return true;
  return false;
}

function actionOf(actions: readonly string[]): ChangeAction | undefined {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  if (actions.includes('create')) return 'create';
  if (actions.includes('delete')) return 'delete';
  if (actions.includes('update')) return 'update';
  return undefined; // no-op, read
}

/** One plan's changes as a stack's changes. */
export function planChanges(plan: PlanJson, stack: string): StackChanges {
  const changes: ResourceChange[] = [];
  for (const rc of plan.resource_changes) {
    if (rc.mode !== undefined && rc.mode !== 'managed') continue;
    const action = actionOf(rc.change.actions);
    if (!action) continue;
    const beforeSensitive = markedPaths(rc.change.before_sensitive);
    const afterSensitive = markedPaths(rc.change.after_sensitive);
    const unknown = markedPaths(rc.change.after_unknown);
    const byName = nameSensitivity();
    const before = rc.change.before === null || rc.change.before === undefined ? undefined : flatten(rc.change.before);
    const after = rc.change.after === null || rc.change.after === undefined ? undefined : flatten(rc.change.after);
    if (after) for (const path of unknown.paths) after.set(path, KNOWN_AFTER_APPLY);
    if (after && unknown.all) for (const path of after.keys()) after.set(path, KNOWN_AFTER_APPLY);
    // Sensitive by the plan's own marks, or by name when the provider did not mark it.
    const isSensitive = (path: string, value: unknown): boolean =>
      value !== KNOWN_AFTER_APPLY && (under(path, beforeSensitive) || under(path, afterSensitive) || byName(path, value));
    const replacePaths = (rc.change.replace_paths ?? []).map((p) => p.filter((s): s is string => typeof s === 'string').join('.'));
    const attributes =
      action === 'update' || action === 'replace'
        ? // A computed value going unknown (an ARN of a replaced resource) is noise unless it forces the replacement.
          attributeChanges(rc.type, before ?? new Map(), after ?? new Map(), { replacePaths, isSensitive }).filter(
            (a) => a.after !== KNOWN_AFTER_APPLY || a.forcesReplacement,
          )
        : [];
    changes.push({
      stack,
      address: rc.address,
      type: rc.type,
      action,
      attributes,
      ...(action === 'replace' ? { replacedBecause: 'plan' as const } : {}),
      ...(before ? { before: masked(before, isSensitive) } : {}),
      ...(after ? { after: masked(after, (p, v) => v !== KNOWN_AFTER_APPLY && isSensitive(p, v)) } : {}),
    });
  }
  changes.sort((a, b) => a.address.localeCompare(b.address));
  return { stack, changes, possibleRenames: [] };
}

/** The stack a plan file is for: `<stack>.plan.json` (as `stagecraft validate --plan-json-dir` writes) or the file name. */
export function stackNameOf(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.plan\.json$/, '').replace(/\.json$/, '');
}
