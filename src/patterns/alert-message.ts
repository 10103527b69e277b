/**
 * The message the real-time path sends: an EventBridge input transformer (input paths + template) per alert
 * variant. Each template only prints fields that its variant's pattern guarantees, or that CloudTrail writes in
 * every API-call record (eventTime, eventID, sourceIPAddress, userAgent, userIdentity.type, requestParameters),
 * so a message never shows a blank or a literal `<placeholder>`.
 */
import { AlertFamily, AlertVariant } from "./sensitive-reads";

export interface InputTransformerSpec {
  readonly inputPaths: Record<string, string>;
  readonly inputTemplate: string;
}

/** Input path of every placeholder a template may use. */
export const ALERT_INPUT_PATHS: Record<string, string> = {
  eventName: "$.detail.eventName",
  eventSource: "$.detail.eventSource",
  eventTime: "$.detail.eventTime",
  eventId: "$.detail.eventID",
  awsRegion: "$.detail.awsRegion",
  account: "$.detail.recipientAccountId",
  sourceIp: "$.detail.sourceIPAddress",
  userAgent: "$.detail.userAgent",
  request: "$.detail.requestParameters",
  identityType: "$.detail.userIdentity.type",
  identity: "$.detail.userIdentity",
  principal: "$.detail.userIdentity.arn",
  sessionIssuer: "$.detail.userIdentity.sessionContext.sessionIssuer.arn",
  vpcEndpoint: "$.detail.vpcEndpointId",
  errorCode: "$.detail.errorCode",
  errorMessage: "$.detail.errorMessage",
};

export interface AlertMessageOptions {
  /** Console host for the event link, e.g. `us-east-1.console.aws.amazon.com`; `<awsRegion>` is substituted. */
  readonly consoleHost?: string;
  /** What the alert is about: reads of sensitive values (default), or changes to the trail and the monitoring. */
  readonly family?: AlertFamily;
  /**
   * The friendly name of the account the rule is pinned to (`organization.accountNames`), printed beside its id.
   * @default - the id only
   */
  readonly accountName?: string;
  /**
   * Add a link to the account in the AWS Organizations console, which shows its name and OU for any account of
   * the organization (the central account's messages; the read happened in another account).
   * @default false
   */
  readonly organizationAccountLink?: boolean;
}

const TEXT = {
  read: {
    success: ["SENSITIVE READ: <eventName> returned a secret value", "Result:  success, the value was returned to the caller"],
    denied: ["DENIED READ ATTEMPT: <eventName> was refused", "Result:  DENIED with <errorCode>; nothing was returned, but someone tried"],
    footer: {
      success: [
        "If this read was expected, add the caller to allowedReaders for this secret; otherwise rotate the secret and",
        "review what else this principal did around that time (CloudTrail event history, same access key).",
      ],
      denied: [
        "Nothing was read. Check whether this principal should be touching secrets at all, and what else it tried",
        "around that time (CloudTrail event history filtered by the principal or access key).",
      ],
    },
  },
  decoy: {
    success: ["CRITICAL DECOY READ: <eventName> returned a decoy's value", "Result:  success, the decoy's value was returned to the caller"],
    denied: ["CRITICAL DECOY READ ATTEMPT: <eventName> on a decoy was refused", "Result:  DENIED with <errorCode>; nothing was returned, but someone went for a decoy"],
    footer: {
      success: [
        "No workload uses this secret: nobody should ever read it. Treat the caller's credentials as stolen: revoke",
        "its sessions and keys, then review everything it did (CloudTrail event history, same access key).",
      ],
      denied: [
        "No workload uses this secret: whoever asked for it was looking for secrets. Treat the caller's credentials",
        "as stolen and review what else it tried (CloudTrail event history, same access key).",
      ],
    },
  },
  tamper: {
    success: ["MONITORING CHANGED: <eventName> on <eventSource>", "Result:  the change was applied"],
    denied: ["MONITORING CHANGE REFUSED: <eventName> on <eventSource>", "Result:  DENIED with <errorCode>; nothing changed, but someone tried"],
    footer: {
      success: [
        "Unless this was a planned deployment (selfMonitoring.allowedChangers), the monitor may now be blind, silent or",
        "leaking: the call above changed the trail, its bucket or delivery role, the key, the log group, its metric",
        "filters, the alarms, the rules, the topics or their subscriptions, or the dead-letter queue.",
        "Check:   npm run verify (every link, with the fix); terraform plan shows the drift, terraform apply restores it.",
        "Then:    investigate this principal: what else did it do around this time (CloudTrail event history).",
      ],
      denied: [
        "Nothing changed, but someone tried to blind or silence the monitor (the refusal above names the resource).",
        "Check:   investigate this principal and what else it tried (CloudTrail event history, same access key).",
      ],
    },
  },
} as const;

export function alertTransformer(v: AlertVariant, options: AlertMessageOptions = {}): InputTransformerSpec {
  const host = options.consoleHost ?? "<awsRegion>.console.aws.amazon.com";
  const text = TEXT[options.family ?? "read"];
  const [headline, result] = text[v.outcome];
  const who = {
    "role-session": ["Who:     <principal> (<identityType>)", "         session issuer <sessionIssuer>"],
    principal: ["Who:     <principal> (<identityType>)"],
    "no-arn": ["Who:     no principal ARN in the record (identity <identity>)"],
    any: ["Who:     <identity>"],
  }[v.identity];
  const where = {
    "vpc-endpoint": "Where:   from <sourceIp> through VPC endpoint <vpcEndpoint>, region <awsRegion>, account <account>",
    public: "Where:   from <sourceIp> (public endpoint), region <awsRegion>, account <account>",
    any: "Where:   from <sourceIp>, region <awsRegion>, account <account>",
  }[v.network];
  const named = options.accountName === undefined ? where : where.replace("account <account>", `account <account> (${options.accountName})`);
  const orgHost = options.consoleHost ?? "console.aws.amazon.com";
  const accountLink = options.organizationAccountLink ? [`Account: https://${orgHost}/organizations/v2/home/accounts/<account>`] : [];
  // A refused call's record usually has no request parameters; the refusal names the resource instead.
  const refusal = v.errorMessage ? ["Refusal: <errorMessage>"] : [];
  const lines = [
    headline,
    "",
    ...who,
    "What:    <eventName> on <eventSource> <request>",
    "When:    <eventTime> (UTC)",
    named,
    "How:     <userAgent>",
    result,
    ...refusal,
    "Event:   <eventId>",
    ...accountLink,
    `Open:    https://${host}/cloudtrail/home?region=<awsRegion>#/events/<eventId>`,
    "",
    ...text.footer[v.outcome],
    "Rule:    <aws.events.rule-name>",
  ];
  const inputTemplate = lines.join("\n");
  const used = placeholders(inputTemplate).filter((p) => !p.startsWith("aws.events."));
  const inputPaths: Record<string, string> = {};
  for (const p of used) {
    const path = ALERT_INPUT_PATHS[p];
    if (!path) throw new Error(`alert template uses <${p}> which has no input path`);
    inputPaths[p] = path;
  }
  return { inputPaths, inputTemplate };
}

/** The `<name>` placeholders of a template, in order of first use. */
export function placeholders(template: string): string[] {
  const names = [...template.matchAll(/<([A-Za-z0-9_.-]+)>/g)].map((m) => m[1]);
  return [...new Set(names)];
}
