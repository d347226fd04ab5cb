/**
 * A host release's delivery against the real AWS provider 5.100.0 (docs/releases.md): a stub
 * state holds the release's compose object and the State Manager association that pins its
 * version and SHA-256 (the command releaseApplyCommands renders); `terraform plan -refresh=false`
 * (no API calls) shows that a new compose file updates the object in place with a new version,
 * which updates the association, so State Manager runs it in the same deploy, and that the same
 * compose file leaves the association's command as it was.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_PROVIDER_VERSION, findProviderMirror, findTerraform, OFFLINE_AWS_CREDENTIALS } from '../../terraform/offline';
import { releaseApplyCommands } from '../../services/host-release';
import { requireTerraform, runTerraformSync } from '../helpers/terraform';

const terraform = findTerraform();
const mirror = findProviderMirror();
const describeWithTerraform = requireTerraform('the delivery of a host release in a real plan (a root module of the release objects)');

const LOCATION = { bucket: 'acme-launch-releases', prefix: 'release', region: 'us-east-1' };
const BEFORE = 'services:\n  api:\n    image: ghcr.io/acme/api:1.14.2\n';
const AFTER = 'services:\n  api:\n    image: ghcr.io/acme/api:1.15.0\n';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The association's command with the pins as expressions (configuration) or as their values (state). */
function commands(pin: (name: string) => { version: string; sha256: string }): string {
  const script = { name: 'stagecraft-release', ...pin('script') };
  return releaseApplyCommands(LOCATION, script, [{ name: 'compose.yaml', ...pin('compose') }]).join('\n');
}

const run = (args: string[], cwd: string, cliConfig: string) => runTerraformSync(terraform as string, args, cwd, cliConfig);

interface PlannedChange {
  actions: string[];
  after: Record<string, unknown>;
  after_unknown: Record<string, unknown>;
}

/** Plans the configuration with `content` for the compose object against a state made with BEFORE. */
function plan(content: string): Map<string, PlannedChange> {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-release-plan-'));
  try {
    const cliConfig = join(dir, 'terraform.rc');
    writeFileSync(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`,
    );
    const object = (name: string, key: string, body: string) => ({
      bucket: LOCATION.bucket,
      key: `${LOCATION.prefix}/${key}`,
      content: body,
      content_type: 'text/plain',
      name,
    });
    const objects = [object('compose', 'compose.yaml', content), object('script', 'stagecraft-release', '#!/bin/sh\n')];
    const association = {
      association_name: 'acme-launch-release',
      name: 'AWS-RunShellScript',
      targets: [{ key: 'InstanceIds', values: ['i-0123456789abcdef0'] }],
      schedule_expression: 'rate(30 minutes)',
      max_concurrency: '1',
      max_errors: '0',
    };
    writeFileSync(
      join(dir, 'main.tf.json'),
      JSON.stringify({
        terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION } } },
        provider: { aws: [{ region: 'us-east-1', ...OFFLINE_AWS_CREDENTIALS }] },
        resource: {
          aws_s3_object: Object.fromEntries(objects.map(({ name, ...body }) => [name, body])),
          aws_ssm_association: {
            release: {
              ...association,
              parameters: {
                commands: commands((name) => ({ version: `\${aws_s3_object.${name}.version_id}`, sha256: `\${sha256(aws_s3_object.${name}.content)}` })),
              },
            },
          },
        },
      }),
    );
    const versions: Record<string, string> = { compose: 'v1-compose', script: 'v1-script' };
    const stateObjects = [object('compose', 'compose.yaml', BEFORE), object('script', 'stagecraft-release', '#!/bin/sh\n')];
    const state = [
      ...stateObjects.map(({ name, ...body }) => ({
        mode: 'managed',
        type: 'aws_s3_object',
        name,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              ...body,
              id: body.key,
              version_id: versions[name],
              force_destroy: false,
              tags: null,
              tags_all: {},
              etag: 'e',
              server_side_encryption: 'aws:kms',
            },
            sensitive_attributes: [],
          },
        ],
      })),
      {
        mode: 'managed',
        type: 'aws_ssm_association',
        name: 'release',
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 1,
            attributes: {
              ...association,
              id: 'assoc-1',
              association_id: 'assoc-1',
              parameters: { commands: commands((name) => ({ version: versions[name], sha256: sha256(stateObjects.find((o) => o.name === name)!.content) })) },
            },
            sensitive_attributes: [],
          },
        ],
      },
    ];
    writeFileSync(
      join(dir, 'terraform.tfstate'),
      JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'stagecraft-release-plan', outputs: {}, resources: state }),
    );
    for (const args of [
      ['init', '-input=false', '-no-color'],
      ['plan', '-refresh=false', '-input=false', '-no-color', '-lock=false', '-out=tfplan'],
    ]) {
      const result = run(args, dir, cliConfig);
      if (result.status !== 0) throw new Error(`terraform ${args[0]} failed: ${result.stderr || result.stdout}`);
    }
    const show = JSON.parse(run(['show', '-json', 'tfplan'], dir, cliConfig).stdout) as { resource_changes: Array<{ address: string; change: PlannedChange }> };
    return new Map(show.resource_changes.map((rc) => [rc.address, rc.change]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeWithTerraform('delivering a release with provider 5.100.0', () => {
  it(
    'updates the compose object in place with a new version, and with it the association, when the compose file changes',
    () => {
      const changes = plan(AFTER);
      const object = changes.get('aws_s3_object.compose')!;
      expect(object.actions).toEqual(['update']);
      expect(object.after_unknown.version_id).toBe(true);
      const association = changes.get('aws_ssm_association.release')!;
      expect(association.actions).toEqual(['update']);
      expect(association.after_unknown.parameters).toBe(true);
      expect(changes.get('aws_s3_object.script')?.actions ?? ['no-op']).toEqual(['no-op']);
    },
    10 * 60 * 1000,
  );

  it(
    "leaves the association's command as it was when the compose file is the same",
    () => {
      const changes = plan(BEFORE);
      expect(changes.get('aws_s3_object.compose')?.after_unknown.version_id).not.toBe(true);
      const association = changes.get('aws_ssm_association.release')!;
      expect(association.after_unknown.parameters).not.toBe(true);
      expect((association.after.parameters as { commands: string }).commands).toContain(`compose.yaml=v1-compose:${sha256(BEFORE)}`);
    },
    10 * 60 * 1000,
  );
});
