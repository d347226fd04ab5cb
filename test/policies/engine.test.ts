/** The engine: policy documents, suppressions (valid and malformed), "could not evaluate" as a finding, and the suppress() helper. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SUPPRESSIONS_KEY, suppress } from '../../policies/suppress';
import { S3BucketAccessLogging } from '../../policies/rules/logging/S3BucketAccessLogging';
import { UserInputError } from '../../config/errors';
import { checkSynthesis, failsAt } from '../../policies/engine';
import { decodePolicy, statements } from '../../synthesis/policy-document';
import { synthAws } from '../helpers/synth';
import { fixtureSynthesis, Resources } from './fixtures';

describe('decodePolicy', () => {
  it('reads a jsonencode() document as cdktf writes it, keeping references as ${…}', () => {
    const policy =
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "AccountAdministers", "Effect" = "Allow", "Principal" = {"AWS" = ' +
      '"arn:${element(split(":", aws_kms_key.kms_key_28C05A0F.arn), 1)}:iam::${element(split(":", aws_kms_key.kms_key_28C05A0F.arn), 4)}:root"}, ' +
      '"Action" = "kms:*", "Resource" = [aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*"], "Condition" = {"NumericLessThan" = {"x" = 3}, "Bool" = {"a" = true}}}]})}';
    const decoded = decodePolicy(policy);
    expect(decoded).toEqual({
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountAdministers',
            Effect: 'Allow',
            Principal: {
              AWS: 'arn:${element(split(":", aws_kms_key.kms_key_28C05A0F.arn), 1)}:iam::${element(split(":", aws_kms_key.kms_key_28C05A0F.arn), 4)}:root',
            },
            Action: 'kms:*',
            Resource: ['${aws_s3_bucket.b.arn}', '${aws_s3_bucket.b.arn}/*'],
            Condition: { NumericLessThan: { x: 3 }, Bool: { a: true } },
          },
        ],
      },
    });
  });

  it('reads a JSON string, and reports anything else as unresolved', () => {
    expect(statements((decodePolicy('{"Statement":{"Effect":"Deny"}}') as { document: never }).document)).toEqual([{ Effect: 'Deny' }]);
    expect(decodePolicy('${data.aws_iam_policy_document.x.json}')).toEqual({ unresolved: '${data.aws_iam_policy_document.x.json}' });
    expect(decodePolicy('${jsonencode({"a" = })}')).toEqual({ unresolved: '${jsonencode({"a" = })}' });
  });
});

const openRule = (suppressions?: unknown): Resources => ({
  aws_vpc_security_group_ingress_rule: {
    ssh: {
      cidr_ipv4: '0.0.0.0/0',
      from_port: 22,
      to_port: 22,
      ip_protocol: 'tcp',
      ...(suppressions === undefined ? {} : { '//': { [SUPPRESSIONS_KEY]: suppressions } }),
    },
  },
});

describe('checkSynthesis', () => {
  it('reports a finding with its stack, address, rule, level and message', () => {
    const result = checkSynthesis(fixtureSynthesis({ resources: openRule() }));
    expect(result.findings).toEqual([
      {
        stack: 'fx-us-east-1',
        address: 'aws_vpc_security_group_ingress_rule.ssh',
        ruleId: 'SC-PUB-1',
        ruleName: 'SecurityGroupNoWorldIngress',
        family: 'public-exposure',
        level: 'error',
        status: 'non-compliant',
        message: "admits 0.0.0.0/0 on port 22; admit security groups or a prefix list (Cloudflare's ranges) instead",
      },
    ]);
    expect(failsAt(result.findings[0], 'error')).toBe(true);
  });

  it('moves a finding with a suppression to the suppressed list, with its reason', () => {
    const result = checkSynthesis(fixtureSynthesis({ resources: openRule([{ ruleId: 'SC-PUB-1', reason: 'bastion for a migration window' }]) }));
    expect(result.findings).toEqual([]);
    expect(result.suppressed).toEqual([expect.objectContaining({ ruleId: 'SC-PUB-1', suppressedBecause: 'bastion for a migration window' })]);
  });

  it('reports "could not evaluate" as a finding, never a pass', () => {
    const resources: Resources = { aws_db_instance: { db: { engine: 'postgres', storage_encrypted: '${var.encrypted}' } } };
    const finding = checkSynthesis(fixtureSynthesis({ resources })).findings.find((f) => f.ruleId === 'SC-EAR-1');
    expect(finding).toMatchObject({
      status: 'could-not-evaluate',
      level: 'error',
      message: 'could not evaluate: storage_encrypted is the unresolved expression "${var.encrypted}"; the rule needs its value',
    });
  });

  it('rejects suppressions without a reason, without a rule id or of an unknown rule, all at once', () => {
    const synthesis = fixtureSynthesis({
      resources: openRule([{ ruleId: 'SC-PUB-1', reason: '  ' }, { reason: 'because' }, { ruleId: 'SC-NOPE-1', reason: 'x' }]),
    });
    expect(() => checkSynthesis(synthesis)).toThrow(UserInputError);
    expect(() => checkSynthesis(synthesis)).toThrow(
      [
        'fx-us-east-1: aws_vpc_security_group_ingress_rule.ssh: suppression of SC-PUB-1 has no reason; write why the finding does not apply',
        'fx-us-east-1: aws_vpc_security_group_ingress_rule.ssh: a suppression has no rule id; received {"reason":"because"}',
        'fx-us-east-1: aws_vpc_security_group_ingress_rule.ssh: suppression of unknown rule "SC-NOPE-1"; rule ids look like SC-EAR-1 (see `stagecraft check --help`)',
      ].join('\n'),
    );
  });
});

describe('suppress()', () => {
  it("writes the suppression into the resource metadata, beside cdktf's own", () => {
    // Testing.synth drops the `//` metadata, so synthesize for real.
    const outdir = mkdtempSync(join(tmpdir(), 'stagecraft-suppress-'));
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'test');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    suppress(new S3Bucket(stack, 'logs', { bucket: 'logs' }), S3BucketAccessLogging, 'the log bucket itself');
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', 'test', 'cdk.tf.json'), 'utf8'));
    expect(json.resource.aws_s3_bucket.logs['//']).toEqual({
      metadata: expect.objectContaining({ path: 'test/logs' }),
      [SUPPRESSIONS_KEY]: [{ ruleId: 'SC-LOG-9', reason: 'the log bucket itself' }],
    });
  });

  it('stops synthesis when the reason is missing', () => {
    const attempt = (reason: string) => () => synthAws((scope) => suppress(new S3Bucket(scope, 'b', { bucket: 'b' }), S3BucketAccessLogging, reason));
    expect(attempt(' ')).toThrow(UserInputError);
    expect(attempt(' ')).toThrow('test/b: suppress: reason: a suppression of SC-LOG-9 needs a written reason (why the finding does not apply); received " "');
  });
});
