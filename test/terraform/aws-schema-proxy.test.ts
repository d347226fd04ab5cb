/**
 * The schema proxy in front of the shared AWS provider (terraform/aws-schema-proxy.ts) changes the
 * schema terraform decodes, never what it checks or plans: terraform sees only the types the root
 * names, and a root naming types the provider lacks fails with terraform's own errors, word for word
 * as with the whole schema. Two cases of the offline check go through the proxy (its default) and
 * are checked elsewhere, where their terraform runs are made anyway: offline.test.ts's fx-app plans
 * to the same `terraform show -json` through the proxy as with providers of its own, and
 * aws-reattach.test.ts's provider that crashes behind the proxy fails its stack clearly and leaves
 * no process behind.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { awsProviderBinary, startAwsProvider } from '../../terraform/aws-provider';
import { startAwsSchemaProxy } from '../../terraform/aws-schema-proxy';
import {
  AWS_PROVIDER_VERSION,
  checkStacksOffline,
  findProviderMirror,
  findTerraform,
  offlineCliConfig,
  rootModuleTypes,
  terraformEnv,
} from '../../terraform/offline';
import { StackJson } from '../../synthesis/stack-views';
import { requireTerraform } from '../helpers/terraform';

const describeWithTerraform = requireTerraform('the AWS schema proxy (the schema terraform sees through it, and its errors for unknown types)');
const TIMEOUT_MS = 20 * 60 * 1000;

/** fx-proxied: one AWS configuration, a data source computed locally and three resources. fx-unknown-types: resource types the provider lacks (added to its JSON below). */
function synthesizeFixture(outdir: string): void {
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, 'fx-proxied');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1', defaultTags: [{ tags: { 'stagecraft:region': 'eu-west-1' } }] });
  new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
  const bucket = new S3Bucket(stack, 'bucket', { bucket: 'stagecraft-fixture-proxied' });
  const policy = new DataAwsIamPolicyDocument(stack, 'tls-only', {
    statement: [
      {
        effect: 'Deny',
        actions: ['s3:*'],
        resources: [bucket.arn, `${bucket.arn}/*`],
        principals: [{ type: '*', identifiers: ['*'] }],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ],
  });
  new S3BucketPolicy(stack, 'bucket-policy', { bucket: bucket.id, policy: policy.json });

  const unknown = new TerraformStack(app, 'fx-unknown-types');
  new AwsProvider(unknown, 'aws', { region: 'eu-west-1' });
  new Vpc(unknown, 'vpc', { cidrBlock: '10.1.0.0/16' });
  app.synth();
  // A misspelt type (terraform suggests aws_s3_bucket) and a data-source-only type as a resource (terraform says so).
  const file = path.join(outdir, 'stacks', 'fx-unknown-types', 'cdk.tf.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { resource: Record<string, unknown> };
  json.resource.aws_s3_bukcet = { misspelt: { bucket: 'stagecraft-fixture-misspelt' } };
  json.resource.aws_caller_identity = { me: {} };
  fs.writeFileSync(file, JSON.stringify(json, null, 2));
}

let workDir: string;
let outdir: string;
const stack = (name: string): StackJson => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-schema-proxy-test-'));
  outdir = path.join(workDir, 'cdktf.out');
  synthesizeFixture(outdir);
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

describeWithTerraform('the AWS schema proxy', () => {
  it(
    'shows terraform the schemas of the types the root names, and only those',
    async () => {
      const mirror = findProviderMirror() as string;
      const dir = path.join(workDir, 'schema-root');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'terraform.rc'), offlineCliConfig(mirror));
      fs.copyFileSync(path.join(outdir, 'stacks', 'fx-proxied', 'cdk.tf.json'), path.join(dir, 'main.tf.json'));
      const env = terraformEnv(path.join(dir, 'terraform.rc'));
      const terraform = (args: string[], extra: Record<string, string> = {}) =>
        new Promise<string>((resolve, reject) =>
          execFile(findTerraform() as string, args, { cwd: dir, env: { ...env, ...extra }, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) =>
            error ? reject(new Error(`terraform ${args[0]}: ${stderr}`)) : resolve(stdout),
          ),
        );
      // The S3 backend of a cdktf stack needs no credentials to init without one: use local state.
      fs.writeFileSync(path.join(dir, 'backend_override.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: 'terraform.tfstate' } } } }));
      await terraform(['init', '-input=false', '-no-color']);
      const provider = await startAwsProvider(awsProviderBinary(mirror, AWS_PROVIDER_VERSION) as string, env);
      const proxy = startAwsSchemaProxy(async () => provider);
      try {
        const attachment = await proxy.attach(rootModuleTypes(stack('fx-proxied')) as NonNullable<ReturnType<typeof rootModuleTypes>>);
        const schemas = JSON.parse(await terraform(['providers', 'schema', '-json'], { TF_REATTACH_PROVIDERS: JSON.stringify(attachment.reattach) })) as {
          provider_schemas: Record<string, { resource_schemas?: object; data_source_schemas?: object; ephemeral_resource_schemas?: object; provider: object }>;
        };
        const aws = schemas.provider_schemas['registry.terraform.io/hashicorp/aws'];
        expect([
          Object.keys(aws.resource_schemas ?? {}).sort(),
          Object.keys(aws.data_source_schemas ?? {}).sort(),
          aws.ephemeral_resource_schemas ?? {},
        ]).toEqual([
          ['aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_vpc'].sort(),
          ['aws_iam_policy_document', 'aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_vpc'].sort(),
          {},
        ]);
        expect(aws.provider).toHaveProperty('block.attributes.region');
      } finally {
        await proxy.close();
        await provider.close();
      }
    },
    TIMEOUT_MS,
  );

  it(
    "fails a root naming types the provider lacks with terraform's own errors, as with the whole schema",
    async () => {
      const run = (trimAwsSchema: boolean) => checkStacksOffline(outdir, { stacks: ['fx-unknown-types'], trimAwsSchema });
      const [proxied] = await run(true);
      const [direct] = await run(false);
      expect([proxied.status, proxied.reason]).toEqual(['failed', 'terraform validate found 2 errors']);
      // terraform validates resources concurrently: the order of its diagnostics varies from run to run.
      const sorted = (validate: typeof proxied.validate) => ({ ...validate, diagnostics: [...validate.diagnostics].sort() });
      expect(sorted(proxied.validate)).toEqual(sorted(direct.validate));
      expect(sorted(proxied.validate).diagnostics).toEqual([
        expect.stringMatching(
          /^Error: Invalid resource type: The provider hashicorp\/aws does not support resource type "aws_caller_identity"\. Did you intend to use the data source "aws_caller_identity"\? If so, declare this using a "data" block instead of a "resource" block\. \(.*\)$/,
        ),
        expect.stringMatching(
          /^Error: Invalid resource type: The provider hashicorp\/aws does not support resource type "aws_s3_bukcet"\. Did you mean "aws_s3_bucket"\? \(.*\)$/,
        ),
      ]);
    },
    TIMEOUT_MS,
  );
});
