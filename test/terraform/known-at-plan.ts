/**
 * Issue 14, item 4 ("a first plan a reviewer can read"): in the plan of an example stack, no
 * configured policy document (IAM policy and role trust policy, KMS key policy, S3 bucket policy,
 * SNS topic policy, Secrets Manager policy, OpenSearch domain policy, CloudWatch Logs resource
 * policy) and no bucket name is "(known after apply)". Reads the `terraform show -json` plans that
 * test/terraform/examples.test.ts writes, so no stack is planned twice. Only configured attributes
 * count: an Optional+Computed `policy` left unset (the bucket's, the key's) is unknown by design.
 * Nothing is exempt: the services' `rds-db:connect` grants, which named the resource id RDS
 * generates, now name their environment's own user on every database of the region
 * (config/database-user.ts). Each unknown one comes with its causes: the attributes its expression
 * reads that the plan leaves unknown, so a failure names what to build from a name instead.
 */
import { readFileSync } from 'node:fs';

/** Resource type → the attributes that hold a policy document or a bucket name. */
export const KNOWN_AT_PLAN: Readonly<Record<string, readonly string[]>> = {
  aws_iam_policy: ['policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_role: ['assume_role_policy'],
  aws_kms_key: ['policy'],
  aws_kms_key_policy: ['policy'],
  aws_s3_bucket: ['bucket', 'policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_sns_topic: ['policy'],
  aws_sns_topic_policy: ['policy'],
  aws_secretsmanager_secret: ['policy'],
  aws_secretsmanager_secret_policy: ['policy'],
  aws_opensearch_domain: ['access_policies'],
  aws_opensearch_domain_policy: ['access_policies'],
  aws_cloudwatch_log_resource_policy: ['policy_document'],
};

interface PlanJson {
  readonly resource_changes?: ReadonlyArray<{
    readonly address: string;
    readonly type: string;
    readonly change: { readonly after_unknown?: Record<string, unknown> };
  }>;
  readonly configuration?: {
    readonly root_module?: {
      readonly resources?: ReadonlyArray<{
        readonly address: string;
        readonly expressions?: Record<string, { readonly references?: readonly string[] } | unknown>;
      }>;
    };
  };
}

/** A configured policy document or bucket name the plan leaves unknown, and the attributes it reads that are unknown at plan time. */
export interface UnknownAtPlan {
  /** `<address>.<attribute>`. */
  readonly attribute: string;
  /** `<resource address>.<attribute>` of each reference in its expression that the plan leaves unknown. */
  readonly causes: readonly string[];
}

/** Whether an `after_unknown` value holds an unknown anywhere. */
function holdsUnknown(value: unknown): boolean {
  if (value === true) return true;
  if (Array.isArray(value)) return value.some(holdsUnknown);
  return typeof value === 'object' && value !== null && Object.values(value).some(holdsUnknown);
}

/** `<address>.<attribute>` of every configured policy document or bucket name the plan leaves unknown (with why), and how many it checked. */
export function unknownAtPlan(planFile: string): { readonly checked: number; readonly unknown: UnknownAtPlan[] } {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as PlanJson;
  const configured = new Map((plan.configuration?.root_module?.resources ?? []).map((r) => [r.address, r.expressions ?? {}]));
  const changes = plan.resource_changes ?? [];
  // A reference `type.name.attribute…` is unknown when the plan leaves that attribute of any instance of the resource unknown.
  const unknownReference = (reference: string): string | undefined => {
    const parts = reference.split('.');
    const [base, attribute] = parts[0] === 'data' ? [parts.slice(0, 3).join('.'), parts[3]] : [parts.slice(0, 2).join('.'), parts[2]];
    if (attribute === undefined || /^(var|local|module)$/.test(parts[0])) return undefined;
    const name = attribute.replace(/\[.*$/, '');
    const instances = changes.filter((c) => c.address === base || c.address.startsWith(`${base}[`));
    return instances.some((c) => holdsUnknown(c.change.after_unknown?.[name])) ? `${base}.${name}` : undefined;
  };
  let checked = 0;
  const unknown: UnknownAtPlan[] = [];
  for (const change of changes) {
    const base = change.address.replace(/\[[^\]]*\]$/, '');
    const expressions = configured.get(base) ?? {};
    for (const attribute of KNOWN_AT_PLAN[change.type] ?? []) {
      if (!(attribute in expressions)) continue;
      checked++;
      if (change.change.after_unknown?.[attribute] !== true) continue;
      const references = ((expressions[attribute] as { references?: readonly string[] } | undefined)?.references ?? []).map(unknownReference);
      unknown.push({ attribute: `${change.address}.${attribute}`, causes: [...new Set(references.filter((r): r is string => r !== undefined))].sort() });
    }
  }
  return { checked, unknown };
}
