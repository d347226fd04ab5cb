/**
 * The one converter between a Kubernetes API object and the arguments of the kubernetes provider's
 * typed resource that applies it (`apps/v1 Deployment` ↔ `kubernetes_deployment_v1`), in both
 * directions, driven by the generated table (kubernetes-table.ts): API field names become the
 * provider's (`containers` → `container`, `volumeMounts` → `volume_mount`), and values take the
 * provider's types (a Deployment's `replicas` is a string there, an int-or-string port too).
 *
 * The apps stacks apply what `typedArguments` returns; every reader of a synthesis gets the objects
 * back through `apiObjectOf`. The conversion is exact both ways (a test round-trips every example
 * object), so the object the tests validate against the Kubernetes API schema is the object applied.
 * Anything the table cannot carry is an error naming the object and the field, never dropped.
 */
import { ApiScalar, BlockField, isBlockField, KUBERNETES_TABLE, KubernetesResourceTable, ProviderType, TableBlock } from './kubernetes-table';

/** What the converter needs of a Kubernetes object. */
export interface ApiObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

/** A field the typed resources cannot carry, or a value of the wrong type. */
export class KubernetesConversionError extends Error {
  constructor(
    readonly object: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${object}: ${field}: ${problem}`);
    this.name = 'KubernetesConversionError';
  }
}

export interface ConvertOptions {
  /** How a number becomes a provider string (cdktf tokens need Token.asString). @default String */
  readonly numberToString?: (value: number) => string;
  /** @default the committed table */
  readonly table?: KubernetesResourceTable;
}

/** The kinds with a typed resource (`apps/v1 Deployment`, …), and the resource types. */
export function typedKinds(table: KubernetesResourceTable = KUBERNETES_TABLE): ReadonlyArray<{ apiVersion: string; kind: string; resourceType: string }> {
  return Object.entries(table.kinds).map(([key, entry]) => {
    const [apiVersion, kind] = key.split(' ');
    return { apiVersion, kind, resourceType: entry.resourceType };
  });
}

/** The typed resource type of a kind, or undefined. */
export function resourceTypeOf(apiVersion: string, kind: string, table: KubernetesResourceTable = KUBERNETES_TABLE): string | undefined {
  return table.kinds[`${apiVersion} ${kind}`]?.resourceType;
}

/** True for the resource types that carry Kubernetes objects. */
export function isTypedKubernetesType(resourceType: string, table: KubernetesResourceTable = KUBERNETES_TABLE): boolean {
  return Object.values(table.kinds).some((k) => k.resourceType === resourceType);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const INTEGER = /^-?[0-9]+$/;

/** Forward conversion of one object; `where` names it in errors. */
class Forward {
  constructor(
    private readonly table: KubernetesResourceTable,
    private readonly resourceType: string,
    private readonly where: string,
    private readonly numberToString: (value: number) => string,
  ) {}

  private fail(path: string, problem: string): never {
    throw new KubernetesConversionError(this.where, path, problem);
  }

  block(value: unknown, blockId: string, path: string, topLevel: boolean): Record<string, unknown> {
    if (!isRecord(value)) this.fail(path, `an object is allowed; received ${describe(value)}`);
    const block = this.table.blocks[blockId] as TableBlock;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (topLevel && (key === 'apiVersion' || key === 'kind')) continue;
      if (inner === undefined) continue;
      const at = path ? `${path}.${key}` : key;
      const field = block.fields[key];
      if (!field)
        this.fail(
          at,
          `${this.resourceType} has no argument for this field (the typed resources carry ${Object.keys(block.fields).join(', ') || 'no field'} here)`,
        );
      if (inner === null) this.fail(at, `a value is required; received null (leave the field out instead)`);
      if (isBlockField(field)) out[field.tf] = this.nested(inner, field, at);
      else out[field.tf] = this.value(inner, field.a, field.t, at);
    }
    return out;
  }

  private nested(value: unknown, field: BlockField, path: string): unknown {
    if (field.many) {
      if (!Array.isArray(value)) this.fail(path, `a list is allowed; received ${describe(value)}`);
      return value.map((item, i) => this.block(item, field.b, `${path}[${i}]`, false));
    }
    const block = this.block(value, field.b, path, false);
    return field.wrap ? [block] : block;
  }

  private value(value: unknown, api: ApiScalar, type: ProviderType, path: string): unknown {
    if (typeof type !== 'string') {
      const [collection, inner] = type as readonly [string, ProviderType];
      if (collection === 'map') {
        if (!isRecord(value)) this.fail(path, `an object of ${api} values is allowed; received ${describe(value)}`);
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v, api, inner, `${path}.${k}`)]));
      }
      if (!Array.isArray(value)) this.fail(path, `a list of ${api} values is allowed; received ${describe(value)}`);
      return value.map((v, i) => this.value(v, api, inner, `${path}[${i}]`));
    }
    if (type === 'bool') {
      if (typeof value !== 'boolean') this.fail(path, `true or false is allowed; received ${describe(value)}`);
      return value;
    }
    if (type === 'number') {
      if (typeof value !== 'number') this.fail(path, `a number is allowed; received ${describe(value)}`);
      return value;
    }
    // The provider takes a string.
    if (api === 'string') {
      if (typeof value !== 'string') this.fail(path, `a string is allowed; received ${describe(value)}`);
      return value;
    }
    if (api === 'int') {
      if (typeof value !== 'number') this.fail(path, `a number is allowed; received ${describe(value)}`);
      return this.numberToString(value);
    }
    if (api === 'intOrString') {
      if (typeof value === 'number') return this.numberToString(value);
      // A digits-only string would come back as a number: the API reads it as a name or a percentage anyway.
      if (typeof value !== 'string' || INTEGER.test(value))
        this.fail(path, `a number, or a name or percentage string, is allowed; received ${describe(value)}`);
      return value;
    }
    if (api === 'quantity') {
      // The provider stores quantities as strings; a number would not read back as the same value.
      if (typeof value !== 'string') this.fail(path, `a quantity string (e.g. "1", "500m", "10Gi") is allowed; received ${describe(value)}`);
      return value;
    }
    return this.fail(path, `the provider takes a string where the API takes ${api}; received ${describe(value)}`);
  }
}

/**
 * The typed resource type that applies `object`, and its arguments (everything but the provider's
 * own behaviour arguments such as wait_for_rollout, which the apps stack's construct sets).
 */
export function typedArguments(object: ApiObject, options: ConvertOptions = {}): { resourceType: string; arguments: Record<string, unknown> } {
  const table = options.table ?? KUBERNETES_TABLE;
  const where = `${object.apiVersion} ${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? '?'}`;
  const entry = table.kinds[`${object.apiVersion} ${object.kind}`];
  if (!entry) {
    const supported = Object.keys(table.kinds).join(', ');
    throw new KubernetesConversionError(where, 'kind', `no typed kubernetes resource applies ${object.apiVersion} ${object.kind}; supported: ${supported}`);
  }
  const forward = new Forward(table, entry.resourceType, where, options.numberToString ?? String);
  return { resourceType: entry.resourceType, arguments: forward.block(object, entry.block, '', true) };
}

/** Terraform meta-arguments and cdktf metadata a resource body may carry besides its arguments. */
const META = new Set(['//', 'depends_on', 'count', 'for_each', 'provider', 'lifecycle', 'provisioner', 'connection']);

function one(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

/** Reverse conversion of one resource body. */
class Reverse {
  constructor(
    private readonly table: KubernetesResourceTable,
    private readonly where: string,
  ) {}

  private fail(path: string, problem: string): never {
    throw new KubernetesConversionError(this.where, path, problem);
  }

  block(value: unknown, blockId: string, path: string, topLevel: boolean): Record<string, unknown> {
    const body = one(value);
    if (!isRecord(body)) this.fail(path, `a block (object) was expected; found ${describe(body)}`);
    const block = this.table.blocks[blockId] as TableBlock;
    const byProviderName = new Map(Object.entries(block.fields).map(([api, field]) => [field.tf, { api, field }]));
    const skipped = new Set(topLevel ? [...(block.providerOnly ?? []), ...META] : []);
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(body)) {
      if (skipped.has(key) || inner === null || inner === undefined) continue;
      const at = path ? `${path}.${key}` : key;
      const found = byProviderName.get(key);
      if (!found) this.fail(at, 'not an argument the table knows; regenerate it (npm run k8s-schema) or read the resource directly');
      const { api, field } = found;
      if (isBlockField(field)) {
        if (field.many) out[api] = (Array.isArray(inner) ? inner : [inner]).map((item, i) => this.block(item, field.b, `${at}[${i}]`, false));
        else out[api] = this.block(inner, field.b, at, false);
      } else {
        out[api] = this.value(inner, field.a, field.t);
      }
    }
    return out;
  }

  private value(value: unknown, api: ApiScalar, type: ProviderType): unknown {
    if (typeof type !== 'string') {
      const [collection, inner] = type as readonly [string, ProviderType];
      if (collection === 'map' && isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v, api, inner)]));
      if (Array.isArray(value)) return value.map((v) => this.value(v, api, inner));
      return value;
    }
    if (type === 'string' && (api === 'int' || api === 'intOrString') && typeof value === 'string' && INTEGER.test(value)) return Number(value);
    return value;
  }
}

/** The Kubernetes API object a typed resource's synthesized arguments apply. */
export function apiObjectOf(resourceType: string, body: Record<string, unknown>, table: KubernetesResourceTable = KUBERNETES_TABLE): Record<string, unknown> {
  const found = Object.entries(table.kinds).find(([, entry]) => entry.resourceType === resourceType);
  if (!found) throw new KubernetesConversionError(resourceType, 'type', 'not a typed kubernetes resource the table knows');
  const [key, entry] = found;
  const [apiVersion, kind] = key.split(' ');
  const metadata = one(body.metadata) as { name?: unknown; namespace?: unknown } | undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '?';
  const where = `${apiVersion} ${kind} ${typeof metadata?.namespace === 'string' ? `${metadata.namespace}/` : ''}${name}`;
  return { apiVersion, kind, ...new Reverse(table, where).block(body, entry.block, '', true) };
}
