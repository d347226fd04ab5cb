/**
 * Precompiles the CLI into one CommonJS file, dist/cli.js, so a run loads plain JavaScript
 * instead of transpiling ~200 TypeScript files through tsx on every start. Packages stay
 * external (resolved from node_modules at run time). The edge Worker is bundled here too and
 * embedded, so synthesis does not start esbuild. `npm ci` runs this through `prepare`;
 * bin/stagecraft.js reruns it when any file the bundle was built from is newer than the bundle.
 */
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const BUNDLE = join('dist', 'cli.js');
/** The files the bundle was built from (esbuild's metafile inputs), for the staleness check. */
const INPUTS = join('dist', 'cli.inputs.json');

/** True when the bundle is missing or older than any file it was built from (or this script). */
function isStale(root = ROOT) {
  const bundle = statSync(join(root, BUNDLE), { throwIfNoEntry: false });
  if (!bundle) return true;
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(join(root, INPUTS), 'utf8'));
  } catch {
    return true;
  }
  for (const input of [...inputs, 'scripts/build-cli.js']) {
    const source = statSync(join(root, input), { throwIfNoEntry: false });
    if (!source || source.mtimeMs > bundle.mtimeMs) return true;
  }
  return false;
}

/** Builds dist/cli.js; the files are written under temporary names and renamed, so a concurrent run never reads half a bundle. */
function buildCli(root = ROOT) {
  const { buildSync } = require('esbuild');
  const workerOptions = JSON.parse(readFileSync(join(root, 'workers', 'edge', 'build-options.json'), 'utf8'));
  const worker = buildSync({ ...workerOptions, absWorkingDir: root, entryPoints: ['workers/edge/index.ts'], metafile: true });
  const cli = buildSync({
    absWorkingDir: root,
    entryPoints: ['cli/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    define: { STAGECRAFT_EDGE_WORKER_CODE: JSON.stringify(worker.outputFiles[0].text) },
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: BUNDLE,
  });
  mkdirSync(join(root, 'dist'), { recursive: true });
  const suffix = `.${process.pid}.tmp`;
  const inputs = [...new Set([...Object.keys(worker.metafile.inputs), ...Object.keys(cli.metafile.inputs)])].sort();
  writeFileSync(join(root, INPUTS) + suffix, JSON.stringify(inputs, null, 1) + '\n');
  writeFileSync(join(root, BUNDLE) + suffix, cli.outputFiles[0].contents);
  renameSync(join(root, INPUTS) + suffix, join(root, INPUTS));
  renameSync(join(root, BUNDLE) + suffix, join(root, BUNDLE));
}

module.exports = { buildCli, isStale };

if (require.main === module) buildCli();
