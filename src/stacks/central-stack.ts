import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { CloudwatchEventBus } from "@cdktf/provider-aws/lib/cloudwatch-event-bus";
import { CloudwatchEventBusPolicy } from "@cdktf/provider-aws/lib/cloudwatch-event-bus-policy";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { consoleHostOf, partitionOf } from "../config/aws-facts";
import { MonitorConfig, OrganizationConfig } from "../config/schema";
import { AlertTopic } from "../constructs/alert-topic";
import { PipelineHealth } from "../constructs/pipeline-health";
import { EncryptionKey } from "../constructs/encryption-key";
import { RealtimeAlerts } from "../constructs/realtime-alerts";
import { policyDocument } from "../constructs/policy";
import { centralBusName, eventBusArn } from "../patterns/member-forwarding";
import { readDetections } from "../patterns/sensitive-reads";
import { alertEmailsVariable, configureBackend, readScope } from "./monitoring-stack";

/**
 * The organization's central account (security/audit account): the event bus every member account forwards its
 * reads to (its policy admits the organization only), the read and denied-read rules with their input
 * transformers, the alert topic and the dead-letter queue. No rule here matches CloudWatch alarm state changes:
 * the organization trail's alarms notify the management account's topics (one path per alarm transition), and
 * the bus admits every account of the organization, so such a rule would page for any member's own alarm named
 * like ours.
 */
export class CentralStack extends TerraformStack {
  readonly bus: CloudwatchEventBus;
  readonly busPolicy: CloudwatchEventBusPolicy;
  readonly alertTopic: AlertTopic;
  readonly key?: EncryptionKey;
  readonly realtime: RealtimeAlerts;
  readonly dashboard: CloudwatchDashboard;
  /** Alarms on the central account's own delivery: failed rule invocations, failed notifications, the dead-letter queue. */
  readonly health: PipelineHealth;
  /** A topic without the customer key for those alarms, so a broken alert topic or key cannot hide them. */
  readonly healthTopic: AlertTopic;
  /** The bus ARN as a plain string: member accounts and the trail account build the same. */
  readonly busArn: string;

  constructor(scope: Construct, id: string, config: MonitorConfig, org: OrganizationConfig) {
    super(scope, id);
    configureBackend(this, id, config.backend);
    this.addOverride("terraform.required_version", ">= 1.11.0");
    const { region } = config;
    const partition = partitionOf(region);
    new AwsProvider(this, "aws", { region, defaultTags: [{ tags: { Project: config.namePrefix, ManagedBy: "cdktf", ...config.tags } }] });
    const accountId = new DataAwsCallerIdentity(this, "current").accountId;
    const alertEmails = alertEmailsVariable(this, config.alertEmails);
    // The schema requires an explicit suffix with `organization`: every stack builds the same names.
    const name = `${config.namePrefix}-${config.suffix}`;
    const busName = centralBusName(name);
    // Built from the configured account, not the caller: member accounts' rules name this ARN in their targets,
    // and deploying this stack into any other account must not quietly create a bus nobody forwards to.
    this.busArn = eventBusArn(partition, region, org.securityAccountId, busName);
    const topicName = `${name}-alerts`;

    if (config.encryption.mode === "kms") {
      this.key = new EncryptionKey(this, "EncryptionKey", {
        name,
        accountId,
        region,
        partition,
        deletionWindowDays: config.encryption.keyDeletionWindowDays,
      });
    }
    const kmsKeyArn = this.key?.key.arn;

    this.bus = new CloudwatchEventBus(this, "Bus", { name: busName });
    this.busPolicy = new CloudwatchEventBusPolicy(this, "BusPolicy", {
      eventBusName: this.bus.name,
      policy: policyDocument([
        {
          // EventBridge API Reference, PutPermission: "if all the accounts are members of the same AWS
          // organization, you can run PutPermission once specifying Principal as "*" and specifying the AWS
          // organization ID in Condition, to grant permissions to all accounts in that organization."
          Sid: "OrganizationAccountsPutEvents",
          Effect: "Allow",
          Principal: "*",
          Action: "events:PutEvents",
          Resource: this.busArn,
          Condition: { StringEquals: { "aws:PrincipalOrgID": org.id } },
        },
      ]),
    });

    this.alertTopic = new AlertTopic(this, "AlertTopic", {
      name: topicName,
      accountId,
      region,
      partition,
      emails: alertEmails.listValue,
      kmsMasterKeyId: kmsKeyArn,
    });

    const detections = readDetections(readScope(config));
    const consoleHost = partition === "aws" ? undefined : consoleHostOf(region);
    this.realtime = new RealtimeAlerts(this, "RealtimeAlerts", {
      namePrefix: name,
      eventBusName: this.bus.name,
      topicArn: this.alertTopic.topic.arn,
      detections,
      accountNames: org.accountNames,
      consoleHost,
      kmsMasterKeyId: kmsKeyArn,
    });

    this.alertTopic.allowEventRules(this.realtime.ruleArns);
    // Rules on a custom bus: arn:…:rule/<bus name>/<rule name>.
    const ruleNames = this.realtime.rules.map((r) => r.name);
    this.key?.allowEventBridgeDelivery(
      `arn:${partition}:sns:${region}:${accountId}:${topicName}`,
      ruleNames.map((n) => `arn:${partition}:events:${region}:${accountId}:rule/${busName}/${n}`),
    );
    this.key?.allowDeadLetterQueueReaders();

    // The single-account stack's health alarms, for what only this account sees: the central rules' failed
    // invocations (a key or topic policy refusing EventBridge), alerts waiting in the dead-letter queue and failed
    // notifications. No dead-man alarm: the trail and its log group live in the management account, which has one.
    this.healthTopic = new AlertTopic(this, "HealthTopic", {
      name: `${name}-health`,
      accountId,
      region,
      partition,
      emails: alertEmails.listValue,
      displayName: "Secret access monitor health (central account)",
    });
    this.health = new PipelineHealth(this, "PipelineHealth", {
      namePrefix: name,
      topicArn: this.alertTopic.topic.arn,
      topicName: topicName,
      healthTopic: { arn: this.healthTopic.topic.arn, name: this.healthTopic.topic.name },
      ruleNames: ruleNames,
      eventBusName: busName,
      deadLetterQueueName: this.realtime.deadLetterQueueName,
    });

    // What the central account sees: alerts per minute by rule (each a read somewhere in the organization), and
    // whether they are delivered. The organization trail's metrics and alarms live in the management account.
    const metric = (title: string, metrics: unknown[], x: number, y: number) => ({
      type: "metric",
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region, view: "timeSeries", stacked: false, period: 60, stat: "Sum", metrics },
    });
    this.dashboard = new CloudwatchDashboard(this, "Dashboard", {
      dashboardName: `${name}-organization`,
      dashboardBody: JSON.stringify({
        widgets: [
          metric("Alerts per minute, by central rule (reads anywhere in the organization)", [[{ expression: `SEARCH('{AWS/Events,EventBusName,RuleName} MetricName="TriggeredRules" ${name}', 'Sum', 60)`, id: "alerts" }]], 0, 0),
          metric(
            "Alert delivery failures",
            [
              [{ expression: `SEARCH('{AWS/Events,EventBusName,RuleName} MetricName="FailedInvocations" ${name}', 'Sum', 300)`, id: "failed" }],
              ["AWS/SNS", "NumberOfNotificationsFailed", "TopicName", topicName, { label: "SNS notifications failed" }],
              ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", this.realtime.deadLetterQueueName!, { label: "alerts in dead-letter queue", stat: "Maximum" }],
            ],
            12,
            0,
          ),
        ],
      }),
    });

    new TerraformOutput(this, "dashboard_name", { value: this.dashboard.dashboardName, description: "CloudWatch dashboard of the central account" });
    new TerraformOutput(this, "central_bus_arn", { value: this.bus.arn, description: "The bus every account forwards its reads to" });
    new TerraformOutput(this, "alert_topic_arn", { value: this.alertTopic.topic.arn, description: "SNS topic the organization's alerts go to" });
    new TerraformOutput(this, "event_rule_names", { value: this.realtime.rules.map((r) => r.rule.name), description: "Rules of the central bus" });
    new TerraformOutput(this, "health_topic_arn", { value: this.healthTopic.topic.arn, description: "SNS topic of the alarms on the central account's own delivery" });
    new TerraformOutput(this, "dead_letter_queue_url", { value: this.realtime.deadLetterQueue.url, description: "Alerts EventBridge could not publish end up here" });
  }
}
