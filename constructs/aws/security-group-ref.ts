/** Anything with a security group ID: a SecurityGroup, or the group EKS creates for its nodes. */
export interface SecurityGroupRef {
  readonly id: string;
}
