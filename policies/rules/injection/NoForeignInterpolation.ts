/**
 * Terraform evaluates every string of its JSON syntax as a template: a `${…}` or `%{…}` that a
 * user's text brought in (a tag value `${file("/etc/hostname")}`) runs at plan time and can read
 * the planning machine's files into the state. The constructs only ever write references
 * (`${aws_vpc.vpc.id}`, `${data.…}`, `${var.…}`, `${each.…}`) and a few pure functions; user text
 * is escaped (`$${`, `%%{`, constructs/shared/terraform-literal.ts). This rule flags every other
 * interpolation and every template directive, wherever it is in the stack.
 */
import { compliant, nonCompliant } from '../../outcomes';
import { StackOutcome, StackRule } from '../../types';

/** The functions the constructs call inside `${…}`: pure, and unable to read files or the environment. */
export const CONSTRUCT_FUNCTIONS: ReadonlySet<string> = new Set([
  'base64decode',
  'base64encode',
  'cidrhost',
  'cidrsubnet',
  'coalesce',
  'concat',
  'distinct',
  'element',
  'formatdate',
  'join',
  'jsonencode',
  'length',
  'lookup',
  'lower',
  'merge',
  'one',
  'plantimestamp',
  'replace',
  'sha256',
  'split',
  'tolist',
  'toset',
  'tostring',
  'trimprefix',
  'upper',
  'uuid',
]);

/** Roots a reference may start with, besides the resource types (`aws_…`, `cloudflare_…`) of the stack. */
const REFERENCE_ROOTS: ReadonlySet<string> = new Set(['data', 'var', 'local', 'each', 'count', 'self', 'module', 'terraform']);
/** Words of the expression language itself. */
const KEYWORDS: ReadonlySet<string> = new Set(['true', 'false', 'null', 'for', 'in', 'if', 'else', 'endif', 'endfor']);
/** A provider resource type: the constructs reference resources of these providers. */
const RESOURCE_TYPE = /^(aws|cloudflare|kubernetes|helm|random|tls|null|time|cockroach|archive|terraform)_[a-z0-9_]+$/;

/** The `${…}` and `%{…}` sequences of `text` that Terraform would evaluate (escaped `$${` and `%%{` are literal). */
export function interpolations(text: string): Array<{ kind: '$' | '%'; expression: string }> {
  const found: Array<{ kind: '$' | '%'; expression: string }> = [];
  for (let i = 0; i < text.length - 1; i++) {
    const c = text[i];
    if ((c !== '$' && c !== '%') || text[i + 1] === undefined) continue;
    if (text[i + 1] === c && text[i + 2] === '{') {
      i += 2; // `$${` or `%%{`: a literal
      continue;
    }
    if (text[i + 1] !== '{') continue;
    let depth = 0;
    let quoted = false;
    let end = i + 1;
    for (; end < text.length; end++) {
      const ch = text[end];
      if (quoted) {
        if (ch === '\\') end++;
        else if (ch === '"') quoted = false;
      } else if (ch === '"') quoted = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) break;
    }
    found.push({ kind: c, expression: text.slice(i + 2, end) });
    i = end;
  }
  return found;
}

/** Why `expression` (inside `${…}`) is not one the constructs write, or undefined when it is. */
export function foreignReason(expression: string): string | undefined {
  // String literals are data; what remains is names, operators and numbers.
  const code = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  // Names a `for` expression binds (`for k, v in …`) are references too.
  const bound = new Set([...code.matchAll(/\bfor\s+([\w\s,]+?)\s+in\b/g)].flatMap((m) => m[1].split(',').map((name) => name.trim())));
  for (const match of code.matchAll(/[A-Za-z_][\w-]*/g)) {
    const word = match[0];
    const before = code[(match.index ?? 0) - 1];
    const after = code.slice((match.index ?? 0) + word.length);
    if (before === '.' || /^\d/.test(word) || KEYWORDS.has(word) || bound.has(word)) continue;
    if (/^\s*\(/.test(after)) {
      if (!CONSTRUCT_FUNCTIONS.has(word)) return `calls ${word}(), a function the constructs never use`;
      continue;
    }
    if (/^\s*[=:](?!=)/.test(after)) continue; // an object key inside jsonencode({ key = … })
    if (!REFERENCE_ROOTS.has(word) && !RESOURCE_TYPE.test(word)) return `refers to "${word}", which is not a resource, data source, variable or local`;
  }
  return undefined;
}

/** Every string in `value` with its path. */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) if (key !== '//') yield* strings(item, path === '' ? key : `${path}.${key}`);
  }
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export const NoForeignInterpolation: StackRule = {
  id: 'SC-INJ-1',
  name: 'NoForeignInterpolation',
  family: 'injection',
  scope: 'stack',
  description: 'Every ${…} in the stack is a reference or a pure function call the constructs write; no %{…} directives; user text is escaped.',
  evaluate(stack) {
    const outcomes: StackOutcome[] = [];
    const check = (value: unknown, at: string, address?: string) => {
      for (const [path, text] of strings(value, '')) {
        for (const { kind, expression } of interpolations(text)) {
          const reason = kind === '%' ? 'is a template directive, which the constructs never write' : foreignReason(expression);
          if (reason) {
            const where = [at, path].filter((p) => p !== '').join('.');
            outcomes.push({
              ...nonCompliant(`${where}: "${kind}{${shorten(expression)}}" ${reason}; Terraform would evaluate it at plan time. Escape user text ($\${, %%{)`),
              address,
            });
          }
        }
      }
    };
    for (const resource of stack.resources()) check(resource.values, '', resource.address);
    for (const block of ['provider', 'data', 'output', 'locals', 'terraform'] as const) check(stack.json?.[block], block);
    return outcomes.length > 0 ? outcomes : [compliant()];
  },
};
