/**
 * One synthesis of the example environments shared by every test file and jest worker, kept in
 * node_modules/.cache under a hash of every source file that can change it. A file of a run
 * reuses what an earlier file (or run) wrote; an edit anywhere gives a new hash and a fresh
 * synthesis, so a cached one is never stale. One process synthesizes an entry while the others
 * wait for it (a lock beside the entry): on a fresh clone both jest workers used to synthesize
 * the examples at once, each for itself. STAGECRAFT_TEST_CACHE=0 turns it off;
 * STAGECRAFT_TEST_CACHE_DIR moves it (the benchmark gives each run an empty one).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Environment } from '../../config/environment';
import { SynthesizedStackSummary, synthesizeEnvironments } from '../../stacks/synthesize';
import { takeLock } from './lock';

/** Directories whose files cannot change a synthesis (the test helpers that make it are added back). */
const NOT_SOURCES = new Set(['node_modules', 'test', 'bench', 'dist', 'cdktf.out', 'coverage', 'scripts']);
/** Every other file counts, whatever its type (a template read at synthesis is a source too), except local state. */
const NOT_SOURCE_FILE = /\.tfstate(\.|$)/;
/** A cache entry unused this long is removed when a new one is written. */
const PRUNE_AFTER_MS = 60 * 60 * 1000;
/** How often a process waiting for another's synthesis looks again. */
const POLL_MS = 100;

/** A synthesis in the cache: the `cdktf.out` directory (read it, do not write to it) and its summaries. */
export interface CachedSynthesis {
  readonly outdir: string;
  readonly summaries: SynthesizedStackSummary[];
}

function sourceFiles(root: string, dir: string, into: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || (dir === root && NOT_SOURCES.has(entry.name))) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(root, path, into);
    else if (entry.isFile() && !NOT_SOURCE_FILE.test(entry.name)) into.push(path);
  }
  return into;
}

/** The sources' part of the hash, per root: read once per test file (no test edits the sources mid-run). */
const sourcesDigests = new Map<string, Buffer>();

/** SHA-256 over the path and content of every source file, these helpers, and the environments synthesized. */
export function sourceHash(root: string, environments: readonly Environment[]): string {
  let sources = sourcesDigests.get(root);
  if (!sources) {
    const hash = createHash('sha256');
    const files = sourceFiles(root, root, [join(__dirname, 'synthesis-cache.ts'), join(__dirname, 'examples.ts')]).sort();
    for (const file of files) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    sources = hash.digest();
    sourcesDigests.set(root, sources);
  }
  return createHash('sha256').update(JSON.stringify(environments)).update(process.version).update(sources).digest('hex').slice(0, 20);
}

/** The synthesis of `environments` (`name` labels it in the cache), synthesized now if no file or run has yet. */
export function cachedSynthesis(root: string, name: string, environments: readonly Environment[]): CachedSynthesis {
  const cacheRoot = process.env.STAGECRAFT_TEST_CACHE_DIR ?? join(root, 'node_modules', '.cache', 'stagecraft-tests');
  const entry = join(cacheRoot, `${name}-${sourceHash(root, environments)}`);
  const summariesFile = join(entry, 'summaries.json');
  const cached = (): CachedSynthesis => ({
    outdir: join(entry, 'cdktf.out'),
    summaries: JSON.parse(readFileSync(summariesFile, 'utf8')) as SynthesizedStackSummary[],
  });
  if (process.env.STAGECRAFT_TEST_CACHE === '0') return synthesizeInto(cacheRoot, name, entry, environments);
  mkdirSync(cacheRoot, { recursive: true });
  const lock = `${entry}.lock`;
  for (;;) {
    if (existsSync(summariesFile)) return cached();
    if (takeLock(lock)) break;
    // Another worker is synthesizing the same entry: waiting for it costs less than a second synthesis.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, POLL_MS);
  }
  try {
    return existsSync(summariesFile) ? cached() : synthesizeInto(cacheRoot, name, entry, environments);
  } finally {
    rmSync(lock, { force: true });
  }
}

function synthesizeInto(cacheRoot: string, name: string, entry: string, environments: readonly Environment[]): CachedSynthesis {
  mkdirSync(cacheRoot, { recursive: true });
  // Synthesized beside the entry and renamed into place: a concurrent reader sees all of it or nothing.
  const staging = mkdtempSync(join(cacheRoot, `.${name}-`));
  const summaries = synthesizeEnvironments(environments, { outdir: join(staging, 'cdktf.out'), stateDir: staging });
  writeFileSync(join(staging, 'summaries.json'), JSON.stringify(summaries));
  try {
    renameSync(staging, entry);
    prune(cacheRoot, entry);
  } catch {
    // An entry is already in place (STAGECRAFT_TEST_CACHE=0, or a run without the lock); its copy is identical.
    rmSync(staging, { recursive: true, force: true });
  }
  return { outdir: join(entry, 'cdktf.out'), summaries };
}

function prune(cacheRoot: string, keep: string): void {
  for (const name of readdirSync(cacheRoot)) {
    const path = join(cacheRoot, name);
    if (path !== keep && Date.now() - statSync(path).mtimeMs > PRUNE_AFTER_MS) rmSync(path, { recursive: true, force: true });
  }
}
