/**
 * `npm run simulate -- --events <file|dir> [--events …] [--stack <name>] [--out <cdktf.out>] [--json] [--all]`
 *
 * Exit codes: 0 all input read, 1 some input malformed or unreadable (the run goes on), 2 bad arguments or
 * no synthesized stack.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseFlags, UsageError, wholeNumber } from "../cli/args";
import { simulate, RecordResult } from "./simulate";
import { alarmDeliveries, alarmStateChangeEvent, Delivery, stackModel } from "../engines/stack-model";

/** `--help`: every option, one line each. `npm run -s` keeps npm's banner out of the output (e.g. `--json > file`). */
export const HELP = `usage: npm run -s simulate -- --events <file|dir> [options]
  --events <path>   a CloudTrail record, log file (.json, .json.gz), JSON Lines, EventBridge envelope, or a directory of them; repeatable
  --stack <name>    the stack under <out>/stacks to replay (default: the one with metric filters), or organization:
                    member forwarding, central rules and the organization trail together (default when synthesized)
  --accounts <file> organization: JSON {"<account id>": ["<parent OU>", …, "<root r-…>"]}: the StackSet forwards only for
                    accounts under organization.organizationalUnits (child OUs included); others alert on the metric path only
  --out <dir>       the synthesized output directory (default cdktf.out)
  --json            one JSON object per line on stdout: record, malformed, alarm, then summary
  --all             print records that match nothing too
  --stats           records/s and peak memory on stderr
  --workers <n>     worker threads, 1 to 64 (default: one per core)
  --deployed-at <t> when the stack was deployed (ISO 8601), for the first-seen learning period (default: the first read)
  --deliver <url>   POST every payload the API destinations would receive (chat, paging, webhook) to this http(s) URL,
                    with headers X-Target-Id (slack, teams, pagerduty, webhook), X-Destination and X-Rule
  --help            this text
exit codes: 0 all input read (and every --deliver payload accepted), 1 some input malformed or unreadable or a payload refused, 2 bad arguments or no synthesized stack`;

/** Asked for `--help`: the CLI prints HELP on stdout and exits 0. */
class HelpRequested extends Error {}

interface Args {
  events: string[];
  stack?: string;
  out: string;
  json: boolean;
  all: boolean;
  stats: boolean;
  workers?: number;
  deployedAt?: string;
  deliver?: string;
  accounts?: string;
}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { events: [], out: "cdktf.out", json: false, all: false, stats: false };
  parseFlags(argv, {
    values: {
      "--events": (v) => void args.events.push(v),
      "--stack": (v) => void (args.stack = v),
      "--out": (v) => void (args.out = v),
      "--workers": (v, flag) => void (args.workers = wholeNumber(v, flag, 1, 64)),
      "--deployed-at": (v, flag) => {
        if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(Date.parse(v))) {
          throw new UsageError(`${flag}: ${v} is not a time; use ISO 8601 with a zone, e.g. 2026-11-01T09:00:00Z`);
        }
        args.deployedAt = v;
      },
      "--deliver": (v) => void (args.deliver = deliverUrl(v)),
      "--accounts": (v) => void (args.accounts = v),
    },
    switches: {
      "--json": () => void (args.json = true),
      "--all": () => void (args.all = true),
      "--stats": () => void (args.stats = true),
      "--help": () => {
        throw new HelpRequested();
      },
    },
  });
  if (args.events.length === 0) throw new UsageError("--events: required (a CloudTrail file, gzipped log file or directory)");
  for (const e of args.events) if (!existsSync(e)) throw new UsageError(`--events: ${e} does not exist`);
  return args;
}

/** The stacks of an organization, replayed together as `--stack organization` (the default when present). */
const ORGANIZATION = { central: "org-central", trail: "org-trail", members: "org-member-forwarding" } as const;
function deliverUrl(v: string): string {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new UsageError(`--deliver: ${v} is not a URL; give http://host:port/path or https://…`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--deliver: ${v} must be an http:// or https:// URL`);
  return url.toString();
}

/** One payload to POST: what an API destination of a rule receives. */
export interface Posted extends Delivery {
  readonly rule: string;
}

/** POSTs the payloads in order; returns the ones the server did not accept (non-2xx or unreachable). */
export async function deliverAll(url: string, payloads: readonly Posted[]): Promise<{ payload: Posted; problem: string }[]> {
  const refused: { payload: Posted; problem: string }[] = [];
  for (const p of payloads) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-target-id": p.targetId, "x-destination": p.destination, "x-rule": p.rule },
        body: p.body,
      });
      await res.arrayBuffer();
      if (res.status < 200 || res.status > 299) refused.push({ payload: p, problem: `HTTP ${res.status}` });
    } catch (err) {
      refused.push({ payload: p, problem: (err as Error).message });
    }
  }
  return refused;
}

/** `--accounts`: each account's parent OU and the OUs above it, up to the root. */
export function accountParents(file: string): Record<string, string[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`--accounts: ${file} is not readable JSON (${(err as Error).message})`);
  }
  const allowed = 'allowed: {"<12-digit account id>": ["ou-…" or "r-…", …]}';
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new UsageError(`--accounts: ${file} must be a JSON object; ${allowed}`);
  const out: Record<string, string[]> = {};
  for (const [account, ous] of Object.entries(raw)) {
    if (!/^\d{12}$/.test(account)) throw new UsageError(`--accounts: ${account} is not a 12-digit account id; ${allowed}`);
    if (!Array.isArray(ous) || !ous.every((o) => typeof o === "string" && /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/.test(o))) {
      throw new UsageError(`--accounts: ${account} must list its OU ids (ou-ab12-cd34ef56) and root (r-ab12); ${allowed}`);
    }
    out[account] = ous;
  }
  return out;
}

function loadStack(out: string, stack?: string): { name: string; tf: Record<string, any> } {
  const stacksDir = join(out, "stacks");
  if (!existsSync(stacksDir)) throw new UsageError(`--out: ${stacksDir} not found; run npm run synth first`);
  const names = readdirSync(stacksDir).filter((n) => existsSync(join(stacksDir, n, "cdk.tf.json")));
  const read = (n: string) => JSON.parse(readFileSync(join(stacksDir, n, "cdk.tf.json"), "utf8"));
  const isOrganization = Object.values(ORGANIZATION).every((n) => names.includes(n));
  if (stack === "organization" || (!stack && isOrganization)) {
    if (!isOrganization) throw new UsageError(`--stack: organization needs ${Object.values(ORGANIZATION).join(", ")} in ${stacksDir}`);
    // Member forwarding, the central rules and the organization trail's metric path, together (stack-model.ts).
    return {
      name: "organization",
      tf: { organization: { central: read(ORGANIZATION.central), trail: read(ORGANIZATION.trail), members: read(ORGANIZATION.members) } },
    };
  }
  const candidates = stack ? [stack] : names.filter((n) => JSON.parse(readFileSync(join(stacksDir, n, "cdk.tf.json"), "utf8")).resource?.aws_cloudwatch_log_metric_filter);
  if (stack && !names.includes(stack)) throw new UsageError(`--stack: ${stack} is not in ${stacksDir}; allowed: ${[...names, ...(isOrganization ? ["organization"] : [])].join(", ")}`);
  if (candidates.length !== 1) throw new UsageError(`--stack: choose one of ${names.join(", ")}`);
  const name = candidates[0];
  return { name, tf: JSON.parse(readFileSync(join(stacksDir, name, "cdk.tf.json"), "utf8")) };
}

/**
 * Stdout in blocks of lines: a replay can print tens of thousands of records, and one write per record costs
 * more than evaluating it.
 */
class BlockPrinter {
  private lines: string[] = [];
  private size = 0;

  line(text: string): void {
    this.lines.push(text);
    this.size += text.length;
    if (this.size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.lines.length === 0) return;
    console.log(this.lines.join("\n"));
    this.lines = [];
    this.size = 0;
  }
}

/**
 * What the replay cannot know: values Terraform fills in only when it applies the stack (a key's ID or ARN, a
 * random suffix). A pattern holds them as `${…}` references, which simulate compares as that text: a condition on
 * such a value matches no real record. Said plainly, with the references, or undefined when there are none.
 */
export function referencesNote(tf: Record<string, any>): string | undefined {
  const patterns = [
    ...Object.values<any>(tf.resource?.aws_cloudwatch_log_metric_filter ?? {}).map((f) => String(f.pattern)),
    ...Object.values<any>(tf.resource?.aws_cloudwatch_event_rule ?? {}).map((r) => String(r.event_pattern)),
  ];
  const refs = new Set<string>();
  let withRefs = 0;
  for (const p of patterns) {
    const found = p.match(/\$\{[^}]*\}/g) ?? [];
    if (found.length > 0) withRefs++;
    for (const r of found) refs.add(r.slice(2, -1));
  }
  if (refs.size === 0) return undefined;
  const suffix = [...refs].some((r) => r.startsWith("random_"))
    ? " Synthesize with MONITOR_SUFFIX=<suffix> to fix the name suffix instead of a random one."
    : "";
  return (
    `simulate: note: ${withRefs} of ${patterns.length} patterns test values known only after terraform apply (${[...refs].sort().join(", ")}); ` +
    `records are replayed exactly against everything else, but a condition on one of these values is compared with the reference text itself (\${…}), which no real record holds.${suffix}`
  );
}

function printRecord(r: RecordResult, all: boolean, out: BlockPrinter): void {
  if (!all && r.filters.length === 0 && r.rules.length === 0) return;
  const where = `${r.file}#${r.index}`;
  const paths = [r.filters.length ? `metric: ${r.filters.join(", ")}` : "", r.rules.length ? `real-time: ${r.rules.map((h) => h.rule).join(", ")}` : ""].filter(Boolean);
  const lines = [
    `${r.eventTime ?? "(no time)"}  ${r.eventSource} ${r.eventName}  ${where}`,
    `  ${paths.join(" | ") || (r.delivered ? "no match" : "not delivered to the log group by the trail")}`,
  ];
  for (const hit of r.rules) {
    if (hit.message) lines.push(hit.message.replace(/^/gm, "    | "));
  }
  out.line(lines.join("\n"));
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: Args;
  let stack: { name: string; tf: Record<string, any> };
  try {
    args = parseArgs(argv);
    stack = loadStack(args.out, args.stack);
    if (args.accounts) {
      if (stack.name !== "organization") throw new UsageError("--accounts: only for --stack organization");
      stack.tf.organization.accountParents = accountParents(args.accounts);
    }
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(HELP);
      return 0;
    }
    if (err instanceof UsageError) {
      console.error(`simulate: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const note = referencesNote(stack.tf);
  if (note) console.error(note);
  if (stack.name === "organization" && !stack.tf.organization.accountParents) {
    console.error(
      "simulate: every member account is taken to be under organization.organizationalUnits; pass --accounts <file> to model OU membership " +
        "(aws organizations list-parents), and check a real deployment with aws cloudformation list-stack-instances",
    );
  }
  const started = process.hrtime.bigint();
  const out = new BlockPrinter();
  const payloads: Posted[] = [];
  let account: string | undefined;
  const { alarms, firstSeen, summary } = await simulate(stack.tf, args.events, {
    allRecords: args.json || args.all,
    workers: args.workers,
    deployedAt: args.deployedAt,
    onRecord: (r) => {
      for (const hit of r.rules) for (const d of hit.deliveries ?? []) payloads.push({ ...d, rule: hit.rule });
      if (args.json) out.line(JSON.stringify(r));
      else printRecord(r, args.all, out);
    },
    onMalformed: (m) =>
      args.json
        ? out.line(JSON.stringify({ type: "malformed", ...m }))
        : console.error(`malformed: ${m.file}${m.index !== undefined ? `#${m.index}` : ""}: ${m.reason}`),
  });
  out.flush();
  if (args.json) {
    for (const a of alarms) console.log(JSON.stringify({ type: "alarm", ...a }));
    for (const f of firstSeen) console.log(JSON.stringify(f));
    console.log(JSON.stringify({ ...summary, stack: stack.name }));
  } else {
    console.log(`\nalarms (${stack.name}):`);
    for (const a of alarms) {
      const steps = a.transitions.map((t) => `${t.time} ${t.from}→${t.to}${t.notified.length ? " (notifies)" : ""}`);
      console.log(`  ${a.alarm}: ${steps.length ? steps.join("; ") : "no transition"}; final ${a.finalState}`);
      for (const c of a.topContributors ?? []) {
        console.log(`    top contributor ${c.keys.join(" ")}: ${c.value} in the ${c.periodSeconds / 60}-minute window from ${c.periodStart}`);
      }
    }
    if (firstSeen.length > 0) {
      console.log(`\nfirst-seen readers (${stack.name}):`);
      for (const f of firstSeen) {
        console.log(`  ${f.eventTime} ${f.verdict.padEnd(7)} ${f.principal} → ${f.kind} ${f.name}`);
        if (f.message) console.log(f.message.replace(/^/gm, "      "));
      }
    }
    const s = summary;
    console.log(
      `\nsummary: ${s.records} records read, ${s.delivered} delivered to the log group, ${s.matched} matched, ` +
        `${s.realtimeAlerts} real-time alerts, ${s.alarmNotifications} alarm notifications, ` +
        `${s.firstSeenAlerts !== undefined ? `${s.firstSeenAlerts} first-seen alerts, ` : ""}${s.malformed} malformed, ${s.undated} without a usable time`,
    );
  }
  let refusedCount = 0;
  if (args.deliver) {
    // The alarms that entered ALARM reach the destinations too, as CloudWatch's state-change events.
    const model = stackModel(stack.tf);
    const region = Object.values<any>(stack.tf.provider?.aws ?? [])[0]?.region ?? "us-east-1";
    account ??= "123456789012";
    for (const a of alarms) {
      let previous = "INSUFFICIENT_DATA";
      for (const t of a.transitions) {
        const reason = `Threshold Crossed: the replayed datapoints [${t.values?.join(", ") ?? ""}] met the threshold`;
        const event = alarmStateChangeEvent({ alarm: a.alarm, account, region, time: t.time, from: t.from ?? previous, to: t.to, reason });
        previous = t.to;
        if (t.to !== "ALARM") continue;
        for (const hit of alarmDeliveries(model, event)) for (const d of hit.deliveries ?? []) payloads.push({ ...d, rule: hit.rule });
      }
    }
    const refused = await deliverAll(args.deliver, payloads);
    refusedCount = refused.length;
    for (const r of refused) console.error(`deliver: ${r.payload.targetId} payload of ${r.payload.rule} refused: ${r.problem}`);
    const line = `delivered ${payloads.length - refused.length} of ${payloads.length} destination payloads to ${args.deliver}`;
    if (args.json) console.log(JSON.stringify({ type: "deliver", url: args.deliver, payloads: payloads.length, refused: refused.length }));
    else console.log(line);
  }
  if (args.stats) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    console.error(
      `stats: ${summary.records} records in ${seconds.toFixed(2)} s = ${Math.round(summary.records / seconds)} records/s, peak RSS ${rssMb.toFixed(0)} MB`,
    );
  }
  return summary.malformed > 0 || refusedCount > 0 ? 1 : 0;
}

if (require.main === module) {
  // `simulate --json | head`: the reader went away; that is the end of the run, not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  // Writes to a pipe are asynchronous: exit once what was printed has been handed over, not before.
  const exit = (code: number) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  main(process.argv.slice(2)).then(exit, (err) => {
    console.error(`simulate: ${(err as Error).message}`);
    exit(2);
  });
}
