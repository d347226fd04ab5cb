/**
 * Seed 004: rate limiting active on all public endpoints. Cloudflare's rate-limit ruleset in the
 * edge stack holds it from growth on (seed 002 §6); before growth the product is small enough that
 * the host's reverse proxy and Cloudflare's DDoS protection are the limit, by design.
 */
import { isAtLeast } from '../../config/stages';
import { asStrings, readAll } from '../../synthesis/values';
import { edgeStack } from '../lookups';
import { held, missing, notApplicable, ReadinessItem } from '../types';

export const RateLimiting: ReadinessItem = {
  id: 'RDY-8',
  name: 'RateLimiting',
  section: 'resilience',
  title: 'Rate limiting active on all public endpoints',
  evaluate(environment) {
    if (!environment.stage || !isAtLeast(environment.stage, 'growth')) {
      return notApplicable('rate limits start at growth (seed 002 §6); before, Cloudflare DDoS protection and the host proxy carry the load');
    }
    const edge = edgeStack(environment);
    const rulesets = (edge?.resources('cloudflare_ruleset') ?? []).filter((r) => r.values.phase === 'http_ratelimit');
    const rules = rulesets.flatMap((r) => readAll(r.values, 'rules').flatMap((x) => (Array.isArray(x) ? x : [x])));
    if (rules.length === 0) return missing(`${edge?.name ?? `${environment.name}-edge`}: no Cloudflare rate-limit ruleset (phase http_ratelimit)`);
    const described = rules.flatMap((r) => asStrings((r as Record<string, unknown>).description)).join('; ');
    return held(`${rules.length} Cloudflare rate-limit rules: ${described}`);
  },
};
