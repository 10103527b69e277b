/**
 * `npm run -s first-seen:export -- (--table <name> | --outputs <file>) [--region <r>] [--from-file <scan.json>] [--now <time>]`
 *
 * Reads the first-seen table (the learned principal/secret pairs) and prints, on stdout, an `allowedReaders`
 * proposal per secret in the configuration's format (`{"monitoredSecrets": [...]}`); what the configuration cannot
 * express (parameters, batch filters, service callers) goes to stderr, one line each. The table is read with the
 * AWS CLI (credentials and region from its usual chain, or --region); --from-file reads a saved
 * `aws dynamodb scan --output json` instead. Exit codes: 0 done, 2 bad arguments or the table could not be read.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseFlags, UsageError } from "../cli/args";
import { AwsCli, learnedPairs, proposal, scanAll, ScanPage } from "./export";

export const HELP = `usage: npm run -s first-seen:export -- (--table <name> | --outputs <file>) [options]
  --table <name>      the first-seen table (terraform output first_seen_table_name)
  --outputs <file>    stack outputs saved by terraform output -json (reads first_seen_table_name)
  --region <region>   AWS region of the table (default: the AWS CLI's)
  --from-file <file>  a saved aws dynamodb scan --output json, instead of reading the table
  --now <time>        judge expiry at this ISO 8601 time (default: now)
  --help              this text
prints {"monitoredSecrets": [{"id", "allowedReaders"}]} on stdout; notes on stderr; exit 2 on bad arguments or an unreadable table`;

interface Args {
  table?: string;
  outputs?: string;
  region?: string;
  fromFile?: string;
  now?: number;
}

class HelpRequested extends Error {}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = {};
  parseFlags(argv, {
    values: {
      "--table": (v) => void (args.table = v),
      "--outputs": (v, flag) => {
        if (!existsSync(v)) throw new UsageError(`${flag}: ${v} does not exist`);
        args.outputs = v;
      },
      "--region": (v, flag) => {
        if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(v)) throw new UsageError(`${flag}: ${v} is not a region name (e.g. us-east-1)`);
        args.region = v;
      },
      "--from-file": (v, flag) => {
        if (!existsSync(v)) throw new UsageError(`${flag}: ${v} does not exist`);
        args.fromFile = v;
      },
      "--now": (v, flag) => {
        const t = Date.parse(v);
        if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(t)) throw new UsageError(`${flag}: ${v} is not a time; use ISO 8601, e.g. 2026-11-24T12:00:00Z`);
        args.now = Math.floor(t / 1000);
      },
    },
    switches: {
      "--help": () => {
        throw new HelpRequested();
      },
    },
  });
  if (!args.fromFile && !args.table && !args.outputs) throw new UsageError("--table: required (or --outputs <file>, or --from-file <scan.json>)");
  if (args.table && args.outputs) throw new UsageError("--table and --outputs: give one");
  return args;
}

function tableFromOutputs(file: string): string {
  let outputs: Record<string, { value?: unknown }>;
  try {
    outputs = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`--outputs: ${file} is not terraform output -json (${(err as Error).message})`);
  }
  const table = outputs.first_seen_table_name?.value;
  if (typeof table !== "string") throw new UsageError(`--outputs: ${file} has no first_seen_table_name (is firstSeenReaders.enabled on?)`);
  return table;
}

const awsCli: AwsCli = (args) =>
  new Promise((resolve, reject) =>
    execFile("aws", [...args], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(String(stderr).trim().split("\n").pop() || err.message)) : resolve(stdout),
    ),
  );

export interface Io {
  readonly aws: AwsCli;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Epoch seconds; the default clock is only for interactive use (tests pass --now). */
  readonly now: () => number;
}

export async function main(argv: readonly string[], io: Io = { aws: awsCli, out: console.log, err: console.error, now: () => Math.floor(Date.now() / 1000) }): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.out(HELP);
      return 0;
    }
    if (err instanceof UsageError) {
      io.err(`first-seen:export: ${err.message}`);
      return 2;
    }
    throw err;
  }
  let items;
  try {
    if (args.fromFile) {
      const page: ScanPage = JSON.parse(readFileSync(args.fromFile, "utf8"));
      if (!Array.isArray(page.Items)) throw new Error(`${args.fromFile} has no Items array (save aws dynamodb scan --output json)`);
      items = page.Items;
    } else {
      const table = args.table ?? tableFromOutputs(args.outputs!);
      items = await scanAll(io.aws, table, args.region);
    }
  } catch (err) {
    io.err(`first-seen:export: ${err instanceof UsageError ? err.message : `could not read the table: ${(err as Error).message}`}`);
    return 2;
  }
  const pairs = learnedPairs(items, args.now ?? io.now());
  const p = proposal(pairs);
  io.out(JSON.stringify({ monitoredSecrets: p.monitoredSecrets }, null, 2));
  for (const n of p.notes) io.err(`note: ${n}`);
  io.err(`first-seen:export: ${pairs.length} learned pairs, ${p.monitoredSecrets.length} secrets in the proposal`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`first-seen:export: ${(err as Error).message}`);
      process.exit(2);
    },
  );
}
