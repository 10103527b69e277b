import { Construct } from "constructs";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { consoleHostOf, partitionOf } from "../config/aws-facts";
import { BackendConfig, forwardedRegions, MonitorConfig, OrganizationConfig } from "../config/schema";
import { EventForwarding, forwardingRoleName } from "../constructs/event-forwarding";
import { centralBusName, eventBusArn, memberForwardingRoleNames } from "../patterns/member-forwarding";
import { AlertTopic } from "../constructs/alert-topic";
import { AuditTrail, trailArnOf, trailDeliveryRoleName, trailLogGroupName } from "../constructs/audit-trail";
import { DemoSecret } from "../constructs/demo-secret";
import { NameSuffix } from "../constructs/name-suffix";
import { deadLetterQueueNameOf, RealtimeAlerts } from "../constructs/realtime-alerts";
import { SecretAccessAlarms } from "../constructs/secret-access-alarms";
import { CisAlarms } from "../constructs/cis-alarms";
import { EncryptionKey } from "../constructs/encryption-key";
import { PipelineHealth } from "../constructs/pipeline-health";
import { MonitorDashboard } from "../constructs/dashboard";
import { FirstSeenReaders, firstSeenNames } from "../constructs/first-seen-readers";
import { AlertDestinations, DestinationEndpoint } from "../constructs/alert-destinations";
import { ChatChannels } from "../constructs/chat-channels";
import { DestinationKind } from "../patterns/alert-message";
import { Severity } from "../patterns/severity";
import { CIS_CONTROLS } from "../patterns/cis";
import { detectionFilterPatterns, ReadDetection, readDetections, ReadScope } from "../patterns/sensitive-reads";
import { realtimeRulePatterns } from "../patterns/member-forwarding";

/** The read rules of the real-time path, as the central account builds them. */
const readRulePatterns = (detections: readonly ReadDetection[]) => realtimeRulePatterns(detections, "read");
import { tamperDetection } from "../patterns/tampering";
import { decoyDetection } from "../patterns/decoys";
import { DecoySecrets } from "../constructs/decoy-secrets";
import { HarvestingAlarm, harvestingRuleNameList } from "../constructs/harvesting-alarm";
import { LEARNING_END_ATTRIBUTE } from "../patterns/first-seen";

/** `alert_emails` validation: the same shape the configuration schema accepts. */
const EMAIL_REGEX = "^[^@\\\\s]+@[^@\\\\s]+\\\\.[^@\\\\s]+$";

export interface MonitoringStackOptions {
  /**
   * Build the organization trail stack of this organization (deployed in its management account): an
   * organization trail, its metric path and self-monitoring; the real-time read rules run in the central account,
   * so this account's reads (in every region of `organization.regions`) are forwarded to the central bus; its
   * alarms notify its own topics.
   * @default - the single-account monitor
   */
  readonly organization?: OrganizationConfig;
}

/**
 * The secret-access monitor: a trail feeding a log group, metric filters and alarms on secret reads, the
 * real-time EventBridge path, and the alert topic both notify.
 */
export class MonitoringStack extends TerraformStack {
  readonly suffix: NameSuffix;
  readonly demoSecret?: DemoSecret;
  readonly trail: AuditTrail;
  readonly alertTopic: AlertTopic;
  /** The topic the alarms on the monitor itself also notify: no customer key, CloudWatch alarms only. */
  readonly healthTopic?: AlertTopic;
  /** What the monitoring-change alarm and rules watch (when self-monitoring is on). */
  readonly tamper?: ReadDetection;
  readonly accessAlarms: SecretAccessAlarms;
  readonly changeAlarms?: SecretAccessAlarms;
  readonly realtime?: RealtimeAlerts;
  readonly changeRealtime?: RealtimeAlerts;
  readonly key?: EncryptionKey;
  readonly health?: PipelineHealth;
  readonly cis?: CisAlarms;
  readonly dashboard: MonitorDashboard;
  readonly firstSeen?: FirstSeenReaders;
  /** Forwarding rules in the other regions (single account) or to the central bus (organization trail stack). */
  readonly forwarding?: EventForwarding;
  /** What the decoy alarm and rules watch (when decoys are configured). */
  readonly decoy?: ReadDetection;
  readonly decoySecrets?: DecoySecrets;
  readonly decoyAlarms?: SecretAccessAlarms;
  readonly decoyRealtime?: RealtimeAlerts;
  readonly harvesting?: HarvestingAlarm;
  readonly destinations?: AlertDestinations;
  readonly chatChannels?: ChatChannels;

  /** The organization whose trail this stack is (organization trail stack only). */
  readonly organization?: OrganizationConfig;

  constructor(scope: Construct, id: string, config: MonitorConfig, options: MonitoringStackOptions = {}) {
    super(scope, id);
    this.organization = options.organization;
    configureBackend(this, id, config.backend);
    // Write-only arguments (the demo secret's value) need Terraform 1.11; an older CLI would reject the argument
    // with a less helpful message.
    this.addOverride("terraform.required_version", ">= 1.11.0");
    const tags = { Project: config.namePrefix, ManagedBy: "cdktf", ...config.tags };
    new AwsProvider(this, "aws", { region: config.region, defaultTags: [{ tags }] });
    const org = options.organization;
    const accountId = new DataAwsCallerIdentity(this, "current").accountId;
    const { region } = config;
    const partition = partitionOf(region);

    const alertEmails = alertEmailsVariable(this, config.alertEmails);

    this.suffix = new NameSuffix(this, "Suffix", { explicit: config.suffix });
    const name = `${config.namePrefix}-${this.suffix.value}`;
    const logGroupName = trailLogGroupName(name);
    const topicName = `${name}-alerts`;
    const bucketName = `${config.namePrefix}-trail-${this.suffix.value}`;

    if (config.encryption.mode === "kms") {
      this.key = new EncryptionKey(this, "EncryptionKey", {
        name,
        accountId,
        region,
        partition,
        trailArn: trailArnOf(partition, region, accountId, name),
        logGroupName,
        otherLogGroupNames: config.firstSeenReaders.enabled ? [firstSeenNames(name).logGroup] : [],
        deletionWindowDays: config.encryption.keyDeletionWindowDays,
      });
    }
    const kmsKeyArn = this.key?.key.arn;

    if (config.demoSecret.enabled) {
      const demoValue = new TerraformVariable(this, "demo_secret_value", {
        type: "string",
        description: "Value stored in the demo secret: never written to the synthesized JSON, the plan or the state",
        sensitive: true,
        nullable: false,
      });
      // Ephemeral (Terraform >= 1.10): the value may flow only into write-only arguments and is kept out of plan
      // files too. cdktf 0.21 predates the attribute, hence the override.
      demoValue.addOverride("ephemeral", true);
      this.demoSecret = new DemoSecret(this, "DemoSecret", {
        name,
        value: demoValue.stringValue,
        valueVersion: config.demoSecret.valueVersion,
        kmsKeyId: kmsKeyArn,
      });
    }

    this.trail = new AuditTrail(this, "AuditTrail", {
      name,
      bucketName,
      accountId,
      region,
      partition,
      multiRegion: config.trail.multiRegion,
      logRetentionDays: config.trail.logRetentionDays,
      bucketForceDestroy: config.trail.bucketForceDestroy,
      bucketExpirationDays: config.trail.bucketExpirationDays,
      excludeManagementEventSources: config.trail.excludeManagementEventSources,
      kmsKeyArn,
      organizationId: org?.id,
      existingBucketName: org?.logArchiveBucket,
    });

    this.alertTopic = new AlertTopic(this, "AlertTopic", {
      name: topicName,
      accountId,
      region,
      partition,
      emails: alertEmails.listValue,
      // Without a customer key the topic stays unencrypted: alarms cannot publish under alias/aws/sns.
      kmsMasterKeyId: kmsKeyArn,
    });

    // Scoped mode names the demo secret by its name string; the refresh exemption needs its exact ARN, a reference:
    // the secret depends on the key, whose policy names the rules and the topic by built strings, so no cycle.
    const detections = readDetections(readScope(config, this.demoSecret ? { name, arn: this.demoSecret.secret.arn } : undefined));
    // The key by reference (its ID and ARN exist only once created): the patterns depend on the key, and the key's
    // policy names the trail, topic and rules by built strings, so nothing the key depends on depends on them.
    const changes = config.selfMonitoring.enabled
      ? tamperDetection({
          resourcePrefix: name,
          logGroupName,
          // An organization's log-archive bucket is watched like a bucket of its own (the trail logs its account).
          bucketName: org?.logArchiveBucket ?? bucketName,
          deliveryRoleName: trailDeliveryRoleName(name),
          deadLetterQueueName: config.realtimeAlerts.enabled ? deadLetterQueueNameOf(name) : undefined,
          key: this.key ? { id: this.key.key.keyId, arn: this.key.key.arn, partition, region } : undefined,
          allowedChangers: [...config.deployment.principals, ...config.selfMonitoring.allowedChangers],
          insightRules: config.harvesting.enabled,
          decoySecrets: config.decoys.secrets.map((d) => d.name),
          decoyParameters: config.decoys.parameters.map((d) => d.name),
          forwardingRoleName: config.realtimeAlerts.enabled && (org || forwardedRegions(config).length > 0) ? forwardingRoleName(name) : undefined,
          // The organization trail logs every member account: the StackSet's rules and roles there are watched too,
          // its own deployments excepted outside the management and central accounts.
          centralBusName: org ? centralBusName(name) : undefined,
          memberForwarding: org
            ? { partition, roleNames: memberForwardingRoleNames(name), notExemptInAccounts: [org.managementAccountId, org.securityAccountId] }
            : undefined,
          firstSeen: config.firstSeenReaders.enabled
            ? (({ table, stateMachine, executionRole, invokeRole, logGroup }) => ({
                tableName: table,
                stateMachineName: stateMachine,
                roleNames: [executionRole, invokeRole],
                logGroupName: logGroup,
              }))(firstSeenNames(name))
            : undefined,
        })
      : undefined;
    this.tamper = changes;
    if (config.selfMonitoring.enabled) {
      // The alarms on the monitor itself must not depend on the topic and key whose breakage they report: a second
      // topic without a customer key (its messages carry no secret value) and with its own policy, same subscribers.
      this.healthTopic = new AlertTopic(this, "HealthTopic", {
        name: `${name}-health`,
        accountId,
        region,
        partition,
        emails: alertEmails.listValue,
        displayName: "Secret access monitor health",
      });
    }
    const decoy = decoyDetection({ secrets: config.decoys.secrets.map((d) => d.name), parameters: config.decoys.parameters.map((d) => d.name) });
    this.decoy = decoy;
    if (config.decoys.secrets.length > 0) {
      // The decoys must look like any other secret to whoever lists them: not tagged as the monitor's.
      const decoyProvider = new AwsProvider(this, "aws_decoys", {
        alias: "decoys",
        region: config.region,
        defaultTags: Object.keys(config.tags).length > 0 ? [{ tags: { ...config.tags } }] : undefined,
      });
      this.decoySecrets = new DecoySecrets(this, "DecoySecrets", { secrets: config.decoys.secrets, provider: decoyProvider });
    }
    const cisFilters = config.cisAlarms.enabled ? CIS_CONTROLS.length : 0;
    const changeFilters = changes ? detectionFilterPatterns(changes).length : 0;
    const decoyFilters = decoy ? detectionFilterPatterns(decoy).length : 0;
    const common = { namePrefix: name, logGroupName: this.trail.logGroup.name, metricNamespace: config.metricNamespace, topicArn: this.alertTopic.topic.arn };
    // With first-seen replacing them, successful reads page only through the workflow (a new principal/secret pair):
    // their alarms keep counting for the dashboard without notifying, and no real-time rule alerts on them.
    const replacedByFirstSeen =
      config.firstSeenReaders.enabled && config.firstSeenReaders.replacesReadAlerts ? detections.filter((d) => d.outcome === "success") : [];
    const pagingDetections = detections.filter((d) => !replacedByFirstSeen.includes(d));
    this.accessAlarms = new SecretAccessAlarms(this, "SecretAccessAlarms", {
      ...common,
      detections,
      otherFiltersOnLogGroup: cisFilters + changeFilters + decoyFilters,
      silentDetectionIds: replacedByFirstSeen.map((d) => d.id),
    });
    if (decoy) this.decoyAlarms = new SecretAccessAlarms(this, "DecoyAlarms", { ...common, detections: [decoy] });
    if (config.harvesting.enabled) {
      this.harvesting = new HarvestingAlarm(this, "Harvesting", {
        namePrefix: name,
        logGroupName: this.trail.logGroup.name,
        topicArn: this.alertTopic.topic.arn,
        region,
        threshold: config.harvesting.threshold,
        windowMinutes: config.harvesting.windowMinutes,
      });
    }
    if (changes) {
      this.changeAlarms = new SecretAccessAlarms(this, "ChangeAlarms", { ...common, extraTopicArns: this.healthTopic ? [this.healthTopic.topic.arn] : [], detections: [changes] });
    }
    if (config.cisAlarms.enabled) this.cis = new CisAlarms(this, "CisAlarms", common);

    const consoleHost = partition === "aws" ? undefined : consoleHostOf(region);
    if (config.realtimeAlerts.enabled) {
      // In an organization the read rules run in the central account; this account forwards its reads there.
      if (!org) {
        this.realtime = new RealtimeAlerts(this, "RealtimeAlerts", {
          namePrefix: name,
          topicArn: this.alertTopic.topic.arn,
          detections: pagingDetections,
          consoleHost,
          kmsMasterKeyId: kmsKeyArn,
        });
      }
      if (changes) {
        this.changeRealtime = new RealtimeAlerts(this, "ChangeRealtimeAlerts", {
          namePrefix: name,
          family: "tamper",
          topicArn: this.alertTopic.topic.arn,
          detections: [changes],
          consoleHost,
          deadLetterQueue: this.realtime?.deadLetterQueue,
          kmsMasterKeyId: this.realtime ? undefined : kmsKeyArn,
        });
        this.realtime?.allowToDeadLetter(this.changeRealtime.ruleArns);
      }
      if (decoy && this.realtime) {
        // In an organization the central account's rules alert; decoys there page through the metric path only.
        this.decoyRealtime = new RealtimeAlerts(this, "DecoyRealtimeAlerts", {
          namePrefix: name,
          family: "decoy",
          topicArn: this.alertTopic.topic.arn,
          detections: [decoy],
          consoleHost,
          deadLetterQueue: this.realtime.deadLetterQueue,
        });
        this.realtime.allowToDeadLetter(this.decoyRealtime.ruleArns);
      }
      const ruleArns = [...(this.realtime?.ruleArns ?? []), ...(this.changeRealtime?.ruleArns ?? []), ...(this.decoyRealtime?.ruleArns ?? [])];
      if (ruleArns.length > 0) this.alertTopic.allowEventRules(ruleArns);
      const firstSeen = (this.firstSeen = this.firstSeenReaders(config, name, accountId, partition, detections, consoleHost, this.realtime));
      if (ruleArns.length > 0) {
        const ruleNames = [...(this.realtime?.rules ?? []), ...(this.changeRealtime?.rules ?? []), ...(firstSeen?.rules ?? []), ...(this.decoyRealtime?.rules ?? [])].map((r) => r.name);
        this.key?.allowEventBridgeDelivery(
          `arn:${partition}:sns:${region}:${accountId}:${topicName}`,
          ruleNames.map((n) => `arn:${partition}:events:${region}:${accountId}:rule/${n}`),
        );
        this.key?.allowDeadLetterQueueReaders();
      }
      const regions = forwardedRegions(config);
      if (org) {
        // Reads in this account, in the home region and every listed one, go to the central bus. This stack's
        // alarms do not: they notify this account's topics only, which on-call subscribes to anyway for the real-time
        // change alerts of this stack. Forwarding their state changes as well paged every alarm transition twice
        // (README, "Organization": one path per alarm).
        const central = eventBusArn(partition, region, org.securityAccountId, centralBusName(name));
        this.forwarding = new EventForwarding(this, "Forwarding", {
          namePrefix: name,
          rules: readRulePatterns(detections),
          targetBusArn: central,
          regions: [region, ...regions],
          accountId,
          tags,
        });
      } else if (regions.length > 0 && this.realtime) {
        this.forwarding = new EventForwarding(this, "Forwarding", {
          namePrefix: name,
          rules: [
            ...this.realtime.patterns,
            ...(this.changeRealtime?.patterns ?? []),
            ...(this.decoyRealtime?.patterns ?? []),
            // Successful reads elsewhere reach the workflow only through these when no read rule forwards them.
            ...(replacedByFirstSeen.length > 0 ? (firstSeen?.patterns ?? []) : []),
          ],
          targetBusArn: eventBusArn(partition, region, accountId, "default"),
          regions,
          accountId,
          tags,
        });
      }
    } else {
      this.firstSeen = this.firstSeenReaders(config, name, accountId, partition, detections, consoleHost);
    }

    if (config.selfMonitoring.enabled) {
      this.health = new PipelineHealth(this, "PipelineHealth", {
        namePrefix: name,
        logGroupName: this.trail.logGroup.name,
        topicArn: this.alertTopic.topic.arn,
        topicName: this.alertTopic.topic.name,
        healthTopic: this.healthTopic && { arn: this.healthTopic.topic.arn, name: this.healthTopic.topic.name },
        ruleNames: [...(this.realtime?.rules ?? []), ...(this.changeRealtime?.rules ?? []), ...(this.firstSeen?.rules ?? []), ...(this.decoyRealtime?.rules ?? [])].map((r) => r.rule.name),
        deadLetterQueueName: (this.realtime ?? this.changeRealtime)?.deadLetterQueueName,
        silenceMinutes: config.selfMonitoring.silenceMinutes,
      });
    }

    this.destinations = this.alertDestinations(config, { name, accountId, region, partition, consoleHost, detections });
    const chat = config.destinations.chatbot;
    if (chat.slack || chat.teams) {
      this.chatChannels = new ChatChannels(this, "ChatChannels", {
        namePrefix: name,
        accountId,
        partition,
        topicArns: [this.alertTopic.topic.arn],
        slack: chat.slack,
        teams: chat.teams,
      });
    }

    const metricOf = (alarms: SecretAccessAlarms, d: { id: string; title: string }) => ({ ...alarms.metrics[d.id], label: d.title });
    this.dashboard = new MonitorDashboard(this, "Dashboard", {
      name,
      region,
      readMetrics: detections.filter((d) => d.outcome === "success").map((d) => metricOf(this.accessAlarms, d)),
      deniedMetrics: detections.filter((d) => d.outcome === "denied").map((d) => metricOf(this.accessAlarms, d)),
      changeMetrics: changes && this.changeAlarms ? [metricOf(this.changeAlarms, changes)] : [],
      logGroupName,
      topicName,
      rulePrefix: name,
      deadLetterQueueName: (this.realtime ?? this.changeRealtime)?.deadLetterQueueName,
      alarmArns: () => this.node.findAll().filter((c): c is CloudwatchMetricAlarm => c instanceof CloudwatchMetricAlarm).map((a) => a.arn),
    });

    this.outputs(config, detections.map((d) => d.id));
  }

  /** The first-seen reader workflow, when configured; its rules send failed deliveries to the real-time path's queue. */
  private firstSeenReaders(
    config: MonitorConfig,
    name: string,
    accountId: string,
    partition: string,
    detections: ReadDetection[],
    consoleHost: string | undefined,
    realtime?: RealtimeAlerts,
  ): FirstSeenReaders | undefined {
    if (!config.firstSeenReaders.enabled) return undefined;
    const { region } = config;
    const firstSeen = new FirstSeenReaders(this, "FirstSeenReaders", {
      name,
      accountId,
      region,
      partition,
      detections,
      topicArn: this.alertTopic.topic.arn,
      learningDays: config.firstSeenReaders.learningDays,
      retentionDays: config.firstSeenReaders.retentionDays,
      kmsKeyArn: this.key?.key.arn,
      logRetentionDays: config.trail.logRetentionDays,
      deadLetterQueue: realtime?.deadLetterQueue,
      consoleHost,
      alarmTopicArns: [this.alertTopic.topic.arn, ...(this.healthTopic ? [this.healthTopic.topic.arn] : [])],
    });
    realtime?.allowToDeadLetter(firstSeen.ruleArns);
    this.key?.allowFirstSeenWorkflow(`arn:${partition}:sns:${region}:${accountId}:${name}-alerts`);
    return firstSeen;
  }

  /**
   * Chat and paging through EventBridge API destinations: the real-time rules gain one target per destination, and
   * the alarms entering ALARM reach the same destinations through rules of their own. URLs and credentials are
   * sensitive variables: the synthesized JSON holds only `var.…` references.
   */
  private alertDestinations(
    config: MonitorConfig,
    at: { name: string; accountId: string; region: string; partition: string; consoleHost?: string; detections: readonly ReadDetection[] },
  ): AlertDestinations | undefined {
    const d = config.destinations;
    const secret = (id: string, description: string, https = false) =>
      new TerraformVariable(this, id, {
        type: "string",
        description,
        sensitive: true,
        nullable: false,
        validation: https
          ? [{ condition: `\${startswith(var.${id}, "https://")}`, errorMessage: `${id} must be an https:// URL (EventBridge API destinations call HTTPS only).` }]
          : [{ condition: `\${length(var.${id}) > 0}`, errorMessage: `${id} must not be empty.` }],
      }).stringValue;
    const endpoints: Partial<Record<DestinationKind, DestinationEndpoint>> = {};
    if (d.slack.enabled) {
      endpoints.slack = { url: secret("slack_webhook_url", "Slack incoming webhook URL (a credential: keep it out of files)", true), rateLimitPerSecond: d.slack.rateLimitPerSecond };
    }
    if (d.teams.enabled) {
      endpoints.teams = { url: secret("teams_webhook_url", "Microsoft Teams Workflows webhook URL (a credential: keep it out of files)", true), rateLimitPerSecond: d.teams.rateLimitPerSecond };
    }
    if (d.pagerduty.enabled) {
      endpoints.pagerduty = {
        url: d.pagerduty.serviceRegion === "eu" ? "https://events.eu.pagerduty.com/v2/enqueue" : "https://events.pagerduty.com/v2/enqueue",
        rateLimitPerSecond: d.pagerduty.rateLimitPerSecond,
        routingKey: secret("pagerduty_routing_key", "PagerDuty Events API v2 integration (routing) key"),
      };
    }
    if (d.webhook.enabled) {
      const value = secret("webhook_secret", "Secret the generic webhook checks: the API key header's value, or the basic-auth password");
      endpoints.webhook = {
        url: secret("webhook_url", "Generic HTTPS webhook receiving the alerts as JSON", true),
        rateLimitPerSecond: d.webhook.rateLimitPerSecond,
        auth: d.webhook.auth === "basic" ? { type: "basic", username: d.webhook.username!, password: value } : { type: "api-key", headerName: d.webhook.headerName, value },
        includeRecord: d.webhook.includeRecord,
      };
    }
    if (Object.keys(endpoints).length === 0) return undefined;
    const { name, accountId, region, partition } = at;
    const destinations = new AlertDestinations(this, "AlertDestinations", {
      namePrefix: name,
      accountId,
      region,
      partition,
      endpoints,
      deadLetterQueueArn: (this.realtime ?? this.changeRealtime)?.deadLetterQueue.arn,
      consoleHost: at.consoleHost,
    });
    // The rules whose target is the alert topic (the e-mail): each gains the same message for chat and paging.
    const rules = [...(this.realtime?.rules ?? []), ...(this.changeRealtime?.rules ?? []), ...(this.decoyRealtime?.rules ?? [])];
    destinations.route(rules.map((r) => ({ rule: r.rule, name: r.name, model: r.model, existingTargets: 1 })));
    if (d.alarms) {
      const bySeverity = new Map<Severity, string[]>();
      const add = (severity: Severity, alarmName: string) => bySeverity.set(severity, [...(bySeverity.get(severity) ?? []), alarmName]);
      for (const det of at.detections) {
        // A read alarm first-seen makes silent on the topic (replacesReadAlerts) stays silent in chat and paging too:
        // the workflow pages for a new reader instead.
        if ((this.accessAlarms.alarms[det.id].alarm.alarmActionsInput ?? []).length === 0) continue;
        add(det.severity ?? (det.outcome === "success" ? "high" : det.outcome === "denied" ? "medium" : "critical"), this.accessAlarms.alarms[det.id].alarm.alarmNameInput!);
      }
      // Changes to the monitor and its own health: the monitor may be blind, page as critical.
      // Decoy reads and harvesting (someone is after the secrets) and a failing first-seen workflow: critical.
      for (const scope of [this.changeAlarms, this.health, this.decoyAlarms, this.harvesting, this.firstSeen]) {
        for (const a of scope?.node.findAll().filter((c): c is CloudwatchMetricAlarm => c instanceof CloudwatchMetricAlarm) ?? []) add("critical", a.alarmNameInput!);
      }
      for (const a of this.cis?.node.findAll().filter((c): c is CloudwatchMetricAlarm => c instanceof CloudwatchMetricAlarm) ?? []) add("medium", a.alarmNameInput!);
      for (const [severity, names] of bySeverity) destinations.routeAlarms(severity, names, severity);
      const built = destinations.ownRules.map((r) => `arn:${partition}:events:${region}:${accountId}:rule/${r.nameInput}`);
      (this.realtime ?? this.changeRealtime)?.allowToDeadLetter(destinations.ownRuleArns);
      // The alarm routes are created after the health alarms (they route them): watched for failed invocations too.
      this.health?.watchRules(
        destinations.ownRules.map((r) => r.nameInput!),
        "EventBridge could not deliver alarms to chat and paging (API destinations: permissions, connection, or the endpoint refusing); failed events go to the dead-letter queue when there is one.",
      );
      this.key?.allowDeadLetterSenders(built);
    }
    return destinations;
  }

  private outputs(config: MonitorConfig, detectionIds: string[]): void {
    const secret = this.demoSecret?.secret;
    new TerraformOutput(this, "trail_arn", { value: this.trail.trail.arn, description: "CloudTrail trail" });
    new TerraformOutput(this, "trail_bucket", { value: this.trail.bucket?.bucket ?? this.trail.bucketName, description: "S3 bucket with the trail's log files" });
    if (!this.trail.bucket) {
      new TerraformOutput(this, "log_archive_bucket_policy_statements", {
        value: JSON.stringify(this.trail.cloudTrailBucketStatements(`arn:${partitionOf(config.region)}:s3:::${this.trail.bucketName}`)),
        description: "Statements the log-archive bucket's owner adds to its bucket policy, so that this organization trail may write there",
      });
    }
    new TerraformOutput(this, "log_group_name", { value: this.trail.logGroup.name, description: "Log group the metric filters read" });
    new TerraformOutput(this, "alert_topic_arn", { value: this.alertTopic.topic.arn, description: "SNS topic both alert paths publish to" });
    if (this.healthTopic) {
      new TerraformOutput(this, "health_topic_arn", {
        value: this.healthTopic.topic.arn,
        description: "SNS topic (no customer key) the alarms on the monitor itself also notify",
      });
    }
    new TerraformOutput(this, "alarm_names", {
      value: detectionIds.map((id) => this.accessAlarms.alarms[id].alarm.alarmName),
      description: "CloudWatch alarms on secret reads",
    });
    new TerraformOutput(this, "dashboard_name", { value: this.dashboard.dashboard.dashboardName, description: "CloudWatch dashboard of the monitor" });
    if (this.key) new TerraformOutput(this, "kms_key_arn", { value: this.key.key.arn, description: "Customer-managed key of the monitor" });
    if (this.realtime) {
      new TerraformOutput(this, "event_rule_names", {
        value: this.realtime.rules.map((r) => r.rule.name),
        description: "EventBridge rules of the real-time path",
      });
    }
    if (this.changeRealtime) {
      new TerraformOutput(this, "change_rule_names", {
        value: this.changeRealtime.rules.map((r) => r.rule.name),
        description: "EventBridge rules alerting on changes to the trail and the monitoring",
      });
    }
    const queueOwner = this.realtime ?? this.changeRealtime;
    if (queueOwner) {
      new TerraformOutput(this, "dead_letter_queue_url", {
        value: queueOwner.deadLetterQueue.url,
        description: "Alerts EventBridge could not publish end up here",
      });
    }
    if (this.firstSeen) {
      new TerraformOutput(this, "first_seen_table_name", {
        value: this.firstSeen.table.name,
        description: "DynamoDB table of learned reader/secret pairs (npm run first-seen:export reads it)",
      });
      if (this.firstSeen.learningItem) {
        new TerraformOutput(this, "first_seen_learning_ends_at", {
          value: `\${jsondecode(${this.firstSeen.learningItem.fqn}.item).${LEARNING_END_ATTRIBUTE}.S}`,
          description: "Until then (UTC) new readers are learned without alerting",
        });
      }
      new TerraformOutput(this, "first_seen_state_machine_arn", {
        value: this.firstSeen.stateMachine.arn,
        description: "Step Functions Express workflow that learns readers and alerts on new ones",
      });
    }
    const org = this.organization;
    if (org) {
      // Read by `simulate` and `verify`: the account this stack belongs in, and where its reads go.
      new TerraformOutput(this, "organization_id", { value: org.id, description: "The organization the trail logs" });
      new TerraformOutput(this, "management_account_id", { value: org.managementAccountId, description: "The account this stack is deployed in" });
      new TerraformOutput(this, "central_bus_arn", {
        value: eventBusArn(partitionOf(config.region), config.region, org.securityAccountId, centralBusName(`${config.namePrefix}-${config.suffix}`)),
        description: "The central event bus this account forwards its reads and alarm state changes to",
      });
    }
    if (this.forwarding) {
      new TerraformOutput(this, "forwarding_rule_names", {
        value: [...new Set(this.forwarding.rules.map((r) => r.name))],
        description: "Rules forwarding reads to the alerting bus, the same names in every region listed",
      });
    }
    if (this.decoyAlarms && this.decoy) {
      new TerraformOutput(this, "decoy_alarm_name", { value: this.decoyAlarms.alarms[this.decoy.id].alarm.alarmName, description: "CloudWatch alarm on any read of a decoy" });
      const seeds = [
        ...(this.decoySecrets?.seedCommands(config.region) ?? []),
        ...config.decoys.parameters.map(
          (p) =>
            `aws ssm put-parameter --region ${config.region} --type SecureString --name ${p.name}${p.description ? ` --description '${p.description.replace(/'/g, "'\\''")}'` : ""} --value "$(aws secretsmanager get-random-password --region ${config.region} --password-length 32 --query RandomPassword --output text)" --query Version --output text`,
        ),
      ];
      new TerraformOutput(this, "decoy_secret_names", {
        value: this.decoySecrets?.names ?? [],
        description: "Decoy secrets (verify checks each has a value, without reading it)",
      });
      new TerraformOutput(this, "decoy_seed_commands", {
        value: seeds,
        description: "Run once after the first apply: gives each decoy a value (Terraform never holds or reads it)",
      });
    }
    if (this.harvesting) {
      new TerraformOutput(this, "harvesting_alarm_name", { value: this.harvesting.alarm.alarmName, description: "CloudWatch alarm on one principal reading many secrets within minutes" });
      new TerraformOutput(this, "harvesting_rule_names", {
        value: harvestingRuleNameList(this.harvesting.ruleNames),
        description: "Contributor Insights rules naming the principal and the secrets of a harvest",
      });
    }
    if (this.destinations) {
      new TerraformOutput(this, "api_destination_names", {
        value: this.destinations.destinations.map((d) => d.apiDestination.name),
        description: "EventBridge API destinations the alerts are delivered to (chat, paging, webhook)",
      });
      new TerraformOutput(this, "alarm_route_rule_names", {
        value: this.destinations.ownRules.map((r) => r.name),
        description: "EventBridge rules sending the alarms entering ALARM to the API destinations",
      });
    }
    if (this.chatChannels) {
      new TerraformOutput(this, "chat_configuration_arns", {
        value: [this.chatChannels.slack?.chatConfigurationArn, this.chatChannels.teams?.chatConfigurationArn].filter((x): x is string => x !== undefined),
        description: "Amazon Q Developer in chat applications channel configurations subscribed to the alert topic",
      });
    }
    const testSecret = secret?.arn ?? config.monitoredSecrets?.[0]?.id;
    if (secret) {
      new TerraformOutput(this, "secret_name", { value: secret.name, description: "Demo secret" });
      new TerraformOutput(this, "secret_arn", { value: secret.arn, description: "Demo secret ARN" });
    }
    if (testSecret) {
      new TerraformOutput(this, "test_command", {
        // --query Name prints the name only: the test read must not put the secret value in a terminal log.
        value: `aws secretsmanager get-secret-value --region ${config.region} --secret-id ${testSecret} --query Name --output text`,
        description: "Reads the secret once: expect the real-time e-mail within a minute and the alarm within about 5",
      });
    }
  }
}

/** `alert_emails`: the subscribers of every topic, a variable so a pipeline can change them without a synth. */
export function alertEmailsVariable(stack: TerraformStack, emails: readonly string[]): TerraformVariable {
  return new TerraformVariable(stack, "alert_emails", {
    type: "list(string)",
    description: "E-mail addresses subscribed to the alert topic (each must confirm the subscription e-mail)",
    default: [...emails],
    nullable: false,
    validation: [
      {
        condition: `\${length(var.alert_emails) > 0 && alltrue([for e in var.alert_emails : can(regex("${EMAIL_REGEX}", e))])}`,
        errorMessage: "alert_emails must be a non-empty list of e-mail addresses (name@example.com).",
      },
    ],
  });
}

/**
 * The scope of the detections: every secret, or the listed ones. The demo secret and `deployment.managedSecrets`
 * are Terraform-managed: the provider refreshes each with GetSecretValue on exactly its `secret_id` (the demo
 * secret's full ARN; a managed secret's id as configured), so those reads by `deployment.principals` are expected.
 */
export function readScope(config: MonitorConfig, demoSecret?: { name: string; arn: string }): ReadScope {
  const readers = config.deployment.principals;
  return {
    secrets: config.monitoredSecrets?.map((s) => ({ id: s.id, allowedReaders: s.allowedReaders })),
    refreshedSecrets: [
      ...(demoSecret ? [{ id: demoSecret.name, secretId: demoSecret.arn, readers }] : []),
      ...config.deployment.managedSecrets.map((id) => ({ id, secretId: id, readers })),
    ],
    allowedReaders: config.allowedReaders,
    parameterReads: config.parameterStore.enabled,
    parameters: config.parameterStore.monitoredParameters,
    deniedReads: config.deniedReads.enabled,
  };
}

/**
 * Remote state in S3 with native locking, or local state for a first look without AWS. The S3 block always names
 * the bucket's region (the schema defaults `backend.region` to `region`, where the state-bootstrap stack creates
 * the bucket), so `terraform init` works without AWS_REGION in the environment.
 */
export function configureBackend(stack: TerraformStack, stackName: string, backend: BackendConfig): void {
  if (backend.type === "local") {
    new LocalBackend(stack, { path: `${backend.directory}/terraform.${stackName}.tfstate` });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: `${backend.keyPrefix}/${stackName}.tfstate`,
    region: backend.region,
    encrypt: backend.encrypt,
  });
  // cdktf 0.21's S3Backend predates S3-native locking (Terraform ≥ 1.10); the override writes `use_lockfile`.
  if (backend.useLockfile) stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
