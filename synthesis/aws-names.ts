/**
 * AWS's and Cloudflare's own rules for the names Stagecraft derives (from the environment name,
 * the region and a component or service name): length, characters, and the special cases each
 * service refuses (`--` in RDS and ElastiCache identifiers, `xn--` S3 buckets). Checked on the
 * synthesized stacks before they replace any output, so an environment name that makes a name
 * AWS refuses is exit 2 naming the field, not a failed `terraform apply`.
 */

/** One naming rule: the attribute of a resource type that holds a name, and what the service allows. */
export interface NameRule {
  readonly type: string;
  readonly attribute: string;
  readonly max: number;
  readonly min?: number;
  /** The characters (and shape) allowed. */
  readonly pattern: RegExp;
  /** The allowed characters, for the message. */
  readonly allowed: string;
  /** Further refusals: the reason, or undefined when the name passes. */
  readonly extra?: (name: string) => string | undefined;
}

const noDoubleHyphenOrTrailing = (name: string): string | undefined =>
  name.includes('--') ? 'two hyphens in a row are not allowed' : name.endsWith('-') ? 'it may not end with a hyphen' : undefined;

const DB_IDENTIFIER = /^[a-z][a-z0-9-]*$/;
const DB_ALLOWED = 'lowercase letters, digits and hyphens, starting with a letter';

export const NAME_RULES: readonly NameRule[] = [
  { type: 'aws_backup_selection', attribute: 'name', max: 50, pattern: /^[a-zA-Z0-9_.-]+$/, allowed: 'letters, digits, _ . -' },
  { type: 'aws_backup_plan', attribute: 'name', max: 50, pattern: /^[a-zA-Z0-9_.-]+$/, allowed: 'letters, digits, _ . -' },
  { type: 'aws_backup_vault', attribute: 'name', min: 2, max: 50, pattern: /^[a-zA-Z0-9_-]+$/, allowed: 'letters, digits, _ -' },
  { type: 'aws_db_instance', attribute: 'identifier', max: 63, pattern: DB_IDENTIFIER, allowed: DB_ALLOWED, extra: noDoubleHyphenOrTrailing },
  { type: 'aws_rds_cluster', attribute: 'cluster_identifier', max: 63, pattern: DB_IDENTIFIER, allowed: DB_ALLOWED, extra: noDoubleHyphenOrTrailing },
  { type: 'aws_rds_cluster_instance', attribute: 'identifier', max: 63, pattern: DB_IDENTIFIER, allowed: DB_ALLOWED, extra: noDoubleHyphenOrTrailing },
  { type: 'aws_db_parameter_group', attribute: 'name', max: 255, pattern: DB_IDENTIFIER, allowed: DB_ALLOWED, extra: noDoubleHyphenOrTrailing },
  { type: 'aws_rds_cluster_parameter_group', attribute: 'name', max: 255, pattern: DB_IDENTIFIER, allowed: DB_ALLOWED, extra: noDoubleHyphenOrTrailing },
  { type: 'aws_db_subnet_group', attribute: 'name', max: 255, pattern: /^[a-z0-9 ._-]+$/, allowed: 'lowercase letters, digits, spaces, _ . -' },
  {
    type: 'aws_elasticache_replication_group',
    attribute: 'replication_group_id',
    max: 40,
    pattern: DB_IDENTIFIER,
    allowed: DB_ALLOWED,
    extra: noDoubleHyphenOrTrailing,
  },
  { type: 'aws_elasticache_parameter_group', attribute: 'name', max: 255, pattern: DB_IDENTIFIER, allowed: DB_ALLOWED, extra: noDoubleHyphenOrTrailing },
  { type: 'aws_elasticache_subnet_group', attribute: 'name', max: 255, pattern: DB_IDENTIFIER, allowed: DB_ALLOWED, extra: noDoubleHyphenOrTrailing },
  {
    type: 'aws_s3_bucket',
    attribute: 'bucket',
    min: 3,
    max: 63,
    pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    allowed: 'lowercase letters, digits, . and -, starting and ending with a letter or digit',
    extra: (name) =>
      name.startsWith('xn--')
        ? 'S3 refuses names starting with "xn--"'
        : name.startsWith('sthree-')
          ? 'S3 refuses names starting with "sthree-"'
          : /-s3alias$|--ol-s3$|\.mrap$|--x-s3$/.test(name)
            ? 'S3 refuses this suffix'
            : name.includes('..')
              ? 'two dots in a row are not allowed'
              : undefined,
  },
  { type: 'aws_iam_role', attribute: 'name', max: 64, pattern: /^[\w+=,.@-]+$/, allowed: 'letters, digits, + = , . @ _ -' },
  { type: 'aws_iam_policy', attribute: 'name', max: 128, pattern: /^[\w+=,.@-]+$/, allowed: 'letters, digits, + = , . @ _ -' },
  { type: 'aws_iam_role_policy', attribute: 'name', max: 128, pattern: /^[\w+=,.@-]+$/, allowed: 'letters, digits, + = , . @ _ -' },
  { type: 'aws_iam_instance_profile', attribute: 'name', max: 128, pattern: /^[\w+=,.@-]+$/, allowed: 'letters, digits, + = , . @ _ -' },
  {
    type: 'aws_lb',
    attribute: 'name',
    max: 32,
    pattern: /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    allowed: 'letters, digits and hyphens, not at either end',
    extra: (name) => (name.startsWith('internal-') ? 'names may not start with "internal-"' : undefined),
  },
  {
    type: 'aws_lb_target_group',
    attribute: 'name',
    max: 32,
    pattern: /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    allowed: 'letters, digits and hyphens, not at either end',
  },
  {
    type: 'aws_eks_cluster',
    attribute: 'name',
    max: 100,
    pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
    allowed: 'letters, digits, _ -, starting with a letter or digit',
  },
  { type: 'aws_eks_node_group', attribute: 'node_group_name', max: 63, pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/, allowed: 'letters, digits, _ -' },
  { type: 'aws_opensearch_domain', attribute: 'domain_name', min: 3, max: 28, pattern: /^[a-z][a-z0-9-]+$/, allowed: DB_ALLOWED },
  { type: 'aws_mq_broker', attribute: 'broker_name', max: 50, pattern: /^[\w-]+$/, allowed: 'letters, digits, _ -' },
  { type: 'aws_msk_cluster', attribute: 'cluster_name', max: 64, pattern: /^[a-zA-Z0-9-]+$/, allowed: 'letters, digits and hyphens' },
  { type: 'aws_sns_topic', attribute: 'name', max: 256, pattern: /^[\w-]+$/, allowed: 'letters, digits, _ -' },
  { type: 'aws_kms_alias', attribute: 'name', max: 256, pattern: /^alias\/[\w/-]+$/, allowed: 'alias/ then letters, digits, / _ -' },
  { type: 'aws_cloudwatch_metric_alarm', attribute: 'alarm_name', max: 255, pattern: /^[^\p{Cc}]+$/u, allowed: 'no control characters' },
  { type: 'aws_cloudwatch_log_group', attribute: 'name', max: 512, pattern: /^[\w./#-]+$/, allowed: 'letters, digits, _ . / # -' },
  { type: 'aws_secretsmanager_secret', attribute: 'name', max: 512, pattern: /^[\w/+=.@-]+$/, allowed: 'letters, digits, / _ + = . @ -' },
  {
    type: 'aws_security_group',
    attribute: 'name',
    max: 255,
    pattern: /^[\w .:/()#,@[\]+=&;{}!$*-]+$/,
    allowed: 'letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*',
  },
  { type: 'aws_launch_template', attribute: 'name', max: 128, pattern: /^[a-zA-Z0-9()./_-]+$/, allowed: 'letters, digits, ( ) . / _ -' },
  { type: 'cloudflare_workers_script', attribute: 'script_name', max: 63, pattern: /^[a-z0-9][a-z0-9_-]*$/, allowed: 'lowercase letters, digits, _ -' },
  // Cloudflare: load balancing "Pools" API, `name`: "Only alphanumeric characters, hyphens, and underscores are allowed" (no length stated).
  { type: 'cloudflare_load_balancer_pool', attribute: 'name', max: Number.POSITIVE_INFINITY, pattern: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, _ -' },
  // The load balancer's name is the DNS name it answers for.
  {
    type: 'cloudflare_load_balancer',
    attribute: 'name',
    max: 253,
    pattern: /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
    allowed: 'a DNS name: dot-separated labels of letters, digits and inner hyphens, at most 63 characters each',
  },
  // R2 "Buckets": 3–63 lowercase letters, digits and hyphens, not beginning or ending with a hyphen.
  {
    type: 'cloudflare_r2_bucket',
    attribute: 'name',
    min: 3,
    max: 63,
    pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    allowed: 'lowercase letters, digits and hyphens, not at either end',
  },
];

/** Who refuses a name: Cloudflare for its resource types, else AWS. */
export function nameAuthority(type: string): string {
  return type.startsWith('cloudflare_') ? 'Cloudflare' : 'AWS';
}

/** A name in a stack that AWS (or Cloudflare) would refuse. */
export interface NameViolation {
  readonly stack: string;
  readonly address: string;
  readonly attribute: string;
  readonly name: string;
  /** What is wrong and what is allowed. */
  readonly reason: string;
}

/** Why `name` breaks `rule`, or undefined. */
export function nameViolation(rule: NameRule, name: string): string | undefined {
  const length = [...name].length;
  if (length > rule.max) return `${length} characters; allowed: at most ${rule.max}`;
  if (rule.min !== undefined && length < rule.min) return `${length} characters; allowed: at least ${rule.min}`;
  if (!rule.pattern.test(name)) return `allowed: ${rule.allowed}`;
  return rule.extra?.(name);
}

/** The account ID as the constructs derive it from an ARN in a name: `${element(split(":", <arn>), 4)}`. */
const ACCOUNT_ID = /\$\{element\(split\(":", [\w.-]+\), 4\)\}/g;
/** Twelve digits: an account ID has the length of this, and only digits. */
const ACCOUNT_ID_SAMPLE = '123456789012';

/**
 * Every derived name in `json` (one stack) that breaks its rule. An account ID in a name counts as
 * its 12 digits; a name holding any other `${…}` is known only at apply, and skipped.
 */
export function nameViolations(stack: string, json: Readonly<Record<string, unknown>>): NameViolation[] {
  const resources = (json.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  const violations: NameViolation[] = [];
  for (const rule of NAME_RULES) {
    for (const [name, body] of Object.entries(resources[rule.type] ?? {})) {
      const value = body?.[rule.attribute];
      if (typeof value !== 'string') continue;
      // The account ID suffix (`${element(split(":", <key>.arn), 4)}`) is 12 digits; other expressions are unknown until apply.
      const withAccount = value.replace(ACCOUNT_ID, ACCOUNT_ID_SAMPLE);
      if (withAccount.includes('${')) continue;
      const reason = nameViolation(rule, withAccount);
      const shown = value.replace(ACCOUNT_ID, '<account-id>');
      if (reason) violations.push({ stack, address: `${rule.type}.${name}`, attribute: rule.attribute, name: shown, reason });
    }
  }
  return violations;
}
