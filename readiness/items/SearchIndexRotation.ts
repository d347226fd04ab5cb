/**
 * Seed 004: search index rotation automated (monthly rollover). The AWS provider cannot manage
 * OpenSearch Index State Management, so the apps stack runs a Job that applies the policy with
 * SigV4 under a Pod Identity role; the item looks for that Job and the rollover in its policy.
 */
import { ISM_POLICY_ENV } from '../../services/platform/operations-jobs';
import { appsStackOf, containerEnv, manifestsOf, regionalStacks } from '../lookups';
import { combine, held, ItemOutcome, missing, notApplicable, ReadinessItem } from '../types';

export const SearchIndexRotation: ReadinessItem = {
  id: 'RDY-4',
  name: 'SearchIndexRotation',
  section: 'performance',
  title: 'Search index rotation automated (rollover by an index state management policy)',
  evaluate(environment) {
    const parts: ItemOutcome[] = [];
    for (const stack of regionalStacks(environment)) {
      for (const domain of stack.resources('aws_opensearch_domain')) {
        const name = String(domain.values.domain_name ?? domain.address);
        const jobs = [...manifestsOf(appsStackOf(environment, stack), 'Job'), ...manifestsOf(appsStackOf(environment, stack), 'CronJob')];
        const applying = jobs.find((j) => {
          const policy = containerEnv(j.manifest).get(ISM_POLICY_ENV);
          return policy !== undefined && policy.includes('"rollover"');
        });
        if (!applying) {
          parts.push(missing(`${name}: no Job in ${stack.name}-apps applies an ISM policy with a rollover (${ISM_POLICY_ENV})`));
          continue;
        }
        const age = /"min_index_age"\s*:\s*"([^"]+)"/.exec(containerEnv(applying.manifest).get(ISM_POLICY_ENV) ?? '')?.[1];
        parts.push(held(`${name}: ${applying.kind} ${applying.namespace}/${applying.name} applies a rollover policy (min_index_age ${age ?? 'unset'})`));
      }
    }
    return combine(parts, notApplicable('no search cluster at this stage: search runs in PostgreSQL'));
  },
};
