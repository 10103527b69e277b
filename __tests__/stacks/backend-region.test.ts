import { join } from "node:path";
import { Testing } from "cdktf";
import { buildApp } from "../../src/app";
import { loadConfig } from "../../src/config/load";
import { MonitorConfig } from "../../src/config/schema";
import { config, TerraformJson } from "../helpers";

/** The S3 backend block of the monitoring stack and the region the state-bootstrap stack creates the bucket in. */
function synthBoth(cfg: MonitorConfig): { backend: Record<string, unknown>; monitorRegion: string; bucketRegion: string; bucket: string } {
  const { monitoring, bootstrap } = buildApp(cfg, Testing.app());
  if (!bootstrap) throw new Error("no state-bootstrap stack: the configuration does not use the S3 backend");
  const monitor: TerraformJson = JSON.parse(Testing.synth(monitoring));
  const boot: TerraformJson = JSON.parse(Testing.synth(bootstrap));
  const [bucket] = Object.values(boot.resource.aws_s3_bucket);
  return {
    backend: monitor.terraform.backend.s3,
    monitorRegion: monitor.provider.aws[0].region,
    bucketRegion: boot.provider.aws[0].region,
    bucket: bucket.bucket,
  };
}

describe("S3 backend region", () => {
  test("the shipped monitor.config.json names the region the state-bootstrap stack creates the bucket in", () => {
    // An empty environment: no MONITOR_* override and no AWS_REGION to fall back on, as on a fresh machine.
    const shipped = loadConfig({}, join(__dirname, "..", ".."));
    const { backend, bucketRegion, bucket } = synthBoth(shipped);
    expect(backend.region).toBe(shipped.region);
    expect(backend.region).toBe(bucketRegion);
    expect(backend.bucket).toBe(bucket);
  });

  test("without backend.region the backend block takes the top-level region, like the bucket", () => {
    const { backend, bucketRegion, monitorRegion } = synthBoth(config({ region: "eu-west-2", backend: { type: "s3", bucket: "acme-tfstate" } }));
    expect(backend).toMatchObject({ bucket: "acme-tfstate", region: "eu-west-2" });
    expect(bucketRegion).toBe("eu-west-2");
    expect(monitorRegion).toBe("eu-west-2");
  });

  test("an explicit backend.region moves the bucket and the backend block together, not the monitor", () => {
    const { backend, bucketRegion, monitorRegion } = synthBoth(
      config({ region: "us-east-1", backend: { type: "s3", bucket: "acme-tfstate", region: "eu-central-1" } }),
    );
    expect(backend.region).toBe("eu-central-1");
    expect(bucketRegion).toBe("eu-central-1");
    expect(monitorRegion).toBe("us-east-1");
  });

  test("the parsed configuration always carries the S3 backend's region; a local backend has none", () => {
    expect(config({ region: "ap-southeast-2", backend: { type: "s3", bucket: "acme-tfstate" } }).backend).toMatchObject({ type: "s3", region: "ap-southeast-2" });
    expect(config({ backend: { type: "local" } }).backend).toEqual({ type: "local", directory: "../../.." });
  });
});
