/**
 * Before Terraform runs a stack against the stand-in: which of the stack's providers the stand-in
 * serves, and every reason it cannot check the stack faithfully. A stack that pins a provider
 * version other than the one the bindings describe, or uses a resource or data source type the
 * served schema lacks, is reported by stack and type; it is never planned against a schema that
 * does not match it.
 */
import { STANDIN_PROVIDERS, StandinProviderSpec } from './providers';
import { ProviderSchema } from './schema-model';

/** A synthesized stack, loosely typed (`cdk.tf.json`). */
export type StackDocument = Record<string, unknown>;

/** One reason a stack cannot be checked with the stand-in. */
export interface PreflightProblem {
  readonly stack: string;
  /** The provider, resource or data source type concerned, e.g. `cloudflare_dns_record` or `data.cloudflare_zone`. */
  readonly type: string;
  readonly message: string;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The registry address a `required_providers` source names (`cloudflare/cloudflare` → registry.terraform.io/cloudflare/cloudflare). */
export function providerAddress(localName: string, source: unknown): string {
  const given = typeof source === 'string' && source ? source : localName;
  const parts = given.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return parts.join('/');
}

/** The stand-in providers a stack requires, by local name. */
export function standinProvidersOf(stack: StackDocument): StandinProviderSpec[] {
  const required = record(record(stack.terraform).required_providers);
  return Object.keys(required)
    .map((name) => STANDIN_PROVIDERS[name])
    .filter((spec): spec is StandinProviderSpec => spec !== undefined);
}

/** Every problem that keeps the stand-in from checking `stack` faithfully; empty when it can. */
export function preflightStack(stackName: string, stack: StackDocument, schemas: { readonly [name: string]: ProviderSchema }): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  const required = record(record(stack.terraform).required_providers);
  for (const [name, requirement] of Object.entries(required)) {
    if (!STANDIN_PROVIDERS[name]) continue;
    const schema = schemas[name];
    if (!schema) {
      problems.push({ stack: stackName, type: name, message: `the stand-in for ${name} is not running` });
      continue;
    }
    const entry = record(requirement);
    const address = providerAddress(name, typeof requirement === 'string' ? undefined : entry.source);
    if (address !== schema.address) {
      problems.push({ stack: stackName, type: name, message: `requires ${address}, but the ${name} stand-in serves ${schema.address}` });
    }
    const version = typeof requirement === 'string' ? requirement : entry.version;
    if (version !== schema.providerVersion) {
      problems.push({
        stack: stackName,
        type: name,
        message:
          `requires ${name} provider version ${typeof version === 'string' ? `"${version}"` : '(any)'}, but the stand-in's schema is ` +
          `${schema.address} ${schema.providerVersion} (from ${schema.derivedFrom}); pin the version the bindings were generated from`,
      });
    }
  }
  for (const [mode, key] of [
    ['resource', 'resource'],
    ['data source', 'data'],
  ] as const) {
    for (const type of Object.keys(record(stack[key]))) {
      const spec = STANDIN_PROVIDERS[type.split('_')[0]];
      const schema = spec ? schemas[spec.name] : undefined;
      if (!spec || !schema) continue;
      const served = mode === 'resource' ? schema.resources : schema.dataSources;
      if (!served[type]) {
        problems.push({
          stack: stackName,
          type: mode === 'resource' ? type : `data.${type}`,
          message: `the ${spec.name} stand-in (${schema.derivedFrom}, provider ${schema.providerVersion}) has no ${mode} type ${type}`,
        });
      }
    }
  }
  return problems;
}

/** `<stack>: <type>: <message>`, one line per problem. */
export function formatPreflightProblem(problem: PreflightProblem): string {
  return `${problem.stack}: ${problem.type}: ${problem.message}`;
}
