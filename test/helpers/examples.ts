/** Synthesizes the bundled example environments once per test file, into a temporary directory. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { environmentFiles, loadEnvironments } from '../../config/load';
import { Environment } from '../../config/environment';
import { SynthesizedStackSummary, synthesizeEnvironments } from '../../cli/synthesis';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');

export interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  provider?: Record<string, Array<Record<string, unknown>>>;
  terraform?: Record<string, unknown>;
}

export interface ExampleSynthesis {
  readonly outdir: string;
  readonly environments: Environment[];
  readonly summaries: SynthesizedStackSummary[];
  stack(name: string): StackJson;
  /** Every resource of `type` in a stack, as argument objects. */
  resources(stackName: string, type: string): Array<Record<string, unknown>>;
}

export function synthesizeExamples(): ExampleSynthesis {
  const environments = loadEnvironments(environmentFiles([], PROJECT_ROOT), PROJECT_ROOT);
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-examples-'));
  const outdir = join(root, 'cdktf.out');
  // Local state beside the synthesis, so the backend paths (and the snapshots) do not depend on the checkout's location.
  const summaries = synthesizeEnvironments(environments, { outdir, stateDir: root });
  const cache = new Map<string, StackJson>();
  const stack = (name: string): StackJson => {
    if (!cache.has(name)) cache.set(name, JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson);
    return cache.get(name)!;
  };
  return {
    outdir,
    environments,
    summaries,
    stack,
    resources: (stackName, type) => Object.values(stack(stackName).resource?.[type] ?? {}),
  };
}
