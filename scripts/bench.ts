/**
 * Benchmarks, printed as a table (and written into README.md with --update-readme):
 *  - synth: the app as cdktf runs it (esbuild bundle, deep imports) vs a naïve build of the same stack
 *    (barrel import of @cdktf/provider-aws, run by ts-node with type-checking): wall time and peak RSS;
 *  - the Jest suite's wall time;
 *  - simulate throughput and peak RSS on generated gzipped trails (1 M records as a tree of log files, 200 k
 *    records to show memory does not grow with input, and 1 M records in one file streamed).
 * Usage: npm run bench [-- --only synth,tests,simulate] [--update-readme]
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..");
const work = join(root, ".build", "bench");
const args = process.argv.slice(2);
const onlyArg = args.find((a) => a.startsWith("--only="))?.slice(7) ?? (args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined);
const only = (onlyArg ?? "synth,tests,simulate").split(",");
for (const part of only) {
  if (!["synth", "tests", "simulate"].includes(part)) {
    console.error(`bench: --only: ${part} is not one of synth, tests, simulate`);
    process.exit(2);
  }
}
const rows: [string, string, string, string][] = [];

interface Run {
  ms: number;
  rssMb?: number;
  stderr: string;
  stdout: string;
  status: number | null;
}

function run(cmd: string, argv: string[], env: Record<string, string> = {}, cwd = root): Run {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env }, encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rss = /maxrss_kb=(\d+)/.exec(r.stderr ?? "");
  return { ms, rssMb: rss ? Number(rss[1]) / 1024 : undefined, stderr: r.stderr ?? "", stdout: r.stdout ?? "", status: r.status };
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
  rows.push(["synth, deep imports + esbuild (cdktf.json app), median of 3", fmtMs(fastMs), `${fastRss.toFixed(0)} MB`, "≤ 1.0 s, ≤ 200 MB"]);
  rows.push([`synth, barrel import + ts-node (same stack${same ? ", identical JSON" : ", JSON DIFFERS"})`, fmtMs(naive.ms), `${(naive.rssMb ?? 0).toFixed(0)} MB`, `${(naive.ms / fastMs).toFixed(1)}× slower (≥ 10×)`]);
}

function benchTests(): void {
  const r = must(run("node", ["-r", "./scripts/report-rss.cjs", "node_modules/jest/bin/jest.js", "--silent"]), "jest");
  const counted = /Tests:\s+(.*)/.exec(r.stderr)?.[1] ?? "";
  rows.push([`Jest suite (${counted.trim()})`, fmtMs(r.ms), "", "≤ 30 s"]);
}

function benchSimulate(): void {
  must(run("node", ["scripts/run-app.mjs"], { MONITOR_SUFFIX: "bench001", CDKTF_OUTDIR: join(work, "out-sim") }), "synth");
  const gen = (out: string, n: number) => {
    if (!existsSync(out)) must(run("node", ["--import", "tsx", "scripts/generate-trail.ts", out, String(n)]), "generate-trail");
    return out;
  };
  const cases: [string, string][] = [
    ["simulate, 1 M records in 500 gzipped log files", gen(join(work, "trail-1m"), 1_000_000)],
    ["simulate, 200 k records in 100 gzipped log files", gen(join(work, "trail-200k"), 200_000)],
    ["simulate, 1 M records in one gzipped file (streamed)", gen(join(work, "trail-1m-single.json.gz"), 1_000_000)],
  ];
  for (const [label, input] of cases) {
    const r = must(run("node", ["--import", "tsx", "src/simulate/cli.ts", "--out", join(work, "out-sim"), "--events", input, "--stats"]), "simulate");
    const m = /stats: (\d+) records in ([\d.]+) s = (\d+) records\/s, peak RSS (\d+) MB/.exec(r.stderr);
    if (!m) throw new Error(`simulate printed no stats: ${r.stderr}`);
    rows.push([label, `${Number(m[3]).toLocaleString("en-US")} records/s`, `${m[4]} MB`, "≥ 100 k records/s, flat memory"]);
  }
}

function table(): string {
  const header = ["what", "time / throughput", "peak RSS", "target"];
  const lines = [header, ["---", "---", "---", "---"], ...rows].map((r) => `| ${r.join(" | ")} |`);
  return lines.join("\n");
}

mkdirSync(work, { recursive: true });
if (only.includes("synth")) benchSynth();
if (only.includes("tests")) benchTests();
if (only.includes("simulate")) benchSimulate();
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
