/** The review report's shapes: resource changes, the data-loss and security sections, cost, findings. */
import { Finding } from '../policies/types';

/** What happens to a resource. A replacement destroys the old resource and creates a new one. */
export type ChangeAction = 'create' | 'update' | 'replace' | 'delete';

/**
 * What the service does with a changed argument (update-semantics.ts): updates it in place, in
 * place with downtime, replaces the resource, or refuses the change at apply.
 */
export type UpdateVerdict = 'in-place' | 'in-place-downtime' | 'replace' | 'refused';

/** One changed argument of an updated or replaced resource. */
export interface AttributeChange {
  /** `a.b[0].c`. */
  readonly path: string;
  /** The value before and after; absent when the argument is not set; `(sensitive)` when masked. */
  readonly before?: unknown;
  readonly after?: unknown;
  readonly sensitive: boolean;
  /** This change forces the replacement: from the plan's replace_paths, or the force-new table. */
  readonly forcesReplacement: boolean;
  /** The table entry is version- or value-dependent (force-new.ts UNSURE): "may force replacement". */
  readonly mayForceReplacement?: string;
  /** What the service does with this change, why, and the page that says so (update-semantics.ts). */
  readonly verdict: UpdateVerdict;
  readonly verdictReason: string;
  readonly verdictSource: string;
  /** Long strings (user data, scripts, policies): a unified line diff of the decoded values. @default none */
  readonly lineDiff?: readonly string[];
  /** How the values were decoded for the line diff (`base64`, `JSON`…). @default as they are */
  readonly lineDiffDecoded?: string;
}

export interface ResourceChange {
  readonly stack: string;
  /** `type.name`. */
  readonly address: string;
  readonly type: string;
  readonly action: ChangeAction;
  /** Changed arguments (updates and replacements). Creates and deletes list none. */
  readonly attributes: readonly AttributeChange[];
  /** Where a replacement was decided: the plan's actions or the force-new table. */
  readonly replacedBecause?: 'plan' | 'force-new-table';
  /** Every argument before and after, flattened and masked: what the data-loss and security sections read. Not in the JSON report. */
  readonly before?: ReadonlyMap<string, unknown>;
  readonly after?: ReadonlyMap<string, unknown>;
}

/** A destroy or replacement of a stateful resource, or a change that removes its protection. */
export interface DataLossEntry {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  /** `destroy` and `replace` lose data; `protection` makes a later loss possible. */
  readonly kind: 'destroy' | 'replace' | 'protection';
  readonly message: string;
}

export type SecurityCategory = 'iam' | 'network' | 'public-exposure' | 'encryption' | 'tls';

/**
 * What the apply will do beyond the plan's actions: a change the service refuses (the apply
 * fails), an update that takes the resource down, or a destroy that takes a name or a host off
 * the internet.
 */
export interface ApplyRiskEntry {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly kind: 'refused' | 'downtime' | 'outage';
  /** The changed argument, when one argument causes it. @default the whole resource */
  readonly path?: string;
  readonly message: string;
  /** The page the verdict comes from. */
  readonly source: string;
}

/** One service's image in a host release: before and after; absent when the service is added or removed. */
export interface ImageChange {
  readonly service: string;
  readonly before?: string;
  readonly after?: string;
}

/** A host stage's release whose compose file changes (review/releases.ts): which images change. */
export interface ReleaseEntry {
  readonly stack: string;
  /** The compose file's S3 object. */
  readonly address: string;
  /** Images that change, by service; empty when only other settings of the compose file change. */
  readonly images: readonly ImageChange[];
  /** Why the images could not be read, when they could not. @default none */
  readonly note?: string;
}

/** A change to IAM, security groups, public exposure, encryption or TLS. */
export interface SecurityEntry {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly action: ChangeAction;
  readonly category: SecurityCategory;
  readonly message: string;
}

/** The monthly cost difference between base and head. */
export interface CostDelta {
  readonly currency: string;
  readonly monthlyBefore: number;
  readonly monthlyAfter: number;
  readonly monthlyDelta: number;
  /** Per stack or component, for the report's table. @default none */
  readonly lines?: ReadonlyArray<{ readonly label: string; readonly monthlyBefore: number; readonly monthlyAfter: number }>;
  /** Where the prices come from and what they leave out. @default none */
  readonly source?: string;
  /** Head resources the estimator could not price (left out of the totals, never counted as 0). @default none */
  readonly unpriced?: readonly string[];
}

/** Per-stack changes. */
export interface StackChanges {
  readonly stack: string;
  readonly changes: readonly ResourceChange[];
  /** Deleted and created resources of one type with the same arguments: probably a renamed construct id. */
  readonly possibleRenames: ReadonlyArray<{ readonly from: string; readonly to: string }>;
}

export interface ReportSummary {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly stacksChanged: number;
  readonly dataLoss: number;
  /** Changes the service refuses at apply. */
  readonly refused: number;
  /** In-place updates with downtime, and destroys that take a name or a host offline. */
  readonly downtime: number;
  readonly security: number;
  /** Unsuppressed guardrail findings on the head (null when not run). */
  readonly findings: number | null;
}

export interface Report {
  /** `syntheses` (two synthesis directories or git refs), `plan` (terraform show -json) or `stages`. */
  readonly mode: 'syntheses' | 'plan' | 'stages';
  readonly base: string;
  readonly head: string;
  readonly summary: ReportSummary;
  readonly dataLoss: readonly DataLossEntry[];
  /** Refused changes, downtime and outages, in change order (update-semantics.ts). */
  readonly applyRisks: readonly ApplyRiskEntry[];
  readonly security: readonly SecurityEntry[];
  /** Host releases whose compose file changes, with the images that change (review/releases.ts). */
  readonly releases: readonly ReleaseEntry[];
  readonly stacks: readonly StackChanges[];
  /** null when no cost estimator is available. */
  readonly cost: CostDelta | null;
  /** Why cost is null, when it is. */
  readonly costNote?: string;
  /** Unsuppressed guardrail findings on the head; null when they could not be computed. */
  readonly findings: readonly Finding[] | null;
  readonly suppressedFindings: number;
  /** Caveats: how replacements were decided, what a plan cannot show. */
  readonly notes: readonly string[];
}
