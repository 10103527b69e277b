/**
 * `first-seen:export`: the learned table, read page by page through the AWS CLI (a fake here: no AWS), becomes an
 * `allowedReaders` proposal the configuration accepts as is.
 *
 * AWS CLI pagination (User Guide, "Using the pagination options in the AWS CLI",
 * https://docs.aws.amazon.com/cli/latest/userguide/pagination.html, sections "--max-items" and "--starting-token"):
 * with --max-items the output stops after that many items and carries a NextToken, which the next call passes as
 * --starting-token to continue.
 * TTL: "Items that have expired and not been deleted will still show up in reads, queries, and scans"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/first-seen/cli";
import { DynamoItem, learnedPairs, proposal, scanAll } from "../../src/first-seen/export";
import { firstSeenModelOf, replayFirstSeen } from "../../src/engines/first-seen-model";
import { parseConfig } from "../../src/config/load";
import { BASE_CONFIG } from "../helpers";
import { synthesizedForReplay } from "../patterns/replay";

const NOW = Date.parse("2026-12-01T00:00:00Z") / 1000;
const item = (principal: string, kind: string, name: string, expiresAt: number): DynamoItem => ({
  pk: { S: `${principal}#${kind}:${name}` },
  principal: { S: principal },
  kind: { S: kind },
  name: { S: name },
  lastSeen: { S: "2026-11-20T09:00:00Z" },
  expiresAt: { N: String(expiresAt) },
});
const APP = "arn:aws:iam::111122223333:role/app-role";
const DEV = "arn:aws:iam::111122223333:role/developer";

/** A fake `aws` that serves pages by --starting-token and records each call. */
function fakeAws(pages: DynamoItem[][]) {
  const calls: string[][] = [];
  const aws = async (args: readonly string[]) => {
    calls.push([...args]);
    const at = args.indexOf("--starting-token");
    const index = at < 0 ? 0 : Number(args[at + 1].replace("token-", ""));
    const next = index + 1 < pages.length ? `token-${index + 1}` : undefined;
    return JSON.stringify({ Items: pages[index], Count: pages[index].length, ...(next ? { NextToken: next } : {}) });
  };
  return { aws, calls };
}

describe("first-seen export", () => {
  test("scans every page, passing each NextToken back as --starting-token, and stops at the last", async () => {
    const { aws, calls } = fakeAws([[item(APP, "secret", "a", NOW + 10)], [item(APP, "secret", "b", NOW + 10)], [item(DEV, "secret", "a", NOW + 10)]]);
    const items = await scanAll(aws, "sam-first-seen", "eu-west-1");
    expect(items.map((i) => i.pk.S)).toEqual([`${APP}#secret:a`, `${APP}#secret:b`, `${DEV}#secret:a`]);
    expect(calls).toHaveLength(3);
    expect(calls[0]).toEqual(["dynamodb", "scan", "--table-name", "sam-first-seen", "--output", "json", "--max-items", "1000", "--region", "eu-west-1"]);
    expect(calls[2].slice(-2)).toEqual(["--starting-token", "token-2"]);
  });

  test("a page that hands back the token it was given stops the scan instead of looping", async () => {
    const aws = async () => JSON.stringify({ Items: [], NextToken: "same" });
    await expect(scanAll(aws, "t")).rejects.toThrow(/returned the token it was given/);
  });

  test("the learning item and pairs past their TTL are left out; a pair expiring exactly now is still known", () => {
    const pairs = learnedPairs(
      [{ pk: { S: "#learning" }, learningEndsAt: { S: "2026-11-15T09:00:00Z" } }, item(APP, "secret", "old", NOW - 1), item(APP, "secret", "edge", NOW), item(DEV, "secret", "live", NOW + 86_400)],
      NOW,
    );
    expect(pairs.map((p) => p.name)).toEqual(["edge", "live"]);
  });

  test("the proposal groups readers per secret, sorted, and the configuration accepts it as is", () => {
    const p = proposal(learnedPairs([item(DEV, "secret", "prod/db", NOW + 5), item(APP, "secret", "prod/db", NOW + 5), item(APP, "secret", "prod/api", NOW + 5)], NOW));
    expect(p.monitoredSecrets).toEqual([
      { id: "prod/api", allowedReaders: [APP] },
      { id: "prod/db", allowedReaders: [APP, DEV] },
    ]);
    expect(() => parseConfig({ ...BASE_CONFIG, monitoredSecrets: p.monitoredSecrets })).not.toThrow();
  });

  test("what the configuration cannot express becomes a note: parameters, batch filters, service callers", () => {
    const p = proposal(
      learnedPairs([item(APP, "parameter", "/prod/db/password", NOW + 5), item(APP, "batch-filters", '[{"key":"tag-key"}]', NOW + 5), item("ec2.amazonaws.com", "secret", "prod/db", NOW + 5)], NOW),
    );
    expect(p.monitoredSecrets).toEqual([]);
    expect(p.notes).toEqual([
      expect.stringMatching(/parameter \/prod\/db\/password: Parameter Store has no per-parameter allow-list/),
      expect.stringMatching(/batch filters .*which secrets is not recorded/),
      expect.stringMatching(/ec2\.amazonaws\.com read secret prod\/db: not an IAM or STS principal ARN/),
    ]);
  });

  test("end to end: what the replayed workflow learned is exported through the CLI (table name from terraform outputs)", async () => {
    const model = firstSeenModelOf(synthesizedForReplay({ firstSeenReaders: { enabled: true } }).tf)!;
    const records = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "first-seen", "new-reader-alerts-once.json"), "utf8")).Records;
    const { table } = replayFirstSeen(model, records, { deployedAt: "2026-11-01T09:00:00Z" });
    const items = [...table.items.values()].map((i) => item(i.principal, i.kind, i.name, i.expiresAt));
    const { aws, calls } = fakeAws([items.slice(0, 1), items.slice(1)]);
    const dir = mkdtempSync(join(tmpdir(), "sam-export-"));
    writeFileSync(join(dir, "outputs.json"), JSON.stringify({ first_seen_table_name: { value: "sam-test0001-first-seen" } }));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["--outputs", join(dir, "outputs.json"), "--now", "2026-12-01T00:00:00Z"], { aws, out: (l) => out.push(l), err: (l) => err.push(l), now: () => 0 });
    expect(code).toBe(0);
    expect(calls[0]).toContain("sam-test0001-first-seen");
    expect(JSON.parse(out.join("\n"))).toEqual({ monitoredSecrets: [{ id: "prod/db", allowedReaders: [APP, DEV] }] });
    expect(err.at(-1)).toBe("first-seen:export: 2 learned pairs, 1 secrets in the proposal");
  });

  test("bad arguments and an unreadable table: one line, exit code 2", async () => {
    const run = async (argv: string[], aws = async () => "{}") => {
      const err: string[] = [];
      const code = await main(argv, { aws, out: () => undefined, err: (l) => err.push(l), now: () => NOW });
      return { code, err };
    };
    expect(await run([])).toEqual({ code: 2, err: ["first-seen:export: --table: required (or --outputs <file>, or --from-file <scan.json>)"] });
    expect(await run(["--table", "t", "--region", "mars"])).toEqual({ code: 2, err: ["first-seen:export: --region: mars is not a region name (e.g. us-east-1)"] });
    expect(await run(["--table", "t", "--now", "soon"])).toEqual({ code: 2, err: ["first-seen:export: --now: soon is not a time; use ISO 8601, e.g. 2026-11-24T12:00:00Z"] });
    const failing = async () => {
      throw new Error("An error occurred (ResourceNotFoundException) when calling the Scan operation: Requested resource not found");
    };
    expect(await run(["--table", "t"], failing)).toEqual({ code: 2, err: ["first-seen:export: could not read the table: An error occurred (ResourceNotFoundException) when calling the Scan operation: Requested resource not found"] });
  });
});
