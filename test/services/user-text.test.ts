/**
 * User text is data: a service's `env` values and an environment's alert emails reach the
 * synthesized JSON escaped for where they land: Terraform (`$${`, `%%{`), docker compose on hosts
 * (`$$`), Kubernetes manifests (strings stay strings), and the guardrail that looks for foreign
 * interpolation finds none. The real `terraform plan` of a payload is in test/terraform/user-text-plan.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fromTerraformLiteral } from '../../synthesis/terraform-literal';
import { checkSynthesis } from '../../policies/engine';
import { NoForeignInterpolation } from '../../policies/rules/injection/NoForeignInterpolation';
import { readSynthesis } from '../../synthesis/read';
import { backupScheduleMigration, multiRegionMigration, regionMembershipScript } from '../../services/platform/cockroachdb/sql';
import { run } from '../helpers/cli';
import { catalogProject } from '../helpers/services';
import { appliedObjects } from '../helpers/kubernetes-typed';

const PAYLOADS: Record<string, string> = {
  PAYLOAD_FILE: '${file("/etc/hostname")}',
  PAYLOAD_DIRECTIVE: '%{ for x in y }',
  PAYLOAD_HOME: '$HOME',
  PAYLOAD_SQL: "'; DROP TABLE users; --",
  PAYLOAD_YES: 'yes',
  PAYLOAD_NUMBER: '1e3',
};

const ENV_LINES = Object.entries(PAYLOADS)
  .map(([name, value]) => `  ${name}: ${JSON.stringify(value)}`)
  .join('\n');

function project(stage: 'launch' | 'growth'): string {
  const root = catalogProject({ 'api.yaml': (text) => text.replace('env:\n', `env:\n${ENV_LINES}\n`) });
  const environment = [
    `name: inject-${stage}`,
    `stage: ${stage}`,
    'regions: [us-east-1]',
    'domain: inject.example.com',
    'alerts:',
    '  emails: ["${file(\\"/etc/hostname\\")}@example.com"]',
    '',
  ].join('\n');
  writeFileSync(join(root, 'environments', `${stage}.yaml`), environment);
  return root;
}

describe('user text reaches the synthesis as data', () => {
  it('escapes env values in the compose file on a host for docker compose and for Terraform, and the guardrail passes', async () => {
    const root = project('launch');
    const synth = await run(root, 'synth', '--services', 'services');
    expect(synth.code).toBe(0);
    const stack = JSON.parse(readFileSync(join(root, 'cdktf.out', 'stacks', 'inject-launch-us-east-1', 'cdk.tf.json'), 'utf8'));
    // The compose file is the release's S3 object (docs/releases.md); its content is a Terraform template string.
    const object = Object.values(stack.resource.aws_s3_object as Record<string, { key: string; content: string }>).find(
      (o) => o.key === 'release/compose.yaml',
    );
    expect(object).toBeDefined();
    const compose = parse(fromTerraformLiteral(object!.content)) as { services: Record<string, { environment: Record<string, string> }> };
    const environment = compose.services.api.environment;
    // docker compose reads `$$` as one literal dollar: each value arrives exactly as written.
    for (const [name, value] of Object.entries(PAYLOADS)) expect({ name, value: environment[name].replace(/\$\$/g, '$') }).toEqual({ name, value });
    expect(typeof environment.PAYLOAD_YES).toBe('string');
    expect(typeof environment.PAYLOAD_NUMBER).toBe('string');
    const email = stack.resource.aws_sns_topic_subscription;
    expect(Object.values(email).map((s) => (s as { endpoint: string }).endpoint)).toEqual(['$${file("/etc/hostname")}@example.com']);
    const result = checkSynthesis(readSynthesis(join(root, 'cdktf.out'), { command: 'test', flag: '--out', given: 'cdktf.out' }), {
      rules: [NoForeignInterpolation],
    });
    expect(result.findings).toEqual([]);
  });

  it('escapes env values in the Kubernetes Deployment for Terraform, keeping them strings', async () => {
    const root = project('growth');
    const synth = await run(root, 'synth', '--services', 'services');
    expect(synth.code).toBe(0);
    const stack = JSON.parse(readFileSync(join(root, 'cdktf.out', 'stacks', 'inject-growth-us-east-1-apps', 'cdk.tf.json'), 'utf8'));
    const manifests = appliedObjects(stack).map((manifest) => ({ manifest }));
    const api = manifests.find((m) => m.manifest.kind === 'Deployment' && m.manifest.metadata.name === 'api')!;
    const env = (api.manifest.spec as { template: { spec: { containers: Array<{ env: Array<{ name: string; value: string }> }> } } }).template.spec
      .containers[0].env;
    for (const [name, value] of Object.entries(PAYLOADS)) {
      const entry = env.find((e) => e.name === name);
      expect({ name, value: fromTerraformLiteral(entry!.value) }).toEqual({ name, value });
    }
    const result = checkSynthesis(readSynthesis(join(root, 'cdktf.out'), { command: 'test', flag: '--out', given: 'cdktf.out' }), {
      rules: [NoForeignInterpolation],
    });
    expect(result.findings).toEqual([]);
  });

  it('quotes SQL literals and identifiers in the CockroachDB migrations', () => {
    const backup = backupScheduleMigration({ buckets: [{ region: 'us-east-1', bucket: "b'; DROP TABLE users; --" }] });
    expect(backup.sql).toContain("INTO 's3://b''; DROP TABLE users; --/product?AUTH=implicit' RECURRING");
    const regions = multiRegionMigration({ environment: 'e', regions: ['eu"west', 'us-east-1'] });
    expect(regions.sql).toContain('ALTER DATABASE product SET PRIMARY REGION "eu""west";');
    // The later regions join through a shell script: the identifier is quoted for SQL, then the statement for the shell.
    const membership = regionMembershipScript({ environment: 'e', regions: ['us-east-1', "eu'west", 'ap-x'], sql: 'sql' });
    expect(membership).toContain(`sql -e 'ALTER DATABASE product ADD REGION IF NOT EXISTS "eu'\\''west";'`);
    expect(membership).toContain(`grep -qx 'eu'\\''west'`);
  });

  it('flags a payload the constructs did not escape, and not the references they write', () => {
    const finding = NoForeignInterpolation.evaluate({
      name: 's',
      resources: () => [{ type: 'aws_vpc', name: 'v', address: 'aws_vpc.v', values: { tags: { team: '${file("/etc/hostname")}', id: '${aws_vpc.vpc.id}' } } }],
      referenced: () => undefined,
      referencing: () => [],
      environmentStacks: () => [],
    });
    expect(finding).toEqual([
      {
        status: 'non-compliant',
        address: 'aws_vpc.v',
        message:
          'tags.team: "${file("/etc/hostname")}" calls file(), a function the constructs never use; Terraform would evaluate it at plan time. Escape user text ($${, %%{)',
      },
    ]);
  });
});
