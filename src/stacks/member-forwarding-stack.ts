import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudformationStackSet } from "@cdktf/provider-aws/lib/cloudformation-stack-set";
import { CloudformationStackInstances } from "@cdktf/provider-aws/lib/cloudformation-stack-instances";
import { partitionOf } from "../config/aws-facts";
import { MonitorConfig, OrganizationConfig } from "../config/schema";
import { centralBusName, eventBusArn, memberForwardingTemplate, realtimeRulePatterns } from "../patterns/member-forwarding";
import { readDetections } from "../patterns/sensitive-reads";
import { cfnSchemaProblems } from "../review/cfn-schema";
import { configureBackend, readScope } from "./monitoring-stack";

/** The StackSet's name, from the organization's shared name. */
export function memberStackSetName(name: string): string {
  return `${name}-member-forwarding`;
}

/**
 * The member accounts' forwarding rules, everywhere: a service-managed CloudFormation StackSet, created from the
 * management account (or a StackSets delegated administrator, `organization.stackSetCallAs`), deployed to every
 * account of the chosen organizational units in every listed region, and to every account that joins them later
 * (automatic deployment). Its one forwarding rule is derived from the central rules' own patterns
 * (`forwardingPattern`): every read of a secret value or decrypted parameter, and every refused one.
 */
export class MemberForwardingStack extends TerraformStack {
  readonly stackSet: CloudformationStackSet;
  readonly instances: CloudformationStackInstances;
  /** The template the StackSet deploys, as a plain object (checked against CloudFormation's resource schemas). */
  readonly template: Record<string, unknown>;

  constructor(scope: Construct, id: string, config: MonitorConfig, org: OrganizationConfig) {
    super(scope, id);
    configureBackend(this, id, config.backend);
    this.addOverride("terraform.required_version", ">= 1.11.0");
    const { region } = config;
    const partition = partitionOf(region);
    new AwsProvider(this, "aws", { region, defaultTags: [{ tags: { Project: config.namePrefix, ManagedBy: "cdktf", ...config.tags } }] });
    const name = `${config.namePrefix}-${config.suffix}`;
    this.template = memberForwardingTemplate({
      namePrefix: name,
      centralBusArn: eventBusArn(partition, region, org.securityAccountId, centralBusName(name)),
      rules: realtimeRulePatterns(readDetections(readScope(config)), "read"),
    });
    // Terraform passes the template as an opaque string: check it against CloudFormation's published resource
    // schemas and template quotas here, so that a template CloudFormation would refuse stops the synth with one line
    // instead of failing in every member account and Region. Its size no longer depends on the lists of the
    // configuration (one forwarding rule by API call, `forwardingPattern`), so no configuration change can reach
    // the 51,200-byte body.
    const problems = cfnSchemaProblems(this.template);
    if (problems.length > 0) {
      throw new Error(`${id}: the StackSet template would be refused by CloudFormation: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`);
    }
    const stackSetName = memberStackSetName(name);
    this.stackSet = new CloudformationStackSet(this, "StackSet", {
      name: stackSetName,
      description: "Secret-access monitor: forwards secret reads of every member account and region to the central event bus",
      permissionModel: "SERVICE_MANAGED",
      callAs: org.stackSetCallAs,
      // The template creates an IAM role with a fixed name (per Region): "If you have IAM resources with custom
      // names, you must specify CAPABILITY_NAMED_IAM" (CloudFormation API Reference, CreateStackSet, Capabilities).
      capabilities: ["CAPABILITY_NAMED_IAM"],
      // New accounts in the organizational units get the rules without anyone acting; an account that leaves
      // loses them.
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      templateBody: JSON.stringify(this.template),
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: "PARALLEL" },
      // An account joining an OU starts an automatic deployment at any time; without managed execution a
      // `terraform apply` meeting it fails with OperationInProgressException. CloudFormation API Reference,
      // ManagedExecution: "When true, StackSets performs non-conflicting operations concurrently and queues
      // conflicting operations. After conflicting operations finish, StackSets starts queued operations in request
      // order." (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ManagedExecution.html)
      managedExecution: { active: true },
      lifecycle: {
        // With SERVICE_MANAGED and auto_deployment, CloudFormation fills AdministrationRoleARN with its
        // service-linked role and provider 5.100.0 writes it to the state although the argument conflicts with
        // auto_deployment: every plan would show a change. hashicorp/terraform-provider-aws issue #23464, fixed by
        // pull request #45992 (merged 2026-01-15, "Fixes perpetual drift when using `auto_deployment` with
        // `permission_model = "SERVICE_MANAGED"`"), in a provider release later than the one pinned here.
        ignoreChanges: ["administration_role_arn"],
      },
    });
    this.instances = new CloudformationStackInstances(this, "Instances", {
      stackSetName: this.stackSet.name,
      callAs: org.stackSetCallAs,
      regions: [...new Set([region, ...(org.regions ?? [])])],
      deploymentTargets: { organizationalUnitIds: [...org.organizationalUnits] },
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: "PARALLEL" },
    });
    new TerraformOutput(this, "stack_set_name", { value: this.stackSet.name, description: "The StackSet deploying the forwarding rules" });
  }
}
