import { kubernetesSchemaProblems, kubernetesSchemaReport } from '../../helpers/kubernetes';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'product' },
  spec: {
    selector: { matchLabels: { app: 'api' } },
    template: {
      metadata: { labels: { app: 'api' } },
      spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/api:1.4.2', resources: { requests: { cpu: '250m', memory: '512Mi' } } }] },
    },
  },
};

describe('kubernetesSchemaProblems', () => {
  it('accepts an object that matches the API schema', () => {
    expect(kubernetesSchemaProblems(deployment)).toEqual([]);
  });

  it('reports a malformed quantity with the field path', () => {
    const bad = structuredClone(deployment);
    bad.spec.template.spec.containers[0].resources.requests.cpu = 'a lot';
    const [problem] = kubernetesSchemaProblems(bad);
    expect(problem).toContain('apps/v1 Deployment product/api:');
    expect(problem).toContain('containers/0/resources/requests/cpu must match format "quantity"');
  });

  it('reports unknown kinds and API versions instead of passing them', () => {
    expect(
      kubernetesSchemaReport([
        { ...deployment, kind: 'Deploymnet' },
        { ...deployment, apiVersion: 'apps/v9' },
      ]),
    ).toEqual([
      'apps/v1 Deploymnet product/api: kind Deploymnet does not exist in apps/v1',
      'apps/v9 Deployment product/api: apiVersion apps/v9 is not a Kubernetes API group/version known to kubernetes-models',
    ]);
  });
});
