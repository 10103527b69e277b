/**
 * FirstSeenReaders: the EventBridge rule, Express workflow, DynamoDB table and learning item, as synthesized.
 */
import { Testing } from "cdktf";
import { ConfigError, parseConfig } from "../../src/config/load";
import { FirstSeenReaders } from "../../src/constructs/first-seen-readers";
import { firstSeenDefinition, CONDITION_FAILED, FORGET_CONDITION, REMEMBER_CONDITION } from "../../src/patterns/first-seen";
import { encryptedTopicProblems, leastPrivilegeProblems } from "../../src/patterns/policy-checks";
import { tamperCalls } from "../../src/patterns/tampering";
import { BASE_CONFIG, only, resources, synthMonitoring, Synthesized } from "../helpers";

const firstSeenRules = (s: Synthesized) => resources(s.tf, "aws_cloudwatch_event_rule").filter((r) => r.name.includes("-first-seen"));

describe("FirstSeenReaders", () => {
  let kms: Synthesized;
  let awsManaged: Synthesized;
  beforeAll(() => {
    kms = synthMonitoring({ firstSeenReaders: { enabled: true } });
    awsManaged = synthMonitoring({ firstSeenReaders: { enabled: true }, encryption: { mode: "aws-managed" } });
  });

  test("off by default: no table, no state machine", () => {
    const { tf } = synthMonitoring({});
    expect(resources(tf, "aws_sfn_state_machine")).toHaveLength(0);
    expect(resources(tf, "aws_dynamodb_table")).toHaveLength(0);
  });

  test("the rule receives read-only management events and starts the Express workflow with its own role", () => {
    const [rule] = firstSeenRules(kms);
    // Secret reads are read-only management events: a plain ENABLED rule never receives them (CloudTrail → EventBridge).
    expect(rule.state).toBe("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
    const target = resources(kms.tf, "aws_cloudwatch_event_target").find((t) => String(t.arn).includes("aws_sfn_state_machine"))!;
    expect(target.role_arn).toMatch(/^\$\{aws_iam_role\.FirstSeenReaders_InvokeRole_[A-F0-9]+\.arn\}$/);
    expect(target.dead_letter_config.arn).toMatch(/aws_sqs_queue/);
    const machine = only(kms.tf, "aws_sfn_state_machine");
    expect(machine.type).toBe("EXPRESS");
    expect(machine.logging_configuration).toMatchObject({ level: "ERROR", include_execution_data: false });
  });

  test("the rule's pattern is built by the read detections: successful reads only, allow-listed readers excluded", () => {
    const allowed = synthMonitoring({ firstSeenReaders: { enabled: true }, allowedReaders: ["arn:aws:iam::111122223333:role/app"] });
    const pattern = JSON.parse(firstSeenRules(allowed)[0].event_pattern);
    expect(pattern.detail.errorCode).toEqual([{ exists: false }]);
    expect(JSON.stringify(pattern)).toContain("arn:aws:sts::111122223333:assumed-role/app/*");
  });

  test("the definition deployed is the one the offline engine models, with the table and topic referenced", () => {
    const machine = only(kms.tf, "aws_sfn_state_machine");
    const def = JSON.parse(machine.definition);
    const remember = def.States.EachPair.ItemProcessor.States.Remember;
    expect(remember.Arguments.ConditionExpression).toBe(REMEMBER_CONDITION);
    expect(remember.Catch[0].ErrorEquals).toEqual([CONDITION_FAILED]);
    expect(remember.Arguments.TableName).toMatch(/^\$\{aws_dynamodb_table\./);
    expect(def.States.EachPair.ItemProcessor.States.Alert.Arguments.TopicArn).toMatch(/^\$\{aws_sns_topic\.AlertTopic_/);
    expect(machine.definition).toBe(JSON.stringify(firstSeenDefinition({ tableName: remember.Arguments.TableName, topicArn: def.States.EachPair.ItemProcessor.States.Alert.Arguments.TopicArn, retentionDays: 90 })));
  });

  test("failed executions alarm on the alert and health topics: a broken workflow is not silent", () => {
    const alarm = resources(kms.tf, "aws_cloudwatch_metric_alarm").find((a) => a.alarm_name === "sam-test0001-first-seen-failed")!;
    expect(alarm).toMatchObject({ namespace: "AWS/States", metric_name: "ExecutionsFailed", statistic: "Sum", threshold: 1, treat_missing_data: "notBreaching" });
    expect(alarm.dimensions.StateMachineArn).toMatch(/^\$\{aws_sfn_state_machine\./);
    expect(alarm.alarm_actions).toHaveLength(2);
  });

  test("the table is on demand, keyed by pair, forgets through TTL, and uses the customer key in kms mode", () => {
    const table = only(kms.tf, "aws_dynamodb_table");
    expect(table).toMatchObject({ billing_mode: "PAY_PER_REQUEST", hash_key: "pk", ttl: { attribute_name: "expiresAt", enabled: true } });
    expect(table.server_side_encryption).toEqual({ enabled: true, kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\./) });
    expect(only(awsManaged.tf, "aws_dynamodb_table").server_side_encryption).toBeUndefined();
  });

  test("the learning end is written once by Terraform (timeadd of timestamp), never at synth, and never moved by later plans", () => {
    const item = only(kms.tf, "aws_dynamodb_table_item");
    expect(item.item).toContain('${timeadd(timestamp(), \\"336h\\")}'.replace(/\\"/g, '"'));
    expect(item.lifecycle).toEqual({ ignore_changes: ["item"] });
    expect(kms.json).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:\d\d/); // no clock reading in the synthesized JSON
  });

  test("every policy of the stack passes the least-privilege and encrypted-topic checks, in both encryption modes", () => {
    expect(leastPrivilegeProblems(kms.tf)).toEqual([]);
    expect(encryptedTopicProblems(kms.tf)).toEqual([]);
    expect(leastPrivilegeProblems(awsManaged.tf)).toEqual([]);
  });

  test("the execution role may update and get items of its table and publish to the alert topic, nothing else on data", () => {
    const policy = JSON.parse(resources(kms.tf, "aws_iam_role_policy").find((p) => p.name === "remember-pairs-and-alert")!.policy);
    const dataActions = policy.Statement.flatMap((s: any) => [].concat(s.Action)).filter((a: string) => /^(dynamodb|sns):/.test(a));
    expect(dataActions.sort()).toEqual(["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "sns:Publish"]);
  });

  test("a pair written but not judged or not published is forgotten (conditional DeleteItem of this read's write), then the execution fails", () => {
    const states = JSON.parse(only(kms.tf, "aws_sfn_state_machine").definition).States.EachPair.ItemProcessor.States;
    // After Remember wrote the pair, a failure in ReadLearningEnd or Alert (retries spent) would leave it "known":
    // the next read would be quiet and the alert lost for good.
    for (const name of ["ReadLearningEnd", "Alert"]) expect(states[name].Catch).toEqual([{ ErrorEquals: ["States.ALL"], Output: "{% $states.input %}", Next: "Forget" }]);
    expect(states.Forget).toMatchObject({
      Type: "Task",
      Resource: "arn:aws:states:::dynamodb:deleteItem",
      Arguments: { ConditionExpression: FORGET_CONDITION, ExpressionAttributeValues: { ":t": { S: "{% $states.input.detail.eventTime %}" } } },
      Next: "Failed",
    });
    expect(states.Remember.Arguments.UpdateExpression).toContain("#firstSeen = :t");
    // Failing (not succeeding) is what ExecutionsFailed counts: the alarm pages the health topic.
    expect(states.Failed.Type).toBe("Fail");
  });

  test("learning is judged by the execution's start ($states.context.Execution.StartTime), not the input's eventTime, which a caller of StartExecution chooses", () => {
    const states = JSON.parse(only(kms.tf, "aws_sfn_state_machine").definition).States.EachPair.ItemProcessor.States;
    const condition: string = states.StillLearning.Choices[0].Condition;
    // Context object: "StartTime": "Format: ISO 8601" (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html).
    expect(condition).toContain("$toMillis($states.context.Execution.StartTime) < $toMillis($states.input.learningEndsAt)");
    expect(condition).not.toContain("eventTime");
  });

  test("timed-out executions alarm too (ExecutionsTimedOut is not counted in ExecutionsFailed)", () => {
    const alarm = resources(kms.tf, "aws_cloudwatch_metric_alarm").find((a) => a.alarm_name === "sam-test0001-first-seen-timed-out")!;
    expect(alarm).toMatchObject({ namespace: "AWS/States", metric_name: "ExecutionsTimedOut", statistic: "Sum", threshold: 1, treat_missing_data: "notBreaching" });
    expect(alarm.alarm_actions).toHaveLength(2);
  });

  test("its error log group and the key's grants (DynamoDB's on the table) are watched by the change detection too", () => {
    const branches = kms.stack.tamper!.branches;
    const deleteLogGroup = branches.find((b) => b.eventSource === "logs.amazonaws.com" && b.eventNames.includes("DeleteLogGroup"))!;
    expect(deleteLogGroup.resource!.exact).toContain("/aws/vendedlogs/states/sam-test0001-first-seen");
    const calls = tamperCalls(kms.stack.tamper!).map((c) => `${c.eventSource} ${c.eventName} ${c.fields.join(",")}`);
    // RevokeGrant / RetireGrant: "KeyId … Specify the key ID or key ARN" (KMS API reference, API_RevokeGrant.html).
    expect(calls).toEqual(expect.arrayContaining(["kms.amazonaws.com RevokeGrant requestParameters.keyId", "kms.amazonaws.com RetireGrant requestParameters.keyId"]));
  });

  test("switching it off alerts: its table, workflow and roles are watched by the change detection, its rules by the rule calls", () => {
    const calls = tamperCalls(kms.stack.tamper!).map((c) => `${c.eventSource} ${c.eventName} ${c.fields.join(",")}`);
    expect(calls).toEqual(
      expect.arrayContaining([
        "dynamodb.amazonaws.com DeleteTable requestParameters.tableName",
        "dynamodb.amazonaws.com UpdateTimeToLive requestParameters.tableName",
        "states.amazonaws.com DeleteStateMachine requestParameters.stateMachineArn",
        "states.amazonaws.com UpdateStateMachine requestParameters.stateMachineArn",
        "events.amazonaws.com DisableRule requestParameters.name",
      ]),
    );
    const roleBranch = kms.stack.tamper!.branches.find((b) => b.eventSource === "iam.amazonaws.com")!;
    expect(roleBranch.resource!.exact).toEqual(expect.arrayContaining(["sam-test0001-first-seen-sfn", "sam-test0001-first-seen-events"]));
  });

  test("bad configuration values stop the synth with one line naming the field", () => {
    const lines = (raw: unknown) => {
      try {
        parseConfig(raw);
      } catch (e) {
        if (e instanceof ConfigError) return e.lines;
        throw e;
      }
      return [];
    };
    expect(lines({ ...BASE_CONFIG, firstSeenReaders: { learningDays: -1 } })).toEqual(["config: firstSeenReaders.learningDays: must be 0 to 365 days"]);
    expect(lines({ ...BASE_CONFIG, firstSeenReaders: { retentionDays: 1.5 } })).toEqual([expect.stringMatching(/^config: firstSeenReaders\.retentionDays: must be [a-z ]+/)]);
    expect(lines({ ...BASE_CONFIG, firstSeenReaders: { retentionDays: 400 } })).toEqual(["config: firstSeenReaders.retentionDays: must be 1 to 365 days"]);
    expect(lines({ ...BASE_CONFIG, firstSeenReaders: { enable: true } })[0]).toMatch(/^config: firstSeenReaders: .*enable/);
  });

  test("the construct refuses out-of-range values itself", () => {
    const stack = Testing.stubVersion(Testing.app()) as never;
    expect(() => new FirstSeenReaders(stack, "X", { name: "x", accountId: "1", region: "us-east-1", partition: "aws", detections: [], topicArn: "t", retentionDays: 0 })).toThrow(
      /retentionDays: 0 is not allowed/,
    );
  });
});
