/** Test helpers: environments from inline YAML, and the problems sizing reports for them. */
import { parseEnvironment } from '../../config/load';
import { formatProblem, UserInputError } from '../../config/errors';
import { Environment } from '../../config/environment';
import { sizeEnvironments } from '../../sizing/blueprint';

/** A minimal environment file of one stage in one region. */
export const base = (stage: string, region = 'us-east-1') => `name: acme-test\nstage: ${stage}\nregions: [${region}]\ndomain: example.com\n`;

/**
 * The `edge:` block of a file in several regions: the Load Balancing add-on their Cloudflare load
 * balancer needs, and Workers Paid for the Durable Object of the edge Worker massive runs by default
 * (config/cloudflare-plan-problems.ts refuses either missing).
 */
export const SEVERAL_REGIONS_EDGE = 'edge:\n  addons: [loadBalancing, workersPaid]\n';

/** Parses YAML as `environments/test.yaml`; throws with the problems when it is invalid. */
export function environment(yaml: string): Environment {
  const { environment: parsed, problems } = parseEnvironment(yaml, 'environments/test.yaml');
  if (!parsed) throw new Error(problems.map(formatProblem).join('\n'));
  return parsed;
}

/** The formatted problems sizing reports for the file, or [] when it sizes cleanly. */
export function sizeProblems(yaml: string): string[] {
  try {
    sizeEnvironments([environment(yaml)]);
    return [];
  } catch (error) {
    if (error instanceof UserInputError) return error.problems.map(formatProblem);
    throw error;
  }
}
