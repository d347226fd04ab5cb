/**
 * Hardware facts the sizing needs: vCPU, memory and pod density of the EC2 types the platform
 * runs nodes and hosts on, and the memory of ElastiCache node types. Pure data.
 */

/** An EC2 instance type as the scheduler sees it. */
export interface Ec2Spec {
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Pods per node with the VPC CNI without prefix delegation (ENIs × (IPs per ENI − 1) + 2). */
  readonly maxPods: number;
}

/** Source: Amazon EC2 instance type specifications; max pods from the amazon-eks-ami eni-max-pods.txt table. */
export const EC2_SPECS: Readonly<Record<string, Ec2Spec>> = {
  't3.medium': { vcpu: 2, memoryGiB: 4, maxPods: 17 },
  't3.large': { vcpu: 2, memoryGiB: 8, maxPods: 35 },
  't3.xlarge': { vcpu: 4, memoryGiB: 16, maxPods: 58 },
  't3.2xlarge': { vcpu: 8, memoryGiB: 32, maxPods: 58 },
  'm5.large': { vcpu: 2, memoryGiB: 8, maxPods: 29 },
  'm5.xlarge': { vcpu: 4, memoryGiB: 16, maxPods: 58 },
  'm5.2xlarge': { vcpu: 8, memoryGiB: 32, maxPods: 58 },
  'm5.4xlarge': { vcpu: 16, memoryGiB: 64, maxPods: 234 },
  'm6i.large': { vcpu: 2, memoryGiB: 8, maxPods: 29 },
  'm6i.xlarge': { vcpu: 4, memoryGiB: 16, maxPods: 58 },
  'm6i.2xlarge': { vcpu: 8, memoryGiB: 32, maxPods: 58 },
  'm6i.4xlarge': { vcpu: 16, memoryGiB: 64, maxPods: 234 },
  'm6i.8xlarge': { vcpu: 32, memoryGiB: 128, maxPods: 234 },
  'm6i.12xlarge': { vcpu: 48, memoryGiB: 192, maxPods: 234 },
  'm7i.large': { vcpu: 2, memoryGiB: 8, maxPods: 29 },
  'm7i.xlarge': { vcpu: 4, memoryGiB: 16, maxPods: 58 },
  'm7i.2xlarge': { vcpu: 8, memoryGiB: 32, maxPods: 58 },
  'm7i.4xlarge': { vcpu: 16, memoryGiB: 64, maxPods: 234 },
  'c6i.large': { vcpu: 2, memoryGiB: 4, maxPods: 29 },
  'c6i.xlarge': { vcpu: 4, memoryGiB: 8, maxPods: 58 },
  'c6i.2xlarge': { vcpu: 8, memoryGiB: 16, maxPods: 58 },
  'c6i.4xlarge': { vcpu: 16, memoryGiB: 32, maxPods: 234 },
  'r6i.large': { vcpu: 2, memoryGiB: 16, maxPods: 29 },
  'r6i.xlarge': { vcpu: 4, memoryGiB: 32, maxPods: 58 },
  'r6i.2xlarge': { vcpu: 8, memoryGiB: 64, maxPods: 58 },
  'r6i.4xlarge': { vcpu: 16, memoryGiB: 128, maxPods: 234 },
};

/** What a node offers pods once kubelet, the OS and system DaemonSets have their share. */
export interface Allocatable {
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Pods left for workloads after the system DaemonSets (4 per node here). */
  readonly pods: number;
}

/** DaemonSet pods on every node: aws-node, kube-proxy, eks-pod-identity-agent, ebs-csi-node. */
export const SYSTEM_PODS_PER_NODE = 4;

/**
 * kube-reserved of the EKS optimized AMIs: CPU 6% of the first core, 1% of the second, 0.5% of
 * cores 3–4 and 0.25% of the rest; memory 255 MiB + 11 MiB per pod; plus the 100 MiB hard
 * eviction threshold. Source: awslabs/amazon-eks-ami bootstrap (kube-reserved calculation).
 */
export function kubeletReserved(spec: Ec2Spec): { vcpu: number; memoryGiB: number } {
  const cores = spec.vcpu;
  const millicores =
    60 * Math.min(cores, 1) + 10 * Math.min(Math.max(cores - 1, 0), 1) + 5 * Math.min(Math.max(cores - 2, 0), 2) + 2.5 * Math.max(cores - 4, 0);
  const memoryMiB = 255 + 11 * spec.maxPods + 100;
  return { vcpu: millicores / 1000, memoryGiB: memoryMiB / 1024 };
}

/** Allocatable resources of one node, after kubelet and `system` (the nodeSystem* assumptions). */
export function allocatable(spec: Ec2Spec, system: { vcpu: number; memoryGiB: number }): Allocatable {
  const reserved = kubeletReserved(spec);
  return {
    vcpu: spec.vcpu - reserved.vcpu - system.vcpu,
    memoryGiB: spec.memoryGiB - reserved.memoryGiB - system.memoryGiB,
    pods: spec.maxPods - SYSTEM_PODS_PER_NODE,
  };
}

/** Memory of ElastiCache node types, GiB. Source: Amazon ElastiCache "Supported node types". */
export const CACHE_NODE_MEMORY_GIB: Readonly<Record<string, number>> = {
  'cache.t4g.micro': 0.5,
  'cache.t4g.small': 1.37,
  'cache.t4g.medium': 3.09,
  'cache.m6g.large': 6.38,
  'cache.m6g.xlarge': 12.93,
  'cache.m6g.2xlarge': 26.04,
  'cache.m7g.large': 6.38,
  'cache.m7g.xlarge': 12.93,
  'cache.r6g.large': 13.07,
  'cache.r6g.xlarge': 26.32,
  'cache.r6g.2xlarge': 52.82,
  'cache.r6g.4xlarge': 105.81,
  'cache.r6g.8xlarge': 209.55,
  'cache.r7g.large': 13.07,
  'cache.r7g.xlarge': 26.32,
  'cache.r7g.2xlarge': 52.82,
  'cache.r7g.4xlarge': 105.81,
};

/**
 * Burstable types: the vCPU a type may use on average without spending more CPU credits than it
 * earns (baseline utilisation per vCPU × vCPUs). Above it, unlimited mode (the default for T3)
 * bills surplus credits. Source: Amazon EC2 User Guide, "Key concepts and definitions for
 * burstable performance instances", baseline utilization per vCPU (t3.micro 10%, small and medium
 * 20%, large 30%, xlarge and 2xlarge 40%).
 */
export const BURSTABLE_BASELINE_VCPU: Readonly<Record<string, number>> = {
  't3.micro': 2 * 0.1,
  't3.small': 2 * 0.2,
  't3.medium': 2 * 0.2,
  't3.large': 2 * 0.3,
  't3.xlarge': 4 * 0.4,
  't3.2xlarge': 8 * 0.4,
};
