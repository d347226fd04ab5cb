/**
 * The layer order of the source folders, and a check of every import against it: a folder
 * imports only from itself and from folders before it, and no file takes part in an import
 * cycle. `test/architecture/layers.test.ts` runs it on the repository (and on a planted cycle);
 * `npm run lint` runs it too. docs/layout.md explains the order.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * The data flow, first to last: YAML → config → sizing → (the synthesis reader, the guardrails
 * the builders may name) → builders → stacks → the offline-terraform engine → consumers → CLI.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['config'],
  ['sizing'],
  ['synthesis'],
  ['policies'],
  ['workers'],
  ['constructs'],
  ['services'],
  ['stacks'],
  ['terraform'],
  ['cost'],
  ['graph'],
  ['review'],
  ['advice'],
  ['readiness'],
  ['report'],
  ['cli'],
  ['main.ts', 'bench', 'scripts'],
  ['test'],
];

/** One import that breaks the order, or one cycle. */
export interface LayerViolation {
  readonly kind: 'order' | 'cycle';
  readonly message: string;
}

const SKIPPED = new Set(['node_modules', '.git', 'cdktf.out', 'dist', '.gen', 'coverage']);

/** Every .ts file under `root`, relative, with `/` separators. */
function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED.has(entry.name) || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/** The files `file` imports, re-exports or requires by a relative path that resolves to a file here. */
function localImports(root: string, file: string, known: ReadonlySet<string>): string[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  const out: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = normalize(join(dirname(file), fileName))
      .split(sep)
      .join('/');
    const target = [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => known.has(candidate));
    if (target) out.push(target);
  }
  return out;
}

function layerOf(file: string): number {
  const top = file.includes('/') ? file.slice(0, file.indexOf('/')) : file;
  return LAYERS.findIndex((layer) => layer.includes(top));
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** Every order violation and cycle among the .ts files under `root`. */
export function checkLayers(root: string): LayerViolation[] {
  const files = sourceFiles(root);
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, localImports(root, file, known)]));
  const violations: LayerViolation[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    if (from < 0) {
      violations.push({ kind: 'order', message: `${file}: its folder is in no layer of scripts/layers.ts; add it there (and to docs/layout.md)` });
      continue;
    }
    for (const target of targets) {
      const to = layerOf(target);
      if (to > from)
        violations.push({
          kind: 'order',
          message: `${file} imports ${target}: ${LAYERS[from].join('/')} comes before ${LAYERS[to].join('/')} in the layer order`,
        });
    }
  }
  for (const component of cycles(graph)) violations.push({ kind: 'cycle', message: `import cycle: ${component.join(' → ')}` });
  return violations;
}

if (require.main === module) {
  const violations = checkLayers(process.cwd());
  for (const v of violations) process.stderr.write(`${v.message}\n`);
  process.stdout.write(violations.length === 0 ? 'layers: every import follows the layer order; no cycles\n' : '');
  process.exit(violations.length === 0 ? 0 : 1);
}
