/**
 * Readiness fixtures: the synthesized example environments (the compliant fixtures once the
 * stacks hold every item), and copies of one environment with its stacks edited (the
 * non-compliant fixtures: an item removed).
 */
import { readSynthesis } from '../../synthesis/read';
import { StackJson, Synthesis } from '../../synthesis/stack-views';
import { environmentViews } from '../../readiness/engine';
import { ApiObject, apiObjectOf, isTypedKubernetesType, typedArguments } from '../../synthesis/kubernetes-typed';
import { EnvironmentView } from '../../readiness/types';
import { synthesizeExamples } from '../helpers/examples';

let cached: Synthesis | undefined;

/** Every example's stacks, synthesized once per test file. */
export function examples(): Synthesis {
  if (!cached) {
    const { outdir } = synthesizeExamples();
    cached = readSynthesis(outdir, { command: 'test', flag: '--from', given: outdir });
  }
  return cached;
}

/** The example environment of `stage` (`acme-<stage>`), optionally with its stacks edited. */
export function environment(stage: string, edit?: (stack: { name: string; json: MutableStack }) => void): EnvironmentView {
  const name = `acme-${stage}`;
  const stacks = examples().stacks.map((s) => {
    if (!s.name.startsWith(`${name}-`) || !edit) return s;
    const json = structuredClone(s.json) as MutableStack;
    edit({ name: s.name, json });
    return { name: s.name, json: json as StackJson };
  });
  return environmentViews({ label: `edited ${stage}`, stacks }, [name])[0];
}

/** A stack's JSON, editable. */
export interface MutableStack {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  [key: string]: unknown;
}

/** Every resource body of `type` in an edited stack. */
export function bodies(json: MutableStack, type: string): Array<Record<string, unknown>> {
  return Object.values(json.resource[type] ?? {});
}

/** Removes every resource of `type` from an edited stack. */
export function drop(json: MutableStack, type: string): void {
  delete json.resource[type];
}

/**
 * Edits the Kubernetes objects of an edited stack as API objects: `edit` mutates one, or returns
 * false to remove it; each is written back as its typed resource (provider-only arguments kept).
 */
export function editObjects(json: MutableStack, edit: (object: Record<string, any>) => boolean | void): void {
  for (const [type, byName] of Object.entries(json.resource)) {
    if (!isTypedKubernetesType(type)) continue;
    for (const [name, body] of Object.entries(byName as Record<string, Record<string, unknown>>)) {
      const object = apiObjectOf(type, body);
      const converted = typedArguments(object as ApiObject).arguments;
      if (edit(object) === false) {
        delete (byName as Record<string, unknown>)[name];
        continue;
      }
      const rest = Object.fromEntries(Object.entries(body).filter(([key]) => !(key in converted)));
      (byName as Record<string, unknown>)[name] = { ...rest, ...typedArguments(object as ApiObject).arguments };
    }
  }
}
