/**
 * Where a project's own files are. Stagecraft is installed into a team's infrastructure
 * repository; every command (and the cdktf app) runs from its root, found from any subfolder,
 * and reads that project's `environments/` and `services/`, never the package's example.
 *
 * The root is the nearest directory, from the working directory up, that holds `cdktf.json` or
 * an `environments/` folder (a folder with environments but no cdktf.json is a project too).
 * `cdktf.json` may move the two folders with `context.stagecraft.environments` and
 * `context.stagecraft.services` (paths relative to the root): this repository points them at
 * its example product, `examples/chat/`. A folder whose `environments/` or `services/` an
 * ancestor's `cdktf.json` points at is not a root of its own: the root is that ancestor, where
 * `cdktf synth` runs and writes `cdktf.out`, so both write the same output.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Problem, UserInputError } from './errors';
import { readInputFile } from './input-file';

/** The file that marks a project root (cdktf reads it too). */
export const PROJECT_FILE = 'cdktf.json';
/** Where environment files are, relative to the root, unless cdktf.json says otherwise. */
export const DEFAULT_ENVIRONMENTS_DIR = 'environments';
/** Where service files are, relative to the root, unless cdktf.json says otherwise. */
export const DEFAULT_SERVICES_DIR_NAME = 'services';

/** A project's folders, relative to its root (as messages name files). */
export interface ProjectLayout {
  /** @default 'environments' */
  readonly environmentsDir: string;
  /** @default 'services' */
  readonly servicesDir: string;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * The project root for `start`: the nearest directory up holding cdktf.json, or holding
 * environments/ unless the nearest cdktf.json above it points its environments or services at
 * that folder's; `start` itself when there is none.
 */
export function findProjectRoot(start: string): string {
  const from = resolve(start);
  let withEnvironments: string | undefined;
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, PROJECT_FILE))) {
      return withEnvironments === undefined || pointsAt(dir, withEnvironments) ? dir : withEnvironments;
    }
    if (withEnvironments === undefined && isDirectory(join(dir, DEFAULT_ENVIRONMENTS_DIR))) withEnvironments = dir;
    if (dirname(dir) === dir) return withEnvironments ?? from;
  }
}

/** Whether the cdktf.json of `root` places its environments or services in `folder`'s environments/ or services/. */
function pointsAt(root: string, folder: string): boolean {
  let layout: ProjectLayout;
  try {
    layout = projectLayout(root);
  } catch (error) {
    // A cdktf.json that is not ours to read (bad JSON, bad settings) claims nothing here.
    if (error instanceof UserInputError) return false;
    throw error;
  }
  return (
    resolve(root, layout.environmentsDir) === join(folder, DEFAULT_ENVIRONMENTS_DIR) ||
    resolve(root, layout.servicesDir) === join(folder, DEFAULT_SERVICES_DIR_NAME)
  );
}

const layouts = new Map<string, { mtimeMs: number; layout: ProjectLayout }>();

/** The folders of the project rooted at `root`, from its cdktf.json `context.stagecraft` (read once per change of the file). */
export function projectLayout(root: string): ProjectLayout {
  const file = join(root, PROJECT_FILE);
  const stats = statSync(file, { throwIfNoEntry: false });
  if (!stats) return { environmentsDir: DEFAULT_ENVIRONMENTS_DIR, servicesDir: DEFAULT_SERVICES_DIR_NAME };
  const cached = layouts.get(file);
  if (cached && cached.mtimeMs === stats.mtimeMs) return cached.layout;
  const layout = parseLayout(readInputFile(file, { file: PROJECT_FILE, path: '(root)' }, 'a JSON file'));
  layouts.set(file, { mtimeMs: stats.mtimeMs, layout });
  return layout;
}

/** The layout a cdktf.json text declares; every problem at once. */
export function parseLayout(text: string): ProjectLayout {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserInputError([{ file: PROJECT_FILE, path: '(root)', message: `not valid JSON (${(error as Error).message})` }]);
  }
  const object = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!object(data)) throw new UserInputError([{ file: PROJECT_FILE, path: '(root)', message: 'expected a JSON object' }]);
  const context = data.context;
  const settings = object(context) ? context.stagecraft : undefined;
  if (settings === undefined) return { environmentsDir: DEFAULT_ENVIRONMENTS_DIR, servicesDir: DEFAULT_SERVICES_DIR_NAME };
  if (!object(settings)) {
    throw new UserInputError([
      { file: PROJECT_FILE, path: 'context.stagecraft', message: `expected an object with environments and services; received ${JSON.stringify(settings)}` },
    ]);
  }
  const problems: Problem[] = [];
  const folder = (key: 'environments' | 'services', fallback: string): string => {
    const value = settings[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value.trim() === '' || isAbsolute(value)) {
      problems.push({
        file: PROJECT_FILE,
        path: `context.stagecraft.${key}`,
        message: `expected a folder relative to the project root (e.g. "${fallback}"); received ${JSON.stringify(value)}`,
      });
      return fallback;
    }
    return value.replace(/\/+$/, '');
  };
  const unknown = Object.keys(settings).filter((key) => key !== 'environments' && key !== 'services');
  for (const key of unknown) {
    problems.push({ file: PROJECT_FILE, path: `context.stagecraft.${key}`, message: 'unknown setting; allowed: environments, services' });
  }
  const layout = { environmentsDir: folder('environments', DEFAULT_ENVIRONMENTS_DIR), servicesDir: folder('services', DEFAULT_SERVICES_DIR_NAME) };
  if (problems.length > 0) throw new UserInputError(problems);
  return layout;
}
