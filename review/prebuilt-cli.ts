/**
 * A review of a git ref of Stagecraft itself runs that commit's own `bin/stagecraft.js` in a fresh
 * worktree, which has no `dist/`, so it bundles the CLI before synthesizing (~1.7 CPU seconds, once
 * per ref). When every file the running package's bundle was built from (scripts/build-cli.js's
 * `dist/cli.inputs.json`, and that script) is byte for byte the same in the worktree, the commit's
 * bundle would be that one: it is copied in instead, with its V8 code cache, and recorded as built
 * there, so the commit's own staleness check accepts it. Any difference, a stale or missing bundle
 * here, or a bundle built in another directory leaves the worktree to build its own, as before.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** scripts/build-cli.js's outputs, relative to the package root. */
const BUNDLE = join('dist', 'cli.js');
const CODE_CACHE = join('dist', 'cli.js.v8cache');
const INPUTS = join('dist', 'cli.inputs.json');
const BUILD_SCRIPT = join('scripts', 'build-cli.js');

/** Copies `packageRoot`'s bundle into `worktree` when it is what the worktree would build; returns whether it did. */
export function reusePrebuiltCli(packageRoot: string, worktree: string): boolean {
  const bundle = statSync(join(packageRoot, BUNDLE), { throwIfNoEntry: false });
  if (!bundle || existsSync(join(worktree, BUNDLE))) return false;
  let built: { root?: unknown; inputs?: unknown };
  try {
    built = JSON.parse(readFileSync(join(packageRoot, INPUTS), 'utf8')) as { root?: unknown; inputs?: unknown };
  } catch {
    return false;
  }
  if (built.root !== packageRoot || !Array.isArray(built.inputs) || !built.inputs.every((i): i is string => typeof i === 'string')) return false;
  for (const input of [...built.inputs, BUILD_SCRIPT]) {
    const ours = statSync(join(packageRoot, input), { throwIfNoEntry: false });
    // Stale here (an input newer than the bundle), or gone: the bundle is not what these sources build.
    if (!ours || ours.mtimeMs > bundle.mtimeMs) return false;
    const theirs = join(worktree, input);
    if (!existsSync(theirs) || !readFileSync(theirs).equals(readFileSync(join(packageRoot, input)))) return false;
  }
  mkdirSync(join(worktree, 'dist'), { recursive: true });
  // The inputs first and the bundle last: the bundle is then newer than every file its check reads.
  writeFileSync(join(worktree, INPUTS), JSON.stringify({ root: worktree, inputs: built.inputs }, null, 1) + '\n');
  if (existsSync(join(packageRoot, CODE_CACHE))) copyFileSync(join(packageRoot, CODE_CACHE), join(worktree, CODE_CACHE));
  copyFileSync(join(packageRoot, BUNDLE), join(worktree, BUNDLE));
  return true;
}
