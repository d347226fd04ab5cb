/** Where each stack keeps its Terraform state. */
import { relative, resolve } from 'node:path';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { StateBackend } from '../config/environment';

/** Where local state lives: the project root, outside cdktf.out, so a re-synth never touches it. */
export interface StateLocation {
  /** Directory the synthesis is finally published to (not a temporary staging directory). */
  readonly outdir: string;
  /** Directory local state files live in. */
  readonly stateDir: string;
}

export function configureBackend(stack: TerraformStack, stackName: string, backend: StateBackend, location: StateLocation): void {
  if (backend.kind === 's3') {
    new S3Backend(stack, {
      bucket: backend.bucket,
      key: `${backend.keyPrefix}/${stackName}.tfstate`,
      region: backend.region,
      encrypt: true,
      kmsKeyId: backend.kmsKeyArn,
    });
    // Native S3 lock files (Terraform ≥ 1.10); cdktf 0.21's S3Backend has no such option yet.
    stack.addOverride('terraform.backend.s3.use_lockfile', true);
    return;
  }
  // Relative to the stack's own directory, so the synthesized JSON is the same on every machine.
  const stackDir = resolve(location.outdir, 'stacks', stackName);
  new LocalBackend(stack, { path: relative(stackDir, resolve(location.stateDir, `terraform.${stackName}.tfstate`)) });
}
