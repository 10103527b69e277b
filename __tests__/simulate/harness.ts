/**
 * What the simulate tests share: the CLI run in this thread with its output captured, and a local HTTP server that
 * keeps every payload `simulate --deliver` POSTs.
 */
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { main } from "../../src/simulate/cli";

export interface CliRun {
  readonly code: number;
  /** Standard output, one entry per line (the CLI prints records in blocks of lines). */
  readonly out: string[];
  readonly err: string[];
}

/** Runs `simulate` with these arguments on one thread: Jest cannot load TypeScript in worker threads. */
export async function runSimulate(args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...a) => void out.push(...a.join(" ").split("\n")));
  const error = jest.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
  try {
    return { code: await main([...args, "--workers", "1"]), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

export interface Received {
  /** The `X-Target-Id` header: which destination the payload was rendered for. */
  readonly targetId: string;
  /** The `X-Rule` header: the rule (or alarm route) that produced it. */
  readonly rule: string;
  readonly body: string;
}

/** A local HTTP server on 127.0.0.1 (port chosen by the system) that keeps every POST. */
export async function startServer(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ targetId: String(req.headers["x-target-id"]), rule: String(req.headers["x-rule"]), body });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/alerts`, received };
}
