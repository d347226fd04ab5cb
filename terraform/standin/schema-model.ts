/**
 * The provider schema the stand-in serves, in Terraform's own terms (attributes with a type or a
 * nested object, blocks with a nesting mode and item limits). Derived once from a binding
 * package's jsii manifest (jsii-schema.ts), cached as JSON (schema-cache.ts), and turned into
 * protocol messages (server.ts) and plans (plan.ts).
 */

/** A Terraform (cty) type as its JSON form, as the protocol carries it. */
export type CtyType =
  'string' | 'number' | 'bool' | 'dynamic' | readonly ['list' | 'set' | 'map', CtyType] | readonly ['object', { readonly [name: string]: CtyType }];

export type NestingMode = 'single' | 'list' | 'set' | 'map' | 'group';

/** An attribute of nested attributes (protocol 6 "nested_type"), as the plugin framework declares them. */
export interface NestedObject {
  readonly nesting: Exclude<NestingMode, 'group'>;
  readonly attributes: readonly SchemaAttribute[];
}

/** One attribute: a plain type, or nested attributes. */
export interface SchemaAttribute {
  readonly name: string;
  readonly type?: CtyType;
  readonly nested?: NestedObject;
  readonly required: boolean;
  readonly optional: boolean;
  readonly computed: boolean;
  readonly description?: string;
  /** Values the provider accepts, from the bindings' "Available values" documentation; compared case-insensitively. */
  readonly oneOf?: readonly string[];
}

/** A nested block type. */
export interface SchemaNestedBlock {
  readonly name: string;
  readonly nesting: NestingMode;
  readonly block: SchemaBlock;
  readonly minItems: number;
  readonly maxItems: number;
}

/** A configuration block: the provider's, a resource's or a data source's top level, or a nested block. */
export interface SchemaBlock {
  readonly attributes: readonly SchemaAttribute[];
  readonly blocks: readonly SchemaNestedBlock[];
  readonly description?: string;
}

/** Everything the stand-in knows about one provider. */
export interface ProviderSchema {
  /** Registry address, e.g. registry.terraform.io/cloudflare/cloudflare. */
  readonly address: string;
  /** The provider version the bindings were generated from, e.g. 5.14.0. */
  readonly providerVersion: string;
  /** The binding package and version the schema was derived from, e.g. @cdktf/provider-cloudflare@13.9.1. */
  readonly derivedFrom: string;
  readonly provider: SchemaBlock;
  readonly resources: { readonly [type: string]: SchemaBlock };
  readonly dataSources: { readonly [type: string]: SchemaBlock };
}

/** The object type of a block's value, as Terraform sees it. */
export function blockType(block: SchemaBlock): CtyType {
  const attributes: Record<string, CtyType> = {};
  for (const attribute of block.attributes) attributes[attribute.name] = attributeType(attribute);
  for (const nested of block.blocks) {
    const inner = blockType(nested.block);
    attributes[nested.name] = nested.nesting === 'single' || nested.nesting === 'group' ? inner : [nested.nesting, inner];
  }
  return ['object', attributes];
}

/** The type of an attribute's value (nested attributes become objects in a collection). */
export function attributeType(attribute: SchemaAttribute): CtyType {
  if (attribute.type) return attribute.type;
  const nested = attribute.nested as NestedObject;
  const object = blockType({ attributes: nested.attributes, blocks: [] });
  return nested.nesting === 'single' ? object : [nested.nesting, object];
}
