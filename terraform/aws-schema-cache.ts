/**
 * The AWS provider's schema as `terraform providers schema -json` prints it, cached on disk. The
 * offline check reads it to type the stub outputs of cross-stack references (stub-state.ts), and
 * one such command costs ~5 CPU s (terraform decodes the provider's whole schema, then encodes it
 * as ~40 MB of JSON), in every run that has a stub needing it: the same bytes each time for the
 * same terraform and provider binaries. The cache sits under `node_modules/.cache/stagecraft-aws-schema/`
 * (beside the stand-in's), named by a hash of both binaries' paths, sizes and modification times
 * and the pinned version, so another terraform or provider never reads a stale schema; only the
 * block structure is kept (descriptions dropped). A cache that cannot be read or written is
 * skipped: the command runs as before.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { findBindingPackage } from './standin/schema-cache';

/** Bump when what is kept of the schema changes. */
const CACHE_FORMAT = 1;

function identity(file: string): string {
  const stat = fs.statSync(file);
  return `${path.resolve(file)}:${stat.size}:${stat.mtimeMs}`;
}

/** The cache file for this terraform and AWS provider binary, or undefined when either cannot be identified or there is no node_modules to keep it in. */
export function awsSchemaCacheFile(terraform: string, providerBinary: string | undefined, version: string): string | undefined {
  if (!providerBinary) return undefined;
  try {
    const key = createHash('sha256')
      .update(JSON.stringify([CACHE_FORMAT, version, identity(terraform), identity(providerBinary)]))
      .digest('hex')
      .slice(0, 24);
    const binding = findBindingPackage('@cdktf/provider-aws');
    const nodeModules = binding.dir.slice(0, binding.dir.lastIndexOf(`${path.sep}node_modules${path.sep}`) + '/node_modules'.length);
    return path.join(nodeModules, '.cache', 'stagecraft-aws-schema', `aws-${version}-${key}.json`);
  } catch {
    return undefined;
  }
}

/** `terraform providers schema -json` output cut to hashicorp/aws's entry (a stack with a stand-in provider lists that one too). */
export function awsProviderSchemaOnly(schema: unknown): unknown {
  const all = (schema as { provider_schemas?: Record<string, unknown> } | undefined)?.provider_schemas ?? {};
  const aws = Object.entries(all).filter(([address]) => address === 'registry.terraform.io/hashicorp/aws');
  return { ...(schema as object), provider_schemas: Object.fromEntries(aws) };
}

/** The cached schema JSON, or undefined. */
export function readAwsSchemaCache(file: string | undefined): unknown {
  if (!file) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Writes the schema JSON without its descriptions (atomically: a concurrent reader sees the old file or the whole new one). */
export function writeAwsSchemaCache(file: string | undefined, schema: unknown): void {
  if (!file) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(
      temporary,
      JSON.stringify(schema, (key, value: unknown) => (key === 'description' || key === 'description_kind' ? undefined : value)),
    );
    fs.renameSync(temporary, file);
  } catch {
    // A read-only node_modules: the next run asks terraform again.
  }
}
