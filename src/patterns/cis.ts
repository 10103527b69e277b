/**
 * The Security Hub CloudWatch.1–14 controls (CIS AWS Foundations v1.2/v1.4): the exact filter patterns AWS
 * prescribes. Security Hub passes a control only when the metric filter text is exactly this, so nothing is
 * added to them: scoping and allow-lists live in separate filters.
 *
 * Known trap, kept as prescribed: AWS's own example of a root console sign-in with MFA records `MFAUsed: "YES"`
 * (upper case), which CloudWatch.3's `!= "Yes"` counts as no MFA (CloudWatch.3 only looks at IAM users, so
 * that example does not fire it, but an IAM-user record written that way would).
 */
export interface CisControl {
  readonly id: string;
  readonly title: string;
  readonly pattern: string;
}

export const CIS_CONTROLS: readonly CisControl[] = [
  { id: "CloudWatch.1", title: 'usage of the "root" user', pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}' },
  { id: "CloudWatch.2", title: "unauthorized API calls", pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}' },
  { id: "CloudWatch.3", title: "Management Console sign-in without MFA", pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }' },
  { id: "CloudWatch.4", title: "IAM policy changes", pattern: "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}" },
  { id: "CloudWatch.5", title: "CloudTrail configuration changes", pattern: "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}" },
  { id: "CloudWatch.6", title: "AWS Management Console authentication failures", pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}' },
  { id: "CloudWatch.7", title: "disabling or scheduled deletion of customer managed keys", pattern: "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}" },
  { id: "CloudWatch.8", title: "S3 bucket policy changes", pattern: "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}" },
  { id: "CloudWatch.9", title: "AWS Config configuration changes", pattern: "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}" },
  { id: "CloudWatch.10", title: "security group changes", pattern: "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}" },
  { id: "CloudWatch.11", title: "changes to Network Access Control Lists (NACL)", pattern: "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}" },
  { id: "CloudWatch.12", title: "changes to network gateways", pattern: "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}" },
  { id: "CloudWatch.13", title: "route table changes", pattern: "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}" },
  { id: "CloudWatch.14", title: "VPC changes", pattern: "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}" },
];
