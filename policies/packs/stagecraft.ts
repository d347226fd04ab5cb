/**
 * The Stagecraft pack: every rule object with its level and why it matters. Errors fail `stagecraft
 * check`; warnings fail it only with `--level warning` (and `npm test` requires none of either).
 */
import { GeneratedSecretNotInState } from '../rules/encryption-at-rest/GeneratedSecretNotInState';
import { StateSecretOnlyForBrokerAdmin } from '../rules/encryption-at-rest/StateSecretOnlyForBrokerAdmin';
import { Pack } from '../types';
import { RdsStorageEncrypted } from '../rules/encryption-at-rest/RdsStorageEncrypted';
import { RdsCustomerManagedKey } from '../rules/encryption-at-rest/RdsCustomerManagedKey';
import { ElastiCacheEncryptedAtRest } from '../rules/encryption-at-rest/ElastiCacheEncryptedAtRest';
import { S3BucketEncrypted } from '../rules/encryption-at-rest/S3BucketEncrypted';
import { S3BucketKmsEncrypted } from '../rules/encryption-at-rest/S3BucketKmsEncrypted';
import { EbsVolumeEncrypted } from '../rules/encryption-at-rest/EbsVolumeEncrypted';
import { LaunchTemplateVolumesEncrypted } from '../rules/encryption-at-rest/LaunchTemplateVolumesEncrypted';
import { InstanceRootVolumeEncrypted } from '../rules/encryption-at-rest/InstanceRootVolumeEncrypted';
import { MskCustomerManagedKey } from '../rules/encryption-at-rest/MskCustomerManagedKey';
import { OpenSearchEncryptedAtRest } from '../rules/encryption-at-rest/OpenSearchEncryptedAtRest';
import { MqBrokerCustomerManagedKey } from '../rules/encryption-at-rest/MqBrokerCustomerManagedKey';
import { LogGroupEncrypted } from '../rules/encryption-at-rest/LogGroupEncrypted';
import { SnsTopicEncrypted } from '../rules/encryption-at-rest/SnsTopicEncrypted';
import { SecretCustomerManagedKey } from '../rules/encryption-at-rest/SecretCustomerManagedKey';
import { EksSecretsEncrypted } from '../rules/encryption-at-rest/EksSecretsEncrypted';
import { BackupVaultEncrypted } from '../rules/encryption-at-rest/BackupVaultEncrypted';
import { RdsForceSsl } from '../rules/encryption-in-transit/RdsForceSsl';
import { ElastiCacheTransitEncryptionAndAuth } from '../rules/encryption-in-transit/ElastiCacheTransitEncryptionAndAuth';
import { MskTlsInTransit } from '../rules/encryption-in-transit/MskTlsInTransit';
import { OpenSearchEnforceHttps } from '../rules/encryption-in-transit/OpenSearchEnforceHttps';
import { OpenSearchNodeToNodeEncryption } from '../rules/encryption-in-transit/OpenSearchNodeToNodeEncryption';
import { S3BucketTlsOnly } from '../rules/encryption-in-transit/S3BucketTlsOnly';
import { HttpListenerRedirectsToHttps } from '../rules/encryption-in-transit/HttpListenerRedirectsToHttps';
import { PoolerClientTls } from '../rules/encryption-in-transit/PoolerClientTls';
import { SecurityGroupNoWorldIngress } from '../rules/public-exposure/SecurityGroupNoWorldIngress';
import { RdsNotPubliclyAccessible } from '../rules/public-exposure/RdsNotPubliclyAccessible';
import { EksEndpointRestricted } from '../rules/public-exposure/EksEndpointRestricted';
import { EksApiReachableByDeployer } from '../rules/public-exposure/EksApiReachableByDeployer';
import { S3BucketPublicAccessBlocked } from '../rules/public-exposure/S3BucketPublicAccessBlocked';
import { MqBrokerNotPublic } from '../rules/public-exposure/MqBrokerNotPublic';
import { OpenSearchInVpc } from '../rules/public-exposure/OpenSearchInVpc';
import { MskNotPublic } from '../rules/public-exposure/MskNotPublic';
import { LoadBalancerListenerVerifiesClients } from '../rules/public-exposure/LoadBalancerListenerVerifiesClients';
import { ZoneAuthenticatedOriginPulls } from '../rules/public-exposure/ZoneAuthenticatedOriginPulls';
import { MskNoUnauthenticatedAccess } from '../rules/public-exposure/MskNoUnauthenticatedAccess';
import { SubnetNoAutoPublicIp } from '../rules/public-exposure/SubnetNoAutoPublicIp';
import { DefaultSecurityGroupClosed } from '../rules/public-exposure/DefaultSecurityGroupClosed';
import { RateLimitPathSpellings } from '../rules/public-exposure/RateLimitPathSpellings';
import { LaunchTemplateImdsv2Required } from '../rules/imdsv2/LaunchTemplateImdsv2Required';
import { LaunchTemplateImdsHopLimit } from '../rules/imdsv2/LaunchTemplateImdsHopLimit';
import { InstanceImdsv2 } from '../rules/imdsv2/InstanceImdsv2';
import { EksNodeGroupHardenedTemplate } from '../rules/imdsv2/EksNodeGroupHardenedTemplate';
import { RdsDeletionProtection } from '../rules/deletion-protection-and-backups/RdsDeletionProtection';
import { RdsBackupRetention } from '../rules/deletion-protection-and-backups/RdsBackupRetention';
import { RdsFinalSnapshot } from '../rules/deletion-protection-and-backups/RdsFinalSnapshot';
import { ElastiCacheSnapshots } from '../rules/deletion-protection-and-backups/ElastiCacheSnapshots';
import { StatefulResourcePreventDestroy } from '../rules/deletion-protection-and-backups/StatefulResourcePreventDestroy';
import { LoadBalancerDeletionProtection } from '../rules/deletion-protection-and-backups/LoadBalancerDeletionProtection';
import { InstanceTerminationProtection } from '../rules/deletion-protection-and-backups/InstanceTerminationProtection';
import { EbsVolumeFinalSnapshot } from '../rules/deletion-protection-and-backups/EbsVolumeFinalSnapshot';
import { S3BucketVersioning } from '../rules/deletion-protection-and-backups/S3BucketVersioning';
import { StatefulResourcesBackedUp } from '../rules/deletion-protection-and-backups/StatefulResourcesBackedUp';
import { EksControlPlaneLogging } from '../rules/logging/EksControlPlaneLogging';
import { LoadBalancerAccessLogs } from '../rules/logging/LoadBalancerAccessLogs';
import { RdsLogExports } from '../rules/logging/RdsLogExports';
import { OpenSearchLogPublishing } from '../rules/logging/OpenSearchLogPublishing';
import { MskBrokerLogs } from '../rules/logging/MskBrokerLogs';
import { MqBrokerLogs } from '../rules/logging/MqBrokerLogs';
import { ElastiCacheSlowLog } from '../rules/logging/ElastiCacheSlowLog';
import { VpcFlowLogs } from '../rules/logging/VpcFlowLogs';
import { S3BucketAccessLogging } from '../rules/logging/S3BucketAccessLogging';
import { LogGroupRetention } from '../rules/logging/LogGroupRetention';
import { KmsKeyRotation } from '../rules/kms-rotation/KmsKeyRotation';
import { KmsKeyDeletionWindow } from '../rules/kms-rotation/KmsKeyDeletionWindow';
import { LoadBalancerListenerTlsPolicy } from '../rules/tls/LoadBalancerListenerTlsPolicy';
import { OpenSearchTlsPolicy } from '../rules/tls/OpenSearchTlsPolicy';
import { CloudflareMinTlsVersion } from '../rules/tls/CloudflareMinTlsVersion';
import { PodRunAsNonRoot } from '../rules/kubernetes-pod-hardening/PodRunAsNonRoot';
import { ContainerReadOnlyRootFilesystem } from '../rules/kubernetes-pod-hardening/ContainerReadOnlyRootFilesystem';
import { ContainerNoPrivilegeEscalation } from '../rules/kubernetes-pod-hardening/ContainerNoPrivilegeEscalation';
import { ContainerDropAllCapabilities } from '../rules/kubernetes-pod-hardening/ContainerDropAllCapabilities';
import { ContainerNotPrivileged } from '../rules/kubernetes-pod-hardening/ContainerNotPrivileged';
import { ContainerProbes } from '../rules/kubernetes-pod-hardening/ContainerProbes';
import { ContainerResources } from '../rules/kubernetes-pod-hardening/ContainerResources';
import { PodSecretsProduced } from '../rules/kubernetes-pod-hardening/PodSecretsProduced';
import { WorkloadProvisionsProduced } from '../rules/kubernetes-pod-hardening/WorkloadProvisionsProduced';
import { QueueScaledWorkloadHasScaler } from '../rules/kubernetes-pod-hardening/QueueScaledWorkloadHasScaler';
import { DatabasesMultiAzWithReplica } from '../rules/stage-aware/DatabasesMultiAzWithReplica';
import { CacheFailover } from '../rules/stage-aware/CacheFailover';
import { SingleHostBackups } from '../rules/stage-aware/SingleHostBackups';
import { MassiveMultiRegionCockroach } from '../rules/stage-aware/MassiveMultiRegionCockroach';
import { StandaloneHostsBeforeGrowth } from '../rules/stage-aware/StandaloneHostsBeforeGrowth';
import { HostReleaseDelivered } from '../rules/stage-aware/HostReleaseDelivered';
import { HostReleaseSecretsFetched } from '../rules/stage-aware/HostReleaseSecretsFetched';
import { HostContainersFit } from '../rules/stage-aware/HostContainersFit';
import { NoForeignInterpolation } from '../rules/injection/NoForeignInterpolation';
import { PublicServiceReachable } from '../rules/request-path/PublicServiceReachable';
import { DataStoreNetworkPath } from '../rules/request-path/DataStoreNetworkPath';

import { CloudflareMonitorInterval } from '../rules/preflight/CloudflareMonitorInterval';
import { CloudflareLoadBalancingAddon } from '../rules/preflight/CloudflareLoadBalancingAddon';
import { CloudflareSteeringPolicy } from '../rules/preflight/CloudflareSteeringPolicy';
import { CloudflareRateLimitFeatures } from '../rules/preflight/CloudflareRateLimitFeatures';
import { CloudflareRulesPerPhase } from '../rules/preflight/CloudflareRulesPerPhase';
import { CloudflareCustomRuleExpressions } from '../rules/preflight/CloudflareCustomRuleExpressions';
import { CloudflareDurableObjects } from '../rules/preflight/CloudflareDurableObjects';
import { KmsKeyAllowsAutoScaling } from '../rules/preflight/KmsKeyAllowsAutoScaling';
import { KmsKeyAllowsServices } from '../rules/preflight/KmsKeyAllowsServices';
import { CreateBeforeDestroyFixedName } from '../rules/preflight/CreateBeforeDestroyFixedName';
import { FinalSnapshotIdentifierFixed } from '../rules/preflight/FinalSnapshotIdentifierFixed';
import { EngineMinorPinnedWithAutoUpgrade } from '../rules/preflight/EngineMinorPinnedWithAutoUpgrade';
import { LogGroupWaitsForKeyPolicy } from '../rules/preflight/LogGroupWaitsForKeyPolicy';
import { LoadBalancerWaitsForLogBucketPolicy } from '../rules/preflight/LoadBalancerWaitsForLogBucketPolicy';
import { ForEachKeysKnownAtPlan } from '../rules/preflight/ForEachKeysKnownAtPlan';
import { DataStoreCredential } from '../rules/request-path/DataStoreCredential';
import { OriginMonitorRouted } from '../rules/request-path/OriginMonitorRouted';
import { KubernetesJobChangeApplies } from '../rules/preflight/KubernetesJobChangeApplies';
import { ChainedRoleAllowsTagSession } from '../rules/preflight/ChainedRoleAllowsTagSession';
import { CurlSigV4PathEncoding } from '../rules/preflight/CurlSigV4PathEncoding';
import { WaitedSecretWrittenByDeploy } from '../rules/preflight/WaitedSecretWrittenByDeploy';
import { AwsProviderAllowedAccount } from '../rules/preflight/AwsProviderAllowedAccount';
import { AwsAccountNamed } from '../rules/preflight/AwsAccountNamed';
import { NamedCrossStackResourceOrdered } from '../rules/preflight/NamedCrossStackResourceOrdered';
export const STAGECRAFT_PACK: Pack = {
  name: 'stagecraft',
  rules: [
    // Encryption at rest
    {
      rule: RdsStorageEncrypted,
      level: 'error',
      explanation:
        'An unencrypted database exposes every row to anyone who gets a snapshot or a disk; encryption can only be turned on by replacing the database.',
    },
    {
      rule: RdsCustomerManagedKey,
      level: 'warning',
      explanation: 'With the AWS-managed key, snapshots cannot be shared across accounts and key use cannot be limited by key policy.',
    },
    {
      rule: ElastiCacheEncryptedAtRest,
      level: 'error',
      explanation: 'Redis snapshots and swap hold session data and tokens; encryption at rest can only be set when the group is created.',
    },
    {
      rule: S3BucketEncrypted,
      level: 'error',
      explanation: 'Declaring default encryption keeps it visible in review and stops a later change from dropping it silently.',
    },
    { rule: S3BucketKmsEncrypted, level: 'warning', explanation: 'SSE-KMS puts object access under the key policy and CloudTrail; SSE-S3 does not.' },
    {
      rule: EbsVolumeEncrypted,
      level: 'error',
      explanation: 'The launch host keeps Postgres and Redis data on its data volume; an unencrypted volume leaks it through snapshots.',
    },
    {
      rule: LaunchTemplateVolumesEncrypted,
      level: 'error',
      explanation: 'Root volumes hold container images, logs and swap; the AMI decides their encryption unless the template does.',
    },
    { rule: InstanceRootVolumeEncrypted, level: 'error', explanation: 'Same as SC-EAR-7, for instances that do not use a launch template.' },
    {
      rule: MskCustomerManagedKey,
      level: 'warning',
      explanation: 'MSK always encrypts at rest; a customer-managed key puts the data under our key policy and rotation.',
    },
    {
      rule: OpenSearchEncryptedAtRest,
      level: 'error',
      explanation: 'Search indices hold copies of product data; encryption at rest can only be turned on with a new domain on older engines.',
    },
    {
      rule: MqBrokerCustomerManagedKey,
      level: 'warning',
      explanation:
        'A customer-managed key puts broker data under our key policy. Amazon MQ for RabbitMQ accepts only an AWS-owned key, so RabbitMQ brokers suppress this with that reason.',
    },
    {
      rule: LogGroupEncrypted,
      level: 'warning',
      explanation: 'Logs carry SQL statements, request headers and sometimes tokens; a customer-managed key keeps them under our key policy.',
    },
    { rule: SnsTopicEncrypted, level: 'error', explanation: 'Alarm messages name hosts, databases and thresholds; an unencrypted topic stores them in clear.' },
    { rule: SecretCustomerManagedKey, level: 'warning', explanation: 'Generated credentials should be readable only by principals the key policy allows.' },
    { rule: EksSecretsEncrypted, level: 'error', explanation: 'Kubernetes secrets are only base64 in etcd unless EKS envelope-encrypts them with a KMS key.' },
    {
      rule: BackupVaultEncrypted,
      level: 'warning',
      explanation: 'Recovery points are full copies of the data; a customer-managed key keeps restores under our key policy.',
    },
    {
      rule: GeneratedSecretNotInState,
      level: 'error',
      explanation: 'Terraform state is read by every deployer and copied to every CI workspace; a password in it is a password in plain text.',
    },
    {
      rule: StateSecretOnlyForBrokerAdmin,
      level: 'error',
      explanation:
        'The RabbitMQ admin password is in state because Amazon MQ leaves no other way; this keeps it the only one, and keeps every product service off it (each logs in as its own broker user).',
    },
    // Encryption in transit
    { rule: RdsForceSsl, level: 'error', explanation: 'Without rds.force_ssl, a misconfigured client sends credentials and rows in clear inside the VPC.' },
    {
      rule: ElastiCacheTransitEncryptionAndAuth,
      level: 'error',
      explanation: 'Redis without TLS and AUTH lets anything in the security group read and write every key.',
    },
    {
      rule: MskTlsInTransit,
      level: 'error',
      explanation: 'Kafka messages carry product events; plaintext listeners expose them to anything on the network path.',
    },
    {
      rule: OpenSearchEnforceHttps,
      level: 'error',
      explanation: 'Without enforce_https, the search API accepts requests and returns documents over plain HTTP.',
    },
    {
      rule: OpenSearchNodeToNodeEncryption,
      level: 'error',
      explanation: 'Shards move between nodes in clear unless node-to-node encryption is on; it cannot be turned off later without a new domain.',
    },
    { rule: S3BucketTlsOnly, level: 'error', explanation: 'S3 accepts plain HTTP unless the bucket policy denies it.' },
    {
      rule: HttpListenerRedirectsToHttps,
      level: 'error',
      explanation: 'A plain HTTP listener that forwards serves the product in clear; port 80 must only redirect.',
    },
    {
      rule: PoolerClientTls,
      level: 'error',
      explanation:
        "PgBouncer accepts plaintext clients by default: the services' queries and rows would cross the pod network in clear, though the pooler's leg to the database is encrypted.",
    },
    // Public exposure
    {
      rule: SecurityGroupNoWorldIngress,
      level: 'error',
      explanation: 'An ingress rule open to the internet bypasses Cloudflare (WAF, rate limits) and exposes the port to scanners.',
    },
    {
      rule: RdsNotPubliclyAccessible,
      level: 'error',
      explanation: 'A publicly accessible database gets a public DNS name and can be reached from the internet if a rule allows it.',
    },
    {
      rule: EksEndpointRestricted,
      level: 'error',
      explanation: 'An EKS API open to the internet is one leaked kubeconfig or one API server flaw away from the cluster.',
    },
    {
      rule: EksApiReachableByDeployer,
      level: 'error',
      explanation:
        'The apps stacks are planned and applied through the cluster API: a private endpoint with no named deployer inside its VPCs cannot be deployed from outside.',
    },
    {
      rule: S3BucketPublicAccessBlocked,
      level: 'error',
      explanation: 'Without all four public access block settings, one ACL or policy change can make objects public.',
    },
    { rule: MqBrokerNotPublic, level: 'error', explanation: 'A public broker exposes the management console and AMQP to the internet.' },
    { rule: OpenSearchInVpc, level: 'error', explanation: 'A domain outside a VPC has a public endpoint guarded only by its access policy.' },
    { rule: MskNotPublic, level: 'error', explanation: 'Public broker endpoints expose Kafka to the internet.' },
    {
      rule: MskNoUnauthenticatedAccess,
      level: 'error',
      explanation: 'Unauthenticated Kafka lets any client that reaches a broker read and write every topic.',
    },
    {
      rule: SubnetNoAutoPublicIp,
      level: 'error',
      explanation: 'Auto-assigned public IPs make every instance in the subnet reachable from the internet by default.',
    },
    {
      rule: DefaultSecurityGroupClosed,
      level: 'error',
      explanation: 'Resources launched without a security group get the default group; it must allow nothing.',
    },
    {
      rule: LoadBalancerListenerVerifiesClients,
      level: 'error',
      explanation:
        "Cloudflare's addresses are shared by every customer: without the zone's client certificate, another zone pointed at the ALB skips this zone's WAF, rate limits and Worker.",
    },
    {
      rule: ZoneAuthenticatedOriginPulls,
      level: 'error',
      explanation:
        'The origins trust this zone only through its client certificate (authenticated origin pulls), and the user the Worker validated only if no client could set X-Stagecraft-User itself.',
    },
    {
      rule: RateLimitPathSpellings,
      level: 'warning',
      explanation:
        'A limit that counts one spelling of a path is bypassed by the others (/API/…, //…, a trailing slash, %2F, %61…), which many origins route to the same handler (issue 16).',
    },
    // IMDSv2
    {
      rule: LaunchTemplateImdsv2Required,
      level: 'error',
      explanation: "IMDSv1 answers any request, so an SSRF bug hands out the instance role's credentials.",
    },
    {
      rule: LaunchTemplateImdsHopLimit,
      level: 'error',
      explanation: "With a hop limit above 1, containers can reach the metadata service and take the node role's credentials.",
    },
    {
      rule: InstanceImdsv2,
      level: 'error',
      explanation: 'Application hosts get IMDSv2; their hop limit reaches their own containers (2), which share the instance role, and no further.',
    },
    {
      rule: EksNodeGroupHardenedTemplate,
      level: 'error',
      explanation: 'Without a launch template, EKS sets the hop limit to 2, and every pod can act as the node.',
    },
    // Deletion protection and backups
    { rule: RdsDeletionProtection, level: 'error', explanation: 'Deletion protection stops a console click or an API call from deleting the database.' },
    { rule: RdsBackupRetention, level: 'error', explanation: 'Point-in-time recovery reaches back only as far as the retention period.' },
    { rule: RdsFinalSnapshot, level: 'error', explanation: 'A final snapshot is the last copy of the data when a database is deleted.' },
    { rule: ElastiCacheSnapshots, level: 'error', explanation: 'Redis holds queues and sessions; without snapshots a failed node or a deletion loses them.' },
    {
      rule: StatefulResourcePreventDestroy,
      level: 'error',
      explanation: 'prevent_destroy makes Terraform refuse a destroy, or a change that would replace the resource, until the code says so.',
    },
    {
      rule: LoadBalancerDeletionProtection,
      level: 'error',
      explanation: 'Deleting the load balancer takes the product offline and loses the DNS name the edge points at.',
    },
    {
      rule: InstanceTerminationProtection,
      level: 'warning',
      explanation: 'Single-host stages keep their data on the host; termination protection stops an accidental terminate.',
    },
    { rule: EbsVolumeFinalSnapshot, level: 'warning', explanation: 'A final snapshot keeps the data when the volume is destroyed.' },
    { rule: S3BucketVersioning, level: 'error', explanation: 'Versioning makes overwrites and deletes recoverable.' },
    {
      rule: StatefulResourcesBackedUp,
      level: 'error',
      explanation: 'A backup selection that matches nothing looks like a backup and protects nothing; every resource that keeps data must be in one.',
    },
    // Logging
    { rule: EksControlPlaneLogging, level: 'error', explanation: 'Audit and authenticator logs are how an incident on the cluster is investigated.' },
    {
      rule: LoadBalancerAccessLogs,
      level: 'error',
      explanation: 'Access logs are the record of who called what, and the input for abuse and latency investigations.',
    },
    { rule: RdsLogExports, level: 'error', explanation: 'Database logs (errors, slow statements) are lost when an instance is replaced unless exported.' },
    { rule: OpenSearchLogPublishing, level: 'error', explanation: 'Audit logs record who queried which index; application logs explain cluster failures.' },
    { rule: MskBrokerLogs, level: 'error', explanation: 'Broker logs explain partition leadership changes and client errors.' },
    { rule: MqBrokerLogs, level: 'error', explanation: 'General logs explain broker restarts, connection storms and alarms.' },
    { rule: ElastiCacheSlowLog, level: 'warning', explanation: 'The slow log shows the commands that block Redis for everyone.' },
    { rule: VpcFlowLogs, level: 'error', explanation: 'Flow logs are the network record for an incident and for finding unexpected traffic.' },
    { rule: S3BucketAccessLogging, level: 'warning', explanation: 'Server access logs record every request to a bucket.' },
    { rule: LogGroupRetention, level: 'warning', explanation: 'Without a retention, logs are kept (and billed) forever.' },
    // KMS rotation
    { rule: KmsKeyRotation, level: 'error', explanation: 'Yearly rotation limits how much data one key version protects.' },
    {
      rule: KmsKeyDeletionWindow,
      level: 'warning',
      explanation: 'Data encrypted under a deleted key is unrecoverable; the longest window leaves the most time to cancel.',
    },
    // TLS
    {
      rule: LoadBalancerListenerTlsPolicy,
      level: 'error',
      explanation: 'TLS 1.0 and 1.1 are deprecated and fail compliance scans; the listener must negotiate 1.2 or later.',
    },
    { rule: OpenSearchTlsPolicy, level: 'error', explanation: 'The default OpenSearch policy accepts TLS 1.0.' },
    { rule: CloudflareMinTlsVersion, level: 'error', explanation: "Visitors reach the product through Cloudflare; its minimum TLS version is the product's." },
    // Kubernetes pod hardening
    { rule: PodRunAsNonRoot, level: 'error', explanation: 'A container escape from a root process is root on the node.' },
    {
      rule: ContainerReadOnlyRootFilesystem,
      level: 'error',
      explanation: 'A read-only root filesystem stops an attacker from dropping tools into the container.',
    },
    {
      rule: ContainerNoPrivilegeEscalation,
      level: 'error',
      explanation: 'Privilege escalation (setuid binaries) turns a foothold into root inside the container.',
    },
    { rule: ContainerDropAllCapabilities, level: 'error', explanation: 'Default capabilities (NET_RAW and others) are more than a web service needs.' },
    { rule: ContainerNotPrivileged, level: 'error', explanation: 'A privileged container has every device and capability of the node.' },
    {
      rule: ContainerProbes,
      level: 'warning',
      explanation: 'Without probes, Kubernetes sends traffic to pods that cannot serve and keeps broken pods running.',
    },
    {
      rule: ContainerResources,
      level: 'warning',
      explanation: 'Without requests the scheduler overpacks nodes; without a memory limit one pod can starve the node.',
    },
    {
      rule: PodSecretsProduced,
      level: 'error',
      explanation: 'A pod whose Secret does not exist yet cannot start: the rollout times out, or runs before the credential it needs is written.',
    },
    {
      rule: WorkloadProvisionsProduced,
      level: 'error',
      explanation:
        'A pod that starts before its database or broker user, its topics or its search role exist fails to log in and crash-loops, and an apply that does not wait for the Job that makes them reports success while the services cannot work.',
    },
    {
      rule: QueueScaledWorkloadHasScaler,
      level: 'error',
      explanation:
        'A worker scaled on its queue whose count nothing may set stays at one pod whatever the backlog; one whose count terraform or an HPA also sets flaps between their answers.',
    },
    // Stage-aware
    {
      rule: DatabasesMultiAzWithReplica,
      level: 'error',
      explanation: 'From growth on (seed 004), the database must survive a zone failure and serve reads from a replica.',
    },
    { rule: CacheFailover, level: 'error', explanation: 'From growth on, losing the Redis primary must not take the product down.' },
    {
      rule: SingleHostBackups,
      level: 'error',
      explanation: "Launch and traction keep everything on one or two hosts; without automated backups, one failed disk loses the product's data.",
    },
    {
      rule: MassiveMultiRegionCockroach,
      level: 'error',
      explanation: 'Massive is active-active: it must survive the loss of a region, which needs three regions and a database that spans them.',
    },
    {
      rule: StandaloneHostsBeforeGrowth,
      level: 'error',
      explanation: 'From growth on, compute is a cluster behind a load balancer; a standalone host is a single point of failure.',
    },
    {
      rule: HostReleaseDelivered,
      level: 'error',
      explanation:
        'A host runs its user_data at first boot only: without a delivered release, a new image never reaches the running host, and the only way to ship one is to replace the host and the data on it.',
    },
    {
      rule: HostReleaseSecretsFetched,
      level: 'error',
      explanation:
        "Running hosts ignore user_data: a release that adds a secret, or a host that reboots into one, starts containers without their secret files unless the release's own script fetches them before compose up; and RDS's master secret, rotated every 7 days, fails every later up when a copy from an earlier start is used.",
    },
    {
      rule: HostContainersFit,
      level: 'error',
      explanation:
        "Docker refuses a container whose CPU limit exceeds the host's vCPUs, so the release never starts and the proxy behind it never serves (Cloudflare 521); reservations above the host's memory leave the kernel to kill containers under load.",
    },
    {
      rule: NoForeignInterpolation,
      level: 'error',
      explanation:
        'Terraform evaluates ${…} in every string: an expression that came from user text (a tag, an email, an env value) runs at plan time and can read files of the planning machine into the state.',
    },
    // Preflight: what terraform plan cannot see and the remote API refuses at apply (docs/preflight.md)
    {
      rule: CloudflareMonitorInterval,
      level: 'error',
      explanation:
        "Cloudflare refuses a monitor interval under the plan's minimum, and the pools and load balancer that use the monitor fail with it (review F2).",
    },
    {
      rule: CloudflareLoadBalancingAddon,
      level: 'error',
      explanation: 'Without the Load Balancing add-on, creating the load balancer fails at apply, and a multi-region edge has no failover.',
    },
    {
      rule: CloudflareSteeringPolicy,
      level: 'error',
      explanation: 'Geo, proximity and dynamic steering need the Traffic Steering add-on; without it the load balancer is refused at apply (review F6).',
    },
    {
      rule: CloudflareRateLimitFeatures,
      level: 'error',
      explanation:
        'Counting by header or response, and periods, timeouts, fields or operators the plan lacks, are refused at apply: the zone ends up with no rate limits at all (review F6).',
    },
    {
      rule: CloudflareCustomRuleExpressions,
      level: 'error',
      explanation:
        'A custom ruleset with an operator the plan lacks (a regular expression below Business) is refused as a whole at apply: the zone keeps none of its blocks.',
    },
    {
      rule: CloudflareRulesPerPhase,
      level: 'error',
      explanation: 'A ruleset with more rules than the plan allows in its phase is refused as a whole at apply (review F6).',
    },
    {
      rule: CloudflareDurableObjects,
      level: 'error',
      explanation: 'Durable Objects need Workers Paid; without it the Worker upload fails and the edge has no Worker (review F6).',
    },
    {
      rule: KmsKeyAllowsAutoScaling,
      level: 'error',
      explanation:
        'A service-linked role cannot be granted KMS through IAM: without the key policy statement, node group instances terminate at launch and the node group fails after a long wait (review F3).',
    },
    {
      rule: KmsKeyAllowsServices,
      level: 'error',
      explanation:
        "CloudWatch Logs, alarms publishing to encrypted topics and AWS Backup fail when the key policy does not let them use the key; source conditions keep other accounts' resources from using it (review F3, S3).",
    },
    {
      rule: CreateBeforeDestroyFixedName,
      level: 'error',
      explanation:
        'A replacement created before the old resource is destroyed cannot take the name the old one still holds: the apply fails halfway (review D5).',
    },
    {
      rule: FinalSnapshotIdentifierFixed,
      level: 'error',
      explanation: 'The final snapshot outlives the resource; the next destroy of a recreated resource collides with it and fails (review M8).',
    },
    {
      rule: EngineMinorPinnedWithAutoUpgrade,
      level: 'error',
      explanation: 'After AWS upgrades the minor version, the plan asks to downgrade to the pinned minor and the apply fails (review D1).',
    },
    {
      rule: LogGroupWaitsForKeyPolicy,
      level: 'error',
      explanation: 'CloudWatch Logs checks the key policy at CreateLogGroup; without the dependency the first apply fails intermittently (review F5).',
    },
    {
      rule: LoadBalancerWaitsForLogBucketPolicy,
      level: 'error',
      explanation:
        'ELB checks write access to the log bucket when access logs are enabled; without the dependency the first apply fails intermittently (review F5).',
    },
    {
      rule: ForEachKeysKnownAtPlan,
      level: 'error',
      explanation: 'Terraform refuses a plan whose for_each keys are known only after apply: the first deploy of the stack cannot start (review F1).',
    },
    // Request path: what a deployed cluster stage needs to serve its product (docs/traffic.md)
    {
      rule: PublicServiceReachable,
      level: 'error',
      explanation:
        'A public port missing one link of the path from the internet answers 404 or 503 and every Cloudflare pool is marked down (review R1, R2): nothing reaches the service.',
    },
    {
      rule: DataStoreNetworkPath,
      level: 'error',
      explanation:
        'A service without a network path to a store it declares times out at start or on its first query: the security group or the NetworkPolicy drops the packets.',
    },
    {
      rule: DataStoreCredential,
      level: 'error',
      explanation:
        'A service without its own credential at a store it declares cannot connect (MSK and OpenSearch deny it, CockroachDB in secure mode refuses it), or connects as the master user and breaks when the master secret rotates (issue 15, review R4–R6, R10).',
    },
    {
      rule: OriginMonitorRouted,
      level: 'error',
      explanation:
        'A monitor probe the ALB answers with its default 404 marks every pool down: all traffic goes to the fallback pool, and steering and failover never happen.',
    },
    {
      rule: KubernetesJobChangeApplies,
      level: 'error',
      explanation:
        "The API refuses any change to a Job's pod template; a Job patched in place, or replaced while the old one holds its name, fails the apply (review D2).",
    },
    {
      rule: ChainedRoleAllowsTagSession,
      level: 'error',
      explanation:
        "Pod Identity's session tags are transitive: a pod that assumes a further role without sts:TagSession is refused, so the Job that needs that role fails and the apply with it (issue 15).",
    },
    {
      rule: CurlSigV4PathEncoding,
      level: 'error',
      explanation:
        'A request the service refuses fails the Job that sends it, and a Job the apps stacks wait for fails the apply (the kafka-topics Job, issue 15).',
    },
    {
      rule: WaitedSecretWrittenByDeploy,
      level: 'error',
      explanation:
        'A rollout that waits for a value only an operator puts fails the first deploy at the create timeout, and on massive the later regions never deploy (issue 15).',
    },
    {
      rule: AwsProviderAllowedAccount,
      level: 'error',
      explanation:
        'A deploy with the wrong credentials creates every resource in the wrong account, with policies and ARNs that point at the right one (issue 15).',
    },
    {
      rule: AwsAccountNamed,
      level: 'warning',
      explanation:
        'Without the account ID, the first plan shows every bucket name and most policies as "(known after apply)": the reviewer approves permissions they cannot read (issue 14).',
    },
    {
      rule: NamedCrossStackResourceOrdered,
      level: 'error',
      explanation:
        "Terraform orders references, not names: cdktf deploy '*' runs stacks without a dependency at once, so a standby's cluster joins a global cluster, or a replica names a key alias, that does not exist yet, and two stacks naming each other's resources can never deploy (global-db review).",
    },
  ],
};
