/** The layer order (scripts/layers.ts) holds for the repository, and the check catches a planted cycle and a planted upward import. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLayers } from '../../scripts/layers';
import { PROJECT_ROOT } from '../helpers/examples';

/** A throwaway tree of `files` (path → source). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('every import of the repository follows the layer order, with no cycle', () => {
  expect(checkLayers(PROJECT_ROOT).map((v) => v.message)).toEqual([]);
});

test('a planted cycle is caught, even through type-only imports', () => {
  const root = tree({
    'config/a.ts': "import type { B } from './b';\nexport type A = B;\n",
    'config/b.ts': "import type { A } from './a';\nexport type B = { a?: A };\n",
    'config/c.ts': "import { C } from './c';\nexport const C = 1;\n",
  });
  expect(checkLayers(root).map((v) => v.message)).toEqual(['import cycle: config/a.ts → config/b.ts', 'import cycle: config/c.ts']);
});

test('an import against the layer order is caught, naming both files and layers', () => {
  const root = tree({
    'config/environment.ts': "import { applyAutoscaling } from '../sizing/autoscaling';\nexport const x = applyAutoscaling;\n",
    'sizing/autoscaling/index.ts': 'export const applyAutoscaling = 1;\n',
    'extras/thing.ts': 'export const thing = 1;\n',
  });
  expect(checkLayers(root).map((v) => v.message)).toEqual([
    'config/environment.ts imports sizing/autoscaling/index.ts: config comes before sizing in the layer order',
    'extras/thing.ts: its folder is in no layer of scripts/layers.ts; add it there (and to docs/layout.md)',
  ]);
});
