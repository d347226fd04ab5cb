/**
 * Plans and data source reads the way a provider does, from the schema alone.
 *
 * A planned resource keeps every configured value (known or not), leaves unset optional arguments
 * null, and makes every computed attribute that is not configured unknown ("known after apply"), or
 * keeps its prior value on an update. Terraform core then checks the plan against the configuration
 * exactly as it does for a real provider.
 *
 * A data source is read at plan time only when its configuration is wholly known, and Terraform 1.11
 * refuses a result that is not wholly known (deferral needs an experimental build). So a read returns
 * the configured arguments and a typed placeholder for each computed attribute: "" for strings, 0,
 * false, empty collections, objects of placeholders. Anything that depends on the real values (a
 * `for_each` over a zone's name servers) plans with those placeholders, not with Cloudflare's data.
 */
import { isObject, UNKNOWN, Unknown, WireValue } from './msgpack';
import { CtyType, NestedObject, SchemaAttribute, SchemaBlock } from './schema-model';

type ObjectValue = { [key: string]: WireValue };

/** How a computed attribute that is not configured is filled in. */
type Fill = (attribute: SchemaAttribute, prior: WireValue | undefined) => WireValue;

function field(value: WireValue | undefined, name: string): WireValue | undefined {
  return isObject(value) ? value[name] : undefined;
}

function mapElements(value: WireValue, each: (element: WireValue, key: string | number) => WireValue): WireValue {
  if (value === null || value instanceof Unknown) return value;
  if (Array.isArray(value)) return value.map((element, index) => each(element, index));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, element]) => [key, each(element, key)]));
  return value;
}

function planNested(nested: NestedObject, config: WireValue, prior: WireValue | undefined, fill: Fill): WireValue {
  const planObject = (element: WireValue, key: string | number): WireValue => {
    if (!isObject(element)) return element;
    const priorElement = nested.nesting === 'single' ? prior : typeof key === 'number' && Array.isArray(prior) ? prior[key] : field(prior, String(key));
    return planAttributes(nested.attributes, element, priorElement, fill);
  };
  if (nested.nesting === 'single') return isObject(config) ? planObject(config, 0) : config;
  return mapElements(config, planObject);
}

function planAttributes(attributes: readonly SchemaAttribute[], config: ObjectValue, prior: WireValue | undefined, fill: Fill): ObjectValue {
  const out: ObjectValue = {};
  for (const attribute of attributes) {
    const configured = config[attribute.name] ?? null;
    const priorValue = field(prior, attribute.name);
    if (configured === null) out[attribute.name] = attribute.computed ? fill(attribute, priorValue) : null;
    else if (attribute.nested && !(configured instanceof Unknown)) out[attribute.name] = planNested(attribute.nested, configured, priorValue, fill);
    else out[attribute.name] = configured;
  }
  return out;
}

function planBlockValue(block: SchemaBlock, config: WireValue | undefined, prior: WireValue | undefined, fill: Fill): ObjectValue {
  const configObject = isObject(config) ? config : {};
  const out = planAttributes(block.attributes, configObject, prior, fill);
  for (const nested of block.blocks) {
    const configured = configObject[nested.name] ?? null;
    const priorValue = field(prior, nested.name);
    if (nested.nesting === 'single' || nested.nesting === 'group') {
      out[nested.name] = isObject(configured) ? planBlockValue(nested.block, configured, priorValue, fill) : configured;
      continue;
    }
    out[nested.name] = mapElements(configured, (element, key) => {
      const priorElement = typeof key === 'number' && Array.isArray(priorValue) ? priorValue[key] : field(priorValue, String(key));
      return isObject(element) ? planBlockValue(nested.block, element, priorElement, fill) : element;
    });
  }
  return out;
}

/** The planned new state of a managed resource: configuration kept, computed attributes unknown (or prior on update). */
export function planResource(block: SchemaBlock, config: WireValue, prior: WireValue): WireValue {
  if (config === null) return null; // destroy
  return planBlockValue(block, config, prior === null ? undefined : prior, (_attribute, priorValue) =>
    priorValue === undefined || priorValue === null ? UNKNOWN : priorValue,
  );
}

/** A known value of the type, standing for what the remote API would return. */
export function placeholder(type: CtyType): WireValue {
  if (type === 'string') return '';
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  if (type === 'dynamic') return null;
  if (type[0] === 'list' || type[0] === 'set') return [];
  if (type[0] === 'map') return {};
  return Object.fromEntries(Object.entries(type[1]).map(([name, attributeType]) => [name, placeholder(attributeType)]));
}

function placeholderAttribute(attribute: SchemaAttribute): WireValue {
  if (attribute.type) return placeholder(attribute.type);
  const nested = attribute.nested as NestedObject;
  if (nested.nesting !== 'single') return nested.nesting === 'map' ? {} : [];
  return Object.fromEntries(nested.attributes.map((inner) => [inner.name, inner.computed ? placeholderAttribute(inner) : null]));
}

/** The state a data source read returns at plan time: configuration kept, computed attributes as known placeholders. */
export function readDataSource(block: SchemaBlock, config: WireValue): WireValue {
  return planBlockValue(block, config, undefined, (attribute) => placeholderAttribute(attribute));
}
