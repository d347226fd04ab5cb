/**
 * The environments `graph` and `report` draw, sized, with every stack of their synthesis
 * (regional, apps and edge): read from an existing synthesis directory, or synthesized into a
 * temporary directory that is removed afterwards, so `cdktf.out` is never written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserInputError } from '../config/errors';
import { environmentFiles, loadEnvironments } from '../config/load';
import { Synthesis } from '../synthesis/stack-views';
import { sizeEnvironments, SizedEnvironment } from '../sizing/blueprint';
import { readSynthesis } from '../synthesis/read';
import { synthesizeEnvironments } from './synthesize';
import { stackNamesOf } from './stack-source';

export interface SynthesizedEnvironments {
  readonly sized: readonly SizedEnvironment[];
  readonly synthesis: Synthesis;
  /** The directory read, or "in-process synthesis". */
  readonly source: string;
}

export function loadSynthesizedEnvironments(
  command: string,
  selectors: readonly string[],
  options: { cwd: string; from?: string; progress: (line: string) => void },
): SynthesizedEnvironments {
  const sized = sizeEnvironments(loadEnvironments(environmentFiles(selectors, options.cwd), options.cwd));
  const environments = sized.map((s) => s.environment);
  if (options.from !== undefined) {
    const synthesis = readSynthesis(resolve(options.cwd, options.from), { command, flag: '--from', given: options.from });
    const present = new Set(synthesis.stacks.map((s) => s.name));
    const missing = environments.filter((e) => !stackNamesOf(e).every((name) => present.has(name)));
    if (missing.length > 0) {
      throw new UserInputError(
        missing.map((e) => ({
          file: command,
          path: '--from',
          message: `${e.name} has no stacks in ${options.from}; run \`stagecraft synth --out ${options.from}\` first, or omit --from`,
        })),
      );
    }
    return { sized, synthesis, source: options.from };
  }
  const temporary = mkdtempSync(join(tmpdir(), 'stagecraft-graph-'));
  try {
    const outdir = join(temporary, 'cdktf.out');
    options.progress(`synthesizing ${environments.length} environment(s) into a temporary directory`);
    synthesizeEnvironments(environments, { outdir, stateDir: options.cwd, onProgress: options.progress });
    return { sized, synthesis: readSynthesis(outdir, { command, flag: '--from', given: outdir }, 'in-process synthesis'), source: 'in-process synthesis' };
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}
