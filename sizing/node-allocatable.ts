/**
 * What an EKS managed node really offers pods, from the sources that decide it, so a pod that
 * must fit one node (a CockroachDB pod takes its node whole) is sized to fit:
 *
 * - capacity: the memory the kernel reports, below the nominal EC2 figure. Stagecraft takes
 *   Karpenter's default VM overhead, 7.5 % of nominal (Karpenter `vmMemoryOverheadPercent`,
 *   karpenter.sh/docs/reference/settings), as a measured-on-average figure;
 * - max pods: managed node groups without a custom AMI write `maxPods` into the node's user data,
 *   the ENI limit capped at 110 below 30 vCPUs and 250 from 30 (Amazon EKS User Guide, "Amazon
 *   EKS recommended maximum Pods", managed node group enforcement), not the ENI table alone;
 * - kube-reserved: the EKS optimized AMI's formula (awslabs/amazon-eks-ami, nodeadm
 *   `getCPUMillicoresToReserve` and `11 * maxPods + 255` MiB of memory), on those max pods;
 * - eviction: the AMI's hard threshold `memory.available<100Mi`, held back from allocatable;
 * - DaemonSets: the requests of the pods every node runs (the nodeSystem* assumptions).
 */
import { Ec2Spec } from './instance-specs';

/** Karpenter's default share of nominal memory the hypervisor and kernel keep. */
export const VM_MEMORY_OVERHEAD_FRACTION = 0.075;
/** The EKS AMI's hard eviction threshold, MiB. */
export const EVICTION_HARD_MEMORY_MIB = 100;
/** Managed node groups cap max pods at 110 below this many vCPUs, at 250 from it. */
const MAX_PODS_VCPU_THRESHOLD = 30;

/** The max pods a managed node group without a custom AMI gives a node of `spec`. */
export function managedNodeGroupMaxPods(spec: Ec2Spec): number {
  return Math.min(spec.maxPods, spec.vcpu < MAX_PODS_VCPU_THRESHOLD ? 110 : 250);
}

/** kube-reserved CPU of the EKS AMI: 6 % of the first core, 1 % of the second, 0.5 % of cores 3–4, 0.25 % of the rest. */
export function kubeReservedMillicores(vcpu: number): number {
  return 60 * Math.min(vcpu, 1) + 10 * Math.min(Math.max(vcpu - 1, 0), 1) + 5 * Math.min(Math.max(vcpu - 2, 0), 2) + 2.5 * Math.max(vcpu - 4, 0);
}

/** kube-reserved memory of the EKS AMI for a node with `maxPods`, MiB. */
export function kubeReservedMemoryMiB(maxPods: number): number {
  return 11 * maxPods + 255;
}

/** One step of the arithmetic, for reports and tests. */
export interface NodeAllocatableBreakdown {
  readonly maxPods: number;
  readonly capacityMemoryMiB: number;
  readonly kubeReservedMillicores: number;
  readonly kubeReservedMemoryMiB: number;
  readonly evictionMemoryMiB: number;
  /** Left for workload pods once the DaemonSets have their requests. */
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
  /** Pod slots left for workloads after the DaemonSets' pods. */
  readonly pods: number;
}

/** What a managed node of `spec` leaves for workload pods after kubelet, eviction and the DaemonSets' requests. */
export function managedNodeAllocatable(
  spec: Ec2Spec,
  daemonSets: { readonly vcpu: number; readonly memoryGiB: number; readonly pods: number },
): NodeAllocatableBreakdown {
  const maxPods = managedNodeGroupMaxPods(spec);
  const capacityMemoryMiB = spec.memoryGiB * 1024 * (1 - VM_MEMORY_OVERHEAD_FRACTION);
  const cpuReserved = kubeReservedMillicores(spec.vcpu);
  const memoryReserved = kubeReservedMemoryMiB(maxPods);
  return {
    maxPods,
    capacityMemoryMiB,
    kubeReservedMillicores: cpuReserved,
    kubeReservedMemoryMiB: memoryReserved,
    evictionMemoryMiB: EVICTION_HARD_MEMORY_MIB,
    cpuMillicores: spec.vcpu * 1000 - cpuReserved - daemonSets.vcpu * 1000,
    memoryMiB: capacityMemoryMiB - memoryReserved - EVICTION_HARD_MEMORY_MIB - daemonSets.memoryGiB * 1024,
    pods: maxPods - daemonSets.pods,
  };
}
