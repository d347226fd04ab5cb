/**
 * One terraform command, run synchronously the way the offline engine runs it (terraform/offline.ts
 * `terraformEnv`: no inherited TF_* or AWS_* settings, an unreachable proxy), for the terraform
 * tests that plan a hand-made root module of their own rather than a synthesized stack; and the
 * terraform suites' `describe`, which fails (never skips) without terraform or the mirror.
 */
import { spawnSync } from 'node:child_process';
import { AWS_PROVIDER_VERSION, findProviderMirror, findTerraform, terraformEnv } from '../../terraform/offline';
import { describeRequiring, RequiredDescribe } from './required-tools';

export interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `terraform <args>` in `cwd` with the CLI config `cliConfigFile`, plus `extraEnv` (say, a TF_VAR_ value). */
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
