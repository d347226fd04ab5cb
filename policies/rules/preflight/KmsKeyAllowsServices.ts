/**
 * A customer-managed key used by CloudWatch Logs or by a topic CloudWatch alarms publish to
 * lets that service use it, only for this account's resources (a source condition), and a key
 * of an AWS Backup vault lets the account's IAM policies use it (Backup acts through its IAM
 * service role). Otherwise the log group, the alarm notification or the backup fails (review F3, S3).
 */
import { ResourceRule, ResourceView, StackView } from '../../types';
import { compliant, couldNotEvaluate, nonCompliant, notApplicable } from '../../outcomes';
import { conditionValues, keyStatements, missingActions, principals, Statement } from './key-policy';

const SOURCE_CONDITIONS = ['aws:SourceAccount', 'aws:SourceArn', 'kms:EncryptionContext:aws:logs:arn'];
const hasSourceCondition = (s: Statement) => SOURCE_CONDITIONS.some((key) => conditionValues(s, key).length > 0);

interface Requirement {
  readonly user: string;
  readonly who: (s: Statement) => boolean;
  readonly whoText: string;
  readonly actions: readonly string[];
}

function requirements(key: ResourceView, stack: StackView): Requirement[] {
  const out: Requirement[] = [];
  const logGroups = stack.referencing('aws_cloudwatch_log_group', 'kms_key_id', key);
  if (logGroups.length > 0) {
    const services = new Set(['logs.amazonaws.com', ...(stack.region ? [`logs.${stack.region}.amazonaws.com`] : [])]);
    out.push({
      user: `${logGroups.length} log group(s)`,
      who: (s) => principals(s, 'Service').some((p) => services.has(p)) && hasSourceCondition(s),
      whoText: `CloudWatch Logs (logs.${stack.region ?? '<region>'}.amazonaws.com) with a source condition`,
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    });
  }
  const topics = stack.referencing('aws_sns_topic', 'kms_master_key_id', key);
  const alarmed = topics.filter((t) => stack.referencing('aws_cloudwatch_metric_alarm', 'alarm_actions', t).length > 0);
  if (alarmed.length > 0) {
    out.push({
      user: `alarm topic(s) ${alarmed.map((t) => t.address).join(', ')}`,
      who: (s) => principals(s, 'Service').includes('cloudwatch.amazonaws.com') && hasSourceCondition(s),
      whoText: 'CloudWatch (cloudwatch.amazonaws.com) with aws:SourceAccount or aws:SourceArn',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    });
  }
  const vaults = stack.referencing('aws_backup_vault', 'kms_key_arn', key);
  if (vaults.length > 0) {
    out.push({
      user: `backup vault(s) ${vaults.map((v) => v.address).join(', ')}`,
      who: (s) => principals(s, 'AWS').some((p) => p.endsWith(':root')) && !s.Condition,
      whoText: "the account's IAM policies (the account root, which AWS Backup's service role acts through)",
      actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    });
  }
  return out;
}

export const KmsKeyAllowsServices: ResourceRule = {
  id: 'SC-PRE-8',
  name: 'KmsKeyAllowsServices',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['aws_kms_key'],
  description:
    "A key used by log groups allows CloudWatch Logs, one used by alarm topics allows CloudWatch (each with a source condition), and one used by a backup vault allows the account's IAM policies.",
  evaluate(key, stack) {
    const needed = requirements(key, stack);
    if (needed.length === 0) return notApplicable('no log group, alarm topic or backup vault uses this key');
    const read = keyStatements(key, stack);
    if ('unreadable' in read) return couldNotEvaluate(read.unreadable);
    const problems = needed.flatMap((r) => {
      const missing = missingActions(read.statements, r.who, r.actions);
      return missing.length > 0 ? [`${r.user} use the key, but its policy does not allow ${r.whoText} ${missing.join(', ')}`] : [];
    });
    return problems.length === 0 ? compliant() : nonCompliant(problems.join('; '));
  },
};
