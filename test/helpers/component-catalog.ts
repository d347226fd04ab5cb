/**
 * A service catalog for component tests: one service per optional store, so each combination of
 * `components:` can run exactly the services whose stores it has (test/stacks/components.test.ts).
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServiceCatalog, ServiceCatalog } from '../../config/services';

function service(name: string, dataStores: string, extra = ''): string {
  return [
    `name: ${name}`,
    `description: ${name} of the component tests`,
    `image: ghcr.io/example/${name}:1.0.0`,
    name === 'api' ? 'ports:\n  - { name: http, port: 8080, public: true }' : 'ports:\n  - { name: health, port: 8081 }',
    `health:\n  port: ${name === 'api' ? 'http' : 'health'}\n  livenessPath: /healthz\n  readinessPath: /readyz`,
    'resources:\n  requests: { cpuMillis: 250, memoryMiB: 512 }\n  limits: { cpuMillis: 500, memoryMiB: 512 }',
    `dataStores: [${dataStores}]`,
    extra,
    'stages: [growth, scale, hyperscale, massive]',
    'scaling:\n  rule: fixed\n  replicas: 2',
    '',
  ].join('\n');
}

/** The services, by the store each needs beyond the database: api (none), search-indexer, task-worker (rabbitmq), event-consumer (kafka). */
export const COMPONENT_SERVICES: Record<string, string> = {
  'api.yaml': service('api', 'database, redis, objectStorage'),
  'search-indexer.yaml': service('search-indexer', 'search, database'),
  'task-worker.yaml': service('task-worker', 'rabbitmq, database', 'topics:\n  consumes: [tasks]'),
  'event-consumer.yaml': service('event-consumer', 'kafka, database', 'topics:\n  consumes: [events]'),
};

/** Writes the catalog into a new folder and reads it. */
export function componentCatalog(): ServiceCatalog {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-components-'));
  mkdirSync(join(root, 'services'));
  for (const [file, text] of Object.entries(COMPONENT_SERVICES)) writeFileSync(join(root, 'services', file), text);
  return loadServiceCatalog(join(root, 'services'), root);
}
