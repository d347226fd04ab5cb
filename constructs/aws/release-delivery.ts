/**
 * Delivers a release to running hosts without replacing them (docs/releases.md): each file is an
 * object in a private, versioned, KMS-encrypted bucket, and a State Manager association runs a
 * command on the hosts, by instance id, that names each object's version and SHA-256. A new file
 * content is a new object version, which changes the association's parameters, and State Manager
 * runs an association again as soon as it is updated: the release reaches the hosts during the
 * deploy that changed it. The schedule runs it again now and then (a host that was stopped, a file
 * edited by hand), which changes nothing when the host already has the release.
 */
import { Construct } from 'constructs';
import { dependable, Fn, ITerraformDependable } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SsmAssociation } from '@cdktf/provider-aws/lib/ssm-association';
import { DataBucket } from './data-bucket';
import { EncryptionKey } from './encryption-key';
import { terraformTemplate } from '../shared/terraform-template';
import { checkProps } from '../shared/validation';

/** One file of a release. */
export interface ReleaseObject {
  /** File name, the last part of its key. */
  readonly name: string;
  /** The file's text; may hold cdktf tokens (an endpoint), which Terraform resolves. */
  readonly content: string;
  readonly contentType: string;
}

/** One delivered file as the command sees it: Terraform expressions of its object version and SHA-256. */
export interface DeliveredObject {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
}

/** Props of a ReleaseDelivery. */
export interface ReleaseDeliveryProps {
  /** Names the association, `<namePrefix>-release`. */
  readonly namePrefix: string;
  /** The bucket the objects go in: private, versioned (each release is a version) and KMS-encrypted. */
  readonly bucket: DataBucket;
  /** Key of the bucket's encryption, which readers decrypt with. */
  readonly encryptionKey: EncryptionKey;
  readonly region: string;
  /** Key prefix of the objects, no leading or trailing slash. */
  readonly prefix: string;
  readonly objects: readonly ReleaseObject[];
  /** Instance ids the association targets (`aws_instance.*.id`). */
  readonly instanceIds: readonly string[];
  /** The shell lines the hosts run, given every object's version and SHA-256. */
  readonly commands: (objects: readonly DeliveredObject[]) => readonly string[];
  /** When State Manager runs the command again besides on every change. @default "rate(30 minutes)" */
  readonly scheduleExpression?: string;
  /** Hosts applying at once; the others keep serving. @default "1" */
  readonly maxConcurrency?: string;
}

/** Objects in S3 and the State Manager association that applies them on the hosts. */
export class ReleaseDelivery extends Construct {
  /** The release's objects, by file name. */
  readonly objects: Readonly<Record<string, S3Object>>;
  readonly association: SsmAssociation;
  private readonly props: ReleaseDeliveryProps;

  constructor(scope: Construct, id: string, props: ReleaseDeliveryProps) {
    super(scope, id);
    const scheduleExpression = props.scheduleExpression ?? 'rate(30 minutes)';
    const maxConcurrency = props.maxConcurrency ?? '1';
    checkProps(this, [
      {
        failed: /^\/|\/$/.test(props.prefix) || props.prefix === '',
        message: `prefix: "${props.prefix}" must be a key prefix without leading or trailing "/"`,
      },
      ...props.objects.map((o) => ({ failed: !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(o.name), message: `objects: "${o.name}" is not a plain file name` })),
      { failed: props.instanceIds.length === 0, message: 'instanceIds: the release needs at least one host to deliver to' },
    ]);
    this.props = props;

    const objects: Record<string, S3Object> = {};
    for (const object of props.objects) {
      objects[object.name] = new S3Object(this, object.name, {
        bucket: props.bucket.bucket.id,
        key: `${props.prefix}/${object.name}`,
        content: terraformTemplate(object.content),
        contentType: object.contentType,
        // Written once the bucket versions and encrypts: every release is a version, encrypted with the key.
        dependsOn: [props.bucket.versioning, props.bucket.encryptionConfiguration],
      });
    }
    this.objects = objects;

    const delivered = props.objects.map((o) => ({ name: o.name, version: objects[o.name].versionId, sha256: Fn.sha256(objects[o.name].content) }));
    this.association = new SsmAssociation(this, 'association', {
      associationName: `${props.namePrefix}-release`,
      name: 'AWS-RunShellScript',
      targets: [{ key: 'InstanceIds', values: [...props.instanceIds] }],
      parameters: { commands: terraformTemplate(props.commands(delivered).join('\n')), executionTimeout: '1800' },
      scheduleExpression,
      maxConcurrency,
      // A release that fails on one host is not tried on the next: that host keeps serving the previous one.
      maxErrors: '0',
      complianceSeverity: 'HIGH',
    });
  }

  /** Lets `role` read the release's objects (any version) and decrypt them through S3; the association runs once the grant exists. */
  grantRead(scope: Construct, id: string, role: IamRole): IamRolePolicy {
    const { bucket, encryptionKey, region, prefix } = this.props;
    const policy = new IamRolePolicy(scope, id, {
      role: role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ReadRelease', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [`${bucket.arn}/${prefix}/*`] },
          {
            Sid: 'DecryptReleaseThroughS3',
            Effect: 'Allow',
            Action: ['kms:Decrypt'],
            Resource: encryptionKey.policyResource,
            Condition: { StringEquals: { 'kms:ViaService': [`s3.${region}.amazonaws.com`] }, ...encryptionKey.aliasCondition },
          },
        ],
      }),
    });
    this.appliedAfter(policy);
    return policy;
  }

  /** The association runs once `resources` exist: the grants the release needs on the hosts (reading the secrets its script fetches). */
  appliedAfter(...resources: ITerraformDependable[]): void {
    this.association.dependsOn = [...(this.association.dependsOn ?? []), ...resources.map((r) => dependable(r))];
  }
}
