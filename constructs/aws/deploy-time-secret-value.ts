/**
 * A secret value the deployer gives at deploy time, written into a Secrets Manager secret without
 * ever reaching the synthesized JSON or the state (issue 15): an ephemeral input variable
 * (`TF_VAR_<name>`), written through the secret version's write-only `secret_string_wo`, which
 * Terraform sends to AWS and never stores. Terraform cannot tell a changed write-only value, so
 * `secret_string_wo_version` (a second variable, `<name>_version`, default 1) is what makes it
 * write again: raise it with a new value to rotate.
 *
 * Without a value the plan stops with terraform's "No value for required variable" naming the
 * variable, whose description says what to set; a value of the wrong shape stops it with the
 * validation's message. Nothing is created half-way, and the services that wait for the secret
 * find it filled by the same deploy that creates it.
 */
import { Construct } from 'constructs';
import { TerraformVariable } from 'cdktf';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { OFFLINE_VALUE_KEY } from '../shared/offline-value';

/** Props of a DeployTimeSecretValue. */
export interface DeployTimeSecretValueProps {
  /** The secret the value is written into. */
  readonly secret: SecretsmanagerSecret;
  /** Terraform variable name (`r2_writer_token_us_east_1`); the deployer sets `TF_VAR_<name>`. */
  readonly variableName: string;
  /** What the value is and where it comes from, shown by terraform when it is missing. */
  readonly description: string;
  /** Keys the value must have as a JSON object; checked at plan. @default any non-empty string */
  readonly jsonKeys?: readonly string[];
  /** A value of the right shape for offline plans (never deployed). */
  readonly offlineValue: string;
}

/** Writes a deploy-time value into `secret` without storing it in the state. */
export class DeployTimeSecretValue extends Construct {
  readonly value: TerraformVariable;
  readonly valueVersion: TerraformVariable;
  readonly version: SecretsmanagerSecretVersion;

  constructor(scope: Construct, id: string, props: DeployTimeSecretValueProps) {
    super(scope, id);
    const keys = props.jsonKeys ?? [];
    const name = props.variableName;
    const condition =
      keys.length > 0
        ? `\${alltrue([for k in ${JSON.stringify(keys)} : can(nonsensitive(jsondecode(var.${name}))[k])])}`
        : `\${length(trimspace(nonsensitive(var.${name}))) > 0}`;
    this.value = new TerraformVariable(this, name, {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: props.description,
      validation: [
        {
          condition,
          errorMessage:
            keys.length > 0
              ? `${name} must be a JSON object with ${keys.join(', ')} (${props.description})`
              : `${name} must not be empty (${props.description})`,
        },
      ],
    });
    this.value.overrideLogicalId(name);
    // Ephemeral: the value may be used only where Terraform keeps it out of plan and state.
    this.value.addOverride('ephemeral', true);
    this.value.addOverride('//', { [OFFLINE_VALUE_KEY]: props.offlineValue });
    this.valueVersion = new TerraformVariable(this, `${name}_version`, {
      type: 'number',
      default: 1,
      nullable: false,
      description: `Raise to write a new ${name} into the secret (a write-only value is written only when this changes)`,
    });
    this.valueVersion.overrideLogicalId(`${name}_version`);
    this.version = new SecretsmanagerSecretVersion(this, 'version', {
      secretId: props.secret.id,
      secretStringWo: this.value.stringValue,
      secretStringWoVersion: this.valueVersion.numberValue,
    });
  }
}
