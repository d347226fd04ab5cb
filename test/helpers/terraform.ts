/**
 * One terraform command, run synchronously the way the offline engine runs it (terraform/offline.ts
 * `terraformEnv`: no inherited TF_* or AWS_* settings, an unreachable proxy), for the terraform
 * tests that plan a hand-made root module of their own rather than a synthesized stack.
 */
import { spawnSync } from 'node:child_process';
import { terraformEnv } from '../../terraform/offline';

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
