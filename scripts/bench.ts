/**
 * Benchmarks, printed as a table (and written into README.md with --update-readme):
 *  - synth: the app as cdktf runs it (esbuild bundle, deep imports) vs a naïve build of the same stack
 *    (barrel import of @cdktf/provider-aws, run by ts-node with type-checking): wall time and peak RSS;
 *  - the Jest suite's wall time;
 *  - `npm test` end to end (typecheck, Jest, npm run validate): the wall time every change pays;
 *  - simulate throughput and peak RSS on generated gzipped trails (1 M records as a tree of log files, 200 k
 *    records to show memory does not grow with input, and 1 M records in one file streamed), each beside its
 *    floors measured in the same run on the same input and threads: inflating alone, and inflating plus
 *    JSON.parse of every record (best of three runs each). The trails are realistic (scripts/generate-trail.ts);
 *    their compression ratio is reported.
 * Usage: npm run bench [-- --only synth,tests,npm-test,simulate] [--update-readme]
 */
import { spawnSync } from "node:child_process";
import { createReadStream, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { createGunzip, ZlibOptions } from "node:zlib";
import { inputFiles } from "../src/engines/record-stream";

const root = join(__dirname, "..");
const work = join(root, ".build", "bench");
const args = process.argv.slice(2);
const rows: [string, string, string, string, string][] = [];

interface Run {
  ms: number;
  /** CPU time of the command and every process it waited for (user + system), in seconds. */
  cpuSeconds: number;
  rssMb?: number;
  stderr: string;
  stdout: string;
  status: number | null;
}

function run(cmd: string, argv: string[], env: Record<string, string> = {}, cwd = root): Run {
  const start = process.hrtime.bigint();
  const before = childCpu();
  const r = spawnSync(cmd, argv, { cwd, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env }, encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuSeconds = childCpu() - before;
  const rss = /maxrss_kb=(\d+)/.exec(r.stderr ?? "");
  return { ms, cpuSeconds, rssMb: rss ? Number(rss[1]) / 1024 : undefined, stderr: r.stderr ?? "", stdout: r.stdout ?? "", status: r.status };
}

/**
 * CPU seconds (user + system) of the waited-for descendants of this process so far, as the kernel counts them
 * (cutime + cstime in /proc/self/stat): a command's own share is the difference before and after it. On a machine
 * shared with other work, wall time varies with the load; CPU time much less.
 */
function childCpu(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 16 and 17 of the file (cutime, cstime), counted from 3 after the command name; in clock ticks, 100 a
    // second on Linux (getconf CLK_TCK).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

function must(r: Run, what: string): Run {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return r;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

/** A copy of the app whose provider imports go through the package's barrel, as a naïve project writes them. */
function naiveCopy(): string {
  const dir = join(work, "naive");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, "src"), join(dir, "src"), { recursive: true });
  cpSync(join(root, "main.ts"), join(dir, "main.ts"));
  cpSync(join(root, "monitor.config.json"), join(dir, "monitor.config.json"));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../../tsconfig.json", include: ["main.ts", "src/**/*.ts"], compilerOptions: { noEmit: false, types: ["node"], isolatedModules: false } }));
  const camel = (s: string) => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  for (const file of walk(join(dir, "src")).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(file, "utf8").replace(
      /import \{([^}]+)\} from "@cdktf\/provider-aws\/lib\/([a-z0-9-]+)";/g,
      (_m, names: string, mod: string) =>
        [`import { ${camel(mod)} } from "@cdktf/provider-aws";`, ...names.split(",").map((n) => n.trim()).filter(Boolean).map((n) => `import ${n} = ${camel(mod)}.${n};`)].join("\n"),
    );
    writeFileSync(file, text);
  }
  return dir;
}

function benchSynth(): void {
  const env = { MONITOR_SUFFIX: "bench001" };
  const fast: Run[] = [];
  for (let i = 0; i < 3; i++) {
    fast.push(must(run("node", ["-r", "./scripts/report-rss.cjs", "scripts/run-app.mjs"], { ...env, CDKTF_OUTDIR: join(work, "out-fast") }), "synth"));
  }
  const dir = naiveCopy();
  const naive = must(
    run("node", ["-r", join(root, "scripts/report-rss.cjs"), "-r", "ts-node/register", "main.ts"], { ...env, CDKTF_OUTDIR: join(work, "out-naive"), TS_NODE_PROJECT: join(dir, "tsconfig.json") }, dir),
    "naïve synth",
  );
  const same = readFileSync(join(work, "out-fast/stacks/secret-access-monitor/cdk.tf.json"), "utf8") === readFileSync(join(work, "out-naive/stacks/secret-access-monitor/cdk.tf.json"), "utf8");
  const fastMs = median(fast.map((r) => r.ms));
  const fastRss = Math.max(...fast.map((r) => r.rssMb ?? 0));
  rows.push(["synth, deep imports + esbuild (cdktf.json app), median of 3", fmtMs(fastMs), `${fastRss.toFixed(0)} MB`, "", "≤ 1.0 s, ≤ 200 MB"]);
  rows.push([`synth, barrel import + ts-node (same stack${same ? ", identical JSON" : ", JSON DIFFERS"})`, fmtMs(naive.ms), `${(naive.rssMb ?? 0).toFixed(0)} MB`, "", `${(naive.ms / fastMs).toFixed(1)}× slower (≥ 10×)`]);
}

function benchTests(): void {
  // Timed as after a change to the sources: no configuration synthesized by an earlier run (__tests__/synth-cache.ts).
  rmSync(join(root, ".build", "synth-cache"), { recursive: true, force: true });
  const r = must(run("node", ["-r", "./scripts/report-rss.cjs", "node_modules/jest/bin/jest.js", "--silent"]), "jest");
  const counted = /Tests:\s+(.*)/.exec(r.stderr)?.[1] ?? "";
  rows.push([`Jest suite (${counted.trim()})`, `${fmtMs(r.ms)} (${Math.round(r.cpuSeconds)} CPU-seconds)`, "", "", "≤ 30 s"]);
}

/**
 * `npm test` as a developer runs it on every change, timed end to end: typecheck (its incremental cache removed
 * first, so it checks everything, as on a fresh clone), Jest, and npm run validate (every variant and stack through
 * real Terraform). The row names each phase's figures as the run printed them.
 */
function benchNpmTest(): void {
  rmSync(join(root, ".build", "typecheck.tsbuildinfo"), { force: true });
  // Nor do the tests find configurations synthesized by an earlier run (__tests__/synth-cache.ts).
  rmSync(join(root, ".build", "synth-cache"), { recursive: true, force: true });
  const r = must(run("npm", ["test"]), "npm test");
  const output = `${r.stdout}\n${r.stderr}`;
  const jestTests = /^Tests:\s+(.*)$/m.exec(output)?.[1]?.trim() ?? "?";
  const jestSeconds = /^Time:\s+([\d.]+) s/m.exec(output)?.[1];
  const terraform = /terraform test: (\d+) passed, (\d+) failed \(([\d.]+) s\)/.exec(output);
  const jest = `Jest ${jestTests}${jestSeconds ? `, ${fmtMs(Number(jestSeconds) * 1000)}` : ""}`;
  const validate = terraform ? `validate ${terraform[1]} terraform tests passed, ${fmtMs(Number(terraform[3]) * 1000)}` : "validate";
  rows.push([`npm test: typecheck; ${jest}; ${validate}`, `${fmtMs(r.ms)} (${Math.round(r.cpuSeconds)} CPU-seconds)`, "", "", "≤ 2 min"]);
}

// ---------------------------------------------------------------------------------------------- floors

/**
 * What reading the input costs before simulate does anything of its own, on the threads simulate would use:
 * "gunzip" inflates every file; "parse" also JSON.parses every record (a log file whole, as simulate parses files
 * up to 16 MB; the records of a larger file one by one, cut at the separator the generator writes).
 */
type FloorKind = "gunzip" | "parse";
interface FloorTask {
  kind: FloorKind;
  files: string[];
}

function readCompressed(file: string): NodeJS.ReadableStream {
  return createReadStream(file, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 20, readableHighWaterMark: 4 << 20 } as ZlibOptions));
}

const SEPARATOR = Buffer.from('},{"eventVersion":');

/** Records read from the files, as the floor's kind reads them. */
async function floorWork(task: FloorTask): Promise<number> {
  let records = 0;
  for (const file of task.files) {
    const chunks: Buffer[] = [];
    let size = 0;
    let rest: Buffer = Buffer.alloc(0);
    let streamed = false;
    for await (const chunk of readCompressed(file) as AsyncIterable<Buffer>) {
      if (task.kind === "gunzip") {
        size += chunk.length;
        continue;
      }
      if (!streamed) {
        chunks.push(chunk);
        size += chunk.length;
        if (size <= 16 * 1024 * 1024) continue;
        streamed = true;
        rest = Buffer.concat(chunks.splice(0)).subarray('{"Records":['.length);
      } else rest = Buffer.concat([rest, chunk]);
      let from = 0;
      for (let at = rest.indexOf(SEPARATOR); at >= 0; at = rest.indexOf(SEPARATOR, from)) {
        JSON.parse(rest.toString("utf8", from, at + 1));
        records++;
        from = at + 2;
      }
      rest = rest.subarray(from);
    }
    if (task.kind === "gunzip") continue;
    if (!streamed) records += JSON.parse(Buffer.concat(chunks).toString("utf8")).Records.length;
    else {
      JSON.parse(rest.toString("utf8", 0, rest.length - 2)); // the last record, before `]}`
      records++;
    }
  }
  return records;
}

/** Runs a floor over the input on `threads` worker threads (files dealt round-robin); seconds taken. */
async function floor(kind: FloorKind, input: string, threads: number): Promise<{ seconds: number; records: number; cpuSeconds: number }> {
  const files = inputFiles(input);
  const count = Math.max(1, Math.min(threads, files.length));
  const started = process.hrtime.bigint();
  // This process's CPU time covers the floor's threads (and libuv's, which inflate).
  const cpu = process.cpuUsage();
  const counts = await Promise.all(
    Array.from({ length: count }, (_, w) => {
      const task: FloorTask = { kind, files: files.filter((_, i) => i % count === w) };
      return new Promise<number>((resolve, reject) => {
        const worker = new Worker(`require("tsx/cjs"); require(${JSON.stringify(__filename)});`, { eval: true, workerData: task });
        worker.once("message", resolve);
        worker.once("error", reject);
      });
    }),
  );
  const used = process.cpuUsage(cpu);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, records: counts.reduce((a, b) => a + b, 0), cpuSeconds: (used.user + used.system) / 1e6 };
}

// ---------------------------------------------------------------------------------------------- simulate

/** Bytes of a path's files, gzipped and inflated: the trail's compression ratio. */
async function compression(input: string): Promise<{ gz: number; raw: number }> {
  let gz = 0;
  let raw = 0;
  for (const file of inputFiles(input)) {
    gz += statSync(file).size;
    for await (const chunk of readCompressed(file) as AsyncIterable<Buffer>) raw += chunk.length;
  }
  return { gz, raw };
}

const perSecond = (n: number) => `${Math.round(n / 1000).toLocaleString("en-US")} k records/s`;

async function benchSimulate(): Promise<void> {
  must(run("node", ["scripts/run-app.mjs"], { MONITOR_SUFFIX: "bench001", CDKTF_OUTDIR: join(work, "out-sim") }), "synth");
  // Trails are kept between runs, under a name that changes with the generator.
  const version = require("node:crypto").createHash("sha256").update(readFileSync(join(root, "scripts/generate-trail.ts"))).digest("hex").slice(0, 8);
  const gen = (name: string, n: number) => {
    const out = join(work, `trail-${version}`, name);
    if (!existsSync(out)) {
      mkdirSync(join(work, `trail-${version}`), { recursive: true });
      must(run("node", ["--import", "tsx", "scripts/generate-trail.ts", out, String(n)]), "generate-trail");
    }
    return out;
  };
  for (const old of readdirSync(work).filter((n) => n.startsWith("trail-") && n !== `trail-${version}`)) rmSync(join(work, old), { recursive: true, force: true });
  const cases: [string, string][] = [
    ["simulate, 1 M records in 500 gzipped log files", gen("tree-1m", 1_000_000)],
    ["simulate, 200 k records in 100 gzipped log files", gen("tree-200k", 200_000)],
    ["simulate, 1 M records in one gzipped file (streamed)", gen("single-1m.json.gz", 1_000_000)],
  ];
  const ratio = await compression(cases[0][1]);
  const threadsFor = (input: string) => (statSync(input).isDirectory() ? Math.min(availableParallelism(), 4) : 1);
  // Each figure is the best of three runs, simulate and floors alike, taken in turn: on a machine shared with other
  // work, the best run is the one least disturbed.
  const RUNS = 3;
  for (const [label, input] of cases) {
    let rate = 0;
    let records = 0;
    let rssMb = 0;
    const floorRates = { gunzip: 0, parse: 0 };
    // CPU-seconds, least of the runs: what the work costs whatever else the machine runs.
    let cpu = Infinity;
    const floorCpu = { gunzip: Infinity, parse: Infinity };
    const threads = threadsFor(input);
    for (let k = 0; k < RUNS; k++) {
      const r = must(run("node", ["--import", "tsx", "src/simulate/cli.ts", "--out", join(work, "out-sim"), "--events", input, "--stats"]), "simulate");
      const m = /stats: (\d+) records in ([\d.]+) s = (\d+) records\/s, peak RSS (\d+) MB/.exec(r.stderr);
      if (!m) throw new Error(`simulate printed no stats: ${r.stderr}`);
      records = Number(m[1]);
      rate = Math.max(rate, Number(m[3]));
      rssMb = Math.max(rssMb, Number(m[4]));
      cpu = Math.min(cpu, r.cpuSeconds);
      for (const kind of ["gunzip", "parse"] as const) {
        const f = await floor(kind, input, threads);
        if (kind === "parse" && f.records !== records) throw new Error(`${kind} floor read ${f.records} records, simulate ${records}`);
        floorRates[kind] = Math.max(floorRates[kind], records / f.seconds);
        floorCpu[kind] = Math.min(floorCpu[kind], f.cpuSeconds);
      }
    }
    const floors = (["gunzip", "parse"] as const).map(
      (kind) => `${kind === "gunzip" ? "gunzip" : "gunzip + JSON.parse"} ${perSecond(floorRates[kind])} (simulate at ${Math.round((rate / floorRates[kind]) * 100)} %)`,
    );
    // One gzip stream inflates on one thread; simulate spreads a large file's records over its worker threads.
    const on = threads > 1 ? `${threads} threads, as simulate` : "1 thread (one gzip stream)";
    const target = statSync(input).isDirectory() ? "≥ 500 k records/s, flat memory" : "≥ 250 k records/s, flat memory";
    const micros = (seconds: number) => `${((seconds / records) * 1e6).toFixed(1)} µs`;
    const perCpu = `CPU per record (all threads, startup included): simulate ${micros(cpu)}, gunzip ${micros(floorCpu.gunzip)}, gunzip + JSON.parse ${micros(floorCpu.parse)}`;
    rows.push([label, perSecond(rate), `${rssMb} MB`, `${floors.join("; ")}; floors on ${on}. ${perCpu}`, target]);
  }
  rows.push([
    `generated trail: ${(ratio.raw / 1e6 / 2).toFixed(0)} MB per 500 k records, compressed ${(ratio.raw / ratio.gz).toFixed(1)}× by gzip`,
    "",
    "",
    "",
    "real CloudTrail: 10–15×",
  ]);
}

function table(): string {
  const header = ["what", "time / throughput", "peak RSS", "floor (same run, same input)", "target"];
  const lines = [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`);
  return lines.join("\n");
}

async function main(): Promise<void> {
  const onlyArg = args.find((a) => a.startsWith("--only="))?.slice(7) ?? (args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined);
  const only = (onlyArg ?? "synth,tests,npm-test,simulate").split(",");
  for (const part of only) {
    if (!["synth", "tests", "npm-test", "simulate"].includes(part)) {
      console.error(`bench: --only: ${part} is not one of synth, tests, npm-test, simulate`);
      process.exit(2);
    }
  }
  mkdirSync(work, { recursive: true });
  if (only.includes("synth")) benchSynth();
  if (only.includes("tests")) benchTests();
  if (only.includes("npm-test")) benchNpmTest();
  if (only.includes("simulate")) await benchSimulate();
  const nodeVersion = process.version;
  const out = `${table()}\n\nMeasured ${new Date().toISOString().slice(0, 10)} on ${require("node:os").cpus().length} cores, Node ${nodeVersion}.`;
  console.log(out);
  if (args.includes("--update-readme")) {
    const readmePath = join(root, "README.md");
    const readme = readFileSync(readmePath, "utf8");
    const begin = "<!-- bench:begin -->";
    const end = "<!-- bench:end -->";
    if (!readme.includes(begin)) throw new Error("README.md has no bench markers");
    writeFileSync(readmePath, readme.replace(new RegExp(`${begin}[\\s\\S]*${end}`), `${begin}\n${out}\n${end}`));
    console.log("README.md updated");
  }
}

if (isMainThread) {
  main().catch((err) => {
    console.error(`bench: ${(err as Error).stack ?? err}`);
    process.exit(1);
  });
} else {
  // A floor's worker thread.
  floorWork(workerData as FloorTask).then((records) => parentPort!.postMessage(records));
}
