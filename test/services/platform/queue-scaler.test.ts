/**
 * The queue-scaler's script, run by a real bash with its Deployment's environment against two
 * stand-ins: an `aws` on PATH that answers `cloudwatch get-metric-data` as the AWS CLI prints it
 * (`--output text` of `MetricDataResults[].[Id, Values[0]]`: `None` for a metric without data) from
 * a table of metric values keyed by namespace, name and dimensions, and a Kubernetes API served over
 * HTTPS on loopback (a throwaway certificate from Debian's openssl, test/helpers/certificates.ts)
 * that holds each Deployment's scale, checks the bearer token, and records every PATCH of the
 * `scale` subresource. Each case sets the backlog and the current count, runs one pass
 * (QUEUE_SCALER_ONCE) at a given clock (QUEUE_SCALER_NOW) with the state directory kept between
 * passes, and checks what was patched.
 * Not checked here (no AWS, no cluster): that CloudWatch names the metrics and dimensions this way
 * (AWS's documentation does: docs/autoscaling.md), that MSK emits the lag while the group is
 * stable, the IAM policy, RBAC and the NetworkPolicy as enforced. ShellCheck reads the script too.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../helpers/certificates';
import {
  QUEUE_SCALER_IMAGE,
  QUEUE_SCALER_SCRIPT,
  QUEUE_SCALER_TARGETS_ENV,
  queueScalerObjects,
  QueueScaledWorker,
} from '../../../services/platform/queue-scaler';
import { fromTerraformLiteral } from '../../../synthesis/terraform-literal';

const TOKEN = 'stand-in-service-account-token';
const NOW = 1_800_000_000;

/** The AWS CLI as the script calls it: one get-metric-data per worker, answered from $STATE/metrics.json. */
const FAKE_AWS = `#!/usr/bin/env node
const fs = require('fs');
const state = process.env.STATE;
const args = process.argv.slice(2);
fs.appendFileSync(state + '/aws-calls', JSON.stringify(args) + '\\n');
const flag = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
if (args[0] !== 'cloudwatch' || args[1] !== 'get-metric-data') { console.error('unexpected call ' + args.join(' ')); process.exit(2); }
if (fs.existsSync(state + '/deny')) { console.error('An error occurred (AccessDenied) when calling the GetMetricData operation: not authorized'); process.exit(254); }
const now = Number(process.env.EXPECTED_NOW);
if (flag('--region') !== 'eu-west-1' || Number(flag('--end-time')) !== now || Number(flag('--start-time')) !== now - 300) {
  console.error('wrong region or window: ' + args.join(' ')); process.exit(2);
}
if (flag('--scan-by') !== 'TimestampDescending' || flag('--query') !== 'MetricDataResults[].[Id, Values[0]]' || flag('--output') !== 'text') {
  console.error('unexpected output options'); process.exit(2);
}
const metrics = JSON.parse(fs.readFileSync(state + '/metrics.json', 'utf8'));
for (const q of JSON.parse(flag('--metric-data-queries'))) {
  const m = q.MetricStat.Metric;
  const key = [m.Namespace, m.MetricName, ...m.Dimensions.map((d) => d.Name + '=' + d.Value)].join('|');
  const value = metrics[key];
  console.log(q.Id + '\\t' + (value === undefined ? 'None' : Number(value).toFixed(1)));
}
`;

interface Pass {
  readonly status: number;
  readonly output: string;
}

let root: string;
let server: Server;
let apiUrl: string;
/** Deployment → current spec.replicas, as the stand-in API holds it. */
let scales: Record<string, number>;
/** Every PATCH the stand-in API received: deployment and the body. */
let patches: Array<{ deployment: string; body: unknown }>;
let refusedAuth: number;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'queue-scaler-'));
  // Served on loopback and trusted by the script as its service account's ca.crt.
  const { key, cert } = selfSignedCertificate(root, 'kubernetes', { ca: false, subjectAltNames: ['IP:127.0.0.1'] });
  const sa = join(root, 'serviceaccount');
  mkdirSync(sa);
  writeFileSync(join(sa, 'ca.crt'), readFileSync(cert));
  writeFileSync(join(sa, 'token'), TOKEN);
  server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (request, response) => {
    const match = /^\/apis\/apps\/v1\/namespaces\/product\/deployments\/([a-z0-9-]+)\/scale$/.exec(request.url ?? '');
    const send = (code: number, body: unknown) => {
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      refusedAuth += 1;
      return send(401, { kind: 'Status', code: 401 });
    }
    if (!match || scales[match[1]] === undefined) return send(404, { kind: 'Status', code: 404, message: `not found: ${request.url}` });
    const name = match[1];
    const scale = () => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name, namespace: 'product' },
      spec: scales[name] === 0 ? {} : { replicas: scales[name] },
      status: { replicas: scales[name], selector: `app.kubernetes.io/name=${name}` },
    });
    if (request.method === 'GET') return send(200, scale());
    if (request.method !== 'PATCH' || request.headers['content-type'] !== 'application/merge-patch+json') return send(415, { kind: 'Status', code: 415 });
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const body = JSON.parse(text) as { spec: { replicas: number } };
      patches.push({ deployment: name, body });
      scales[name] = body.spec.replicas;
      send(200, scale());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

let state: string;
beforeEach(() => {
  state = mkdtempSync(join(root, 'state-'));
  scales = {};
  patches = [];
  refusedAuth = 0;
});

const WORKERS: QueueScaledWorker[] = [
  {
    deployment: 'task-worker',
    min: 2,
    max: 20,
    targetPerPod: 100,
    sources: [{ broker: 'rabbitmq', brokerName: 'collab-prod-eu-west-1-rabbitmq', queue: 'tasks.task-worker' }],
  },
  {
    deployment: 'event-consumer',
    min: 1,
    max: 12,
    targetPerPod: 1000,
    sources: [
      { broker: 'kafka', clusterName: 'collab-prod-eu-west-1-kafka', group: 'event-consumer', topic: 'document-events' },
      { broker: 'kafka', clusterName: 'collab-prod-eu-west-1-kafka', group: 'event-consumer', topic: 'comments' },
    ],
  },
];
const RABBIT = 'AWS/AmazonMQ|MessageCount|Broker=collab-prod-eu-west-1-rabbitmq|VirtualHost=/|Queue=tasks.task-worker';
const LAG = (topic: string) => `AWS/Kafka|SumOffsetLag|Cluster Name=collab-prod-eu-west-1-kafka|Consumer Group=event-consumer|Topic=${topic}`;

/** The Deployment's container as synthesized: its command and environment. */
function container() {
  const deployment = queueScalerObjects({ region: 'eu-west-1', workers: WORKERS, apiServerCidrs: ['10.0.0.0/19'], vpcCidr: '10.0.0.0/16' }).find(
    (o) => o.kind === 'Deployment',
  )!;
  return (deployment.spec as { template: { spec: { containers: Array<{ image: string; command: string[]; env: Array<{ name: string; value: string }> }> } } })
    .template.spec.containers[0];
}

/** One pass of the loop at `now`, with these metric values, against the stand-in API. */
async function pass(metrics: Record<string, number>, now: number, options: { deny?: boolean } = {}): Promise<Pass> {
  const bin = join(state, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'aws'), FAKE_AWS);
  chmodSync(join(bin, 'aws'), 0o755);
  writeFileSync(join(state, 'metrics.json'), JSON.stringify(metrics));
  if (options.deny) writeFileSync(join(state, 'deny'), '');
  else rmSync(join(state, 'deny'), { force: true });
  const c = container();
  const [shell, flag, literal] = c.command;
  const env = {
    ...Object.fromEntries(c.env.map((e) => [e.name, e.value])),
    PATH: `${bin}:${process.env.PATH}`,
    STATE: state,
    EXPECTED_NOW: String(now),
    KUBERNETES_API: apiUrl,
    SERVICE_ACCOUNT_DIR: join(root, 'serviceaccount'),
    QUEUE_SCALER_STATE: join(state, 'scaler'),
    QUEUE_SCALER_NOW: String(now),
    QUEUE_SCALER_ONCE: '1',
  };
  return new Promise((resolve) => {
    execFile(shell, [flag, fromTerraformLiteral(literal)], { env, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

const patched = () => patches.map((p) => `${p.deployment}=${(p.body as { spec: { replicas: number } }).spec.replicas}`);

describe('the queue-scaler', () => {
  it('runs its script in the AWS CLI image with bash, which ShellCheck reads without a finding', () => {
    const c = container();
    expect(c.image).toBe(QUEUE_SCALER_IMAGE);
    expect(c.command.slice(0, 2)).toEqual(['/bin/bash', '-c']);
    expect(fromTerraformLiteral(c.command[2])).toBe(QUEUE_SCALER_SCRIPT);
    const result = spawnSync('shellcheck', ['--shell=bash', '--format=gcc', '-'], { input: QUEUE_SCALER_SCRIPT, encoding: 'utf8' });
    if (result.error) throw new Error(`shellcheck is not installed (apt-get install shellcheck): ${result.error.message}`);
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(c.env.find((e) => e.name === QUEUE_SCALER_TARGETS_ENV)?.value).toBe(
      [
        'task-worker 2 20 100 rabbitmq:collab-prod-eu-west-1-rabbitmq:tasks.task-worker',
        'event-consumer 1 12 1000 kafka:collab-prod-eu-west-1-kafka:event-consumer:document-events kafka:collab-prod-eu-west-1-kafka:event-consumer:comments',
      ].join('\n'),
    );
  });

  it('scales up to ceil(backlog ÷ target) at once, summing the lag of every topic', async () => {
    scales = { 'task-worker': 2, 'event-consumer': 1 };
    const run = await pass({ [RABBIT]: 1234, [LAG('document-events')]: 4100, [LAG('comments')]: 950 }, NOW);
    expect(run.status).toBe(0);
    // 1,234 ÷ 100 → 13 pods; (4,100 + 950) ÷ 1,000 → 6 pods.
    expect(patched()).toEqual(['task-worker=13', 'event-consumer=6']);
    expect(run.output).toContain('task-worker: backlog 1234, 2 -> 13 pods (target 100 per pod)');
    expect(run.output).toContain('event-consumer: backlog 5050, 1 -> 6 pods (target 1000 per pod)');
    expect(refusedAuth).toBe(0);
    // One CloudWatch call per worker, each with one query per topic.
    const calls = readFileSync(join(state, 'aws-calls'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(calls.map((c) => (JSON.parse(c[c.indexOf('--metric-data-queries') + 1]) as unknown[]).length)).toEqual([1, 2]);
  });

  it('clamps to the range: never above max, never below min', async () => {
    scales = { 'task-worker': 5, 'event-consumer': 3 };
    await pass({ [RABBIT]: 1_000_000, [LAG('document-events')]: 0, [LAG('comments')]: 0 }, NOW);
    expect(patched()).toEqual(['task-worker=20']);
    // An empty topic wants 0 pods: once a stabilization window has passed since the scaler started
    // (it counts the pods it found as wanted), the count goes to min (1), not 0.
    await pass({ [RABBIT]: 1_000_000, [LAG('document-events')]: 0, [LAG('comments')]: 0 }, NOW + 301);
    expect(patched()).toEqual(['task-worker=20', 'event-consumer=1']);
  });

  it('leaves the count alone while the backlog per pod is within 10% of the target', async () => {
    scales = { 'task-worker': 10, 'event-consumer': 4 };
    // 1,090 on 10 pods is 9% above 100 per pod; 3,620 on 4 is 9.5% below 1,000.
    const within = await pass({ [RABBIT]: 1090, [LAG('document-events')]: 3620, [LAG('comments')]: 0 }, NOW);
    expect(patched()).toEqual([]);
    expect(within.output).toContain('task-worker: backlog 1090, 10 pods (target 100 per pod): no change');
    // 1,120 is 12% above: 12 pods.
    await pass({ [RABBIT]: 1120, [LAG('document-events')]: 3620, [LAG('comments')]: 0 }, NOW + 30);
    expect(patched()).toEqual(['task-worker=12']);
  });

  it('removes pods only to the highest count wanted within the 5-minute stabilization window', async () => {
    scales = { 'task-worker': 10, 'event-consumer': 1 };
    const lag = { [LAG('document-events')]: 500, [LAG('comments')]: 0 };
    // A scaler that has just started removes nothing for a window: it counts the 10 pods it found as wanted.
    await pass({ [RABBIT]: 800, ...lag }, NOW - 400);
    expect(patched()).toEqual([]);
    // At t: 800 → 8 wanted; at t+60: 300 → 3 wanted; at t+120: 500 → 5 wanted. Nothing below 8 within 5 minutes.
    await pass({ [RABBIT]: 800, ...lag }, NOW);
    expect(patched()).toEqual(['task-worker=8']);
    await pass({ [RABBIT]: 300, ...lag }, NOW + 60);
    await pass({ [RABBIT]: 500, ...lag }, NOW + 120);
    expect(patched()).toEqual(['task-worker=8']);
    // At t+301 the 8 of t has left the window: the highest of t+60..t+301 is 5.
    await pass({ [RABBIT]: 200, ...lag }, NOW + 301);
    expect(patched()).toEqual(['task-worker=8', 'task-worker=5']);
    // And a rise is followed at once, whatever the window holds.
    await pass({ [RABBIT]: 1500, ...lag }, NOW + 330);
    expect(patched()).toEqual(['task-worker=8', 'task-worker=5', 'task-worker=15']);
  });

  it('keeps the current count when a metric has no data or CloudWatch cannot be read: never zero for want of a reading', async () => {
    scales = { 'task-worker': 7, 'event-consumer': 4 };
    // No RabbitMQ datapoint at all; the Kafka lag of one of two topics missing (a rebalancing group emits none).
    const missing = await pass({ [LAG('document-events')]: 0 }, NOW);
    expect(missing.status).toBe(0);
    expect(patched()).toEqual([]);
    expect(missing.output).toContain('task-worker: no backlog reading for every topic; keeping 7 pods');
    expect(missing.output).toContain('event-consumer: no backlog reading for every topic; keeping 4 pods');
    const denied = await pass({ [RABBIT]: 0, [LAG('document-events')]: 0, [LAG('comments')]: 0 }, NOW + 400, { deny: true });
    expect(patched()).toEqual([]);
    expect(denied.output).toContain('AccessDenied');
    expect(scales).toEqual({ 'task-worker': 7, 'event-consumer': 4 });
  });

  it('goes on with the next worker when one Deployment cannot be read, and writes its heartbeat', async () => {
    scales = { 'event-consumer': 1 };
    const run = await pass({ [RABBIT]: 500, [LAG('document-events')]: 3000, [LAG('comments')]: 0 }, NOW);
    expect(run.status).toBe(0);
    expect(run.output).toMatch(/task-worker: scale not readable \(HTTP 404\)/);
    expect(patched()).toEqual(['event-consumer=3']);
    expect(existsSync(join(state, 'scaler', 'heartbeat'))).toBe(true);
  });
});
