/**
 * Every region and every account, as configuration choices: the multi-region forwarding of one account, and the
 * organization's three stacks (central, organization trail, member forwarding StackSet). Each behaviour AWS
 * documents is cited (URL + quoted sentence) beside the assertion that encodes it.
 */
import { Testing } from "cdktf";
import { buildApp, CENTRAL_STACK, MEMBER_FORWARDING_STACK, MONITORING_STACK, ORG_TRAIL_STACK } from "../../src/app";
import { ConfigError, parseConfig } from "../../src/config/load";
import { forwardedRegions, MonitorConfigInput } from "../../src/config/schema";
import { DEFAULT_ENABLED_REGIONS } from "../../src/config/aws-facts";
import { cfnSchemaProblems } from "../../src/review/cfn-schema";
import { ALL_MANAGEMENT_EVENTS, forwardingPattern, MAX_NAMED_ACCOUNTS, realtimeRulePatterns } from "../../src/patterns/member-forwarding";
import { CentralStack } from "../../src/stacks/central-stack";
import { MemberForwardingStack } from "../../src/stacks/member-forwarding-stack";
import { readDetections } from "../../src/patterns/sensitive-reads";
import { readScope } from "../../src/stacks/monitoring-stack";

type Obj = Record<string, any>;

const ORG: MonitorConfigInput = {
  region: "eu-west-1",
  namePrefix: "sam-org",
  suffix: "org00001",
  alertEmails: ["security@example.com"],
  organization: {
    id: "o-a1b2c3d4e5",
    managementAccountId: "111111111111",
    securityAccountId: "222222222222",
    organizationalUnits: ["ou-ab12-cd34ef56", "r-ab12"],
    regions: ["eu-west-1", "us-east-1", "ap-southeast-2"],
    accountNames: { "333333333333": "payments-prod" },
  },
};

function errorLines(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.lines;
    throw err;
  }
  throw new Error("configuration was accepted");
}

const values = (tf: Obj, type: string): Obj[] => Object.values(tf.resource?.[type] ?? {});

describe("configuration", () => {
  const base = { alertEmails: ["a@example.com"], suffix: "abcd1234" };
  test.each([
    [{ ...base, realtimeAlerts: { regions: ["mars-east-1"] } }, "realtimeAlerts.regions[0]: mars-east-1 is not a known AWS region"],
    [{ ...base, realtimeAlerts: { regions: "every" } }, 'realtimeAlerts.regions: must be a list of region names (["eu-west-1"]) or "all"'],
    [{ ...base, realtimeAlerts: { regions: ["cn-north-1"] } }, "realtimeAlerts.regions: cn-north-1 is in another partition than region us-east-1"],
    [{ ...ORG, suffix: undefined }, "suffix: is required with organization"],
    [{ ...ORG, organization: { ...ORG.organization!, id: "org-1" } }, "organization.id: must be an organization id"],
    [{ ...ORG, organization: { ...ORG.organization!, organizationalUnits: ["sales"] } }, "organization.organizationalUnits[0]: must be an OU id (ou-ab12-cd34ef56) or the root id (r-ab12)"],
    [{ ...ORG, organization: { ...ORG.organization!, organizationalUnits: [] } }, "organization.organizationalUnits: must list at least one organizational unit"],
    [{ ...ORG, organization: { ...ORG.organization!, securityAccountId: "111111111111" } }, "organization.securityAccountId: must not be the management account"],
    [{ ...ORG, organization: { ...ORG.organization!, managementAccountId: "1234" } }, "organization.managementAccountId: must be a 12-digit AWS account id"],
    [{ ...ORG, organization: { ...ORG.organization!, accountNames: { prod: "x" } } }, "organization.accountNames.prod: keys must be 12-digit account ids"],
    [{ ...ORG, organization: { ...ORG.organization!, accountNames: { "333333333333": "<b>" } } }, "organization.accountNames.333333333333: must be 1–50 letters"],
    [{ ...ORG, organization: { ...ORG.organization!, stackSetCallAs: "ADMIN" } }, 'organization.stackSetCallAs: must be "SELF" or "DELEGATED_ADMIN"'],
    [{ ...ORG, realtimeAlerts: { regions: ["us-east-1"] } }, "realtimeAlerts.regions: is for one account; with organization, list the regions in organization.regions"],
    [{ ...ORG, realtimeAlerts: { enabled: false } }, "realtimeAlerts.enabled: must stay true with organization"],
    [
      { ...ORG, organization: { ...ORG.organization!, accountNames: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [String(100000000000 + i), `a${i}`])) } },
      "organization.accountNames: at most 25 accounts may be named",
    ],
  ] as [unknown, string][])("refuses %j with one line naming the field", (raw, line) => {
    const lines = errorLines(raw);
    expect(lines.some((l) => l.includes(line))).toBe(true);
  });

  test("what the accountNames error says a name costs is what the central stack synthesizes for one", () => {
    const centralRules = (accountNames: Record<string, string>) => {
      const cfg = parseConfig({ ...ORG, organization: { ...ORG.organization!, accountNames } });
      return values(JSON.parse(Testing.synth(new CentralStack(Testing.app(), "c", cfg, cfg.organization!))), "aws_cloudwatch_event_rule").map((r) => r.name as string);
    };
    const added = centralRules({ "333333333333": "payments-prod", "444444444444": "payments-eu" }).filter((n) => !centralRules({}).includes(n));
    const perName = (id: string) => added.filter((n) => n.includes(`-${id}`));
    // One rule per outcome (read, refused read), more where a pattern passes 2,048 characters; nothing else.
    const outcomes = (names: string[]) => new Set(names.map((n) => (/-denied-/.test(n) ? "denied" : "read")));
    for (const id of ["333333333333", "444444444444"]) expect(outcomes(perName(id))).toEqual(new Set(["read", "denied"]));
    expect(added.length).toBe(perName("333333333333").length + perName("444444444444").length);
    const line = errorLines({ ...ORG, organization: { ...ORG.organization!, accountNames: Object.fromEntries(Array.from({ length: MAX_NAMED_ACCOUNTS + 1 }, (_, i) => [String(100000000000 + i), `a${i}`])) } });
    expect(line.join("\n")).toContain(`at most ${MAX_NAMED_ACCOUNTS} accounts may be named (each takes rules of its own on the central bus, one per outcome and more where a pattern passes 2,048 characters`);
  });

  test('"all" means every region enabled by default in the home partition, the home region left out', () => {
    const cfg = parseConfig({ ...base, region: "eu-west-1", realtimeAlerts: { regions: "all" } });
    const regions = forwardedRegions(cfg);
    expect(regions).not.toContain("eu-west-1");
    expect(regions).toHaveLength(DEFAULT_ENABLED_REGIONS.length - 1);
    // Opt-in regions (introduced after March 20, 2019) refuse every call until enabled: never implied by "all".
    for (const optIn of ["af-south-1", "ap-east-1", "me-south-1", "eu-south-1", "il-central-1"]) expect(regions).not.toContain(optIn);
  });
});

describe("multi-region, one account", () => {
  const { monitoring } = buildApp(parseConfig({ ...ORG, organization: undefined, realtimeAlerts: { regions: ["us-east-1", "ap-southeast-2"] } }), Testing.app());
  const tf = JSON.parse(Testing.synth(monitoring));
  const home = values(tf, "aws_cloudwatch_event_rule").filter((r) => !r.provider);
  const forwarding = values(tf, "aws_cloudwatch_event_rule").filter((r) => r.provider);

  test("each listed region gets its own provider configuration and the home region's rules' very patterns", () => {
    expect([].concat(tf.provider.aws).map((p: Obj) => p.alias ?? "home").sort()).toEqual(["ap-southeast-2", "home", "us-east-1"]);
    for (const region of ["us-east-1", "ap-southeast-2"]) {
      const here = forwarding.filter((r) => r.provider === `aws.${region}`);
      expect(here.map((r) => r.event_pattern).sort()).toEqual(home.map((r) => r.event_pattern).sort());
    }
  });

  test("forwarding rules receive read-only management events and target the home region's default bus through a role", () => {
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html: "Enable
    // the rule so that EventBridge matches all events against the rule, including read-only management events
    // delivered through CloudTrail."
    for (const r of forwarding) expect(r.state).toBe(ALL_MANAGEMENT_EVENTS);
    const targets = values(tf, "aws_cloudwatch_event_target").filter((t) => t.provider);
    expect(targets.length).toBe(forwarding.length);
    for (const t of targets) {
      expect(t.arn).toBe("arn:aws:events:eu-west-1:${data.aws_caller_identity.current.account_id}:event-bus/default");
      expect(t.role_arn).toMatch(/^\$\{aws_iam_role\.Forwarding_Role_[A-Z0-9]+\.arn\}$/);
      // No transformer: the home rule renders the message from the record, which names its own region.
      expect(t.input_transformer).toBeUndefined();
    }
    const policy = JSON.parse(values(tf, "aws_iam_role_policy").find((p) => p.name === "put-events-to-alerting-bus")!.policy);
    expect(policy.Statement).toEqual([
      { Sid: "PutEventsToAlertingBus", Effect: "Allow", Action: "events:PutEvents", Resource: "arn:aws:events:eu-west-1:${data.aws_caller_identity.current.account_id}:event-bus/default" },
    ]);
  });

  test("the single-account stack name is unchanged", () => {
    expect(monitoring.node.id).toBe(MONITORING_STACK);
  });
});

describe("organization", () => {
  const built = buildApp(parseConfig(ORG), Testing.app());
  const central = JSON.parse(Testing.synth(built.central!));
  const trail = JSON.parse(Testing.synth(built.monitoring));
  const members = JSON.parse(Testing.synth(built.members!));

  test("builds the central, organization trail and member forwarding stacks, and no single-account stack", () => {
    expect(built.app.node.children.map((c) => c.node.id).sort()).toEqual([CENTRAL_STACK, MEMBER_FORWARDING_STACK, ORG_TRAIL_STACK].sort());
  });

  test("the central rules run on the central bus and receive read-only management events", () => {
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html: "You can
    // set up rules on your default or custom event bus to receive read-only management events from AWS services
    // via CloudTrail."
    const reads = values(central, "aws_cloudwatch_event_rule").filter((r) => r.state === ALL_MANAGEMENT_EVENTS);
    expect(reads.length).toBeGreaterThanOrEqual(12);
    for (const r of reads) expect(r.event_bus_name).toBe("${aws_cloudwatch_event_bus.Bus.name}");
  });

  test("member forwarding targets the central bus directly: EventBridge does not pass events on to a third account", () => {
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html: "If a receiver account sets up
    // a rule that sends events received from a sender account on to a third account, these events are not sent to
    // the third account."
    const template = built.members!.template as Obj;
    const rules = Object.values<Obj>(template.Resources).filter((r) => r.Type === "AWS::Events::Rule");
    expect(rules).toHaveLength(1);
    for (const r of rules) {
      expect(r.Properties.EventBusName).toBe("default");
      expect(r.Properties.State).toBe(ALL_MANAGEMENT_EVENTS);
      expect(r.Properties.Targets).toHaveLength(1);
      expect(r.Properties.Targets[0].Arn).toBe("arn:aws:events:eu-west-1:222222222222:event-bus/sam-org-org00001-org-events");
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html: "If you grant
      // permissions using an organization, then accounts in that organization must specify a RoleArn with proper
      // permissions when they use PutTarget to add your account's event bus as a target."
      expect(r.Properties.Targets[0].RoleArn).toEqual({ "Fn::GetAtt": ["ForwardingRole", "Arn"] });
      expect(r.Properties.Targets[0].InputTransformer).toBeUndefined();
    }
  });

  test("the StackSet template holds one forwarding rule, derived from the central rules' own patterns, never written twice", () => {
    const cfg = parseConfig(ORG);
    const expected = forwardingPattern(realtimeRulePatterns(readDetections(readScope(cfg)), "read").map((p) => p.pattern));
    const template = built.members!.template as Obj;
    const got = Object.values<Obj>(template.Resources).filter((r) => r.Type === "AWS::Events::Rule").map((r) => r.Properties.EventPattern);
    expect(got).toEqual([expected]);
    expect(JSON.parse(values(members, "aws_cloudformation_stack_set")[0].template_body)).toEqual(template);
    expect(cfnSchemaProblems(template, { templateBody: values(members, "aws_cloudformation_stack_set")[0].template_body })).toEqual([]);
  });

  test("the StackSet template names no watched secret and no allowed reader, and stays the same whatever the lists hold", () => {
    // Any member account can read its stack's template (cloudformation:GetTemplate): it must not say which secrets
    // are watched and whose reads are not. A configuration change must not need a rollout to every account.
    const secrets = Array.from({ length: 40 }, (_, i) => ({
      id: `arn:aws:secretsmanager:us-east-1:33333333${String(1000 + i)}:secret:prod/app-${i}/db-password-AbC123`,
      allowedReaders: [`arn:aws:iam::33333333${String(1000 + i)}:role/app-${i}`],
    }));
    const listed = { ...ORG, monitoredSecrets: secrets, parameterStore: { monitoredParameters: ["/prod/db/password"] } } as MonitorConfigInput;
    const cfg = parseConfig(listed);
    const withLists = new MemberForwardingStack(Testing.app(), "m", cfg, cfg.organization!).template;
    const body = JSON.stringify(withLists);
    for (const word of ["prod/app-", "role/app-", "/prod/db/password", "333333333333"]) expect({ word, found: body.includes(word) }).toEqual({ word, found: false });
    expect(withLists).toEqual(built.members!.template);
    expect(Buffer.byteLength(body)).toBeLessThan(5_000);
  });

  test("a service-managed StackSet deploys to the organizational units in every listed region, and to new accounts", () => {
    const set = values(members, "aws_cloudformation_stack_set")[0];
    expect(set.permission_model).toBe("SERVICE_MANAGED");
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudformation-stackset-autodeployment.html:
    // "If set to true, StackSets automatically deploys additional stack instances to AWS Organizations accounts
    // that are added to a target organization or organizational unit (OU) in the specified Regions."
    expect(set.auto_deployment).toEqual({ enabled: true, retain_stacks_on_account_removal: false });
    expect(set.capabilities).toEqual(["CAPABILITY_NAMED_IAM"]);
    expect(set.call_as).toBe("SELF");
    // An automatic deployment (an account joining an OU) may run when `terraform apply` updates the StackSet.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ManagedExecution.html: "When true,
    // StackSets performs non-conflicting operations concurrently and queues conflicting operations. After
    // conflicting operations finish, StackSets starts queued operations in request order." and "When false
    // (default), StackSets performs one operation at a time in request order."
    expect(set.managed_execution).toEqual({ active: true });
    // hashicorp/terraform-provider-aws#23464 (perpetual administration_role_arn diff with SERVICE_MANAGED and
    // auto_deployment), fixed only by pull request #45992 after the pinned provider 5.100.0.
    expect(set.lifecycle.ignore_changes).toEqual(["administration_role_arn"]);
    const instances = values(members, "aws_cloudformation_stack_instances")[0];
    expect(instances.regions.sort()).toEqual(["ap-southeast-2", "eu-west-1", "us-east-1"]);
    // hashicorp/terraform-provider-aws internal/service/cloudformation/stack_instances.go validates
    // organizational_unit_ids with `^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$`, as the schema does.
    expect(instances.deployment_targets.organizational_unit_ids).toEqual(["ou-ab12-cd34ef56", "r-ab12"]);
  });

  test("the management account forwards its own reads: StackSets never deploy there", () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html: "StackSets
    // doesn't deploy stack instances to the organization management account, even if the organization management
    // account is in your organization or in an OU in your organization."
    const forwarding = values(trail, "aws_cloudwatch_event_rule").filter((r) => r.provider);
    expect(new Set(forwarding.map((r) => r.provider))).toEqual(new Set(["aws.eu-west-1", "aws.us-east-1", "aws.ap-southeast-2"]));
    const targets = values(trail, "aws_cloudwatch_event_target").filter((t) => t.provider);
    for (const t of targets) expect(t.arn).toBe("arn:aws:events:eu-west-1:222222222222:event-bus/sam-org-org00001-org-events");
    // No read rules of its own: they run in the central account.
    expect(values(trail, "aws_cloudwatch_event_rule").filter((r) => !r.provider && /-read-|-denied-/.test(r.name))).toEqual([]);
  });

  test("the organization trail records every account's read and write management events into this account's log group", () => {
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html: "You must sign in
    // with the management account or a delegated administrator account associated with an organization to create
    // an organization trail." and "Organization trails log events for the management account and all member
    // accounts in the organization."
    const t = values(trail, "aws_cloudtrail")[0];
    expect(t.is_organization_trail).toBe(true);
    expect(t.is_multi_region_trail).toBe(true);
    expect(t.event_selector[0]).toMatchObject({ read_write_type: "All", include_management_events: true });
    expect(t.cloud_watch_logs_group_arn).toMatch(/^\$\{aws_cloudwatch_log_group\./);
    expect(values(trail, "aws_cloudwatch_log_metric_filter").length).toBeGreaterThan(0);
  });

  test("the organization trail's alarms page through its own topics only: no alarm state change is forwarded or matched centrally", () => {
    // One path per alarm transition: its SNS actions. The central bus admits the whole organization, so a central
    // rule on alarm state changes would also page for a member's alarm named like ours.
    const patterns = [...values(trail, "aws_cloudwatch_event_rule"), ...values(central, "aws_cloudwatch_event_rule")].map((r) => JSON.parse(r.event_pattern));
    expect(patterns.filter((p) => JSON.stringify(p.source ?? []).includes("aws.cloudwatch"))).toEqual([]);
    for (const a of values(trail, "aws_cloudwatch_metric_alarm")) expect(a.alarm_actions.length).toBeGreaterThan(0);
  });

  test("the central account has a dashboard of its alerts and their delivery", () => {
    const body = JSON.parse(values(central, "aws_cloudwatch_dashboard")[0].dashboard_body);
    expect(body.widgets.map((w: Obj) => w.properties.title)).toEqual([
      "Alerts per minute, by central rule (reads anywhere in the organization)",
      "Alert delivery failures",
    ]);
    expect(JSON.stringify(body)).toContain("sam-org-org00001-alert-dlq");
  });

  test("an existing log-archive bucket: no bucket of its own, and the statements its owner adds as an output", () => {
    const withArchive = buildApp(parseConfig({ ...ORG, organization: { ...ORG.organization!, logArchiveBucket: "acme-log-archive" } }), Testing.app());
    const tf = JSON.parse(Testing.synth(withArchive.monitoring));
    expect(values(tf, "aws_s3_bucket")).toEqual([]);
    expect(values(tf, "aws_s3_bucket_policy")).toEqual([]);
    expect(values(tf, "aws_cloudtrail")[0].s3_bucket_name).toBe("acme-log-archive");
    const statements = JSON.parse(tf.output.log_archive_bucket_policy_statements.value);
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html:
    // "arn:aws:s3:::myOrganizationBucket/AWSLogs/o-exampleorgid/*", with aws:SourceArn the organization trail's ARN.
    const org = statements.find((st: Obj) => st.Sid === "CloudTrailOrganizationWrite");
    expect(org.Resource).toBe("arn:aws:s3:::acme-log-archive/AWSLogs/o-a1b2c3d4e5/*");
    expect(org.Condition.StringEquals["aws:SourceArn"]).toMatch(/^arn:aws:cloudtrail:eu-west-1:\$\{data\.aws_caller_identity\.current\.account_id\}:trail\/sam-org-org00001$/);
    // The change detection watches the archive bucket too (the organization trail logs its account).
    expect(JSON.stringify(values(tf, "aws_cloudwatch_log_metric_filter"))).toContain("acme-log-archive");
  });

  test("messages of a named account print its name; every central message links the account in Organizations", () => {
    const targets = values(central, "aws_cloudwatch_event_target").filter((t) => t.target_id === "alert-topic" && t.input_transformer.input_template.includes("Where:   from"));
    const named = targets.filter((t) => t.input_transformer.input_template.includes("(payments-prod)"));
    expect(named).toHaveLength(2);
    for (const t of targets) expect(t.input_transformer.input_template).toContain("/organizations/v2/home/accounts/<account>");
  });
});
