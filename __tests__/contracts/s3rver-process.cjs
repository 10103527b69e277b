// A local S3 (s3rver) for the backend contract test, in its own process:
//   node s3rver-process.cjs <storage directory> <bucket>
// Listens on 127.0.0.1 at a port the OS picks, creates the bucket, prints {"port": N} as its first line, then one
// JSON line per request with what the test checks: method, path, status, and the headers that show the S3
// backend's settings at work (server-side encryption, the conditional write of the lock file, the SigV4 scope).
// Stops on SIGTERM.
"use strict";
const S3rver = require("s3rver");

const [directory, bucket] = process.argv.slice(2);
if (!directory || !bucket) {
  console.error("usage: node s3rver-process.cjs <storage directory> <bucket>");
  process.exit(2);
}

const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });

// First in the chain, so every request is seen, including the ones s3rver answers with an error.
server.middleware.unshift(async (ctx, next) => {
  const h = ctx.request.headers;
  const line = {
    method: ctx.method,
    path: decodeURIComponent(ctx.path),
    query: ctx.querystring,
    sse: h["x-amz-server-side-encryption"] ?? null,
    ifNoneMatch: h["if-none-match"] ?? null,
    // "AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, …"
    scope: /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(h.authorization ?? "")?.slice(1, 3).join("/") ?? null,
  };
  try {
    await next();
    line.status = ctx.status;
  } catch (err) {
    line.status = err.status ?? err.statusCode ?? 500;
    line.error = err.code ?? String(err);
    throw err;
  } finally {
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
});

server.run().then(
  ({ port }) => process.stdout.write(`${JSON.stringify({ port })}\n`),
  (err) => {
    console.error(`s3rver: ${err.message}`);
    process.exit(1);
  },
);
process.on("SIGTERM", () => server.close().then(() => process.exit(0), () => process.exit(0)));
