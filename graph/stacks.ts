/** An environment's synthesized resources, sorted into its edge and its regions (the apps stack joins its region). */
import { Environment } from '../config/environment';
import { stackResources, Synthesis } from '../synthesis/stack-views';
import { ResourceView } from '../policies/types';
import { readAll } from '../synthesis/values';
import { appsStackName, edgeStackName, regionalStackName, stackNamesOf } from '../stacks/stack-names';

/** A resource with the stack it was synthesized in. */
export interface StackResource extends ResourceView {
  readonly stack: string;
}

export interface RegionResources {
  readonly code: string;
  readonly resources: readonly StackResource[];
  /** The outputs of the region's stacks, by stack and output name: where a cross-stack reference of the apps stack leads. */
  readonly outputs: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

export interface EnvironmentResources {
  readonly environment: Environment;
  readonly regions: readonly RegionResources[];
  readonly edge: readonly StackResource[];
}

/** `<stack>:<type>.<name>`: unique across an environment's stacks. */
export const qualified = (r: StackResource): string => `${r.stack}:${r.address}`;

/** Whether a stack belongs to the environment, by its name. */
export function isEnvironmentStack(environment: Environment, stack: string): boolean {
  return stackNamesOf(environment).includes(stack);
}

/**
 * Sorts stacks by name, as `stacks/app.ts` names them: `<env>-edge`, `<env>-<region>` and
 * `<env>-<region>-apps`. Stacks of other environments are ignored.
 */
export function environmentResources(synthesis: Synthesis, environment: Environment): EnvironmentResources {
  const of = (name: string): StackResource[] => {
    const stack = synthesis.stacks.find((s) => s.name === name);
    return stack ? stackResources(stack.json).map((r) => ({ ...r, stack: name })) : [];
  };
  return {
    environment,
    edge: of(edgeStackName(environment.name)),
    regions: environment.regions.map(({ code }) => {
      const names = [regionalStackName(environment.name, code), appsStackName(environment.name, code)];
      const outputs = new Map(
        names.map((name) => {
          const declared = synthesis.stacks.find((s) => s.name === name)?.json.output;
          const values = Object.entries(declared && typeof declared === 'object' ? (declared as Record<string, { value?: unknown }>) : {});
          return [name, Object.fromEntries(values.map(([output, body]) => [output, body?.value]))] as const;
        }),
      );
      return { code, resources: names.flatMap(of), outputs };
    }),
  };
}

export function ofType(resources: readonly StackResource[], type: string): StackResource[] {
  return resources.filter((r) => r.type === type);
}

const REFERENCE = /\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)/;

/** The resource a `${type.name.attr}` string points at, within the same stack. */
export function referenced(resources: readonly StackResource[], from: StackResource, value: unknown): StackResource | undefined {
  if (typeof value !== 'string') return undefined;
  const match = REFERENCE.exec(value);
  return match ? resources.find((r) => r.stack === from.stack && r.type === match[1] && r.name === match[2]) : undefined;
}

/** Every `${type.name` reference anywhere in a resource's arguments (metadata excluded). */
export function referencesOf(resource: StackResource): Array<{ type: string; name: string }> {
  const found: Array<{ type: string; name: string }> = [];
  const all = new RegExp(REFERENCE.source, 'g');
  const walk = (value: unknown): void => {
    if (typeof value === 'string') for (const m of value.matchAll(all)) found.push({ type: m[1], name: m[2] });
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) if (k !== '//') walk(v);
  };
  walk(resource.values);
  return found;
}

/** The first value at a dotted path (lists walked into), or undefined. */
export function first(values: unknown, path: string): unknown {
  return readAll(values, path)[0];
}
