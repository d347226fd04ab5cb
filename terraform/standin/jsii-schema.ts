/**
 * Derives a provider's Terraform schema from the cdktf binding package generated from it.
 *
 * The `.jsii` manifest holds, for every resource, data source and nested struct, which arguments
 * exist, their types (primitive, list, map, struct) and whether they are optional; getter-only
 * properties of the resource classes and their `…OutputReference` classes are the computed
 * attributes. The manifest does not keep Terraform's own names, nor whether a struct is a block or
 * a nested attribute, nor list versus set: the package's generated JavaScript does, in its
 * `…ToHclTerraform` functions (`isBlock`, `type`, `storageClassType`) and getters
 * (`getStringAttribute('created_on')`, `new FooList(this, "foo", true)` for a set). Both are read.
 *
 * What the bindings do not record, and the stand-in therefore cannot serve: sensitivity, whether an
 * optional attribute is also computed (served optional only, so it plans null when unset; `id` is the
 * exception, always computed), deprecations, and a block's min/max items beyond "required" (≥ 1)
 * and "single struct" (≤ 1).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CtyType, NestingMode, ProviderSchema, SchemaAttribute, SchemaBlock, SchemaNestedBlock } from './schema-model';

interface JsiiTypeRef {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: 'array' | 'map'; readonly elementtype: JsiiTypeRef };
  readonly union?: { readonly types: readonly JsiiTypeRef[] };
}

interface JsiiProperty {
  readonly name: string;
  readonly type: JsiiTypeRef;
  readonly optional?: boolean;
  readonly immutable?: boolean;
  readonly static?: boolean;
  readonly docs?: { readonly summary?: string; readonly remarks?: string };
}

interface JsiiType {
  readonly fqn: string;
  readonly name: string;
  readonly base?: string;
  readonly datatype?: boolean;
  readonly docs?: { readonly summary?: string };
  readonly locationInModule?: { readonly filename: string };
  readonly properties?: readonly JsiiProperty[];
  readonly methods?: ReadonlyArray<{ readonly name: string; readonly returns?: { readonly type: JsiiTypeRef } }>;
  readonly initializer?: { readonly parameters?: ReadonlyArray<{ readonly name: string; readonly type: JsiiTypeRef }> };
}

interface JsiiAssembly {
  readonly name: string;
  readonly version: string;
  readonly types: { readonly [fqn: string]: JsiiType };
}

/** One argument as the generated `…ToHclTerraform` code renders it. */
interface HclEntry {
  readonly terraformName: string;
  readonly jsName: string;
  readonly isBlock: boolean;
  readonly kind: 'simple' | 'list' | 'set' | 'map' | 'struct';
  readonly storageClassType: string;
}

/** A binding package's manifest and generated JavaScript, read lazily per module folder. */
class BindingSources {
  private readonly modules = new Map<string, string>();

  constructor(
    readonly packageDir: string,
    readonly assembly: JsiiAssembly,
  ) {}

  type(fqn: string): JsiiType {
    const found = this.assembly.types[fqn];
    if (!found) throw new Error(`${this.assembly.name}: type ${fqn} is referenced but not in the manifest`);
    return found;
  }

  /** The JavaScript of the module folder a type was generated into (e.g. lib/dns-record/**.js). */
  moduleSource(type: JsiiType): string {
    const file = type.locationInModule?.filename ?? '';
    const folder = file.replace(/^src\//, '').split('/')[0] ?? '';
    let source = this.modules.get(folder);
    if (source === undefined) {
      source = readJsTree(path.join(this.packageDir, 'lib', folder));
      this.modules.set(folder, source);
    }
    return source;
  }
}

function readJsTree(dir: string): string {
  const parts: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) parts.push(readJsTree(full));
    else if (entry.name.endsWith('.js')) parts.push(fs.readFileSync(full, 'utf8'));
  }
  return parts.join('\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text of `class Name extends …` up to its `exports.Name = Name;`. */
function classSection(source: string, className: string): string {
  const start = source.search(new RegExp(`\\nclass ${escapeRegExp(className)} extends `));
  if (start < 0) throw new Error(`generated class ${className} not found`);
  const end = source.indexOf(`exports.${className} = ${className};`, start);
  return source.slice(start, end < 0 ? undefined : end);
}

const HCL_ENTRY = /(?:^|\n)\s*("[^"]+"|[\w]+): \{\s*value: ([^\n]*),\s*isBlock: (true|false),\s*type: "(\w+)",\s*storageClassType: "(\w+)",?\s*\}/g;

function parseHclEntries(body: string): HclEntry[] {
  const entries: HclEntry[] = [];
  for (const match of body.matchAll(HCL_ENTRY)) {
    const jsName = /(?:struct\.|this\._)(\w+)/.exec(match[2])?.[1];
    if (!jsName) throw new Error(`cannot tell which property renders "${match[1]}" from: ${match[2]}`);
    entries.push({
      terraformName: match[1].replace(/^"|"$/g, ''),
      jsName,
      isBlock: match[3] === 'true',
      kind: match[4] as HclEntry['kind'],
      storageClassType: match[5],
    });
  }
  return entries;
}

/** The body of `synthesizeHclAttributes()` of a resource, data source or provider class. */
function classHclEntries(section: string): HclEntry[] {
  const start = section.indexOf('synthesizeHclAttributes() {');
  if (start < 0) throw new Error('synthesizeHclAttributes not found');
  return parseHclEntries(section.slice(start, section.indexOf('return Object.fromEntries', start)));
}

/** The entries of `function fooBarToHclTerraform(struct)` for struct FooBar. */
function structHclEntries(source: string, structName: string): HclEntry[] {
  const functionName = `${structName[0].toLowerCase()}${structName.slice(1)}ToHclTerraform`;
  const start = source.indexOf(`function ${functionName}(struct`);
  if (start < 0) throw new Error(`generated function ${functionName} not found`);
  // A struct with no arguments (computed only) returns `attrs` without filtering: stop at the function's end.
  const end = source.indexOf('\n}\n', start);
  return parseHclEntries(source.slice(start, end < 0 ? undefined : end));
}

const PRIMITIVE_STORAGE: Readonly<Record<string, CtyType>> = { string: 'string', number: 'number', boolean: 'bool', any: 'dynamic' };

/** `stringListMap` → map(list(string)); cdktf renders Terraform's dynamic type as `anyMap`. */
function storageType(storage: string, kind: HclEntry['kind']): CtyType | undefined {
  if (storage === 'anyMap') return 'dynamic';
  const match = /^(string|number|boolean|any)((?:List|Map)*)$/.exec(storage);
  if (!match) return undefined;
  let type = PRIMITIVE_STORAGE[match[1]];
  const wrappers = match[2].match(/List|Map/g) ?? [];
  wrappers.forEach((wrapper, index) => {
    const outermost = index === wrappers.length - 1;
    const collection = wrapper === 'Map' ? 'map' : outermost && kind === 'set' ? 'set' : 'list';
    type = [collection, type];
  });
  return type;
}

/** The struct a property refers to (through unions and collections), if any. */
function structFqn(ref: JsiiTypeRef): { fqn: string; inCollection: boolean } | undefined {
  if (ref.fqn && !ref.fqn.startsWith('cdktf.')) return { fqn: ref.fqn, inCollection: false };
  if (ref.collection) {
    const inner = structFqn(ref.collection.elementtype);
    return inner ? { fqn: inner.fqn, inCollection: true } : undefined;
  }
  for (const member of ref.union?.types ?? []) {
    const inner = structFqn(member);
    if (inner) return inner;
  }
  return undefined;
}

function availableValues(remarks: string | undefined): string[] | undefined {
  const match = /Available values: ((?:"[^"]*"(?:, )?)+)/.exec(remarks ?? '');
  if (!match) return undefined;
  return [...match[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
}

const CDKTF_COLLECTIONS: Readonly<Record<string, CtyType>> = {
  'cdktf.StringMap': ['map', 'string'],
  'cdktf.NumberMap': ['map', 'number'],
  'cdktf.BooleanMap': ['map', 'bool'],
  'cdktf.AnyMap': 'dynamic',
  'cdktf.StringMapList': ['list', ['map', 'string']],
  'cdktf.NumberMapList': ['list', ['map', 'number']],
  'cdktf.BooleanMapList': ['list', ['map', 'bool']],
  'cdktf.AnyMapList': ['list', 'dynamic'],
  'cdktf.StringListMap': ['map', ['list', 'string']],
  'cdktf.NumberListMap': ['map', ['list', 'number']],
  'cdktf.BooleanListMap': ['map', ['list', 'bool']],
  'cdktf.AnyListMap': ['map', ['list', 'dynamic']],
};

const GETTER_TYPES: ReadonlyArray<readonly [RegExp, CtyType]> = [
  [/Fn\.tolist\(this\.getListAttribute\(/, ['set', 'string']],
  [/Fn\.tolist\(this\.getNumberListAttribute\(/, ['set', 'number']],
  [/this\.getStringAttribute\(/, 'string'],
  [/this\.getNumberAttribute\(/, 'number'],
  [/this\.getBooleanAttribute\(/, 'bool'],
  [/this\.getListAttribute\(/, ['list', 'string']],
  [/this\.getNumberListAttribute\(/, ['list', 'number']],
  [/this\.getStringMapAttribute\(/, ['map', 'string']],
  [/this\.getNumberMapAttribute\(/, ['map', 'number']],
  [/this\.getBooleanMapAttribute\(/, ['map', 'bool']],
  [/this\.getAnyMapAttribute\(/, 'dynamic'],
  [/this\.interpolationForAttribute\(/, 'dynamic'],
];

/** Derives schemas from one binding package. */
class SchemaDeriver {
  constructor(
    private readonly sources: BindingSources,
    private readonly objectsAreAttributes: boolean,
  ) {}

  /** The computed-only attributes of a class: getters without setters that are not `…Input` mirrors. */
  private computedAttributes(classFqn: string, configured: ReadonlySet<string>): SchemaAttribute[] {
    const type = this.sources.type(classFqn);
    const section = classSection(this.sources.moduleSource(type), type.name);
    const out: SchemaAttribute[] = [];
    for (const property of type.properties ?? []) {
      if (property.static || !property.immutable || property.name.endsWith('Input') || property.name === 'internalValue') continue;
      if (configured.has(property.name)) continue;
      const { terraformName, ctyType } = this.getter(section, property.name, type);
      out.push({ name: terraformName, type: ctyType, required: false, optional: false, computed: true, description: property.docs?.summary });
    }
    return out;
  }

  /** Terraform name and type of a computed getter, read from its generated body. */
  private getter(section: string, property: string, owner: JsiiType): { terraformName: string; ctyType: CtyType } {
    const at = section.indexOf(`    get ${property}() {`);
    if (at < 0) throw new Error(`${owner.name}.${property}: getter not found`);
    const body = section.slice(at, section.indexOf(';', at) + 1);
    const field = /return this\._(\w+);/.exec(body)?.[1];
    if (field) {
      const construction = new RegExp(`this\\._${field} = new ([\\w.]+)\\(this, "([^"]+)"(?:, (true|false))?\\)`).exec(section);
      if (!construction) throw new Error(`${owner.name}.${property}: construction of this._${field} not found`);
      const [, className, terraformName, wrapsSet] = construction;
      const fixed = CDKTF_COLLECTIONS[className];
      if (fixed) return { terraformName, ctyType: fixed };
      return { terraformName, ctyType: this.computedComplexType(this.fqnOfSibling(owner, className), wrapsSet === 'true') };
    }
    const terraformName = /\(['"]([^'"]+)['"]\)/.exec(body)?.[1];
    const ctyType = GETTER_TYPES.find(([pattern]) => pattern.test(body))?.[1];
    if (!terraformName || !ctyType) throw new Error(`${owner.name}.${property}: cannot read the getter ${body.trim()}`);
    return { terraformName, ctyType };
  }

  private fqnOfSibling(owner: JsiiType, className: string): string {
    const prefix = owner.fqn.slice(0, owner.fqn.length - owner.name.length);
    return `${prefix}${className.replace(/^[\w]+\./, '')}`;
  }

  /** The type of a computed-only complex value: an OutputReference (object), a ComplexList (list/set) or ComplexMap (map). */
  private computedComplexType(classFqn: string, wrapsSet: boolean): CtyType {
    const type = this.sources.type(classFqn);
    if (type.base === 'cdktf.ComplexObject') return this.computedObjectType(classFqn);
    const element = type.methods?.find((m) => m.name === 'get')?.returns?.type.fqn;
    if (!element) throw new Error(`${type.name}: element type not found`);
    const object = this.computedObjectType(element);
    if (type.base === 'cdktf.ComplexMap') return ['map', object];
    return [wrapsSet ? 'set' : 'list', object];
  }

  private computedObjectType(classFqn: string): CtyType {
    const attributes: Record<string, CtyType> = {};
    for (const attribute of this.computedAttributes(classFqn, new Set())) attributes[attribute.name] = attribute.type as CtyType;
    return ['object', attributes];
  }

  /** The block described by a config struct (its arguments) and its class (computed attributes). */
  private block(configFqn: string, classFqn: string | undefined, entries: readonly HclEntry[], skip: ReadonlySet<string>): SchemaBlock {
    const config = this.sources.type(configFqn);
    const properties = new Map((config.properties ?? []).map((p) => [p.name, p]));
    const attributes: SchemaAttribute[] = [];
    const blocks: SchemaNestedBlock[] = [];
    for (const entry of entries) {
      if (skip.has(entry.terraformName)) continue;
      const property = properties.get(entry.jsName);
      if (!property) throw new Error(`${config.name}: no property ${entry.jsName} for argument ${entry.terraformName}`);
      const required = property.optional !== true;
      const description = property.docs?.summary;
      const scalar = storageType(entry.storageClassType, entry.kind);
      if (scalar) {
        const oneOf = availableValues(property.docs?.remarks);
        attributes.push({
          name: entry.terraformName,
          type: scalar,
          required,
          optional: !required,
          computed: !required && entry.terraformName === 'id',
          description,
          ...(oneOf && scalar === 'string' ? { oneOf } : {}),
        });
        continue;
      }
      const struct = structFqn(property.type);
      if (!struct) throw new Error(`${config.name}.${property.name}: storage ${entry.storageClassType} names no struct`);
      const inner = this.structBlock(struct.fqn);
      const nesting: NestingMode = entry.kind === 'struct' || entry.kind === 'simple' ? 'single' : entry.kind;
      if (entry.isBlock && !this.objectsAreAttributes) {
        const collection = nesting === 'list' || nesting === 'set';
        blocks.push({
          name: entry.terraformName,
          nesting,
          block: inner,
          minItems: collection && required ? 1 : 0,
          maxItems: collection && !struct.inCollection ? 1 : 0,
        });
      } else {
        attributes.push({
          name: entry.terraformName,
          nested: { nesting: nesting as Exclude<NestingMode, 'group'>, attributes: inner.attributes },
          required,
          optional: !required,
          computed: false,
          description,
        });
      }
    }
    const rendered = new Set(entries.map((entry) => entry.jsName));
    const unrendered = [...properties.keys()].filter((name) => !rendered.has(name) && !skip.has(name));
    if (unrendered.length > 0) throw new Error(`${config.name}: arguments ${unrendered.join(', ')} are not rendered by the generated code`);
    if (classFqn) {
      const configured = new Set([...properties.keys()]);
      attributes.push(...this.computedAttributes(classFqn, configured));
    }
    return { attributes, blocks };
  }

  private structBlock(fqn: string): SchemaBlock {
    const struct = this.sources.type(fqn);
    const entries = structHclEntries(this.sources.moduleSource(struct), struct.name);
    const outputReference = `${fqn}OutputReference`;
    return this.block(fqn, this.sources.assembly.types[outputReference] ? outputReference : undefined, entries, new Set());
  }

  /** The schema of a resource, data source or provider class. */
  topLevel(classType: JsiiType, skip: ReadonlySet<string>): SchemaBlock {
    const configFqn = classType.initializer?.parameters?.find((p) => p.name === 'config')?.type.fqn;
    if (!configFqn) throw new Error(`${classType.name}: no config parameter`);
    const section = classSection(this.sources.moduleSource(classType), classType.name);
    const block = this.block(configFqn, classType.fqn, classHclEntries(section), skip);
    return { ...block, description: classType.docs?.summary };
  }

  /** The Terraform type name the class stands for (`DnsRecord.tfResourceType = "cloudflare_dns_record"`). */
  terraformType(classType: JsiiType): string {
    const match = new RegExp(`${escapeRegExp(classType.name)}\\.tfResourceType = "([^"]+)"`).exec(this.sources.moduleSource(classType));
    if (!match) throw new Error(`${classType.name}: tfResourceType not found`);
    return match[1];
  }
}

/**
 * A data source's optional top-level arguments are filled in by the read (a zone looked up by name
 * returns its zone_id): served optional and computed, so a reference to one is the read's value,
 * not null. The bindings cannot tell which ones the provider fills; all of them is the assumption
 * that never turns a real value into null.
 */
function readArgumentsBack(block: SchemaBlock): SchemaBlock {
  return { ...block, attributes: block.attributes.map((attribute) => (attribute.optional ? { ...attribute, computed: true } : attribute)) };
}

/** How the provider declares nested objects; the bindings render blocks and nested attributes alike. */
export interface DeriveOptions {
  /**
   * True for providers built on the plugin framework with nested attributes only (Cloudflare 5.x:
   * its upgrade guide turned every block into an attribute); false for SDKv2 providers, whose nested
   * objects are blocks (Kubernetes 2.x).
   */
  readonly objectsAreAttributes: boolean;
}

/** Reads a binding package's manifest (25 MB for Cloudflare) and derives every schema it describes: 3–7 s, hence the cache. */
export function deriveProviderSchema(packageDir: string, options: DeriveOptions): ProviderSchema {
  const assembly = JSON.parse(fs.readFileSync(path.join(packageDir, '.jsii'), 'utf8')) as JsiiAssembly;
  const deriver = new SchemaDeriver(new BindingSources(packageDir, assembly), options.objectsAreAttributes);
  const types = Object.values(assembly.types);
  const providerClass = types.find((t) => t.base === 'cdktf.TerraformProvider');
  if (!providerClass) throw new Error(`${assembly.name}: no provider class in the manifest`);
  // "Represents a {@link https://registry.terraform.io/providers/cloudflare/cloudflare/5.14.0/docs cloudflare}."
  const link = /registry\.terraform\.io\/providers\/([^/]+)\/([^/]+)\/([^/]+)\/docs/.exec(providerClass.docs?.summary ?? '');
  if (!link) throw new Error(`${assembly.name}: the provider class does not name the provider version`);
  const resources: Record<string, SchemaBlock> = {};
  const dataSources: Record<string, SchemaBlock> = {};
  for (const type of types) {
    if (type.base === 'cdktf.TerraformResource') resources[deriver.terraformType(type)] = deriver.topLevel(type, new Set());
    else if (type.base === 'cdktf.TerraformDataSource') dataSources[deriver.terraformType(type)] = readArgumentsBack(deriver.topLevel(type, new Set()));
  }
  return {
    address: `registry.terraform.io/${link[1]}/${link[2]}`,
    providerVersion: link[3],
    derivedFrom: `${assembly.name}@${assembly.version}`,
    // `alias` is a meta-argument of every provider block, not part of the provider's schema.
    provider: deriver.topLevel(providerClass, new Set(['alias'])),
    resources,
    dataSources,
  };
}
