/**
 * Provider schemas derived from the binding packages, cached as JSON under
 * `node_modules/.cache/stagecraft-standin/`, keyed by the binding package's name and version and by
 * the derivation's own format version, so an upgraded binding or a changed deriver never serves a
 * stale schema. Deriving takes 3–7 s per provider; reading the cache ~50 ms.
 */
import * as fs from 'fs';
import * as path from 'path';
import { deriveProviderSchema } from './jsii-schema';
import { StandinProviderSpec } from './providers';
import { ProviderSchema } from './schema-model';

/** Bump when the derivation changes what it produces. */
const DERIVATION_FORMAT = 2;

/**
 * The stand-in cannot serve a provider because its binding package is missing, or its `.jsii`
 * manifest (where the schema comes from) is of another version than its package.json: a broken
 * install, bad input for every stack using the provider (`stagecraft validate` exits 2 naming them),
 * never a schema served for a version it does not describe.
 */
export class BindingSchemaError extends Error {
  constructor(
    /** The provider's local name, as stacks require it (`cloudflare`). */
    readonly provider: string,
    message: string,
  ) {
    super(message);
    this.name = 'BindingSchemaError';
  }
}

/** Where a binding package is installed and which version it is. */
export interface BindingPackage {
  readonly dir: string;
  readonly version: string;
}

/** Resolves a binding package from this project's node_modules. */
export function findBindingPackage(name: string): BindingPackage {
  const manifest = require.resolve(`${name}/package.json`, { paths: [process.cwd(), __dirname] });
  const version = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
  return { dir: path.dirname(manifest), version };
}

function cacheFile(spec: StandinProviderSpec, binding: BindingPackage): string {
  // <project>/node_modules/@cdktf/provider-x → <project>/node_modules/.cache
  const nodeModules = binding.dir.slice(0, binding.dir.lastIndexOf(`${path.sep}node_modules${path.sep}`) + '/node_modules'.length);
  const safeName = spec.bindingPackage.replace(/[^A-Za-z0-9.-]/g, '_');
  return path.join(nodeModules, '.cache', 'stagecraft-standin', `${safeName}@${binding.version}.v${DERIVATION_FORMAT}.json`);
}

/** The provider's schema: from the cache when it was derived from this exact binding version, else derived and cached. */
export function loadProviderSchema(spec: StandinProviderSpec): ProviderSchema {
  let binding: BindingPackage;
  try {
    binding = findBindingPackage(spec.bindingPackage);
  } catch (error) {
    throw new BindingSchemaError(
      spec.name,
      `the ${spec.name} stand-in's schema comes from ${spec.bindingPackage}, which is not installed (${(error as Error).message.split('\n')[0]}); run npm ci`,
    );
  }
  const file = cacheFile(spec, binding);
  const expected = `${spec.bindingPackage}@${binding.version}`;
  try {
    const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as ProviderSchema;
    if (cached.derivedFrom === expected) return cached;
  } catch {
    // no cache yet, or unreadable: derive below
  }
  const schema = deriveProviderSchema(binding.dir, { objectsAreAttributes: spec.objectsAreAttributes });
  if (schema.derivedFrom !== expected) {
    throw new BindingSchemaError(
      spec.name,
      `the ${spec.name} stand-in's schema would come from ${schema.derivedFrom} (the .jsii manifest in ${binding.dir}), ` +
        `but its package.json says ${binding.version}; reinstall the bindings (npm ci)`,
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(schema));
  fs.renameSync(temporary, file);
  return schema;
}
