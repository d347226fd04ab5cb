/**
 * The shapes every guardrail shares. A rule is pure: it reads one resource (or one stack) of
 * the synthesized JSON and returns an outcome. Packs give rules a level; the engine applies
 * suppressions and turns outcomes into findings.
 */
import { Stage } from '../config/stages';

/** The rule families, in the order the README lists them. */
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
};

/** What a rule concluded about one resource or stack. */
export type Outcome =
  | { readonly status: 'compliant' }
  | { readonly status: 'not-applicable'; readonly reason?: string }
  | { readonly status: 'non-compliant'; readonly message: string }
  /** A value the rule needs is an unresolved Terraform expression (`${…}`): never a silent pass. */
  | { readonly status: 'could-not-evaluate'; readonly message: string };

export type OutcomeStatus = Outcome['status'];

/** A suppression as written into a resource's `//` metadata by `constructs/suppress.ts`. */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

/** One managed resource of a synthesized stack. */
export interface ResourceView {
  readonly type: string;
  /** The logical name (`postgres_primary_11FB0C6D`). */
  readonly name: string;
  /** `type.name`, as Terraform addresses it. */
  readonly address: string;
  /** The resource's arguments as synthesized (blocks may be objects or lists of objects). */
  readonly values: Readonly<Record<string, unknown>>;
  /** The construct path from the `//` metadata, when present. */
  readonly constructPath?: string;
}

/** One synthesized stack, with the lookups rules need to follow references. */
export interface StackView {
  readonly name: string;
  /** From the AWS provider's default tags (`stagecraft:stage`), or the environment's other stacks. */
  readonly stage?: Stage;
  readonly environment?: string;
  /** `stagecraft:region` of the default AWS provider. */
  readonly region?: string;
  /** Every managed resource, or those of one type. */
  resources(type?: string): readonly ResourceView[];
  /** The resource a `${type.name.attr}` expression (or a bare `type.name.attr`) points at. */
  referenced(value: unknown): ResourceView | undefined;
  /** Resources of `type` whose `attribute` (a dotted path; any list element) refers to `target`. */
  referencing(type: string, attribute: string, target: ResourceView): readonly ResourceView[];
  /** Every stack of the same environment, this one included. */
  environmentStacks(): readonly StackView[];
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

/** A pack's entry for one rule. */
export interface PackEntry {
  readonly level: Level;
  /** Why the rule matters, for the finding's reader. */
  readonly explanation: string;
}

/** Rules with levels: the cdk-nag "pack". */
export interface Pack {
  readonly name: string;
  readonly rules: Readonly<Record<string, PackEntry>>;
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
