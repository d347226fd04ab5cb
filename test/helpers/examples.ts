/** Synthesizes the bundled example environments, or inline YAML, into a temporary directory per call. */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * One example environment's synthesis, as synthesizing it alone writes it, without synthesizing
 * it again: its stacks (and migrations) copied out of the shared synthesis of every example, with
 * the manifest cut to them. Each environment's stacks come out of that synthesis byte for byte as
 * they do from a synthesis of the environment alone (each stack is built from its own environment).
 */
export function synthesizeExample(environmentName: string): ExampleSynthesis {
  const all = loadEnvironments(environmentFiles([], EXAMPLES_ROOT), EXAMPLES_ROOT);
  const environments = all.filter((e) => e.name === environmentName);
  if (environments.length !== 1) throw new Error(`no example environment named ${environmentName}`);
  const cached = cachedSynthesis(PROJECT_ROOT, 'examples', all);
  const summaries = cached.summaries.filter((s) => s.environment === environmentName);
  const outdir = join(mkdtempSync(join(tmpdir(), 'stagecraft-examples-')), 'cdktf.out');
  const manifest = JSON.parse(readFileSync(join(cached.outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
  const names = new Set(summaries.map((s) => s.name));
  manifest.stacks = Object.fromEntries(Object.entries(manifest.stacks).filter(([name]) => names.has(name)));
  for (const name of names) cpSync(join(cached.outdir, 'stacks', name), join(outdir, 'stacks', name), { recursive: true });
  const migrations = join(cached.outdir, 'migrations', environmentName);
  if (existsSync(migrations)) cpSync(migrations, join(outdir, 'migrations', environmentName), { recursive: true });
  writeFileSync(join(outdir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return view(outdir, environments, summaries);
}

/** The environments of an example project (examples/<example>), loaded as `stagecraft synth` run there loads them. */
export function exampleEnvironments(example: string): Environment[] {
  const root = join(PROJECT_ROOT, 'examples', example);
  return loadEnvironments(environmentFiles([], root), root);
}

/**
 * Every environment of an example project (examples/<example>), synthesized once for every test
 * file and worker (test/helpers/synthesis-cache.ts): several files read the same example, and
 * examples/chat's entry is the one synthesizeExamples() copies. `outdir` is the cache's own
 * directory: read it, never write to it.
 */
export function cachedExampleSynthesis(example: string): { environments: Environment[]; outdir: string; summaries: SynthesizedStackSummary[] } {
  const environments = exampleEnvironments(example);
  const { outdir, summaries } = cachedSynthesis(PROJECT_ROOT, example === 'chat' ? 'examples' : `example-${example}`, environments);
  return { environments, outdir, summaries };
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

/** The stacks of a synthesis directory made some other way (`stagecraft synth --out` in a test's project), read as the examples' are. */
export function synthesisAt(outdir: string): Pick<ExampleSynthesis, 'stack' | 'resources'> {
  return view(outdir, [], []);
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
