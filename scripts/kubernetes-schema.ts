/**
 * `npm run k8s-schema`: writes synthesis/kubernetes-resources.json, the table the apps stacks use to
 * turn a Kubernetes API object into the arguments of the kubernetes provider's typed resource
 * (`kubernetes_deployment_v1`, …) and back (synthesis/kubernetes-typed.ts).
 *
 * It walks two schemas side by side, once, at development time: the provider's, derived from the
 * @cdktf/provider-kubernetes `.jsii` manifest by terraform/standin/jsii-schema.ts (49 MB, 6–7 s, so
 * never at synth time), and the Kubernetes API's, from kubernetes-models' type declarations (the
 * same package the tests validate objects with). An API field matches the provider argument with the
 * same name in snake_case, or its singular (`containers` → `container`, `policies` → `policy`), or an
 * entry of RENAMED. The table keeps, per field, both names, the provider's type and the API's scalar
 * type (int, int-or-string, quantity…), so numbers the provider stores as strings convert both ways.
 * API fields the provider has no argument for are left out: converting an object that sets one is an
 * error naming the field. `--check` writes nothing and exits 1 when the committed table is stale;
 * test/synthesis/kubernetes-typed.test.ts runs the same comparison.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findBindingPackage, loadProviderSchema } from '../terraform/standin/schema-cache';
import { KUBERNETES } from '../terraform/standin/providers';
import { CtyType, SchemaBlock } from '../terraform/standin/schema-model';
import { ApiScalar, KubernetesResourceTable, TableBlock, TableField, TABLE_PATH } from '../synthesis/kubernetes-table';

/** The kinds the apps stacks may apply, with the typed resource that applies each. */
export const TYPED_KINDS: ReadonlyArray<readonly [apiVersion: string, kind: string, resourceType: string]> = [
  ['v1', 'Namespace', 'kubernetes_namespace_v1'],
  ['v1', 'ConfigMap', 'kubernetes_config_map_v1'],
  ['v1', 'Service', 'kubernetes_service_v1'],
  ['v1', 'ServiceAccount', 'kubernetes_service_account_v1'],
  ['v1', 'PersistentVolumeClaim', 'kubernetes_persistent_volume_claim_v1'],
  ['v1', 'LimitRange', 'kubernetes_limit_range_v1'],
  ['v1', 'ResourceQuota', 'kubernetes_resource_quota_v1'],
  ['apps/v1', 'Deployment', 'kubernetes_deployment_v1'],
  ['apps/v1', 'StatefulSet', 'kubernetes_stateful_set_v1'],
  ['apps/v1', 'DaemonSet', 'kubernetes_daemon_set_v1'],
  ['batch/v1', 'Job', 'kubernetes_job_v1'],
  ['batch/v1', 'CronJob', 'kubernetes_cron_job_v1'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'kubernetes_horizontal_pod_autoscaler_v2'],
  ['policy/v1', 'PodDisruptionBudget', 'kubernetes_pod_disruption_budget_v1'],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'kubernetes_network_policy_v1'],
  ['networking.k8s.io/v1', 'Ingress', 'kubernetes_ingress_v1'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'kubernetes_cluster_role_v1'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'kubernetes_cluster_role_binding_v1'],
  ['rbac.authorization.k8s.io/v1', 'Role', 'kubernetes_role_v1'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'kubernetes_role_binding_v1'],
  ['storage.k8s.io/v1', 'StorageClass', 'kubernetes_storage_class_v1'],
  ['scheduling.k8s.io/v1', 'PriorityClass', 'kubernetes_priority_class_v1'],
];

/** API fields whose provider argument is not their snake_case name (`<API interface>.<field>`). */
const RENAMED: Readonly<Record<string, string>> = {
  'IStorageClass.provisioner': 'storage_provisioner',
  'IDaemonSetSpec.updateStrategy': 'strategy',
};

// ---------------------------------------------------------------- the API side (kubernetes-models)

type ApiType =
  | { readonly t: ApiScalar | 'any' }
  | { readonly t: 'list' | 'map'; readonly of: ApiType }
  | { readonly t: 'object'; readonly file: string; readonly name: string }
  | { readonly t: 'inline'; readonly file: string; readonly body: string };

interface ApiProperty {
  readonly name: string;
  readonly type: ApiType;
}

const MODELS = dirname(require.resolve('kubernetes-models/package.json', { paths: [process.cwd(), __dirname] }));

function modelFile(specifier: string, from: string): string {
  if (specifier.startsWith('.')) return resolve(dirname(from), specifier.replace(/\.js$/, '.d.ts'));
  return join(MODELS, '..', `${specifier}.d.ts`);
}

const files = new Map<string, string>();
function source(file: string): string {
  let text = files.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '');
    files.set(file, text);
  }
  return text;
}

/** `{ [key: string]: X; }` and `Array<X>` and names, as the declarations write them. */
function parseType(expression: string, file: string): ApiType {
  const text = expression.trim();
  const array = /^Array<([\s\S]+)>$/.exec(text);
  if (array) return { t: 'list', of: parseType(array[1], file) };
  const map = /^\{\s*\[key: string\]: ([\s\S]+?);?\s*\}$/.exec(text);
  if (map) return { t: 'map', of: parseType(map[1], file) };
  if (text.startsWith('{')) return { t: 'inline', file, body: text.slice(1) };
  if (text === 'string' || /^"[^"]*"( \| "[^"]*")*$/.test(text) || /^I\w+\["\w+"\]$/.test(text)) return { t: 'string' };
  if (text === 'number') return { t: 'int' };
  if (text === 'boolean') return { t: 'bool' };
  if (/^I\w+$/.test(text)) {
    const imported = new RegExp(`import \\{ ${text} \\} from "([^"]+)"`).exec(source(file));
    if (!imported) throw new Error(`${file}: ${text} is not imported`);
    const target = modelFile(imported[1], file);
    const body = source(target);
    if (/export type IIntOrString = string \| number;/.test(body)) return { t: 'intOrString' };
    if (/export type IQuantity = number \| string;/.test(body)) return { t: 'quantity' };
    const alias = /export type (I\w+) = (string|number|boolean);/.exec(body);
    if (alias) return parseType(alias[2], target);
    const local = new RegExp(`export type \\{ (I\\w+) as ${text}\\b`).exec(body)?.[1] ?? text;
    if (!new RegExp(`export interface ${local}\\b`).test(body)) return { t: 'any' };
    return { t: 'object', file: target, name: local };
  }
  return { t: 'any' };
}

/** The properties of `interface name` in `file` (or of an inline object type), in declaration order. */
function apiProperties(type: ApiObject): ApiProperty[] {
  if (type.t === 'inline') return propertiesFrom(type.body, 0, type.file);
  const text = source(type.file);
  const start = new RegExp(`export interface ${type.name}\\b[^{]*\\{`).exec(text);
  if (!start) throw new Error(`${type.file}: interface ${type.name} not found`);
  return propertiesFrom(text, start.index + start[0].length, type.file);
}

type ApiObject = Extract<ApiType, { t: 'object' | 'inline' }>;

function propertiesFrom(text: string, from: number, file: string): ApiProperty[] {
  const properties: ApiProperty[] = [];
  let at = from;
  for (;;) {
    const match = /\s*(?:"([^"]+)"|(\}))/y;
    match.lastIndex = at;
    const found = match.exec(text);
    if (!found || found[2]) break;
    let cursor = match.lastIndex;
    const colon = text.indexOf(':', cursor);
    cursor = colon + 1;
    let depth = 0;
    let end = cursor;
    for (; end < text.length; end++) {
      const c = text[end];
      if (c === '{' || c === '<' || c === '(') depth++;
      else if (c === '}' || c === '>' || c === ')') depth--;
      else if (c === ';' && depth === 0) break;
    }
    properties.push({ name: found[1], type: parseType(text.slice(cursor, end), file) });
    at = end + 1;
  }
  return properties;
}

// ---------------------------------------------------------------- matching

function normal(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

/** The provider names an API field may have: itself, or its singular. */
function candidates(apiName: string): string[] {
  const n = normal(apiName);
  const out = [n];
  if (n.endsWith('ies')) out.push(`${n.slice(0, -3)}y`);
  if (n.endsWith('es')) out.push(n.slice(0, -2));
  if (n.endsWith('s')) out.push(n.slice(0, -1));
  return out;
}

function describe(type: ApiType): string {
  if (type.t === 'list' || type.t === 'map') return `${type.t}(${describe(type.of)})`;
  return type.t === 'object' ? type.name : type.t;
}

function scalarOf(type: ApiType): ApiScalar | undefined {
  if (type.t === 'list' || type.t === 'map') return scalarOf(type.of);
  if (type.t === 'object' || type.t === 'inline' || type.t === 'any') return undefined;
  return type.t;
}

function sameShape(api: ApiType, tf: CtyType): boolean {
  if (typeof tf === 'string') return tf !== 'dynamic' && scalarOf(api) !== undefined && api.t !== 'list' && api.t !== 'map';
  if (tf[0] === 'object') return false;
  const collection = tf[0] === 'map' ? 'map' : 'list';
  return api.t === collection && sameShape(api.of, tf[1] as CtyType);
}

class TableBuilder {
  readonly blocks: Record<string, TableBlock> = {};
  private readonly interned = new Map<string, string>();
  readonly unmatched: string[] = [];

  /** Interns a block under the first path it was seen at, so shared blocks (pod specs) are stored once. */
  private intern(path: string, block: TableBlock): string {
    const key = JSON.stringify(block);
    const existing = this.interned.get(key);
    if (existing) return existing;
    this.interned.set(key, path);
    this.blocks[path] = block;
    return path;
  }

  block(path: string, api: ApiObject, tf: SchemaBlock, topLevel: boolean): string {
    const fields: Record<string, TableField> = {};
    const used = new Set<string>();
    const name = api.t === 'object' ? api.name : '';
    for (const property of apiProperties(api)) {
      if (property.name === 'status' || (topLevel && (property.name === 'apiVersion' || property.name === 'kind'))) continue;
      const where = `${path}.${property.name}`;
      const renamed = RENAMED[`${name}.${property.name}`];
      const wanted = renamed ? [normal(renamed)] : candidates(property.name);
      const settable = tf.attributes.filter((a) => a.optional || a.required);
      // The first candidate that names an argument wins: `clusterIPs` is cluster_ips, not cluster_ip.
      const match = wanted
        .map((n) => ({ attribute: settable.find((a) => normal(a.name) === n), nested: tf.blocks.find((b) => normal(b.name) === n) }))
        .find((m) => m.attribute || m.nested);
      if (match?.attribute?.type) {
        const attribute = match.attribute;
        const scalar = scalarOf(property.type);
        if (!scalar || !sameShape(property.type, attribute.type as CtyType)) {
          this.unmatched.push(`${where}: API ${describe(property.type)} vs provider ${attribute.name} ${JSON.stringify(attribute.type)}`);
          continue;
        }
        fields[property.name] = { tf: attribute.name, t: attribute.type as CtyType, a: scalar };
        used.add(attribute.name);
      } else if (match?.nested) {
        const nested = match.nested;
        const many = property.type.t === 'list';
        const element = property.type.t === 'list' ? property.type.of : property.type;
        if ((element.t !== 'object' && element.t !== 'inline') || (many && (nested.maxItems === 1 || nested.nesting === 'single'))) {
          this.unmatched.push(`${where}: API ${describe(property.type)} vs provider block ${nested.name}`);
          continue;
        }
        const id = this.block(where, element, nested.block, false);
        // An API object the provider declares as a list block without MaxItems 1 is written as a list of one.
        const wrap = !many && nested.maxItems !== 1 && nested.nesting !== 'single';
        fields[property.name] = many ? { tf: nested.name, b: id, many: true } : wrap ? { tf: nested.name, b: id, wrap: true } : { tf: nested.name, b: id };
        used.add(nested.name);
      } else {
        this.unmatched.push(`${where}: no provider argument`);
      }
    }
    const providerOnly = topLevel
      ? [...tf.attributes.filter((a) => !(a.computed && !a.optional && !a.required)).map((a) => a.name), ...tf.blocks.map((b) => b.name)].filter(
          (name) => !used.has(name) && name !== 'id',
        )
      : [];
    return this.intern(path, providerOnly.length > 0 ? { fields, providerOnly } : { fields });
  }
}

/** Builds the table from the installed binding and kubernetes-models; `unmatched` lists the API fields left out. */
export function buildKubernetesTable(): { table: KubernetesResourceTable; unmatched: string[] } {
  const schema = loadProviderSchema(KUBERNETES);
  const builder = new TableBuilder();
  const kinds: Record<string, { readonly resourceType: string; readonly block: string }> = {};
  for (const [apiVersion, kind, resourceType] of TYPED_KINDS) {
    const resource = schema.resources[resourceType];
    if (!resource) throw new Error(`${schema.derivedFrom} has no resource type ${resourceType}`);
    const file = join(MODELS, apiVersion, `${kind}.d.ts`);
    kinds[`${apiVersion} ${kind}`] = { resourceType, block: builder.block(kind, { t: 'object', file, name: `I${kind}` }, resource, true) };
  }
  const models = JSON.parse(readFileSync(join(MODELS, 'package.json'), 'utf8')) as { version: string };
  const binding = findBindingPackage(KUBERNETES.bindingPackage);
  return {
    table: {
      generatedBy: 'npm run k8s-schema (scripts/kubernetes-schema.ts); do not edit',
      provider: `${KUBERNETES.bindingPackage}@${binding.version} (${schema.address} ${schema.providerVersion})`,
      api: `kubernetes-models@${models.version}`,
      kinds,
      blocks: builder.blocks,
    },
    unmatched: builder.unmatched,
  };
}

/** The table as committed: stable JSON, one block per line. */
export function renderTable(table: KubernetesResourceTable): string {
  const blocks = Object.entries(table.blocks)
    .map(([id, block]) => `    ${JSON.stringify(id)}: ${JSON.stringify(block)}`)
    .join(',\n');
  const kinds = Object.entries(table.kinds)
    .map(([id, kind]) => `    ${JSON.stringify(id)}: ${JSON.stringify(kind)}`)
    .join(',\n');
  return [
    '{',
    `  "generatedBy": ${JSON.stringify(table.generatedBy)},`,
    `  "provider": ${JSON.stringify(table.provider)},`,
    `  "api": ${JSON.stringify(table.api)},`,
    `  "kinds": {\n${kinds}\n  },`,
    `  "blocks": {\n${blocks}\n  }`,
    '}',
    '',
  ].join('\n');
}

function main(): void {
  const check = process.argv.includes('--check');
  const verbose = process.argv.includes('--unmatched');
  const file = join(__dirname, '..', TABLE_PATH);
  const { table, unmatched } = buildKubernetesTable();
  const text = renderTable(table);
  if (verbose) for (const line of unmatched) console.log(`left out: ${line}`);
  if (check) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      console.error(`${TABLE_PATH} is stale: run npm run k8s-schema`);
      process.exit(1);
    }
    console.log(`${TABLE_PATH} is up to date`);
    return;
  }
  writeFileSync(file, text);
  console.log(
    `wrote ${TABLE_PATH}: ${Object.keys(table.kinds).length} kinds, ${Object.keys(table.blocks).length} blocks (${unmatched.length} API fields have no provider argument; --unmatched lists them)`,
  );
}

if (require.main === module) main();
