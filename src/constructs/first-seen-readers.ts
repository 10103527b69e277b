import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { DynamodbTableItem } from "@cdktf/provider-aws/lib/dynamodb-table-item";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import {
  firstSeenDefinition,
  KEY_ATTRIBUTE,
  LEARNING_END_ATTRIBUTE,
  LEARNING_ITEM_KEY,
  TTL_ATTRIBUTE,
} from "../patterns/first-seen";
import { EventPattern, ReadDetection, variantEventPatterns } from "../patterns/sensitive-reads";
import { policyDocument, PolicyStatement } from "./policy";

/** Names of the first-seen resources, from the monitor's `<prefix>-<suffix>` name: one place for stack, key and tamper. */
export function firstSeenNames(name: string) {
  return {
    table: `${name}-first-seen`,
    stateMachine: `${name}-first-seen`,
    /** `/aws/vendedlogs/`: Step Functions logs are vended logs; this prefix keeps CloudWatch Logs' resource policy short. */
    logGroup: `/aws/vendedlogs/states/${name}-first-seen`,
    executionRole: `${name}-first-seen-sfn`,
    invokeRole: `${name}-first-seen-events`,
    /** `<name>-first-seen`, `-2`, …: under `<name>-*`, so the change detection's rule calls already cover them. */
    rule: (i: number) => `${name}-first-seen${i === 0 ? "" : `-${i + 1}`}`,
  };
}

export interface FirstSeenReadersProps {
  /** `<prefix>-<suffix>`: names every resource (see `firstSeenNames`). */
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** The successful-read detections (as the real-time path's): allow-listed readers never reach the workflow. */
  readonly detections: readonly ReadDetection[];
  /** The alert topic new pairs are published to. */
  readonly topicArn: string;
  /** Days after deployment during which new pairs are learned without alerting; 0 alerts from the start. @default 14 */
  readonly learningDays?: number;
  /** A pair not read for this many days is forgotten (DynamoDB TTL) and alerts again. @default 90 */
  readonly retentionDays?: number;
  /** Customer key for the table and the log group (and the topic, whose key the role must use). @default - AWS-owned keys */
  readonly kmsKeyArn?: string;
  /** Retention of the workflow's error log. @default 90 */
  readonly logRetentionDays?: number;
  /** Where EventBridge puts events it could not deliver to the workflow. @default - none */
  readonly deadLetterQueue?: SqsQueue;
  readonly consoleHost?: string;
  /**
   * Topics told when executions fail (a publish refused by the key, a throttled table): without this a broken
   * workflow would learn and alert nothing, silently. @default - no alarm
   */
  readonly alarmTopicArns?: readonly string[];
}

/**
 * CloudTrail → EventBridge rule (successful reads) → Step Functions Express workflow → DynamoDB conditional write
 * per principal/secret pair → SNS on a new pair. A Terraform-written item holds the end of the learning period.
 */
export class FirstSeenReaders extends Construct {
  readonly table: DynamodbTable;
  /** The learning period's end, written once (absent when `learningDays` is 0). */
  readonly learningItem?: DynamodbTableItem;
  readonly logGroup: CloudwatchLogGroup;
  readonly executionRole: IamRole;
  readonly executionPolicy: IamRolePolicy;
  readonly stateMachine: SfnStateMachine;
  readonly invokeRole: IamRole;
  readonly invokePolicy: IamRolePolicy;
  /** ExecutionsFailed ≥ 1 in 5 minutes (when `alarmTopicArns` are given). */
  readonly failureAlarm?: CloudwatchMetricAlarm;
  /** ExecutionsTimedOut ≥ 1 in 5 minutes (when `alarmTopicArns` are given). */
  readonly timeoutAlarm?: CloudwatchMetricAlarm;
  readonly rules: { name: string; rule: CloudwatchEventRule; target: CloudwatchEventTarget }[] = [];
  /** The rules' event patterns (`first-seen-<n>`), for forwarding other regions' reads to the workflow's bus. */
  readonly patterns: { id: string; pattern: EventPattern }[];
  /** Built ARNs (policies name them before the resources exist). */
  readonly stateMachineArn: string;
  readonly tableArn: string;
  readonly learningDays: number;
  readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: FirstSeenReadersProps) {
    super(scope, id);
    const learningDays = (this.learningDays = props.learningDays ?? 14);
    const retentionDays = (this.retentionDays = props.retentionDays ?? 90);
    if (!Number.isInteger(learningDays) || learningDays < 0 || learningDays > 365) {
      throw new Error(`firstSeenReaders.learningDays: ${learningDays} is not allowed; use a whole number of days from 0 to 365`);
    }
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 365) {
      throw new Error(`firstSeenReaders.retentionDays: ${retentionDays} is not allowed; use a whole number of days from 1 to 365`);
    }
    const reads = props.detections.filter((d) => d.outcome === "success");
    if (reads.length === 0) throw new Error("firstSeenReaders: no successful-read detection to learn from");
    const { partition, region, accountId } = props;
    const names = firstSeenNames(props.name);
    this.stateMachineArn = `arn:${partition}:states:${region}:${accountId}:stateMachine:${names.stateMachine}`;
    this.tableArn = `arn:${partition}:dynamodb:${region}:${accountId}:table/${names.table}`;

    this.table = new DynamodbTable(this, "Table", {
      name: names.table,
      // On demand: reads come in bursts, and an idle monitor costs nothing.
      billingMode: "PAY_PER_REQUEST",
      hashKey: KEY_ATTRIBUTE,
      attribute: [{ name: KEY_ATTRIBUTE, type: "S" }],
      ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
      serverSideEncryption: props.kmsKeyArn ? { enabled: true, kmsKeyArn: props.kmsKeyArn } : undefined,
    });

    if (learningDays > 0) {
      // Written once at creation with Terraform's own clock: nothing time-dependent in the synthesized JSON, and
      // `ignore_changes` keeps the next plans from moving it (timestamp() changes on every plan).
      this.learningItem = new DynamodbTableItem(this, "LearningEnd", {
        tableName: this.table.name,
        hashKey: KEY_ATTRIBUTE,
        item: `{"${KEY_ATTRIBUTE}":{"S":"${LEARNING_ITEM_KEY}"},"${LEARNING_END_ATTRIBUTE}":{"S":"\${timeadd(timestamp(), "${learningDays * 24}h")}"}}`,
        lifecycle: { ignoreChanges: ["item"] },
      });
    }

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: names.logGroup,
      retentionInDays: props.logRetentionDays ?? 90,
      kmsKeyId: props.kmsKeyArn,
    });

    this.executionRole = new IamRole(this, "ExecutionRole", {
      name: names.executionRole,
      description: "Lets the first-seen workflow remember read pairs and publish new ones",
      assumeRolePolicy: policyDocument([
        {
          // Step Functions presents the state machine as aws:SourceArn (confused-deputy prevention).
          Sid: "StepFunctionsAssume",
          Effect: "Allow",
          Principal: { Service: "states.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnLike: { "aws:SourceArn": this.stateMachineArn } },
        },
      ]),
    });
    this.executionPolicy = new IamRolePolicy(this, "ExecutionPolicy", {
      name: "remember-pairs-and-alert",
      role: this.executionRole.id,
      policy: policyDocument(this.executionStatements(props)),
    });

    this.stateMachine = new SfnStateMachine(this, "StateMachine", {
      name: names.stateMachine,
      type: "EXPRESS",
      roleArn: this.executionRole.arn,
      definition: JSON.stringify(
        firstSeenDefinition({ tableName: this.table.name, topicArn: props.topicArn, retentionDays, consoleHost: props.consoleHost }),
      ),
      // Express workflows keep no execution history: errors go to the encrypted log group, without the
      // execution data (which names secrets and principals).
      loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: `${this.logGroup.arn}:*` },
      dependsOn: [this.executionPolicy],
    });

    const ruleArns = this.ruleArnsFor(props, names);
    this.invokeRole = new IamRole(this, "InvokeRole", {
      name: names.invokeRole,
      description: "Lets the first-seen rules start the first-seen workflow",
      assumeRolePolicy: policyDocument([
        {
          Sid: "EventBridgeAssume",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnEquals: { "aws:SourceArn": ruleArns } },
        },
      ]),
    });
    this.invokePolicy = new IamRolePolicy(this, "InvokePolicy", {
      name: "start-first-seen-workflow",
      role: this.invokeRole.id,
      policy: policyDocument([
        { Sid: "StartFirstSeenWorkflow", Effect: "Allow", Action: "states:StartExecution", Resource: this.stateMachineArn },
      ]),
    });

    if (props.alarmTopicArns?.length) {
      // Step Functions publishes ExecutionsFailed per state machine (AWS/States, dimension StateMachineArn; Step
      // Functions Developer Guide, "Step Functions metrics for CloudWatch"), Express workflows included.
      this.failureAlarm = new CloudwatchMetricAlarm(this, "FailureAlarm", {
        alarmName: `${props.name}-first-seen-failed`,
        alarmDescription:
          "First-seen workflow executions failed in the last 5 minutes: new readers may go unalerted. Check the log group " +
          `${names.logGroup} (errors only) for the failing state; a refused sns:Publish or kms:GenerateDataKey points at the key or topic policy.`,
        namespace: "AWS/States",
        metricName: "ExecutionsFailed",
        dimensions: { StateMachineArn: this.stateMachine.arn },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [...props.alarmTopicArns],
      });
      // A timed-out execution is not a failed one: ExecutionsTimedOut is its own AWS/States metric (listed with
      // ExecutionsFailed among the execution-level metrics, CloudWatch Application Insights, "AWS Step Functions").
      this.timeoutAlarm = new CloudwatchMetricAlarm(this, "TimeoutAlarm", {
        alarmName: `${props.name}-first-seen-timed-out`,
        alarmDescription:
          "First-seen workflow executions timed out in the last 5 minutes (Express workflows stop at 5 minutes): new readers may go unalerted. " +
          `Check the log group ${names.logGroup} and the table's and topic's throttling.`,
        namespace: "AWS/States",
        metricName: "ExecutionsTimedOut",
        dimensions: { StateMachineArn: this.stateMachine.arn },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [...props.alarmTopicArns],
      });
    }

    this.patterns = this.patternsOf(props).map((pattern, i) => ({ id: `first-seen-${i + 1}`, pattern }));
    this.patternsOf(props).forEach((pattern, i) => {
      const name = names.rule(i);
      const rule = new CloudwatchEventRule(this, `Rule${i === 0 ? "" : i + 1}`, {
        name,
        description: "Successful secret and SecureString reads, for the first-seen reader workflow",
        eventBusName: "default",
        eventPattern: JSON.stringify(pattern),
        // Reads are read-only management events; a plain ENABLED rule never receives them.
        state: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
      });
      const target = new CloudwatchEventTarget(this, `Target${i === 0 ? "" : i + 1}`, {
        rule: rule.name,
        eventBusName: "default",
        targetId: "first-seen-workflow",
        arn: this.stateMachine.arn,
        roleArn: this.invokeRole.arn,
        retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
        deadLetterConfig: props.deadLetterQueue ? { arn: props.deadLetterQueue.arn } : undefined,
      });
      this.rules.push({ name, rule, target });
    });
  }

  private patternsOf(props: FirstSeenReadersProps) {
    return variantEventPatterns(
      props.detections.filter((d) => d.outcome === "success"),
      { outcome: "success", identity: "any", network: "any" },
    );
  }

  private ruleArnsFor(props: FirstSeenReadersProps, names: ReturnType<typeof firstSeenNames>): string[] {
    return this.patternsOf(props).map((_, i) => `arn:${props.partition}:events:${props.region}:${props.accountId}:rule/${names.rule(i)}`);
  }

  /** The rules' ARNs, built (for the dead-letter queue's and the key's policies). */
  get ruleArns(): string[] {
    return this.rules.map((r) => r.rule.arn);
  }

  private executionStatements(props: FirstSeenReadersProps): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      {
        // Only what the definition calls: UpdateItem (remember, refresh), GetItem (the learning item) and
        // DeleteItem (forget a pair whose alert could not be published, so its next read alerts).
        Sid: "RememberPairs",
        Effect: "Allow",
        Action: ["dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:DeleteItem"],
        Resource: this.tableArn,
      },
      { Sid: "PublishNewPairs", Effect: "Allow", Action: "sns:Publish", Resource: props.topicArn },
      {
        // Step Functions' CloudWatch Logs delivery: these actions take no resource ("Resource": "*" in the
        // Step Functions guide, cw-logs.html); they only configure where this state machine's logs go.
        Sid: "DeliverLogs",
        Effect: "Allow",
        Action: [
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups",
        ],
        Resource: "*",
      },
    ];
    if (props.kmsKeyArn) {
      statements.push({
        // SNS encrypts the published message under the topic's key, and DynamoDB the table's items, on this role's
        // behalf. The key policy admits these only through SNS (with this topic's encryption context) and DynamoDB
        // (kms:ViaService), so a condition here would repeat it.
        Sid: "UseKeyThroughSnsAndDynamoDB",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: props.kmsKeyArn,
      });
    }
    return statements;
  }
}
