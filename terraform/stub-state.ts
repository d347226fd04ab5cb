/**
 * Stub Terraform state for cdktf's cross-stack references, so a consumer stack can be planned
 * offline without its upstream stack ever having been applied.
 *
 * cdktf renders a cross-stack reference as `data.terraform_remote_state.cross-stack-reference-input-<upstream>`
 * in the consumer and as one `output` per referenced attribute in the upstream stack, e.g.
 * `"cross-stack-output-aws_vpcvpcid": { "value": "${aws_vpc.vpc.id}", "sensitive": true }`.
 * A list of tokens (`subnets.map((s) => s.id)`) becomes one output per element; a list- or
 * set-typed attribute (`dbSubnetGroup.subnetIds`) becomes a single output whose type only the
 * provider schema knows. Each stub output therefore gets a placeholder of the attribute's real
 * type when the schema can tell, and falls back to the shape of the expression, then to a string.
 */
import { StackJson } from '../synthesis/stack-views';
import { record } from '../synthesis/values';

/** A Terraform (cty) type in the JSON form state files and `providers schema -json` use. */
export type CtyType = string | readonly unknown[];

/** One `data.terraform_remote_state` of a consumer stack and what the stub for it must hold. */
export interface RemoteStateStub {
  /** Name of the data source (`cross-stack-reference-input-<upstream>`). */
  readonly dataSource: string;
  /** The upstream stack, when it is in the same synthesis. */
  readonly upstream?: string;
  /** Output names the stub state holds. */
  readonly outputs: readonly StubOutputPlan[];
}

/** One output of a stub state, before its placeholder value is chosen. */
export interface StubOutputPlan {
  readonly name: string;
  /** The upstream output's `value` as synthesized, if the upstream declares it. */
  readonly expression?: unknown;
  readonly sensitive: boolean;
}

/** Looks up the type of `<type>.<name>.<path>` in a provider schema; undefined when unknown. */
export type AttributeTypeLookup = (mode: 'managed' | 'data', resourceType: string, path: readonly PathSegment[]) => CtyType | undefined;

export type PathSegment = { readonly attr: string } | { readonly index: number | string } | { readonly splat: true };

const CROSS_STACK_PREFIX = 'cross-stack-reference-input-';

/** Every string in a JSON value (references live in strings). */
function collectStrings(value: unknown, into: string[]): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, into));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => collectStrings(v, into));
  return into;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The `data.terraform_remote_state` blocks of a stack, by name. */
export function remoteStateDataSources(stack: StackJson): Record<string, Record<string, unknown>> {
  const sources = record(record(record(stack.data)?.terraform_remote_state)) ?? {};
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, block] of Object.entries(sources)) {
    // JSON syntax allows a list of blocks under one name; cdktf writes one object.
    const body = Array.isArray(block) ? record(block[0]) : record(block);
    if (body) out[name] = body;
  }
  return out;
}

/** The upstream stack a remote state reads: by cdktf's naming, else by equal backend configuration. */
export function findUpstream(dataSource: string, body: Record<string, unknown>, stacks: ReadonlyMap<string, StackJson>): string | undefined {
  if (dataSource.startsWith(CROSS_STACK_PREFIX)) {
    const name = dataSource.slice(CROSS_STACK_PREFIX.length);
    if (stacks.has(name)) return name;
  }
  const kind = body.backend;
  const config = record(body.config) ?? {};
  for (const [name, stack] of stacks) {
    const backend = record(record(stack.terraform)?.backend);
    const upstreamConfig = typeof kind === 'string' ? record(backend?.[kind]) : undefined;
    if (!upstreamConfig) continue;
    const keys = kind === 's3' ? ['bucket', 'key'] : kind === 'local' ? ['path'] : Object.keys(config);
    if (keys.length > 0 && keys.every((key) => JSON.stringify(upstreamConfig[key]) === JSON.stringify(config[key]))) return name;
  }
  return undefined;
}

/**
 * What each remote state of `consumer` must hold. With a known upstream, only outputs the upstream
 * declares are stubbed, so a read of a missing output still fails the plan as it would for real.
 */
export function planRemoteStateStubs(consumer: StackJson, stacks: ReadonlyMap<string, StackJson>): RemoteStateStub[] {
  const strings = collectStrings({ ...consumer, data: undefined }, []);
  // Other data sources may read a remote state too, but never their own block.
  for (const [type, blocks] of Object.entries(record(consumer.data) ?? {})) {
    if (type !== 'terraform_remote_state') collectStrings(blocks, strings);
  }
  const stubs: RemoteStateStub[] = [];
  for (const [dataSource, body] of Object.entries(remoteStateDataSources(consumer))) {
    const upstream = findUpstream(dataSource, body, stacks);
    const upstreamOutputs = upstream ? (record(stacks.get(upstream)?.output) ?? {}) : undefined;
    const reference = new RegExp(
      `data\\.terraform_remote_state\\.${escapeRegExp(dataSource)}\\.outputs(?:\\.([A-Za-z_][A-Za-z0-9_-]*)|\\["([^"\\]]+)"\\])?`,
      'g',
    );
    const read = new Set<string>();
    let readsAll = false;
    for (const text of strings) {
      for (const match of text.matchAll(reference)) {
        const name = match[1] ?? match[2];
        if (name === undefined) readsAll = true;
        else read.add(name);
      }
    }
    const names = readsAll && upstreamOutputs ? Object.keys(upstreamOutputs) : [...read];
    const outputs: StubOutputPlan[] = [];
    for (const name of names.sort()) {
      if (upstreamOutputs && !(name in upstreamOutputs)) continue;
      const declared = record(upstreamOutputs?.[name]);
      outputs.push({ name, expression: declared?.value, sensitive: declared?.sensitive === true });
    }
    stubs.push({ dataSource, upstream, outputs });
  }
  return stubs;
}

/** A single reference `${[data.]type.name[key].attr[0].attr}`, parsed. */
interface Reference {
  readonly mode: 'managed' | 'data';
  readonly resourceType: string;
  readonly path: readonly PathSegment[];
}

const NOT_RESOURCES = new Set(['var', 'local', 'module', 'each', 'count', 'path', 'terraform', 'self']);

function parseReference(expression: unknown): Reference | undefined {
  if (typeof expression !== 'string') return undefined;
  const match = /^\$\{\s*(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)((?:\[[^\]]*\]|\.[A-Za-z_][A-Za-z0-9_-]*)*)\s*\}$/.exec(expression);
  if (!match || NOT_RESOURCES.has(match[2])) return undefined;
  const segments: PathSegment[] = [];
  for (const [, bracket, attr] of match[4].matchAll(/\[([^\]]*)\]|\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
    if (attr !== undefined) segments.push({ attr });
    else if (bracket === '*') segments.push({ splat: true });
    else if (/^\d+$/.test(bracket)) segments.push({ index: Number(bracket) });
    else segments.push({ index: bracket.replace(/^"|"$/g, '') });
  }
  // Leading brackets select a resource instance (count / for_each), not part of an attribute.
  while (segments.length > 0 && !('attr' in segments[0])) segments.shift();
  return { mode: match[1] ? 'data' : 'managed', resourceType: match[2], path: segments };
}

/** Whether choosing placeholders for these stubs benefits from the AWS provider schema. */
export function stubsNeedSchema(stubs: readonly RemoteStateStub[]): boolean {
  return stubs.some((stub) =>
    stub.outputs.some((output) => {
      const reference = parseReference(output.expression);
      if (!reference || !reference.resourceType.startsWith('aws_')) return false;
      // Every resource's `id` is a string: no need to load 13 MB of schema for the common case.
      return !(reference.path.length === 1 && 'attr' in reference.path[0] && reference.path[0].attr === 'id');
    }),
  );
}

const LIST_FUNCTIONS =
  /^\$\{\s*(\[|tolist\(|toset\(|concat\(|flatten\(|distinct\(|compact\(|sort\(|slice\(|split\(|keys\(|values\(|setunion\(|setintersection\(|setsubtract\(|range\(|reverse\()/;
const NUMBER_FUNCTIONS = /^\$\{\s*(tonumber\(|length\(|max\(|min\(|abs\(|ceil\(|floor\(|parseint\(|pow\()/;
const MAP_FUNCTIONS = /^\$\{\s*(\{|tomap\(|merge\(|zipmap\()/;
const BOOL_FUNCTIONS = /^\$\{\s*(tobool\(|contains\(|can\(|alltrue\(|anytrue\(|startswith\(|endswith\()/;

/** The type an output expression most plausibly has, without a schema. */
function typeOfExpression(expression: unknown, lookup: AttributeTypeLookup | undefined): CtyType {
  if (typeof expression === 'number') return 'number';
  if (typeof expression === 'boolean') return 'bool';
  if (Array.isArray(expression)) {
    const types = expression.map((e) => typeOfExpression(e, lookup));
    const first = JSON.stringify(types[0] ?? 'string');
    return types.every((t) => JSON.stringify(t) === first) ? ['list', types[0] ?? 'string'] : ['tuple', types];
  }
  const object = record(expression);
  if (object) return ['object', Object.fromEntries(Object.entries(object).map(([k, v]) => [k, typeOfExpression(v, lookup)]))];
  if (typeof expression !== 'string') return 'string';
  const reference = parseReference(expression);
  if (reference) return (lookup ? lookup(reference.mode, reference.resourceType, reference.path) : undefined) ?? typeByName(reference);
  if (LIST_FUNCTIONS.test(expression)) return ['list', 'string'];
  if (NUMBER_FUNCTIONS.test(expression)) return 'number';
  if (MAP_FUNCTIONS.test(expression)) return ['map', 'string'];
  if (BOOL_FUNCTIONS.test(expression)) return 'bool';
  return 'string';
}

/** Without a schema: plural id-like attribute names are lists, ports are numbers. */
function typeByName(reference: Reference): CtyType {
  const last = lastAttr(reference.path) ?? '';
  if (/(_ids|_arns|_blocks|_names|_addresses|^names|^ids|^arns|^endpoints)$/.test(last)) return ['list', 'string'];
  if (/(^|_)(port|count|size)$/.test(last)) return 'number';
  return 'string';
}

function lastAttr(path: readonly PathSegment[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if ('attr' in segment) return segment.attr;
  }
  return undefined;
}

interface Hint {
  readonly name: string;
  readonly attr: string;
  readonly resourceType: string;
  readonly index: number;
}

/** A plausible value of `type`, and the concrete type to record for it (no `dynamic`). */
function placeholder(type: CtyType, hint: Hint): { value: unknown; type: CtyType } {
  if (typeof type === 'string') {
    if (type === 'number') return { value: /port$/.test(hint.attr) ? 5432 : 1, type };
    if (type === 'bool') return { value: false, type };
    return { value: stringPlaceholder(hint), type: 'string' };
  }
  const [kind, inner] = type as readonly [string, unknown];
  if (kind === 'list' || kind === 'set') {
    const items = [0, 1].map((i) => placeholder(inner as CtyType, { ...hint, name: `${hint.name}-${i}`, index: i }));
    return { value: items.map((i) => i.value), type: [kind, items[0].type] };
  }
  if (kind === 'map') {
    const item = placeholder(inner as CtyType, { ...hint, name: `${hint.name}-key` });
    return { value: { key: item.value }, type: ['map', item.type] };
  }
  if (kind === 'object') {
    const entries = Object.entries(record(inner) ?? {}).map(
      ([key, t]) => [key, placeholder(t as CtyType, { ...hint, name: `${hint.name}-${key}`, attr: key })] as const,
    );
    return {
      value: Object.fromEntries(entries.map(([key, p]) => [key, p.value])),
      type: ['object', Object.fromEntries(entries.map(([key, p]) => [key, p.type]))],
    };
  }
  if (kind === 'tuple' && Array.isArray(inner)) {
    const items = inner.map((t, i) => placeholder(t as CtyType, { ...hint, name: `${hint.name}-${i}`, index: i }));
    return { value: items.map((i) => i.value), type: ['tuple', items.map((i) => i.type)] };
  }
  return { value: stringPlaceholder(hint), type: 'string' };
}

const GLOBAL_ARN_SERVICES = new Set(['iam', 's3', 'route53', 'cloudfront', 'organizations']);
const ARN_SERVICE_BY_PREFIX: Record<string, string> = {
  lb: 'elasticloadbalancing',
  alb: 'elasticloadbalancing',
  db: 'rds',
  rds: 'rds',
  cloudwatch: 'logs',
  msk: 'kafka',
  opensearch: 'es',
  elasticsearch: 'es',
  mq: 'mq',
  lambda: 'lambda',
};

/** `stub-<output>` by default; ARN- and CIDR-shaped where the attribute name says so, so provider validation passes. */
function stringPlaceholder(hint: Hint): string {
  const stub = `stub-${hint.name}`;
  if (/(^|_)arn$/.test(hint.attr)) {
    const prefix = /^aws_([a-z0-9]+)/.exec(hint.resourceType)?.[1] ?? 'stub';
    const service = ARN_SERVICE_BY_PREFIX[prefix] ?? prefix;
    if (service === 's3') return `arn:aws:s3:::${stub}`;
    if (service === 'iam') return `arn:aws:iam::123456789012:${/policy/.test(hint.resourceType) ? 'policy' : 'role'}/${stub}`;
    return `arn:aws:${service}:${GLOBAL_ARN_SERVICES.has(service) ? '' : 'us-east-1'}:123456789012:${stub}`;
  }
  if (/cidr/.test(hint.attr)) {
    return /ipv6/.test(hint.attr) ? `2600:1f18:${(hint.index + 1).toString(16)}::/56` : `10.${hint.index}.0.0/16`;
  }
  return stub;
}

/** A stub state (format version 4) holding placeholders for the outputs a consumer reads. */
export function stubStateFile(stub: RemoteStateStub, lookup: AttributeTypeLookup | undefined): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const output of stub.outputs) {
    const reference = parseReference(output.expression);
    const type = output.expression === undefined ? 'string' : typeOfExpression(output.expression, lookup);
    // A literal string output is its own most plausible value.
    if (typeof output.expression === 'string' && !output.expression.includes('${')) {
      outputs[output.name] = { value: output.expression, type: 'string', ...(output.sensitive ? { sensitive: true } : {}) };
      continue;
    }
    const hint: Hint = {
      name: output.name,
      attr: (reference ? lastAttr(reference.path) : undefined) ?? output.name,
      resourceType: reference?.resourceType ?? '',
      index: 0,
    };
    const stubbed = placeholder(type, hint);
    outputs[output.name] = { value: stubbed.value, type: stubbed.type, ...(output.sensitive ? { sensitive: true } : {}) };
  }
  return {
    version: 4,
    terraform_version: '1.11.0',
    serial: 1,
    lineage: `stagecraft-stub-${stub.dataSource}`,
    outputs,
    resources: [],
    check_results: null,
  };
}

interface SchemaBlock {
  readonly attributes?: Record<string, { readonly type?: CtyType; readonly nested_type?: NestedType }>;
  readonly block_types?: Record<string, { readonly nesting_mode: string; readonly block: SchemaBlock }>;
}

interface NestedType {
  readonly attributes: Record<string, { readonly type?: CtyType; readonly nested_type?: NestedType }>;
  readonly nesting_mode: string;
}

function wrap(nesting: string, inner: CtyType): CtyType {
  return nesting === 'list' || nesting === 'set' || nesting === 'map' ? [nesting, inner] : inner;
}

function attributeType(attribute: { readonly type?: CtyType; readonly nested_type?: NestedType }): CtyType {
  if (attribute.type !== undefined) return attribute.type;
  if (attribute.nested_type) {
    const fields = Object.fromEntries(Object.entries(attribute.nested_type.attributes).map(([k, a]) => [k, attributeType(a)]));
    return wrap(attribute.nested_type.nesting_mode, ['object', fields]);
  }
  return 'dynamic';
}

function blockType(block: SchemaBlock): CtyType {
  const fields: Record<string, CtyType> = {};
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) fields[name] = attributeType(attribute);
  for (const [name, nested] of Object.entries(block.block_types ?? {})) fields[name] = wrap(nested.nesting_mode, blockType(nested.block));
  return ['object', fields];
}

/** One step into a type; blocks stay blocks until the end so huge schemas are not converted whole. */
type Node = { readonly block: SchemaBlock; readonly nesting?: string } | { readonly type: CtyType };

function step(node: Node, segment: PathSegment): Node | undefined {
  if ('block' in node) {
    if (node.nesting === 'list' || node.nesting === 'set' || node.nesting === 'map') {
      return 'attr' in segment ? undefined : { block: node.block };
    }
    if (!('attr' in segment)) return undefined;
    const attribute = node.block.attributes?.[segment.attr];
    if (attribute) return { type: attributeType(attribute) };
    const nested = node.block.block_types?.[segment.attr];
    return nested ? { block: nested.block, nesting: nested.nesting_mode } : undefined;
  }
  const type = node.type;
  if (typeof type === 'string') return type === 'dynamic' ? { type } : undefined;
  const [kind, inner] = type as readonly [string, unknown];
  if ('attr' in segment) {
    if (kind === 'object') {
      const field = record(inner)?.[segment.attr];
      return field === undefined ? undefined : { type: field as CtyType };
    }
    return kind === 'map' ? { type: inner as CtyType } : undefined;
  }
  if ('splat' in segment) return undefined;
  if (kind === 'list' || kind === 'set' || kind === 'map') return { type: inner as CtyType };
  if (kind === 'tuple' && Array.isArray(inner) && typeof segment.index === 'number') return { type: inner[segment.index] as CtyType };
  if (kind === 'object' && typeof segment.index === 'string') {
    const field = record(inner)?.[segment.index];
    return field === undefined ? undefined : { type: field as CtyType };
  }
  return undefined;
}

function nodeType(node: Node): CtyType {
  return 'block' in node ? wrap(node.nesting ?? 'single', blockType(node.block)) : node.type;
}

/** Builds a lookup from `terraform providers schema -json` output (any providers it holds). */
export function schemaLookup(providersSchemaJson: unknown): AttributeTypeLookup {
  const providers = Object.values(record(record(providersSchemaJson)?.provider_schemas) ?? {});
  return (mode, resourceType, path) => {
    for (const provider of providers) {
      const schemas = record(record(provider)?.[mode === 'data' ? 'data_source_schemas' : 'resource_schemas']);
      const block = record(record(schemas?.[resourceType])?.block) as SchemaBlock | undefined;
      if (!block) continue;
      let node: Node | undefined = { block };
      const splatAt = path.findIndex((segment) => 'splat' in segment);
      const walk = splatAt >= 0 ? path.slice(0, splatAt) : path;
      for (const segment of walk) {
        node = node && step(node, segment);
      }
      if (!node) return undefined;
      if (splatAt < 0) return nodeType(node);
      // `a[*].b`: a list of whatever `b` is in one element.
      let element: Node | undefined = step(node, { index: 0 });
      for (const segment of path.slice(splatAt + 1)) element = element && step(element, segment);
      return element ? ['list', nodeType(element)] : undefined;
    }
    return undefined;
  };
}
