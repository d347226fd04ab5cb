/**
 * YAML parsing for every input file, bounded: duplicate keys are found in one pass (the `yaml`
 * package's own `uniqueKeys` check compares each key with every earlier one, so 40,000 keys took
 * 25 s), and alias expansion is capped (a 430-byte "billion laughs" file expands to gigabytes,
 * and the `yaml` package stops it only by throwing, which would be a crash instead of exit 2).
 */
import { Document, isScalar, LineCounter, parseDocument, visit, YAMLParseError } from 'yaml';
import { Problem, shownValue } from './errors';

/** The most alias expansions a document may make (the `yaml` package's maxAliasCount). */
export const MAX_YAML_ALIASES = 100;

/** Parses `text`; a key repeated in one mapping is an error in `document.errors`, as with `uniqueKeys`, with its position. */
export function parseYaml(text: string): Document {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter });
  if (document.errors.length > 0) return document;
  visit(document, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = `${typeof pair.key.value}:${String(pair.key.value)}`;
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const [start, end] = pair.key.range ?? [0, 0];
        const error = new YAMLParseError([start, end], 'DUPLICATE_KEY', `Map keys must be unique; ${shownValue(String(pair.key.value))} appears twice`);
        error.linePos = [lineCounter.linePos(start), lineCounter.linePos(end)];
        document.errors.push(error);
      }
    },
  });
  return document;
}

/** `document` as plain data, or the problem that stops it being expanded. */
export function yamlData(document: Document, file: string): { data?: unknown; problem?: Problem } {
  try {
    return { data: document.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const reason = /alias count/i.test(error.message)
      ? `YAML aliases expand too far (more than ${MAX_YAML_ALIASES} alias expansions); write the values out instead of nesting aliases`
      : `YAML error: ${error.message}`;
    return { problem: { file, path: '(root)', message: reason } };
  }
}
