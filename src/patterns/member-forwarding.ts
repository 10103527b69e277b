/**
 * The real-time path across regions and accounts. CloudTrail delivers an API-call event to EventBridge only in the
 * account and region of the call, so every other region (and, in an organization, every member account) needs
 * rules that forward exactly what the alerting rules need to the bus where they run. Both sides are built here
 * from the same pattern builders (`variantEventPatterns`): a forwarding rule carries the very pattern of one
 * alerting rule, so forwarding followed by the alerting rules alerts on exactly what the alerting rules alone
 * would (`__tests__/patterns/forwarding-replay.test.ts` replays it).
 * Pure: no cdktf imports; the StackSet template is a plain object.
 */
import {
  AlertFamily,
  AlertVariant,
  alertVariants,
  EventPattern,
  MAX_EVENT_PATTERN_LENGTH,
  ReadDetection,
  variantEventPatterns,
  variantKey,
} from "./sensitive-reads";

/** One alerting rule of the real-time path: its id (`read-role-pub`, `read-role-pub-2`, `change-done`…), variant and pattern. */
export interface RulePattern {
  readonly id: string;
  readonly variant: AlertVariant;
  readonly pattern: EventPattern;
  /** The named account this rule is pinned to (`detail.recipientAccountId`), whose name its message prints. */
  readonly account?: { readonly id: string; readonly name: string };
}

/**
 * How many accounts may be named: each takes one rule per outcome on the central bus (more when a pattern does not fit one rule) (quota: 300 rules per bus,
 * EventBridge quotas) and 15 characters of every other rule's pattern (2,048 characters).
 */
export const MAX_NAMED_ACCOUNTS = 25;

/**
 * The rules the real-time path creates for these detections: one per variant (record shape), more when a
 * variant's branches do not fit one pattern (`-2`, `-3`, …). `tamper` rule ids start with `change-`, `decoy` ones
 * with `decoy-`.
 */
const FAMILY_PREFIX: Record<AlertFamily, string> = { read: "", tamper: "change-", decoy: "decoy-" };

export function realtimeRulePatterns(
  detections: readonly ReadDetection[],
  family: AlertFamily = "read",
  accountNames: Readonly<Record<string, string>> = {},
): RulePattern[] {
  const outcomes = [...new Set(detections.map((d) => d.outcome))];
  if (outcomes.length === 0) throw new Error("realtimeAlerts: no detections to alert on");
  const named = Object.keys(accountNames).sort();
  if (named.length > MAX_NAMED_ACCOUNTS) {
    throw new Error(`organization.accountNames: ${named.length} accounts named, at most ${MAX_NAMED_ACCOUNTS} fit the central bus's rules and patterns`);
  }
  // Every other rule leaves the named accounts to their own rules, so each read alerts once.
  const exclusion = named.length > 0 ? { recipientAccountId: [{ "anything-but": named }] } : undefined;
  const room = MAX_EVENT_PATTERN_LENGTH - (exclusion ? JSON.stringify(exclusion).length + 1 : 0);
  const rules: RulePattern[] = [];
  for (const variant of alertVariants(outcomes, family)) {
    const key = variantKey(variant, family);
    variantEventPatterns(detections, variant, room).forEach((pattern, i) => {
      rules.push({ id: `${FAMILY_PREFIX[family]}${i === 0 ? key : `${key}-${i + 1}`}`, variant, pattern: withDetail(pattern, exclusion) });
    });
  }
  // A named account's rules print its name: one rule per outcome, whose message prints the caller's whole
  // identity and network (as the change rules do) rather than one rule per record shape.
  for (const id of named) {
    const pin = { recipientAccountId: [id] };
    for (const outcome of (["success", "denied"] as const).filter((o) => outcomes.includes(o) || outcomes.includes("any"))) {
      const variant: AlertVariant = { outcome, identity: "any", network: "any" };
      const key = variantKey(variant, family);
      variantEventPatterns(detections, variant, MAX_EVENT_PATTERN_LENGTH - JSON.stringify(pin).length - 1).forEach((pattern, i) => {
        rules.push({ id: `${key}-${id}${i === 0 ? "" : `-${i + 1}`}`, variant, pattern: withDetail(pattern, pin), account: { id, name: accountNames[id] } });
      });
    }
  }
  return rules;
}

/** The pattern with one more condition on `detail` (beside any `$or`, so it holds for every alternative). */
function withDetail(pattern: EventPattern, extra: Record<string, unknown> | undefined): EventPattern {
  if (!extra) return pattern;
  return { ...pattern, detail: { ...(pattern.detail as Record<string, unknown>), ...extra } };
}

/**
 * What a member account forwards: every record any of these alerting rules could match, judged by its API call
 * alone. Each rule's pattern (and each `$or` branch of it) keeps only the call it watches — `source`,
 * `detail-type`, `detail.eventSource`, `detail.eventName` and `detail.requestParameters.withDecryption` — and
 * drops every other condition (outcome, identity, network, secret ids, allow-lists, named accounts). Dropping a
 * condition of an AND only widens it, so the result matches a superset of what the rules match: forwarding then
 * the central rules alerts exactly as the central rules alone would (`forwarding-replay.test.ts`).
 *
 * Why not one forwarding rule per alerting rule: forwarding rules have no input transformer, so splitting them by
 * message shape does nothing but repeat every listed secret and allowed reader in each of them (the StackSet
 * template then outgrew CloudFormation's 51,200-byte TemplateBody at three listed secrets), every change of
 * the allow-lists would be a StackSet rollout to every account and Region, and GetTemplate in any member account
 * would print which secrets are watched and whose reads are not — a map for evading the monitor.
 */
export function forwardingPattern(patterns: readonly EventPattern[]): EventPattern {
  if (patterns.length === 0) throw new Error("forwardingPattern: no alerting patterns to forward for");
  const KEPT_TOP = ["source", "detail-type"] as const;
  const top: Record<string, Set<string> | undefined> = {};
  for (const key of KEPT_TOP) {
    // A pattern without the key accepts any value: so does the union.
    const lists = patterns.map((p) => p[key] as unknown);
    top[key] = lists.every((l) => Array.isArray(l) && l.every((v) => typeof v === "string")) ? new Set(lists.flatMap((l) => l as string[])) : undefined;
  }
  // One call per branch: eventSource, decryption flag; eventNames merged over branches watching the same call.
  const calls = new Map<string, { eventSource?: unknown; withDecryption?: unknown; eventNames?: Set<string> }>();
  let everything = false;
  for (const p of patterns) {
    const detail = (p.detail ?? {}) as Record<string, any>;
    const branches: Record<string, any>[] = Array.isArray(detail.$or) ? detail.$or : [{}];
    for (const b of branches) {
      const pick = (k: string) => (b[k] !== undefined ? b[k] : detail[k]);
      const eventSource = pick("eventSource");
      const eventName = pick("eventName");
      const withDecryption = b.requestParameters?.withDecryption ?? detail.requestParameters?.withDecryption;
      if (eventSource === undefined && eventName === undefined && withDecryption === undefined) everything = true;
      const key = JSON.stringify([eventSource ?? null, withDecryption ?? null, Array.isArray(eventName) && eventName.every((n: unknown) => typeof n === "string")]);
      const call = calls.get(key) ?? { eventSource, withDecryption, eventNames: new Set<string>() };
      if (call.eventNames && Array.isArray(eventName) && eventName.every((n: unknown) => typeof n === "string")) for (const n of eventName) call.eventNames.add(n);
      else call.eventNames = undefined; // a branch that does not list its eventNames: any name of that call
      calls.set(key, call);
    }
  }
  const out: EventPattern = {};
  for (const key of KEPT_TOP) if (top[key]) out[key] = [...top[key]!].sort();
  if (!everything) {
    const branches = [...calls.values()].map((c) => ({
      ...(c.eventSource !== undefined ? { eventSource: c.eventSource } : {}),
      ...(c.eventNames ? { eventName: [...c.eventNames].sort() } : {}),
      ...(c.withDecryption !== undefined ? { requestParameters: { withDecryption: c.withDecryption } } : {}),
    }));
    out.detail = branches.length === 1 ? branches[0] : { $or: branches };
  }
  if (JSON.stringify(out).length > MAX_EVENT_PATTERN_LENGTH) throw new Error(`forwardingPattern: ${JSON.stringify(out).length} characters, more than EventBridge's ${MAX_EVENT_PATTERN_LENGTH}`);
  return out;
}

/** The name of the rule forwarding the events of alerting rule `id`: `<namePrefix>-fwd-<id>`. */
export function forwardingRuleName(namePrefix: string, id: string): string {
  return `${namePrefix}-fwd-${id}`;
}

/**
 * EventBridge: "You can set up rules on your default or custom event bus to receive read-only management events
 * from AWS services via CloudTrail" with this state; a plain `ENABLED` rule never sees GetSecretValue.
 */
export const ALL_MANAGEMENT_EVENTS = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

/**
 * The member forwarding role's name in one Region, `<namePrefix>-fwd-<region>`: fixed, so that the change detection
 * can name it (IAM records `requestParameters.roleName`); with the Region, because IAM roles are global and the
 * StackSet creates one per Region of each account. At most 24 + 1 + 12 characters of prefix and suffix (the
 * schema's limits) + 5 + a Region name of at most 15: under IAM's 64 (CreateRole, RoleName: "Maximum length of 64").
 */
export function memberForwardingRoleName(namePrefix: string, region: string): string {
  return `${namePrefix}-fwd-${region}`;
}

/** Every Region's member forwarding role, as a wildcard. */
export function memberForwardingRoleNames(namePrefix: string): string {
  return `${namePrefix}-fwd-*`;
}

/** The central event bus of an organization: a name every account can build, without a random suffix. */
export function centralBusName(namePrefix: string): string {
  return `${namePrefix}-org-events`;
}

export function eventBusArn(partition: string, region: string, accountId: string, busName: string): string {
  return `arn:${partition}:events:${region}:${accountId}:event-bus/${busName}`;
}

export interface MemberForwardingTemplateProps {
  /** Prefix of the forwarding rules' names (`<namePrefix>-fwd-<id>`), shared with the organization's other stacks. */
  readonly namePrefix: string;
  /** The central event bus (security account, home region) the rules forward to. */
  readonly centralBusArn: string;
  /** The alerting rules of the central account: one forwarding rule sends what any of them could match (`forwardingPattern`). */
  readonly rules: readonly RulePattern[];
  /** How long EventBridge retries a failed forward. @default 86400 - the maximum, 24 hours */
  readonly maximumEventAgeSeconds?: number;
  /** @default 185 - EventBridge's maximum retry attempts */
  readonly maximumRetryAttempts?: number;
}

/** The id of the member accounts' one forwarding rule: `<namePrefix>-fwd-reads`. */
export const MEMBER_FORWARDING_RULE_ID = "reads";

/** CloudFormation logical ids: letters and digits only. */
function logicalId(prefix: string, id: string): string {
  return prefix + id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join("");
}

/**
 * The CloudFormation template a service-managed StackSet deploys to every account and region of the chosen
 * organizational units: one forwarding rule on the account's default bus (`forwardingPattern`: every read of a
 * secret value or decrypted parameter, and every refused one), targeting the central bus through one role. The
 * template names no secret and no principal, and does not change when the configuration's lists do.
 *
 * - The role: "If you grant permissions using an organization, then accounts in that organization must specify a
 *   RoleArn with proper permissions when they use PutTarget to add your account's event bus as a target"
 *   (EventBridge API Reference, PutPermission). It may only `events:PutEvents` to the central bus, and only
 *   EventBridge of this account may assume it.
 * - No input transformer on the target: the central rules match the forwarded event as CloudTrail wrote it, and
 *   render the message there (account and region come from the record itself).
 * - The role has a fixed name per Region (`memberForwardingRoleName`), so that the organization trail's change
 *   detection watches it; a named role needs CAPABILITY_NAMED_IAM.
 */
export function memberForwardingTemplate(props: MemberForwardingTemplateProps): Record<string, unknown> {
  if (props.rules.length === 0) throw new Error("memberForwardingTemplate: no alerting rules to forward for");
  const resources: Record<string, unknown> = {
    ForwardingRole: {
      Type: "AWS::IAM::Role",
      Properties: {
        // Each stack instance's Region, joined in by CloudFormation. Not Fn::Sub: its `${AWS::Region}` would be a
        // Terraform interpolation in the template_body string.
        RoleName: { "Fn::Join": ["", [memberForwardingRoleName(props.namePrefix, ""), { Ref: "AWS::Region" }]] },
        Description: "Lets EventBridge forward secret reads to the organization's central event bus",
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
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: props.centralBusArn }],
            },
          },
        ],
      },
    },
  };
  {
    resources[logicalId("Forward", MEMBER_FORWARDING_RULE_ID)] = {
      Type: "AWS::Events::Rule",
      Properties: {
        Name: forwardingRuleName(props.namePrefix, MEMBER_FORWARDING_RULE_ID),
        Description: "Forwards every read of a secret value or decrypted parameter, and every refused one, to the organization's central event bus",
        EventBusName: "default",
        EventPattern: forwardingPattern(props.rules.map((r) => r.pattern)),
        State: ALL_MANAGEMENT_EVENTS,
        Targets: [
          {
            Id: "central-bus",
            Arn: props.centralBusArn,
            RoleArn: { "Fn::GetAtt": ["ForwardingRole", "Arn"] },
            RetryPolicy: {
              MaximumEventAgeInSeconds: props.maximumEventAgeSeconds ?? 86_400,
              MaximumRetryAttempts: props.maximumRetryAttempts ?? 185,
            },
          },
        ],
      },
    };
  }
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "Secret-access monitor: forwards secret reads in this account and region to the organization's central event bus",
    Resources: resources,
  };
}
