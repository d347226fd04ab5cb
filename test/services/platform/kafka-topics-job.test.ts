/**
 * The kafka-topics Job's script, run by a real /bin/sh against a stand-in `aws` on PATH that
 * answers as MSK's topic API does through the AWS CLI (describe-topic, create-topic, update-topic,
 * with the CLI's `An error occurred (<Code>)` on stderr and exit 254). MSK creates and updates
 * topics asynchronously: a created or updated topic reads CREATING or UPDATING once, then ACTIVE.
 * Each case seeds what the cluster holds and checks what the Job then asks of it and how it ends.
 * Not checked (no MSK here): the signature, the IAM policy that admits it, MSK's real timing. The script's `/tmp` (an
 * emptyDir in the pod) is a temporary directory here, so parallel runs do not share files.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KAFKA_TOPICS_CLI_IMAGE, kafkaTopicsObjects } from '../../../services/platform/operations-jobs';
import { KafkaTopic } from '../../../services/platform/queue-topology';
import { fromTerraformLiteral } from '../../../synthesis/terraform-literal';
import { synthesizeExamples } from '../../helpers/examples';

const CLUSTER = 'arn:aws:kafka:us-east-1:123456789012:cluster/acme/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e-2';

/**
 * MSK as the CLI shows it: a topic is a file `<partitions> <replicas>`, and a `<topic>.status` file
 * holds CREATING or UPDATING until the next describe of its status; every call is logged.
 */
const FAKE_AWS = `#!/bin/sh
echo "$*" >> "$STATE/calls"
[ "$1" = kafka ] || { echo "unexpected service $1" >&2; exit 2; }
op=$2; shift 2
region=; arn=; t=; p=; r=; q=
while [ $# -gt 0 ]; do
  case "$1" in
    --region) region=$2; shift 2;; --cluster-arn) arn=$2; shift 2;; --topic-name) t=$2; shift 2;;
    --partition-count) p=$2; shift 2;; --replication-factor) r=$2; shift 2;; --query) q=$2; shift 2;; *) shift;;
  esac
done
[ "$region" = us-east-1 ] && [ "$arn" = "$EXPECTED_ARN" ] || { echo "wrong region or cluster: $region $arn" >&2; exit 2; }
err() { echo "An error occurred ($1) when calling the $2 operation: $3" >&2; exit 254; }
[ ! -f "$STATE/deny" ] || err ForbiddenException DescribeTopic "not authorized"
case "$op" in
  describe-topic) [ -f "$STATE/topics/$t" ] || err NotFoundException DescribeTopic "topic $t not found"
    partitions=$(cut -d' ' -f1 "$STATE/topics/$t")
    case "$q" in
      PartitionCount) echo "$partitions";;
      "[Status, PartitionCount]") status=ACTIVE; [ ! -f "$STATE/$t.status" ] || { status=$(cat "$STATE/$t.status"); rm "$STATE/$t.status"; }
        printf '%s\t%s\n' "$status" "$partitions";;
      *) echo "unexpected query $q" >&2; exit 2;;
    esac;;
  create-topic) [ ! -f "$STATE/topics/$t" ] || err TopicExistsException CreateTopic "topic $t exists"; echo "$p $r" > "$STATE/topics/$t"; echo CREATING > "$STATE/$t.status"; echo CREATING;;
  update-topic) [ -f "$STATE/topics/$t" ] || err NotFoundException UpdateTopic "topic $t not found"; echo "$p $(cut -d' ' -f2 "$STATE/topics/$t")" > "$STATE/topics/$t"; echo UPDATING > "$STATE/$t.status"; echo UPDATING;;
  *) echo "unexpected operation $op" >&2; exit 2;;
esac
`;

const TOPICS: KafkaTopic[] = [
  { name: 'messages', partitions: 12, replicationFactor: 3 },
  { name: 'messages.dlq', partitions: 3, replicationFactor: 3 },
];

interface Run {
  readonly status: number;
  readonly output: string;
  /** The cluster's topics afterwards: name → "<partitions> <replicas>". */
  readonly topics: Record<string, string>;
  /** The operations the Job called, in order. */
  readonly operations: string[];
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kafka-topics-job-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Runs the Job's container command with its env, against a cluster seeded with `existing`. */
function runJob(existing: Record<string, string>, options: { deny?: boolean } = {}): Run {
  const [, job] = kafkaTopicsObjects({ region: 'us-east-1', clusterArn: CLUSTER, topics: TOPICS });
  const container = (job.spec as { template: { spec: { containers: Array<{ command: string[]; env: Array<{ name: string; value: string }> }> } } }).template
    .spec.containers[0];
  const bin = join(root, 'bin');
  const state = join(root, 'state');
  const podTmp = join(root, 'tmp');
  for (const dir of [bin, join(state, 'topics'), podTmp]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(bin, 'aws'), FAKE_AWS);
  chmodSync(join(bin, 'aws'), 0o755);
  for (const [name, value] of Object.entries(existing)) writeFileSync(join(state, 'topics', name), `${value}\n`);
  if (options.deny) writeFileSync(join(state, 'deny'), '');
  const [shell, flag, literal] = container.command;
  const script = fromTerraformLiteral(literal).replaceAll('/tmp/', `${podTmp}/`);
  const env = {
    ...Object.fromEntries(container.env.map((e) => [e.name, e.value])),
    PATH: `${bin}:/usr/bin:/bin`,
    STATE: state,
    EXPECTED_ARN: CLUSTER,
    KAFKA_TOPICS_POLL_SECONDS: '0',
  };
  let status = 0;
  let output: string;
  try {
    output = execFileSync(shell, [flag, script], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    status = failed.status;
    output = `${failed.stdout}${failed.stderr}`;
  }
  const topics = Object.fromEntries(readdirSync(join(state, 'topics')).map((t) => [t, readFileSync(join(state, 'topics', t), 'utf8').trim()]));
  const calls = existsSync(join(state, 'calls')) ? readFileSync(join(state, 'calls'), 'utf8').trim().split('\n') : [];
  return { status, output, topics, operations: calls.map((c) => c.split(' ').slice(0, 2).join(' ')) };
}

describe('the kafka-topics Job', () => {
  it('runs the AWS CLI image that has the MSK topic commands (2.33.19 and later), not curl', () => {
    const [, job] = kafkaTopicsObjects({ region: 'us-east-1', clusterArn: CLUSTER, topics: TOPICS });
    const text = JSON.stringify(job);
    const version = /aws-cli:(\d+)\.(\d+)\.(\d+)$/.exec(KAFKA_TOPICS_CLI_IMAGE)!.slice(1).map(Number);
    expect(version[0] * 1e6 + version[1] * 1e3 + version[2]).toBeGreaterThanOrEqual(2 * 1e6 + 33 * 1e3 + 19);
    expect(text).toContain(`"image":"${KAFKA_TOPICS_CLI_IMAGE}"`);
    expect(text).not.toContain('curl');
  });

  it('creates every missing topic with its partitions and replicas', () => {
    const run = runJob({});
    expect(run.status).toBe(0);
    expect(run.topics).toEqual({ messages: '12 3', 'messages.dlq': '3 3' });
    expect(run.output).toContain('messages: created, 12 partitions, 3 replicas');
  });

  it('ends only once every topic it created or raised is ACTIVE with its partitions', () => {
    const run = runJob({ 'messages.dlq': '1 3' });
    expect(run.status).toBe(0);
    // Each topic: read, create or raise; then its status until ACTIVE (once CREATING or UPDATING, as the stand-in answers).
    expect(run.operations).toEqual([
      'kafka describe-topic',
      'kafka create-topic',
      'kafka describe-topic',
      'kafka update-topic',
      'kafka describe-topic',
      'kafka describe-topic',
      'kafka describe-topic',
      'kafka describe-topic',
    ]);
    expect(run.output).toContain('messages: not active yet (CREATING\t12)');
    expect(run.output).toContain('messages.dlq: not active yet (UPDATING\t3)');
    const lines = run.output.trim().split('\n');
    expect(lines.slice(lines.indexOf('messages: active'))).toEqual(['messages: active', 'messages.dlq: not active yet (UPDATING\t3)', 'messages.dlq: active']);
  });

  it('raises too few partitions, never lowers them, and leaves replicas as they are', () => {
    const run = runJob({ messages: '6 2', 'messages.dlq': '9 3' });
    expect(run.status).toBe(0);
    expect(run.topics).toEqual({ messages: '12 2', 'messages.dlq': '9 3' });
    expect(run.operations.slice(0, 3)).toEqual(['kafka describe-topic', 'kafka update-topic', 'kafka describe-topic']);
    expect(run.output).toContain('messages: 6 -> 12 partitions');
    expect(run.output).toContain('messages.dlq: exists, 9 partitions');
  });

  it('fails, saying why, when MSK refuses the call', () => {
    const run = runJob({}, { deny: true });
    expect(run.status).toBe(1);
    expect(run.output).toContain('An error occurred (ForbiddenException) when calling the DescribeTopic operation: not authorized');
    expect(run.output).toContain('messages not readable');
    expect(run.topics).toEqual({});
  });
});

describe("the kafka-topics Job's role", () => {
  it('may call UpdateTopic on the topics: AlterTopic and AlterTopicDynamicConfiguration with Connect and DescribeTopic', () => {
    const examples = synthesizeExamples();
    const policy = examples.stack('acme-massive-us-east-1').resource?.aws_iam_role_policy?.['kafka-topics-create'] as Record<string, unknown>;
    const statements = JSON.parse(String(policy.policy)).Statement as Array<{ Action: string[]; Resource: string | string[] }>;
    const topicActions = statements.find((s) => [s.Resource].flat().some((r) => r.includes(':topic/')))!.Action;
    const clusterActions = statements.flatMap((s) => s.Action);
    expect(clusterActions).toContain('kafka-cluster:Connect');
    expect(topicActions).toEqual(
      expect.arrayContaining([
        'kafka-cluster:CreateTopic',
        'kafka-cluster:DescribeTopic',
        'kafka-cluster:AlterTopic',
        'kafka-cluster:AlterTopicDynamicConfiguration',
      ]),
    );
  });
});
