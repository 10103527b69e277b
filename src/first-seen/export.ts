/**
 * The learned set, exported as an `allowedReaders` proposal in the configuration's own format.
 *
 * The project's AWS SDK clients do not include DynamoDB, so the table is read with the AWS CLI (`aws dynamodb scan
 * … --output json`), page by page: the CLI returns `NextToken` when `--max-items` cut the result short, and takes it
 * back as `--starting-token` (AWS CLI User Guide, "Using the pagination options in the AWS CLI", https://docs.aws.amazon.com/cli/latest/userguide/pagination.html). The runner is injected:
 * tests feed it pages without AWS. Pure apart from the runner.
 */
import { KEY_ATTRIBUTE, LEARNING_ITEM_KEY, ReadKind, TTL_ATTRIBUTE } from "../patterns/first-seen";
import { monitoredSecretSchema } from "../config/schema";

/** DynamoDB JSON: `{ "pk": { "S": "…" }, "expiresAt": { "N": "…" } }`. */
export type DynamoItem = Record<string, { S?: string; N?: string }>;

/** One page of `aws dynamodb scan --output json`. */
export interface ScanPage {
  readonly Items?: DynamoItem[];
  readonly NextToken?: string;
}

/** Runs `aws` with these arguments and returns its stdout (throws with its stderr when it fails). */
export type AwsCli = (args: readonly string[]) => Promise<string>;

export const SCAN_PAGE_ITEMS = 1000;

/** Every item of the table, following `NextToken` until the CLI returns none. */
export async function scanAll(aws: AwsCli, table: string, region?: string): Promise<DynamoItem[]> {
  const items: DynamoItem[] = [];
  let token: string | undefined;
  for (let page = 1; ; page++) {
    const args = ["dynamodb", "scan", "--table-name", table, "--output", "json", "--max-items", String(SCAN_PAGE_ITEMS)];
    if (region) args.push("--region", region);
    if (token) args.push("--starting-token", token);
    const text = await aws(args);
    let parsed: ScanPage;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`aws dynamodb scan: page ${page} is not JSON (${text.slice(0, 80)})`);
    }
    items.push(...(parsed.Items ?? []));
    if (!parsed.NextToken) return items;
    if (parsed.NextToken === token) throw new Error(`aws dynamodb scan: page ${page} returned the token it was given; stopping`);
    token = parsed.NextToken;
  }
}

export interface LearnedPair {
  readonly principal: string;
  readonly kind: ReadKind;
  readonly name: string;
  readonly lastSeen?: string;
  readonly expiresAt: number;
}

/**
 * The pairs still known at `now` (epoch seconds): the learning item is left out, and so is an item whose TTL has
 * passed — DynamoDB deletes those only "within two days of expiration" and until then "will still show up in
 * reads, queries, and scans" (UpdateTimeToLive API reference), so the export judges by the attribute, as the
 * workflow's condition does.
 */
export function learnedPairs(items: readonly DynamoItem[], now: number): LearnedPair[] {
  const out: LearnedPair[] = [];
  for (const item of items) {
    if (item[KEY_ATTRIBUTE]?.S === LEARNING_ITEM_KEY) continue;
    const expiresAt = Number(item[TTL_ATTRIBUTE]?.N);
    const principal = item.principal?.S;
    const kind = item.kind?.S as ReadKind | undefined;
    const name = item.name?.S;
    if (!principal || !kind || !name || !Number.isFinite(expiresAt) || expiresAt < now) continue;
    out.push({ principal, kind, name, lastSeen: item.lastSeen?.S, expiresAt });
  }
  return out;
}

export interface Proposal {
  /** In the configuration's format: paste into `monitoredSecrets` (or merge with the entries there). */
  readonly monitoredSecrets: { id: string; allowedReaders: string[] }[];
  /** What the configuration cannot express per resource, one line each (parameters, batch filters, non-ARN callers). */
  readonly notes: string[];
}

/** Readers per secret, sorted, each entry checked against the configuration schema so the proposal is valid as is. */
export function proposal(pairs: readonly LearnedPair[]): Proposal {
  const readers = new Map<string, Set<string>>();
  const notes: string[] = [];
  for (const p of pairs) {
    if (p.kind !== "secret") {
      notes.push(
        p.kind === "batch-filters"
          ? `${p.principal} read secrets by batch filters ${p.name}: which secrets is not recorded`
          : `${p.principal} read ${p.kind === "parameter" ? "parameter" : "parameters under"} ${p.name}: Parameter Store has no per-parameter allow-list (allowedReaders covers every secret)`,
      );
      continue;
    }
    if (!/^arn:[^:]+:(iam|sts)::/.test(p.principal)) {
      notes.push(`${p.principal} read secret ${p.name}: not an IAM or STS principal ARN, so it cannot be allow-listed`);
      continue;
    }
    readers.set(p.name, (readers.get(p.name) ?? new Set()).add(p.principal));
  }
  const monitoredSecrets: Proposal["monitoredSecrets"] = [];
  for (const [id, set] of [...readers].sort(([a], [b]) => a.localeCompare(b))) {
    const entry = { id, allowedReaders: [...set].sort() };
    const checked = monitoredSecretSchema.safeParse(entry);
    if (checked.success) monitoredSecrets.push(entry);
    else notes.push(`secret ${id}: left out, the configuration would refuse it (${checked.error.issues[0]?.message})`);
  }
  return { monitoredSecrets, notes };
}
