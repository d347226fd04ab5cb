import { TerraformOutput } from 'cdktf';
import { GeneratedSecret, GeneratedSecretProps } from '../../../constructs/aws/generated-secret';
import { buildKey, keyArnOf } from '../../helpers/foundation';
import { resourcesOfType, synthAws, SynthesizedStack } from '../../helpers/synth';

type Overrides = Partial<Omit<GeneratedSecretProps, 'encryptionKey'>>;

function secret(overrides: Overrides = {}): SynthesizedStack {
  return synthAws((scope) => {
    const s = new GeneratedSecret(scope, 'auth', {
      name: 'acme-us-east-1/redis-auth',
      description: 'Redis AUTH token',
      encryptionKey: buildKey(scope),
      ...overrides,
    });
    if (s.readable) new TerraformOutput(scope, 'value', { value: s.value, sensitive: true });
  });
}

function only(stack: SynthesizedStack, type: string): Record<string, unknown> {
  const resources = resourcesOfType(stack, type);
  expect(resources).toHaveLength(1);
  return resources[0];
}

describe('GeneratedSecret', () => {
  it('keeps the secret in Secrets Manager, encrypted with the key, restorable for 30 days', () => {
    const stack = secret();
    expect(only(stack, 'aws_secretsmanager_secret')).toEqual({
      name: 'acme-us-east-1/redis-auth',
      description: 'Redis AUTH token',
      kms_key_id: keyArnOf(stack),
      recovery_window_in_days: 30,
    });
  });

  it('takes the recovery window from props', () => {
    expect(only(secret({ recoveryWindowDays: 7 }), 'aws_secretsmanager_secret').recovery_window_in_days).toBe(7);
  });

  it('generates the value at apply time from uuid() without dashes, once, through the write-only argument', () => {
    const stack = secret();
    const secretName = Object.keys(stack.resources.aws_secretsmanager_secret)[0];
    // Terraform sends secret_string_wo to Secrets Manager and keeps it in neither plan nor state; version 1 is written once.
    expect(only(stack, 'aws_secretsmanager_secret_version')).toEqual({
      secret_id: `\${aws_secretsmanager_secret.${secretName}.id}`,
      secret_string_wo: '${replace(uuid(), "-", "")}',
      secret_string_wo_version: 1,
    });
    expect(stack.outputs).toEqual({});
  });

  it('writes a new value when valueVersion is raised (rotation), and refuses a version that is not a whole number of at least 1', () => {
    expect(only(secret({ valueVersion: 3 }), 'aws_secretsmanager_secret_version').secret_string_wo_version).toBe(3);
    expect(() => secret({ valueVersion: 0 })).toThrow('test/auth: valueVersion must be a whole number of at least 1; received 0');
    expect(() => secret({ valueVersion: 2, readableInTerraform: true })).toThrow(
      'test/auth: valueVersion applies to the write-only value only, not with readableInTerraform',
    );
  });

  it('refuses to hand out a write-only value', () => {
    expect(() =>
      synthAws((scope) => {
        const s = new GeneratedSecret(scope, 'auth', { name: 'acme/x', description: 'x', encryptionKey: buildKey(scope) });
        return s.value;
      }),
    ).toThrow('test/auth: the value is write-only; set readableInTerraform to read it in Terraform');
  });

  it('exposes a readable value (readableInTerraform) as a reference to the version, so nothing secret is in the JSON', () => {
    const stack = secret({ readableInTerraform: true });
    const version = Object.keys(stack.resources.aws_secretsmanager_secret_version)[0];
    expect(only(stack, 'aws_secretsmanager_secret_version')).toMatchObject({
      secret_string: '${replace(uuid(), "-", "")}',
      lifecycle: { ignore_changes: ['secret_string'] },
    });
    expect(stack.outputs.value).toEqual({ value: `\${aws_secretsmanager_secret_version.${version}.secret_string}`, sensitive: true });
    expect(stack.json).not.toMatch(/[0-9a-f]{32}/);
    expect(resourcesOfType(stack, 'random_password')).toHaveLength(0);
    expect(Object.keys(JSON.parse(stack.json).provider)).toEqual(['aws']);
  });
});
