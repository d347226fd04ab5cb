/**
 * The configuration of origin trust and public routes, by exact message: `edge.originPullCa`
 * (public CA certificates only) and the `route` of a service's public port.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem } from '../../config/errors';
import { parseEnvironment } from '../../config/load';
import { loadServiceCatalog, projectServiceCatalog } from '../../config/services';
import { catalogProject } from '../helpers/services';
import { selfSignedCertificate } from '../helpers/certificates';

const FILE = 'environments/prod.yaml';
const LAUNCH = 'name: acme-prod\nstage: launch\nregions: [us-east-1]\ndomain: example.com\n';
const problems = (yaml: string) => parseEnvironment(yaml, FILE).problems.map(formatProblem);
const withCa = (pem: string) =>
  `${LAUNCH}edge:\n  originPullCa: |\n${pem
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;

/** A throwaway self-signed certificate (CA or not) and its key, as PEM text. */
function certificate(ca: boolean): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-ca-'));
  try {
    const files = selfSignedCertificate(dir, ca ? 'test CA' : 'test leaf', { ca });
    return { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('edge.originPullCa', () => {
  const ca = certificate(true);

  it('takes one or two CA certificates, normalized', () => {
    const { environment, problems: found } = parseEnvironment(withCa(ca.cert), FILE);
    expect(found).toEqual([]);
    expect(environment!.edge.originPullCa).toBe(ca.cert.trim() + '\n');
    expect(problems(withCa(ca.cert + certificate(true).cert))).toEqual([]);
  });

  it('is absent by default', () => {
    expect(parseEnvironment(LAUNCH, FILE).environment!.edge.originPullCa).toBeUndefined();
  });

  it('refuses a private key, text that is not PEM certificates, and a certificate that is not a CA', () => {
    expect(problems(withCa(ca.cert + ca.key))).toEqual([
      'environments/prod.yaml: edge.originPullCa: contains a private key; give only the CA certificate (the key never goes in a file Stagecraft reads)',
    ]);
    expect(problems(withCa('not a certificate'))).toEqual([
      'environments/prod.yaml: edge.originPullCa: is not PEM certificates only (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----, one or two while rotating)',
    ]);
    expect(problems(withCa('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'))).toEqual([
      'environments/prod.yaml: edge.originPullCa: is not a readable X.509 certificate',
    ]);
    expect(problems(withCa(certificate(false).cert))).toEqual([
      'environments/prod.yaml: edge.originPullCa: is not a CA certificate (basicConstraints CA:TRUE); received the certificate of "CN=test leaf"',
    ]);
  });
});

describe('edge.originPullCertificateId and the size of edge.originPullCa: never echoed', () => {
  it('refuses a value that is not a certificate id, saying only its length (a key pasted into the wrong field stays out of the logs)', () => {
    const key = ['v1.0', 'd41d8cd98f00b204e9800998ecf8427e', '0123456789abcdef'].join('-');
    const found = problems(`${LAUNCH}edge:\n  originPullCertificateId: ${key}\n`);
    expect(found).toEqual([
      `environments/prod.yaml: edge.originPullCertificateId: is not a Cloudflare certificate id (e.g. 2458ce5a-0c35-4c7f-82c7-8e9487d3ff60, the id Cloudflare returned for the uploaded certificate); received a value of ${key.length} characters`,
    ]);
    expect(found[0]).not.toContain('d41d8cd98f00b204');
  });

  it('reports a private key pasted as the id once, by its own rule, showing only the PEM header', () => {
    const { key } = certificate(true);
    const found = problems(
      `${LAUNCH}edge:\n  originPullCertificateId: |\n${key
        .trim()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}\n`,
    );
    expect(found).toEqual([
      `environments/prod.yaml: edge.originPullCertificateId: is not a Cloudflare certificate id (e.g. 2458ce5a-0c35-4c7f-82c7-8e9487d3ff60, the id Cloudflare returned for the uploaded certificate); received a value of ${key.trim().length + 1} characters`,
    ]);
  });

  it('refuses a CA bundle longer than a certificate, saying only its length', () => {
    const long = 'A'.repeat(9000);
    expect(problems(`${LAUNCH}edge:\n  originPullCa: ${long}\n`)).toEqual([
      'environments/prod.yaml: edge.originPullCa: is longer than a CA certificate (8192 characters at most); received a value of 9000 characters',
    ]);
  });
});

describe('the route of a public port', () => {
  const catalogProblems = (changes: Parameters<typeof catalogProject>[0]) => {
    const root = catalogProject(changes);
    return loadServiceCatalog(join(root, 'services'), root).problems.map(formatProblem);
  };
  const gateway = (route: string) => (text: string) => {
    const next = text.replace('public: true, route: { path: /ws, websocket: true } }', `public: true${route} }`);
    if (next === text) throw new Error('fixture edit did not apply');
    return next;
  };

  it('defaults to every product host and "/", and the example gateway takes /ws with upgrades', () => {
    const services = projectServiceCatalog().services;
    expect(services.find((s) => s.name === 'api')!.ports[0].route).toEqual({ hosts: ['apex', 'www', 'api'], path: '/', websocket: false });
    expect(services.find((s) => s.name === 'websocket-gateway')!.ports[0].route).toEqual({ hosts: ['apex', 'www', 'api'], path: '/ws', websocket: true });
    expect(services.find((s) => s.name === 'delivery-worker')!.ports[0].route).toBeUndefined();
  });

  it('refuses two services on the same host and path', () => {
    expect(catalogProblems({ 'websocket-gateway.yaml': gateway('') })).toEqual([
      'services/websocket-gateway.yaml: ports[0].route: path "/" on apex, www, api is already routed to api (http); give one of them another path or hosts',
    ]);
    expect(catalogProblems({ 'websocket-gateway.yaml': gateway(', route: { hosts: [www] }') })).toEqual([
      'services/websocket-gateway.yaml: ports[0].route: path "/" on www is already routed to api (http); give one of them another path or hosts',
    ]);
  });

  it('accepts the same path on other hosts', () => {
    expect(
      catalogProblems({
        'websocket-gateway.yaml': gateway(', route: { hosts: [api] }'),
        'api.yaml': (text) => text.replace('public: true }', 'public: true, route: { hosts: [apex, www] } }'),
      }),
    ).toEqual([]);
  });

  it('refuses a route on a private port, a host that is not a product host and a path that is not a prefix', () => {
    expect(catalogProblems({ 'delivery-worker.yaml': (t) => t.replace('port: 8081 }', 'port: 8081, route: { path: /jobs } }') })).toEqual([
      'services/delivery-worker.yaml: ports[0].route: is set on a private port; allowed only with public: true',
    ]);
    expect(catalogProblems({ 'websocket-gateway.yaml': gateway(', route: { hosts: [admin], path: /ws } ') })).toEqual([
      'services/websocket-gateway.yaml: ports[0].route.hosts[0]: "admin" is not a product host; allowed: apex, www, api',
    ]);
    expect(catalogProblems({ 'websocket-gateway.yaml': gateway(', route: { path: /ws/ }') })).toEqual([
      'services/websocket-gateway.yaml: ports[0].route.path: "/ws/" is not a path prefix (e.g. / or /ws, no trailing slash)',
    ]);
  });
});
