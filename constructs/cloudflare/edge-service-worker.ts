/**
 * An edge-first service's own Worker (`edge:` in its service file): the module the team bundles,
 * uploaded as `<env>-<service>`, with the Durable Object classes it exports (each bound under its
 * class name, created by the migration tagged `v1`) and one KV namespace per binding it reads.
 * The edge Worker calls it through a service binding for the service's routes; it has no route
 * of its own. Secrets (the CockroachDB Cloud connection string) are put with
 * `wrangler secret put` and kept across uploads (`keep_bindings`), so they are in neither the
 * synthesized JSON nor the state.
 */
import { Construct } from 'constructs';
import { WorkersKvNamespace } from '@cdktf/provider-cloudflare/lib/workers-kv-namespace';
import { WorkersScript } from '@cdktf/provider-cloudflare/lib/workers-script';
import { EDGE_WORKER_COMPATIBILITY_DATE } from '../../workers/bundle';
import { terraformLiteral } from '../../synthesis/terraform-literal';
import { checkProps } from '../shared/validation';
import { EdgeZone } from './edge-zone';

/** The module name an edge service's code is uploaded under. */
export const EDGE_SERVICE_MAIN_MODULE = 'service.js';

/** Props of EdgeServiceWorker. */
export interface EdgeServiceWorkerProps {
  readonly zone: EdgeZone;
  /** `<env>-<service>`; prefixes its KV namespace titles. */
  readonly scriptName: string;
  /** The bundled ES module. */
  readonly code: string;
  /** Durable Object classes the module exports. @default [] */
  readonly durableObjects?: readonly string[];
  /** KV binding names the module reads; one namespace each. @default [] */
  readonly kvNamespaces?: readonly string[];
  /** Environment name, bound as `ENVIRONMENT`. */
  readonly environmentName: string;
  /** Workers runtime behaviour the module is written against. @default EDGE_WORKER_COMPATIBILITY_DATE */
  readonly compatibilityDate?: string;
}

/** The Worker of one edge-first service and its KV namespaces. */
export class EdgeServiceWorker extends Construct {
  readonly script: WorkersScript;
  readonly kvNamespaces: readonly WorkersKvNamespace[];

  constructor(scope: Construct, id: string, props: EdgeServiceWorkerProps) {
    super(scope, id);
    const durableObjects = props.durableObjects ?? [];
    const kvBindings = props.kvNamespaces ?? [];
    const compatibilityDate = props.compatibilityDate ?? EDGE_WORKER_COMPATIBILITY_DATE;
    checkProps(this, [
      { failed: props.code.trim() === '', message: 'code: the Worker module is empty' },
      { failed: !/^[a-z0-9][a-z0-9-]{0,62}$/.test(props.scriptName), message: `scriptName: must be a Workers script name; received ${props.scriptName}` },
    ]);
    this.kvNamespaces = kvBindings.map(
      (binding) =>
        new WorkersKvNamespace(this, `kv-${binding.toLowerCase()}`, { accountId: props.zone.accountId, title: `${props.scriptName}-${binding.toLowerCase()}` }),
    );
    this.script = new WorkersScript(this, 'script', {
      accountId: props.zone.accountId,
      scriptName: props.scriptName,
      mainModule: EDGE_SERVICE_MAIN_MODULE,
      content: terraformLiteral(props.code),
      compatibilityDate,
      bindings: [
        ...durableObjects.map((className) => ({ type: 'durable_object_namespace', name: className, className })),
        ...kvBindings.map((name, i) => ({ type: 'kv_namespace', name, namespaceId: this.kvNamespaces[i].id })),
        { type: 'plain_text', name: 'ENVIRONMENT', text: props.environmentName },
      ],
      keepBindings: ['secret_text'],
      ...(durableObjects.length > 0 ? { migrations: { newTag: 'v1', newSqliteClasses: [...durableObjects] } } : {}),
      observability: { enabled: true },
    });
  }
}
