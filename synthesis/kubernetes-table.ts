/**
 * The shape of synthesis/kubernetes-resources.json: for each Kubernetes kind the apps stacks apply,
 * the kubernetes provider's typed resource that applies it and, field by field, the API name, the
 * provider's name and type, and the API's scalar type. Generated from the provider binding and the
 * Kubernetes API schema by `npm run k8s-schema` (scripts/kubernetes-schema.ts); read by the
 * converter in both directions (kubernetes-typed.ts). Loading it is a JSON import, no schema parsing.
 */
import tableJson from './kubernetes-resources.json';

/** Where the table is committed, relative to the project root. */
export const TABLE_PATH = 'synthesis/kubernetes-resources.json';

/** A provider (Terraform) type, as the protocol's JSON writes it. */
export type ProviderType = 'string' | 'number' | 'bool' | 'dynamic' | readonly [string, ProviderType] | readonly ['object', Record<string, ProviderType>];

/** The API's type of a scalar field (or of a list's or map's elements). `int` covers every JSON number. */
export type ApiScalar = 'string' | 'int' | 'bool' | 'intOrString' | 'quantity';

/** A field that is a provider attribute: its provider name and type, and the API's scalar type. */
export interface AttributeField {
  readonly tf: string;
  readonly t: ProviderType;
  readonly a: ApiScalar;
}

/** A field that is a provider block: its provider name, the table block it is, and whether it repeats. */
export interface BlockField {
  readonly tf: string;
  readonly b: string;
  readonly many?: true;
  /** An API object the provider declares as a list block (no MaxItems 1): written as a list of one. */
  readonly wrap?: true;
}

export type TableField = AttributeField | BlockField;

/** One block: its fields by API name; at a resource's top level, the provider's own arguments too. */
export interface TableBlock {
  readonly fields: Readonly<Record<string, TableField>>;
  /** Arguments of the resource with no API field (wait_for_rollout, timeouts, …): set by the construct, skipped when reading back. */
  readonly providerOnly?: readonly string[];
}

export interface KubernetesResourceTable {
  readonly generatedBy: string;
  /** The binding package and provider version the structure was read from. */
  readonly provider: string;
  /** The Kubernetes API schema package the API types were read from. */
  readonly api: string;
  /** `<apiVersion> <kind>` → the resource type and its top-level block. */
  readonly kinds: Readonly<Record<string, { readonly resourceType: string; readonly block: string }>>;
  readonly blocks: Readonly<Record<string, TableBlock>>;
}

export const KUBERNETES_TABLE = tableJson as unknown as KubernetesResourceTable;

export function isBlockField(field: TableField): field is BlockField {
  return 'b' in field;
}
