/**
 * One terraform command, run synchronously the way the offline engine runs it (terraform/offline.ts
 * `terraformEnv`: no inherited TF_* or AWS_* settings, an unreachable proxy), for the terraform
 * tests that plan a hand-made root module of their own rather than a synthesized stack; and the
 * terraform suites' `describe`, which fails (never skips) without terraform or the mirror; and the
 * mirror's AWS provider started once per test file and attached to its commands, as the offline
 * engine attaches one per check slot (terraform/aws-provider.ts): each `plan` otherwise starts the
 * 700 MB binary three times, each `show` once.
 */
import { spawnSync } from 'node:child_process';
import { AttachedAwsProvider, awsProviderBinary, startAwsProvider } from '../../terraform/aws-provider';
import { AWS_PROVIDER_VERSION, findProviderMirror, findTerraform, terraformEnv } from '../../terraform/offline';
import { describeRequiring, RequiredDescribe } from './required-tools';

export interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `terraform <args>` in `cwd` with the CLI config `cliConfigFile`, plus `extraEnv` (say, a TF_VAR_ value, or attachedAws()). */
export function runTerraformSync(
  terraform: string,
  args: readonly string[],
  cwd: string,
  cliConfigFile: string,
  extraEnv: Readonly<Record<string, string>> = {},
): TerraformRun {
  const result = spawnSync(terraform, args, {
    cwd,
    env: { ...terraformEnv(cliConfigFile), ...extraEnv },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** What the offline plans need and this machine lacks: terraform on PATH and a mirror holding hashicorp/aws (none when both are there). */
export function missingForTerraform(): string[] {
  const missing: string[] = [];
  if (findTerraform() === undefined) missing.push('terraform is not on PATH (install Terraform 1.11: https://developer.hashicorp.com/terraform/install)');
  if (findProviderMirror() === undefined)
    missing.push(`no provider mirror with hashicorp/aws ${AWS_PROVIDER_VERSION} (set STAGECRAFT_PROVIDER_MIRROR, or provide /opt/tf-plugins)`);
  return missing;
}

/** A `describe` for a terraform suite: fails, naming `unchecked`, when terraform or the mirror is missing. */
export function requireTerraform(unchecked: string | (() => string)): RequiredDescribe {
  return describeRequiring(missingForTerraform(), unchecked);
}

/**
 * The mirror's AWS provider, running, for a test file's commands to attach to (close it in
 * afterAll). Only for roots with one AWS provider configuration in use, run one command at a time:
 * the process keeps the settings of its last configuration (terraform/offline.ts `attachesAws`).
 * Undefined with STAGECRAFT_ATTACH_AWS=0 or a mirror whose provider is not unpacked: the commands
 * then start their own, as before.
 */
export async function startTestAwsProvider(mirror: string): Promise<AttachedAwsProvider | undefined> {
  if (process.env.STAGECRAFT_ATTACH_AWS === '0') return undefined;
  const binary = awsProviderBinary(mirror, AWS_PROVIDER_VERSION);
  // Started in terraform's own environment, as the offline engine starts it (the CLI config is not read by the provider).
  return binary ? startAwsProvider(binary, terraformEnv('/dev/null')) : undefined;
}

/** The environment entry that attaches a command to `provider`; none without one. Never for `init`, which installs the provider and writes its lock. */
export function attachedAws(provider: AttachedAwsProvider | undefined): Record<string, string> {
  return provider ? { TF_REATTACH_PROVIDERS: JSON.stringify(provider.reattach) } : {};
}
