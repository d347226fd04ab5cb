/**
 * F1 of the 2026-12-07 review, against real terraform and the real AWS provider: the edge stack's
 * ACM validation records' `for_each` must have keys terraform knows at plan time. A
 * `terraform_data` (no Cloudflare provider needed) keyed by the pre-fix expression,
 * `resource_record_name` of two certificates in two regions that do not exist yet: terraform
 * refuses the plan. (Keying by `domain_name` of the options, the AWS docs' pattern, is refused too:
 * the options' set is not known until apply.) The fixed expressions (`acmValidationForEach`,
 * `acmValidationValue`) plan in every cluster stage's edge stack, with the real AWS provider's
 * certificates: test/terraform/examples.test.ts, which plans every example stack.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProviderMirror, findTerraform } from '../../terraform/offline';
import { OFFLINE_AWS_CREDENTIALS, offlineCliConfig } from '../../terraform/offline';
import { requireTerraform } from '../helpers/terraform';

const terraform = findTerraform();
const mirror = findProviderMirror();
const describeWithTerraform = requireTerraform(
  'the ACM validation for_each of the edge stacks (a root module of two certificates, planned with the real AWS provider)',
);

const CERTIFICATES = ['aws_acm_certificate.us', 'aws_acm_certificate.eu'];
/** The expression the edge stack rendered before the fix (commit e6048f8). */
const PRE_FIX = `\${{ for option in concat(${CERTIFICATES.map((c) => `tolist(${c}.domain_validation_options)`).join(', ')}) : option.resource_record_name => option... }}`;

function configuration(forEach: string, name: string): Record<string, unknown> {
  const certificate = (provider: string) => ({
    provider,
    domain_name: 'acme-example.com',
    subject_alternative_names: ['*.acme-example.com'],
    validation_method: 'DNS',
    lifecycle: { create_before_destroy: true },
  });
  return {
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } },
    provider: {
      aws: [
        { region: 'us-east-1', ...OFFLINE_AWS_CREDENTIALS },
        { alias: 'eu', region: 'eu-west-1', ...OFFLINE_AWS_CREDENTIALS },
      ],
    },
    resource: {
      aws_acm_certificate: { us: certificate('aws'), eu: certificate('aws.eu') },
      terraform_data: { 'acm-validation': { for_each: forEach, input: { name } } },
    },
  };
}

/** `terraform init` and `plan -refresh=false` (no API calls) of the configuration in a fresh directory. */
function plan(forEach: string, name: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-acm-'));
  try {
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(configuration(forEach, name), null, 2));
    const cli = join(dir, 'cli.tfrc');
    writeFileSync(cli, offlineCliConfig(mirror!) /* defined: this runs only when available */);
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      TF_CLI_CONFIG_FILE: cli,
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      HTTPS_PROXY: 'http://127.0.0.1:9',
    };
    const run = (args: string[]) => spawnSync(terraform!, args, { cwd: dir, env, encoding: 'utf8' });
    const init = run(['init', '-input=false', '-no-color']);
    if (init.status !== 0) return { status: init.status, output: init.stdout + init.stderr };
    const result = run(['plan', '-input=false', '-no-color', '-refresh=false', '-lock=false']);
    return { status: result.status, output: result.stdout + result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeWithTerraform('the ACM validation for_each (review F1)', () => {
  it('fails with "Invalid for_each argument" on the pre-fix expression, keyed by the record name', () => {
    const result = plan(PRE_FIX, '${each.value[0].resource_record_name}');
    expect(result.status).toBe(1);
    expect(result.output).toContain('Invalid for_each argument');
  }, 120_000);
});
