import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

function synth(configJson: object) {
  const dir = mkdtempSync(join(tmpdir(), "sam-synth-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(configJson));
  const outdir = join(dir, "out");
  const result = spawnSync(tsx, [join(root, "main.ts")], {
    cwd: dir,
    env: { ...process.env, MONITOR_CONFIG: "config.json", CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  return { ...result, outdir };
}

describe("main.ts (the app cdktf synth runs)", () => {
  test("a bad configuration exits non-zero with one line per bad field and leaves no cdktf.out", () => {
    const r = synth({ alertEmails: ["oncall@example.com"], region: "moon-1", trail: { logRetentionDays: 2 } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^config\.json: region: is not a known AWS region/),
      expect.stringMatching(/^config\.json: trail\.logRetentionDays: is not a retention CloudWatch Logs accepts/),
    ]);
    expect(existsSync(r.outdir)).toBe(false);
  }, 30_000);

  test("a configuration that fails inside a construct also leaves nothing behind", () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ id: `app/s${i}` }));
    const r = synth({ alertEmails: ["oncall@example.com"], suffix: "abcd1234", monitoredSecrets: many });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^synth failed: monitoredSecrets: this configuration needs \d+ metric filters/);
    expect(existsSync(r.outdir)).toBe(false);
  }, 30_000);

  test("a JSON synth removes a stale cdk.tf left by an HCL synth, so Terraform does not load both", () => {
    const dir = mkdtempSync(join(tmpdir(), "sam-stale-"));
    const outdir = join(dir, "out");
    mkdirSync(join(outdir, "stacks", "secret-access-monitor"), { recursive: true });
    writeFileSync(join(outdir, "stacks", "secret-access-monitor", "cdk.tf"), "# stale");
    writeFileSync(join(dir, "config.json"), JSON.stringify({ alertEmails: ["oncall@example.com"], suffix: "abcd1234" }));
    const r = spawnSync(tsx, [join(root, "main.ts")], { cwd: dir, env: { ...process.env, MONITOR_CONFIG: "config.json", CDKTF_OUTDIR: outdir }, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(readdirSync(join(outdir, "stacks", "secret-access-monitor"))).toContain("cdk.tf.json");
    expect(existsSync(join(outdir, "stacks", "secret-access-monitor", "cdk.tf"))).toBe(false);
  }, 30_000);

  test("a good S3-backend configuration writes both stacks", () => {
    const r = synth({ alertEmails: ["oncall@example.com"], backend: { type: "s3", bucket: "acme-state-bucket" } });
    expect(r.status).toBe(0);
    expect(readdirSync(join(r.outdir, "stacks")).sort()).toEqual(["secret-access-monitor", "state-bootstrap"]);
  }, 30_000);
});
