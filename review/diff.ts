/**
 * Compares two syntheses stack by stack and resource by resource (`type.name`), argument by
 * argument. Without a plan, a change is a replacement when a changed argument is in the
 * force-new table (force-new.ts); that is the one judgement a plan would make better.
 */
import { stackResources, Synthesis } from '../synthesis/stack-views';
import { ResourceView } from '../policies/types';
import { blocksAddedOrRemoved, forceNewEntry, unsureNote } from './force-new';
import { valueLineDiff } from './line-diff';
import { AttributeChange, ChangeAction, ResourceChange, StackChanges } from './types';
import { attributeVerdict } from './update-semantics';
import { flatten, isSensitivePath, isUnder, MASKED, withoutIndices } from './values';

/** Names of outputs marked sensitive in any stack of either synthesis. */
export function sensitiveOutputs(...syntheses: Synthesis[]): Set<string> {
  const names = new Set<string>();
  for (const synthesis of syntheses) {
    for (const stack of synthesis.stacks) {
      const outputs = (stack.json.output ?? {}) as Record<string, { sensitive?: unknown }>;
      for (const [name, output] of Object.entries(outputs)) if (output?.sensitive === true) names.add(name);
    }
  }
  return names;
}

/** Decides whether the value at a path is a secret. */
export type SensitivityTest = (path: string, value: unknown) => boolean;

/** Sensitive by name, or a reference to a sensitive output of another stack. */
export function nameSensitivity(sensitiveOutputNames: ReadonlySet<string> = new Set()): SensitivityTest {
  return (path, value) =>
    isSensitivePath(path, value) || (typeof value === 'string' && [...sensitiveOutputNames].some((name) => value.includes(`.outputs.${name}`)));
}

/** A flattened body with secrets replaced by MASKED. */
export function masked(values: ReadonlyMap<string, unknown>, isSensitive: SensitivityTest): Map<string, unknown> {
  return new Map([...values].map(([path, value]) => [path, isSensitive(path, value) ? MASKED : value]));
}

/** Paths named by `lifecycle.ignore_changes` (Terraform never plans changes to them). */
function ignoredPaths(values: Readonly<Record<string, unknown>> | undefined): string[] {
  const lifecycle = values?.lifecycle as { ignore_changes?: unknown } | undefined;
  const list = lifecycle?.ignore_changes;
  if (list === 'all') return [''];
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string').map(withoutIndices) : [];
}

const equal = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The changed arguments between two flattened bodies, compared before masking and shown
 * masked. `replacePaths`, when given (from a plan), decides which changes force replacement;
 * otherwise the force-new table does.
 */
export function attributeChanges(
  type: string,
  before: ReadonlyMap<string, unknown>,
  after: ReadonlyMap<string, unknown>,
  options: { ignore?: readonly string[]; replacePaths?: readonly string[]; isSensitive?: SensitivityTest } = {},
): AttributeChange[] {
  const isSensitive = options.isSensitive ?? nameSensitivity();
  const forcedBlocks = options.replacePaths ? [] : blocksAddedOrRemoved(type, before, after);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: AttributeChange[] = [];
  for (const path of paths) {
    const b = before.get(path);
    const a = after.get(path);
    if (equal(b, a)) continue;
    const bare = withoutIndices(path);
    if ((options.ignore ?? []).some((ignored) => ignored === '' || isUnder(bare, ignored))) continue;
    const forces = options.replacePaths
      ? options.replacePaths.some((p) => isUnder(bare, p) || isUnder(p, bare))
      : path === 'provider' || forceNewEntry(type, path) !== undefined || forcedBlocks.some((block) => isUnder(bare, block));
    const unsure = options.replacePaths ? undefined : unsureNote(type, path);
    const sensitive = (b !== undefined && isSensitive(path, b)) || (a !== undefined && isSensitive(path, a));
    const judged = attributeVerdict(type, { path, before: b, after: a, resourceBefore: before, resourceAfter: after }, forces);
    const lines = sensitive ? undefined : valueLineDiff(b, a);
    changes.push({
      path,
      ...(b === undefined ? {} : { before: sensitive ? MASKED : b }),
      ...(a === undefined ? {} : { after: sensitive ? MASKED : a }),
      sensitive,
      forcesReplacement: forces,
      ...(unsure && !forces ? { mayForceReplacement: unsure.note } : {}),
      verdict: judged.verdict,
      verdictReason: judged.reason,
      verdictSource: judged.source,
      ...(lines ? { lineDiff: lines.lines, ...(lines.decoded ? { lineDiffDecoded: lines.decoded } : {}) } : {}),
    });
  }
  // When another argument replaces the resource, the others are simply the new resource's values.
  if (!changes.some((c) => c.forcesReplacement)) return changes;
  return changes.map((c) =>
    c.forcesReplacement || c.verdict === 'refused'
      ? c
      : {
          ...c,
          verdict: 'replace',
          verdictReason: 'the resource is replaced for another argument: the new one is created with this value',
          verdictSource: 'review/force-new.ts',
        },
  );
}

/** Deleted and created resources of one type whose arguments are equal: a renamed construct id. */
function possibleRenames(changes: readonly ResourceChange[]): Array<{ from: string; to: string }> {
  const pairs: Array<{ from: string; to: string }> = [];
  const creates = changes.filter((c) => c.action === 'create');
  const used = new Set<string>();
  for (const deleted of changes.filter((c) => c.action === 'delete')) {
    const twin = creates.find((c) => c.type === deleted.type && !used.has(c.address) && equal([...(c.after ?? [])], [...(deleted.before ?? [])]));
    if (twin) {
      used.add(twin.address);
      pairs.push({ from: deleted.address, to: twin.address });
    }
  }
  return pairs;
}

function compareResource(stack: string, b: ResourceView | undefined, h: ResourceView | undefined, isSensitive: SensitivityTest): ResourceChange | undefined {
  const resource = (h ?? b) as ResourceView;
  const rawBefore = b ? flatten(b.values) : undefined;
  const rawAfter = h ? flatten(h.values) : undefined;
  const base = {
    stack,
    address: resource.address,
    type: resource.type,
    ...(rawBefore ? { before: masked(rawBefore, isSensitive) } : {}),
    ...(rawAfter ? { after: masked(rawAfter, isSensitive) } : {}),
  };
  if (!b || !rawBefore) return { ...base, action: 'create', attributes: [] };
  if (!h || !rawAfter) return { ...base, action: 'delete', attributes: [] };
  const ignore = [...new Set([...ignoredPaths(b.values), ...ignoredPaths(h.values)])];
  const attributes = attributeChanges(resource.type, rawBefore, rawAfter, { ignore, isSensitive });
  if (attributes.length === 0) return undefined;
  const action: ChangeAction = attributes.some((a) => a.forcesReplacement) ? 'replace' : 'update';
  return { ...base, action, attributes, ...(action === 'replace' ? { replacedBecause: 'force-new-table' as const } : {}) };
}

/** Every resource change between two syntheses, per stack, stacks and addresses sorted. */
export function diffSyntheses(base: Synthesis, head: Synthesis): StackChanges[] {
  const isSensitive = nameSensitivity(sensitiveOutputs(base, head));
  const baseStacks = new Map(base.stacks.map((s) => [s.name, stackResources(s.json)]));
  const headStacks = new Map(head.stacks.map((s) => [s.name, stackResources(s.json)]));
  const names = [...new Set([...baseStacks.keys(), ...headStacks.keys()])].sort();
  const result: StackChanges[] = [];
  for (const stack of names) {
    const before = new Map((baseStacks.get(stack) ?? []).map((r) => [r.address, r]));
    const after = new Map((headStacks.get(stack) ?? []).map((r) => [r.address, r]));
    const addresses = [...new Set([...before.keys(), ...after.keys()])].sort();
    const changes = addresses
      .map((address) => compareResource(stack, before.get(address), after.get(address), isSensitive))
      .filter((c): c is ResourceChange => c !== undefined);
    if (changes.length > 0) result.push({ stack, changes, possibleRenames: possibleRenames(changes) });
  }
  return result;
}
