/**
 * The one way Stagecraft writes a directory (`synth --out`, `report --out`, `validate
 * --plan-json-dir`): it only ever replaces a directory it wrote itself, proven by a marker file
 * inside, and builds the new content in a sibling staging directory that is swapped in whole.
 * Everything a careless `--out` could point at (the project, a source folder, the current
 * directory or an ancestor, `/`, a mount point, a file, someone's non-empty directory, an empty
 * value) is refused with exit 2 before anything is written, and every failure afterwards
 * (a failing synthesis, a full disk) leaves the previous output exactly as it was.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, Stats, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Problem, UserInputError } from '../config/errors';

/** What a Stagecraft output directory holds; written into its marker, checked before it is replaced. */
export type OutputKind = 'synthesis' | 'report' | 'plans';

/** The marker file: present in every directory Stagecraft writes, and required before one is replaced. */
export const OUTPUT_MARKER = '.stagecraft-output';

/** The marker `stagecraft report` wrote before OUTPUT_MARKER existed; still accepted for a report directory. */
const LEGACY_REPORT_MARKER = '.stagecraft-report';

/** Any of these in a directory makes it a project root. */
const PROJECT_MARKERS = ['package.json', '.git', 'environments', 'cdktf.json'] as const;

/** Folders of a project that hold its sources or inputs: an output never goes in or over one. */
export const SOURCE_FOLDERS: readonly string[] = [
  '.ci',
  '.git',
  'advice',
  'bench',
  'bin',
  'cli',
  'config',
  'constructs',
  'cost',
  'docs',
  'environments',
  'examples',
  'graph',
  'policies',
  'report',
  'review',
  'scripts',
  'services',
  'sizing',
  'stacks',
  'synthesis',
  'templates',
  'terraform',
  'test',
  'workers',
];

/** Filesystem errors that mean "could not write there", not a bug: reported as exit 2. */
const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the path is too long',
};

const ALLOWED = 'give a new directory, an empty one, or one Stagecraft wrote before (it holds .stagecraft-output)';

/** Where a refusal is reported: the command and flag the directory came from. */
export interface OutputFlag {
  /** The command, e.g. `stagecraft synth` (the `file` of the Problem). */
  readonly command: string;
  /** The flag, e.g. `--out`. */
  readonly flag: string;
}

export interface OutputCheckOptions extends OutputFlag {
  /** What will be written. */
  readonly kind: OutputKind;
  /** The directory relative paths are resolved against, and which must never be replaced. */
  readonly cwd: string;
  /** Inputs of the command (environment files, a services directory): the output is never one of them, inside one, or over one. */
  readonly inputs?: readonly string[];
}

/** A directory that passed the checks: where it is, what was given, and how to report on it. */
export interface OutputTarget extends OutputCheckOptions {
  /** Absolute path. */
  readonly path: string;
  /** The value as the user gave it. */
  readonly given: string;
}

function exists(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The nearest directory at or above `dir` that holds package.json, .git, environments/ or cdktf.json. */
function projectRootOf(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (PROJECT_MARKERS.some((m) => exists(join(current, m)))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/** The kind a marker file names, or undefined when it is unreadable. */
function markerKind(dir: string): OutputKind | 'unknown' {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, OUTPUT_MARKER), 'utf8')) as { kind?: unknown };
    return parsed.kind === 'synthesis' || parsed.kind === 'report' || parsed.kind === 'plans' ? parsed.kind : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * True when `dir` is exactly what `cdktf synth` (or Stagecraft before the marker) writes:
 * manifest.json with a `stacks` object, stacks/<name>/cdk.tf.json and nothing else, and
 * optionally Stagecraft's migrations/<environment>/*.sql. Any other file makes it foreign.
 */
export function isUnmarkedSynthesis(dir: string): boolean {
  const entries = readdirSync(dir);
  if (!entries.includes('manifest.json') || !entries.includes('stacks')) return false;
  if (entries.some((e) => !['manifest.json', 'stacks', 'migrations'].includes(e))) return false;
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { stacks?: unknown };
    if (typeof manifest.stacks !== 'object' || manifest.stacks === null) return false;
  } catch {
    return false;
  }
  const onlyFiles = (path: string, allowed: (name: string) => boolean): boolean =>
    exists(path)?.isDirectory() === true && readdirSync(path).every((name) => allowed(name) && exists(join(path, name))?.isFile() === true);
  const dirsOf = (path: string, each: (child: string) => boolean): boolean =>
    exists(path)?.isDirectory() === true && readdirSync(path).every((name) => each(join(path, name)));
  if (!dirsOf(join(dir, 'stacks'), (stack) => onlyFiles(stack, (name) => name === 'cdk.tf.json'))) return false;
  if (entries.includes('migrations') && !dirsOf(join(dir, 'migrations'), (env) => onlyFiles(env, (name) => name.endsWith('.sql')))) return false;
  return true;
}

/** Why `dir` (which exists and is a directory) may not be replaced with output of `kind`, or undefined. */
function contentProblem(dir: string, kind: OutputKind): string | undefined {
  const entries = readdirSync(dir);
  if (entries.length === 0) return undefined;
  if (entries.includes(OUTPUT_MARKER)) {
    const written = markerKind(dir);
    if (written === kind) return undefined;
    return `holds Stagecraft ${written === 'unknown' ? 'output of an unknown kind' : `${written} output`}, not ${kind} output; give another directory`;
  }
  if (kind === 'report' && entries.includes(LEGACY_REPORT_MARKER)) return undefined;
  if (kind === 'synthesis' && isUnmarkedSynthesis(dir)) return undefined;
  return `is not empty and was not written by Stagecraft (no ${OUTPUT_MARKER} in it); ${ALLOWED}, or remove it yourself`;
}

/** Why `given` may not take output of `options.kind`, or undefined when it may. Reads the filesystem; writes nothing. */
export function outputProblem(given: string, options: OutputCheckOptions): Problem | undefined {
  const problem = (message: string): Problem => ({ file: options.command, path: options.flag, message });
  if (given.trim() === '') return problem(`an empty value is not a directory; ${ALLOWED}; received ""`);
  const path = resolve(options.cwd, given);
  const shown = given === path ? `"${given}"` : `"${given}" (${path})`;
  if (dirname(path) === path) return problem(`${shown} is the filesystem root; ${ALLOWED}`);
  const cwd = resolve(options.cwd);
  if (path === cwd) return problem(`${shown} is the current directory; ${ALLOWED}`);
  if (isInside(cwd, path)) return problem(`${shown} contains the current directory; ${ALLOWED}`);
  const project = projectRootOf(dirname(path));
  if (project !== undefined) {
    const top = relative(project, path).split(sep)[0];
    if (SOURCE_FOLDERS.includes(top)) return problem(`${shown} is in the project's source folder ${top}/; ${ALLOWED}`);
  }
  for (const input of options.inputs ?? []) {
    const inputPath = resolve(options.cwd, input);
    if (isInside(path, inputPath) || isInside(inputPath, path)) return problem(`${shown} overlaps ${input}, an input of this command; ${ALLOWED}`);
  }
  const stats = exists(path);
  if (stats === undefined) {
    // A missing directory is created, and so are its missing parents, unless one of them is a file.
    for (let parent = dirname(path); ; parent = dirname(parent)) {
      const parentStats = exists(parent);
      if (parentStats === undefined) continue;
      if (!statSync(parent).isDirectory()) return problem(`${shown} cannot be created: ${parent} is a file, not a directory`);
      break;
    }
    return undefined;
  }
  if (stats.isSymbolicLink()) return problem(`${shown} is a symbolic link; give the directory it points to, or a new one`);
  if (!stats.isDirectory()) return problem(`${shown} is a file, not a directory; ${ALLOWED}`);
  const markers = PROJECT_MARKERS.filter((m) => exists(join(path, m)));
  if (markers.length > 0) return problem(`${shown} is a project root (it holds ${markers.join(', ')}); ${ALLOWED}`);
  if (statSync(dirname(path)).dev !== stats.dev) return problem(`${shown} is a mount point; give a directory inside it`);
  const content = contentProblem(path, options.kind);
  return content === undefined ? undefined : problem(`${shown} ${content}`);
}

/** Checks `given` (throws UserInputError with the reason when it may not take the output). */
export function checkOutputDirectory(given: string, options: OutputCheckOptions): OutputTarget {
  const problem = outputProblem(given, options);
  if (problem) throw new UserInputError([problem]);
  return { ...options, given, path: resolve(options.cwd, given) };
}

/** Creates the missing ancestors of `dir`; returns them, outermost first, so a failure can remove them again. */
function createParents(dir: string): string[] {
  const missing: string[] = [];
  for (let current = dir; exists(current) === undefined; current = dirname(current)) missing.unshift(current);
  for (const path of missing) mkdirSync(path);
  return missing;
}

function writeFailure(target: OutputTarget, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !(code in WRITE_ERRORS)) return error as Error;
  return new UserInputError([
    {
      file: target.command,
      path: target.flag,
      message: `could not write "${target.given}": ${WRITE_ERRORS[code]} (${code}); the previous content is unchanged`,
    },
  ]);
}

/** Replaces `target.path` with `staging` (two renames), so readers see the old or the new directory, never a mix. */
export function swapInto(staging: string, target: string): void {
  if (exists(target) === undefined) {
    renameSync(staging, target);
    return;
  }
  const retired = `${staging}.previous`;
  renameSync(target, retired);
  try {
    renameSync(staging, target);
  } catch (error) {
    renameSync(retired, target);
    throw error;
  }
  rmSync(retired, { recursive: true, force: true });
}

interface Staged {
  readonly staging: string;
  readonly createdParents: string[];
}

function stage(target: OutputTarget): Staged {
  // Checked here too, so no caller can write without the checks (and again before the swap).
  const problem = outputProblem(target.given, target);
  if (problem) throw new UserInputError([problem]);
  const createdParents = createParents(dirname(target.path));
  try {
    return { staging: mkdtempSync(join(dirname(target.path), `.${basename(target.path)}.staging-`)), createdParents };
  } catch (error) {
    for (const dir of createdParents.reverse()) rmSync(dir, { recursive: true, force: true });
    throw writeFailure(target, error);
  }
}

function commit(target: OutputTarget, { staging }: Staged): void {
  writeFileSync(join(staging, OUTPUT_MARKER), `${JSON.stringify({ writtenBy: 'stagecraft', kind: target.kind })}\n`);
  // Checked again: the directory may have changed while the output was being built.
  const problem = outputProblem(target.given, target);
  if (problem) throw new UserInputError([problem]);
  swapInto(staging, target.path);
}

function abandon({ staging, createdParents }: Staged): void {
  rmSync(staging, { recursive: true, force: true });
  rmSync(`${staging}.previous`, { recursive: true, force: true });
  for (const dir of [...createdParents].reverse()) {
    if (exists(dir)?.isDirectory() && readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes `target` whole: `write` fills a fresh staging directory beside it, the marker is added,
 * and the staging directory replaces the target. On any failure the staging directory (and any
 * parent created for it) is removed and the target is left as it was.
 */
export function writeOutputDirectory<T>(target: OutputTarget, write: (staging: string) => T): T {
  const staged = stage(target);
  let done = false;
  try {
    const result = write(staged.staging);
    commit(target, staged);
    done = true;
    return result;
  } catch (error) {
    throw writeFailure(target, error);
  } finally {
    if (!done) abandon(staged);
  }
}

/** writeOutputDirectory for an asynchronous writer (the offline terraform plans). */
export async function writeOutputDirectoryAsync<T>(target: OutputTarget, write: (staging: string) => Promise<T>): Promise<T> {
  const staged = stage(target);
  let done = false;
  try {
    const result = await write(staged.staging);
    commit(target, staged);
    done = true;
    return result;
  } catch (error) {
    throw writeFailure(target, error);
  } finally {
    if (!done) abandon(staged);
  }
}
