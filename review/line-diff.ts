/**
 * Long strings (user data, scripts, cloud-init documents, policies) shown as a line diff, so an
 * image bump on a host reads as the one image line that changed instead of two identical
 * truncated strings. Values are decoded first where they can be: a Terraform
 * `${base64encode("…")}` of a literal (how Stagecraft writes user data), plain base64 that
 * decodes to text, and JSON documents (pretty-printed, keys sorted).
 */

/** Strings at least this long, or with a line break, get a line diff. */
const LONG = 100;
/** Lines of context around each change. */
const CONTEXT = 2;
/** Above this many lines on a side, the diff compares only the changed middle by hashing lines. */
const MAX_LCS_CELLS = 4_000_000;

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * The text of an HCL template string starting at `start` (just after its opening quote): escapes
 * decoded (`\n`, `\"`, `\uXXXX`, `$${`, `%%{`), interpolations such as `${join(",", [])}` kept
 * as written. Returns the text and the index of the closing quote, or undefined when malformed.
 */
function hclTemplate(source: string, start: number): { text: string; end: number } | undefined {
  let text = '';
  let i = start;
  while (i < source.length) {
    const c = source[i];
    if (c === '"') return { text, end: i };
    if (c === '\\') {
      const next = source[i + 1];
      if (next === 'u' || next === 'U') {
        const width = next === 'u' ? 4 : 8;
        text += String.fromCodePoint(parseInt(source.slice(i + 2, i + 2 + width), 16));
        i += 2 + width;
      } else {
        text += ESCAPES[next] ?? next;
        i += 2;
      }
      continue;
    }
    if ((c === '$' || c === '%') && source[i + 1] === c && source[i + 2] === '{') {
      text += `${c}{`;
      i += 3;
      continue;
    }
    if ((c === '$' || c === '%') && source[i + 1] === '{') {
      const end = interpolationEnd(source, i + 2);
      if (end === undefined) return undefined;
      text += source.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    text += c;
    i++;
  }
  return undefined;
}

/** The index of the `}` closing an interpolation whose expression starts at `start` (strings and nested braces skipped). */
function interpolationEnd(source: string, start: number): number | undefined {
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === '"') {
      const inner = hclTemplate(source, i + 1);
      if (!inner) return undefined;
      i = inner.end;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}

/** The template inside `${base64encode("…")}`, decoded; undefined for any other value. */
function base64encodeLiteral(value: string): string | undefined {
  const prefix = '${base64encode("';
  if (!value.startsWith(prefix) || !value.endsWith('")}')) return undefined;
  const template = hclTemplate(value, prefix.length);
  return template && template.end === value.length - 3 ? template.text : undefined;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Text without control characters other than tab and line breaks, and without U+FFFD (bytes that were not UTF-8). */
function printable(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffd) return false;
  }
  return true;
}

/** The value as readable text and how it was decoded, or undefined when it is not a string. */
export function readableText(value: unknown): { text: string; decoded?: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const literal = base64encodeLiteral(value);
  if (literal !== undefined) return { text: literal, decoded: 'base64encode() of a literal' };
  if (value.length >= 16 && BASE64.test(value)) {
    const text = Buffer.from(value, 'base64').toString('utf8');
    if (printable(text)) return { text, decoded: 'base64' };
  }
  const trimmed = value.trim();
  if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
    try {
      return { text: JSON.stringify(sortKeys(JSON.parse(trimmed)), null, 2), decoded: 'JSON' };
    } catch {
      // not JSON: compared as text
    }
  }
  return { text: value };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** True when a changed value should be shown as a line diff rather than inline. */
export function wantsLineDiff(before: unknown, after: unknown): boolean {
  const long = (v: unknown) => typeof v === 'string' && (v.length >= LONG || v.includes('\n'));
  return typeof before === 'string' && typeof after === 'string' && (long(before) || long(after));
}

/** Edit script of two line lists: ' ' kept, '-' removed, '+' added, in order. */
function editScript(a: readonly string[], b: readonly string[]): Array<[' ' | '-' | '+', string]> {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const script: Array<[' ' | '-' | '+', string]> = a.slice(0, start).map((l) => [' ', l] as [' ', string]);
  if ((midA.length + 1) * (midB.length + 1) > MAX_LCS_CELLS) {
    script.push(...midA.map((l) => ['-', l] as ['-', string]), ...midB.map((l) => ['+', l] as ['+', string]));
  } else {
    // Longest common subsequence of the middle, by dynamic programming.
    const n = midA.length;
    const m = midB.length;
    const table = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        table[i * (m + 1) + j] =
          midA[i] === midB[j] ? table[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1]);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        script.push([' ', midA[i++]]);
        j++;
      } else if (i < n && (j === m || table[(i + 1) * (m + 1) + j] >= table[i * (m + 1) + j + 1])) script.push(['-', midA[i++]]);
      else script.push(['+', midB[j++]]);
    }
  }
  script.push(...a.slice(endA).map((l) => [' ', l] as [' ', string]));
  return script;
}

/**
 * A unified-style diff of two texts: `@@ -l +l @@` hunk headers, changed lines with `-`/`+`, and
 * CONTEXT unchanged lines around them. Empty when the texts are equal.
 */
export function diffLines(before: string, after: string, context = CONTEXT): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const script = editScript(a, b);
  const changed = script.map(([op]) => op !== ' ');
  const out: string[] = [];
  let lineA = 1;
  let lineB = 1;
  const positions = script.map(([op]) => {
    const at = { a: lineA, b: lineB };
    if (op !== '+') lineA++;
    if (op !== '-') lineB++;
    return at;
  });
  let k = 0;
  while (k < script.length) {
    if (!changed[k]) {
      k++;
      continue;
    }
    const from = Math.max(0, k - context);
    let to = k;
    // Extend the hunk while the next change is within 2 × context lines.
    for (let next = k; next < script.length; next++) {
      if (changed[next]) to = next;
      else if (next - to > 2 * context) break;
    }
    const end = Math.min(script.length - 1, to + context);
    out.push(`@@ -${positions[from].a} +${positions[from].b} @@`);
    for (let i = from; i <= end; i++) out.push(`${script[i][0]}${script[i][1]}`);
    k = end + 1;
  }
  return out;
}

/** The line diff of two long string values, decoded as far as possible; undefined when not wanted. */
export function valueLineDiff(before: unknown, after: unknown): { lines: string[]; decoded?: string } | undefined {
  if (!wantsLineDiff(before, after)) return undefined;
  const a = readableText(before)!;
  const b = readableText(after)!;
  const decoded = a.decoded && a.decoded === b.decoded ? a.decoded : (a.decoded ?? b.decoded);
  return { lines: diffLines(a.text, b.text), ...(decoded ? { decoded } : {}) };
}
