/**
 * What a stack is expected to take when no run recorded it (a first run, a fresh CI checkout):
 * CloudFormation's pace for small resources, plus the typical time of the slow types it holds.
 * Without it a two-resource stack holding a database that takes 20 minutes would weigh less than
 * a twenty-topic one, and start last.
 */

/** Seconds of a stack operation itself: the change set's execution starting and ending. */
const BASE_SECONDS = 30;
/** A resource not in the table: most create or update in seconds. */
export const SMALL_RESOURCE_SECONDS = 10;

/**
 * Typical create times of the slow resource types, in seconds, as CloudFormation takes them
 * (updates that touch these are of the same order). Rounded; only the order matters for
 * priorities.
 */
export const TYPICAL_SECONDS: ReadonlyMap<string, number> = new Map([
  ['AWS::RDS::DBInstance', 900],
  ['AWS::RDS::DBCluster', 600],
  ['AWS::RDS::GlobalCluster', 600],
  ['AWS::RDS::DBProxy', 300],
  ['AWS::DocDB::DBCluster', 600],
  ['AWS::DocDB::DBInstance', 600],
  ['AWS::Neptune::DBCluster', 600],
  ['AWS::Neptune::DBInstance', 600],
  ['AWS::Redshift::Cluster', 600],
  ['AWS::OpenSearchService::Domain', 1200],
  ['AWS::Elasticsearch::Domain', 1200],
  ['AWS::CloudFront::Distribution', 300],
  ['AWS::ElastiCache::ReplicationGroup', 600],
  ['AWS::ElastiCache::CacheCluster', 420],
  ['AWS::ElastiCache::ServerlessCache', 300],
  ['AWS::MemoryDB::Cluster', 900],
  ['AWS::EC2::NatGateway', 120],
  ['AWS::EC2::TransitGateway', 180],
  ['AWS::EC2::VPNConnection', 300],
  ['AWS::EKS::Cluster', 720],
  ['AWS::EKS::Nodegroup', 300],
  ['AWS::EKS::FargateProfile', 240],
  ['AWS::MSK::Cluster', 1500],
  ['AWS::AmazonMQ::Broker', 900],
  ['AWS::DirectoryService::MicrosoftAD', 1800],
  ['AWS::DynamoDB::GlobalTable', 300],
  ['AWS::ElasticLoadBalancingV2::LoadBalancer', 180],
  ['AWS::ECS::Service', 180],
  ['AWS::AutoScaling::AutoScalingGroup', 120],
  ['AWS::CertificateManager::Certificate', 120],
  ['AWS::GlobalAccelerator::Accelerator', 300],
  ['AWS::Lambda::EventSourceMapping', 60],
  ['AWS::ApiGateway::DomainName', 120],
  ['AWS::AppRunner::Service', 300],
]);

/**
 * The expected seconds of a stack holding these resource types: CloudFormation creates
 * independent resources in parallel, so the slowest one counts, not their sum; small ones are
 * counted at SMALL_RESOURCE_SECONDS each (dependency chains among them). With no slow type this is
 * the former estimate, 30 + 10 × resources.
 */
export function priorSeconds(resourceTypes: readonly string[]): number {
  let small = 0;
  let slowest = 0;
  for (const type of resourceTypes) {
    const typical = TYPICAL_SECONDS.get(type);
    if (typical === undefined) small += 1;
    else slowest = Math.max(slowest, typical);
  }
  return BASE_SECONDS + SMALL_RESOURCE_SECONDS * Math.max(small, slowest > 0 ? 0 : 1) + slowest;
}
