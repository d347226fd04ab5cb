/**
 * The node arithmetic a CockroachDB pod is sized from, checked against the figures the sources
 * publish, and the property that matters: on every instance type Stagecraft knows, the pod's
 * requests fit what the managed node leaves for it.
 */
import { EC2_SPECS, SYSTEM_PODS_PER_NODE } from '../../sizing/instance-specs';
import {
  EVICTION_HARD_MEMORY_MIB,
  kubeReservedMemoryMiB,
  kubeReservedMillicores,
  managedNodeAllocatable,
  managedNodeGroupMaxPods,
  VM_MEMORY_OVERHEAD_FRACTION,
} from '../../sizing/node-allocatable';
import { cockroachPodResources } from '../../services/platform/cockroachdb/placement';
import { resolveAssumptions } from '../../config/assumptions';

const ASSUMED = resolveAssumptions();
const DAEMON_SETS = { vcpu: ASSUMED.nodeSystemCpu, memoryGiB: ASSUMED.nodeSystemMemoryGiB, pods: SYSTEM_PODS_PER_NODE };

describe('managed node allocatable', () => {
  it('caps max pods as managed node groups do: the ENI limit, at most 110 below 30 vCPUs and 250 from 30', () => {
    // m6i.4xlarge: 234 by ENIs (eni-max-pods.txt), 16 vCPUs → the managed node group writes 110.
    expect(managedNodeGroupMaxPods(EC2_SPECS['m6i.4xlarge'])).toBe(110);
    // m6i.large: 29 by ENIs, below the cap.
    expect(managedNodeGroupMaxPods(EC2_SPECS['m6i.large'])).toBe(29);
    // m6i.12xlarge: 48 vCPUs → cap 250, above its 234 ENI pods.
    expect(managedNodeGroupMaxPods(EC2_SPECS['m6i.12xlarge'])).toBe(234);
  });

  it("reserves what the EKS AMI's kube-reserved formula reserves", () => {
    // 6 % of core 1, 1 % of core 2, 0.5 % of cores 3–4, 0.25 % of the 12 others: 60 + 10 + 2×5 + 12×2.5.
    expect(kubeReservedMillicores(16)).toBe(60 + 10 + 10 + 30);
    expect(kubeReservedMillicores(2)).toBe(70);
    expect(kubeReservedMemoryMiB(110)).toBe(11 * 110 + 255);
  });

  it('leaves m6i.4xlarge pods 15.6 vCPU and 57.2 GiB, not the 60 GiB the nominal memory and ENI max pods suggested', () => {
    const node = managedNodeAllocatable(EC2_SPECS['m6i.4xlarge'], DAEMON_SETS);
    const capacity = 64 * 1024 * (1 - VM_MEMORY_OVERHEAD_FRACTION);
    expect(node.capacityMemoryMiB).toBeCloseTo(capacity, 6);
    expect(node.memoryMiB).toBeCloseTo(capacity - (11 * 110 + 255) - EVICTION_HARD_MEMORY_MIB - DAEMON_SETS.memoryGiB * 1024, 6);
    expect(node.cpuMillicores).toBe(16_000 - 110 - DAEMON_SETS.vcpu * 1000);
    expect(node.pods).toBe(110 - SYSTEM_PODS_PER_NODE);
    // The request the review found (15 CPU / 60 Gi) would never schedule on this node.
    expect(60 * 1024).toBeGreaterThan(node.memoryMiB);
    expect(cockroachPodResources('m6i.4xlarge', DAEMON_SETS)).toEqual({ cpu: 15, memoryGiB: 57 });
  });

  it.each(Object.keys(EC2_SPECS))('sizes a CockroachDB pod on %s that fits the node', (instanceType) => {
    const node = managedNodeAllocatable(EC2_SPECS[instanceType], DAEMON_SETS);
    const pod = cockroachPodResources(instanceType, DAEMON_SETS);
    expect(pod.cpu * 1000).toBeLessThanOrEqual(node.cpuMillicores);
    expect(pod.memoryGiB * 1024).toBeLessThanOrEqual(node.memoryMiB);
  });
});
