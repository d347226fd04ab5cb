/**
 * A review's worktree of a Stagecraft commit takes the running package's CLI bundle only when the
 * commit would build that very bundle: every input the same, byte for byte, and the bundle fresh.
 * The worktree's own staleness check (scripts/build-cli.js, as its bin/stagecraft.js runs it) then
 * accepts the copy; any difference leaves the worktree without one, to build its own.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { reusePrebuiltCli } from '../../review/prebuilt-cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isStale } = require('../../scripts/build-cli.js') as { isStale(root: string): boolean };

const SOURCES: Record<string, string> = {
  'cli/main.ts': 'export const main = 1;\n',
  'config/schema.ts': 'export const schema = 2;\n',
  'node_modules/zod/package.json': '{"version":"4.6.7"}\n',
  'scripts/build-cli.js': '// the build script\n',
};

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'stagecraft-prebuilt-cli-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** A checkout at `root` with SOURCES (and `edits`); `bundle` adds a dist/ built there from them, newer than each. */
function checkout(name: string, edits: Record<string, string> = {}, bundle = false): string {
  const root = join(scratch, name);
  const past = new Date(Date.now() - 60_000);
  for (const [path, text] of Object.entries({ ...SOURCES, ...edits })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    utimesSync(join(root, path), past, past);
  }
  if (bundle) {
    mkdirSync(join(root, 'dist'));
    const inputs = Object.keys(SOURCES).filter((p) => p !== 'scripts/build-cli.js');
    writeFileSync(join(root, 'dist', 'cli.inputs.json'), JSON.stringify({ root, inputs }, null, 1) + '\n');
    writeFileSync(join(root, 'dist', 'cli.js.v8cache'), 'code cache');
    writeFileSync(join(root, 'dist', 'cli.js'), '// the bundle\n');
  }
  return root;
}

describe("a review worktree takes the package's CLI bundle", () => {
  it('when every input is the same: the bundle, its code cache and its inputs (recorded as built there), which its own check finds fresh', () => {
    const pkg = checkout('package', {}, true);
    const worktree = checkout('worktree');
    expect(isStale(worktree)).toBe(true);
    expect(reusePrebuiltCli(pkg, worktree)).toBe(true);
    expect(readFileSync(join(worktree, 'dist', 'cli.js'), 'utf8')).toBe('// the bundle\n');
    expect(readFileSync(join(worktree, 'dist', 'cli.js.v8cache'), 'utf8')).toBe('code cache');
    expect(JSON.parse(readFileSync(join(worktree, 'dist', 'cli.inputs.json'), 'utf8'))).toEqual({
      root: worktree,
      inputs: ['cli/main.ts', 'config/schema.ts', 'node_modules/zod/package.json'],
    });
    expect(isStale(worktree)).toBe(false);
  });

  it.each([
    ['an input differs', { 'config/schema.ts': 'export const schema = 3;\n' }],
    ['the build script differs', { 'scripts/build-cli.js': '// another build script\n' }],
  ])('not when %s: the worktree builds its own', (_, edits) => {
    const pkg = checkout('package', {}, true);
    const worktree = checkout('worktree', edits);
    expect(reusePrebuiltCli(pkg, worktree)).toBe(false);
    expect(existsSync(join(worktree, 'dist'))).toBe(false);
  });

  it("not when the package's bundle is stale, missing, or was built in another directory", () => {
    const stale = checkout('stale', {}, true);
    const later = new Date(statSync(join(stale, 'dist', 'cli.js')).mtimeMs + 5_000);
    utimesSync(join(stale, 'config', 'schema.ts'), later, later);
    const missing = checkout('missing', {}, true);
    rmSync(join(missing, 'dist', 'cli.js'));
    const moved = checkout('moved', {}, true);
    const inputs = JSON.parse(readFileSync(join(moved, 'dist', 'cli.inputs.json'), 'utf8')) as { root: string; inputs: string[] };
    writeFileSync(join(moved, 'dist', 'cli.inputs.json'), JSON.stringify({ ...inputs, root: '/elsewhere' }));
    const worktree = checkout('worktree');
    expect([stale, missing, moved].map((pkg) => reusePrebuiltCli(pkg, worktree))).toEqual([false, false, false]);
    expect(existsSync(join(worktree, 'dist'))).toBe(false);
  });
});
