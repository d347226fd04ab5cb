/**
 * Every citation of a source document ("seed 002 §10", "seed 004 Stage 4", "seed 000, section 2.3")
 * in the code, the example files and the docs points at an entry of docs/sources.md: the seed has
 * an anchor there, and so does the section when one is named.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../helpers/examples';

const SKIPPED = new Set(['node_modules', '.git', 'cdktf.out', 'dist', 'coverage', '__artifacts__']);
const CITATION = /\b[Ss]eeds? (\d{3})(?:,? (?:§ ?|section )(\d+(?:\.\d+)*)|,? Stage (\d+))?/g;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name) || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.(ts|yaml|md)$/.test(entry.name) && !entry.name.endsWith('.snap') ? [path] : [];
  });
}

/** The anchor a citation points at: `seed-002-10`, `seed-004-stage-4`, `seed-000`. */
function anchorOf(seed: string, section: string | undefined, stage: string | undefined): string {
  if (section) return `seed-${seed}-${section.replace(/\./g, '-')}`;
  if (stage) return `seed-${seed}-stage-${stage}`;
  return `seed-${seed}`;
}

test('every seed citation has its anchor in docs/sources.md', () => {
  const anchors = new Set([...readFileSync(join(PROJECT_ROOT, 'docs', 'sources.md'), 'utf8').matchAll(/id="([^"]+)"/g)].map((m) => m[1]));
  const cited = new Map<string, string>();
  for (const file of files(PROJECT_ROOT)) {
    for (const match of readFileSync(file, 'utf8').matchAll(CITATION)) {
      const anchor = anchorOf(match[1], match[2], match[3]);
      if (!cited.has(anchor)) cited.set(anchor, `${relative(PROJECT_ROOT, file)}: "${match[0]}"`);
    }
  }
  expect(cited.size).toBeGreaterThan(20);
  const missing = [...cited].filter(([anchor]) => !anchors.has(anchor)).map(([anchor, where]) => `${where} → #${anchor}`);
  expect(missing).toEqual([]);
});
