/**
 * Precompiles the CLI into one CommonJS file, dist/cli.js, so a run loads plain JavaScript
 * instead of transpiling ~200 TypeScript files through tsx on every start. The edge Worker is bundled here too and
 * embedded, so synthesis does not start esbuild. `npm ci` runs this through `prepare`;
 * bin/stagecraft.js reruns it when any file the bundle was built from is newer than the bundle.
 */
const { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative, resolve, sep } = require('node:path');

const ROOT = resolve(__dirname, '..');
const BUNDLE = join('dist', 'cli.js');
/** V8's compiled code of the bundle (node 20 has no module.enableCompileCache): compiling 1.6 MB took a third of a `cost` run. */
const CODE_CACHE = join('dist', 'cli.js.v8cache');
/** The files the bundle was built from (esbuild's metafile inputs), for the staleness check. */
const INPUTS = join('dist', 'cli.inputs.json');

/** True in a checkout (the CLI's TypeScript entry is there); false in an installed package, which holds only the bundle. */
function hasSources(root = ROOT) {
  return statSync(join(root, 'cli', 'main.ts'), { throwIfNoEntry: false }) !== undefined;
}

/** Packages resolved from node_modules at run time: every dependency except the ones bundled (zod, yaml). */
const EXTERNAL = ['cdktf', 'constructs', '@cdktf/*', 'esbuild', '@aws-sdk/*', 'tsx', '@viz-js/viz', '@grpc/*', 'protobufjs'];

/**
 * True when the bundle is missing, was built in another directory, or is older than any file it was built from (or this script).
 * An installed package (npm pack ships dist/ but no TypeScript sources) is never stale: there is nothing to rebuild it from.
 */
function isStale(root = ROOT) {
  const bundle = statSync(join(root, BUNDLE), { throwIfNoEntry: false });
  if (!bundle) return true;
  if (!hasSources(root)) return false;
  let built;
  try {
    built = JSON.parse(readFileSync(join(root, INPUTS), 'utf8'));
  } catch {
    return true;
  }
  // A copied checkout rebuilds: the inputs' times say nothing about a bundle made elsewhere.
  if (built.root !== root || !Array.isArray(built.inputs)) return true;
  for (const input of [...built.inputs, 'scripts/build-cli.js']) {
    const source = statSync(`${root}/${input}`, { throwIfNoEntry: false });
    if (!source || source.mtimeMs > bundle.mtimeMs) return true;
  }
  return false;
}

/**
 * Gives each source file its own __dirname and __filename, as when it runs unbundled, so code
 * that reads files beside itself (templates, the Worker's entry, the package root) finds them
 * from dist/cli.js too. They are written relative to the bundle's own directory, so the bundle
 * works wherever the package is installed (npm pack ships it prebuilt).
 */
const SOURCE_PATHS = {
  name: 'source-paths',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(text)) return undefined;
      const dist = join(build.initialOptions.absWorkingDir, 'dist');
      const fromBundle = (path) => `require("node:path").join(__dirname, ${JSON.stringify(relative(dist, path).split(sep).join('/'))})`;
      const contents = text.replace(/\b__dirname\b/g, () => fromBundle(dirname(args.path))).replace(/\b__filename\b/g, () => fromBundle(args.path));
      return { contents, loader: 'ts' };
    });
  },
};

/** Builds dist/cli.js; the files are written under temporary names and renamed, so a concurrent run never reads half a bundle. */
async function buildCli(root = ROOT) {
  const { build, buildSync } = require('esbuild');
  const workerOptions = JSON.parse(readFileSync(join(root, 'workers', 'edge', 'build-options.json'), 'utf8'));
  const worker = buildSync({ ...workerOptions, absWorkingDir: root, entryPoints: ['workers/edge/index.ts'], metafile: true });
  const cli = await build({
    absWorkingDir: root,
    plugins: [SOURCE_PATHS],
    entryPoints: ['cli/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // zod and yaml (~170 small files) are bundled: resolving and reading them one by one took longer than
    // running the command. The rest stays in node_modules: cdktf and the providers are loaded only to synthesize.
    external: EXTERNAL,
    define: { STAGECRAFT_EDGE_WORKER_CODE: JSON.stringify(worker.outputFiles[0].text) },
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: BUNDLE,
  });
  mkdirSync(join(root, 'dist'), { recursive: true });
  const suffix = `.${process.pid}.tmp`;
  // A bundled package is represented by its package.json (rewritten when its version changes): one stat, not one per file.
  const packageOf = (input) => /^(node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
  const inputs = [
    ...new Set(
      [...Object.keys(worker.metafile.inputs), ...Object.keys(cli.metafile.inputs)].map((input) => {
        const bundledPackage = packageOf(input);
        return bundledPackage ? `${bundledPackage}/package.json` : input;
      }),
    ),
  ].sort();
  writeFileSync(join(root, INPUTS) + suffix, JSON.stringify({ root, inputs }, null, 1) + '\n');
  writeFileSync(join(root, BUNDLE) + suffix, cli.outputFiles[0].contents);
  rmSync(join(root, CODE_CACHE), { force: true });
  renameSync(join(root, INPUTS) + suffix, join(root, INPUTS));
  renameSync(join(root, BUNDLE) + suffix, join(root, BUNDLE));
}

/**
 * Loads dist/cli.js as require() would, but compiled with V8's code cache when there is one
 * (and the V8 version accepts it); a missing or rejected cache is written once the CLI has run,
 * so it holds the functions the run compiled too.
 */
function loadCli(root = ROOT) {
  const vm = require('node:vm');
  const Module = require('node:module');
  const filename = join(root, BUNDLE);
  const cacheFile = join(root, CODE_CACHE);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(filename, 'utf8')), { filename, cachedData, importModuleDynamically: undefined });
  const cli = new Module(filename, module);
  cli.filename = filename;
  cli.paths = Module._nodeModulePaths(dirname(filename));
  script.runInThisContext()(cli.exports, Module.createRequire(filename), cli, filename, dirname(filename));
  cli.loaded = true;
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        writeFileSync(cacheFile + `.${process.pid}.tmp`, script.createCachedData());
        renameSync(cacheFile + `.${process.pid}.tmp`, cacheFile);
      } catch {
        // A read-only checkout runs without the cache.
      }
    });
  }
  return cli.exports;
}

module.exports = { buildCli, hasSources, isStale, loadCli };

if (require.main === module) {
  buildCli().catch((error) => {
    process.stderr.write(`build-cli: ${error.message}\n`);
    process.exitCode = 1;
  });
}
