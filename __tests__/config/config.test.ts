import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, parseConfig } from "../../src/config/load";
import { BASE_CONFIG } from "../helpers";

function errorLines(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.lines;
    throw err;
  }
  throw new Error("configuration was accepted");
}

describe("configuration", () => {
  test("defaults fill everything but the alert e-mails", () => {
    const cfg = parseConfig({ alertEmails: ["a@example.com"] });
    expect(cfg).toMatchObject({
      region: "us-east-1",
      namePrefix: "secret-access-monitor",
      demoSecret: { enabled: true },
      parameterStore: { enabled: true },
      deniedReads: { enabled: true },
      realtimeAlerts: { enabled: true },
      trail: { multiRegion: true, logRetentionDays: 365, bucketForceDestroy: false },
      metricNamespace: "SecretAccessMonitor",
      backend: { type: "local" },
    });
    expect(cfg.suffix).toBeUndefined();
    expect(cfg.monitoredSecrets).toBeUndefined();
  });

  test("the shipped monitor.config.json is valid and uses S3 remote state", () => {
    const cfg = loadConfig({}, join(__dirname, "..", ".."));
    expect(cfg.backend).toMatchObject({ type: "s3", encrypt: true, useLockfile: true });
  });

  const badValues: [string, Record<string, unknown>, RegExp][] = [
    ["malformed e-mail", { alertEmails: ["oncall@example.com", "not-an-address"] }, /^config: alertEmails\[1\]: is not an e-mail address/],
    ["no e-mail at all", { alertEmails: [] }, /^config: alertEmails: must list at least one e-mail address$/],
    ["unknown region", { region: "us-central-9" }, /^config: region: is not a known AWS region/],
    ["retention CloudWatch does not accept", { trail: { logRetentionDays: 45 } }, /^config: trail\.logRetentionDays: is not a retention CloudWatch Logs accepts; allowed: 1, 3, 5, 7, 14, 30, 60, 90/],
    ["empty secret list", { monitoredSecrets: [] }, /^config: monitoredSecrets: must list at least one secret/],
    ["bad state bucket name", { backend: { type: "s3", bucket: "My_Bucket" } }, /^config: backend\.bucket: is not a valid S3 bucket name: it may contain only lower-case letters/],
    ["IP-shaped bucket name", { backend: { type: "s3", bucket: "192.168.1.1" } }, /^config: backend\.bucket: .*IP address/],
    ["unknown backend type", { backend: { type: "gcs" } }, /^config: backend\.type: type must be "s3" or "local"$/],
    ["bad secret ARN", { monitoredSecrets: [{ id: "arn:aws:secretsmanager:us-east-1:123:secret:x" }] }, /^config: monitoredSecrets\[0\]\.id: is not a Secrets Manager secret ARN/],
    ["bad secret name", { monitoredSecrets: [{ id: "prod db" }] }, /^config: monitoredSecrets\[0\]\.id: is not a valid secret name/],
    ["empty allow-list entry", { allowedReaders: [""] }, /^config: allowedReaders\[0\]: must not be empty/],
    ["allow-list wildcard for everyone", { monitoredSecrets: [{ id: "prod/db", allowedReaders: ["*"] }] }, /^config: monitoredSecrets\[0\]\.allowedReaders\[0\]: a bare wildcard would silence every alert/],
    ["allow-list entry that is no principal ARN", { allowedReaders: ["app-role"] }, /^config: allowedReaders\[0\]: must be an IAM or STS principal ARN/],
    ["suffix with upper case", { suffix: "ABCD1234" }, /^config: suffix: must be 4–12 lower-case letters or digits/],
    ["name prefix that cannot be part of a bucket name", { namePrefix: "Secret_Monitor" }, /^config: namePrefix: must be 3–24 characters/],
    ["reserved metric namespace", { metricNamespace: "AWS/Secrets" }, /^config: metricNamespace: must not start with AWS\//],
    ["misspelt field", { alertEmail: ["a@example.com"] }, /^config: \(top level\): unknown field\(s\) alertEmail$/],
    ["wrong type", { trail: { multiRegion: "yes" } }, /^config: trail\.multiRegion: must be boolean, got string$/],
    ["excluding KMS events while the key-tampering alarm needs them", { trail: { excludeManagementEventSources: ["kms.amazonaws.com"] } }, /^config: trail\.excludeManagementEventSources: excluding kms\.amazonaws\.com hides DisableKey/],
    ["an event source CloudTrail cannot exclude", { trail: { excludeManagementEventSources: ["s3.amazonaws.com"] } }, /^config: trail\.excludeManagementEventSources\[0\]: must be "kms\.amazonaws\.com" or "rdsdata\.amazonaws\.com"$/],
    ["nothing to monitor", { demoSecret: { enabled: false }, parameterStore: { enabled: false } }, /^config: monitoredSecrets: nothing to monitor/],
  ];

  test.each(badValues)("rejects %s with one line naming the field", (_name, overrides, expected) => {
    const lines = errorLines({ ...BASE_CONFIG, ...overrides });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(lines[0]).not.toContain("\n");
  });

  test.each([
    ["arn:aws:iam::111122223333:role/*-deploy*"],
    ["arn:aws:iam::*:role/deployer"],
    ["arn:aws:sts::111122223333:assumed-role/deploy*/*"],
  ])("a planned changer must name one principal exactly, not %s (a wildcard would let a look-alike role switch the monitor off)", (arn) => {
    expect(errorLines({ ...BASE_CONFIG, selfMonitoring: { allowedChangers: [arn] } })).toEqual([
      expect.stringMatching(/^config: selfMonitoring\.allowedChangers\[0\]: must name one principal exactly/),
    ]);
    expect(errorLines({ ...BASE_CONFIG, deployment: { principals: [arn] } })).toEqual([expect.stringMatching(/^config: deployment\.principals\[0\]: must name one principal exactly/)]);
  });

  test("a planned changer may be a role, or all sessions of one role", () => {
    const cfg = parseConfig({ ...BASE_CONFIG, selfMonitoring: { allowedChangers: ["arn:aws:iam::111122223333:role/deployer", "arn:aws:sts::111122223333:assumed-role/deployer/*"] } });
    expect(cfg.selfMonitoring.allowedChangers).toHaveLength(2);
  });

  test("several bad values give one line each", () => {
    expect(errorLines({ ...BASE_CONFIG, region: "mars-1", alertEmails: ["x"] })).toHaveLength(2);
  });

  describe("loading", () => {
    const dir = mkdtempSync(join(tmpdir(), "sam-config-"));

    test("MONITOR_* variables override the file", () => {
      writeFileSync(join(dir, "a.json"), JSON.stringify({ alertEmails: ["a@example.com"], backend: { type: "s3", bucket: "acme-state" } }));
      const cfg = loadConfig(
        { MONITOR_CONFIG: "a.json", MONITOR_SUFFIX: "abcd1234", MONITOR_REGION: "eu-west-1", MONITOR_ALERT_EMAILS: "x@example.com, y@example.com", MONITOR_BACKEND: "local" },
        dir,
      );
      expect(cfg).toMatchObject({ suffix: "abcd1234", region: "eu-west-1", alertEmails: ["x@example.com", "y@example.com"], backend: { type: "local" } });
    });

    test("a missing file named by MONITOR_CONFIG is an error, not silently ignored", () => {
      expect(() => loadConfig({ MONITOR_CONFIG: "nope.json" }, dir)).toThrow(/^MONITOR_CONFIG: file nope\.json does not exist$/);
    });

    test("a file that is not JSON is reported with its name", () => {
      writeFileSync(join(dir, "broken.json"), "{ region: ");
      expect(() => loadConfig({ MONITOR_CONFIG: "broken.json" }, dir)).toThrow(/^broken\.json: not valid JSON/);
    });

    test("an error caused by an environment override names the variable, not the file", () => {
      writeFileSync(join(dir, "ok.json"), JSON.stringify({ alertEmails: ["a@example.com"] }));
      expect(() => loadConfig({ MONITOR_CONFIG: "ok.json", MONITOR_SUFFIX: "Bad_Suffix" }, dir)).toThrow(/^MONITOR_SUFFIX: must be 4–12 lower-case letters or digits/);
      expect(() => loadConfig({ MONITOR_CONFIG: "ok.json", MONITOR_ALERT_EMAILS: "a@example.com,nope" }, dir)).toThrow(/^MONITOR_ALERT_EMAILS: alertEmails\[1\]: is not an e-mail address/);
      expect(() => loadConfig({ MONITOR_CONFIG: "ok.json", MONITOR_REGION: "mars-1" }, dir)).toThrow(/^MONITOR_REGION: is not a known AWS region/);
    });

    test("with no configuration file at all, the error says the file is missing and how to create one", () => {
      const empty = mkdtempSync(join(tmpdir(), "sam-noconfig-"));
      expect(() => loadConfig({}, empty)).toThrow(
        new RegExp(`^monitor\\.config\\.json: not found in ${empty.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}; create it, e\\.g\\. \\{"alertEmails": \\["oncall@example\\.com"\\]\\}`),
      );
      // The environment alone may still configure a run without a file.
      expect(loadConfig({ MONITOR_ALERT_EMAILS: "a@example.com" }, empty).alertEmails).toEqual(["a@example.com"]);
    });

    test("errors name the file they come from", () => {
      writeFileSync(join(dir, "bad.json"), JSON.stringify({ alertEmails: ["nope"] }));
      expect(() => loadConfig({ MONITOR_CONFIG: "bad.json" }, dir)).toThrow(/^bad\.json: alertEmails\[0\]: is not an e-mail address/);
    });
  });
});

describe("parameter configuration", () => {
  test.each([
    ["/prod//db", /contains an empty level/],
    ["/aws/reference/secretsmanager/x", /reserved by AWS/],
    ["/prod/db/", /must name a parameter, not end with/],
    ["/prod/db password", /is not a parameter name/],
  ])("rejects %s", (name, expected) => {
    expect(errorLines({ ...BASE_CONFIG, parameterStore: { monitoredParameters: [name] } })).toEqual([
      expect.stringMatching(new RegExp(`^config: parameterStore\\.monitoredParameters\\[0\\]: .*${expected.source}`)),
    ]);
  });

  test("an empty parameter list is rejected", () => {
    expect(errorLines({ ...BASE_CONFIG, parameterStore: { monitoredParameters: [] } })[0]).toMatch(
      /^config: parameterStore\.monitoredParameters: must list at least one parameter/,
    );
  });
});
