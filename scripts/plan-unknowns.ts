/**
 * How much of a first plan a reviewer cannot read: in a `terraform show -json` plan (from
 * `stagecraft validate --plan-json-dir`), the IAM role, role policy, bucket, bucket policy and
 * key policy changes whose policy or name is "(known after apply)". Used for issue 14, item 4.
 *
 *   npx tsx scripts/plan-unknowns.ts <dir>/<stack>.plan.json [--list]
 */
import { readFileSync } from 'node:fs';

const FIELDS: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role: ['assume_role_policy', 'name'],
  aws_iam_role_policy: ['policy', 'name'],
  aws_s3_bucket: ['bucket'],
  aws_s3_bucket_policy: ['policy'],
  aws_kms_key_policy: ['policy'],
};

interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly after_unknown?: Record<string, unknown> };
}

const [file, flag] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx scripts/plan-unknowns.ts <plan.json> [--list]');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(file, 'utf8')) as { resource_changes?: ResourceChange[] };
const counted = (plan.resource_changes ?? []).filter((rc) => FIELDS[rc.type] !== undefined);
const unknown = counted
  .map((rc) => ({ address: rc.address, fields: FIELDS[rc.type].filter((f) => rc.change.after_unknown?.[f] === true) }))
  .filter((u) => u.fields.length > 0);
console.log(`${unknown.length} of ${counted.length} policy/name changes known only after apply`);
if (flag === '--list') for (const u of unknown) console.log(`  ${u.address}: ${u.fields.join(', ')}`);
