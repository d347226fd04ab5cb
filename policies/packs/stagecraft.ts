/**
 * The Stagecraft pack: every rule with its level and why it matters. Errors fail `stagecraft
 * check`; warnings fail it only with `--level warning` (and `npm test` requires none of either).
 */
import { Pack } from '../types';

export const STAGECRAFT_PACK: Pack = {
  name: 'stagecraft',
  rules: {
    // Encryption at rest
    'SC-EAR-1': { level: 'error', explanation: 'An unencrypted database exposes every row to anyone who gets a snapshot or a disk; encryption can only be turned on by replacing the database.' },
    'SC-EAR-2': { level: 'warning', explanation: 'With the AWS-managed key, snapshots cannot be shared across accounts and key use cannot be limited by key policy.' },
    'SC-EAR-3': { level: 'error', explanation: 'Redis snapshots and swap hold session data and tokens; encryption at rest can only be set when the group is created.' },
    'SC-EAR-4': { level: 'error', explanation: 'Declaring default encryption keeps it visible in review and stops a later change from dropping it silently.' },
    'SC-EAR-5': { level: 'warning', explanation: 'SSE-KMS puts object access under the key policy and CloudTrail; SSE-S3 does not.' },
    'SC-EAR-6': { level: 'error', explanation: 'The launch host keeps Postgres and Redis data on its data volume; an unencrypted volume leaks it through snapshots.' },
    'SC-EAR-7': { level: 'error', explanation: 'Root volumes hold container images, logs and swap; the AMI decides their encryption unless the template does.' },
    'SC-EAR-8': { level: 'error', explanation: 'Same as SC-EAR-7, for instances that do not use a launch template.' },
    'SC-EAR-9': { level: 'warning', explanation: 'MSK always encrypts at rest; a customer-managed key puts the data under our key policy and rotation.' },
    'SC-EAR-10': { level: 'error', explanation: 'Search indices hold copies of product data; encryption at rest can only be turned on with a new domain on older engines.' },
    'SC-EAR-11': { level: 'warning', explanation: 'A customer-managed key puts broker data under our key policy. Amazon MQ for RabbitMQ accepts only an AWS-owned key, so RabbitMQ brokers suppress this with that reason.' },
    'SC-EAR-12': { level: 'warning', explanation: 'Logs carry SQL statements, request headers and sometimes tokens; a customer-managed key keeps them under our key policy.' },
    'SC-EAR-13': { level: 'error', explanation: 'Alarm messages name hosts, databases and thresholds; an unencrypted topic stores them in clear.' },
    'SC-EAR-14': { level: 'warning', explanation: 'Generated credentials should be readable only by principals the key policy allows.' },
    'SC-EAR-15': { level: 'error', explanation: 'Kubernetes secrets are only base64 in etcd unless EKS envelope-encrypts them with a KMS key.' },
    'SC-EAR-16': { level: 'warning', explanation: 'Recovery points are full copies of the data; a customer-managed key keeps restores under our key policy.' },
    // Encryption in transit
    'SC-EIT-1': { level: 'error', explanation: 'Without rds.force_ssl, a misconfigured client sends credentials and rows in clear inside the VPC.' },
    'SC-EIT-2': { level: 'error', explanation: 'Redis without TLS and AUTH lets anything in the security group read and write every key.' },
    'SC-EIT-3': { level: 'error', explanation: 'Kafka messages carry product events; plaintext listeners expose them to anything on the network path.' },
    'SC-EIT-4': { level: 'error', explanation: 'Without enforce_https, the search API accepts requests and returns documents over plain HTTP.' },
    'SC-EIT-5': { level: 'error', explanation: 'Shards move between nodes in clear unless node-to-node encryption is on; it cannot be turned off later without a new domain.' },
    'SC-EIT-6': { level: 'error', explanation: 'S3 accepts plain HTTP unless the bucket policy denies it.' },
    'SC-EIT-7': { level: 'error', explanation: 'A plain HTTP listener that forwards serves the product in clear; port 80 must only redirect.' },
    // Public exposure
    'SC-PUB-1': { level: 'error', explanation: 'An ingress rule open to the internet bypasses Cloudflare (WAF, rate limits) and exposes the port to scanners.' },
    'SC-PUB-2': { level: 'error', explanation: 'A publicly accessible database gets a public DNS name and can be reached from the internet if a rule allows it.' },
    'SC-PUB-3': { level: 'error', explanation: 'An EKS API open to the internet is one leaked kubeconfig or one API server flaw away from the cluster.' },
    'SC-PUB-4': { level: 'error', explanation: 'Without all four public access block settings, one ACL or policy change can make objects public.' },
    'SC-PUB-5': { level: 'error', explanation: 'A public broker exposes the management console and AMQP to the internet.' },
    'SC-PUB-6': { level: 'error', explanation: 'A domain outside a VPC has a public endpoint guarded only by its access policy.' },
    'SC-PUB-7': { level: 'error', explanation: 'Public broker endpoints expose Kafka to the internet.' },
    'SC-PUB-8': { level: 'error', explanation: 'Unauthenticated Kafka lets any client that reaches a broker read and write every topic.' },
    'SC-PUB-9': { level: 'error', explanation: 'Auto-assigned public IPs make every instance in the subnet reachable from the internet by default.' },
    'SC-PUB-10': { level: 'error', explanation: 'Resources launched without a security group get the default group; it must allow nothing.' },
    // IMDSv2
    'SC-IMD-1': { level: 'error', explanation: 'IMDSv1 answers any request, so an SSRF bug hands out the instance role\'s credentials.' },
    'SC-IMD-2': { level: 'error', explanation: 'With a hop limit above 1, containers can reach the metadata service and take the node role\'s credentials.' },
    'SC-IMD-3': { level: 'error', explanation: 'Application hosts get IMDSv2 with one hop, like cluster nodes.' },
    'SC-IMD-4': { level: 'error', explanation: 'Without a launch template, EKS sets the hop limit to 2, and every pod can act as the node.' },
    // Deletion protection and backups
    'SC-DP-1': { level: 'error', explanation: 'Deletion protection stops a console click or an API call from deleting the database.' },
    'SC-DP-2': { level: 'error', explanation: 'Point-in-time recovery reaches back only as far as the retention period.' },
    'SC-DP-3': { level: 'error', explanation: 'A final snapshot is the last copy of the data when a database is deleted.' },
    'SC-DP-4': { level: 'error', explanation: 'Redis holds queues and sessions; without snapshots a failed node or a deletion loses them.' },
    'SC-DP-5': { level: 'error', explanation: 'prevent_destroy makes Terraform refuse a destroy, or a change that would replace the resource, until the code says so.' },
    'SC-DP-6': { level: 'error', explanation: 'Deleting the load balancer takes the product offline and loses the DNS name the edge points at.' },
    'SC-DP-7': { level: 'warning', explanation: 'Single-host stages keep their data on the host; termination protection stops an accidental terminate.' },
    'SC-DP-8': { level: 'warning', explanation: 'A final snapshot keeps the data when the volume is destroyed.' },
    'SC-DP-9': { level: 'error', explanation: 'Versioning makes overwrites and deletes recoverable.' },
    // Logging
    'SC-LOG-1': { level: 'error', explanation: 'Audit and authenticator logs are how an incident on the cluster is investigated.' },
    'SC-LOG-2': { level: 'error', explanation: 'Access logs are the record of who called what, and the input for abuse and latency investigations.' },
    'SC-LOG-3': { level: 'error', explanation: 'Database logs (errors, slow statements) are lost when an instance is replaced unless exported.' },
    'SC-LOG-4': { level: 'error', explanation: 'Audit logs record who queried which index; application logs explain cluster failures.' },
    'SC-LOG-5': { level: 'error', explanation: 'Broker logs explain partition leadership changes and client errors.' },
    'SC-LOG-6': { level: 'error', explanation: 'General logs explain broker restarts, connection storms and alarms.' },
    'SC-LOG-7': { level: 'warning', explanation: 'The slow log shows the commands that block Redis for everyone.' },
    'SC-LOG-8': { level: 'error', explanation: 'Flow logs are the network record for an incident and for finding unexpected traffic.' },
    'SC-LOG-9': { level: 'warning', explanation: 'Server access logs record every request to a bucket.' },
    'SC-LOG-10': { level: 'warning', explanation: 'Without a retention, logs are kept (and billed) forever.' },
    // KMS rotation
    'SC-KMS-1': { level: 'error', explanation: 'Yearly rotation limits how much data one key version protects.' },
    'SC-KMS-2': { level: 'warning', explanation: 'Data encrypted under a deleted key is unrecoverable; the longest window leaves the most time to cancel.' },
    // TLS
    'SC-TLS-1': { level: 'error', explanation: 'TLS 1.0 and 1.1 are deprecated and fail compliance scans; the listener must negotiate 1.2 or later.' },
    'SC-TLS-2': { level: 'error', explanation: 'The default OpenSearch policy accepts TLS 1.0.' },
    'SC-TLS-3': { level: 'error', explanation: 'Visitors reach the product through Cloudflare; its minimum TLS version is the product\'s.' },
    // Kubernetes pod hardening
    'SC-K8S-1': { level: 'error', explanation: 'A container escape from a root process is root on the node.' },
    'SC-K8S-2': { level: 'error', explanation: 'A read-only root filesystem stops an attacker from dropping tools into the container.' },
    'SC-K8S-3': { level: 'error', explanation: 'Privilege escalation (setuid binaries) turns a foothold into root inside the container.' },
    'SC-K8S-4': { level: 'error', explanation: 'Default capabilities (NET_RAW and others) are more than a web service needs.' },
    'SC-K8S-5': { level: 'error', explanation: 'A privileged container has every device and capability of the node.' },
    'SC-K8S-6': { level: 'warning', explanation: 'Without probes, Kubernetes sends traffic to pods that cannot serve and keeps broken pods running.' },
    'SC-K8S-7': { level: 'warning', explanation: 'Without requests the scheduler overpacks nodes; without a memory limit one pod can starve the node.' },
    // Stage-aware
    'SC-STG-1': { level: 'error', explanation: 'From growth on (seed 004), the database must survive a zone failure and serve reads from a replica.' },
    'SC-STG-2': { level: 'error', explanation: 'From growth on, losing the Redis primary must not take the product down.' },
    'SC-STG-3': { level: 'error', explanation: 'Launch and traction keep everything on one or two hosts; without automated backups, one failed disk loses the product\'s data.' },
    'SC-STG-4': { level: 'error', explanation: 'Massive is active-active: it must survive the loss of a region, which needs three regions and a database that spans them.' },
    'SC-STG-5': { level: 'error', explanation: 'From growth on, compute is a cluster behind a load balancer; a standalone host is a single point of failure.' },
  },
};
