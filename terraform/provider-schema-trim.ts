/**
 * A provider's `GetProviderSchema` response (plugin protocol 5, `tfplugin5.GetProviderSchema.Response`)
 * cut down to the resource, data source and ephemeral resource types one root module names, at the
 * wire level. The AWS provider's full response holds ~1,500 types (10+ MB); terraform core decodes
 * all of it in every command (~2–3 CPU s) although a stack names a few dozen. Terraform only looks
 * up the schemas of the types the configuration names, so a response holding just those (each one
 * byte for byte as the provider sent it) plans exactly the same; a named type the provider lacks is
 * absent here too, and terraform reports it with its own error.
 *
 * Wire facts (the public tfplugin5 .proto, protocol 5.8, which terraform 1.11 speaks): fields 2
 * `resource_schemas`, 3 `data_source_schemas` and 8 `ephemeral_resource_schemas` are
 * `map<string, Schema>`, that is repeated length-delimited entries whose field 1 is the key. Every
 * other field (1 provider, 4 diagnostics, 5 provider_meta, 6 server_capabilities, 7 functions) is
 * copied untouched; the inner Schema messages are never decoded.
 */

/** The map fields of `GetProviderSchema.Response` that hold one schema per type, by field number. */
export const TYPE_MAP_FIELDS = { resource: 2, data: 3, ephemeral: 8 } as const;
export type TypeKind = keyof typeof TYPE_MAP_FIELDS;

/** The types a root module names, by kind (`resource "aws_vpc"` → resource: aws_vpc). */
export type NamedTypes = { readonly [K in TypeKind]: ReadonlySet<string> };

/** One top-level field of the response: its bytes (tag included) and, for a type map entry, its kind and key. */
interface RawField {
  readonly bytes: Buffer;
  readonly kind?: TypeKind;
  readonly key?: string;
}

/** A response split into its top-level fields once, to be trimmed for any number of roots. */
export interface ParsedProviderSchema {
  readonly fields: readonly RawField[];
  /** Every type of each kind the provider serves. */
  readonly types: { readonly [K in TypeKind]: readonly string[] };
}

const WIRE_VARINT = 0;
const WIRE_64BIT = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_32BIT = 5;

function readVarint(buffer: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  let multiplier = 1;
  for (let pos = at; pos < buffer.length; pos++) {
    const byte = buffer[pos];
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { value, next: pos + 1 };
    multiplier *= 128;
  }
  throw new Error(`truncated varint at byte ${at}`);
}

/** The end of the field whose value starts at `at`. */
function skipValue(buffer: Buffer, wireType: number, at: number): number {
  switch (wireType) {
    case WIRE_VARINT:
      return readVarint(buffer, at).next;
    case WIRE_64BIT:
      return at + 8;
    case WIRE_32BIT:
      return at + 4;
    case WIRE_LENGTH_DELIMITED: {
      const length = readVarint(buffer, at);
      return length.next + length.value;
    }
    default:
      throw new Error(`unsupported wire type ${wireType} at byte ${at}`);
  }
}

/** The key (field 1, a string) of a map entry's bytes. */
function mapEntryKey(entry: Buffer): string {
  let pos = 0;
  while (pos < entry.length) {
    const tag = readVarint(entry, pos);
    const wireType = tag.value & 7;
    if (tag.value >>> 3 === 1 && wireType === WIRE_LENGTH_DELIMITED) {
      const length = readVarint(entry, tag.next);
      return entry.toString('utf8', length.next, length.next + length.value);
    }
    pos = skipValue(entry, wireType, tag.next);
  }
  return '';
}

const KIND_BY_FIELD = new Map<number, TypeKind>(Object.entries(TYPE_MAP_FIELDS).map(([kind, field]) => [field, kind as TypeKind]));

/** Splits a serialized `GetProviderSchema.Response` into its top-level fields. Throws on bytes that are not a protobuf message. */
export function parseProviderSchema(response: Buffer): ParsedProviderSchema {
  const fields: RawField[] = [];
  const types: Record<TypeKind, string[]> = { resource: [], data: [], ephemeral: [] };
  let pos = 0;
  while (pos < response.length) {
    const tag = readVarint(response, pos);
    const wireType = tag.value & 7;
    const end = skipValue(response, wireType, tag.next);
    if (end > response.length) throw new Error(`field ${tag.value >>> 3} at byte ${pos} runs past the end of the message`);
    const bytes = response.subarray(pos, end);
    const kind = wireType === WIRE_LENGTH_DELIMITED ? KIND_BY_FIELD.get(tag.value >>> 3) : undefined;
    if (kind) {
      const length = readVarint(response, tag.next);
      const key = mapEntryKey(response.subarray(length.next, end));
      types[kind].push(key);
      fields.push({ bytes, kind, key });
    } else {
      fields.push({ bytes });
    }
    pos = end;
  }
  return { fields, types };
}

/** Levenshtein distance, as terraform's `didyoumean.NameSuggestion` measures it (it suggests a name under 3). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Edit distances under which terraform offers a type name as "Did you mean …?". */
const SUGGESTION_DISTANCE = 3;

/**
 * Which types of each kind the trimmed response keeps: every named type, in every kind the provider
 * has it (terraform's error for a resource type that exists only as a data source, or the other way
 * round, says so), and, for a named type its kind lacks, every type of that kind terraform could
 * offer as "Did you mean …?". So the errors, suggestions included, are the ones the full schema gives.
 */
export function keptTypes(parsed: ParsedProviderSchema, named: NamedTypes): { [K in TypeKind]: Set<string> } {
  const all = new Set([...named.resource, ...named.data, ...named.ephemeral]);
  const kinds = Object.keys(TYPE_MAP_FIELDS) as TypeKind[];
  const kept = { resource: new Set<string>(), data: new Set<string>(), ephemeral: new Set<string>() };
  for (const kind of kinds) {
    const served = new Set(parsed.types[kind]);
    const missing = [...named[kind]].filter((type) => !served.has(type));
    for (const type of parsed.types[kind]) {
      if (all.has(type) || missing.some((name) => editDistance(name, type) < SUGGESTION_DISTANCE)) kept[kind].add(type);
    }
  }
  return kept;
}

/** The serialized response with only the kept types' map entries; every other field as the provider sent it, in its order. */
export function trimProviderSchema(parsed: ParsedProviderSchema, named: NamedTypes): Buffer {
  const kept = keptTypes(parsed, named);
  return Buffer.concat(parsed.fields.filter((field) => field.kind === undefined || kept[field.kind].has(field.key as string)).map((field) => field.bytes));
}
