/**
 * The CloudFormation template checker (src/review/cfn-schema.ts): every check can fail, and each failure quotes
 * what CloudFormation's published resource schema (or the CloudFormation User Guide) states.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CFN_RESOURCE_SCHEMAS, CFN_TEMPLATE_LIMITS, cfnSchemaProblems, getAttAttributes, ResourceSchema } from "../../src/review/cfn-schema";

const SCHEMA_DIR = join(__dirname, "../../src/review/cfn-schemas");
const rule = CFN_RESOURCE_SCHEMAS["AWS::Events::Rule"];
const role = CFN_RESOURCE_SCHEMAS["AWS::IAM::Role"];
const busPolicy = CFN_RESOURCE_SCHEMAS["AWS::Events::EventBusPolicy"];

const CENTRAL_BUS = "arn:aws:events:us-east-1:111122223333:event-bus/secret-access-monitor-org-events";

/**
 * A forwarding template written from the AWS::Events::Rule reference, example "Create a cross-Region rule"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html;
 * awsdocs/aws-cloudformation-user-guide@19dc52cd:doc_source/aws-resource-events-rule.md): a rule whose target is
 * an event bus ARN with `RoleArn` from `Fn::GetAtt [role, Arn]`, the role trusting events.amazonaws.com and
 * allowed `events:PutEvents` on that bus. Here the bus is in another account of the organization, which the same
 * page requires: "If you are setting the event bus of another account as the target, and that account granted
 * permission to your account through an organization instead of directly by the account ID, then you must specify
 * a RoleArn with proper permissions in the Target structure." The pattern is a JSON object, as the page's example.
 */
function forwardingTemplate(): Record<string, any> {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "Forwards secret reads in this account and region to the organization's central event bus",
    Resources: {
      ForwardingRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: "put-events-to-central-bus",
              PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: CENTRAL_BUS }] },
            },
          ],
        },
      },
      ForwardReadRole: {
        Type: "AWS::Events::Rule",
        Properties: {
          Name: "secret-access-monitor-fwd-read-role",
          Description: "Forwards secret reads to the organization's central event bus",
          EventBusName: "default",
          State: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
          EventPattern: {
            source: ["aws.secretsmanager"],
            "detail-type": ["AWS API Call via CloudTrail"],
            detail: { eventSource: ["secretsmanager.amazonaws.com"], eventName: ["GetSecretValue", "BatchGetSecretValue"] },
          },
          Targets: [
            {
              Id: "central-bus",
              Arn: CENTRAL_BUS,
              RoleArn: { "Fn::GetAtt": ["ForwardingRole", "Arn"] },
              RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
            },
          ],
        },
      },
    },
  };
}

/** A central-account template using every other vendored type: bus and org-only bus policy, queue, topic, policies. */
function centralTemplate(): Record<string, any> {
  const document = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" }] };
  return {
    Parameters: { OrganizationId: { Type: "String", AllowedPattern: "^o-[a-z0-9]{10,32}$", Description: "The organization allowed to put events" } },
    Conditions: { HasOrganization: { "Fn::Not": [{ "Fn::Equals": [{ Ref: "OrganizationId" }, ""] }] } },
    Resources: {
      Bus: { Type: "AWS::Events::EventBus", Properties: { Name: "secret-access-monitor-org-events" } },
      BusPolicy: {
        Type: "AWS::Events::EventBusPolicy",
        Condition: "HasOrganization",
        Properties: {
          EventBusName: { Ref: "Bus" },
          StatementId: "organization-put-events",
          Action: "events:PutEvents",
          Principal: "*",
          Condition: { Type: "StringEquals", Key: "aws:PrincipalOrgID", Value: { Ref: "OrganizationId" } },
        },
      },
      DeadLetters: { Type: "AWS::SQS::Queue", Properties: { MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true } },
      DeadLettersPolicy: { Type: "AWS::SQS::QueuePolicy", Properties: { Queues: [{ Ref: "DeadLetters" }], PolicyDocument: document } },
      Alerts: { Type: "AWS::SNS::Topic", Properties: { TopicName: { "Fn::Sub": "${AWS::StackName}-alerts" }, DisplayName: "Secret reads" } },
      AlertsPolicy: { Type: "AWS::SNS::TopicPolicy", Properties: { Topics: [{ Ref: "Alerts" }], PolicyDocument: document } },
      Reader: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: document, MaxSessionDuration: 3600 } },
      ReaderPolicy: { Type: "AWS::IAM::Policy", Properties: { PolicyName: "read", PolicyDocument: document, Roles: [{ Ref: "Reader" }] } },
      ReaderManaged: { Type: "AWS::IAM::ManagedPolicy", Properties: { PolicyDocument: document, Roles: [{ Ref: "Reader" }] } },
      ReaderInline: { Type: "AWS::IAM::RolePolicy", Properties: { PolicyName: "inline", RoleName: { Ref: "Reader" }, PolicyDocument: document } },
    },
    Outputs: {
      BusArn: { Value: { "Fn::GetAtt": ["Bus", "Arn"] }, Export: { Name: { "Fn::Sub": "${AWS::StackName}-bus" } } },
      DeadLettersUrl: { Value: { "Fn::GetAtt": "DeadLetters.QueueUrl" } },
    },
  };
}

/** The one problem a mutation causes (the test fails if there are none or several). */
function onlyProblem(template: unknown, options?: Parameters<typeof cfnSchemaProblems>[1]): string {
  const problems = cfnSchemaProblems(template, options);
  expect(problems).toHaveLength(1);
  return problems[0];
}

describe("vendored schemas", () => {
  const sources = readFileSync(join(SCHEMA_DIR, "SOURCES.md"), "utf8");
  const rows = [...sources.matchAll(/^\| (aws-[a-z-]+\.json) \| (AWS::[A-Za-z:]+) \| [0-9a-f]{40}, [0-9-]+ \| ([0-9a-f]{40}) \|$/gm)];

  it("are exactly the files SOURCES.md lists, byte for byte (git blob ids as published upstream)", () => {
    const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith(".json")).sort();
    expect(rows.map((r) => r[1]).sort()).toEqual(files);
    for (const [, file, , blob] of rows) {
      const content = readFileSync(join(SCHEMA_DIR, file));
      const id = createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
      expect({ file, id }).toEqual({ file, id: blob });
    }
  });

  it("declare the type names SOURCES.md gives them, and the checker loads every one", () => {
    for (const [, file, typeName] of rows) {
      expect(JSON.parse(readFileSync(join(SCHEMA_DIR, file), "utf8")).typeName).toBe(typeName);
      expect(CFN_RESOURCE_SCHEMAS[typeName]?.typeName).toBe(typeName);
    }
    expect(Object.keys(CFN_RESOURCE_SCHEMAS)).toHaveLength(rows.length);
  });

  it("use only patterns a JavaScript RegExp compiles", () => {
    const patterns: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === "object" && node !== null) {
        for (const [k, v] of Object.entries(node)) {
          if (k === "pattern" && typeof v === "string") patterns.push(v);
          if (k === "patternProperties" && typeof v === "object" && v !== null) patterns.push(...Object.keys(v));
          walk(v);
        }
      }
    };
    Object.values(CFN_RESOURCE_SCHEMAS).forEach((s) => walk([s.properties, s.definitions]));
    expect(patterns.length).toBeGreaterThan(0);
    for (const p of patterns) expect(() => new RegExp(p)).not.toThrow();
  });

  it("refuse to be evaluated with a JSON Schema keyword the checker does not implement", () => {
    const odd: ResourceSchema = { typeName: "Test::Odd::Thing", properties: { Size: { type: "integer", multipleOf: 2 } } };
    expect(() => cfnSchemaProblems({ Resources: { Thing: { Type: "Test::Odd::Thing", Properties: { Size: 3 } } } }, { schemas: { "Test::Odd::Thing": odd } })).toThrow(/multipleOf/);
  });

  it("give Fn::GetAtt the read-only properties as attributes (AWS::Events::Rule: Arn; AWS::IAM::Role: Arn, RoleId)", () => {
    // CloudFormation User Guide, AWS::Events::Rule, "Fn::GetAtt": `Arn` "The ARN of the rule".
    expect(getAttAttributes(rule)).toEqual(["Arn"]);
    expect(getAttAttributes(role).sort()).toEqual(["Arn", "RoleId"]);
  });
});

describe("cfnSchemaProblems on sound templates", () => {
  it("accepts the forwarding template written from the AWS::Events::Rule reference", () => {
    expect(cfnSchemaProblems(forwardingTemplate())).toEqual([]);
  });

  it("accepts a central-account template using every other vendored type, parameters, conditions and outputs", () => {
    expect(cfnSchemaProblems(centralTemplate())).toEqual([]);
  });

  it("accepts the event pattern as a JSON string too (the schema's type is [string, object])", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.EventPattern = JSON.stringify(t.Resources.ForwardReadRole.Properties.EventPattern);
    expect(cfnSchemaProblems(t)).toEqual([]);
  });

  it("checks both branches of Fn::If and lets AWS::NoValue remove a property", () => {
    const t = centralTemplate();
    t.Resources.DeadLetters.Properties.MessageRetentionPeriod = { "Fn::If": ["HasOrganization", 345_600, { Ref: "AWS::NoValue" }] };
    expect(cfnSchemaProblems(t)).toEqual([]);
    t.Resources.DeadLetters.Properties.MessageRetentionPeriod = { "Fn::If": ["HasOrganization", 345_600, "four days"] };
    expect(onlyProblem(t)).toMatch(/MessageRetentionPeriod\.Fn::If\[2\]: "four days" is a string; the schema says "type": "integer"/);
  });
});

describe("cfnSchemaProblems on mutated templates: properties", () => {
  it("refuses a property the schema does not define (additionalProperties false)", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.EventBus = "default";
    expect(onlyProblem(t)).toBe(
      'Resources.ForwardReadRole.Properties.EventBus: not a property the schema allows ("additionalProperties": false; allowed: ' +
        `${Object.keys(rule.properties).sort().join(", ")}) (AWS::Events::Rule)`,
    );
  });

  it("refuses an unknown key inside a nested definition (Target)", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.Targets[0].DeadLetterQueue = { Arn: "arn:aws:sqs:us-east-1:111122223333:dlq" };
    expect(onlyProblem(t)).toMatch(/^Resources\.ForwardReadRole\.Properties\.Targets\[0\]\.DeadLetterQueue: not a property the schema allows .*DeadLetterConfig/);
  });

  it("refuses a missing required property, quoting the schema's description of it", () => {
    const t = forwardingTemplate();
    delete t.Resources.ForwardingRole.Properties.AssumeRolePolicyDocument;
    const problem = onlyProblem(t);
    expect(problem).toMatch(/^Resources\.ForwardingRole\.Properties: missing "AssumeRolePolicyDocument", which the schema lists in "required"/);
    expect(problem).toContain((role.properties.AssumeRolePolicyDocument.description as string).split(". ")[0]);
  });

  it("refuses a target without Id (required by the Target definition)", () => {
    const t = forwardingTemplate();
    delete t.Resources.ForwardReadRole.Properties.Targets[0].Id;
    expect(onlyProblem(t)).toBe('Resources.ForwardReadRole.Properties.Targets[0]: missing "Id", which the schema lists in "required" (AWS::Events::Rule)');
  });

  it("refuses a wrong type: retry attempts as a string where the schema says integer", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.Targets[0].RetryPolicy.MaximumRetryAttempts = "185";
    expect(onlyProblem(t)).toBe('Resources.ForwardReadRole.Properties.Targets[0].RetryPolicy.MaximumRetryAttempts: "185" is a string; the schema says "type": "integer" (AWS::Events::Rule)');
  });

  it("refuses a wrong type: an object where the schema says string", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.Name = { name: "x" };
    expect(onlyProblem(t)).toMatch(/Properties\.Name: \{"name":"x"\} is an object; the schema says "type": "string" \(AWS::Events::Rule: "The name of the rule\."\)/);
  });

  it("refuses a state outside the schema's enum, quoting the enum and the description", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.State = "ENABLED_WITH_ALL_MANAGEMENT_EVENTS";
    expect(onlyProblem(t)).toBe(
      `Resources.ForwardReadRole.Properties.State: "ENABLED_WITH_ALL_MANAGEMENT_EVENTS" is not one of the schema's "enum": ${JSON.stringify(rule.properties.State.enum)} (AWS::Events::Rule: "${rule.properties.State.description}")`,
    );
  });

  it("refuses a statement id that breaks the schema's pattern, and one over its maxLength", () => {
    const t = centralTemplate();
    t.Resources.BusPolicy.Properties.StatementId = "!!!";
    expect(onlyProblem(t)).toBe(
      `Resources.BusPolicy.Properties.StatementId: "!!!" does not match the schema's "pattern": "[a-zA-Z0-9-_]+" (AWS::Events::EventBusPolicy: "${busPolicy.properties.StatementId.description}")`,
    );
    t.Resources.BusPolicy.Properties.StatementId = "s".repeat(65);
    expect(onlyProblem(t)).toMatch(/StatementId: 65 characters; the schema says "maxLength": 64/);
  });

  it("refuses a principal that is neither a 12-digit account nor * (the schema's pattern)", () => {
    const t = centralTemplate();
    t.Resources.BusPolicy.Properties.Principal = "o-abc";
    expect(onlyProblem(t)).toMatch(/Principal: "o-abc" does not match the schema's "pattern": "\(\\\\d\{12\}\|\\\\\*\)"/);
  });

  it("refuses the same target twice (uniqueItems)", () => {
    const t = forwardingTemplate();
    const targets = t.Resources.ForwardReadRole.Properties.Targets;
    targets.push(JSON.parse(JSON.stringify(targets[0])));
    expect(onlyProblem(t)).toMatch(/Targets: .* appears twice; the schema says "uniqueItems": true/);
  });

  it("refuses setting a read-only property (the rule's Arn)", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.Arn = "arn:aws:events:us-east-1:444455556666:rule/x";
    expect(onlyProblem(t)).toBe('Resources.ForwardReadRole.Properties.Arn: read-only in AWS::Events::Rule ("readOnlyProperties"): a template cannot set it');
  });

  it("refuses a resource type with no vendored schema", () => {
    const t = forwardingTemplate();
    t.Resources.Extra = { Type: "AWS::Lambda::Function", Properties: {} };
    expect(onlyProblem(t)).toMatch(/^Resources\.Extra\.Type: AWS::Lambda::Function has no published schema here/);
  });

  it("refuses a list-yielding function where the schema wants a string, and a string where it wants a list", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.Name = { "Fn::Split": [",", "a,b"] };
    expect(onlyProblem(t)).toMatch(/Properties\.Name: Fn::Split yields a list, but the schema says "type": "string"/);
    const u = forwardingTemplate();
    u.Resources.ForwardReadRole.Properties.Targets = { Ref: "AWS::Region" };
    expect(onlyProblem(u)).toMatch(/Properties\.Targets: Ref yields a string, but the schema says "type": "array"/);
  });
});

describe("cfnSchemaProblems on mutated templates: intrinsic functions", () => {
  it("refuses Fn::GetAtt of an attribute the schema does not list (RoleArn instead of Arn)", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.Targets[0].RoleArn = { "Fn::GetAtt": ["ForwardingRole", "RoleArn"] };
    expect(onlyProblem(t)).toBe(
      'Resources.ForwardReadRole.Properties.Targets[0].RoleArn.Fn::GetAtt: AWS::IAM::Role has no attribute "RoleArn" for Fn::GetAtt (its schema\'s readOnlyProperties: Arn, RoleId)',
    );
  });

  it("refuses Fn::GetAtt and Ref of a resource the template does not declare", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.Targets[0].RoleArn = { "Fn::GetAtt": ["ForwarderRole", "Arn"] };
    expect(onlyProblem(t)).toMatch(/Fn::GetAtt names "ForwarderRole", which is no resource of this template/);
    const u = forwardingTemplate();
    u.Resources.ForwardingRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals["aws:SourceAccount"] = { Ref: "AWS::Account" };
    expect(onlyProblem(u)).toMatch(/Ref "AWS::Account" names no resource, parameter or pseudo parameter/);
  });

  it("checks the names inside Fn::Sub, including Resource.Attribute and ${!Literal}", () => {
    const t = centralTemplate();
    t.Resources.Alerts.Properties.TopicName = { "Fn::Sub": "${AWS::StackName}-${!NotAVariable}-${Bus.Arn}" };
    expect(cfnSchemaProblems(t)).toEqual([]);
    t.Resources.Alerts.Properties.TopicName = { "Fn::Sub": "${AWS::StackName}-${Bus.Name}" };
    expect(onlyProblem(t)).toMatch(/AWS::Events::EventBus has no attribute "Name" for Fn::GetAtt/);
    t.Resources.Alerts.Properties.TopicName = { "Fn::Sub": ["${Prefix}-alerts", { Prefix: { Ref: "AWS::StackName" } }] };
    expect(cfnSchemaProblems(t)).toEqual([]);
    t.Resources.Alerts.Properties.TopicName = { "Fn::Sub": "${Prefix}-alerts" };
    expect(onlyProblem(t)).toMatch(/Ref "Prefix" names no resource/);
  });

  it("refuses an unknown function, a condition function in a property, and Fn::If naming no condition", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.Description = { "Fn::Concat": ["a", "b"] };
    expect(onlyProblem(t)).toMatch(/Description\.Fn::Concat: no such intrinsic function/);
    t.Resources.ForwardReadRole.Properties.Description = { "Fn::Equals": ["a", "b"] };
    expect(onlyProblem(t)).toMatch(/Description\.Fn::Equals: not allowed in a property value/);
    t.Resources.ForwardReadRole.Properties.Description = { "Fn::If": ["IsProd", "a", "b"] };
    expect(onlyProblem(t)).toMatch(/Description\.Fn::If: no condition "IsProd" in Conditions/);
  });

  it("refuses Fn::Join without a delimiter and a list", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.Properties.Description = { "Fn::Join": ["a", "b"] };
    expect(onlyProblem(t)).toMatch(/Fn::Join takes \[ "delimiter", \[ values \] \]/);
  });
});

describe("cfnSchemaProblems on mutated templates: sections and quotas", () => {
  it("refuses a body over 51,200 bytes and accepts one of exactly 51,200", () => {
    // "Template body size in a request | … | 51,200 bytes" (User Guide, CloudFormation quotas) and CreateStackSet's
    // TemplateBody: "a minimum length of 1 byte and a maximum length of 51,200 bytes".
    const t = forwardingTemplate();
    const size = (body: string) => Buffer.byteLength(body, "utf8");
    const compact = JSON.stringify(t);
    const padded = (n: number) => compact + " ".repeat(n - size(compact)); // trailing JSON whitespace
    expect(cfnSchemaProblems(t, { templateBody: padded(51_200) })).toEqual([]);
    expect(onlyProblem(t, { templateBody: padded(51_201) })).toBe(
      'template: body is 51201 bytes; CloudFormation takes at most 51200 bytes in TemplateBody ("Template body size in a request")',
    );
  });

  it("measures the compact JSON of the template when no body is given, in UTF-8 bytes", () => {
    const t = forwardingTemplate();
    const rules = Array.from({ length: 40 }, (_, i) => [`ForwardRule${i}`, JSON.parse(JSON.stringify(t.Resources.ForwardReadRole))]);
    rules.forEach(([, r]) => (r.Properties.EventPattern.detail.eventName = Array.from({ length: 40 }, (_, k) => `Événement${k}`)));
    Object.assign(t.Resources, Object.fromEntries(rules));
    delete t.Resources.ForwardReadRole;
    rules.forEach(([, r]) => delete r.Properties.Name);
    const bytes = Buffer.byteLength(JSON.stringify(t), "utf8");
    expect(bytes).toBeGreaterThan(CFN_TEMPLATE_LIMITS.templateBodyBytes);
    expect(JSON.stringify(t).length).toBeLessThan(bytes); // the é counts twice
    expect(onlyProblem(t)).toBe(`template: body is ${bytes} bytes; CloudFormation takes at most 51200 bytes in TemplateBody ("Template body size in a request")`);
  });

  it("refuses more than 500 resources", () => {
    // "Resources | Maximum number of resources that you can declare in your AWS CloudFormation template. | 500 resources"
    const resources = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`Queue${i}`, { Type: "AWS::SQS::Queue" }]));
    expect(cfnSchemaProblems({ Resources: resources }, { templateBody: "{}" })).toEqual(["Resources: 501 declared; CloudFormation allows at most 500"]);
    delete resources.Queue500;
    expect(cfnSchemaProblems({ Resources: resources }, { templateBody: "{}" })).toEqual([]);
  });

  it("refuses more than five targets on a rule and an event pattern over 2,048 characters", () => {
    const t = forwardingTemplate();
    const target = t.Resources.ForwardReadRole.Properties.Targets[0];
    t.Resources.ForwardReadRole.Properties.Targets = Array.from({ length: 6 }, (_, i) => ({ ...target, Id: `bus-${i}` }));
    expect(onlyProblem(t)).toMatch(/Targets: 6 targets; "You can define up to five targets for each rule"/);
    const u = forwardingTemplate();
    u.Resources.ForwardReadRole.Properties.EventPattern.detail.eventName = Array.from({ length: 200 }, (_, i) => `GetSecretValue${i}`);
    expect(onlyProblem(u)).toMatch(/EventPattern: \d+ characters; EventBridge's default "Maximum size of an event pattern, in characters" is 2048/);
  });

  it("refuses a Transform (StackSets do not support macros), an unknown section and a wrong format version", () => {
    expect(onlyProblem({ ...forwardingTemplate(), Transform: "AWS::Serverless-2016-10-31" })).toMatch(/^Transform: StackSets do not support/);
    expect(onlyProblem({ ...forwardingTemplate(), Resource: {} })).toMatch(/^Resource: not a template section/);
    expect(onlyProblem({ ...forwardingTemplate(), AWSTemplateFormatVersion: "2010-09-10" })).toMatch(/"2010-09-09" "is currently the only valid value"/);
  });

  it("refuses a missing Resources section, a non-alphanumeric logical ID and a description over 1,024 bytes", () => {
    expect(onlyProblem({ Description: "x" })).toMatch(/^Resources: missing/);
    const t = forwardingTemplate();
    t.Resources["Forward-Read"] = t.Resources.ForwardReadRole;
    delete t.Resources.ForwardReadRole;
    expect(onlyProblem(t)).toMatch(/^Resources\.Forward-Read: a logical ID must be alphanumeric/);
    expect(onlyProblem({ ...forwardingTemplate(), Description: "d".repeat(1_025) })).toMatch(/^Description: 1025 bytes; at most 1024/);
  });

  it("refuses a parameter of an unknown type, an output without Value, and a resource naming a missing condition", () => {
    const t = centralTemplate();
    t.Parameters.OrganizationId.Type = "Text";
    expect(onlyProblem(t)).toMatch(/^Parameters\.OrganizationId\.Type: "Text" is not a parameter type/);
    const u = centralTemplate();
    delete u.Outputs.BusArn.Value;
    expect(onlyProblem(u)).toBe("Outputs.BusArn: Value is required");
    const v = centralTemplate();
    v.Resources.BusPolicy.Condition = "IsOrganization";
    expect(onlyProblem(v)).toBe('Resources.BusPolicy.Condition: no condition "IsOrganization" in Conditions');
  });

  it("refuses DependsOn naming no resource and an unknown resource attribute", () => {
    const t = forwardingTemplate();
    t.Resources.ForwardReadRole.DependsOn = "ForwarderRole";
    expect(onlyProblem(t)).toMatch(/DependsOn: "ForwarderRole" is not another resource/);
    const u = forwardingTemplate();
    u.Resources.ForwardReadRole.Propertie = {};
    expect(onlyProblem(u)).toMatch(/^Resources\.ForwardReadRole\.Propertie: not a resource attribute/);
  });
});
