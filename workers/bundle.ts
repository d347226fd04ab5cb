/**
 * Bundles the edge Worker (workers/edge/index.ts) into one ES module with esbuild, in
 * process, at synthesis. The bundle is the same for every environment (they differ only in
 * bindings), so it is built once per process and cached. The precompiled CLI (dist/cli.js,
 * scripts/build-cli.js) carries the Worker already bundled, built by the same options.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { BuildOptions, buildSync } from 'esbuild';
import buildOptions from './edge/build-options.json';

/** The Workers runtime behaviour the Worker is written against. */
export const EDGE_WORKER_COMPATIBILITY_DATE = '2025-04-01';

/** The module name the script is uploaded under (`main_module`). */
export const EDGE_WORKER_MAIN_MODULE = 'worker.js';

/** A built Worker: its code and what identifies it. */
export interface WorkerBundle {
  /** The ES module, minified. */
  readonly code: string;
  /** Size of `code` in bytes (UTF-8), what Cloudflare's script size limit counts. */
  readonly bytes: number;
  /** Hex SHA-256 of `code`. */
  readonly sha256: string;
}

/** The esbuild options of the Worker bundle; scripts/build-cli.js builds with the same file. */
const EDGE_WORKER_BUILD_OPTIONS = buildOptions as BuildOptions;

/** Set by scripts/build-cli.js (esbuild `define`) to the Worker's code; undefined under tsx and jest. */
declare const STAGECRAFT_EDGE_WORKER_CODE: string | undefined;

/** The Worker's source entry point. */
export const EDGE_WORKER_ENTRY = join(__dirname, 'edge', 'index.ts');

let cached: WorkerBundle | undefined;

/** The edge Worker's bundle, built on first use. Throws (a bug, not bad input) when the source does not compile. */
export function edgeWorkerBundle(): WorkerBundle {
  if (cached) return cached;
  const code =
    typeof STAGECRAFT_EDGE_WORKER_CODE === 'string'
      ? STAGECRAFT_EDGE_WORKER_CODE
      : buildSync({ ...EDGE_WORKER_BUILD_OPTIONS, write: false, entryPoints: [EDGE_WORKER_ENTRY] }).outputFiles[0].text;
  cached = { code, bytes: Buffer.byteLength(code, 'utf8'), sha256: createHash('sha256').update(code).digest('hex') };
  return cached;
}
