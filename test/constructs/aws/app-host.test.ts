import { AMAZON_LINUX_2023_SSM, AppHost, AppHostProps, BACKUP_TAG, defaultCloudInit } from '../../../constructs/aws/app-host';
import { keyArnOf, logicalName, NAME_PREFIX, synthWithFoundation } from '../../helpers/foundation';
import { resourcesOfType, SynthesizedStack } from '../../helpers/synth';

type Overrides = Partial<Omit<AppHostProps, 'network' | 'encryptionKey' | 'alarms'>>;

const PREFIX_LIST = 'pl-cloudflare';
const HOST_NAME = `${NAME_PREFIX}-host-0`;

function host(overrides: Overrides = {}): SynthesizedStack {
  return synthWithFoundation((scope, foundation) => {
    new AppHost(scope, 'host', {
      ...foundation,
      namePrefix: NAME_PREFIX,
      index: 0,
      region: 'us-east-1',
      instanceType: 't3.large',
      rootVolumeGiB: 30,
      webIngressPrefixListId: PREFIX_LIST,
      ...overrides,
    });
  });
}

function only(stack: SynthesizedStack, type: string): Record<string, unknown> {
  const resources = resourcesOfType(stack, type);
  expect(resources).toHaveLength(1);
  return resources[0];
}

function instanceRef(stack: SynthesizedStack, attribute: string): string {
  return `\${aws_instance.${Object.keys(stack.resources.aws_instance)[0]}.${attribute}}`;
}

function alarmNamed(stack: SynthesizedStack, name: string): Record<string, unknown> {
  return stack.resources.aws_cloudwatch_metric_alarm[logicalName(stack, 'aws_cloudwatch_metric_alarm', 'alarm_name', name)];
}

describe('AppHost', () => {
  it("launches from a template that requires IMDSv2, answering the host's containers (two hops) and no further", () => {
    const template = only(host(), 'aws_launch_template');
    expect(template.metadata_options).toEqual({
      http_tokens: 'required',
      http_put_response_hop_limit: 2,
      http_endpoint: 'enabled',
      instance_metadata_tags: 'enabled',
    });
    expect(template).toMatchObject({ name: HOST_NAME, instance_type: 't3.large', update_default_version: true, monitoring: { enabled: true } });
  });

  it('resolves Amazon Linux 2023 through SSM at launch, without an AMI data source', () => {
    const stack = host();
    expect(only(stack, 'aws_launch_template').image_id).toBe('resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
    expect(AMAZON_LINUX_2023_SSM.startsWith('resolve:ssm:')).toBe(true);
    expect(JSON.parse(stack.json).data?.aws_ami).toBeUndefined();
  });

  it('encrypts a gp3 root volume with the key', () => {
    const stack = host({ rootVolumeGiB: 40 });
    expect(only(stack, 'aws_launch_template').block_device_mappings).toEqual([
      {
        device_name: '/dev/xvda',
        ebs: { volume_size: 40, volume_type: 'gp3', encrypted: 'true', kms_key_id: keyArnOf(stack), delete_on_termination: 'true' },
      },
    ]);
  });

  it('protects the instance from termination, tags it for backup and ignores template and user data changes', () => {
    const stack = host();
    const instance = only(stack, 'aws_instance');
    const template = logicalName(stack, 'aws_launch_template', 'name', HOST_NAME);
    expect(instance).toMatchObject({
      disable_api_termination: true,
      launch_template: { id: `\${aws_launch_template.${template}.id}`, version: '$Default' },
      tags: { Name: HOST_NAME, 'stagecraft:backup': 'daily' },
      lifecycle: { ignore_changes: ['launch_template', 'user_data'] },
    });
    expect(BACKUP_TAG).toEqual({ key: 'stagecraft:backup', value: 'daily' });
    expect(only(stack, 'aws_launch_template').tag_specifications).toEqual([
      { resource_type: 'volume', tags: { Name: HOST_NAME, 'stagecraft:backup': 'daily' } },
    ]);
  });

  it('places host i in the public subnet of zone i modulo the number of zones', () => {
    const publicSubnetOf = (stack: SynthesizedStack, zone: string) =>
      Object.entries(stack.resources.aws_subnet).find(([, s]) => (s.tags as Record<string, string>).Name === `${NAME_PREFIX}-public-${zone}`)![0];
    const first = host({ index: 0 });
    expect(only(first, 'aws_instance').subnet_id).toBe(`\${aws_subnet.${publicSubnetOf(first, 'use1-az1')}.id}`);
    const fifth = host({ index: 4 });
    expect(only(fifth, 'aws_instance').subnet_id).toBe(`\${aws_subnet.${publicSubnetOf(fifth, 'use1-az2')}.id}`);
    expect(only(fifth, 'aws_launch_template').name).toBe(`${NAME_PREFIX}-host-4`);
  });

  it('admits only 80 and 443 from the Cloudflare prefix list, with no SSH and no open ingress', () => {
    const stack = host();
    const groupName = logicalName(stack, 'aws_security_group', 'name', HOST_NAME);
    const groupId = `\${aws_security_group.${groupName}.id}`;
    const ingress = resourcesOfType(stack, 'aws_vpc_security_group_ingress_rule');
    expect(ingress.map((r) => r.from_port).sort()).toEqual([443, 80]);
    for (const rule of ingress) {
      expect(rule).toMatchObject({ security_group_id: groupId, prefix_list_id: PREFIX_LIST, ip_protocol: 'tcp', description: 'Cloudflare edge' });
      expect(rule.to_port).toBe(rule.from_port);
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(rule.cidr_ipv6).toBeUndefined();
    }
    expect(ingress.some((r) => r.from_port === 22 || r.to_port === 22)).toBe(false);
    const group = stack.resources.aws_security_group[groupName];
    expect(group.ingress).toBeUndefined();
    expect(group.description).toBe(`${HOST_NAME}: web from Cloudflare only`);
    expect(only(stack, 'aws_launch_template').vpc_security_group_ids).toEqual([groupId]);
  });

  it('allows all outbound traffic for image pulls and updates', () => {
    expect(only(host(), 'aws_vpc_security_group_egress_rule')).toMatchObject({ cidr_ipv4: '0.0.0.0/0', ip_protocol: '-1' });
  });

  it('runs under a role that SSM can manage, through an instance profile', () => {
    const stack = host();
    const roleName = logicalName(stack, 'aws_iam_role', 'name', HOST_NAME);
    const role = stack.resources.aws_iam_role[roleName];
    expect(JSON.parse(String(role.assume_role_policy))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: ['sts:AssumeRole'] }],
    });
    const attachments = resourcesOfType(stack, 'aws_iam_role_policy_attachment').filter((a) => a.role === `\${aws_iam_role.${roleName}.name}`);
    expect(attachments.map((a) => a.policy_arn).sort()).toEqual([
      'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
    ]);
    const profile = only(stack, 'aws_iam_instance_profile');
    expect(profile).toEqual(expect.objectContaining({ name: HOST_NAME, role: `\${aws_iam_role.${roleName}.name}` }));
    const profileName = logicalName(stack, 'aws_iam_instance_profile', 'name', HOST_NAME);
    expect(only(stack, 'aws_launch_template').iam_instance_profile).toEqual({ arn: `\${aws_iam_instance_profile.${profileName}.arn}` });
  });

  it('gives the instance an Elastic IP', () => {
    const stack = host();
    expect(only(stack, 'aws_eip')).toMatchObject({ domain: 'vpc', instance: instanceRef(stack, 'id'), tags: { Name: HOST_NAME } });
  });

  it('adds an encrypted, protected, backed-up data volume attached as /dev/xvdf', () => {
    const stack = host({ dataVolumeGiB: 50 });
    const volume = only(stack, 'aws_ebs_volume');
    expect(volume).toEqual(
      expect.objectContaining({
        availability_zone: instanceRef(stack, 'availability_zone'),
        size: 50,
        type: 'gp3',
        encrypted: true,
        kms_key_id: keyArnOf(stack),
        final_snapshot: true,
        lifecycle: { prevent_destroy: true },
        tags: { Name: `${HOST_NAME}-data`, 'stagecraft:backup': 'daily' },
      }),
    );
    const volumeName = Object.keys(stack.resources.aws_ebs_volume)[0];
    expect(only(stack, 'aws_volume_attachment')).toEqual(
      expect.objectContaining({ device_name: '/dev/xvdf', volume_id: `\${aws_ebs_volume.${volumeName}.id}`, instance_id: instanceRef(stack, 'id') }),
    );
  });

  it('has no data volume, attachment or mkfs step without dataVolumeGiB', () => {
    const stack = host();
    expect(resourcesOfType(stack, 'aws_ebs_volume')).toHaveLength(0);
    expect(resourcesOfType(stack, 'aws_volume_attachment')).toHaveLength(0);
    expect(String(only(stack, 'aws_launch_template').user_data)).not.toContain('mkfs');
    expect(defaultCloudInit(false)).toBe('#cloud-config\npackage_update: true\npackages: [docker]\nruncmd:\n  - systemctl enable --now docker\n');
  });

  it('formats the data volume only when blkid finds no filesystem and mounts /srv/data with nofail', () => {
    const lines = defaultCloudInit(true).split('\n');
    expect(lines).toEqual([
      '#cloud-config',
      'package_update: true',
      'packages: [docker]',
      'runcmd:',
      '  - systemctl enable --now docker',
      '  - for i in $(seq 1 120); do [ -e /dev/xvdf ] && break; sleep 5; done',
      '  - blkid /dev/xvdf || mkfs.xfs -L stagecraft-data /dev/xvdf',
      '  - mkdir -p /srv/data',
      "  - grep -q stagecraft-data /etc/fstab || echo 'LABEL=stagecraft-data /srv/data xfs defaults,nofail 0 2' >> /etc/fstab",
      '  - mount -a',
      '',
    ]);
    expect(lines.filter((l) => l.includes('mkfs'))).toEqual(['  - blkid /dev/xvdf || mkfs.xfs -L stagecraft-data /dev/xvdf']);
  });

  it('base64-encodes the default cloud-init into the launch template', () => {
    const userData = String(only(host({ dataVolumeGiB: 50 }), 'aws_launch_template').user_data);
    expect(userData).toMatch(/^\$\{base64encode\(".*"\)\}$/s);
    expect(userData).toContain('#cloud-config');
    expect(userData).toContain('blkid /dev/xvdf || mkfs.xfs -L stagecraft-data /dev/xvdf');
  });

  it('uses the given user data instead of the default', () => {
    const userData = String(only(host({ dataVolumeGiB: 50, userData: '#cloud-config\nruncmd: [custom]\n' }), 'aws_launch_template').user_data);
    expect(userData).toMatch(/^\$\{base64encode\(/);
    expect(userData).toContain('runcmd: [custom]');
    expect(userData).not.toContain('mkfs');
  });

  it('alarms when CPU stays above 80%', () => {
    const stack = host();
    expect(alarmNamed(stack, `${HOST_NAME}-cpu-high`)).toMatchObject({
      namespace: 'AWS/EC2',
      metric_name: 'CPUUtilization',
      dimensions: { InstanceId: instanceRef(stack, 'id') },
      comparison_operator: 'GreaterThanThreshold',
      threshold: 80,
      statistic: 'Average',
    });
  });

  it('recovers the instance when the system status check fails', () => {
    const stack = host({ region: 'eu-west-1' });
    const alarm = alarmNamed(stack, `${HOST_NAME}-status-check-failed`);
    expect(alarm).toMatchObject({
      namespace: 'AWS/EC2',
      metric_name: 'StatusCheckFailed_System',
      dimensions: { InstanceId: instanceRef(stack, 'id') },
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      statistic: 'Maximum',
      evaluation_periods: 2,
    });
    const topic = `\${aws_sns_topic.${logicalName(stack, 'aws_sns_topic', 'name', 'alarms')}.arn}`;
    expect(alarm.alarm_actions).toEqual([topic, 'arn:aws:automate:eu-west-1:ec2:recover']);
    expect(alarm.ok_actions).toEqual([topic]);
  });
});
