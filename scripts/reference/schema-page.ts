/**
 * One reference page for a YAML file type from its zod schema: top-level fields first, then a
 * section per object field with every path below it. Fields that a table of documented numbers
 * (`NumericSpec`) covers are shown in that table instead, with unit, range and source.
 */
import { z } from 'zod';
import { describeRange, NumericSpec } from '../../config/numeric-spec';
import { code, prose, table } from './markdown';
import { SchemaField, schemaFields, WalkOptions } from './schema-fields';

/** A table of documented numbers that holds the defaults of the fields under `prefix`. */
export interface NumericTable {
  /** Path of the object whose fields the table documents, e.g. `workload`. */
  readonly prefix: string;
  /** The file the table lives in, for the reader. */
  readonly source: string;
  readonly specs: Readonly<Record<string, NumericSpec>>;
}

export interface SchemaPageInput {
  readonly notice: string;
  readonly title: string;
  /** Paragraphs after the title. */
  readonly intro: readonly string[];
  readonly schema: z.ZodType;
  readonly walk?: WalkOptions;
  readonly numericTables?: readonly NumericTable[];
}

/** A table default: as is when short, else to four significant digits. */
export function formatSpecValue(value: number): string {
  const short = Number(value.toPrecision(4));
  return short === value ? String(value) : `≈ ${short}`;
}

function defaultCell(field: SchemaField): string {
  if (field.default !== undefined) return field.default;
  return field.required ? 'required' : '';
}

function descriptionCell(field: SchemaField): string {
  return field.when === undefined ? field.description : `With \`${field.when}\`: ${field.description}`;
}

const FIELD_HEADER = ['Field', 'Type', 'Allowed', 'Default', 'Description'];

function fieldRow(field: SchemaField): string[] {
  return [code(field.path), field.type, field.allowed, defaultCell(field), descriptionCell(field)];
}

function numericTable(spec: NumericTable): string {
  const rows = Object.entries(spec.specs).map(([name, entry]) => [
    code(`${spec.prefix}.${name}`),
    entry.value === undefined ? (entry.defaultText ?? '') : formatSpecValue(entry.value),
    entry.unit,
    describeRange(entry),
    entry.description,
    entry.source,
  ]);
  return table(['Field', 'Default', 'Unit', 'Allowed', 'Description', 'Source of the default'], rows);
}

/** The Markdown of the page; pure, so the staleness test can build it from any schema. */
export function renderSchemaPage(input: SchemaPageInput): string {
  const fields = schemaFields(input.schema, input.walk).filter((field) => field.isProperty);
  const covered = new Set((input.numericTables ?? []).flatMap((t) => Object.keys(t.specs).map((name) => `${t.prefix}.${name}`)));
  const top = (path: string) => path.split(/[.[]/)[0];
  const isGroup = (field: SchemaField) =>
    !field.path.includes('.') && !field.path.includes('[') && fields.some((f) => f !== field && top(f.path) === field.path);

  const out: string[] = [input.notice, '', `# ${input.title}`, '', ...input.intro.flatMap((p) => [p, ''])];
  const scalars = fields.filter((field) => !field.path.includes('.') && !field.path.includes('[') && !isGroup(field));
  const groups = fields.filter(isGroup);

  out.push('## Top level', '', table(FIELD_HEADER, [...scalars, ...groups].map(fieldRow)), '');
  for (const group of groups) {
    out.push(`## ${code(group.path)}`, '');
    const summary = [prose(group.description), group.default === undefined ? '' : `Default: ${prose(group.default)}.`].filter((p) => p !== '');
    if (summary.length > 0) out.push(summary.join(' '), '');
    const below = fields.filter((field) => field !== group && top(field.path) === group.path && !covered.has(field.path));
    if (below.length > 0) out.push(table(FIELD_HEADER, below.map(fieldRow)), '');
    for (const spec of (input.numericTables ?? []).filter((t) => t.prefix === group.path)) {
      out.push(`Defaults, units, ranges and sources of the \`${spec.prefix}\` fields, from \`${spec.source}\`:`, '', numericTable(spec), '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
