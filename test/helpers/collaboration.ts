/**
 * The collaboration example synthesized in one region (its second region is a copy of the first),
 * for tests that read its Kafka, RabbitMQ and queue-scaled workers without planning two regions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Environment } from '../../config/environment';
import { formatProblem } from '../../config/errors';
import { parseEnvironment } from '../../config/load';
import { loadServiceCatalog } from '../../config/services';
import { readSynthesis } from '../../synthesis/read';
import { Synthesis } from '../../synthesis/stack-views';
import { EXAMPLES_ROOT, PROJECT_ROOT } from './examples';
import { cachedSynthesis } from './synthesis-cache';

/** The collaboration example's project root. */
export const COLLABORATION_ROOT = join(EXAMPLES_ROOT, '..', 'collaboration');

/** The collaboration example's production environment in us-east-1 alone, synthesized once per run (the shared synthesis cache). */
export function synthesizeCollaborationInOneRegion(): { environment: Environment; synthesis: Synthesis } {
  const catalog = loadServiceCatalog(join(COLLABORATION_ROOT, 'services'), COLLABORATION_ROOT);
  const text = readFileSync(join(COLLABORATION_ROOT, 'environments', 'production.yaml'), 'utf8')
    .replace('regions: [us-east-1, eu-west-1]', 'regions: [us-east-1]')
    .replace(/^ {2}regions: \{ mode: active-passive \}\n/m, '');
  const parsed = parseEnvironment(text, 'environments/production.yaml', catalog);
  if (!parsed.environment) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  const { outdir } = cachedSynthesis(PROJECT_ROOT, 'collaboration-one-region', [parsed.environment]);
  return { environment: parsed.environment, synthesis: readSynthesis(outdir, { command: 'test', flag: '--from', given: outdir }) };
}
