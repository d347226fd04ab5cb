/**
 * A package-lock.json for a fresh project that installs this package's tarball, made from this
 * repository's own lock: every package the tarball needs (and any `extra` dev tool, e.g. cdktf-cli)
 * at the version and place this repository installed it, with its resolved URL and integrity. npm
 * then installs from its local cache by integrity alone (`--offline`); without a lock it would
 * first need the registry's metadata of every package, which an offline cache does not hold.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly [key: string]: unknown;
}

/** Where node would find `name` from the package at `from` (a lock path like node_modules/a/node_modules/b). */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let dir = from; ; dir = posix.dirname(posix.dirname(dir))) {
    const candidate = dir === '' || dir === '.' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === '' || dir === '.') return undefined;
    // node_modules/@scope/name → step over the scope folder too.
    if (posix.basename(posix.dirname(dir)).startsWith('@')) dir = posix.dirname(dir);
  }
}

/** The lock paths of `roots` and everything they need, from `packages`. */
function closure(packages: Record<string, LockEntry>, roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = roots.map((name) => `node_modules/${name}`);
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    const entry = packages[path];
    if (!entry) throw new Error(`${path} is not in this repository's package-lock.json`);
    seen.add(path);
    const optionalPeers = new Set(
      Object.entries(entry.peerDependenciesMeta ?? {})
        .filter(([, m]) => m.optional)
        .map(([n]) => n),
    );
    const needed = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !optionalPeers.has(n)),
    ];
    for (const name of needed) {
      const found = locate(packages, path, name);
      if (found) queue.push(found);
      else if (!(name in (entry.optionalDependencies ?? {}))) throw new Error(`${path} needs ${name}, which this repository's lock does not hold`);
    }
  }
  return seen;
}

/** The lock of a project named `name` whose devDependencies are the tarball (as `stagecraft`) and `extra` at this repository's versions. */
export function consumerLock(repoRoot: string, name: string, tarball: string, extra: readonly string[] = []): { packageJson: object; lock: object } {
  const repoLock = JSON.parse(readFileSync(posix.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const manifest = JSON.parse(readFileSync(posix.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown> & { dependencies: Record<string, string> };
  const packages = repoLock.packages;
  const paths = closure(packages, [...Object.keys(manifest.dependencies), ...extra]);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const devDependencies: Record<string, string> = { stagecraft: `file:${tarball}` };
  for (const tool of extra) devDependencies[tool] = packages[`node_modules/${tool}`].version!;
  const entries: Record<string, unknown> = {
    '': { name, devDependencies },
    'node_modules/stagecraft': {
      version: manifest.version,
      resolved: `file:${tarball}`,
      integrity,
      dev: true,
      license: manifest.license,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  for (const path of [...paths].sort()) {
    const entry: Record<string, unknown> = { ...packages[path], dev: true };
    delete entry.devOptional;
    delete entry.peer;
    entries[path] = entry;
  }
  return {
    packageJson: { name, version: '1.0.0', private: true, devDependencies },
    lock: { name, version: '1.0.0', lockfileVersion: 3, requires: true, packages: entries },
  };
}
