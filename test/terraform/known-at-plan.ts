/**
 * Issue 14, item 4 ("a first plan a reviewer can read"): in the plan of an example stack, no
 * configured policy document (IAM policy and role trust policy, KMS key policy, S3 bucket policy,
 * SNS topic policy, Secrets Manager policy, OpenSearch domain policy, CloudWatch Logs resource
 * policy) and no bucket name is "(known after apply)". Reads the `terraform show -json` plans that
 * test/terraform/examples.test.ts writes, so no stack is planned twice. Only configured attributes
 * count: an Optional+Computed `policy` left unset (the bucket's, the key's) is unknown by design.
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
    readonly root_module?: { readonly resources?: ReadonlyArray<{ readonly address: string; readonly expressions?: Record<string, unknown> }> };
  };
}

/** `<address>.<attribute>` of every configured policy document or bucket name the plan leaves unknown, and how many it checked. */
export function unknownAtPlan(planFile: string): { readonly checked: number; readonly unknown: string[] } {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as PlanJson;
  const configured = new Map((plan.configuration?.root_module?.resources ?? []).map((r) => [r.address, r.expressions ?? {}]));
  let checked = 0;
  const unknown: string[] = [];
  for (const change of plan.resource_changes ?? []) {
    const base = change.address.replace(/\[[^\]]*\]$/, '');
    for (const attribute of KNOWN_AT_PLAN[change.type] ?? []) {
      if (!(attribute in (configured.get(base) ?? {}))) continue;
      checked++;
      if (change.change.after_unknown?.[attribute] === true) unknown.push(`${change.address}.${attribute}`);
    }
  }
  return { checked, unknown };
}
