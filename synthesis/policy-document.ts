/**
 * IAM-style policy documents (bucket policies, role policies, key policies) as synthesized.
 * cdktf writes them either as a JSON string (`JSON.stringify`, references inside strings) or
 * as `${jsonencode({"Version" = …})}` (`Fn.jsonencode`). Both are decoded here; references
 * stay in the result as `${…}` strings, so a rule that needs one of them can tell it is
 * unresolved. A template may hold quotes of its own (`arn:${element(split(":", k.arn), 4)}`,
 * how the constructs derive the partition and account when the environment has no
 * `aws.accountId`): templates are set aside before the JSON is parsed, and put back into its
 * strings after. Anything else (a reference to a data source, a `file()` call) is not decoded.
 */

/** A decoded JSON value; unresolved parts are `${…}` strings. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A decoded document, or why it could not be decoded. */
export type DecodedPolicy = { readonly document: JsonValue } | { readonly unresolved: string };

const JSONENCODE = /^\$\{jsonencode\(([\s\S]*)\)\}$/;

export function decodePolicy(value: unknown): DecodedPolicy {
  if (value !== null && typeof value === 'object') return { document: value as JsonValue };
  if (typeof value !== 'string') return { unresolved: String(value) };
  const text = value.trim();
  const encoded = JSONENCODE.exec(text);
  if (encoded) {
    try {
      const parser = new HclLiteralParser(encoded[1]);
      const document = parser.parseValue();
      parser.expectEnd();
      return { document };
    } catch {
      return { unresolved: text };
    }
  }
  if (text.startsWith('${')) return { unresolved: text };
  const masked = maskTemplates(text);
  if (!masked) return { unresolved: text };
  try {
    return { document: unmask(JSON.parse(masked.text) as JsonValue, masked.templates) };
  } catch {
    return { unresolved: text };
  }
}

/** Stands for the template of index n inside a JSON string: private-use characters, which JSON strings may hold unescaped. */
const placeholder = (n: number) => `\uE000${n}\uE001`;
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/**
 * The text with each `${…}` template replaced by a placeholder, and the templates; undefined when
 * a template does not end. `$${` is Terraform's escape of a literal `${` and stays as it is.
 */
function maskTemplates(text: string): { text: string; templates: string[] } | undefined {
  const templates: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '$${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i++];
      continue;
    }
    const end = templateEnd(text, i + 2);
    if (end === undefined) return undefined;
    templates.push(text.slice(i, end + 1));
    out += placeholder(templates.length - 1);
    i = end + 1;
  }
  return { text: out, templates };
}

/** The index of the `}` that closes a template whose expression starts at `from`: braces counted, HCL string literals skipped. */
function templateEnd(text: string, from: number): number | undefined {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}

/** `value` with every placeholder back to its template. */
function unmask(value: JsonValue, templates: readonly string[]): JsonValue {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (_, n: string) => templates[Number(n)]);
  if (Array.isArray(value)) return value.map((v) => unmask(v, templates));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [unmask(k, templates) as string, unmask(v, templates)]));
  }
  return value;
}

/** The statements of a decoded policy, each as an object (a lone statement object counts as one). */
export function statements(document: JsonValue): Array<Record<string, JsonValue>> {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return [];
  const list = document.Statement;
  const items = Array.isArray(list) ? list : list !== undefined ? [list] : [];
  return items.filter((s): s is Record<string, JsonValue> => s !== null && typeof s === 'object' && !Array.isArray(s));
}

/** A statement field as a list of strings (`Action: "s3:*"` → `["s3:*"]`). */
export function stringList(value: JsonValue | undefined): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/**
 * Parses the HCL object and tuple literals cdktf renders inside `jsonencode(…)`: quoted keys,
 * `=`, strings with `${…}` templates, numbers, booleans, null, and bare expressions
 * (`aws_s3_bucket.x.arn`), which become `${…}` strings.
 */
class HclLiteralParser {
  private index = 0;

  constructor(private readonly text: string) {}

  expectEnd(): void {
    this.skipSpace();
    if (this.index !== this.text.length) throw new Error(`unexpected text at ${this.index}`);
  }

  parseValue(): JsonValue {
    this.skipSpace();
    const c = this.text[this.index];
    if (c === '{') return this.parseObject();
    if (c === '[') return this.parseTuple();
    if (c === '"') return this.parseString();
    return this.parseBare();
  }

  private skipSpace(): void {
    while (this.index < this.text.length && /\s/.test(this.text[this.index])) this.index++;
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.index] !== char) throw new Error(`expected ${char} at ${this.index}`);
    this.index++;
  }

  private parseObject(): JsonValue {
    this.expect('{');
    const result: Record<string, JsonValue> = {};
    this.skipSpace();
    while (this.text[this.index] !== '}') {
      this.skipSpace();
      const key = this.text[this.index] === '"' ? this.parseString() : this.parseIdentifier();
      this.skipSpace();
      const separator = this.text[this.index];
      if (separator !== '=' && separator !== ':') throw new Error(`expected = at ${this.index}`);
      this.index++;
      result[key] = this.parseValue();
      this.skipSpace();
      if (this.text[this.index] === ',') this.index++;
      this.skipSpace();
      if (this.index >= this.text.length) throw new Error('unterminated object');
    }
    this.index++;
    return result;
  }

  private parseTuple(): JsonValue {
    this.expect('[');
    const result: JsonValue[] = [];
    this.skipSpace();
    while (this.text[this.index] !== ']') {
      result.push(this.parseValue());
      this.skipSpace();
      if (this.text[this.index] === ',') this.index++;
      this.skipSpace();
      if (this.index >= this.text.length) throw new Error('unterminated tuple');
    }
    this.index++;
    return result;
  }

  private parseIdentifier(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.index));
    if (!match) throw new Error(`expected a key at ${this.index}`);
    this.index += match[0].length;
    return match[0];
  }

  /** A quoted string; `${…}` templates inside it are kept verbatim (their own quotes included). */
  private parseString(): string {
    this.index++; // opening quote
    let out = '';
    while (this.index < this.text.length) {
      const c = this.text[this.index];
      if (c === '"') {
        this.index++;
        return out;
      }
      if (c === '\\') {
        const next = this.text[this.index + 1];
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
        this.index += 2;
        continue;
      }
      if (c === '$' && this.text[this.index + 1] === '{') {
        const end = this.templateEnd(this.index + 2);
        out += this.text.slice(this.index, end);
        this.index = end;
        continue;
      }
      out += c;
      this.index++;
    }
    throw new Error('unterminated string');
  }

  /** The index just past the `}` closing a template whose body starts at `start`. */
  private templateEnd(start: number): number {
    let depth = 1;
    let i = start;
    while (i < this.text.length) {
      const c = this.text[i];
      if (c === '"') {
        i++;
        while (i < this.text.length && this.text[i] !== '"') i += this.text[i] === '\\' ? 2 : 1;
      } else if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new Error('unterminated template');
  }

  /** A number, boolean, null, or a bare expression up to the next `,` `}` `]` at depth 0. */
  private parseBare(): JsonValue {
    const start = this.index;
    let depth = 0;
    while (this.index < this.text.length) {
      const c = this.text[this.index];
      if (c === '"') {
        this.index++;
        while (this.index < this.text.length && this.text[this.index] !== '"') this.index += this.text[this.index] === '\\' ? 2 : 1;
      } else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      this.index++;
    }
    const raw = this.text.slice(start, this.index).trim();
    if (raw === '') throw new Error(`expected a value at ${start}`);
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    if (raw === 'null') return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
    return `\${${raw}}`;
  }
}
