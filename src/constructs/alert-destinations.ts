import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { CloudwatchEventApiDestination } from "@cdktf/provider-aws/lib/cloudwatch-event-api-destination";
import { CloudwatchEventConnection, CloudwatchEventConnectionAuthParameters } from "@cdktf/provider-aws/lib/cloudwatch-event-connection";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { alarmModel, AlertModel, DestinationKind, DESTINATION_KINDS, renderFor } from "../patterns/alert-message";
import { MAX_EVENT_PATTERN_LENGTH } from "../patterns/sensitive-reads";
import { Severity } from "../patterns/severity";
import { inputTransformerProblems } from "../engines/input-transformer";
import { policyDocument } from "./policy";

/** "Targets per rule: 5" (EventBridge quotas, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html). */
export const MAX_TARGETS_PER_RULE = 5;

/** CloudWatch's alarm events on the default bus: "CloudWatch Alarm State Change" from `aws.cloudwatch`. */
export const ALARM_STATE_CHANGE = "CloudWatch Alarm State Change";

/** How the endpoint authenticates EventBridge; the secret parts are Terraform references to sensitive variables. */
export type DestinationAuth =
  | { readonly type: "marker" }
  | { readonly type: "api-key"; readonly headerName: string; readonly value: string }
  | { readonly type: "basic"; readonly username: string; readonly password: string };

export interface DestinationEndpoint {
  /** The HTTPS URL (a sensitive variable's reference: a webhook URL is itself a credential). */
  readonly url: string;
  /** @default 1 - EventBridge accepts 1 to 300 invocations per second */
  readonly rateLimitPerSecond?: number;
  /** @default - a marker header for Slack and Teams (their URL is the credential); PagerDuty adds its routing key */
  readonly auth?: DestinationAuth;
  /** PagerDuty only: the integration's routing key, sent as a secret body parameter `routing_key`. */
  readonly routingKey?: string;
  /** Generic webhook only: send the whole CloudTrail record as `record`. @default true */
  readonly includeRecord?: boolean;
}

export interface AlertDestinationsProps {
  /** Names everything `<namePrefix>-<kind>` (connections, API destinations) and the role `<namePrefix>-api-destinations`. */
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** The destinations to deliver to; a kind left out is not created. */
  readonly endpoints: Partial<Record<DestinationKind, DestinationEndpoint>>;
  /** Where EventBridge puts an alert it could not deliver after its retries. @default - none (the real-time path is off) */
  readonly deadLetterQueueArn?: string;
  /** @default 86400 - EventBridge's maximum, 24 hours */
  readonly maximumEventAgeSeconds?: number;
  /** @default 185 - EventBridge's maximum */
  readonly maximumRetryAttempts?: number;
  /** Console host for alarm links. @default `<region>.console.aws.amazon.com` */
  readonly consoleHost?: string;
}

/** A rule to deliver, with what its alerts say. */
export interface RoutedRule {
  readonly rule: CloudwatchEventRule;
  /** The rule's name as a plain string (resource ids, target ids). */
  readonly name: string;
  readonly model: AlertModel;
  /** Targets the rule already has (the SNS topic): counted against EventBridge's five. @default 1 */
  readonly existingTargets?: number;
}

export interface Destination {
  readonly kind: DestinationKind;
  readonly connection: CloudwatchEventConnection;
  readonly apiDestination: CloudwatchEventApiDestination;
}

/**
 * EventBridge API destinations for the alerts: one connection and API destination per chat or paging service, the
 * role EventBridge assumes to invoke them, and, for each rule handed to `route`, one target per destination with
 * that destination's rendering of the rule's message model. Credentials stay with EventBridge: the connection
 * keeps them (in a Secrets Manager secret EventBridge manages), Terraform gets them from sensitive variables, the
 * synthesized JSON holds only references.
 */
export class AlertDestinations extends Construct {
  readonly destinations: Destination[] = [];
  readonly role: IamRole;
  readonly rolePolicy: IamRolePolicy;
  /** Rules this construct created (alarm routing): they too need the dead-letter queue's permission. */
  readonly ownRules: CloudwatchEventRule[] = [];
  readonly targets: CloudwatchEventTarget[] = [];
  private readonly routed = new Set<string>();

  constructor(scope: Construct, id: string, private readonly props: AlertDestinationsProps) {
    super(scope, id);
    const kinds = DESTINATION_KINDS.filter((k) => props.endpoints[k]);
    if (kinds.length === 0) throw new Error("alert destinations: no destination enabled");
    for (const kind of kinds) {
      const e = props.endpoints[kind]!;
      const rate = e.rateLimitPerSecond ?? 1;
      if (!Number.isInteger(rate) || rate < 1 || rate > 300) throw new Error(`destinations.${kind}.rateLimitPerSecond: ${rate} is not 1 to 300`);
      if (kind === "pagerduty" && !e.routingKey) throw new Error("destinations.pagerduty: needs the routing key");
      const name = `${props.namePrefix}-${kind}`;
      const connection = new CloudwatchEventConnection(this, `Connection-${kind}`, {
        name,
        description: `Credentials EventBridge uses to deliver alerts to ${kind}`,
        ...connectionAuth(e, props.namePrefix),
      });
      const apiDestination = new CloudwatchEventApiDestination(this, `ApiDestination-${kind}`, {
        name,
        description: `Alerts of ${props.namePrefix} rendered for ${kind}`,
        connectionArn: connection.arn,
        httpMethod: "POST",
        invocationEndpoint: e.url,
        invocationRateLimitPerSecond: rate,
      });
      this.destinations.push({ kind, connection, apiDestination });
    }
    const { partition, region, accountId } = props;
    this.role = new IamRole(this, "InvokeRole", {
      name: `${props.namePrefix}-api-destinations`,
      description: "Assumed by EventBridge to deliver the monitor's alerts to its API destinations",
      // EventBridge User Guide, "Using IAM roles for EventBridge targets" / confused deputy prevention: the service
      // presents aws:SourceAccount and aws:SourceArn (the rule) when it assumes a target role. Only this monitor's
      // rules (named `<namePrefix>-…`) in this account may pass it.
      assumeRolePolicy: policyDocument([
        {
          Sid: "EventBridgeRulesOfThisMonitor",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": accountId },
            ArnLike: { "aws:SourceArn": `arn:${partition}:events:${region}:${accountId}:rule/${props.namePrefix}-*` },
          },
        },
      ]),
    });
    this.rolePolicy = new IamRolePolicy(this, "InvokePolicy", {
      name: "invoke-alert-destinations",
      role: this.role.id,
      policy: policyDocument([
        {
          Sid: "InvokeTheseApiDestinations",
          Effect: "Allow",
          Action: "events:InvokeApiDestination",
          Resource: this.destinations.map((d) => d.apiDestination.arn),
        },
      ]),
    });
  }

  /** Adds one target per destination to each rule, rendering the rule's model in that destination's format. */
  route(rules: readonly RoutedRule[]): void {
    for (const r of rules) {
      const total = (r.existingTargets ?? 1) + this.destinations.length;
      if (total > MAX_TARGETS_PER_RULE) {
        throw new Error(`rule ${r.name} would have ${total} targets; EventBridge allows ${MAX_TARGETS_PER_RULE} per rule`);
      }
      if (this.routed.has(r.name)) throw new Error(`rule ${r.name} is routed twice`);
      this.routed.add(r.name);
      for (const d of this.destinations) {
        const e = this.props.endpoints[d.kind]!;
        const spec = renderFor(d.kind, r.model, { withRecord: e.includeRecord ?? true });
        const problems = inputTransformerProblems(spec.inputPaths, spec.inputTemplate);
        if (problems.length > 0) throw new Error(`rule ${r.name}, ${d.kind}: ${problems.join("; ")}`);
        this.targets.push(
          new CloudwatchEventTarget(this, `Target-${r.name}-${d.kind}`, {
            rule: r.rule.name,
            // A target lives on its rule's bus (the default bus, or the central bus of an organization).
            eventBusName: r.rule.eventBusNameInput ?? "default",
            targetId: d.kind,
            arn: d.apiDestination.arn,
            roleArn: this.role.arn,
            inputTransformer: { inputPaths: spec.inputPaths, inputTemplate: spec.inputTemplate },
            retryPolicy: {
              maximumEventAgeInSeconds: this.props.maximumEventAgeSeconds ?? 86_400,
              maximumRetryAttempts: this.props.maximumRetryAttempts ?? 185,
            },
            deadLetterConfig: this.props.deadLetterQueueArn ? { arn: this.props.deadLetterQueueArn } : undefined,
          }),
        );
      }
    }
  }

  /**
   * Sends alarms entering ALARM to every destination: rules on "CloudWatch Alarm State Change" naming the alarms
   * exactly (packed into as few rules as fit EventBridge's pattern size), rendered from the alarm model.
   * @returns the rules created
   */
  routeAlarms(id: string, alarmNames: readonly string[], severity: Severity): CloudwatchEventRule[] {
    if (alarmNames.length === 0) return [];
    const packs = packAlarmNames(alarmNames);
    const created = packs.map((names, i) => {
      const ruleName = `${this.props.namePrefix}-alarms-${id}${i === 0 ? "" : `-${i + 1}`}`;
      const rule = new CloudwatchEventRule(this, `AlarmRule-${id}-${i + 1}`, {
        name: ruleName,
        description: `The monitor's ${severity} alarms entering ALARM, delivered to chat and paging`,
        eventBusName: "default",
        eventPattern: JSON.stringify(alarmEventPattern(names)),
        state: "ENABLED",
      });
      this.ownRules.push(rule);
      this.route([{ rule, name: ruleName, model: alarmModel(severity, { consoleHost: this.props.consoleHost }), existingTargets: 0 }]);
      return rule;
    });
    return created;
  }

  /** The ARNs of the rules this construct created, as references (for the dead-letter queue's policy). */
  get ownRuleArns(): string[] {
    return this.ownRules.map((r) => r.arn);
  }

  /** Lazily: the ARNs of the rules created so far, including those routed after this call. */
  ownRuleArnsLazy(): string[] {
    return Lazy.listValue({ produce: () => this.ownRuleArns });
  }
}

/** The event pattern of alarms entering ALARM, by exact name. */
export function alarmEventPattern(names: readonly string[]): Record<string, unknown> {
  return { source: ["aws.cloudwatch"], "detail-type": [ALARM_STATE_CHANGE], detail: { alarmName: [...names], state: { value: ["ALARM"] } } };
}

/**
 * Alarm names packed so that each pattern fits EventBridge's pattern size. A name may hold an unresolved token (the
 * random suffix): it is measured as 12 characters, the longest suffix the configuration allows.
 */
export function packAlarmNames(names: readonly string[], maxLength = MAX_EVENT_PATTERN_LENGTH): string[][] {
  const measured = (ns: readonly string[]) => JSON.stringify(alarmEventPattern(ns)).replace(/\$\{TfToken\[[^\]]*\]\}/g, "x".repeat(12)).length;
  const packs: string[][] = [];
  let current: string[] = [];
  for (const n of names) {
    if (current.length > 0 && measured([...current, n]) > maxLength) {
      packs.push(current);
      current = [];
    }
    current.push(n);
  }
  packs.push(current);
  return packs;
}

/**
 * The connection's authorization. EventBridge requires one (API key, basic or OAuth) on every connection; Slack and
 * Teams webhooks authenticate by their URL, so theirs is a marker header naming the monitor. PagerDuty's routing
 * key travels in the body as a secret parameter (`is_value_secret`): EventBridge keeps it and adds it to each request.
 */
function connectionAuth(e: DestinationEndpoint, namePrefix: string): { authorizationType: string; authParameters: CloudwatchEventConnectionAuthParameters } {
  const auth = e.auth ?? { type: "marker" };
  const invocationHttpParameters = e.routingKey ? { body: [{ key: "routing_key", value: e.routingKey, isValueSecret: true }] } : undefined;
  if (auth.type === "basic") {
    return { authorizationType: "BASIC", authParameters: { basic: { username: auth.username, password: auth.password }, invocationHttpParameters } };
  }
  const apiKey = auth.type === "api-key" ? { key: auth.headerName, value: auth.value } : { key: "X-Alert-Source", value: namePrefix };
  return { authorizationType: "API_KEY", authParameters: { apiKey, invocationHttpParameters } };
}
