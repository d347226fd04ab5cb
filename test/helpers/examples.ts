/** Synthesizes the bundled example environments, or inline YAML, into a temporary directory per call. */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { environmentFiles, loadEnvironments, parseEnvironment } from '../../config/load';
import { formatProblem } from '../../config/errors';
import { Environment } from '../../config/environment';
import { SynthesizedStackSummary, synthesizeEnvironments } from '../../stacks/synthesize';
import { cachedSynthesis } from './synthesis-cache';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** Where the bundled example product lives: its `environments/` and `services/` folders. Tests reach example files only through this. */
export const EXAMPLES_ROOT = join(PROJECT_ROOT, 'examples', 'chat');

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

/**
 * The example environments, synthesized. The synthesis is made once for every test file and
 * worker (test/helpers/synthesis-cache.ts) and copied: each caller gets its own directory.
 */
export function synthesizeExamples(): ExampleSynthesis {
  const environments = loadEnvironments(environmentFiles([], EXAMPLES_ROOT), EXAMPLES_ROOT);
  const cached = cachedSynthesis(PROJECT_ROOT, 'examples', environments);
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-examples-'));
  const outdir = join(root, 'cdktf.out');
  cpSync(cached.outdir, outdir, { recursive: true });
  return view(outdir, environments, cached.summaries);
}

/** Synthesizes environments given as YAML texts; throws with the problems when one is invalid. */
export function synthesizeYaml(...texts: string[]): ExampleSynthesis {
  const environments = texts.map((text, i) => {
    const { environment, problems } = parseEnvironment(text, `inline-${i}.yaml`);
    if (!environment) throw new Error(problems.map(formatProblem).join('\n'));
    return environment;
  });
  return synthesize(environments);
}

function synthesize(environments: Environment[]): ExampleSynthesis {
  // State beside the output, as in a project checkout: the synthesized paths are then the same on every machine.
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-examples-'));
  const outdir = join(root, 'cdktf.out');
  return view(outdir, environments, synthesizeEnvironments(environments, { outdir, stateDir: root }));
}

function view(outdir: string, environments: Environment[], summaries: SynthesizedStackSummary[]): ExampleSynthesis {
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
