/** Labels CockroachDB objects carry and select by. */
import { COCKROACH_NAMESPACE } from './names';

export const APP_LABELS = { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/part-of': 'stagecraft' } as const;
/** Selects every database pod of the region, whatever its zone. */
export const NODE_SELECTOR = { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/component': 'database' } as const;
/** Label naming the zone a database pod's StatefulSet is pinned to. */
export const ZONE_LABEL = 'stagecraft/zone';

/** Metadata of a namespaced CockroachDB object. */
export function metadata(name: string, labels: Record<string, string> = {}): { name: string; namespace: string; labels: Record<string, string> } {
  return { name, namespace: COCKROACH_NAMESPACE, labels: { ...APP_LABELS, ...labels } };
}
