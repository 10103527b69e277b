/**
 * BatchGetSecretValue (defect: a batch of N secrets paged N+1 times, and in scoped mode every batch paged).
 *
 * AWS: "Secrets Manager generates CloudTrail GetSecretValue log entries for each secret you request when you call
 * this action" (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html).
 * No sample of those entries is published. CloudTrail writes the DNS name of the service as `sourceIPAddress`
 * when a service calls on a principal's behalf (the documented Decrypt Secrets Manager makes for a reader:
 * `sourceIPAddress` and `invokedBy` "secretsmanager.amazonaws.com", in
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html and the shared corpus),
 * so the fixture of a per-secret entry is written in that shape. The batch's own record names `secretIdList`
 * (1–20 ids, API reference) or `filters`; it alerts once. If AWS's entries turn out not to carry the service name,
 * the cost is extra alerts for the secrets a batch names, never a missed batch.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateRecord, familyOfRule, modelOf, OWN_FIXTURES, verdicts } from "./replay";
import { StackModel } from "../../src/engines/stack-model";

const fixture = (name: string) => JSON.parse(readFileSync(join(OWN_FIXTURES, name), "utf8"));
const SCOPED = {
  demoSecret: { enabled: false },
  monitoredSecrets: [
    { id: "prod/db", allowedReaders: ["arn:aws:sts::111122223333:assumed-role/app-role/*"] },
    { id: "prod/api", allowedReaders: [] },
  ],
  parameterStore: { enabled: false },
};

/** The batch record followed by the per-secret entries Secrets Manager writes for it. */
function batchWithEntries(ids: string[]): Record<string, unknown>[] {
  const batch = { ...fixture("batchgsv-secret-id-list.json"), requestParameters: { secretIdList: ids } };
  const entry = fixture("gsv-batch-entry-by-secretsmanager.json");
  return [batch, ...ids.map((secretId) => ({ ...entry, requestParameters: { secretId } }))];
}

function alerts(model: StackModel, records: Record<string, unknown>[]) {
  const all = records.map((r) => evaluateRecord(model, r));
  return {
    realtime: all.flatMap((v) => v.rules.filter((r) => familyOfRule(r.rule) === "read")).length,
    metrics: all.flatMap((v) => v.metrics.filter((m) => !m.endsWith("-denied-reads") && !m.endsWith("-monitoring-changes"))),
  };
}

describe("batch reads of secret values", () => {
  let all: StackModel;
  let scoped: StackModel;
  beforeAll(() => {
    all = modelOf({});
    scoped = modelOf(SCOPED);
  });

  test("catch-all: a batch of 5 secrets with its 5 per-secret entries pages once per path", () => {
    const result = alerts(all, batchWithEntries(["a", "b", "c", "d", "e"]));
    expect(result.realtime).toBe(1);
    expect(result.metrics).toEqual(["sam-test0001-secret-reads"]);
  });

  test("catch-all: a direct GetSecretValue still pages once per path", () => {
    expect(verdicts(evaluateRecord(all, fixture("gsv-other-secret.json")))).toEqual({ metric: "read", realtime: "read" });
  });

  test("scoped: a batch naming two monitored secrets counts a read of each on the metric path, one real-time message", () => {
    const result = alerts(scoped, batchWithEntries(["prod/db", "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/api"]));
    expect(result.realtime).toBe(1);
    expect(result.metrics.sort()).toEqual(["sam-test0001-secret-read-prod-api", "sam-test0001-secret-read-prod-db"]);
  });

  test("scoped: a batch naming no monitored secret does not page", () => {
    expect(alerts(scoped, batchWithEntries(["team/other", "arn:aws:secretsmanager:us-east-1:111122223333:secret:staging/api-Zz99Yy"]))).toEqual({ realtime: 0, metrics: [] });
  });

  test("scoped: a monitored secret at every one of the 20 positions is seen, by name, partial ARN or full ARN", () => {
    const forms = ["prod/api", "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/api", "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/api-Ab12Cd"];
    for (const form of forms) {
      for (let at = 0; at < 20; at++) {
        const ids = Array.from({ length: 20 }, (_, i) => (i === at ? form : `team/s${i}`));
        const v = evaluateRecord(scoped, { ...fixture("batchgsv-secret-id-list.json"), requestParameters: { secretIdList: ids } });
        expect({ form, at, metrics: v.metrics, rules: v.rules.length }).toEqual({ form, at, metrics: ["sam-test0001-secret-read-prod-api"], rules: 1 });
      }
    }
  });

  test("scoped: the allow-list of the secret a batch names holds for the batch", () => {
    expect(verdicts(evaluateRecord(scoped, fixture("batchgsv-allowlisted-app-role-prod-db-at-20.json")))).toEqual({ metric: "none", realtime: "none" });
    expect(verdicts(evaluateRecord(scoped, fixture("batchgsv-prod-db-at-20.json")))).toEqual({ metric: "read", realtime: "read" });
  });

  test("scoped: a batch by filters (bulk enumeration, names no secret) pages once, on its own alarm", () => {
    const v = evaluateRecord(scoped, fixture("batchgsv-filters-by-tag.json"));
    expect(v.metrics).toEqual(["sam-test0001-batch-secret-reads"]);
    expect(v.rules).toHaveLength(1);
  });

  test("a per-secret entry written by Secrets Manager itself does not page; the same read made directly does", () => {
    const entry = fixture("gsv-batch-entry-by-secretsmanager.json");
    expect(verdicts(evaluateRecord(scoped, entry))).toEqual({ metric: "none", realtime: "none" });
    const direct = { ...entry, sourceIPAddress: "203.0.113.24", userIdentity: { ...entry.userIdentity, invokedBy: undefined } };
    expect(verdicts(evaluateRecord(scoped, direct))).toEqual({ metric: "read", realtime: "read" });
  });
});
