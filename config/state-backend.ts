/**
 * Production stages keep Terraform state remotely. Local state files beside the stacks are fine
 * while a product is small, but from scale on losing a laptop or a CI workspace would orphan
 * hundreds of resources (`prevent_destroy` does not protect against state loss), so synthesis
 * refuses them (review D3). Sizing, cost and advice still read such a file: only synthesis,
 * which writes the backend into every stack, is refused.
 */
import { Environment } from './environment';
import { Problem } from './errors';
import { isAtLeast, Stage } from './stages';

/** The first stage whose stacks must keep their state remotely. */
export const REMOTE_STATE_FROM: Stage = 'scale';

/** The problem of an environment whose stage needs remote state but which has none, or []. */
export function stateBackendProblems(environment: Pick<Environment, 'stage' | 'backend' | 'sourceFile'>): Problem[] {
  if (!isAtLeast(environment.stage, REMOTE_STATE_FROM) || environment.backend.kind !== 'local') return [];
  return [
    {
      file: environment.sourceFile,
      path: 'backend',
      message:
        `stage ${environment.stage} keeps Terraform state remotely (local state files are refused from ${REMOTE_STATE_FROM} on); ` +
        'set backend.s3.bucket to an existing, versioned S3 bucket (locking uses S3 lock files, Terraform ≥ 1.10), ' +
        'optionally backend.s3.region, keyPrefix and kmsKeyArn; received no backend',
    },
  ];
}
