import { TerraformOutput } from 'cdktf';
import { EncryptionKey, EncryptionKeyProps } from '../../../constructs/aws/encryption-key';
import { resourcesOfType, synthAws, SynthesizedStack } from '../../helpers/synth';

function key(overrides: Partial<EncryptionKeyProps> = {}): SynthesizedStack {
  return synthAws((scope) => {
    const k = new EncryptionKey(scope, 'key', { alias: 'acme-eu-west-1', description: 'acme-eu-west-1: data at rest', region: 'eu-west-1', ...overrides });
    new TerraformOutput(scope, 'account', { value: k.accountId });
    new TerraformOutput(scope, 'arn', { value: k.arn });
  });
}

function only(stack: SynthesizedStack, type: string): Record<string, unknown> {
  const resources = resourcesOfType(stack, type);
  expect(resources).toHaveLength(1);
  return resources[0];
}

/** `aws_kms_key.<name>`: the key as expressions reference it. */
function keyAddress(stack: SynthesizedStack): string {
  return `aws_kms_key.${Object.keys(stack.resources.aws_kms_key)[0]}`;
}

describe('EncryptionKey', () => {
  it('rotates yearly, waits 30 days before deletion and cannot be destroyed', () => {
    expect(only(key(), 'aws_kms_key')).toEqual({
      description: 'acme-eu-west-1: data at rest',
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('takes a shorter deletion window when given', () => {
    expect(only(key({ deletionWindowDays: 7 }), 'aws_kms_key').deletion_window_in_days).toBe(7);
  });

  it('has an alias under alias/', () => {
    const stack = key();
    expect(only(stack, 'aws_kms_alias')).toEqual({ name: 'alias/acme-eu-west-1', target_key_id: `\${${keyAddress(stack)}.key_id}` });
  });

  it('exposes the ARN and reads the account from it, with no data source', () => {
    const stack = key();
    const address = keyAddress(stack);
    expect(stack.outputs.arn).toEqual({ value: `\${${address}.arn}` });
    expect(stack.outputs.account).toEqual({ value: `\${element(split(":", ${address}.arn), 4)}` });
    expect(JSON.parse(stack.json).data).toBeUndefined();
  });

  describe('key policy', () => {
    function policyOf(stack: SynthesizedStack): string {
      const policy = only(stack, 'aws_kms_key_policy');
      expect(policy.key_id).toBe(`\${${keyAddress(stack)}.key_id}`);
      return String(policy.policy);
    }

    it('is a jsonencode() expression', () => {
      expect(policyOf(key())).toMatch(/^\$\{jsonencode\(\{"Version" = "2012-10-17", "Statement" = \[.*\]\}\)\}$/s);
    });

    it('lets the account root administer the key, partition and account read from the key ARN', () => {
      const stack = key();
      const address = keyAddress(stack);
      expect(policyOf(stack)).toContain(
        `{"Sid" = "AccountAdministers", "Effect" = "Allow", "Principal" = {"AWS" = "arn:\${element(split(":", ${address}.arn), 1)}:iam::\${element(split(":", ${address}.arn), 4)}:root"}, "Action" = "kms:*", "Resource" = "*"}`,
      );
    });

    it('lets CloudWatch alarms of the account and region publish to encrypted topics', () => {
      expect(policyOf(key({ accountId: '111122223333' }))).toContain(
        '{"Sid" = "CloudWatchAlarmsPublishToEncryptedTopics", "Effect" = "Allow", "Principal" = {"Service" = "cloudwatch.amazonaws.com"}, "Action" = ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource" = "*", "Condition" = {"ArnLike" = {"aws:SourceArn" = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:*"}}}',
      );
    });

    it('lets the Auto Scaling service-linked role encrypt and attach the volumes it launches, named in a condition', () => {
      const policy = policyOf(key({ accountId: '111122223333' }));
      const role = '"aws:PrincipalArn" = "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"';
      expect(policy).toContain(
        `{"Sid" = "AutoScalingEncryptsLaunchedVolumes", "Effect" = "Allow", "Principal" = {"AWS" = "*"}, "Action" = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource" = "*", "Condition" = {"ArnEquals" = {${role}}}}`,
      );
      expect(policy).toContain(
        `{"Sid" = "AutoScalingAttachesLaunchedVolumes", "Effect" = "Allow", "Principal" = {"AWS" = "*"}, "Action" = "kms:CreateGrant", "Resource" = "*", "Condition" = {"ArnEquals" = {${role}}, "Bool" = {"kms:GrantIsForAWSResource" = true}}}`,
      );
    });

    it('writes a given account ID as a literal, so the whole policy is known at plan time', () => {
      const stack = key({ accountId: '111122223333' });
      expect(policyOf(stack)).not.toContain('aws_kms_key');
      expect(stack.outputs.account).toEqual({ value: '111122223333' });
    });

    it("lets CloudWatch Logs of the key's region encrypt the account's log groups", () => {
      const stack = key();
      const address = keyAddress(stack);
      expect(policyOf(stack)).toContain(
        `{"Sid" = "CloudWatchLogsEncryptLogGroups", "Effect" = "Allow", "Principal" = {"Service" = "logs.eu-west-1.amazonaws.com"}, "Action" = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource" = "*", "Condition" = {"ArnLike" = {"kms:EncryptionContext:aws:logs:arn" = "arn:\${element(split(":", ${address}.arn), 1)}:logs:eu-west-1:\${element(split(":", ${address}.arn), 4)}:*"}}}`,
      );
    });

    it('has exactly these six statements', () => {
      expect(policyOf(key()).match(/"Sid" = "[A-Za-z]+"/g)).toEqual([
        '"Sid" = "AccountAdministers"',
        '"Sid" = "CloudWatchAlarmsPublishToEncryptedTopics"',
        '"Sid" = "EventBridgePublishesToEncryptedTopics"',
        '"Sid" = "CloudWatchLogsEncryptLogGroups"',
        '"Sid" = "AutoScalingEncryptsLaunchedVolumes"',
        '"Sid" = "AutoScalingAttachesLaunchedVolumes"',
      ]);
    });
  });
});
