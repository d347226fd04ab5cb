/**
 * The hyperscale stage's `kafka-topics` Job script, as synthesized, run by /bin/sh against a stub
 * of MSK's topic API: Debian has no Kafka broker, and the Job does not speak Kafka's protocol anyway
 * (it calls MSK's control-plane API, CreateTopic, DescribeTopic, UpdateTopic). A stub `curl` records
 * every request (method, URL, body, signing, credentials) and answers as MSK documents it: 404 for
 * a missing topic, CREATING then ACTIVE after a create, the topic's partition count; a stub `aws`
 * exports Pod Identity credentials. Checked: the requests the script builds, that it creates what is
 * missing, raises too few partitions and never lowers them, fails on a refusal, and ends only once
 * every topic is ACTIVE. Not checked (no MSK here): the SigV4 signature itself, the IAM policy that
 * admits it, and MSK's real timing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KAFKA_TOPICS_ENV, KAFKA_TOPICS_JOB } from '../../../services/platform/operations-jobs';
import { manifestsOf } from '../../../synthesis/kubernetes-objects';
import { readSynthesis } from '../../../synthesis/read';
import { stackViews } from '../../../synthesis/stack-views';
import { fromTerraformLiteral } from '../../../synthesis/terraform-literal';
import { synthesizeExamples } from '../../helpers/examples';

const CLUSTER = 'arn:aws:kafka:us-east-1:111122223333:cluster/acme-hyperscale-kafka/0a1b2c3d-4e5f-6789-abcd-ef0123456789-2';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret/Example+Key', AWS_SESSION_TOKEN: 'token-from-pod-identity' };

interface Request {
  method: string;
  url: string;
  body?: string;
  sigv4?: string;
  user?: string;
  headers: string[];
}

/** The stub curl: parses the arguments the script passes, records the request, answers from the topics in `state.json`. */
const STUB_CURL = `
const fs = require('node:fs'); const path = require('node:path');
const dir = process.env.STUB_DIR; const args = process.argv.slice(2);
const req = { method: 'GET', headers: [] }; let out; let format;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '-o') out = args[++i]; else if (a === '-w') format = args[++i]; else if (a === '-X') req.method = args[++i];
  else if (a === '-d') { req.body = args[++i]; if (req.method === 'GET') req.method = 'POST'; }
  else if (a === '--aws-sigv4') req.sigv4 = args[++i]; else if (a === '--user') req.user = args[++i]; else if (a === '-H') req.headers.push(args[++i]);
  else if (a === '-sS') continue; else req.url = a;
}
fs.appendFileSync(path.join(dir, 'requests.jsonl'), JSON.stringify(req) + '\\n');
const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
const base = 'https://kafka.us-east-1.amazonaws.com/v1/clusters/' + encodeURIComponent(process.env.STUB_CLUSTER) + '/topics';
let code = 404; let body = { message: 'not found' };
if (state.refuse) { code = 403; body = { message: 'User is not authorized' }; }
else if (req.url === base && req.method === 'POST') {
  const t = JSON.parse(req.body); state.topics[t.topicName] = { partitionCount: t.partitionCount, replicationFactor: t.replicationFactor, status: 'CREATING' };
  code = 200; body = { topicName: t.topicName, status: 'CREATING' };
} else if (req.url.startsWith(base + '/')) {
  const name = req.url.slice(base.length + 1); const topic = state.topics[name];
  if (topic && req.method === 'PUT') { topic.partitionCount = JSON.parse(req.body).partitionCount; topic.status = 'UPDATING'; code = 200; body = { status: 'UPDATING' }; }
  else if (topic) { code = 200; body = { topicName: name, ...topic }; if (topic.status !== 'ACTIVE') topic.status = 'ACTIVE'; }
}
fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify(state));
if (out) fs.writeFileSync(out, JSON.stringify(body)); else process.stdout.write(JSON.stringify(body));
if (format) process.stdout.write(format.replace('%{http_code}', String(code)));
`;

describe('the kafka-topics Job script against a stub of MSK’s topic API', () => {
  let dir: string;
  let script: string;
  let env: Record<string, string>;
  /** `<name> <partitions> <replicas>` lines, as the Job lists them. */
  let topics: Array<{ name: string; partitions: number; replicas: number }>;

  beforeAll(() => {
    const examples = synthesizeExamples();
    const views = stackViews(readSynthesis(examples.outdir, { command: 'test', flag: '--from', given: examples.outdir }));
    const job = manifestsOf(
      views.find((v) => v.name === 'acme-hyperscale-us-east-1-apps'),
      'Job',
    ).find((m) => m.name.startsWith(`${KAFKA_TOPICS_JOB}-`));
    if (!job) throw new Error('acme-hyperscale-us-east-1-apps has no kafka-topics Job');
    const [container] = (
      job.manifest as { spec: { template: { spec: { containers: Array<{ command: string[]; env: Array<{ name: string; value: string }> }> } } } }
    ).spec.template.spec.containers;
    script = fromTerraformLiteral(container.command[2]);
    env = Object.fromEntries(container.env.map((e) => [e.name, fromTerraformLiteral(e.value)]));
    topics = env[KAFKA_TOPICS_ENV].split('\n').map((line) => {
      const [name, partitions, replicas] = line.split(' ');
      return { name, partitions: Number(partitions), replicas: Number(replicas) };
    });
    dir = mkdtempSync(join(tmpdir(), 'stagecraft-kafka-topics-'));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'curl'), `#!${process.execPath}\n${STUB_CURL}`, { mode: 0o755 });
    const exports = Object.entries(CREDENTIALS).map(([k, v]) => `export ${k}=${v}`);
    writeFileSync(
      join(dir, 'bin', 'aws'),
      `#!/bin/sh\n[ "$*" = "configure export-credentials --format env" ] || exit 2\nprintf '%s\\n' ${exports.map((e) => `'${e}'`).join(' ')}\n`,
      {
        mode: 0o755,
      },
    );
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the script against `existing` topics; returns its outcome, the requests it made and the topics after. */
  const run = (existing: Record<string, { partitionCount: number; replicationFactor: number }>, refuse = false) => {
    const state = { refuse, topics: Object.fromEntries(Object.entries(existing).map(([name, t]) => [name, { ...t, status: 'ACTIVE' }])) };
    writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
    writeFileSync(join(dir, 'requests.jsonl'), '');
    let ok = true;
    let output: string;
    try {
      output = execFileSync('/bin/sh', ['-c', script], {
        env: {
          PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
          ...env,
          KAFKA_CLUSTER_ARN: CLUSTER,
          HOME: dir,
          STUB_DIR: dir,
          STUB_CLUSTER: CLUSTER,
          KAFKA_TOPICS_POLL_SECONDS: '0',
        },
        cwd: dir,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      ok = false;
      const e = error as { stdout?: string; stderr?: string };
      output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
    const requests = readFileSync(join(dir, 'requests.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Request);
    const after = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as {
      topics: Record<string, { partitionCount: number; replicationFactor: number; status: string }>;
    };
    return { ok, output, requests, topics: after.topics };
  };

  it('creates every topic on an empty cluster with its partitions and replicas, signed as kafka with the pod’s credentials, and ends once all are ACTIVE', () => {
    expect(topics.length).toBeGreaterThan(0);
    const result = run({});
    expect(result).toMatchObject({ ok: true });
    const base = `https://kafka.us-east-1.amazonaws.com/v1/clusters/${encodeURIComponent(CLUSTER)}/topics`;
    const creates = result.requests.filter((r) => r.method === 'POST');
    expect(creates.map((r) => [r.url, JSON.parse(r.body!)])).toEqual(
      topics.map((t) => [base, { topicName: t.name, partitionCount: t.partitions, replicationFactor: t.replicas }]),
    );
    for (const r of result.requests) {
      expect(r.sigv4).toBe('aws:amz:us-east-1:kafka');
      expect(r.user).toBe(`${CREDENTIALS.AWS_ACCESS_KEY_ID}:${CREDENTIALS.AWS_SECRET_ACCESS_KEY}`);
      expect(r.headers).toContain(`x-amz-security-token: ${CREDENTIALS.AWS_SESSION_TOKEN}`);
    }
    expect(Object.values(result.topics).every((t) => t.status === 'ACTIVE')).toBe(true);
    // It waited: after the creates, each topic was read again until ACTIVE.
    const lastCreate = result.requests.lastIndexOf(creates[creates.length - 1]);
    expect(result.requests.slice(lastCreate + 1).filter((r) => r.method === 'GET')).toHaveLength(topics.length * 2);
    for (const t of topics) expect(result.output).toContain(`${t.name}: active`);
  });

  it('raises too few partitions, never lowers them, and leaves a topic that is right alone', () => {
    const [few, many, right] = topics;
    const result = run({
      [few.name]: { partitionCount: 1, replicationFactor: few.replicas },
      [many.name]: { partitionCount: many.partitions + 6, replicationFactor: many.replicas },
      [right.name]: { partitionCount: right.partitions, replicationFactor: right.replicas },
    });
    expect(result).toMatchObject({ ok: true });
    const puts = result.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => [r.url.split('/').pop(), JSON.parse(r.body!)])).toEqual([[few.name, { partitionCount: few.partitions }]]);
    expect(result.topics[many.name].partitionCount).toBe(many.partitions + 6);
    expect(result.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body!).topicName)).toEqual(topics.slice(3).map((t) => t.name));
  });

  it('fails, naming the topic and the status, when MSK refuses: the Job fails and so does the apply that waits for it', () => {
    const result = run({}, true);
    expect(result.ok).toBe(false);
    expect(result.output).toContain(`${topics[0].name} not readable: HTTP 403`);
  });
});
