/** Stub state for cross-stack references: which outputs are stubbed, and with values of which type. */
import { parseHumanDiagnostics, summarizePlan } from '../../terraform/offline';
import { unservedProviderReason } from '../../terraform/standin/offline-attach';
import { planRemoteStateStubs, schemaLookup, stubsNeedSchema, stubStateFile } from '../../terraform/stub-state';
import { StackJson } from '../../synthesis/stack-views';

const upstream: StackJson = {
  terraform: {
    backend: { s3: { bucket: 'state', key: 'net.tfstate', region: 'us-east-1' } },
    required_providers: { aws: { source: 'aws', version: '5.100.0' } },
  },
  output: {
    'cross-stack-output-aws_vpcvpcid': { value: '${aws_vpc.vpc.id}', sensitive: true },
    'cross-stack-output-aws_vpcvpccidr_block': { value: '${aws_vpc.vpc.cidr_block}', sensitive: true },
    'cross-stack-output-aws_db_subnet_groupsgsubnet_ids': { value: '${aws_db_subnet_group.sg.subnet_ids}', sensitive: true },
    'cross-stack-output-aws_db_instancedbport': { value: '${aws_db_instance.db.port}', sensitive: true },
    'cross-stack-output-aws_eks_clustereksvpc_config0security_group_ids': { value: '${aws_eks_cluster.eks.vpc_config[0].security_group_ids}', sensitive: true },
    'cross-stack-output-aws_iam_rolenodesarn': { value: '${aws_iam_role.nodes.arn}', sensitive: true },
    zones: { value: ['a', 'b'] },
    joined: { value: '${[aws_subnet.a.id, aws_subnet.b.id]}' },
    unread: { value: '${aws_vpc.vpc.arn}' },
  },
};

const ref = (name: string): string => `\${data.terraform_remote_state.cross-stack-reference-input-fx-network.outputs.${name}}`;

const consumer: StackJson = {
  data: {
    terraform_remote_state: {
      'cross-stack-reference-input-fx-network': { backend: 's3', config: { bucket: 'state', key: 'net.tfstate', region: 'us-east-1' } },
    },
  },
  resource: {
    aws_security_group: {
      app: {
        vpc_id: ref('cross-stack-output-aws_vpcvpcid'),
        ingress: [{ cidr_blocks: [ref('cross-stack-output-aws_vpcvpccidr_block')], from_port: ref('cross-stack-output-aws_db_instancedbport') }],
      },
    },
    aws_db_subnet_group: { copy: { subnet_ids: `\${tolist(${ref('cross-stack-output-aws_db_subnet_groupsgsubnet_ids').slice(2, -1)})}` } },
    aws_instance: {
      web: {
        vpc_security_group_ids: ref('cross-stack-output-aws_eks_clustereksvpc_config0security_group_ids'),
        iam_instance_profile: ref('cross-stack-output-aws_iam_rolenodesarn'),
        availability_zone: `\${element(${ref('zones').slice(2, -1)}, 0)}`,
        tags: { joined: `\${join(",", ${ref('joined').slice(2, -1)})}`, missing: ref('not-declared-upstream') },
      },
    },
  },
};

/** A cut-down `terraform providers schema -json`, in its real shape. */
const schema = {
  format_version: '1.0',
  provider_schemas: {
    'registry.terraform.io/hashicorp/aws': {
      resource_schemas: {
        aws_vpc: { block: { attributes: { id: { type: 'string' }, cidr_block: { type: 'string' }, arn: { type: 'string' } } } },
        aws_db_subnet_group: { block: { attributes: { subnet_ids: { type: ['set', 'string'] } } } },
        aws_db_instance: { block: { attributes: { port: { type: 'number' } } } },
        aws_iam_role: { block: { attributes: { arn: { type: 'string' } } } },
        aws_eks_cluster: {
          block: {
            block_types: {
              vpc_config: { nesting_mode: 'list', block: { attributes: { security_group_ids: { type: ['set', 'string'] } } } },
            },
          },
        },
      },
    },
  },
};

describe('remote state stubs', () => {
  const stacks = new Map<string, StackJson>([
    ['fx-network', upstream],
    ['fx-app', consumer],
  ]);

  it('stubs exactly the outputs the consumer reads and the upstream declares', () => {
    const [stub] = planRemoteStateStubs(consumer, stacks);
    expect(stub.upstream).toBe('fx-network');
    expect(stub.outputs.map((o) => o.name)).toEqual([
      'cross-stack-output-aws_db_instancedbport',
      'cross-stack-output-aws_db_subnet_groupsgsubnet_ids',
      'cross-stack-output-aws_eks_clustereksvpc_config0security_group_ids',
      'cross-stack-output-aws_iam_rolenodesarn',
      'cross-stack-output-aws_vpcvpccidr_block',
      'cross-stack-output-aws_vpcvpcid',
      'joined',
      'zones',
    ]);
    expect(stubsNeedSchema([stub])).toBe(true);
  });

  it("finds the upstream by backend configuration when the name is not cdktf's", () => {
    const sources = (consumer.data as { terraform_remote_state: Record<string, Record<string, unknown>> }).terraform_remote_state;
    const renamed: StackJson = { ...consumer, data: { terraform_remote_state: { network: sources['cross-stack-reference-input-fx-network'] } } };
    expect(planRemoteStateStubs(renamed, stacks)[0].upstream).toBe('fx-network');
  });

  it('gives each output a value of its schema type in a version 4 state', () => {
    const [stub] = planRemoteStateStubs(consumer, stacks);
    const state = stubStateFile(stub, schemaLookup(schema)) as {
      version: number;
      outputs: Record<string, { value: unknown; type: unknown; sensitive?: boolean }>;
    };
    expect(state.version).toBe(4);
    expect(state.outputs).toEqual({
      'cross-stack-output-aws_db_instancedbport': { value: 5432, type: 'number', sensitive: true },
      'cross-stack-output-aws_db_subnet_groupsgsubnet_ids': {
        value: ['stub-cross-stack-output-aws_db_subnet_groupsgsubnet_ids-0', 'stub-cross-stack-output-aws_db_subnet_groupsgsubnet_ids-1'],
        type: ['set', 'string'],
        sensitive: true,
      },
      'cross-stack-output-aws_eks_clustereksvpc_config0security_group_ids': {
        value: [
          'stub-cross-stack-output-aws_eks_clustereksvpc_config0security_group_ids-0',
          'stub-cross-stack-output-aws_eks_clustereksvpc_config0security_group_ids-1',
        ],
        type: ['set', 'string'],
        sensitive: true,
      },
      'cross-stack-output-aws_iam_rolenodesarn': {
        value: 'arn:aws:iam::123456789012:role/stub-cross-stack-output-aws_iam_rolenodesarn',
        type: 'string',
        sensitive: true,
      },
      'cross-stack-output-aws_vpcvpccidr_block': { value: '10.0.0.0/16', type: 'string', sensitive: true },
      'cross-stack-output-aws_vpcvpcid': { value: 'stub-cross-stack-output-aws_vpcvpcid', type: 'string', sensitive: true },
      joined: { value: ['stub-joined-0', 'stub-joined-1'], type: ['list', 'string'] },
      zones: { value: ['stub-zones-0', 'stub-zones-1'], type: ['list', 'string'] },
    });
  });

  it('falls back to the attribute name without a schema', () => {
    const [stub] = planRemoteStateStubs(consumer, stacks);
    const outputs = (stubStateFile(stub, undefined) as { outputs: Record<string, { type: unknown }> }).outputs;
    expect(outputs['cross-stack-output-aws_db_subnet_groupsgsubnet_ids'].type).toEqual(['list', 'string']);
    expect(outputs['cross-stack-output-aws_db_instancedbport'].type).toBe('number');
    expect(outputs['cross-stack-output-aws_vpcvpcid'].type).toBe('string');
  });

  it('needs no schema when every reference is to an id', () => {
    const idsOnly: StackJson = { ...consumer, resource: { aws_security_group: { app: { vpc_id: ref('cross-stack-output-aws_vpcvpcid') } } } };
    expect(stubsNeedSchema(planRemoteStateStubs(idsOnly, stacks))).toBe(false);
  });
});

describe('offline check helpers', () => {
  it('names the provider a stack needs that nothing offline serves', () => {
    expect(unservedProviderReason(upstream)).toBeUndefined();
    expect(unservedProviderReason({ terraform: { required_providers: { aws: { source: 'aws' }, kubernetes: { source: 'kubernetes' } } } })).toBeUndefined();
    expect(unservedProviderReason({ terraform: { required_providers: { aws: { source: 'aws' }, random: { source: 'hashicorp/random' } } } })).toEqual({
      type: 'random',
      message: 'cannot be checked offline: no offline provider for random (the mirror holds hashicorp/aws; the stand-in serves cloudflare, kubernetes)',
    });
    expect(unservedProviderReason({ output: {} })?.type).toBe('terraform.required_providers');
  });

  it('counts plan actions as terraform does, a replacement as one add and one destroy', () => {
    const change = (actions: string[], mode = 'managed') => ({ mode, change: { actions } });
    expect(
      summarizePlan({
        resource_changes: [change(['create']), change(['update']), change(['delete', 'create']), change(['no-op']), change(['read'], 'data')],
      }),
    ).toEqual({ add: 2, change: 1, destroy: 1, resourceCount: 4 });
  });

  it("turns terraform's human error output into one line per diagnostic", () => {
    const stderr = [
      '',
      'Error: Invalid value for cidr_block',
      '',
      '  with aws_vpc.vpc,',
      '  on cdk.tf.json line 46, in resource.aws_vpc.vpc:',
      '  46:         "cidr_block": "nope"',
      '',
      'The value "nope" is not a CIDR block; expected',
      'a value like 10.0.0.0/16.',
      '',
      'Warning: Argument is deprecated',
      '',
      'Use something else.',
      '',
    ].join('\n');
    expect(parseHumanDiagnostics(stderr)).toEqual([
      'Error: Invalid value for cidr_block: The value "nope" is not a CIDR block; expected a value like 10.0.0.0/16. (aws_vpc.vpc, cdk.tf.json line 46)',
      'Warning: Argument is deprecated: Use something else.',
    ]);
  });
});
