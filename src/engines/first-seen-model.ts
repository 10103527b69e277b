/**
 * The first-seen workflow, replayed offline: what the synthesized state machine does with each read, against a
 * model of its DynamoDB table. Time is the records' eventTime (the workflow computes "now" and the TTL from it
 * too; it judges learning by its execution's start, which follows the read within the delivery delay, so the
 * eventTime stands for it here), never this machine's clock. Failures (`Forget`, `Failed`) are not modelled: offline
 * every call succeeds.
 *
 * The model is read from the synthesized stack: the state machine's definition gives the table, topic and retention
 * (and must be exactly what `firstSeenDefinition` builds from them, or the replay refuses: the JSONata expressions
 * are not executed here, their TypeScript twins in src/patterns/first-seen.ts are); the learning item gives the
 * learning period; the EventBridge targets give the rules that start it. Pure: no cdktf imports.
 */
import { firstSeenDefinition, firstSeenMessage, pairKey, ReadPair, readPairs } from "../patterns/first-seen";

type Obj = Record<string, any>;

export interface FirstSeenModel {
  /** Names of the rules whose target is the workflow. */
  readonly ruleNames: ReadonlySet<string>;
  readonly tableName: string;
  readonly topicArn: string;
  readonly retentionDays: number;
  /** 0 when the stack writes no learning item (every new pair alerts). */
  readonly learningDays: number;
  readonly consoleHost?: string;
}

const DAY_MS = 86_400_000;

/** The workflow of a synthesized stack, or undefined when it has none. Throws when its definition is not ours. */
export function firstSeenModelOf(tf: Obj): FirstSeenModel | undefined {
  const r = tf.resource ?? {};
  const machines = Object.entries<Obj>(r.aws_sfn_state_machine ?? {});
  if (machines.length === 0) return undefined;
  if (machines.length > 1) throw new Error("first-seen: the stack has more than one state machine; simulate models one");
  const [key, machine] = machines[0];
  let definition: Obj;
  try {
    definition = JSON.parse(machine.definition);
  } catch {
    throw new Error(`first-seen: aws_sfn_state_machine.${key}.definition is not JSON`);
  }
  const states = definition?.States?.EachPair?.ItemProcessor?.States ?? {};
  const tableName = states.Remember?.Arguments?.TableName;
  const topicArn = states.Alert?.Arguments?.TopicArn;
  const exp = /\+ (\d+)\) %\}$/.exec(states.Remember?.Arguments?.ExpressionAttributeValues?.[":exp"]?.N ?? "");
  const host = /'Open: {4}https:\/\/' & '([^']+)'/.exec(states.Alert?.Arguments?.Message ?? "");
  if (typeof tableName !== "string" || typeof topicArn !== "string" || !exp) {
    throw new Error(`first-seen: aws_sfn_state_machine.${key} is not the first-seen workflow this simulate models`);
  }
  const retentionDays = Number(exp[1]) / 86_400;
  const consoleHost = host?.[1];
  const expected = JSON.stringify(firstSeenDefinition({ tableName, topicArn, retentionDays, consoleHost }));
  if (expected !== machine.definition) {
    throw new Error(`first-seen: aws_sfn_state_machine.${key}.definition differs from the workflow this simulate models; re-synthesize`);
  }
  const items = Object.values<Obj>(r.aws_dynamodb_table_item ?? {});
  const hours = items.map((i) => /timeadd\(timestamp\(\), "(\d+)h"\)/.exec(String(i.item))).find((m) => m);
  const targets = Object.values<Obj>(r.aws_cloudwatch_event_target ?? {}).filter((t) => String(t.arn).includes(`aws_sfn_state_machine.${key}.`));
  const ruleNames = new Set(
    targets.map((t) => {
      const ref = /aws_cloudwatch_event_rule\.([^.]+)\.name/.exec(String(t.rule));
      return ref ? r.aws_cloudwatch_event_rule?.[ref[1]]?.name : t.rule;
    }),
  );
  return { ruleNames, tableName, topicArn, retentionDays, learningDays: hours ? Number(hours[1]) / 24 : 0, consoleHost };
}

/**
 * What the workflow uses of a read record (pairs and message), so a long replay keeps little per read: the replay
 * needs every read at the end, in time order.
 */
export function firstSeenInput(detail: Obj): Obj {
  const u = detail.userIdentity ?? {};
  const issuer = u.sessionContext?.sessionIssuer?.arn;
  return {
    eventTime: detail.eventTime,
    eventID: detail.eventID,
    eventName: detail.eventName,
    eventSource: detail.eventSource,
    awsRegion: detail.awsRegion,
    recipientAccountId: detail.recipientAccountId,
    sourceIPAddress: detail.sourceIPAddress,
    userAgent: detail.userAgent,
    vpcEndpointId: detail.vpcEndpointId,
    requestParameters: detail.requestParameters,
    userIdentity: {
      type: u.type,
      arn: u.arn,
      invokedBy: u.invokedBy,
      principalId: u.principalId,
      ...(issuer !== undefined ? { sessionContext: { sessionIssuer: { arn: issuer } } } : {}),
    },
  };
}

export interface FirstSeenOutcome {
  readonly type: "first-seen";
  readonly eventTime: string;
  readonly eventId?: string;
  readonly principal: string;
  readonly kind: ReadPair["kind"];
  readonly name: string;
  /** `alert`: a new pair after learning, published; `learned`: new during learning, quiet; `known`: seen within retention. */
  readonly verdict: "alert" | "learned" | "known";
  readonly subject?: string;
  readonly message?: string;
}

interface LearnedItem {
  firstSeen: string;
  lastSeen: string;
  /** Epoch seconds: DynamoDB TTL. */
  expiresAt: number;
}

export interface FirstSeenReplayOptions {
  /**
   * When Terraform wrote the learning item (the deployment): the learning period ends `learningDays` later.
   * @default the earliest eventTime replayed
   */
  readonly deployedAt?: string;
}

/** The table and the workflow's steps, replayed. */
export class FirstSeenTable {
  readonly items = new Map<string, LearnedItem & ReadPair>();

  constructor(
    private readonly model: FirstSeenModel,
    /** Epoch milliseconds; undefined: no learning item. */
    private readonly learningEndsAt: number | undefined,
  ) {}

  /** One successful read record (the event's `detail`): each of its pairs through Remember / Refresh / StillLearning / Alert. */
  process(detail: Obj): FirstSeenOutcome[] {
    const ms = Date.parse(String(detail.eventTime));
    if (Number.isNaN(ms)) return [];
    const now = Math.floor(ms / 1000);
    const exp = now + this.model.retentionDays * 86_400;
    return readPairs(detail).map((pair) => {
      const key = pairKey(pair);
      const item = this.items.get(key);
      const base = { type: "first-seen" as const, eventTime: String(detail.eventTime), eventId: detail.eventID, ...pair };
      // Remember: ConditionExpression `attribute_not_exists(#pk) OR #expiresAt < :now`.
      if (!item || item.expiresAt < now) {
        this.items.set(key, { ...pair, firstSeen: base.eventTime, lastSeen: base.eventTime, expiresAt: exp });
        // StillLearning: the learning item exists and the read happened before its end.
        if (this.learningEndsAt !== undefined && ms < this.learningEndsAt) return { ...base, verdict: "learned" as const };
        const { subject, message } = firstSeenMessage(pair, detail, { retentionDays: this.model.retentionDays, consoleHost: this.model.consoleHost });
        return { ...base, verdict: "alert" as const, subject, message };
      }
      // Refresh: ConditionExpression `#expiresAt < :exp` (never shortens the window).
      if (item.expiresAt < exp) Object.assign(item, { lastSeen: base.eventTime, expiresAt: exp });
      return { ...base, verdict: "known" as const };
    });
  }
}

/** Replays read records (details of events the workflow's rules matched) in eventTime order. */
export function replayFirstSeen(model: FirstSeenModel, details: readonly Obj[], options: FirstSeenReplayOptions = {}): { outcomes: FirstSeenOutcome[]; table: FirstSeenTable } {
  const dated = details
    .map((d, i) => ({ d, i, t: Date.parse(String(d.eventTime)) }))
    .filter((x) => !Number.isNaN(x.t))
    // Same-second reads: by event ID, so the replay does not depend on how files were split over threads.
    .sort((a, b) => a.t - b.t || String(a.d.eventID ?? "").localeCompare(String(b.d.eventID ?? "")) || a.i - b.i);
  let deployedAt: number | undefined;
  if (options.deployedAt !== undefined) {
    deployedAt = Date.parse(options.deployedAt);
    if (Number.isNaN(deployedAt)) throw new Error(`--deployed-at: ${options.deployedAt} is not a time (use ISO 8601, e.g. 2026-11-01T00:00:00Z)`);
  } else {
    deployedAt = dated[0]?.t;
  }
  const learningEndsAt = model.learningDays > 0 && deployedAt !== undefined ? deployedAt + model.learningDays * DAY_MS : undefined;
  const table = new FirstSeenTable(model, learningEndsAt);
  const outcomes = dated.flatMap((x) => table.process(x.d));
  return { outcomes, table };
}
