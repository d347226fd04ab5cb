/**
 * What the stand-in checks in `ValidateResourceConfig` beyond what Terraform core checks from the
 * served schema (types, required and unknown arguments, block nesting and item counts).
 *
 * Cloudflare's provider rejects a string argument outside its documented "Available values" at
 * validate time; the bindings keep that list in their documentation, so the stand-in checks known
 * values against it (case-insensitively, as the provider does). Unknown values are left alone.
 *
 * Core rejects a required argument that is missing from the configuration, but not one whose
 * expression evaluates to null (`zone_id = data.x.optional_thing`); providers do, at validate and
 * plan time, and so does the stand-in.
 */
import { isObject, WireValue } from './msgpack';
import { SchemaAttribute, SchemaBlock } from './schema-model';

/** A step of an attribute path: an attribute name, or a list index / map key. */
export type PathStep = { readonly attribute: string } | { readonly index: number } | { readonly key: string };

/** A finding of the stand-in's own checks. */
export interface StandinFinding {
  readonly summary: string;
  readonly detail: string;
  readonly path: readonly PathStep[];
}

function renderPath(path: readonly PathStep[]): string {
  return path
    .map((step, index) => ('attribute' in step ? `${index === 0 ? '' : '.'}${step.attribute}` : 'index' in step ? `[${step.index}]` : `["${step.key}"]`))
    .join('');
}

function elements(value: WireValue): Array<[PathStep, WireValue]> {
  if (Array.isArray(value)) return value.map((element, index) => [{ index }, element]);
  if (isObject(value)) return Object.entries(value).map(([key, element]) => [{ key }, element]);
  return [];
}

function checkAttributes(attributes: readonly SchemaAttribute[], value: WireValue, path: readonly PathStep[], findings: StandinFinding[]): void {
  if (!isObject(value)) return;
  for (const attribute of attributes) {
    const configured = value[attribute.name];
    const here = [...path, { attribute: attribute.name }];
    if (attribute.required && configured === null) {
      findings.push({
        summary: 'Missing Configuration for Required Attribute',
        detail: `Must set a configuration value for the ${renderPath(here)} attribute as the provider has marked it as required.`,
        path: here,
      });
    }
    if (attribute.oneOf && typeof configured === 'string') {
      const allowed = attribute.oneOf;
      if (!allowed.some((option) => option.toLowerCase() === configured.toLowerCase())) {
        findings.push({
          summary: 'Invalid Attribute Value Match',
          detail: `Attribute ${renderPath(here)} value must be one of: ${allowed.map((option) => `"${option}"`).join(', ')}; got "${configured}"`,
          path: here,
        });
      }
    }
    if (attribute.nested && configured !== undefined && configured !== null) {
      const inner = attribute.nested.nesting === 'single' ? [[undefined, configured] as const] : elements(configured);
      for (const [step, element] of inner) checkAttributes(attribute.nested.attributes, element, step ? [...here, step] : here, findings);
    }
  }
}

function checkBlock(block: SchemaBlock, value: WireValue, path: readonly PathStep[], findings: StandinFinding[]): void {
  if (!isObject(value)) return;
  checkAttributes(block.attributes, value, path, findings);
  for (const nested of block.blocks) {
    const configured = value[nested.name];
    const here = [...path, { attribute: nested.name }];
    if (nested.nesting === 'single' || nested.nesting === 'group') checkBlock(nested.block, configured ?? null, here, findings);
    else for (const [step, element] of elements(configured ?? null)) checkBlock(nested.block, element, [...here, step], findings);
  }
}

/** The stand-in's own findings for a resource or data source configuration. */
export function checkConfiguration(block: SchemaBlock, config: WireValue): StandinFinding[] {
  const findings: StandinFinding[] = [];
  checkBlock(block, config, [], findings);
  return findings;
}
