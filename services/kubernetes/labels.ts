/** Labels every product object carries, and the selector labels of one service. */

/** Namespace of the product services (Pod Security Admission `restricted`). */
export const PRODUCT_NAMESPACE = 'product';

/** The label pods are selected by: Deployments, Services, PDBs and NetworkPolicies use it. */
export const SERVICE_LABEL = 'app.kubernetes.io/name';

/** The stable subset of labels used in selectors (a Deployment's selector is immutable). */
export function selectorLabels(service: string): Record<string, string> {
  return { [SERVICE_LABEL]: service };
}

/** Labels of every object a service owns. */
export function serviceLabels(service: string): Record<string, string> {
  return { ...selectorLabels(service), 'app.kubernetes.io/part-of': 'product', 'app.kubernetes.io/managed-by': 'stagecraft' };
}
