/**
 * Every destination and every detection at once, as the "done when" states it: the configuration
 * synthesizes (terraform-tests/variants/everything.json is the same configuration, for real Terraform), and its
 * replay delivers the right payloads to a local server for decoy and harvesting cases, and none for the negatives
 * (a spread-out reader, a first-seen reader already known). The payload checks themselves (schemas, limits) live in
 * __tests__/simulate/deliver.test.ts; here the question is which alerts reach on-call, with which severity, when everything is switched on together.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp } from "../../src/app";
import { MonitorConfigInput } from "../../src/config/schema";
import { runSimulate, startServer } from "../simulate/harness";
import { config } from "../helpers";
import { ALL_DESTINATIONS } from "../simulate/all-destinations";

const DETECTIONS = join(__dirname, "..", "fixtures", "cloudtrail-detections");
const FIRST_SEEN = join(__dirname, "..", "fixtures", "first-seen");
const firstSeenExpected: Record<string, { deployedAt: string }> = JSON.parse(readFileSync(join(FIRST_SEEN, "expected.json"), "utf8"));

/** The variant Terraform validates: the test reads it so the two can never describe different systems. */
const EVERYTHING: Partial<MonitorConfigInput> = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "terraform-tests", "variants", "everything.json"), "utf8"),
);

interface Delivered {
  readonly targetId: string;
  readonly rule: string;
  readonly body: any;
}

describe("everything enabled: every destination with decoys, harvesting and first-seen readers", () => {
  const outdir = mkdtempSync(join(tmpdir(), "sam-everything-"));
  let srv: Awaited<ReturnType<typeof startServer>>;

  /** Replays one fixture file and returns what reached the local server, each body parsed. */
  async function deliver(file: string, extra: string[] = []): Promise<Delivered[]> {
    srv.received.length = 0;
    const { code } = await runSimulate(["--out", outdir, "--events", file, "--deliver", srv.url, ...extra]);
    expect(code).toBe(0);
    return srv.received.map((r) => ({ ...r, body: JSON.parse(r.body) }));
  }
  const pagerDuty = (r: Delivered[]) => r.filter((x) => x.targetId === "pagerduty").map((x) => x.body);

  beforeAll(async () => {
    buildApp(config(EVERYTHING), new App({ outdir })).app.synth();
    srv = await startServer();
  }, 120_000);
  afterAll(async () => {
    await new Promise((resolve) => srv.server.close(resolve));
  });

  test("the variant Terraform validates is the union of the destinations, decoy/harvesting and first-seen configurations", () => {
    expect(EVERYTHING.destinations).toMatchObject(ALL_DESTINATIONS.destinations!);
    expect(EVERYTHING.decoys?.secrets?.length).toBeGreaterThan(0);
    expect(EVERYTHING.harvesting).toMatchObject({ enabled: true });
    expect(EVERYTHING.firstSeenReaders).toMatchObject({ enabled: true });
  });

  test("a decoy read by an allow-listed reader pages every destination at critical severity", async () => {
    const got = await deliver(join(DETECTIONS, "decoy-read-by-allowlisted-role.json"));
    expect(new Set(got.map((r) => r.targetId))).toEqual(new Set(["slack", "teams", "pagerduty", "webhook"]));
    const pd = pagerDuty(got);
    expect(pd.length).toBeGreaterThan(0);
    expect(pd.some((e) => e.payload.severity === "critical")).toBe(true);
    // Nothing about a decoy read is less than critical: a lower-severity page for the same event would be misleading.
    for (const e of pd) expect(e.payload.severity).toBe("critical");
  });

  test("a harvesting burst pages once per destination at critical severity; the same reads spread over an hour page nobody", async () => {
    const burst = pagerDuty(await deliver(join(DETECTIONS, "harvest-burst.json"))).filter((e) => /harvest/i.test(JSON.stringify(e)));
    expect(burst.length).toBe(1);
    expect(burst[0].payload.severity).toBe("critical");
    const spread = await deliver(join(DETECTIONS, "harvest-spread-over-an-hour.json"));
    expect(spread.filter((r) => /harvest/i.test(JSON.stringify(r.body)))).toEqual([]);
  });

  test("a decoy read by a principal no allow-list names pages at critical severity only, never as an ordinary read", async () => {
    const pd = pagerDuty(await deliver(join(DETECTIONS, "decoy-read-by-deployer.json")));
    expect(pd.length).toBeGreaterThan(0);
    for (const e of pd) expect(e.payload.severity).toBe("critical");
  });

  test("a known reader after learning pages nobody, on any destination", async () => {
    const known = "known-reader-after-learning.json";
    expect(await deliver(join(FIRST_SEEN, known), ["--deployed-at", firstSeenExpected[known].deployedAt])).toEqual([]);
  });
});
