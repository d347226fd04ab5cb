/**
 * Guardrail results as SARIF 2.1.0, for GitHub code scanning: one run whose driver lists every
 * rule of the pack (id, name, descriptions, help, default level), and one result per finding,
 * located in the synthesized stack file (`cdktf.out/stacks/<stack>/cdk.tf.json`, on the line
 * where the resource starts when the file can be read) with the resource address as a logical
 * location. Suppressed findings are results too, carrying their reason as an in-source
 * suppression, so code scanning shows them as dismissed rather than forgetting them.
 */
import { STAGECRAFT_PACK } from './packs/stagecraft';
import { Finding, Pack } from './types';

/** The SARIF log, as far as Stagecraft writes it. */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly [SarifRun];
}

export interface SarifRun {
  readonly tool: {
    readonly driver: {
      readonly name: string;
      readonly version: string;
      readonly rules: ReadonlyArray<{
        readonly id: string;
        readonly name: string;
        readonly shortDescription: { readonly text: string };
        readonly fullDescription: { readonly text: string };
        readonly help: { readonly text: string };
        readonly defaultConfiguration: { readonly level: 'error' | 'warning' };
        readonly properties: { readonly tags: readonly string[] };
      }>;
    };
  };
  readonly originalUriBaseIds: Readonly<Record<string, { readonly description: { readonly text: string } }>>;
  readonly results: readonly SarifResult[];
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: 'error' | 'warning';
  readonly message: { readonly text: string };
  readonly locations: ReadonlyArray<{
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string; readonly uriBaseId: string };
      readonly region?: { readonly startLine: number };
    };
    readonly logicalLocations: ReadonlyArray<{ readonly name: string; readonly fullyQualifiedName: string; readonly kind: string }>;
  }>;
  readonly partialFingerprints: { readonly stagecraftFinding: string };
  readonly suppressions?: ReadonlyArray<{ readonly kind: 'inSource'; readonly justification: string }>;
}

export interface SarifOptions {
  /** The synthesis directory as the repository names it, for artifact URIs. @default "cdktf.out" */
  readonly synthesisUri?: string;
  /** The text of each stack's `cdk.tf.json`, to find the line a resource starts on. @default no regions */
  readonly stackText?: (stack: string) => string | undefined;
  /** @default STAGECRAFT_PACK */
  readonly pack?: Pack;
  /** Stagecraft's version. @default "0.0.0" */
  readonly version?: string;
}

/** The 1-based line where `"<name>": {` starts under `"<type>": {` in a stack file, if found. */
export function resourceLine(text: string, address: string): number | undefined {
  const dot = address.indexOf('.');
  if (dot <= 0) return undefined;
  const type = address.slice(0, dot);
  const name = address.slice(dot + 1);
  const typeAt = text.indexOf(`${JSON.stringify(type)}: {`);
  if (typeAt === -1) return undefined;
  const nameAt = text.indexOf(`${JSON.stringify(name)}: {`, typeAt);
  if (nameAt === -1) return undefined;
  let line = 1;
  for (let i = 0; i < nameAt; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** One SARIF 2.1.0 log of the findings and suppressed findings of a check. */
export function sarifLog(findings: readonly Finding[], suppressed: readonly Finding[], options: SarifOptions = {}): SarifLog {
  const pack = options.pack ?? STAGECRAFT_PACK;
  const base = (options.synthesisUri ?? 'cdktf.out').replace(/\/+$/, '');
  const rules = pack.rules.map((entry) => ({
    id: entry.rule.id,
    name: entry.rule.name,
    shortDescription: { text: entry.rule.description },
    fullDescription: { text: `${entry.rule.description} ${entry.explanation}` },
    help: { text: `${entry.explanation} Suppress a finding next to the resource with suppress(resource, "${entry.rule.id}", "reason").` },
    defaultConfiguration: { level: entry.level },
    properties: { tags: ['stagecraft', entry.rule.family] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const texts = new Map<string, string | undefined>();
  const textOf = (stack: string) => {
    if (!texts.has(stack)) texts.set(stack, options.stackText?.(stack));
    return texts.get(stack);
  };
  const result = (f: Finding): SarifResult => {
    const text = textOf(f.stack);
    const line = text === undefined || f.address === '(stack)' ? undefined : resourceLine(text, f.address);
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId) ?? -1,
      level: f.level,
      message: { text: `${f.address} in ${f.stack}: ${f.message}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: `${base}/stacks/${f.stack}/cdk.tf.json`, uriBaseId: 'SRCROOT' },
            ...(line === undefined ? {} : { region: { startLine: line } }),
          },
          logicalLocations: [{ name: f.address, fullyQualifiedName: `${f.stack}/${f.address}`, kind: 'resource' }],
        },
      ],
      partialFingerprints: { stagecraftFinding: `${f.ruleId}/${f.stack}/${f.address}` },
      ...(f.suppressedBecause !== undefined ? { suppressions: [{ kind: 'inSource' as const, justification: f.suppressedBecause }] } : {}),
    };
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'stagecraft', version: options.version ?? '0.0.0', rules } },
        originalUriBaseIds: { SRCROOT: { description: { text: 'the repository root, where `stagecraft synth` writes cdktf.out' } } },
        results: [...findings, ...suppressed].map(result),
      },
    ],
  };
}
