/**
 * The shape every reader of a stack relies on: `resource` and `data` map a type to a map of names
 * to argument objects, `output` maps names to objects, `provider` maps names to a list of (or one)
 * object. A hand-edited or corrupted stack that breaks it is reported naming the stack and the
 * resource (exit 2), instead of a TypeError deep inside review or cost.
 */

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kindOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

/** What is wrong with the shape of stack `name`, one line each (empty when nothing is). */
export function stackShapeProblems(name: string, json: Record<string, Json>): string[] {
  const problems: string[] = [];
  const expectObject = (value: Json, where: string, what: string): value is Record<string, Json> => {
    if (isObject(value)) return true;
    problems.push(`stack ${name}: ${where} is ${kindOf(value)}; expected ${what}`);
    return false;
  };
  for (const block of ['resource', 'data'] as const) {
    const types = json[block];
    if (types === undefined || !expectObject(types, `"${block}"`, 'an object of resource types')) continue;
    const prefix = block === 'data' ? 'data.' : '';
    for (const [type, byName] of Object.entries(types)) {
      if (!expectObject(byName, `${prefix}${type}`, 'an object of named resources')) continue;
      for (const [resource, args] of Object.entries(byName)) expectObject(args, `${prefix}${type}.${resource}`, 'an object of arguments');
    }
  }
  for (const block of ['output', 'variable', 'locals', 'terraform'] as const) {
    const value = json[block];
    if (value === undefined || !expectObject(value, `"${block}"`, 'an object')) continue;
    if (block === 'output' || block === 'variable') for (const [key, entry] of Object.entries(value)) expectObject(entry, `${block}.${key}`, 'an object');
  }
  const providers = json.provider;
  if (providers !== undefined && expectObject(providers, '"provider"', 'an object of providers')) {
    for (const [provider, blocks] of Object.entries(providers)) {
      const list = Array.isArray(blocks) ? blocks : [blocks];
      list.forEach((block, i) => expectObject(block, `provider.${provider}${Array.isArray(blocks) ? `[${i}]` : ''}`, 'an object of provider arguments'));
    }
  }
  return problems;
}
