// Preloaded by the benchmark (`node -r ./scripts/report-rss.cjs …`): prints the process's peak RSS at exit.
process.on("exit", () => process.stderr.write(`maxrss_kb=${process.resourceUsage().maxRSS}\n`));
