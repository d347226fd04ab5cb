/**
 * Where `stagecraft review` gets its two syntheses: a synthesis directory, a git ref
 * (synthesized from a temporary worktree of that commit), or one environment synthesized at
 * two stages. Every source cleans up after itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { crossFieldProblems, resolveEnvironment, STAGE_SCOPED_FIELDS } from '../config/environment';
import { Problem, UserInputError } from '../config/errors';
import { environmentFiles, loadEnvironments } from '../config/load';
import { projectServiceCatalog } from '../config/services';
import { EnvironmentConfig } from '../config/schema';
import { Stage } from '../config/stages';
import { Synthesis } from '../synthesis/stack-views';
import { readSynthesis } from '../synthesis/read';
import { synthesizeEnvironments } from '../stacks/synthesize';
import { sizeEnvironments } from '../sizing/blueprint';
import { Blueprint } from '../sizing/blueprint-types';
import { reusePrebuiltCli } from './prebuilt-cli';

/** Where progress goes and which directory paths are relative to (the CLI's Io fits). */
interface Io {
  readonly cwd: string;
  err(text: string): void;
}

const COMMAND = 'stagecraft review';
/** The package this CLI runs from: its bin/ synthesizes a project's commit, and its node_modules serve a checkout of Stagecraft itself. */
const PACKAGE_ROOT = resolve(__dirname, '..');

/** A synthesis and how to dispose of what was made to get it. */
export interface Source {
  readonly synthesis: Synthesis;
  cleanup(): void;
}

function git(args: readonly string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { code: result.status ?? 1, stdout: (result.stdout ?? '').trim(), stderr: (result.stderr ?? '').trim() };
}

function problem(flag: string, message: string): UserInputError {
  return new UserInputError([{ file: COMMAND, path: flag, message }]);
}

/** Runs `node <cli> synth` in `cwd`; resolves to its exit code and stderr. */
function runSynth(cli: string, cwd: string, out: string, envSelectors: readonly string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    const args = [cli, 'synth', '--out', out, ...envSelectors.flatMap((e) => ['--env', e])];
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => done({ code: 127, stderr: error.message }));
    child.on('close', (code) => done({ code: code ?? 1, stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/**
 * Synthesizes a commit: `git worktree add --detach` into a temporary directory, `stagecraft synth`
 * in the project's folder there, and the worktree removed afterwards, whatever happens. A commit of
 * Stagecraft itself (it has bin/stagecraft.js) is synthesized by its own code, with a symlink to this
 * package's node_modules (no `npm ci`) and this package's CLI bundle when its sources are the same
 * (./prebuilt-cli.ts); a commit of a project that installs Stagecraft, by this package.
 */
async function fromGitRef(given: string, flag: string, envSelectors: readonly string[], io: Io): Promise<Source> {
  const top = git(['rev-parse', '--show-toplevel'], io.cwd);
  if (top.code !== 0) throw problem(flag, `${given} is not a directory, and ${io.cwd} is not in a git repository, so it is not a git ref either`);
  const commit = git(['rev-parse', '--verify', '--quiet', `${given}^{commit}`], top.stdout);
  if (commit.code !== 0 || commit.stdout === '') {
    throw problem(flag, `${given} is neither a synthesis directory nor a git ref known to the repository at ${top.stdout}`);
  }
  const short = commit.stdout.slice(0, 12);
  const temporary = mkdtempSync(join(tmpdir(), 'stagecraft-review-'));
  const worktree = join(temporary, 'src');
  const cleanup = (): void => {
    git(['worktree', 'remove', '--force', worktree], top.stdout);
    rmSync(temporary, { recursive: true, force: true });
    git(['worktree', 'prune'], top.stdout);
  };
  try {
    const added = git(['worktree', 'add', '--detach', worktree, commit.stdout], top.stdout);
    if (added.code !== 0) throw problem(flag, `could not check out ${given} (${short}) into a temporary worktree: ${added.stderr}`);
    const folder = relative(top.stdout, io.cwd);
    const projectDir = join(worktree, folder);
    const ownCli = join(worktree, 'bin', 'stagecraft.js');
    let cli = join(PACKAGE_ROOT, 'bin', 'stagecraft.js');
    if (existsSync(ownCli)) {
      cli = ownCli;
      symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(worktree, 'node_modules'), 'dir');
      reusePrebuiltCli(PACKAGE_ROOT, worktree);
    } else if (!existsSync(projectDir)) {
      throw problem(flag, `${given} (${short}) has no folder ${folder}, where this project is, so it cannot be synthesized`);
    }
    io.err(`synthesizing ${given} (${short}) in a temporary worktree\n`);
    const out = join(temporary, 'cdktf.out');
    const synth = await runSynth(cli, existsSync(ownCli) ? worktree : projectDir, out, envSelectors);
    if (synth.code !== 0) {
      const reason = synth.stderr.trim().split('\n').slice(0, 5).join('; ');
      throw problem(flag, `synthesizing ${given} (${short}) failed with exit code ${synth.code}: ${reason}`);
    }
    const synthesis = readSynthesis(out, { command: COMMAND, flag, given }, `${given} (${short})`);
    cleanup();
    return { synthesis, cleanup: () => undefined };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** A synthesis directory if `given` is a path that exists, else a git ref. */
export async function resolveSource(given: string, flag: string, envSelectors: readonly string[], io: Io): Promise<Source> {
  const path = resolve(io.cwd, given);
  if (existsSync(path)) return { synthesis: readSynthesis(path, { command: COMMAND, flag, given }), cleanup: () => undefined };
  return fromGitRef(given, flag, envSelectors, io);
}

/** Deletes `path` (`compute.hosts`) from a config copy. */
function without(config: EnvironmentConfig, path: string): EnvironmentConfig {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> | undefined = copy;
  for (const key of keys.slice(0, -1)) node = node?.[key] as Record<string, unknown> | undefined;
  if (node) delete node[keys[keys.length - 1]];
  return copy as unknown as EnvironmentConfig;
}

/**
 * The sizes an environment file may pin (each `@default from the stage profile` in the schema). A
 * pin chosen for one stage may not fit the next (a burstable cache node under the scale stage's
 * Redis Cluster auto scaling): the stage review then sizes it as that stage does and says which
 * pin to change, and to what, rather than refusing the whole move.
 */
const SIZE_PIN =
  /^(compute\.(instanceType|hosts|volumeGiB|nodes)|database\.(instanceClass|readReplicas|shards|storageGiB|nodesPerRegion)|cache\.(nodeType|shards|replicasPerShard)|queue\.instanceType|search\.(instanceType|dataNodes|volumeGiB)|streaming\.(instanceType|brokers|volumeGiB))(\.(min|max))?$/;

/** What a stage sizes in place of a dropped pin, read from its Blueprint; undefined where the pin has no one value. */
const SIZED_AS: Readonly<Record<string, (b: Blueprint) => string | number | undefined>> = {
  'compute.instanceType': (b) => b.cluster?.instanceType ?? b.hosts?.instanceType,
  'compute.hosts': (b) => b.hosts?.count,
  'database.instanceClass': (b) => b.postgres?.instanceClass,
  'database.readReplicas': (b) => b.postgres?.readReplicas,
  'cache.nodeType': (b) => b.redis.nodeType,
  'cache.shards': (b) => b.redis.shards,
  'cache.replicasPerShard': (b) => b.redis.replicasPerShard,
  'queue.instanceType': (b) => b.rabbitmq?.instanceType,
  'search.instanceType': (b) => b.search?.instanceType,
  'search.dataNodes': (b) => b.search?.dataNodes,
  'streaming.instanceType': (b) => b.kafka?.instanceType,
  'streaming.brokers': (b) => b.kafka?.brokers,
};

/** The value at `path` (`cache.nodeType`) of a config, or undefined. */
function valueAt(config: EnvironmentConfig, path: string): unknown {
  let node: unknown = config;
  for (const key of path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

/** A pin the review dropped for a stage, with the reason the stage refused it. */
interface DroppedPin {
  readonly path: string;
  readonly value: unknown;
  readonly reason: string;
}

/** The problems of `config` as a stage: the cross-field rules, then sizing; none when it synthesizes. */
function stageProblems(
  file: string,
  config: EnvironmentConfig,
  catalog: Parameters<typeof resolveEnvironment>[2],
): { problems: readonly Problem[]; blueprint?: Blueprint } {
  const crossField = crossFieldProblems(file, config);
  if (crossField.length > 0) return { problems: crossField };
  try {
    const [sized] = sizeEnvironments([resolveEnvironment(config, file, catalog)]);
    return { problems: [], blueprint: sized.blueprint };
  } catch (error) {
    if (error instanceof UserInputError) return { problems: error.problems };
    throw error;
  }
}

/** The note for pins a stage refused: each pin, why, what the review used, and what to write in the file. */
function droppedPinsNote(environment: string, file: string, stage: Stage, dropped: readonly DroppedPin[], blueprint: Blueprint | undefined): string {
  const pins = dropped.map((pin) => {
    const sized = blueprint && SIZED_AS[pin.path]?.(blueprint);
    const now = sized === undefined ? `${stage}'s own size` : `${stage}'s own size, ${sized}`;
    const change = sized === undefined ? `remove ${pin.path}` : `set ${pin.path}: ${sized} (or remove it)`;
    return `${pin.path}: ${JSON.stringify(pin.value)} does not fit ${stage} (${pin.reason}); the review uses ${now}. Before moving ${file} to ${stage}, ${change}.`;
  });
  return `As ${stage}, ${environment} cannot keep ${dropped.length === 1 ? 'a pinned size' : `${dropped.length} pinned sizes`}: ${pins.join(' ')}`;
}

/** One environment synthesized at two stages, with the settings each stage drops. */
export interface StageSources {
  readonly base: Source;
  readonly head: Source;
  readonly environment: string;
  readonly from: Stage;
  readonly to: Stage;
  readonly notes: readonly string[];
}

/**
 * Synthesizes one environment as `from` and as `to`, in temporary directories. Sizes that do
 * not apply to a stage are left out for that stage (and named in the notes), and so are sizes
 * pinned for the environment's own stage that another stage refuses (SIZE_PIN: the note says
 * what to change them to); every other rule of the environment file still holds, and a stage
 * the file cannot take is an input error.
 */
export function stageSources(selector: string, from: Stage | undefined, to: Stage, io: Io): StageSources {
  const [file] = environmentFiles([selector], io.cwd);
  const [environment] = loadEnvironments([file], io.cwd);
  const catalog = projectServiceCatalog(io.cwd).services;
  const fromStage = from ?? environment.stage;
  const notes: string[] = [];
  const droppedPins = new Map<Stage, readonly string[]>();
  // Both stages are checked before either is synthesized.
  const configFor = (stage: Stage): EnvironmentConfig => {
    let config: EnvironmentConfig = { ...structuredClone(environment.config), stage };
    const dropped = STAGE_SCOPED_FIELDS.filter((f) => f.present(config) && !f.stages.includes(stage)).map((f) => f.path);
    for (const path of dropped) config = without(config, path);
    if (dropped.length > 0)
      notes.push(`As ${stage}, ${environment.name} leaves out ${dropped.join(', ')}, which ${dropped.length === 1 ? 'does' : 'do'} not apply to ${stage}.`);
    const pins: DroppedPin[] = [];
    for (;;) {
      const { problems, blueprint } = stageProblems(environment.sourceFile, config, catalog);
      // The environment's own stage keeps every pin: a pin it refuses is the file's error, not the move's.
      const refused =
        stage === environment.stage
          ? []
          : problems.filter((p) => SIZE_PIN.test(p.path) && valueAt(config, p.path) !== undefined && !pins.some((pin) => pin.path === p.path));
      if (problems.length === 0) {
        if (pins.length > 0) {
          notes.push(droppedPinsNote(environment.name, environment.sourceFile, stage, pins, blueprint));
          droppedPins.set(
            stage,
            pins.map((pin) => pin.path),
          );
        }
        return config;
      }
      if (refused.length === 0) {
        throw new UserInputError(problems.map((p): Problem => ({ ...p, message: `as stage ${stage}: ${p.message}` })));
      }
      for (const problem of refused) {
        if (pins.some((pin) => pin.path === problem.path)) continue;
        pins.push({ path: problem.path, value: valueAt(config, problem.path), reason: problem.message.replace(/; received .*$/s, '') });
        config = without(config, problem.path);
      }
    }
  };
  const configs = { from: configFor(fromStage), to: configFor(to) };
  const build = (stage: Stage, config: EnvironmentConfig, label: string): Source => {
    // Read into memory at once; the temporary directory goes straight away.
    const temporary = mkdtempSync(join(tmpdir(), `stagecraft-review-${stage}-`));
    try {
      const out = join(temporary, 'cdktf.out');
      const pins = droppedPins.get(stage) ?? [];
      io.err(`synthesizing ${environment.name} as ${stage}${pins.length > 0 ? `, without its pinned ${pins.join(', ')} (see the notes)` : ''}\n`);
      synthesizeEnvironments([resolveEnvironment(config, environment.sourceFile, catalog)], { outdir: out, stateDir: io.cwd });
      return { synthesis: readSynthesis(out, { command: COMMAND, flag: label, given: out }, `${environment.name} as ${stage}`), cleanup: () => undefined };
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
  };
  const base = build(fromStage, configs.from, '--from-stage');
  const head = build(to, configs.to, '--to-stage');
  return { base, head, environment: environment.name, from: fromStage, to, notes };
}
