/**
 * The shapes every guardrail shares. A rule is pure: it reads one resource (or one stack) of
 * the synthesized JSON and returns an outcome. Packs give rules a level; the engine applies
 * suppressions and turns outcomes into findings.
 */
import { ResourceView, StackView } from '../synthesis/stack-views';

export type { ResourceView, StackView };

/** The rule families, in the order the docs list them. */
export const RULE_FAMILIES = [
  'encryption-at-rest',
  'encryption-in-transit',
  'public-exposure',
  'imdsv2',
  'deletion-protection-and-backups',
  'logging',
  'kms-rotation',
  'tls',
  'kubernetes-pod-hardening',
  'stage-aware',
  'injection',
  'preflight',
  'request-path',
] as const;
export type RuleFamily = (typeof RULE_FAMILIES)[number];

/** The short code in each family's rule ids: `SC-<code>-<n>`. */
export const FAMILY_CODES: Readonly<Record<RuleFamily, string>> = {
  'encryption-at-rest': 'EAR',
  'encryption-in-transit': 'EIT',
  'public-exposure': 'PUB',
  imdsv2: 'IMD',
  'deletion-protection-and-backups': 'DP',
  logging: 'LOG',
  'kms-rotation': 'KMS',
  tls: 'TLS',
  'kubernetes-pod-hardening': 'K8S',
  'stage-aware': 'STG',
  injection: 'INJ',
  preflight: 'PRE',
  'request-path': 'REQ',
};

/** What a rule concluded about one resource or stack. */
export type Outcome =
  | { readonly status: 'compliant' }
  | { readonly status: 'not-applicable'; readonly reason?: string }
  | { readonly status: 'non-compliant'; readonly message: string }
  /** A value the rule needs is an unresolved Terraform expression (`${…}`): never a silent pass. */
  | { readonly status: 'could-not-evaluate'; readonly message: string };

export type OutcomeStatus = Outcome['status'];

/** A suppression as written into a resource's `//` metadata by `policies/suppress.ts`. */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

interface RuleBase {
  /** `SC-<family code>-<n>`. */
  readonly id: string;
  /** A cdk-nag style name, the rule's file name: `RdsStorageEncrypted`. */
  readonly name: string;
  readonly family: RuleFamily;
  /** What a compliant resource looks like, in one sentence. */
  readonly description: string;
}

/** A rule over each resource of some types. */
export interface ResourceRule extends RuleBase {
  readonly scope: 'resource';
  readonly resourceTypes: readonly string[];
  evaluate(resource: ResourceView, stack: StackView): Outcome;
}

/** An outcome about one resource of a stack, or about the stack as a whole. */
export type StackOutcome = Outcome & {
  /** The resource the outcome is about; the stack itself when absent. */
  readonly address?: string;
};

/** A rule over a whole stack (stage-aware rules that relate several resources). */
export interface StackRule extends RuleBase {
  readonly scope: 'stack';
  evaluate(stack: StackView): readonly StackOutcome[];
}

export type Rule = ResourceRule | StackRule;

export type Level = 'error' | 'warning';

/** A pack's entry for one rule: the rule object itself, so a reader jumps to it. */
export interface PackEntry {
  readonly rule: Rule;
  readonly level: Level;
  /** Why the rule matters, for the finding's reader. */
  readonly explanation: string;
}

/** Rules with levels: the cdk-nag "pack". */
export interface Pack {
  readonly name: string;
  readonly rules: readonly PackEntry[];
}

/** A rule that did not pass on one resource or stack. */
export interface Finding {
  readonly stack: string;
  /** The resource address, or `(stack)`. */
  readonly address: string;
  readonly ruleId: string;
  readonly ruleName: string;
  readonly family: RuleFamily;
  readonly level: Level;
  readonly status: 'non-compliant' | 'could-not-evaluate';
  readonly message: string;
  readonly constructPath?: string;
  /** Present when a suppression on the resource excuses the finding. */
  readonly suppressedBecause?: string;
}
