/**
 * Where `cost`, `size` and `advise` read synthesized stacks from: an existing synthesis
 * directory (`cdktf.out`), or a synthesis made in-process into a temporary directory when the
 * directory is missing or lacks an environment's stacks. Either way the JSON read is exactly
 * what `synth` writes and `cdktf deploy` applies.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Environment } from '../config/environment';
import { Problem, UserInputError } from '../config/errors';
import { stackShapeProblems } from '../synthesis/stack-shape';
import { StackJson, SynthesizedStack } from '../synthesis/stack-views';
import { stackNamesOf } from './stack-names';
import { synthesizeEnvironments } from './synthesize';

/** The synthesized stacks of one environment, parsed (stacks/app.ts's EnvironmentStacks are the constructs). */
export interface EnvironmentSynthesis {
  readonly environment: Environment;
  readonly stacks: readonly SynthesizedStack[];
  /** The directory read, or "in-process synthesis". */
  readonly source: string;
}

export { stackNamesOf };

function readStacks(outdir: string, names: readonly string[]): Array<{ name: string; json: StackJson }> {
  const problems: Problem[] = [];
  const stacks = names.map((name) => {
    const file = join(outdir, 'stacks', name, 'cdk.tf.json');
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push({ file, path: '(root)', message: `cannot be read (${(error as Error).message}); synthesize again` });
      return { name, json: {} as StackJson };
    }
    const shape =
      json !== null && typeof json === 'object' && !Array.isArray(json)
        ? stackShapeProblems(name, json as Record<string, unknown>)
        : [`stack ${name} is not a JSON object`];
    problems.push(...shape.map((message) => ({ file, path: '(root)', message: `${message}; synthesize again` })));
    return { name, json: json as StackJson };
  });
  if (problems.length > 0) throw new UserInputError(problems);
  return stacks;
}

/** Synthesizes `environments` into a temporary directory, reads every stack, and removes the directory. */
export function synthesizeInProcess(environments: readonly Environment[], cwd: string): EnvironmentSynthesis[] {
  const temp = mkdtempSync(join(tmpdir(), 'stagecraft-synth-'));
  try {
    const outdir = join(temp, 'cdktf.out');
    synthesizeEnvironments(environments, { outdir, stateDir: cwd });
    return environments.map((environment) => ({ environment, stacks: readStacks(outdir, stackNamesOf(environment)), source: 'in-process synthesis' }));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Reads each environment's stacks from `outdir` when its manifest lists all of them, else
 * synthesizes those environments in-process. Warns (through `warn`) when an environment file
 * is newer than the synthesis it reads, since the stacks may no longer match the file.
 */
export function loadStacks(
  environments: readonly Environment[],
  options: { outdir: string; cwd: string; warn: (line: string) => void },
): EnvironmentSynthesis[] {
  const outdir = resolve(options.cwd, options.outdir);
  const manifestFile = join(outdir, 'manifest.json');
  const listed = new Set<string>();
  if (existsSync(manifestFile)) {
    try {
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { stacks?: Record<string, unknown> };
      Object.keys(manifest.stacks ?? {}).forEach((name) => listed.add(name));
    } catch {
      // An unreadable manifest is treated as missing: synthesize instead.
    }
  }
  const fromDisk = environments.filter((e) => stackNamesOf(e).every((name) => listed.has(name) && existsSync(join(outdir, 'stacks', name, 'cdk.tf.json'))));
  const missing = environments.filter((e) => !fromDisk.includes(e));
  if (missing.length > 0) {
    options.warn(`${missing.map((e) => e.name).join(', ')}: not in ${options.outdir}; synthesizing in-process`);
  }
  const synthesized = missing.length > 0 ? synthesizeInProcess(missing, options.cwd) : [];
  const manifestTime = existsSync(manifestFile) ? statSync(manifestFile).mtimeMs : 0;
  return environments.map((environment) => {
    const made = synthesized.find((s) => s.environment === environment);
    if (made) return made;
    const file = resolve(options.cwd, environment.sourceFile);
    if (existsSync(file) && statSync(file).mtimeMs > manifestTime) {
      options.warn(
        `${environment.sourceFile} changed after ${options.outdir} was synthesized; pricing the existing synthesis (run \`npm run synth\` to refresh it)`,
      );
    }
    return { environment, stacks: readStacks(outdir, stackNamesOf(environment)), source: outdir };
  });
}
