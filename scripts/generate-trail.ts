/**
 * Generates a day of CloudTrail management events, gzipped as CloudTrail writes them: mostly routine calls,
 * 0.1 % secret and parameter reads, 0.02 % denied reads. Used by the benchmarks.
 *
 * Usage: tsx scripts/generate-trail.ts <out> [records] [recordsPerFile]
 *   <out> ending in .json.gz: one log file holding every record (the worst case for memory);
 *   otherwise a directory tree AWSLogs/<account>/CloudTrail/us-east-1/2026/11/20/*.json.gz of log files.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createGzip } from "node:zlib";

const [out, countText, perFileText] = process.argv.slice(2);
const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};
if (!out) fail("usage: tsx scripts/generate-trail.ts <out.json.gz | out-dir> [records] [recordsPerFile]");
const count = Number(countText ?? 1_000_000);
if (!Number.isInteger(count) || count < 1) fail(`records: ${countText} is not a positive whole number`);
const perFile = Number(perFileText ?? 2_000);
if (!Number.isInteger(perFile) || perFile < 1) fail(`recordsPerFile: ${perFileText} is not a positive whole number`);

const account = "111122223333";
const dayStart = Date.parse("2026-11-20T00:00:00Z");
const routine = [
  ["ec2.amazonaws.com", "DescribeInstances", { maxResults: 1000 }],
  ["s3.amazonaws.com", "GetBucketLocation", { bucketName: "app-assets" }],
  ["kms.amazonaws.com", "Decrypt", { encryptionAlgorithm: "SYMMETRIC_DEFAULT" }],
  ["sts.amazonaws.com", "AssumeRole", { roleArn: `arn:aws:iam::${account}:role/app-role`, roleSessionName: "i-0abc" }],
  ["secretsmanager.amazonaws.com", "DescribeSecret", { secretId: "prod/db" }],
  ["ssm.amazonaws.com", "GetParameter", { name: "/prod/db/host" }],
  ["logs.amazonaws.com", "CreateLogStream", { logGroupName: "/app", logStreamName: "x" }],
] as const;

function record(i: number): object {
  const r = i % 10_000;
  let [source, name, params]: readonly [string, string, object] = routine[i % routine.length];
  let error: object = {};
  if (r < 10) [source, name, params] = ["secretsmanager.amazonaws.com", "GetSecretValue", { secretId: `arn:aws:secretsmanager:us-east-1:${account}:secret:prod/db-Ab12Cd` }];
  else if (r < 12) [source, name, params] = ["ssm.amazonaws.com", "GetParameters", { names: ["/prod/db/password"], withDecryption: true }];
  else if (r < 14) {
    [source, name, params] = ["secretsmanager.amazonaws.com", "GetSecretValue", { secretId: "prod/db" }];
    error = { errorCode: "AccessDenied", errorMessage: "not authorized" };
  }
  return {
    eventVersion: "1.10",
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLE:i-0abc",
      arn: `arn:aws:sts::${account}:assumed-role/app-role/i-0abc`,
      accountId: account,
      accessKeyId: "ASIAEXAMPLE",
      sessionContext: { sessionIssuer: { type: "Role", arn: `arn:aws:iam::${account}:role/app-role`, accountId: account, userName: "app-role" }, attributes: { creationDate: "2026-11-20T00:00:00Z", mfaAuthenticated: "false" } },
    },
    eventTime: new Date(dayStart + Math.floor((i / count) * 86_400_000)).toISOString().replace(/\.\d{3}Z$/, "Z"),
    eventSource: source,
    eventName: name,
    awsRegion: "us-east-1",
    sourceIPAddress: "10.0.1.17",
    userAgent: "aws-sdk-java/2.29.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/21",
    requestParameters: params,
    responseElements: null,
    requestID: `req-${i}`,
    eventID: `evt-${i}`,
    readOnly: !name.startsWith("Create") && name !== "AssumeRole",
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: "Management",
    ...error,
  };
}

/** Writes records [from, to) as one gzipped `{"Records":[…]}` file. */
async function writeLogFile(file: string, from: number, to: number): Promise<void> {
  const gzip = createGzip({ level: 1 });
  const done = new Promise<void>((resolve, reject) => gzip.pipe(createWriteStream(file)).on("finish", resolve).on("error", reject));
  const write = (text: string) => (gzip.write(text) ? Promise.resolve() : new Promise<void>((r) => gzip.once("drain", () => r())));
  await write('{"Records":[');
  for (let i = from; i < to; i += 1000) {
    const batch: string[] = [];
    for (let j = i; j < Math.min(i + 1000, to); j++) batch.push(JSON.stringify(record(j)));
    await write((i === from ? "" : ",") + batch.join(","));
  }
  await write("]}");
  gzip.end();
  await done;
}

async function main() {
  if (out.endsWith(".json.gz")) return writeLogFile(out, 0, count);
  const dir = join(out, "AWSLogs", account, "CloudTrail", "us-east-1", "2026", "11", "20");
  mkdirSync(dir, { recursive: true });
  for (let from = 0, n = 0; from < count; from += perFile, n++) {
    const stamp = new Date(dayStart + Math.floor((from / count) * 86_400_000)).toISOString().replace(/[-:]|\.\d{3}/g, "").slice(0, 13);
    await writeLogFile(join(dir, `${account}_CloudTrail_us-east-1_${stamp}Z_${String(n).padStart(6, "0")}.json.gz`), from, Math.min(from + perFile, count));
  }
}

main().catch((err) => {
  console.error(`generate-trail: ${(err as Error).message}`);
  process.exit(1);
});
