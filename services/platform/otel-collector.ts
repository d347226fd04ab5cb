/**
 * The region's OpenTelemetry collector (AWS Distro for OpenTelemetry), in its own `observability`
 * namespace: product services send spans to it over OTLP (`OTEL_EXPORTER_OTLP_ENDPOINT`) and it
 * exports them to X-Ray. Where the region runs CockroachDB it also scrapes CockroachDB's
 * Prometheus endpoint (`/_status/vars` on every node, found through the headless Service's DNS)
 * and publishes the replication metrics as CloudWatch metrics through the EMF exporter, which is
 * how CockroachDB's replication alarms get their data. Its AWS permissions are a Pod Identity
 * role of the regional stack (constructs/aws/collector-identity.ts).
 */
import { KubernetesObject } from '../kubernetes/object';
import { hardenedContainerSecurity, hardenedPodSecurity } from '../kubernetes/security-context';

export const COLLECTOR_NAMESPACE = 'observability';
export const COLLECTOR_NAME = 'otel-collector';
export const COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3';
export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
const HEALTH_PORT = 13133;
const UID = 10001;
/** Where product services send spans. */
export const OTLP_ENDPOINT = `http://${COLLECTOR_NAME}.${COLLECTOR_NAMESPACE}.svc.cluster.local:${OTLP_GRPC_PORT}`;
/** CloudWatch namespace of CockroachDB's metrics (readiness and the alarms read it). */
export const COCKROACH_METRICS_NAMESPACE = 'Stagecraft/CockroachDB';
/** The CockroachDB metrics published: replication health and the closed-timestamp lag. */
export const COCKROACH_EXPORTED_METRICS = [
  'ranges_underreplicated',
  'ranges_unavailable',
  'kv_closed_timestamp_max_behind_nanos',
  'liveness_livenodes',
] as const;

/** What the collector needs to know about its region. */
export interface CollectorPlacement {
  readonly region: string;
  /** CockroachDB to scrape, with the log group the EMF exporter writes to. @default none */
  readonly cockroach?: { readonly headlessService: string; readonly namespace: string; readonly httpPort: number; readonly logGroupName: string };
}

/** The collector's configuration, as YAML-compatible JSON (JSON is YAML). */
export function collectorConfig(placement: CollectorPlacement): Record<string, unknown> {
  const crdb = placement.cockroach;
  return {
    extensions: { health_check: { endpoint: `0.0.0.0:${HEALTH_PORT}` } },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}` }, http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` } } },
      ...(crdb && {
        prometheus: {
          config: {
            scrape_configs: [
              {
                job_name: 'cockroachdb',
                scrape_interval: '30s',
                metrics_path: '/_status/vars',
                scheme: 'https',
                // The nodes' HTTP port serves TLS with the cluster's own CA; the metrics page needs no login.
                tls_config: { insecure_skip_verify: true },
                dns_sd_configs: [{ names: [`${crdb.headlessService}.${crdb.namespace}.svc.cluster.local`], type: 'A', port: crdb.httpPort }],
                metric_relabel_configs: [{ source_labels: ['__name__'], regex: COCKROACH_EXPORTED_METRICS.join('|'), action: 'keep' }],
              },
            ],
          },
        },
      }),
    },
    processors: { memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 }, batch: {} },
    exporters: {
      awsxray: { region: placement.region },
      ...(crdb && {
        // Zero-dimension rollups: one series per metric for the region, which the alarms watch (Maximum over nodes).
        awsemf: {
          region: placement.region,
          namespace: COCKROACH_METRICS_NAMESPACE,
          log_group_name: crdb.logGroupName,
          dimension_rollup_option: 'ZeroAndSingleDimensionRollup',
        },
      }),
    },
    service: {
      extensions: ['health_check'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['awsxray'] },
        ...(crdb && { metrics: { receivers: ['prometheus'], processors: ['memory_limiter', 'batch'], exporters: ['awsemf'] } }),
      },
    },
  };
}

const labels = { 'app.kubernetes.io/name': COLLECTOR_NAME, 'app.kubernetes.io/part-of': 'stagecraft' };
const meta = (name: string) => ({ name, namespace: COLLECTOR_NAMESPACE, labels: { ...labels } });

/** Namespace, ServiceAccount, ConfigMap, Deployment, Service and NetworkPolicy of the collector. */
export function collectorObjects(placement: CollectorPlacement): KubernetesObject[] {
  const tcp = (port: number) => ({ protocol: 'TCP', port });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: COLLECTOR_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'stagecraft' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(COLLECTOR_NAME) },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(COLLECTOR_NAME), data: { 'collector.yaml': JSON.stringify(collectorConfig(placement), null, 2) } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(COLLECTOR_NAME),
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'app.kubernetes.io/name': COLLECTOR_NAME } },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            serviceAccountName: COLLECTOR_NAME,
            securityContext: hardenedPodSecurity(UID),
            containers: [
              {
                name: 'collector',
                image: COLLECTOR_IMAGE,
                args: ['--config=/conf/collector.yaml'],
                ports: [
                  { name: 'otlp-grpc', containerPort: OTLP_GRPC_PORT },
                  { name: 'otlp-http', containerPort: OTLP_HTTP_PORT },
                  { name: 'health', containerPort: HEALTH_PORT },
                ],
                securityContext: hardenedContainerSecurity(UID),
                resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
                livenessProbe: { httpGet: { path: '/', port: HEALTH_PORT }, periodSeconds: 10, failureThreshold: 3 },
                readinessProbe: { httpGet: { path: '/', port: HEALTH_PORT }, periodSeconds: 5, failureThreshold: 3 },
                volumeMounts: [
                  { name: 'config', mountPath: '/conf', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: COLLECTOR_NAME } },
              { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(COLLECTOR_NAME),
      spec: {
        type: 'ClusterIP',
        selector: { 'app.kubernetes.io/name': COLLECTOR_NAME },
        ports: [
          { name: 'otlp-grpc', port: OTLP_GRPC_PORT, targetPort: OTLP_GRPC_PORT },
          { name: 'otlp-http', port: OTLP_HTTP_PORT, targetPort: OTLP_HTTP_PORT },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(COLLECTOR_NAME),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': COLLECTOR_NAME } },
        policyTypes: ['Ingress'],
        // Spans from the product namespace only; egress stays open for X-Ray, CloudWatch Logs and the scrape.
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'product' } } }],
            ports: [tcp(OTLP_GRPC_PORT), tcp(OTLP_HTTP_PORT)],
          },
        ],
      },
    },
  ];
}
