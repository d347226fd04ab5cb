/** Reads a synthesis directory (`cdktf.out`) into memory, with messages that name the flag it came from. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Problem, UserInputError } from '../config/errors';
import { Synthesis, SynthesizedStack } from './stack-views';
import { record } from './values';
import { stackShapeProblems } from './stack-shape';

/** Where a synthesis directory was named, for messages: `stagecraft review`, `--base`. */
export interface SynthesisOrigin {
  readonly command: string;
  readonly flag: string;
  /** The text the user gave. */
  readonly given: string;
}

/**
 * Loads every stack of the synthesis in `dir`. Throws one UserInputError when the directory does
 * not exist, has no `manifest.json`, or a manifest or stack file is not valid JSON.
 */
export function readSynthesis(dir: string, origin: SynthesisOrigin, label = origin.given): Synthesis {
  const problem = (message: string): UserInputError => new UserInputError([{ file: origin.command, path: origin.flag, message }]);
  const absolute = resolve(dir);
  if (!existsSync(absolute)) throw problem(`${origin.given} does not exist (looked in ${absolute})`);
  if (!statSync(absolute).isDirectory()) throw problem(`${origin.given} is not a directory; give a synthesis directory such as cdktf.out`);
  const manifestFile = join(absolute, 'manifest.json');
  if (!existsSync(manifestFile)) throw problem(`${origin.given} is not a synthesis: it has no manifest.json (run \`stagecraft synth --out ${origin.given}\`)`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (error) {
    throw problem(`${origin.given} is not a synthesis: manifest.json is not valid JSON (${(error as Error).message})`);
  }
  const entries = record(record(manifest)?.stacks);
  if (!entries) throw problem(`${origin.given} is not a synthesis: manifest.json has no "stacks"`);
  const problems: Problem[] = [];
  const stacks: SynthesizedStack[] = [];
  for (const [name, entry] of Object.entries(entries).sort(([a], [b]) => a.localeCompare(b))) {
    const relative = record(entry)?.synthesizedStackPath;
    const file = resolve(absolute, typeof relative === 'string' ? relative : join('stacks', name, 'cdk.tf.json'));
    try {
      const json = record(JSON.parse(readFileSync(file, 'utf8')));
      if (!json) throw new Error('not a JSON object');
      const shape = stackShapeProblems(name, json);
      if (shape.length > 0) {
        problems.push(...shape.map((message) => ({ file: origin.command, path: origin.flag, message: `${origin.given}: ${message}` })));
        continue;
      }
      const dependencies = record(entry)?.dependencies;
      stacks.push({ name, json, dependencies: Array.isArray(dependencies) ? dependencies.filter((d): d is string => typeof d === 'string') : [] });
    } catch (error) {
      problems.push({
        file: origin.command,
        path: origin.flag,
        message: `${origin.given}: stack ${name}: ${file} cannot be read (${(error as Error).message})`,
      });
    }
  }
  if (problems.length > 0) throw new UserInputError(problems);
  return { label, stacks };
}
