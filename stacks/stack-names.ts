/**
 * The names of an environment's stacks, in one place: the stacks are built under them
 * (stacks/app.ts), and the commands that read a synthesis find them by them. No cdktf import,
 * so readers stay light.
 */
import { Environment } from '../config/environment';
import { isSingleHostStage } from '../config/stages';

/** `<env>-<region>`: the region's AWS infrastructure. */
export const regionalStackName = (environment: string, region: string): string => `${environment}-${region}`;
/** `<env>-<region>-apps`: the region's Kubernetes workloads (cluster stages). */
export const appsStackName = (environment: string, region: string): string => `${regionalStackName(environment, region)}-apps`;
/** `<env>-edge`: Cloudflare. */
export const edgeStackName = (environment: string): string => `${environment}-edge`;

/** Every stack of an environment: per region its regional stack (and apps stack on cluster stages), then the edge. */
export function stackNamesOf(environment: Environment): string[] {
  const withApps = !isSingleHostStage(environment.stage);
  return [
    ...environment.regions.flatMap(({ code }) => [regionalStackName(environment.name, code), ...(withApps ? [appsStackName(environment.name, code)] : [])]),
    edgeStackName(environment.name),
  ];
}

/**
 * Alias (without `alias/`) of the key in `region` that `owner`'s stack creates for the secrets it
 * replicates there (stacks/secret-replicas.ts); `region`'s own stack reads them under it.
 */
export const secretReplicaKeyAlias = (environment: string, owner: string, region: string): string =>
  `${regionalStackName(environment, owner)}-secrets-in-${region}`;
