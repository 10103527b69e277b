import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { ALL_MANAGEMENT_EVENTS, forwardingRuleName, RulePattern } from "../patterns/member-forwarding";
import { policyDocument } from "./policy";

/** The role EventBridge forwards with, from the name prefix (one per stack: IAM is global). */
export function forwardingRoleName(namePrefix: string): string {
  return `${namePrefix}-forward-events`;
}

export interface EventForwardingProps {
  /** Names rules `<namePrefix>-fwd-<rule id>` and the role `<namePrefix>-forward-events`. */
  readonly namePrefix: string;
  /** The alerting rules whose events are forwarded: one forwarding rule each, with its very pattern. */
  readonly rules: readonly Pick<RulePattern, "id" | "pattern">[];
  /** The bus the alerting rules watch (the home region's default bus, or the organization's central bus). */
  readonly targetBusArn: string;
  /** Regions to forward from; each gets its own provider configuration (`aws.<region>`). */
  readonly regions: readonly string[];
  readonly accountId: string;
  /** Default tags of the regional provider configurations (as the stack's own provider). @default - none */
  readonly tags?: Record<string, string>;
  /** How long EventBridge retries a failed forward. @default 86400 - the maximum, 24 hours */
  readonly maximumEventAgeSeconds?: number;
  /** @default 185 - EventBridge's maximum retry attempts */
  readonly maximumRetryAttempts?: number;
}

export interface ForwardingRule {
  readonly region: string;
  readonly name: string;
  readonly rule: CloudwatchEventRule;
  readonly target: CloudwatchEventTarget;
}

/**
 * CloudTrail delivers an API-call event to EventBridge only in the region (and account) of the call: in every
 * other region, rules with the alerting rules' own patterns forward the matching events to the bus where the
 * alerting rules run. The event arrives unchanged (no input transformer), so the message the alerting rule renders
 * names the region and account of the read from the record itself.
 */
export class EventForwarding extends Construct {
  readonly role: IamRole;
  readonly rolePolicy: IamRolePolicy;
  readonly providers: Record<string, AwsProvider> = {};
  readonly rules: ForwardingRule[] = [];

  constructor(scope: Construct, id: string, props: EventForwardingProps) {
    super(scope, id);
    if (props.rules.length === 0) throw new Error("eventForwarding: no alerting rules to forward for");
    const roleName = forwardingRoleName(props.namePrefix);
    this.role = new IamRole(this, "Role", {
      name: roleName,
      description: "Lets EventBridge forward secret reads from other regions to the bus of the alerting rules",
      assumeRolePolicy: policyDocument([
        {
          Sid: "EventBridgeOfThisAccountAssumes",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
        },
      ]),
    });
    this.rolePolicy = new IamRolePolicy(this, "RolePolicy", {
      name: "put-events-to-alerting-bus",
      role: this.role.id,
      policy: policyDocument([{ Sid: "PutEventsToAlertingBus", Effect: "Allow", Action: "events:PutEvents", Resource: props.targetBusArn }]),
    });
    for (const region of props.regions) {
      const provider = new AwsProvider(this, `Provider-${region}`, {
        alias: region,
        region,
        defaultTags: props.tags ? [{ tags: props.tags }] : undefined,
      });
      this.providers[region] = provider;
      for (const alerting of props.rules) {
        const name = forwardingRuleName(props.namePrefix, alerting.id);
        const rule = new CloudwatchEventRule(this, `Rule-${region}-${alerting.id}`, {
          provider,
          name,
          description: `Forwards what the alerting rule ${alerting.id} needs to its bus`,
          eventBusName: "default",
          eventPattern: JSON.stringify(alerting.pattern),
          state: ALL_MANAGEMENT_EVENTS,
        });
        const target = new CloudwatchEventTarget(this, `Target-${region}-${alerting.id}`, {
          provider,
          rule: rule.name,
          eventBusName: "default",
          targetId: "alerting-bus",
          arn: props.targetBusArn,
          roleArn: this.role.arn,
          retryPolicy: {
            maximumEventAgeInSeconds: props.maximumEventAgeSeconds ?? 86_400,
            maximumRetryAttempts: props.maximumRetryAttempts ?? 185,
          },
        });
        this.rules.push({ region, name, rule, target });
      }
    }
  }
}
