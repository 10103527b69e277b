/**
 * Streams CloudTrail records out of files without loading a whole file: single-record JSON, CloudTrail log files
 * (`{"Records":[…]}`, gzipped as CloudTrail writes them to S3), JSON Lines, EventBridge envelopes, and
 * directory trees of those. Each record is parsed on its own; a malformed one is reported and skipped.
 * Pure Node: no cdktf imports.
 */
import { createReadStream, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createGunzip } from "node:zlib";

export interface StreamedRecord {
  readonly file: string;
  /** Position of the record in its file (0-based). */
  readonly index: number;
  readonly record: Record<string, unknown>;
  /** The EventBridge envelope, when the input was one. */
  readonly envelope?: Record<string, unknown>;
}

export interface Malformed {
  readonly file: string;
  readonly index?: number;
  readonly reason: string;
}

export type StreamItem = { kind: "record"; value: StreamedRecord } | { kind: "malformed"; value: Malformed };

/**
 * Files under a path, depth first in name order; `.json`, `.jsonl`, `.gz` and extension-less files. A synced
 * trail bucket also holds CloudTrail-Digest folders (signed hashes, not events): they are skipped.
 */
export function inputFiles(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) {
    const p = join(path, name);
    if (statSync(p).isDirectory()) {
      if (name !== "CloudTrail-Digest") out.push(...inputFiles(p));
    } else if (/\.(json|jsonl|gz)$/i.test(name) || !name.includes(".")) out.push(p);
  }
  return out;
}

/**
 * Splits a stream of JSON text into its top-level values, or — inside a `{"Records": [...]}` wrapper — into
 * the array's elements, tracking strings and nesting so no value needs the whole file in memory.
 */
export class JsonValueSplitter {
  private buf = "";
  private depth = 0;
  private inString = false;
  private start = -1;
  /** Depth at which values are emitted: 0 for top-level values, 2 inside a Records wrapper. */
  private emitDepth = 0;
  private decided = false;
  private scanFrom = 0;

  constructor(private readonly onValue: (text: string) => void) {}

  push(chunk: string): void {
    this.buf += chunk;
    this.scan(false);
  }

  private scan(final: boolean): void {
    const b = this.buf;
    let i = this.scanFrom;
    let waitAt = -1;
    // Jump from one structural character to the next instead of visiting every character.
    const structural = /["{}[\]]/g;
    while (i < b.length) {
      if (this.inString) {
        const q = b.indexOf('"', i);
        if (q < 0) {
          i = b.length;
          break;
        }
        let backslashes = 0;
        for (let k = q - 1; k >= 0 && b.charCodeAt(k) === 92; k--) backslashes++;
        i = q + 1;
        if (backslashes % 2 === 0) this.inString = false;
        continue;
      }
      structural.lastIndex = i;
      const m = structural.exec(b);
      if (!m) {
        i = b.length;
        break;
      }
      i = m.index;
      const c = b.charCodeAt(i);
      if (c === 34) {
        this.inString = true;
        i++;
        continue;
      }
      if (c === 123 /* { */ || c === 91 /* [ */) {
        if (!this.decided && this.depth === 0 && c === 123) {
          if (!final && b.length - i < 64) {
            waitAt = i; // too little text to tell a Records wrapper from a record: wait for the next chunk
            break;
          }
          this.decided = true;
          this.emitDepth = /^\{\s*"Records"\s*:\s*\[/.test(b.slice(i, i + 64)) ? 2 : 0;
        }
        if (this.depth === this.emitDepth && this.start < 0) this.start = i;
        this.depth++;
      } else {
        this.depth--;
        if (this.depth === this.emitDepth && this.start >= 0) {
          this.onValue(b.slice(this.start, i + 1));
          this.start = -1;
        }
        if (this.depth === 0) {
          this.decided = false;
          this.emitDepth = 0;
        }
      }
      i++;
    }
    // Keep only the unfinished value (or the undecided start) for the next chunk.
    const keepFrom = waitAt >= 0 ? waitAt : this.start >= 0 ? this.start : b.length;
    this.buf = b.slice(keepFrom);
    if (this.start >= 0) this.start -= keepFrom;
    this.scanFrom = waitAt >= 0 ? 0 : this.buf.length;
  }

  /** Flushes what is left; false when the input ended inside a value. */
  end(): boolean {
    this.scan(true);
    return this.depth === 0 && !this.inString && this.buf.trim() === "";
  }
}

/**
 * Files up to this size (after decompression) are parsed in one native JSON.parse — CloudTrail writes log files
 * of a few megabytes every few minutes, so memory stays bounded by the largest file, not by the input. Larger
 * files are split by the streaming splitter.
 */
export const WHOLE_FILE_PARSE_LIMIT = 16 * 1024 * 1024;

/** Streams the records of one file, a batch at a time. */
export async function* batchesOfFile(file: string, wholeFileLimit = WHOLE_FILE_PARSE_LIMIT): AsyncGenerator<StreamItem[]> {
  // Large read and inflate chunks: fewer buffers to allocate, concatenate and collect.
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const source = /\.gz$/i.test(file) ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  const buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let splitter: JsonValueSplitter | undefined;
  const values: string[] = [];
  let index = 0;
  const decoder = new TextDecoder("utf-8");
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (!splitter) {
        buffered.push(chunk);
        bufferedBytes += chunk.length;
        if (bufferedBytes <= wholeFileLimit) continue;
        const head = new TextDecoder("utf-8").decode(buffered[0].subarray(0, 4096), { stream: true });
        const notJson = notJsonReason(head);
        if (notJson) {
          raw.destroy();
          yield [{ kind: "malformed", value: { file, reason: notJson } }];
          return;
        }
        splitter = new JsonValueSplitter((text) => values.push(text));
        for (const b of buffered.splice(0)) splitter.push(decoder.decode(b, { stream: true }));
      } else {
        splitter.push(decoder.decode(chunk, { stream: true }));
      }
      if (values.length > 0) yield values.splice(0).map((text) => classify(file, index++, text));
    }
  } catch (err) {
    yield [{ kind: "malformed", value: { file, reason: `unreadable: ${(err as Error).message}` } }];
    return;
  }
  if (!splitter) {
    yield wholeFile(file, Buffer.concat(buffered).toString("utf8"));
    return;
  }
  const complete = splitter.end();
  const tail: StreamItem[] = values.splice(0).map((text) => classify(file, index++, text));
  if (!complete) tail.push({ kind: "malformed", value: { file, index, reason: "truncated JSON at end of file" } });
  else if (index === 0) tail.push({ kind: "malformed", value: { file, reason: "no JSON record in file" } });
  yield tail;
}

/**
 * Why a file's text is not JSON at all, judged from its start: every input this reads (a record, a log file, an
 * envelope, JSON Lines) starts with `{` or `[`. Binary data (invalid UTF-8) or prose is said so, rather than
 * reported as a JSON value cut short.
 */
export function notJsonReason(start: string): string | undefined {
  const head = start.replace(/^\uFEFF/, "").trimStart();
  if (head === "") return undefined;
  if (head.slice(0, 1024).includes("\uFFFD") || /[\u0000-\u0008\u000E-\u001F]/.test(head.slice(0, 1024))) {
    return "not JSON: binary data (not a CloudTrail log file; a gzipped one must end in .gz)";
  }
  if (head[0] !== "{" && head[0] !== "[") return `not JSON: starts with ${JSON.stringify(head.slice(0, 20))}, not with { or [`;
  return undefined;
}

/** A whole file in memory: one JSON document (a log file, a record, an envelope) or JSON Lines. */
function wholeFile(file: string, text: string): StreamItem[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const notJson = notJsonReason(text);
    if (notJson) return [{ kind: "malformed", value: { file, reason: notJson } }];
    // Not one document: JSON Lines, concatenated values, or malformed — the splitter tells them apart.
    const values: string[] = [];
    const splitter = new JsonValueSplitter((v) => values.push(v));
    splitter.push(text);
    const complete = splitter.end();
    const items = values.map((v, i) => classify(file, i, v));
    if (!complete) items.push({ kind: "malformed", value: { file, index: values.length, reason: "truncated JSON at end of file" } });
    else if (items.length === 0) items.push({ kind: "malformed", value: { file, reason: "no JSON record in file" } });
    return items;
  }
  if (typeof doc === "object" && doc !== null && !Array.isArray(doc) && Array.isArray((doc as { Records?: unknown }).Records)) {
    return ((doc as { Records: unknown[] }).Records).map((r, i) => classifyValue(file, i, r));
  }
  return [classifyValue(file, 0, doc)];
}

function classify(file: string, index: number, text: string): StreamItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: "malformed", value: { file, index, reason: `invalid JSON: ${(err as Error).message}` } };
  }
  return classifyValue(file, index, value);
}

function classifyValue(file: string, index: number, value: unknown): StreamItem {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "malformed", value: { file, index, reason: "not a JSON object" } };
  }
  const obj = value as Record<string, unknown>;
  if (typeof obj["detail-type"] === "string" && typeof obj.detail === "object" && obj.detail !== null) {
    return { kind: "record", value: { file, index, record: obj.detail as Record<string, unknown>, envelope: obj } };
  }
  if (typeof obj.eventName !== "string" || typeof obj.eventSource !== "string") {
    return { kind: "malformed", value: { file, index, reason: "not a CloudTrail record (needs eventName and eventSource)" } };
  }
  return { kind: "record", value: { file, index, record: obj } };
}

/** Streams every record of every input path in order, a batch at a time. */
export async function* batchesOf(paths: readonly string[], wholeFileLimit = WHOLE_FILE_PARSE_LIMIT): AsyncGenerator<StreamItem[]> {
  for (const p of paths) {
    let files: string[];
    try {
      files = inputFiles(p);
    } catch (err) {
      yield [{ kind: "malformed", value: { file: p, reason: `unreadable: ${(err as Error).message}` } }];
      continue;
    }
    for (const f of files) yield* batchesOfFile(f, wholeFileLimit);
  }
}

/** Streams every record of every input path in order. */
export async function* recordsOf(paths: readonly string[], wholeFileLimit = WHOLE_FILE_PARSE_LIMIT): AsyncGenerator<StreamItem> {
  for await (const batch of batchesOf(paths, wholeFileLimit)) yield* batch;
}
