/**
 * A deploy-time secret value (constructs/aws/deploy-time-secret-value.ts) against terraform 1.11
 * and the real AWS provider 5.100.0: without the deployer's variable the plan stops and names it;
 * a value of the wrong shape stops it with the validation's message; a good value plans the
 * secret version with the value nowhere in the saved plan or its JSON (write-only attribute,
 * ephemeral variable), and the version number is what terraform plans to write.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { DeployTimeSecretValue } from '../../constructs/aws/deploy-time-secret-value';
import { AWS_PROVIDER_VERSION, findProviderMirror, findTerraform, OFFLINE_AWS_CREDENTIALS, offlineCliConfig } from '../../terraform/offline';
import { synthAws } from '../helpers/synth';
import { requireTerraform, runTerraformSync } from '../helpers/terraform';

const terraform = findTerraform();
const mirror = findProviderMirror();
const describeWithTerraform = requireTerraform('a deploy-time secret value in a real plan (a root module with the R2 writer secret)');

const VARIABLE = 'r2_writer_token_us_east_1';
const TOKEN = JSON.stringify({ endpoint: 'https://acct.r2.cloudflarestorage.com', accessKeyId: 'AKR2EXAMPLE', secretAccessKey: 'r2-secret-value-7f3a9c' });

function run(dir: string, args: string[], extraEnv: Record<string, string> = {}): { status: number; output: string } {
  const result = runTerraformSync(terraform as string, args, dir, join(dir, 'terraform.rc'), extraEnv);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const PLAN = ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=tfplan'];

describeWithTerraform('a deploy-time secret value in a real terraform plan', () => {
  let dir: string;

  beforeAll(
    () => {
      dir = mkdtempSync(join(tmpdir(), 'stagecraft-deploy-time-secret-'));
      writeFileSync(join(dir, 'terraform.rc'), offlineCliConfig(mirror as string));
      const stack = JSON.parse(
        synthAws((scope) => {
          const secret = new SecretsmanagerSecret(scope, 'secret', { name: 'acme/r2-writer' });
          new DeployTimeSecretValue(scope, 'token', {
            secret,
            variableName: VARIABLE,
            description: 'the R2 writer token JSON; set TF_VAR_r2_writer_token_us_east_1',
            jsonKeys: ['endpoint', 'accessKeyId', 'secretAccessKey'],
            offlineValue: '{}',
          });
        }).json,
      );
      stack.terraform = { required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION } } };
      stack.provider = { aws: [{ region: 'us-east-1', ...OFFLINE_AWS_CREDENTIALS }] };
      writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(stack));
      const init = run(dir, ['init', '-input=false', '-no-color']);
      if (init.status !== 0) throw new Error(init.output);
    },
    10 * 60 * 1000,
  );

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops, naming the variable, when the deployer gives no value', () => {
    const plan = run(dir, PLAN);
    expect(plan.status).toBe(1);
    expect(plan.output).toContain('No value for required variable');
    expect(plan.output).toContain(`The root module input variable "${VARIABLE}" is not set`);
  }, 120_000);

  it('stops with the validation message when the value lacks a key', () => {
    const plan = run(dir, PLAN, { [`TF_VAR_${VARIABLE}`]: '{"endpoint":"x"}' });
    expect(plan.status).toBe(1);
    expect(plan.output).toContain('Invalid value for variable');
    expect(plan.output).toContain(`${VARIABLE} must be a JSON object with endpoint, accessKeyId, secretAccessKey`);
  }, 120_000);

  it('plans the write-only version, and the value is in neither the saved plan nor its JSON', () => {
    const plan = run(dir, PLAN, { [`TF_VAR_${VARIABLE}`]: TOKEN });
    expect(plan.status).toBe(0);
    expect(plan.output).not.toContain('r2-secret-value-7f3a9c');
    expect(readFileSync(join(dir, 'tfplan')).includes('r2-secret-value-7f3a9c')).toBe(false);
    const shown = run(dir, ['show', '-json', '-no-color', 'tfplan'], { [`TF_VAR_${VARIABLE}`]: TOKEN });
    expect(shown.status).toBe(0);
    expect(shown.output).not.toContain('r2-secret-value-7f3a9c');
    const version = (
      JSON.parse(shown.output) as { resource_changes: Array<{ type: string; change: { actions: string[]; after: Record<string, unknown> } }> }
    ).resource_changes.find((r) => r.type === 'aws_secretsmanager_secret_version');
    expect(version?.change.actions).toEqual(['create']);
    expect(version?.change.after.secret_string_wo_version).toBe(1);
    expect(version?.change.after.secret_string_wo ?? null).toBeNull();
  }, 120_000);
});
