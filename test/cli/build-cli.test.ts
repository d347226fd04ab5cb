/** When bin/stagecraft.js rebuilds dist/cli.js: the staleness check of scripts/build-cli.js on a fake checkout. */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isStale } = require('../../scripts/build-cli.js') as { isStale(root: string): boolean };

const BUILT = new Date('2026-01-02T00:00:00Z');
const BEFORE = new Date('2026-01-01T00:00:00Z');
const AFTER = new Date('2026-01-03T00:00:00Z');

/** A checkout with a bundle built at BUILT from `inputs`, each last changed at BEFORE. */
function checkout(inputs: string[], builtIn?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-build-'));
  for (const file of [...inputs, 'scripts/build-cli.js']) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
    utimesSync(join(root, file), BEFORE, BEFORE);
  }
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', 'cli.inputs.json'), JSON.stringify({ root: builtIn ?? root, inputs }));
  writeFileSync(join(root, 'dist', 'cli.js'), '');
  utimesSync(join(root, 'dist', 'cli.js'), BUILT, BUILT);
  return root;
}

describe('isStale', () => {
  it('is false when every input is older than the bundle', () => {
    expect(isStale(checkout(['cli/main.ts', 'config/load.ts']))).toBe(false);
  });

  it('is true when an input changed after the build', () => {
    const root = checkout(['cli/main.ts', 'config/load.ts']);
    utimesSync(join(root, 'config/load.ts'), AFTER, AFTER);
    expect(isStale(root)).toBe(true);
  });

  it('is true when the build script itself changed', () => {
    const root = checkout(['cli/main.ts']);
    utimesSync(join(root, 'scripts/build-cli.js'), AFTER, AFTER);
    expect(isStale(root)).toBe(true);
  });

  it('is true when an input is gone', () => {
    const root = checkout(['cli/main.ts']);
    writeFileSync(join(root, 'dist', 'cli.inputs.json'), JSON.stringify({ root, inputs: ['cli/main.ts', 'cli/removed.ts'] }));
    expect(isStale(root)).toBe(true);
  });

  it('is true when the bundle was built in another directory (its source paths point there)', () => {
    expect(isStale(checkout(['cli/main.ts'], '/somewhere/else'))).toBe(true);
  });

  it('is true without a bundle or without its list of inputs', () => {
    const noList = checkout(['cli/main.ts']);
    writeFileSync(join(noList, 'dist', 'cli.inputs.json'), 'not json');
    expect(isStale(noList)).toBe(true);
    expect(isStale(mkdtempSync(join(tmpdir(), 'stagecraft-build-')))).toBe(true);
  });
});
