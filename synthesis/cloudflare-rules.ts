/**
 * A reader of Cloudflare rule expressions (the Rules language of the Ruleset Engine), for the
 * subset the constructs emit: fields (with `["key"]`, `[0]` and `[*]`), the functions `lower`,
 * `upper`, `url_decode`, `starts_with`, `ends_with`, `len`, `any` and `all`, the comparison
 * operators `eq ne lt le gt ge contains matches wildcard strict wildcard in` (and their C-like
 * forms), `not and xor or` with their precedence, parentheses, strings, numbers and sets.
 *
 * It serves two readers: the preflight rules take the fields, functions and operators an
 * expression uses (`inventory`) and check them against what the zone's plan accepts; the tests
 * evaluate the synthesized expressions against requests (`evaluate`) to prove which spellings of
 * a path a rule counts. Semantics follow Cloudflare's "Rules language" pages (operators,
 * functions, values, fields): string comparison is case-sensitive, `wildcard` is case-insensitive
 * and matches the whole value, a comparison on a missing field is false, `[*]` applies a
 * function or comparison to every element, and a regular expression is searched, not anchored.
 * (Cloudflare runs Rust's regex engine; the constructs use only syntax both engines read alike.)
 */

/** Thrown for an expression outside the subset: the constructs must emit only what this reads. */
export class RulesSyntaxError extends Error {}

type Token = { kind: 'string'; value: string } | { kind: 'number'; value: number } | { kind: 'word'; value: string } | { kind: 'punct'; value: string };

const OPERATOR_ALIASES: Readonly<Record<string, string>> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '~': 'matches' };
const COMPARISONS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'contains', 'matches', 'wildcard', 'strict wildcard', 'in']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new RulesSyntaxError('unterminated string');
        const d = text[i];
        if (d === '"') break;
        if (d === '\\') {
          const next = text[i + 1];
          if (next !== '"' && next !== '\\') throw new RulesSyntaxError(`unknown escape \\${next} in a string`);
          value += next;
          i += 2;
        } else {
          value += d;
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'string', value });
    } else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+/.exec(text.slice(i))![0];
      tokens.push({ kind: 'number', value: Number(match) });
      i += match.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))![0];
      tokens.push({ kind: 'word', value: match });
      i += match.length;
    } else {
      const two = text.slice(i, i + 2);
      if (['==', '!=', '<=', '>=', '&&', '||', '^^'].includes(two)) {
        tokens.push({ kind: 'punct', value: two });
        i += 2;
      } else if ('()[]{},*!<>~'.includes(c)) {
        tokens.push({ kind: 'punct', value: c });
        i++;
      } else {
        throw new RulesSyntaxError(`unexpected character ${JSON.stringify(c)}`);
      }
    }
  }
  return tokens;
}

/** A parsed expression. */
export type RulesNode =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: string | number }
  | { readonly kind: 'set'; readonly values: readonly (string | number)[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly RulesNode[] }
  | { readonly kind: 'index'; readonly target: RulesNode; readonly key: string | number | '*' }
  | { readonly kind: 'compare'; readonly operator: string; readonly left: RulesNode; readonly right: RulesNode }
  | { readonly kind: 'not'; readonly operand: RulesNode }
  | { readonly kind: 'logical'; readonly operator: 'and' | 'xor' | 'or'; readonly left: RulesNode; readonly right: RulesNode };

class Parser {
  private at = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  parse(): RulesNode {
    const node = this.or();
    if (this.at < this.tokens.length) throw new RulesSyntaxError(`unexpected ${JSON.stringify(this.tokens[this.at].value)}`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private isWord(value: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'word' && t.value === value;
  }

  private isPunct(value: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'punct' && t.value === value;
  }

  private expectPunct(value: string): void {
    if (!this.isPunct(value)) throw new RulesSyntaxError(`expected ${JSON.stringify(value)}`);
    this.at++;
  }

  private binary(operator: 'and' | 'xor' | 'or', symbol: string, next: () => RulesNode): RulesNode {
    let left = next();
    while (this.isWord(operator) || this.isPunct(symbol)) {
      this.at++;
      left = { kind: 'logical', operator, left, right: next() };
    }
    return left;
  }

  private or(): RulesNode {
    return this.binary('or', '||', () => this.xor());
  }

  private xor(): RulesNode {
    return this.binary('xor', '^^', () => this.and());
  }

  private and(): RulesNode {
    return this.binary('and', '&&', () => this.not());
  }

  private not(): RulesNode {
    if (this.isWord('not') || this.isPunct('!')) {
      this.at++;
      return { kind: 'not', operand: this.not() };
    }
    return this.comparison();
  }

  private comparison(): RulesNode {
    const left = this.value();
    const t = this.peek();
    let operator: string | undefined;
    if (t?.kind === 'word' && t.value === 'strict') {
      this.at++;
      if (!this.isWord('wildcard')) throw new RulesSyntaxError('expected "wildcard" after "strict"');
      operator = 'strict wildcard';
    } else if (t?.kind === 'word' && COMPARISONS.has(t.value)) {
      operator = t.value;
    } else if (t?.kind === 'punct' && OPERATOR_ALIASES[t.value]) {
      operator = OPERATOR_ALIASES[t.value];
    }
    if (operator === undefined) return left;
    this.at++;
    const right = operator === 'in' ? this.set() : this.value();
    return { kind: 'compare', operator, left, right };
  }

  private set(): RulesNode {
    this.expectPunct('{');
    const values: (string | number)[] = [];
    while (!this.isPunct('}')) {
      const t = this.peek();
      if (!t || (t.kind !== 'string' && t.kind !== 'number')) throw new RulesSyntaxError('a set holds strings or numbers');
      values.push(t.value);
      this.at++;
    }
    this.at++;
    return { kind: 'set', values };
  }

  private value(): RulesNode {
    const t = this.peek();
    if (!t) throw new RulesSyntaxError('unexpected end of expression');
    let node: RulesNode;
    if (t.kind === 'punct' && t.value === '(') {
      this.at++;
      node = this.or();
      this.expectPunct(')');
      return node;
    }
    if (t.kind === 'string' || t.kind === 'number') {
      this.at++;
      return { kind: 'literal', value: t.value };
    }
    if (t.kind !== 'word') throw new RulesSyntaxError(`unexpected ${JSON.stringify(t.value)}`);
    this.at++;
    if (this.isPunct('(')) {
      this.at++;
      const args: RulesNode[] = [];
      while (!this.isPunct(')')) {
        args.push(this.or());
        if (this.isPunct(',')) this.at++;
        else if (!this.isPunct(')')) throw new RulesSyntaxError('expected "," or ")" in a call');
      }
      this.at++;
      node = { kind: 'call', name: t.value, args };
    } else {
      node = { kind: 'field', name: t.value };
    }
    while (this.isPunct('[')) {
      this.at++;
      const k = this.peek();
      let key: string | number | '*';
      if (k?.kind === 'punct' && k.value === '*') key = '*';
      else if (k?.kind === 'string' || k?.kind === 'number') key = k.value;
      else throw new RulesSyntaxError('an index is "*", a number or a string');
      this.at++;
      this.expectPunct(']');
      node = { kind: 'index', target: node, key };
    }
    return node;
  }
}

/** Parses `expression`; throws RulesSyntaxError outside the subset. */
export function parseRules(expression: string): RulesNode {
  return new Parser(tokenize(expression)).parse();
}

/** What an expression uses, for checking it against a plan. */
export interface RulesInventory {
  readonly fields: ReadonlySet<string>;
  readonly functions: ReadonlySet<string>;
  readonly operators: ReadonlySet<string>;
  /** String literals, sets included, other than regular expressions. */
  readonly strings: ReadonlySet<string>;
  /** The regular expressions of `matches`. */
  readonly patterns: ReadonlySet<string>;
}

/** The fields, functions and comparison operators `expression` uses. */
export function inventory(expression: string): RulesInventory {
  const fields = new Set<string>();
  const functions = new Set<string>();
  const operators = new Set<string>();
  const strings = new Set<string>();
  const patterns = new Set<string>();
  const walk = (node: RulesNode): void => {
    switch (node.kind) {
      case 'literal':
        if (typeof node.value === 'string') strings.add(node.value);
        return;
      case 'set':
        node.values.forEach((v) => typeof v === 'string' && strings.add(v));
        return;
      case 'field':
        fields.add(node.name);
        return;
      case 'call':
        functions.add(node.name);
        node.args.forEach(walk);
        return;
      case 'index':
        walk(node.target);
        return;
      case 'compare':
        operators.add(node.operator);
        walk(node.left);
        if (node.operator === 'matches' && node.right.kind === 'literal') patterns.add(String(node.right.value));
        else walk(node.right);
        return;
      case 'not':
        walk(node.operand);
        return;
      case 'logical':
        walk(node.left);
        walk(node.right);
        return;
    }
  };
  walk(parseRules(expression));
  return { fields, functions, operators, strings, patterns };
}

/** A request as the Ruleset Engine sees it. */
export interface RulesRequest {
  readonly method: string;
  readonly host?: string;
  /** The path as the client sent it (`raw.http.request.uri.path`). */
  readonly rawPath: string;
  readonly query?: string;
  /** Header names in the case the client sent them, in order. */
  readonly headers?: ReadonlyArray<readonly [name: string, value: string]>;
  readonly ip?: string;
  /** For counting expressions. */
  readonly responseCode?: number;
}

/**
 * The path after the zone's URL normalization of type `cloudflare` (Cloudflare docs, "URL
 * normalization": "How it works"): percent-escapes of unreserved characters decoded, `\` turned
 * into `/`, runs of `/` merged, `.` and `..` segments removed. Other escapes (`%2F` among them)
 * and case are left as they are, except that hexadecimal digits of kept escapes are upper-cased.
 */
export function zoneNormalizedPath(raw: string): string {
  const decoded = raw.replace(/%([0-9A-Fa-f]{2})/g, (_escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  const segments: string[] = [];
  const parts = decoded
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/')
    .split('/');
  parts.forEach((segment, i) => {
    if (i === 0) return;
    if (segment === '.') {
      if (i === parts.length - 1) segments.push('');
      return;
    }
    if (segment === '..') {
      segments.pop();
      if (i === parts.length - 1) segments.push('');
      return;
    }
    segments.push(segment);
  });
  return '/' + segments.join('/');
}

type Value = string | number | boolean | undefined | readonly Value[] | ReadonlyMap<string, readonly string[]> | Each;
/** The elements of an array opened with `[*]`: functions and comparisons apply to each. */
class Each {
  constructor(readonly items: readonly Value[]) {}
}

function fieldValue(name: string, request: RulesRequest): Value {
  const headers = request.headers ?? [];
  const path = zoneNormalizedPath(request.rawPath);
  switch (name) {
    case 'http.request.method':
      return request.method;
    case 'http.host':
      return request.host;
    case 'http.request.uri.path':
      return path;
    case 'raw.http.request.uri.path':
      return request.rawPath;
    case 'http.request.uri.query':
      return request.query ?? '';
    case 'http.request.uri':
      return path + (request.query ? `?${request.query}` : '');
    case 'http.request.full_uri':
      return `https://${request.host ?? ''}${path}${request.query ? `?${request.query}` : ''}`;
    case 'http.request.headers': {
      const map = new Map<string, string[]>();
      for (const [n, v] of headers) map.set(n.toLowerCase(), [...(map.get(n.toLowerCase()) ?? []), v]);
      return map;
    }
    case 'http.request.headers.names':
      return headers.map(([n]) => n);
    case 'http.request.headers.values':
      return headers.map(([, v]) => v);
    case 'ip.src':
      return request.ip;
    case 'http.response.code':
      return request.responseCode;
    default:
      throw new RulesSyntaxError(`the evaluator does not know the field ${name}`);
  }
}

/** `url_decode()`: every `%XX` and `+` decoded once; a malformed escape stays as it is. */
function urlDecode(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const hex = value.slice(i + 1, i + 3);
    if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === '+') {
      bytes.push(0x20);
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('latin1');
}

/** A `wildcard` literal as a regular expression: `*` is any run of characters, `\*` and `\\` are literal. */
function wildcardPattern(literal: string, caseSensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i];
    if (c === '\\' && (literal[i + 1] === '*' || literal[i + 1] === '\\')) {
      source += '\\' + literal[i + 1];
      i++;
    } else if (c === '*') {
      if (literal[i + 1] === '*') throw new RulesSyntaxError('"**" is not allowed in a wildcard');
      source += '.*';
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, caseSensitive ? 's' : 'is');
}

function compare(operator: string, left: Value, right: Value): boolean {
  if (left === undefined) return false;
  if (operator === 'in') return Array.isArray(right) && right.includes(left);
  if (typeof left !== typeof right) throw new RulesSyntaxError(`cannot compare ${typeof left} with ${typeof right}`);
  const l = left as string | number;
  const r = right as string | number;
  switch (operator) {
    case 'eq':
      return l === r;
    case 'ne':
      return l !== r;
    case 'lt':
      return l < r;
    case 'le':
      return l <= r;
    case 'gt':
      return l > r;
    case 'ge':
      return l >= r;
    case 'contains':
      return String(l).includes(String(r));
    case 'matches':
      return new RegExp(String(r), 's').test(String(l));
    case 'wildcard':
      return wildcardPattern(String(r), false).test(String(l));
    case 'strict wildcard':
      return wildcardPattern(String(r), true).test(String(l));
    default:
      throw new RulesSyntaxError(`unknown operator ${operator}`);
  }
}

function mapEach(value: Value, f: (v: Value) => Value): Value {
  return value instanceof Each ? value.items.map(f) : f(value);
}

function call(name: string, args: readonly Value[]): Value {
  const str = (v: Value): string | undefined => (v === undefined ? undefined : String(v as string));
  switch (name) {
    case 'lower':
      return mapEach(args[0], (v) => str(v)?.replace(/[A-Z]+/g, (s) => s.toLowerCase()));
    case 'upper':
      return mapEach(args[0], (v) => str(v)?.replace(/[a-z]+/g, (s) => s.toUpperCase()));
    case 'url_decode':
      return mapEach(args[0], (v) => (v === undefined ? undefined : urlDecode(String(v as string))));
    case 'starts_with':
      return args[0] !== undefined && String(args[0] as string).startsWith(String(args[1] as string));
    case 'ends_with':
      return args[0] !== undefined && String(args[0] as string).endsWith(String(args[1] as string));
    case 'len': {
      const v = args[0];
      if (v === undefined) return undefined;
      return Array.isArray(v) ? v.length : Buffer.byteLength(String(v as string));
    }
    case 'any':
    case 'all': {
      const v = args[0];
      if (v === undefined) return false;
      if (!Array.isArray(v)) throw new RulesSyntaxError(`${name}() takes an array of booleans`);
      return name === 'any' ? v.some((b) => b === true) : v.every((b) => b === true);
    }
    default:
      throw new RulesSyntaxError(`the evaluator does not know the function ${name}()`);
  }
}

function evaluateNode(node: RulesNode, request: RulesRequest): Value {
  switch (node.kind) {
    case 'field':
      return fieldValue(node.name, request);
    case 'literal':
      return node.value;
    case 'set':
      return node.values;
    case 'call':
      return call(
        node.name,
        node.args.map((a) => evaluateNode(a, request)),
      );
    case 'index': {
      const target = evaluateNode(node.target, request);
      if (target === undefined) return undefined;
      if (node.key === '*') {
        if (target instanceof Each) return target; // already opened
        if (!Array.isArray(target)) throw new RulesSyntaxError('[*] needs an array');
        return new Each(target);
      }
      if (target instanceof Map) return typeof node.key === 'string' ? target.get(node.key) : undefined;
      if (Array.isArray(target) && typeof node.key === 'number') return target[node.key] as Value;
      throw new RulesSyntaxError(`cannot index with ${JSON.stringify(node.key)}`);
    }
    case 'compare': {
      const left = evaluateNode(node.left, request);
      const right = evaluateNode(node.right, request);
      if (left === undefined) return undefined; // a missing field: no comparison holds, and any() of it is false
      if (left instanceof Each) return left.items.map((item) => compare(node.operator, item, right));
      return compare(node.operator, left, right);
    }
    case 'not':
      return !truth(evaluateNode(node.operand, request));
    case 'logical': {
      const left = truth(evaluateNode(node.left, request));
      if (node.operator === 'and') return left && truth(evaluateNode(node.right, request));
      if (node.operator === 'or') return left || truth(evaluateNode(node.right, request));
      return left !== truth(evaluateNode(node.right, request));
    }
  }
}

function truth(value: Value): boolean {
  if (typeof value === 'boolean') return value;
  if (value === undefined) return false;
  throw new RulesSyntaxError(`not a boolean: ${JSON.stringify(value)}`);
}

/** True when `expression` matches `request`. */
export function evaluate(expression: string, request: RulesRequest): boolean {
  return truth(evaluateNode(parseRules(expression), request));
}
