/**
 * First-seen readers, the pure parts: which pairs a read record makes, under which principal, and what switching the
 * workflow off looks like on both paths of the change detection.
 *
 * Records are written from the documented formats: request fields are the API's parameter names in lowerCamelCase
 * (CloudTrail record contents); DynamoDB's DeleteTable record has `"requestParameters": {"tableName": "Music"}`
 * (DynamoDB Developer Guide, logging with CloudTrail); Step Functions records name `stateMachineArn`, and a refused
 * DeleteStateMachine carries `requestParameters: null` and "is not authorized to perform: states:DeleteStateMachine on
 * resource: arn:aws:states:…:stateMachine:<name>" (Step Functions Developer Guide, logging with CloudTrail).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateRecord, stackModel, StackModel } from "../../src/engines/stack-model";
import { firstSeenMessage, parameterNameOf, principalOf, readPairs, secretNameOf } from "../../src/patterns/first-seen";
import { changeVerdicts, synthesizedForReplay } from "./replay";

const base = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "cloudtrail", "gsv-role-session-vpce.json"), "utf8"));
const ROLE = "arn:aws:iam::111122223333:role/developer";

describe("pairs of a read", () => {
  test("a role session is learned as its role; a user as itself; a service as its name", () => {
    expect(principalOf(base)).toBe(ROLE);
    expect(principalOf({ userIdentity: { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/mallory" } })).toBe("arn:aws:iam::111122223333:user/mallory");
    expect(principalOf({ userIdentity: { type: "AWSService", invokedBy: "ec2.amazonaws.com" } })).toBe("ec2.amazonaws.com");
    expect(principalOf({ userIdentity: { type: "Unknown", principalId: "ABC" } })).toBe("Unknown:ABC");
  });

  test.each([
    ["prod/db", "prod/db"],
    ["arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-Ab12Cd", "prod/db"],
    ["arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db", "prod/db"],
    ["prod/db-Ab12Cd", "prod/db-Ab12Cd"],
  ])("secret id %s is the secret %s", (id, name) => expect(secretNameOf(id)).toBe(name));

  test.each([
    ["/prod/db/password", "/prod/db/password"],
    ["/prod/db/password:3", "/prod/db/password"],
    ["/prod/db/password:live", "/prod/db/password"],
    ["arn:aws:ssm:us-east-1:111122223333:parameter/prod/db/password", "/prod/db/password"],
  ])("parameter %s is %s", (n, name) => expect(parameterNameOf(n)).toBe(name));

  test("each id of a batch, each name of GetParameters, the path of GetParametersByPath; a batch by filters once", () => {
    const d = (eventSource: string, requestParameters: unknown) => ({ ...base, eventSource, requestParameters });
    expect(readPairs(d("secretsmanager.amazonaws.com", { secretIdList: ["a", "b"] })).map((p) => `${p.kind}:${p.name}`)).toEqual(["secret:a", "secret:b"]);
    expect(readPairs(d("secretsmanager.amazonaws.com", { filters: [{ key: "tag-key", values: ["x"] }] }))).toEqual([
      { principal: ROLE, kind: "batch-filters", name: '[{"key":"tag-key","values":["x"]}]' },
    ]);
    expect(readPairs(d("ssm.amazonaws.com", { names: ["/a", "/b:2"], withDecryption: true })).map((p) => p.name)).toEqual(["/a", "/b"]);
    expect(readPairs(d("ssm.amazonaws.com", { path: "/prod/", withDecryption: true }))).toEqual([{ principal: ROLE, kind: "parameter-path", name: "/prod/" }]);
    expect(readPairs(d("ssm.amazonaws.com", { name: "/a", withDecryption: true })).map((p) => p.name)).toEqual(["/a"]);
  });

  test("the message prints no blank for a record without a VPC endpoint, and its subject fits SNS's 100 characters", () => {
    const { vpcEndpointId: _, ...publicRead } = base;
    const long = { principal: ROLE, kind: "secret" as const, name: "x".repeat(300) };
    const m = firstSeenMessage(long, publicRead, { retentionDays: 90 });
    expect(m.message).toContain("Where:   from 10.0.12.7, region us-east-1, account 111122223333");
    expect(m.message).not.toMatch(/undefined/);
    expect(m.subject.length).toBeLessThan(100);
  });
});

describe("switching the first-seen workflow off alerts on both paths", () => {
  let model: StackModel;
  beforeAll(() => {
    model = stackModel(synthesizedForReplay({ firstSeenReaders: { enabled: true } }).tf);
  });
  const call = (eventSource: string, eventName: string, requestParameters: unknown, extra: Record<string, unknown> = {}) => ({
    ...base,
    eventSource,
    eventName,
    readOnly: false,
    requestParameters,
    eventID: `fs-${eventName}`,
    ...extra,
  });
  const SM = "arn:aws:states:us-east-1:111122223333:stateMachine:sam-test0001-first-seen";
  const OTHER_SM = "arn:aws:states:us-east-1:111122223333:stateMachine:orders";

  test.each([
    ["dynamodb DeleteTable", call("dynamodb.amazonaws.com", "DeleteTable", { tableName: "sam-test0001-first-seen" }), true],
    ["dynamodb UpdateTimeToLive", call("dynamodb.amazonaws.com", "UpdateTimeToLive", { tableName: "sam-test0001-first-seen", timeToLiveSpecification: { enabled: false, attributeName: "expiresAt" } }), true],
    ["dynamodb UpdateTable", call("dynamodb.amazonaws.com", "UpdateTable", { tableName: "sam-test0001-first-seen" }), true],
    ["dynamodb PutResourcePolicy", call("dynamodb.amazonaws.com", "PutResourcePolicy", { resourceArn: "arn:aws:dynamodb:us-east-1:111122223333:table/sam-test0001-first-seen" }), true],
    ["states DeleteStateMachine", call("states.amazonaws.com", "DeleteStateMachine", { stateMachineArn: SM }), true],
    ["states UpdateStateMachine", call("states.amazonaws.com", "UpdateStateMachine", { stateMachineArn: SM, definition: "{}" }), true],
    ["iam PutRolePolicy on the workflow's role", call("iam.amazonaws.com", "PutRolePolicy", { roleName: "sam-test0001-first-seen-sfn" }), true],
    ["iam DeleteRolePolicy on the rule's role", call("iam.amazonaws.com", "DeleteRolePolicy", { roleName: "sam-test0001-first-seen-events" }), true],
    ["events DisableRule on the first-seen rule", call("events.amazonaws.com", "DisableRule", { name: "sam-test0001-first-seen" }), true],
    ["dynamodb DeleteTable of another table", call("dynamodb.amazonaws.com", "DeleteTable", { tableName: "orders" }), false],
    ["states DeleteStateMachine of another state machine", call("states.amazonaws.com", "DeleteStateMachine", { stateMachineArn: OTHER_SM }), false],
  ])("%s", (_name, record, alerts) => {
    const v = changeVerdicts(evaluateRecord(model, record));
    expect(v).toEqual({ metric: alerts, realtime: alerts });
  });

  test("a refused DeleteStateMachine, recorded with requestParameters null, alerts by its errorMessage", () => {
    const refused = call("states.amazonaws.com", "DeleteStateMachine", null, {
      errorCode: "AccessDenied",
      errorMessage: `User: arn:aws:sts::111122223333:assumed-role/developer/dev-session is not authorized to perform: states:DeleteStateMachine on resource: ${SM}`,
    });
    const v = evaluateRecord(model, refused);
    expect(changeVerdicts(v)).toEqual({ metric: true, realtime: true });
    expect(v.rules.map((r) => r.rule)).toEqual([expect.stringMatching(/-change-refused/)]);
  });
});
