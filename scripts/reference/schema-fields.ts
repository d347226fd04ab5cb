/**
 * Walks a zod schema into the rows of a reference table: one row per field path, with its type,
 * allowed values, default and description. The description and default come from the field's
 * `.describe('… @default …')`; the allowed values from the schema's own checks, or, where a check
 * is a refinement, from the message the schema gives for a value it refuses, so the page says
 * what the error says.
 */
import { z } from 'zod';

/** One documented path of a schema. */
export interface SchemaField {
  /** `network.cidrs.<region>`, `ports[].name`, `scaling.cpuTargetPercent`. */
  readonly path: string;
  readonly type: string;
  /** Allowed values in words; empty when any value of the type is accepted. */
  readonly allowed: string;
  readonly required: boolean;
  /** The `@default` part of the description, if any. */
  readonly default?: string;
  /** The description without its `@default` part; empty when the schema has none. */
  readonly description: string;
  /** For a field of one variant of a union: the discriminator value that selects it (`rule: cpu`). */
  readonly when?: string;
  /** True for an object field (a property), false for map keys and list items. */
  readonly isProperty: boolean;
}

export interface WalkOptions {
  /** Placeholder of a map's key per map path (`network.cidrs` → `region`). @default "key" */
  readonly keyNames?: Readonly<Record<string, string>>;
}

type Schema = z.ZodType;

/** Splits `… @default x` into the description and the default. */
export function splitDefault(text: string | undefined): { description: string; default?: string } {
  if (text === undefined) return { description: '' };
  const at = text.indexOf('@default');
  if (at < 0) return { description: text.trim() };
  return { description: text.slice(0, at).trim(), default: text.slice(at + '@default'.length).trim() };
}

/** Strips optional/default/readonly wrappers, keeping the outermost description. */
function unwrap(schema: Schema): { inner: Schema; optional: boolean; description?: string } {
  let current = schema;
  let optional = false;
  let description = current.description;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodReadonly) {
      if (!(current instanceof z.ZodReadonly)) optional = true;
      current = current.unwrap() as Schema;
      description ??= current.description;
      continue;
    }
    return { inner: current, optional, description };
  }
}

const STRING_PROBE = '\u0000';
const NUMBER_PROBE = -1e15;

/** The message a schema gives for `probe`, cleaned to the allowed part; undefined for zod's generic messages. */
function refusal(schema: Schema, probe: unknown): string | undefined {
  const result = schema.safeParse(probe);
  if (result.success) return undefined;
  const message = result.error.issues.find((issue) => issue.path.length === 0)?.message;
  if (message === undefined || /^(Invalid|Too (small|big))\b/.test(message)) return undefined;
  const shown = JSON.stringify(probe);
  return (
    message
      .replace(`${shown} is not `, '')
      // Messages that never echo the value (it may be a secret): "is not X; received a value of N characters".
      .replace(/^is not /, '')
      .replace(/^must be /, '')
      .replace(/; received .*$/s, '')
  );
}

/** A bound the schema sets; `.int()` alone bounds to the safe integers, which is no bound for a reader. */
const isBound = (value: number | null): value is number => value !== null && Math.abs(value) < Number.MAX_SAFE_INTEGER;

function numberAllowed(schema: z.ZodNumber): { type: string; allowed: string } {
  const type = schema.isInt ? 'integer' : 'number';
  const min = schema.minValue;
  const max = schema.maxValue;
  if (isBound(min) && isBound(max)) return { type, allowed: `${min}–${max}` };
  if (isBound(min)) return { type, allowed: `at least ${min}` };
  if (isBound(max)) return { type, allowed: `at most ${max}` };
  return { type, allowed: refusal(schema, NUMBER_PROBE) ?? '' };
}

function stringAllowed(schema: z.ZodString): string {
  const words = refusal(schema, STRING_PROBE);
  if (words !== undefined) return words;
  const parts: string[] = [];
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as { pattern?: string };
  if (json.pattern !== undefined) parts.push(`matches \`${json.pattern}\``);
  const min = schema.minLength;
  const max = schema.maxLength;
  if (min !== null && max !== null) parts.push(`${min}–${max} characters`);
  else if (min !== null) parts.push(`at least ${min} character${min === 1 ? '' : 's'}`);
  else if (max !== null) parts.push(`at most ${max} characters`);
  return parts.join('; ');
}

const code = (value: unknown): string => `\`${String(value)}\``;

/** Type and allowed values of a schema that is not an object (an object's fields get rows of their own). */
function leaf(schema: Schema): { type: string; allowed: string } {
  if (schema instanceof z.ZodEnum) return { type: 'string', allowed: schema.options.map(code).join(', ') };
  if (schema instanceof z.ZodLiteral) return { type: typeof schema.value, allowed: [...schema.values].map(code).join(', ') };
  if (schema instanceof z.ZodBoolean) return { type: 'boolean', allowed: '' };
  if (schema instanceof z.ZodNumber) return numberAllowed(schema);
  if (schema instanceof z.ZodString) return { type: 'string', allowed: stringAllowed(schema) };
  return { type: schema.type, allowed: '' };
}

/** The item count of a list in words. */
function itemCount(schema: z.ZodArray): string {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as { minItems?: number; maxItems?: number };
  if (json.minItems !== undefined && json.maxItems !== undefined) return `${json.minItems}–${json.maxItems} items`;
  if (json.minItems !== undefined) return `at least ${json.minItems} item${json.minItems === 1 ? '' : 's'}`;
  if (json.maxItems !== undefined) return `at most ${json.maxItems} items`;
  return '';
}

const isObject = (schema: Schema): schema is z.ZodObject => schema instanceof z.ZodObject;
const isUnion = (schema: Schema): schema is z.ZodDiscriminatedUnion => schema instanceof z.ZodDiscriminatedUnion;

/** Every documented path of `schema`, parents before children, in the schema's own order. */
export function schemaFields(schema: Schema, options: WalkOptions = {}): SchemaField[] {
  const rows: SchemaField[] = [];
  const keyName = (path: string) => options.keyNames?.[path] ?? 'key';

  const visit = (path: string, field: Schema, isProperty: boolean, when?: string): void => {
    const { inner, optional, description } = unwrap(field);
    const text = splitDefault(description);
    const row = (type: string, allowed: string) =>
      rows.push({ path, type, allowed, required: !optional, default: text.default, description: text.description, when, isProperty });

    if (isObject(inner)) {
      if (path !== '') row('object', '');
      children(path, inner, when);
      return;
    }
    if (isUnion(inner)) {
      const discriminator = inner.def.discriminator;
      const variants = inner.options as Schema[];
      const values = variants.map((variant) => (isObject(variant) ? unwrap(variant.shape[discriminator] as Schema).inner : undefined));
      const allowed = values.map((value) => (value instanceof z.ZodLiteral ? code(value.value) : '')).filter((v) => v !== '');
      row(`object, one of ${variants.length} shapes by \`${discriminator}\``, `\`${discriminator}\`: ${allowed.join(', ')}`);
      variants.forEach((variant, i) => {
        if (!isObject(variant)) return;
        const value = values[i] instanceof z.ZodLiteral ? `${discriminator}: ${String(values[i].value)}` : undefined;
        children(path, variant, value);
      });
      return;
    }
    if (inner instanceof z.ZodRecord) {
      const key = unwrap(inner.keyType as Schema).inner;
      const value = unwrap(inner.valueType as Schema).inner;
      const keyAllowed = leaf(key).allowed;
      const name = keyName(path);
      if (isObject(value) || isUnion(value)) {
        row(`map of ${name} → object`, keyAllowed === '' ? '' : `${name}: ${keyAllowed}`);
        visit(`${path}.<${name}>`, inner.valueType as Schema, false, when);
        return;
      }
      const described = describeValue(value);
      row(
        `map of ${name} → ${described.type}`,
        [keyAllowed === '' ? '' : `${name}: ${keyAllowed}`, described.allowed === '' ? '' : `value: ${described.allowed}`].filter((p) => p !== '').join('; '),
      );
      return;
    }
    if (inner instanceof z.ZodArray) {
      const element = unwrap(inner.element as Schema).inner;
      const count = itemCount(inner);
      if (isObject(element) || isUnion(element)) {
        row('list of objects', count);
        visit(`${path}[]`, inner.element as Schema, false, when);
        return;
      }
      const described = describeValue(element);
      row(`list of ${described.type}`, [count, described.allowed === '' ? '' : `each: ${described.allowed}`].filter((p) => p !== '').join('; '));
      return;
    }
    const described = leaf(inner);
    row(described.type, described.allowed);
  };

  /** A map value or list item that is not an object: its type and allowed values, one level deep. */
  const describeValue = (value: Schema): { type: string; allowed: string } => {
    if (value instanceof z.ZodArray) {
      const element = leaf(unwrap(value.element as Schema).inner);
      const count = itemCount(value);
      return { type: `list of ${element.type}`, allowed: [count, element.allowed === '' ? '' : `each: ${element.allowed}`].filter((p) => p !== '').join('; ') };
    }
    return leaf(value);
  };

  const children = (path: string, object: z.ZodObject, when?: string): void => {
    for (const [key, child] of Object.entries(object.shape)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (when !== undefined && rows.some((r) => r.path === childPath && r.when === undefined)) continue;
      visit(childPath, child as Schema, true, when);
    }
  };

  visit('', schema, true);
  return mergeDiscriminators(rows);
}

/**
 * The discriminator of a union appears in every variant: keep one row for it (the union's row
 * already lists its values) and drop the per-variant copies.
 */
function mergeDiscriminators(rows: SchemaField[]): SchemaField[] {
  const unions = new Map(rows.filter((r) => r.type.startsWith('object, one of')).map((r) => [r.path, r.type.match(/by `([^`]+)`/)?.[1]]));
  return rows.filter((r) => {
    const parent = r.path.slice(0, r.path.lastIndexOf('.'));
    const discriminator = unions.get(parent);
    return !(discriminator !== undefined && r.when !== undefined && r.path === `${parent}.${discriminator}`);
  });
}

/** Object properties whose schema has no description: each should say what it is. */
export function undescribedFields(schema: Schema, options: WalkOptions = {}): string[] {
  return schemaFields(schema, options)
    .filter((field) => field.isProperty && field.description === '')
    .map((field) => (field.when === undefined ? field.path : `${field.path} (${field.when})`));
}
