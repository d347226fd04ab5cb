/** Turns zod issues into `<file>: <path>: <message>` problems with the allowed values spelled out. */
import { z } from 'zod';
import { formatPath, Problem, shownValue } from './errors';

type Issue = z.core.$ZodIssue;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const shown = shownValue(value);
  return `${typeof value} ${shown}`;
}

const EXPECTED_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** Keys a strict object at `path` accepts, found by walking the schema. */
function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  for (const key of path) {
    node = unwrap(node);
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(key)];
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
    else return [];
  }
  node = unwrap(node);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function unwrap(node: z.ZodType | undefined): z.ZodType | undefined {
  let current = node;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

function messageFor(issue: Issue, schema: z.ZodType): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      if (!issue.message.startsWith('Invalid input')) return issue.message; // a message set in the schema
      const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
      return input === undefined ? `is required (${expected})` : `expected ${expected}, received ${describeValue(input)}`;
    }
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(schema, issue.path);
      const keys = issue.keys.map((k) => shownValue(k)).join(', ');
      const noun = issue.keys.length === 1 ? 'unknown key' : 'unknown keys';
      return `${noun} ${keys}; allowed keys: ${allowed.join(', ')}`;
    }
    case 'too_small':
    case 'too_big': {
      if (!issue.message.startsWith('Too ')) return issue.message; // a message set in the schema
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const exclusive = issue.inclusive === false;
      const word = issue.code === 'too_small' ? (exclusive ? 'greater than' : 'at least') : exclusive ? 'less than' : 'at most';
      if (issue.origin === 'array') return `needs ${word} ${String(bound)} item(s); received ${describeValue(input)}`;
      if (issue.origin === 'string') return `must be ${word} ${String(bound)} characters long`;
      return `must be ${word} ${String(bound)}; received ${describeValue(input)}`;
    }
    case 'invalid_value':
      return issue.message.startsWith('Invalid') ? `${shownValue(input)} is not allowed; allowed: ${issue.values.map(String).join(', ')}` : issue.message;
    case 'invalid_key':
      return issue.issues.length > 0 ? `key ${messageFor(issue.issues[0] as Issue, schema)}` : issue.message;
    default:
      return issue.message;
  }
}

export function zodProblems(file: string, error: z.ZodError, schema: z.ZodType): Problem[] {
  return error.issues.map((issue) => {
    // A bad record key is reported at the key itself, not at its parent.
    const path = issue.code === 'invalid_key' ? [...issue.path] : issue.path;
    return { file, path: formatPath(path), message: messageFor(issue, schema) };
  });
}
