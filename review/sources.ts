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
 * package's node_modules (no `npm ci`); a commit of a project that installs Stagecraft, by this package.
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
 * not apply to a stage are left out for that stage (and named in the notes); every other rule
 * of the environment file still holds, and a stage the file cannot take is an input error.
 */
export function stageSources(selector: string, from: Stage | undefined, to: Stage, io: Io): StageSources {
  const [file] = environmentFiles([selector], io.cwd);
  const [environment] = loadEnvironments([file], io.cwd);
  const catalog = projectServiceCatalog(io.cwd).services;
  const fromStage = from ?? environment.stage;
  const notes: string[] = [];
  // Both stages are checked before either is synthesized.
  const configFor = (stage: Stage): EnvironmentConfig => {
    let config: EnvironmentConfig = { ...structuredClone(environment.config), stage };
    const dropped = STAGE_SCOPED_FIELDS.filter((f) => f.present(config) && !f.stages.includes(stage)).map((f) => f.path);
    for (const path of dropped) config = without(config, path);
    if (dropped.length > 0)
      notes.push(`As ${stage}, ${environment.name} leaves out ${dropped.join(', ')}, which ${dropped.length === 1 ? 'does' : 'do'} not apply to ${stage}.`);
    const problems = crossFieldProblems(environment.sourceFile, config);
    if (problems.length > 0) {
      throw new UserInputError(problems.map((p): Problem => ({ ...p, message: `as stage ${stage}: ${p.message}` })));
    }
    return config;
  };
  const configs = { from: configFor(fromStage), to: configFor(to) };
  const build = (stage: Stage, config: EnvironmentConfig, label: string): Source => {
    // Read into memory at once; the temporary directory goes straight away.
    const temporary = mkdtempSync(join(tmpdir(), `stagecraft-review-${stage}-`));
    try {
      const out = join(temporary, 'cdktf.out');
      io.err(`synthesizing ${environment.name} as ${stage}\n`);
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
