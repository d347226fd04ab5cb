/** Every rule, in id order. A rule file exports one rule named after the file. */
import { GeneratedSecretNotInState } from './encryption-at-rest/GeneratedSecretNotInState';
import { StateSecretOnlyForBrokerAdmin } from './encryption-at-rest/StateSecretOnlyForBrokerAdmin';
import { RdsStorageEncrypted } from './encryption-at-rest/RdsStorageEncrypted';
import { RdsCustomerManagedKey } from './encryption-at-rest/RdsCustomerManagedKey';
import { ElastiCacheEncryptedAtRest } from './encryption-at-rest/ElastiCacheEncryptedAtRest';
import { S3BucketEncrypted } from './encryption-at-rest/S3BucketEncrypted';
import { S3BucketKmsEncrypted } from './encryption-at-rest/S3BucketKmsEncrypted';
import { EbsVolumeEncrypted } from './encryption-at-rest/EbsVolumeEncrypted';
import { LaunchTemplateVolumesEncrypted } from './encryption-at-rest/LaunchTemplateVolumesEncrypted';
import { InstanceRootVolumeEncrypted } from './encryption-at-rest/InstanceRootVolumeEncrypted';
import { MskCustomerManagedKey } from './encryption-at-rest/MskCustomerManagedKey';
import { OpenSearchEncryptedAtRest } from './encryption-at-rest/OpenSearchEncryptedAtRest';
import { MqBrokerCustomerManagedKey } from './encryption-at-rest/MqBrokerCustomerManagedKey';
import { LogGroupEncrypted } from './encryption-at-rest/LogGroupEncrypted';
import { SnsTopicEncrypted } from './encryption-at-rest/SnsTopicEncrypted';
import { SecretCustomerManagedKey } from './encryption-at-rest/SecretCustomerManagedKey';
import { EksSecretsEncrypted } from './encryption-at-rest/EksSecretsEncrypted';
import { BackupVaultEncrypted } from './encryption-at-rest/BackupVaultEncrypted';
import { RdsForceSsl } from './encryption-in-transit/RdsForceSsl';
import { ElastiCacheTransitEncryptionAndAuth } from './encryption-in-transit/ElastiCacheTransitEncryptionAndAuth';
import { MskTlsInTransit } from './encryption-in-transit/MskTlsInTransit';
import { OpenSearchEnforceHttps } from './encryption-in-transit/OpenSearchEnforceHttps';
import { OpenSearchNodeToNodeEncryption } from './encryption-in-transit/OpenSearchNodeToNodeEncryption';
import { S3BucketTlsOnly } from './encryption-in-transit/S3BucketTlsOnly';
import { HttpListenerRedirectsToHttps } from './encryption-in-transit/HttpListenerRedirectsToHttps';
import { PoolerClientTls } from './encryption-in-transit/PoolerClientTls';
import { SecurityGroupNoWorldIngress } from './public-exposure/SecurityGroupNoWorldIngress';
import { RdsNotPubliclyAccessible } from './public-exposure/RdsNotPubliclyAccessible';
import { EksEndpointRestricted } from './public-exposure/EksEndpointRestricted';
import { EksApiReachableByDeployer } from './public-exposure/EksApiReachableByDeployer';
import { S3BucketPublicAccessBlocked } from './public-exposure/S3BucketPublicAccessBlocked';
import { MqBrokerNotPublic } from './public-exposure/MqBrokerNotPublic';
import { OpenSearchInVpc } from './public-exposure/OpenSearchInVpc';
import { MskNotPublic } from './public-exposure/MskNotPublic';
import { LoadBalancerListenerVerifiesClients } from './public-exposure/LoadBalancerListenerVerifiesClients';
import { ZoneAuthenticatedOriginPulls } from './public-exposure/ZoneAuthenticatedOriginPulls';
import { MskNoUnauthenticatedAccess } from './public-exposure/MskNoUnauthenticatedAccess';
import { SubnetNoAutoPublicIp } from './public-exposure/SubnetNoAutoPublicIp';
import { DefaultSecurityGroupClosed } from './public-exposure/DefaultSecurityGroupClosed';
import { RateLimitPathSpellings } from './public-exposure/RateLimitPathSpellings';
import { LaunchTemplateImdsv2Required } from './imdsv2/LaunchTemplateImdsv2Required';
import { LaunchTemplateImdsHopLimit } from './imdsv2/LaunchTemplateImdsHopLimit';
import { InstanceImdsv2 } from './imdsv2/InstanceImdsv2';
import { EksNodeGroupHardenedTemplate } from './imdsv2/EksNodeGroupHardenedTemplate';
import { RdsDeletionProtection } from './deletion-protection-and-backups/RdsDeletionProtection';
import { RdsBackupRetention } from './deletion-protection-and-backups/RdsBackupRetention';
import { RdsFinalSnapshot } from './deletion-protection-and-backups/RdsFinalSnapshot';
import { ElastiCacheSnapshots } from './deletion-protection-and-backups/ElastiCacheSnapshots';
import { StatefulResourcePreventDestroy } from './deletion-protection-and-backups/StatefulResourcePreventDestroy';
import { LoadBalancerDeletionProtection } from './deletion-protection-and-backups/LoadBalancerDeletionProtection';
import { InstanceTerminationProtection } from './deletion-protection-and-backups/InstanceTerminationProtection';
import { EbsVolumeFinalSnapshot } from './deletion-protection-and-backups/EbsVolumeFinalSnapshot';
import { S3BucketVersioning } from './deletion-protection-and-backups/S3BucketVersioning';
import { StatefulResourcesBackedUp } from './deletion-protection-and-backups/StatefulResourcesBackedUp';
import { EksControlPlaneLogging } from './logging/EksControlPlaneLogging';
import { LoadBalancerAccessLogs } from './logging/LoadBalancerAccessLogs';
import { RdsLogExports } from './logging/RdsLogExports';
import { OpenSearchLogPublishing } from './logging/OpenSearchLogPublishing';
import { MskBrokerLogs } from './logging/MskBrokerLogs';
import { MqBrokerLogs } from './logging/MqBrokerLogs';
import { ElastiCacheSlowLog } from './logging/ElastiCacheSlowLog';
import { VpcFlowLogs } from './logging/VpcFlowLogs';
import { S3BucketAccessLogging } from './logging/S3BucketAccessLogging';
import { LogGroupRetention } from './logging/LogGroupRetention';
import { KmsKeyRotation } from './kms-rotation/KmsKeyRotation';
import { KmsKeyDeletionWindow } from './kms-rotation/KmsKeyDeletionWindow';
import { LoadBalancerListenerTlsPolicy } from './tls/LoadBalancerListenerTlsPolicy';
import { OpenSearchTlsPolicy } from './tls/OpenSearchTlsPolicy';
import { CloudflareMinTlsVersion } from './tls/CloudflareMinTlsVersion';
import { PodRunAsNonRoot } from './kubernetes-pod-hardening/PodRunAsNonRoot';
import { ContainerReadOnlyRootFilesystem } from './kubernetes-pod-hardening/ContainerReadOnlyRootFilesystem';
import { ContainerNoPrivilegeEscalation } from './kubernetes-pod-hardening/ContainerNoPrivilegeEscalation';
import { ContainerDropAllCapabilities } from './kubernetes-pod-hardening/ContainerDropAllCapabilities';
import { ContainerNotPrivileged } from './kubernetes-pod-hardening/ContainerNotPrivileged';
import { ContainerProbes } from './kubernetes-pod-hardening/ContainerProbes';
import { ContainerResources } from './kubernetes-pod-hardening/ContainerResources';
import { PodSecretsProduced } from './kubernetes-pod-hardening/PodSecretsProduced';
import { WorkloadProvisionsProduced } from './kubernetes-pod-hardening/WorkloadProvisionsProduced';
import { QueueScaledWorkloadHasScaler } from './kubernetes-pod-hardening/QueueScaledWorkloadHasScaler';
import { DatabasesMultiAzWithReplica } from './stage-aware/DatabasesMultiAzWithReplica';
import { CacheFailover } from './stage-aware/CacheFailover';
import { SingleHostBackups } from './stage-aware/SingleHostBackups';
import { MassiveMultiRegionCockroach } from './stage-aware/MassiveMultiRegionCockroach';
import { StandaloneHostsBeforeGrowth } from './stage-aware/StandaloneHostsBeforeGrowth';
import { HostReleaseDelivered } from './stage-aware/HostReleaseDelivered';
import { HostReleaseSecretsFetched } from './stage-aware/HostReleaseSecretsFetched';
import { HostContainersFit } from './stage-aware/HostContainersFit';
import { NoForeignInterpolation } from './injection/NoForeignInterpolation';
import { PublicServiceReachable } from './request-path/PublicServiceReachable';
import { DataStoreNetworkPath } from './request-path/DataStoreNetworkPath';
import { CloudflareMonitorInterval } from './preflight/CloudflareMonitorInterval';
import { CloudflareLoadBalancingAddon } from './preflight/CloudflareLoadBalancingAddon';
import { CloudflareSteeringPolicy } from './preflight/CloudflareSteeringPolicy';
import { CloudflareRateLimitFeatures } from './preflight/CloudflareRateLimitFeatures';
import { CloudflareRulesPerPhase } from './preflight/CloudflareRulesPerPhase';
import { CloudflareCustomRuleExpressions } from './preflight/CloudflareCustomRuleExpressions';
import { CloudflareDurableObjects } from './preflight/CloudflareDurableObjects';
import { KmsKeyAllowsAutoScaling } from './preflight/KmsKeyAllowsAutoScaling';
import { KmsKeyAllowsServices } from './preflight/KmsKeyAllowsServices';
import { CreateBeforeDestroyFixedName } from './preflight/CreateBeforeDestroyFixedName';
import { FinalSnapshotIdentifierFixed } from './preflight/FinalSnapshotIdentifierFixed';
import { EngineMinorPinnedWithAutoUpgrade } from './preflight/EngineMinorPinnedWithAutoUpgrade';
import { LogGroupWaitsForKeyPolicy } from './preflight/LogGroupWaitsForKeyPolicy';
import { NamedCrossStackResourceOrdered } from './preflight/NamedCrossStackResourceOrdered';
import { LoadBalancerWaitsForLogBucketPolicy } from './preflight/LoadBalancerWaitsForLogBucketPolicy';
import { ForEachKeysKnownAtPlan } from './preflight/ForEachKeysKnownAtPlan';
import { DataStoreCredential } from './request-path/DataStoreCredential';
import { OriginMonitorRouted } from './request-path/OriginMonitorRouted';
import { KubernetesJobChangeApplies } from './preflight/KubernetesJobChangeApplies';
import { ChainedRoleAllowsTagSession } from './preflight/ChainedRoleAllowsTagSession';
import { CurlSigV4PathEncoding } from './preflight/CurlSigV4PathEncoding';
import { WaitedSecretWrittenByDeploy } from './preflight/WaitedSecretWrittenByDeploy';
import { AwsProviderAllowedAccount } from './preflight/AwsProviderAllowedAccount';
import { AwsAccountNamed } from './preflight/AwsAccountNamed';
import { Rule } from '../types';

export const ALL_RULES: readonly Rule[] = [
  RdsStorageEncrypted,
  RdsCustomerManagedKey,
  ElastiCacheEncryptedAtRest,
  S3BucketEncrypted,
  S3BucketKmsEncrypted,
  EbsVolumeEncrypted,
  LaunchTemplateVolumesEncrypted,
  InstanceRootVolumeEncrypted,
  MskCustomerManagedKey,
  OpenSearchEncryptedAtRest,
  MqBrokerCustomerManagedKey,
  LogGroupEncrypted,
  SnsTopicEncrypted,
  SecretCustomerManagedKey,
  EksSecretsEncrypted,
  BackupVaultEncrypted,
  GeneratedSecretNotInState,
  StateSecretOnlyForBrokerAdmin,
  RdsForceSsl,
  ElastiCacheTransitEncryptionAndAuth,
  MskTlsInTransit,
  OpenSearchEnforceHttps,
  OpenSearchNodeToNodeEncryption,
  S3BucketTlsOnly,
  HttpListenerRedirectsToHttps,
  PoolerClientTls,
  SecurityGroupNoWorldIngress,
  RdsNotPubliclyAccessible,
  EksEndpointRestricted,
  S3BucketPublicAccessBlocked,
  MqBrokerNotPublic,
  OpenSearchInVpc,
  MskNotPublic,
  MskNoUnauthenticatedAccess,
  SubnetNoAutoPublicIp,
  DefaultSecurityGroupClosed,
  LoadBalancerListenerVerifiesClients,
  ZoneAuthenticatedOriginPulls,
  RateLimitPathSpellings,
  EksApiReachableByDeployer,
  LaunchTemplateImdsv2Required,
  LaunchTemplateImdsHopLimit,
  InstanceImdsv2,
  EksNodeGroupHardenedTemplate,
  RdsDeletionProtection,
  RdsBackupRetention,
  RdsFinalSnapshot,
  ElastiCacheSnapshots,
  StatefulResourcePreventDestroy,
  LoadBalancerDeletionProtection,
  InstanceTerminationProtection,
  EbsVolumeFinalSnapshot,
  S3BucketVersioning,
  StatefulResourcesBackedUp,
  EksControlPlaneLogging,
  LoadBalancerAccessLogs,
  RdsLogExports,
  OpenSearchLogPublishing,
  MskBrokerLogs,
  MqBrokerLogs,
  ElastiCacheSlowLog,
  VpcFlowLogs,
  S3BucketAccessLogging,
  LogGroupRetention,
  KmsKeyRotation,
  KmsKeyDeletionWindow,
  LoadBalancerListenerTlsPolicy,
  OpenSearchTlsPolicy,
  CloudflareMinTlsVersion,
  PodRunAsNonRoot,
  ContainerReadOnlyRootFilesystem,
  ContainerNoPrivilegeEscalation,
  ContainerDropAllCapabilities,
  ContainerNotPrivileged,
  ContainerProbes,
  ContainerResources,
  PodSecretsProduced,
  WorkloadProvisionsProduced,
  QueueScaledWorkloadHasScaler,
  DatabasesMultiAzWithReplica,
  CacheFailover,
  SingleHostBackups,
  MassiveMultiRegionCockroach,
  StandaloneHostsBeforeGrowth,
  HostReleaseDelivered,
  HostReleaseSecretsFetched,
  HostContainersFit,
  NoForeignInterpolation,
  PublicServiceReachable,
  DataStoreNetworkPath,
  CloudflareMonitorInterval,
  CloudflareLoadBalancingAddon,
  CloudflareSteeringPolicy,
  CloudflareRateLimitFeatures,
  CloudflareRulesPerPhase,
  CloudflareDurableObjects,
  KmsKeyAllowsAutoScaling,
  KmsKeyAllowsServices,
  CreateBeforeDestroyFixedName,
  FinalSnapshotIdentifierFixed,
  EngineMinorPinnedWithAutoUpgrade,
  LogGroupWaitsForKeyPolicy,
  LoadBalancerWaitsForLogBucketPolicy,
  ForEachKeysKnownAtPlan,
  CloudflareCustomRuleExpressions,
  DataStoreCredential,
  OriginMonitorRouted,
  KubernetesJobChangeApplies,
  ChainedRoleAllowsTagSession,
  CurlSigV4PathEncoding,
  WaitedSecretWrittenByDeploy,
  AwsProviderAllowedAccount,
  AwsAccountNamed,
  NamedCrossStackResourceOrdered,
];
