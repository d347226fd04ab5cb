/**
 * Issue 14, item 4, in the synthesis of the example environments: every IAM policy names the
 * secrets it grants by ARNs known at plan time. A secret RDS creates for a master user (its name
 * generated, `rds!db-<uuid>` or `rds!cluster-<uuid>`) is granted by that pattern narrowed by the
 * tag RDS sets on it (`aws:rds:primaryDBInstanceArn` / `aws:rds:primaryDBClusterArn`, the ARN
 * built from the database's fixed identifier); every other secret by its name and Secrets
 * Manager's six-character suffix. The plans themselves are read in test/terraform/examples.test.ts.
 */
import { ExampleSynthesis, StackJson, synthesizeExamples } from '../helpers/examples';

interface Statement {
  readonly Sid?: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

let examples: ExampleSynthesis;
beforeAll(() => {
  examples = synthesizeExamples();
}, 300_000);

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const resources = (json: StackJson, type: string) => Object.entries((json.resource?.[type] ?? {}) as Record<string, Record<string, unknown>>);
/** The statements of the one inline policy whose construct id starts with `prefix`. */
function statementsOf(stack: string, prefix: string): Statement[] {
  const matching = resources(examples.stack(stack), 'aws_iam_role_policy').filter(([id]) => id.startsWith(prefix));
  expect(matching.map(([id]) => id)).toHaveLength(1);
  return (JSON.parse(String(matching[0][1].policy)) as { Statement: Statement[] }).Statement;
}
const identifiers = (stack: string, type: string, attribute: string) => resources(examples.stack(stack), type).map(([, r]) => String(r[attribute]));

describe('secrets in the IAM policies of the example stacks (issue 14, item 4)', () => {
  it('names no secret by an attribute Terraform learns at apply (the master_user_secret, a secret ARN)', () => {
    const late: string[] = [];
    for (const summary of examples.summaries)
      for (const [id, policy] of resources(examples.stack(summary.name), 'aws_iam_role_policy')) {
        const text = String(policy.policy);
        if (/master_user_secret|\$\{aws_secretsmanager_secret\./.test(text)) late.push(`${summary.name}: ${id}`);
      }
    expect(late).toEqual([]);
  });

  it("grants traction's hosts the RDS-managed master secret by the rds!db-* pattern and the instance's ARN tag", () => {
    const [identifier] = identifiers('acme-traction-eu-west-1', 'aws_db_instance', 'identifier');
    expect(identifier).toBe('acme-traction-eu-west-1-postgres');
    for (const host of ['host-0_service-secrets_', 'host-1_service-secrets_'])
      expect(statementsOf('acme-traction-eu-west-1', host).find((s) => s.Sid === 'ReadDbInstanceMasterSecrets')).toEqual({
        Sid: 'ReadDbInstanceMasterSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: ['arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-*'],
        Condition: { StringEquals: { 'secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn': [`arn:aws:rds:eu-west-1:111122223333:db:${identifier}`] } },
      });
  });

  it("lists each secret of traction's hosts once, the R2 writer shared by the services that write R2 too", () => {
    const read = statementsOf('acme-traction-eu-west-1', 'host-0_service-secrets_').find((s) => s.Sid === 'ReadSecrets')!;
    const arns = list(read.Resource);
    expect(arns.length).toBeGreaterThan(1);
    expect(arns.filter((arn, i) => arns.indexOf(arn) !== i)).toEqual([]);
    expect(arns.filter((arn) => arn.endsWith(':secret:acme-traction/r2-writer-??????'))).toHaveLength(1);
  });

  it('grants the database-users Job each master secret by its database: one instance on growth, every shard cluster on scale and hyperscale', () => {
    const cases = [
      { stack: 'acme-growth-us-east-1', sid: 'ReadDbInstanceMasterSecrets', type: 'aws_db_instance', attribute: 'identifier', kind: 'db' },
      { stack: 'acme-scale-us-west-2', sid: 'ReadDbClusterMasterSecrets', type: 'aws_rds_cluster', attribute: 'cluster_identifier', kind: 'cluster' },
      { stack: 'acme-hyperscale-us-east-1', sid: 'ReadDbClusterMasterSecrets', type: 'aws_rds_cluster', attribute: 'cluster_identifier', kind: 'cluster' },
    ];
    for (const { stack, sid, type, attribute, kind } of cases) {
      const region = stack.replace(/^acme-[a-z]+-/, '');
      // A primary's identifier; the growth instance's replicas have no master secret of their own.
      const databases = identifiers(stack, type, attribute).filter((id) => !/-replica-\d+$/.test(id));
      expect(databases.length).toBeGreaterThan(0);
      const statements = statementsOf(stack, 'database-users_data-stores_');
      expect({ stack, grant: statements.find((s) => s.Sid === sid) }).toEqual({
        stack,
        grant: {
          Sid: sid,
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue'],
          Resource: [`arn:aws:secretsmanager:${region}:111122223333:secret:rds!${kind}-*`],
          Condition: {
            StringEquals: {
              [`secretsmanager:ResourceTag/aws:rds:primaryDB${kind === 'db' ? 'Instance' : 'Cluster'}Arn`]: databases.map(
                (id) => `arn:aws:rds:${region}:111122223333:${kind}:${id}`,
              ),
            },
          },
        },
      });
      // The secret is encrypted with the region's key (master_user_secret_kms_key_id): the Job decrypts through Secrets Manager.
      const decrypt = statements.find((s) => s.Sid === 'DecryptThroughThoseServices')!;
      expect(decrypt.Condition?.StringEquals?.['kms:ViaService']).toEqual([`secretsmanager.${region}.amazonaws.com`]);
    }
  });
});
