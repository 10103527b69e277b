/**
 * The backend blocks as synthesized from the shipped monitor.config.json, initialised by the real Terraform CLI:
 * `terraform init` WITH the backend (never -backend=false), state written through it, and read back from a fresh
 * working directory.
 *
 * secret-access-monitor keeps its state in S3. A local S3 (s3rver, started here on 127.0.0.1 at a free port, with a
 * temporary storage directory) stands in for the bucket the state-bootstrap stack creates. Only the endpoint and
 * the credentials are overridden, plus what the S3 backend strictly needs to talk to a server that is not AWS;
 * bucket, key, region, encrypt and use_lockfile come from the synthesized JSON unchanged.
 *
 * What this proves: the block is complete (region included: without it init stops with "Missing region value"
 * unless AWS_REGION is set, and AWS_REGION is removed here), Terraform accepts it, the state object is written at the
 * synthesized key with server-side encryption requested, the lock file `<key>.tflock` is taken with a conditional
 * write and released around the write, and a second checkout reads the same state back.
 * What it does not prove: AWS's own behaviour (IAM, KMS/SSE, and lock contention: s3rver 3.7.1 ignores
 * If-None-Match, so a held lock is not refused here; Terraform's half — sending the conditional write — is checked).
 * State is written with `terraform state push` of a crafted state: the stacks need the AWS provider, so no apply.
 *
 * state-bootstrap keeps its own state locally (it creates the bucket the other stack's state goes to); its local
 * backend is initialised for real the same way, and its state file must land outside cdktf.out.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { App } from "cdktf";
import { buildApp, MONITORING_STACK, STATE_BOOTSTRAP_STACK } from "../../src/app";
import { loadConfig } from "../../src/config/load";

const ROOT = join(__dirname, "..", "..");
// Terraform init downloads nothing but still starts the provider installer and the backend: seconds each.
jest.setTimeout(180_000);

interface S3Request {
  method: string;
  path: string;
  query: string;
  status: number;
  sse: string | null;
  ifNoneMatch: string | null;
  scope: string | null;
}

interface LocalS3 {
  process: ChildProcess;
  port: number;
  storage: string;
  requests: S3Request[];
}

let tmp: string;
let cliConfig: string;
let stacks: string;
let s3: LocalS3 | undefined;
let terraformVersion: string;

/** This machine's environment without any AWS_* or TF_* setting, plus what each call adds. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|TF_)/.test(k)));
  return { ...env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", ...extra };
}

/**
 * The environment of every terraform call. Credentials come from the environment, as the S3 backend documentation
 * recommends (-backend-config values are stored in .terraform/). AWS_REGION and AWS_DEFAULT_REGION are absent, and
 * the shared config and credentials files point nowhere, so neither a region nor an endpoint can come from this
 * machine's AWS setup: the region the backend uses must be the one in the synthesized block.
 */
function terraformEnv(): NodeJS.ProcessEnv {
  return cleanEnv({
    // s3rver's default account.
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_CONFIG_FILE: join(tmp, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(tmp, "no-aws-credentials"),
  });
}

function terraform(dir: string, args: string[]): string {
  const r = spawnSync("terraform", [`-chdir=${dir}`, ...args], { encoding: "utf8", env: terraformEnv() });
  if (r.error) throw new Error(`terraform ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`terraform ${args.join(" ")} in ${dir} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * The settings added to the synthesized S3 block, each documented in "Backend Type: s3",
 * https://developer.hashicorp.com/terraform/language/backend/s3 (Terraform ≥ 1.6 names).
 */
function s3Overrides(port: number): string[] {
  return [
    // "Overriding AWS API endpoints": endpoints.s3, the custom endpoint URL for the S3 API — the local server.
    `-backend-config=endpoints={s3="http://127.0.0.1:${port}"}`,
    // "S3 State Storage": use_path_style, https://<HOST>/<BUCKET> instead of https://<BUCKET>.<HOST>; the
    // virtual-hosted name <bucket>.127.0.0.1 does not resolve.
    "-backend-config=use_path_style=true",
    // "Credentials and Shared Configuration": skip_credentials_validation skips the STS GetCallerIdentity call,
    // "useful for … AWS API implementations that do not have STS available" (init fails calling sts.<region>.amazonaws.com).
    "-backend-config=skip_credentials_validation=true",
    // Same section: skip_requesting_account_id, "useful for AWS API implementations that do not have the IAM, STS
    // API, or metadata API" (init fails with "Retrieving AWS account details").
    "-backend-config=skip_requesting_account_id=true",
    // Not needed, so not set: skip_metadata_api_check (credentials come from the environment, never from IMDS),
    // skip_region_validation (the region is a real one), skip_s3_checksum (s3rver stores Terraform's upload intact:
    // the object in its storage parses as the state pushed, and state pull returns it unchanged).
  ];
}

/** Starts s3rver in its own process and collects its request log. */
async function startS3(bucket: string): Promise<LocalS3> {
  const storage = join(tmp, "s3");
  mkdirSync(storage);
  // s3rver refuses requests whose SigV4 time is more than 15 minutes off its own clock (RequestTimeTooSkewed).
  // Terraform is a static Go binary that reads the real clock whatever LD_PRELOAD says, so the server runs on the
  // real clock too: the test suite itself may run under faketime (CI does, to prove no test depends on the date).
  const env = Object.fromEntries(Object.entries(cleanEnv({})).filter(([k]) => k !== "LD_PRELOAD" && !k.startsWith("FAKETIME")));
  const child = spawn(process.execPath, [join(__dirname, "s3rver-process.cjs"), storage, bucket], { env, stdio: ["ignore", "pipe", "pipe"] });
  const requests: S3Request[] = [];
  let stderr = "";
  child.stderr!.on("data", (d) => void (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const parsed = JSON.parse(line);
      if (typeof parsed.port === "number") resolve(parsed.port);
      else requests.push(parsed);
    });
    child.on("exit", (code) => reject(new Error(`s3rver exited ${code} before listening: ${stderr.trim()}`)));
    setTimeout(() => reject(new Error(`s3rver did not start within 20 s: ${stderr.trim()}`)), 20_000).unref();
  });
  return { process: child, port, storage, requests };
}

/**
 * The requests s3rver logged while `run` ran. terraform runs synchronously, so the log is read afterwards: a marker
 * request, sent after it and logged after everything before it, says when the log has caught up.
 */
async function requestsDuring(server: LocalS3, run: () => void): Promise<S3Request[]> {
  await caughtUp(server);
  const before = server.requests.length;
  run();
  const marker = await caughtUp(server);
  return server.requests.slice(before, marker);
}

async function caughtUp(server: LocalS3): Promise<number> {
  const path = `/log-marker-${randomUUID()}`;
  // A new connection each time (agent: false): a kept-alive one may have been closed by the server meanwhile.
  await new Promise<void>((resolve, reject) =>
    get({ host: "127.0.0.1", port: server.port, path, agent: false }, (res) => res.resume().on("end", resolve)).on("error", reject),
  );
  for (let waited = 0; waited < 10_000; waited += 20) {
    const at = server.requests.findIndex((r) => r.path === path);
    if (at >= 0) {
      server.requests.splice(at, 1);
      return at;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`s3rver did not log ${path} within 10 s`);
}

async function stopS3(server: LocalS3): Promise<void> {
  if (server.process.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => server.process.on("exit", () => resolve()));
  server.process.kill("SIGTERM");
  await exited;
}

/** A state snapshot with one output, the value the test looks for after the round trip. */
function stateFile(dir: string, proof: string, lineage: string = randomUUID(), serial = 1): string {
  const file = join(dir, `push-${proof}.tfstate`);
  writeFileSync(
    file,
    JSON.stringify({ version: 4, terraform_version: terraformVersion, serial, lineage, outputs: { proof: { value: proof, type: "string" } }, resources: [], check_results: null }),
  );
  return file;
}

/** The backend configuration `terraform init` recorded, without the settings left at their defaults. */
function recordedBackend(dir: string): { type: string; config: Record<string, unknown> } {
  const { backend } = JSON.parse(readFileSync(join(dir, ".terraform", "terraform.tfstate"), "utf8"));
  const set = (v: unknown): boolean => v !== null && v !== false && !(Array.isArray(v) && v.length === 0);
  const config = Object.fromEntries(
    Object.entries(backend.config as Record<string, unknown>)
      .filter(([, v]) => set(v))
      .map(([k, v]) => [k, v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => set(x))) : v]),
  );
  return { type: backend.type, config };
}

/** A working directory with nothing but the synthesized configuration, as a fresh checkout has. */
function freshCopy(stack: string, name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  copyFileSync(join(stacks, stack, "cdk.tf.json"), join(dir, "cdk.tf.json"));
  return dir;
}

const synthesized = (stack: string) => JSON.parse(readFileSync(join(stacks, stack, "cdk.tf.json"), "utf8"));

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "sam-backend-"));
  cliConfig = join(tmp, "terraformrc");
  // The CLI and the hashicorp/aws mirror, found as scripts/validate.sh finds them; missing either fails here.
  const env = spawnSync("bash", [join(ROOT, "scripts", "tf-env.sh"), cliConfig], { encoding: "utf8" });
  if (env.status !== 0) {
    throw new Error(`the backend contract test needs the Terraform CLI and the hashicorp/aws provider mirror: ${env.stderr.trim() || env.error?.message}`);
  }
  terraformVersion = JSON.parse(spawnSync("terraform", ["version", "-json"], { encoding: "utf8", env: cleanEnv({}) }).stdout).terraform_version;
  // The shipped configuration as `npm run synth` reads it, with a fixed suffix: hashicorp/random is not in the mirror.
  const config = loadConfig({ MONITOR_SUFFIX: "ci0back1" }, ROOT);
  const outdir = join(tmp, "cdktf.out");
  buildApp(config, new App({ outdir })).app.synth();
  stacks = join(outdir, "stacks");
  const backend = synthesized(MONITORING_STACK).terraform.backend.s3;
  if (!backend) throw new Error(`the shipped monitor.config.json no longer synthesizes an S3 backend: ${JSON.stringify(synthesized(MONITORING_STACK).terraform.backend)}`);
  s3 = await startS3(backend.bucket);
});

afterAll(async () => {
  if (s3) await stopS3(s3);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe(`${MONITORING_STACK}: the S3 backend as synthesized`, () => {
  let backend: { bucket: string; key: string; region: string; encrypt: boolean; use_lockfile: boolean };
  let workdir: string;
  let proof: string;
  const objectFile = (key: string) => join(s3!.storage, backend.bucket, `${key}._S3rver_object`);

  beforeAll(() => {
    backend = synthesized(MONITORING_STACK).terraform.backend.s3;
    workdir = join(stacks, MONITORING_STACK);
  });

  test("names the bucket state-bootstrap creates, in the region it creates it in, with a key, encryption and locking", () => {
    const bootstrap = synthesized(STATE_BOOTSTRAP_STACK);
    expect(Object.keys(backend).sort()).toEqual(["bucket", "encrypt", "key", "region", "use_lockfile"]);
    expect(backend.bucket).toBe(Object.values<{ bucket: string }>(bootstrap.resource.aws_s3_bucket)[0].bucket);
    expect(backend.region).toBe(bootstrap.provider.aws[0].region);
    expect(backend).toMatchObject({ key: `secret-access-monitor/${MONITORING_STACK}.tfstate`, encrypt: true, use_lockfile: true });
  });

  test("terraform init connects to the bucket with only the endpoint and the credentials overridden", async () => {
    const seen = await requestsDuring(s3!, () => terraform(workdir, ["init", "-input=false", "-no-color", ...s3Overrides(s3!.port)]));
    expect(recordedBackend(workdir)).toEqual({
      type: "s3",
      config: {
        ...backend,
        endpoints: { s3: `http://127.0.0.1:${s3!.port}` },
        use_path_style: true,
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
      },
    });
    // init lists the workspaces (env:/ prefix) and looks for the state at the key: requests reached the bucket,
    // path-style, signed for the synthesized region.
    expect(seen).toContainEqual(expect.objectContaining({ method: "GET", path: `/${backend.bucket}`, query: expect.stringContaining("prefix=env%3A%2F") }));
    expect(seen).toContainEqual(expect.objectContaining({ method: "HEAD", path: `/${backend.bucket}/${backend.key}`, status: 404 }));
    expect(seen.filter((r) => !r.path.startsWith(`/${backend.bucket}`) || r.scope !== `${backend.region}/s3`)).toEqual([]);
  });

  test("state written through the backend lands at the synthesized key, encrypted, under the lock file", async () => {
    proof = `first-${randomUUID()}`;
    const requests = await requestsDuring(s3!, () => terraform(workdir, ["state", "push", stateFile(tmp, proof)]));
    const seen = requests.map((r) => `${r.method} ${r.path} ${r.status}${r.ifNoneMatch ? ` if-none-match=${r.ifNoneMatch}` : ""}${r.sse ? ` sse=${r.sse}` : ""}`);
    const lock = `/${backend.bucket}/${backend.key}.tflock`;
    // use_lockfile: the lock object is created only if absent (If-None-Match: *), the state is written while it is
    // held, then the lock is deleted. encrypt: both uploads ask for server-side encryption.
    const takeLock = `PUT ${lock} 200 if-none-match=* sse=AES256`;
    const write = `PUT /${backend.bucket}/${backend.key} 200 sse=AES256`;
    const release = `DELETE ${lock} 204`;
    expect(seen).toEqual(expect.arrayContaining([takeLock, write, release]));
    expect(seen.indexOf(write)).toBeGreaterThan(seen.indexOf(takeLock));
    expect(seen.indexOf(release)).toBeGreaterThan(seen.indexOf(write));
    // In s3rver's storage: the state object at the synthesized key, and no lock left behind.
    const stored = JSON.parse(readFileSync(objectFile(backend.key), "utf8"));
    expect(stored.outputs.proof.value).toBe(proof);
    expect(existsSync(objectFile(`${backend.key}.tflock`))).toBe(false);
    expect(readdirSync(join(s3!.storage, backend.bucket, backend.key.split("/")[0])).filter((f) => f.includes(".tflock"))).toEqual([]);
  });

  test("a fresh checkout initialises against the same state, reads it back, and writes the next version", () => {
    const fresh = freshCopy(MONITORING_STACK, "fresh-monitor");
    terraform(fresh, ["init", "-input=false", "-no-color", ...s3Overrides(s3!.port)]);
    const pulled = JSON.parse(terraform(fresh, ["state", "pull"]));
    const stored = JSON.parse(readFileSync(objectFile(backend.key), "utf8"));
    expect(pulled).toEqual(stored);
    expect(pulled.outputs.proof.value).toBe(proof);
    // The next version from the fresh checkout (same lineage, next serial), read by the first working directory.
    const next = `second-${randomUUID()}`;
    terraform(fresh, ["state", "push", stateFile(tmp, next, pulled.lineage, pulled.serial + 1)]);
    const again = JSON.parse(terraform(workdir, ["state", "pull"]));
    expect(again).toMatchObject({ lineage: pulled.lineage, outputs: { proof: { value: next } } });
    expect(again.serial).toBeGreaterThan(pulled.serial);
  });
});

describe(`${STATE_BOOTSTRAP_STACK}: its own local state, outside cdktf.out`, () => {
  test("terraform init with the synthesized local backend; state written, then read back after a new init", async () => {
    const workdir = join(stacks, STATE_BOOTSTRAP_STACK);
    const { backend } = synthesized(STATE_BOOTSTRAP_STACK).terraform;
    expect(backend).toEqual({ local: { path: `../../../terraform.${STATE_BOOTSTRAP_STACK}.tfstate` } });
    const proof = `bootstrap-${randomUUID()}`;
    let pulled: { outputs: { proof: { value: string } } } | undefined;
    const requests = await requestsDuring(s3!, () => {
      terraform(workdir, ["init", "-input=false", "-no-color"]);
      expect(recordedBackend(workdir)).toEqual({ type: "local", config: backend.local });
      terraform(workdir, ["state", "push", stateFile(tmp, proof)]);
      rmSync(join(workdir, ".terraform"), { recursive: true });
      terraform(workdir, ["init", "-input=false", "-no-color"]);
      pulled = JSON.parse(terraform(workdir, ["state", "pull"]));
    });
    expect(pulled?.outputs.proof.value).toBe(proof);
    // ../../.. from cdktf.out/stacks/<stack>: beside cdktf.out, so a new synth (which replaces cdktf.out) keeps it.
    const stateOnDisk = join(tmp, `terraform.${STATE_BOOTSTRAP_STACK}.tfstate`);
    expect(JSON.parse(readFileSync(stateOnDisk, "utf8")).outputs.proof.value).toBe(proof);
    // Nothing of it went to S3.
    expect(requests).toEqual([]);
  });
});
