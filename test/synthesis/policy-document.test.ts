/** decodePolicy: policy texts as cdktf writes them, templates with quotes of their own included. */
import { decodePolicy } from '../../synthesis/policy-document';

describe('decodePolicy', () => {
  it('keeps a template that holds quotes (how the constructs derive the account without aws.accountId) as a ${…} string', () => {
    const arn =
      'arn:${element(split(":", aws_kms_key.k.arn), 1)}:rds-db:us-east-1:${element(split(":", aws_kms_key.k.arn), 4)}:dbuser:${aws_db_instance.db.resource_id}/api';
    const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds-db:connect","Resource":["${arn}"]}]}`;
    expect(() => JSON.parse(text)).toThrow();
    expect(decodePolicy(text)).toEqual({
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'rds-db:connect', Resource: [arn] }] },
    });
  });

  it("keeps Terraform's escaped $${ as it is, and nested braces inside a template", () => {
    const text = '{"Statement":[{"Resource":"$${aws:username}/${lookup({ "a" = "b" }, "a")}"}]}';
    expect(decodePolicy(text)).toEqual({ document: { Statement: [{ Resource: '$${aws:username}/${lookup({ "a" = "b" }, "a")}' }] } });
  });

  it('leaves a text with a template that never ends, or one outside a string, unresolved', () => {
    for (const text of ['{"Resource":"${aws_s3_bucket.b.arn"}', '{"Resource":${aws_s3_bucket.b.arn}}'])
      expect(decodePolicy(text)).toEqual({ unresolved: text });
  });
});
