/**
 * Streams CloudTrail records out of files without loading a whole file: single-record JSON, CloudTrail log files
 * (`{"Records":[…]}`, gzipped as CloudTrail writes them to S3), JSON Lines, EventBridge envelopes, and
 * directory trees of those. Each record is parsed on its own; a malformed one is reported and skipped.
 * Given a QuickScanner, CloudTrail log files are read by a quick scan instead: records that nothing can match are
 * validated and skipped without being parsed. Pure Node: no cdktf imports.
 */
import { createReadStream, readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline, Readable } from "node:stream";
import { promisify } from "node:util";
import { createGunzip, gunzip, ZlibOptions } from "node:zlib";

const gunzipAsync = promisify(gunzip) as (buffer: Buffer, options: ZlibOptions) => Promise<Buffer>;

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

/**
 * A record the quick scan validated but did not parse, because no filter or rule can match its eventSource and
 * eventName: it keeps what the trail's delivery and the alarm model's minutes depend on, with the values the
 * parsed record would give isReadOnly and trailDelivers.
 */
export interface SkippedRecord {
  readonly file: string;
  readonly index: number;
  readonly eventSource: string;
  readonly eventName: string;
  /** The record's eventTime, when it is a string. */
  readonly eventTime?: string;
  /** The record's readOnly when it is true, false, "true" or "false" (as a boolean). */
  readonly readOnly?: boolean;
  /** The record's managementEvent when it is true or false. */
  readonly managementEvent?: boolean;
  /** The record's eventCategory when it is a string. */
  readonly eventCategory?: string;
}

export type StreamItem =
  | { kind: "record"; value: StreamedRecord }
  | { kind: "malformed"; value: Malformed }
  /** Only from a QuickScanner without onSkipped (see batchesOfFile). */
  | { kind: "skipped"; value: SkippedRecord };

/** Whether a record with this eventSource and eventName could match anything, so that it needs a full parse. */
export type Relevance = (eventSource: string, eventName: string) => boolean;

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

  /**
   * `inside` starts the splitter inside a `{"Records":[` wrapper, as if it had read it: at depth 2 between two
   * records, or at depth 1 after the array closed. The quick scan hands a file over this way when it meets
   * something it does not read itself.
   */
  constructor(
    private readonly onValue: (text: string) => void,
    inside?: { depth: 1 | 2 },
  ) {
    if (inside) {
      this.depth = inside.depth;
      this.emitDepth = 2;
      this.decided = true;
    }
  }

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

/**
 * Streams the records of one file, a batch at a time. With a quick scanner, a CloudTrail log file
 * (`{"Records":[…]}`) is read by the quick scan: records nothing can match come as `skipped` items (or go to the
 * scanner's onSkipped), the rest as parsed records, and otherwise the items are those the full parse gives.
 */
export async function* batchesOfFile(
  file: string,
  wholeFileLimit = WHOLE_FILE_PARSE_LIMIT,
  scanner?: QuickScanner,
  opened: OpenedFile = openFile(file),
): AsyncGenerator<StreamItem[]> {
  const { source } = opened;
  const buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let splitter: JsonValueSplitter | undefined;
  let quick: QuickStream | undefined;
  const values: string[] = [];
  let index = 0;
  const decoder = new TextDecoder("utf-8");
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (quick) {
        const items = quick.push(chunk);
        if (items.length > 0) yield items;
        continue;
      }
      if (!splitter) {
        buffered.push(chunk);
        bufferedBytes += chunk.length;
        if (bufferedBytes <= wholeFileLimit) continue;
        const head = new TextDecoder("utf-8").decode(buffered[0].subarray(0, 4096), { stream: true });
        const notJson = notJsonReason(head);
        if (notJson) {
          opened.close();
          yield [{ kind: "malformed", value: { file, reason: notJson } }];
          return;
        }
        const first = buffered.length === 1 ? buffered[0] : Buffer.concat(buffered.splice(0));
        if (scanner && QuickStream.opens(first)) {
          buffered.length = 0;
          quick = new QuickStream(scanner, file);
          const items = quick.push(first.subarray(QUICK_WRAPPER_LENGTH));
          if (items.length > 0) yield items;
          continue;
        }
        splitter = new JsonValueSplitter((text) => values.push(text));
        splitter.push(decoder.decode(first, { stream: true }));
        buffered.length = 0;
      } else {
        splitter.push(decoder.decode(chunk, { stream: true }));
      }
      if (values.length > 0) yield values.splice(0).map((text) => classify(file, index++, text));
    }
  } catch (err) {
    yield [{ kind: "malformed", value: { file, reason: `unreadable: ${(err as Error).message}` } }];
    return;
  }
  if (quick) {
    const { items, complete } = quick.end();
    if (!complete) items.push({ kind: "malformed", value: { file, index: quick.index, reason: "truncated JSON at end of file" } });
    else if (quick.index === 0) items.push({ kind: "malformed", value: { file, reason: "no JSON record in file" } });
    yield items;
    return;
  }
  if (!splitter) {
    const whole = buffered.length === 1 ? buffered[0] : scanner ? scanner.join(buffered) : Buffer.concat(buffered);
    const items = scanner?.wholeFile(whole, file);
    yield items ?? wholeFile(file, whole.toString("utf8"));
    return;
  }
  const complete = splitter.end();
  const tail: StreamItem[] = values.splice(0).map((text) => classify(file, index++, text));
  if (!complete) tail.push({ kind: "malformed", value: { file, index, reason: "truncated JSON at end of file" } });
  else if (index === 0) tail.push({ kind: "malformed", value: { file, reason: "no JSON record in file" } });
  yield tail;
}

/** A file being read: its bytes, inflated when gzipped. */
export interface OpenedFile {
  readonly source: Readable;
  /** Stops reading. */
  readonly close: () => void;
}

/** Read and inflate chunks: large, so there are few buffers to allocate, concatenate and collect. */
const READ_CHUNK = 1 << 20;
/** A gzipped file up to this size is read and inflated in one piece; a larger one streams. */
const ONE_PIECE_LIMIT = 4 << 20;

/**
 * Starts reading a file. A gzipped CloudTrail log file (a few hundred kilobytes) is read and inflated in one piece
 * on libuv's pool as soon as it is opened, so opening the next file while reading this one overlaps the two, and
 * the inflated bytes come as one buffer; a larger file streams. Errors (unreadable file, bad gzip) come out of
 * `source` when it is read, and the bytes that come before them are those streamFile gives.
 */
export function openFile(file: string): OpenedFile {
  if (!/\.gz$/i.test(file)) return streamFile(file);
  let size = Infinity;
  try {
    size = statSync(file).size;
  } catch {
    // Reading it says why.
  }
  if (size > ONE_PIECE_LIMIT) return streamFile(file);
  const compressed = readFile(file);
  const inflated = compressed.then(
    (gz) => {
      // The gzip trailer gives the inflated size (of the last member, modulo 4 GB): one output chunk when it is right.
      const size = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
      const chunkSize = Math.min(Math.max(size + 1, 64 * 1024), 64 << 20);
      return gunzipAsync(gz, { chunkSize }).then(
        (bytes) => ({ bytes }),
        () => ({ gz }), // damaged: streamed below, so that what comes before the error is what streaming gives
      );
    },
    (error: unknown) => ({ error }),
  );
  let closed = false;
  const source = Readable.from(
    (async function* () {
      const r = await inflated;
      if (closed) return;
      if ("error" in r) throw r.error;
      if ("bytes" in r) {
        if (r.bytes.length > 0) yield r.bytes;
        return;
      }
      // The compressed bytes in the chunks a file stream reads, inflated as streamFile inflates them.
      const chunks = (function* () {
        for (let at = 0; at < r.gz.length; at += READ_CHUNK) yield r.gz.subarray(at, at + READ_CHUNK);
      })();
      yield* Readable.from(chunks, { objectMode: false }).pipe(createGunzip({ chunkSize: READ_CHUNK, readableHighWaterMark: 8 << 20 } as ZlibOptions));
    })(),
    { objectMode: false },
  );
  return {
    source,
    close: () => {
      closed = true;
      source.destroy();
    },
  };
}

/** Reads a file as a stream, inflating it when gzipped (on libuv's pool, a few megabytes ahead of the reader). */
export function streamFile(file: string): OpenedFile {
  const raw = createReadStream(file, { highWaterMark: READ_CHUNK });
  if (!/\.gz$/i.test(file)) return { source: raw, close: () => raw.destroy() };
  const gunzip = createGunzip({ chunkSize: READ_CHUNK, readableHighWaterMark: 8 << 20 } as ZlibOptions);
  pipeline(raw, gunzip, () => undefined);
  return {
    source: gunzip,
    close: () => {
      gunzip.destroy();
      raw.destroy();
    },
  };
}

/** Reads files one after another, the next one opened (and inflating) while the current one is read. */
export async function* batchesOfFiles(files: readonly string[], wholeFileLimit = WHOLE_FILE_PARSE_LIMIT, scanner?: QuickScanner): AsyncGenerator<[number, StreamItem[]]> {
  let next = files.length > 0 ? openFile(files[0]) : undefined;
  try {
    for (let k = 0; k < files.length; k++) {
      const current = next!;
      next = k + 1 < files.length && /\.gz$/i.test(files[k + 1]) ? openFile(files[k + 1]) : undefined;
      for await (const batch of batchesOfFile(files[k], wholeFileLimit, scanner, current)) yield [k, batch];
      if (!next && k + 1 < files.length) next = openFile(files[k + 1]);
    }
  } finally {
    next?.close();
  }
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
export async function* batchesOf(paths: readonly string[], wholeFileLimit = WHOLE_FILE_PARSE_LIMIT, scanner?: QuickScanner): AsyncGenerator<StreamItem[]> {
  for (const p of paths) {
    let files: string[];
    try {
      files = inputFiles(p);
    } catch (err) {
      yield [{ kind: "malformed", value: { file: p, reason: `unreadable: ${(err as Error).message}` } }];
      continue;
    }
    for await (const [, batch] of batchesOfFiles(files, wholeFileLimit, scanner)) yield batch;
  }
}

/** Streams every record of every input path in order. */
export async function* recordsOf(paths: readonly string[], wholeFileLimit = WHOLE_FILE_PARSE_LIMIT, scanner?: QuickScanner): AsyncGenerator<StreamItem> {
  for await (const batch of batchesOf(paths, wholeFileLimit, scanner)) yield* batch;
}

// ------------------------------------------------------------------------------------------------ quick scan

/*
 * The quick scan reads a CloudTrail log file's bytes once, validating every record as JSON.parse would (strings,
 * escapes, numbers, literals, nesting), and notes the record's top-level eventSource, eventName, eventTime,
 * readOnly, managementEvent and eventCategory on the way. A record whose eventSource and eventName nothing can
 * match is then skipped without building its object; every other record is parsed as before. Whenever the scan
 * is unsure — an escaped key or value where it reads one, an EventBridge envelope, a value that is not an object,
 * anything JSON.parse would reject — the record, or the rest of the file, takes the full-parse path, so results
 * are those of the full parse.
 */

const NEED_MORE = -2;
const INVALID = -1;

// Fields read at the top level of a record.
const F_SOURCE = 0;
const F_NAME = 1;
const F_TIME = 2;
const F_READ_ONLY = 3;
const F_MANAGEMENT = 4;
const F_CATEGORY = 5;
const F_DETAIL_TYPE = 6;
const FIELDS = 7;
// Kinds of value a field holds (the last one wins, as in JSON.parse).
const V_ABSENT = 0;
const V_STRING = 1;
const V_TRUE = 2;
const V_FALSE = 3;
const V_OTHER = 4;

// Where a QuickStream is in the Records wrapper.
const S_OBJ_OPEN = 0; // the array closed: the wrapper's `}` is next
const S_KEY = 1; // the wrapper closed: only whitespace may follow
const S_VALUE = 2; // after a comma: a record is next
const S_ARR_OPEN = 3; // after `[`: a record or `]`
const S_AFTER = 4; // after a record: `,` or `]`

const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const K_EVENT_SOURCE = bytesOf("eventSource");
const K_DETAIL_TYPE = bytesOf("detail-type");
const K_EVENT_NAME = bytesOf("eventName");
const K_EVENT_TIME = bytesOf("eventTime");
const K_READ_ONLY = bytesOf("readOnly");
const K_MANAGEMENT = bytesOf("managementEvent");
const K_CATEGORY = bytesOf("eventCategory");
const RECORDS_WRAPPER = bytesOf('{"Records":[');
const QUICK_WRAPPER_LENGTH = RECORDS_WRAPPER.length;
/**
 * Where a CloudTrail log file's next record most likely starts: CloudTrail writes compact records, each beginning
 * with eventVersion. A cut there is only a guess, which QuickScanner.batch checks.
 */
export const RECORD_BOUNDARY_HINT = Buffer.from('},{"eventVersion":');
/** The bytes of RECORD_BOUNDARY_HINT before the record's `{`. */
export const RECORD_BOUNDARY_OFFSET = 2;
export { QUICK_WRAPPER_LENGTH };
/** A record still incomplete after this many bytes is left to the splitter (CloudTrail records are far smaller). */
const QUICK_RECORD_LIMIT = 8 * 1024 * 1024;

/** Escapes JSON allows after a backslash, other than \u. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
const HEX_DIGIT = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX_DIGIT[c.charCodeAt(0)] = 1;

function sameBytes(b: Uint8Array, at: number, key: Uint8Array): boolean {
  for (let k = 0; k < key.length; k++) if (b[at + k] !== key[k]) return false;
  return true;
}

/** The field a top-level key names, or -1; most keys are told apart by their first bytes. */
function fieldOf(b: Uint8Array, at: number, length: number): number {
  switch (b[at]) {
    case 101 /* e */:
      if (b[at + 1] !== 118 /* v */) return -1;
      switch (length) {
        case 9:
          return sameBytes(b, at, K_EVENT_NAME) ? F_NAME : sameBytes(b, at, K_EVENT_TIME) ? F_TIME : -1;
        case 11:
          return sameBytes(b, at, K_EVENT_SOURCE) ? F_SOURCE : -1;
        case 13:
          return sameBytes(b, at, K_CATEGORY) ? F_CATEGORY : -1;
        default:
          return -1;
      }
    case 114 /* r */:
      return length === 8 && sameBytes(b, at, K_READ_ONLY) ? F_READ_ONLY : -1;
    case 109 /* m */:
      return length === 15 && sameBytes(b, at, K_MANAGEMENT) ? F_MANAGEMENT : -1;
    case 100 /* d */:
      return length === 11 && sameBytes(b, at, K_DETAIL_TYPE) ? F_DETAIL_TYPE : -1;
    default:
      return -1;
  }
}

/** Whether the last string stringEnd read held an escape. */
let stringEscaped = false;

/**
 * The position of the quote closing the string whose text starts at `b[j]`: NEED_MORE when `b` (of length
 * `end`) ends first, INVALID for a control character or a bad escape. Plain bytes are skipped four at a time.
 */
function stringEnd(b: Uint8Array, j: number, end: number): number {
  stringEscaped = false;
  for (;;) {
    let c: number;
    for (;;) {
      // Any byte but `"`, `\` and controls (below 0x20) is text; `!(c > 34 && c !== 92)` also stops past the end.
      c = b[j];
      if (!(c > 34 && c !== 92)) break;
      c = b[j + 1];
      if (!(c > 34 && c !== 92)) {
        j += 1;
        break;
      }
      c = b[j + 2];
      if (!(c > 34 && c !== 92)) {
        j += 2;
        break;
      }
      c = b[j + 3];
      if (!(c > 34 && c !== 92)) {
        j += 3;
        break;
      }
      j += 4;
    }
    if (j >= end) return NEED_MORE;
    if (c === 34) return j;
    if (c === 92) {
      stringEscaped = true;
      if (j + 1 >= end) return NEED_MORE;
      const e = b[j + 1];
      if (SIMPLE_ESCAPE[e] === 1) j += 2;
      else if (e !== 117 /* u */) return INVALID;
      else {
        if (j + 6 > end) return NEED_MORE;
        for (let k = j + 2; k < j + 6; k++) if (HEX_DIGIT[b[k]] === 0) return INVALID;
        j += 6;
      }
      continue;
    }
    if (c < 32) return INVALID;
    j++; // a space or `!`
  }
}

/** Nesting the scan follows; deeper values are left to JSON.parse (the scan says INVALID, the caller falls back). */
const MAX_DEPTH = 512;

/** The position after JSON whitespace from `b[i]` (reading past the end stops it). */
function skipWsFrom(b: Uint8Array, i: number): number {
  let c = b[i];
  while (c === 32 || c === 10 || c === 13 || c === 9) c = b[++i];
  return i;
}

/** The position after the JSON value at `b[i]`, NEED_MORE or INVALID; `depth` counts the containers around it. */
function valueEnd(b: Uint8Array, i: number, end: number, depth: number): number {
  const c = b[i];
  if (c === 34) {
    const j = stringEnd(b, i + 1, end);
    return j < 0 ? j : j + 1;
  }
  if (c === 123) return depth >= MAX_DEPTH ? INVALID : objectEnd(b, i, end, depth + 1);
  if (c === 91) return depth >= MAX_DEPTH ? INVALID : arrayEnd(b, i, end, depth + 1);
  if (c === 116 /* true */) {
    if (i + 4 > end) return NEED_MORE;
    return b[i + 1] === 114 && b[i + 2] === 117 && b[i + 3] === 101 ? i + 4 : INVALID;
  }
  if (c === 102 /* false */) {
    if (i + 5 > end) return NEED_MORE;
    return b[i + 1] === 97 && b[i + 2] === 108 && b[i + 3] === 115 && b[i + 4] === 101 ? i + 5 : INVALID;
  }
  if (c === 110 /* null */) {
    if (i + 4 > end) return NEED_MORE;
    return b[i + 1] === 117 && b[i + 2] === 108 && b[i + 3] === 108 ? i + 4 : INVALID;
  }
  return numberEnd(b, i, end);
}

/** A number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? — one that reaches the end of `b` may go on. */
function numberEnd(b: Uint8Array, i: number, end: number): number {
  let c = b[i];
  if (c === 45 /* - */) c = b[++i];
  if (c === 48) c = b[++i];
  else if (c >= 49 && c <= 57) {
    do c = b[++i];
    while (c >= 48 && c <= 57);
  } else return i >= end ? NEED_MORE : INVALID;
  if (c === 46 /* . */) {
    c = b[++i];
    if (!(c >= 48 && c <= 57)) return i >= end ? NEED_MORE : INVALID;
    do c = b[++i];
    while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69 /* e E */) {
    c = b[++i];
    if (c === 43 || c === 45) c = b[++i];
    if (!(c >= 48 && c <= 57)) return i >= end ? NEED_MORE : INVALID;
    do c = b[++i];
    while (c >= 48 && c <= 57);
  }
  return i >= end ? NEED_MORE : i;
}

function objectEnd(b: Uint8Array, i: number, end: number, depth: number): number {
  i = skipWsFrom(b, i + 1);
  if (b[i] === 125) return i + 1;
  for (;;) {
    if (b[i] !== 34) return i >= end ? NEED_MORE : INVALID;
    const k = stringEnd(b, i + 1, end);
    if (k < 0) return k;
    i = k + 1;
    if (b[i] !== 58) {
      i = skipWsFrom(b, i);
      if (b[i] !== 58) return i >= end ? NEED_MORE : INVALID;
    }
    i++;
    if (b[i] <= 32) i = skipWsFrom(b, i);
    const v = valueEnd(b, i, end, depth);
    if (v < 0) return v;
    i = v;
    let c = b[i];
    if (c <= 32) c = b[(i = skipWsFrom(b, i))];
    if (c === 44) {
      i++;
      if (b[i] <= 32) i = skipWsFrom(b, i);
      continue;
    }
    if (c === 125) return i + 1;
    return i >= end ? NEED_MORE : INVALID;
  }
}

function arrayEnd(b: Uint8Array, i: number, end: number, depth: number): number {
  i = skipWsFrom(b, i + 1);
  if (b[i] === 93) return i + 1;
  for (;;) {
    const v = valueEnd(b, i, end, depth);
    if (v < 0) return v;
    i = v;
    let c = b[i];
    if (c <= 32) c = b[(i = skipWsFrom(b, i))];
    if (c === 44) {
      i++;
      if (b[i] <= 32) i = skipWsFrom(b, i);
      continue;
    }
    if (c === 93) return i + 1;
    return i >= end ? NEED_MORE : INVALID;
  }
}

/** Whether a byte is JSON whitespace. */
const isWs = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

function skipWs(b: Uint8Array, i: number, end: number): number {
  while (i < end && isWs(b[i])) i++;
  return i;
}

interface Interned {
  readonly bytes: Uint8Array;
  readonly text: string;
  /** A small number naming the string among those interned. */
  readonly id: number;
}

/** Short ASCII strings (event sources, names, categories) decoded once and shared. */
class Interner {
  private readonly table = new Map<number, Interned[]>();
  private size = 0;

  /** The string of bytes [s, e), or undefined when they are not all ASCII. */
  get(b: Uint8Array, s: number, e: number): Interned | undefined {
    const length = e - s;
    // A hash of the length and up to eight bytes spread over the string; the bucket's entries are compared whole.
    let h = length;
    const step = length > 8 ? length >> 3 : 1;
    for (let k = s; k < e; k += step) h = (Math.imul(h, 31) + b[k]) | 0;
    const bucket = this.table.get(h);
    if (bucket) {
      for (const x of bucket) if (x.bytes.length === length && sameBytes(b, s, x.bytes)) return x;
    }
    for (let k = s; k < e; k++) if (b[k] >= 128) return undefined;
    if (this.size >= 1 << 14) {
      this.table.clear(); // a bounded vocabulary; start over rather than grow with hostile input
      this.size = 0;
    }
    const entry: Interned = { bytes: Uint8Array.prototype.slice.call(b, s, e), text: Buffer.from(b.buffer, b.byteOffset + s, length).toString("latin1"), id: this.size++ };
    if (bucket) bucket.push(entry);
    else this.table.set(h, [entry]);
    return entry;
  }
}

/** What QuickScanner.skipped returns for a record onSkipped took: no item. */
const SKIPPED_ELSEWHERE: SkippedRecord = Object.freeze({ file: "", index: -1, eventSource: "", eventName: "" });

/** A skipped record's fields, reused from one record to the next when they go to onSkipped. */
interface MutableSkipped {
  file: string;
  index: number;
  eventSource: string;
  eventName: string;
  eventTime?: string;
  readOnly?: boolean;
  managementEvent?: boolean;
  eventCategory?: string;
}

/**
 * Validates records byte by byte and reads their top-level fields (see the section comment above). One scanner
 * serves every file a thread reads, keeping what it learnt (decoded names, relevance answers).
 */
export class QuickScanner {
  private readonly kind = new Uint8Array(FIELDS);
  private readonly start = new Int32Array(FIELDS);
  private readonly end = new Int32Array(FIELDS);
  private readonly escaped = new Uint8Array(FIELDS);
  /** A top-level key was escaped: it could be any field. */
  private unsure = false;
  private readonly names = new Interner();
  /** relevance's answers by the ids of eventSource and eventName. */
  private readonly verdicts = new Map<number, boolean>();
  /** The last eventTime read, shared by the records of the same second. */
  private lastTime = "";
  private readonly lastTimeBytes = new Uint8Array(32);
  private readonly decoder = new TextDecoder("utf-8", { ignoreBOM: true });

  private readonly scratch: MutableSkipped = { file: "", index: 0, eventSource: "", eventName: "" };

  /**
   * @param relevance which records need the full parse
   * @param onSkipped takes skipped records as they are read, instead of as items; the object passed is reused for
   *   the next record. The items keep their order, but a skipped record reaches onSkipped before the batch holding
   *   the items read before it.
   */
  constructor(
    private readonly relevance: Relevance,
    private readonly onSkipped?: (record: SkippedRecord) => void,
  ) {}

  /**
   * Validates the record starting at `b[i]` (a `{`) and notes its top-level fields: the position after it,
   * NEED_MORE when `b` (of length `end`) ends inside it, or INVALID when JSON.parse would reject it (or it nests
   * deeper than the scan follows).
   */
  scan(b: Uint8Array, i: number, end: number): number {
    const kind = this.kind;
    kind.fill(V_ABSENT);
    this.unsure = false;
    i = skipWsFrom(b, i + 1);
    if (b[i] === 125 /* } */) return i + 1;
    for (;;) {
      if (b[i] !== 34) return i >= end ? NEED_MORE : INVALID;
      const k = stringEnd(b, i + 1, end);
      if (k < 0) return k;
      let field = -1;
      if (stringEscaped) this.unsure = true; // an escaped key could be any field
      else field = fieldOf(b, i + 1, k - i - 1);
      i = k + 1;
      let c = b[i];
      if (c !== 58 /* : */) {
        i = skipWsFrom(b, i);
        if (b[i] !== 58) return i >= end ? NEED_MORE : INVALID;
      }
      i++;
      c = b[i];
      if (c <= 32) c = b[(i = skipWsFrom(b, i))];
      let v: number;
      if (field < 0) v = valueEnd(b, i, end, 1);
      else if (c === 34) {
        v = stringEnd(b, i + 1, end);
        if (v < 0) return v;
        kind[field] = V_STRING;
        this.start[field] = i + 1;
        this.end[field] = v;
        this.escaped[field] = stringEscaped ? 1 : 0;
        v++;
      } else {
        kind[field] = c === 116 ? V_TRUE : c === 102 ? V_FALSE : V_OTHER;
        v = valueEnd(b, i, end, 1);
      }
      if (v < 0) return v;
      i = v;
      c = b[i];
      if (c <= 32) c = b[(i = skipWsFrom(b, i))];
      if (c === 44 /* , */) {
        i++;
        if (b[i] <= 32) i = skipWsFrom(b, i);
        continue;
      }
      if (c === 125) return i + 1;
      return i >= end ? NEED_MORE : INVALID;
    }
  }

  /** A field's string value, when it is one without escapes and in ASCII. */
  private text(b: Uint8Array, field: number): Interned | undefined {
    if (this.kind[field] !== V_STRING || this.escaped[field] === 1) return undefined;
    return this.names.get(b, this.start[field], this.end[field]);
  }

  /**
   * After a successful scan: the record skipped (SKIPPED_ELSEWHERE when onSkipped took it), or undefined when it
   * needs the full parse (it can match something, or the scan cannot be sure what the parse would give).
   */
  skipped(b: Uint8Array, file: string, index: number): SkippedRecord | undefined {
    const kind = this.kind;
    if (this.unsure || kind[F_DETAIL_TYPE] !== V_ABSENT) return undefined;
    const source = this.text(b, F_SOURCE);
    const name = this.text(b, F_NAME);
    if (source === undefined || name === undefined) return undefined;
    const pair = source.id * (1 << 14) + name.id;
    let relevant = this.verdicts.get(pair);
    if (relevant === undefined) {
      if (this.verdicts.size >= 1 << 16) this.verdicts.clear();
      this.verdicts.set(pair, (relevant = this.relevance(source.text, name.text)));
    }
    if (relevant) return undefined;

    let eventTime: string | undefined;
    if (kind[F_TIME] === V_STRING) {
      if (this.escaped[F_TIME] === 1) return undefined;
      eventTime = this.timeText(b, this.start[F_TIME], this.end[F_TIME]);
      if (eventTime === undefined) return undefined;
    }
    let readOnly: boolean | undefined;
    const ro = kind[F_READ_ONLY];
    if (ro === V_TRUE || ro === V_FALSE) readOnly = ro === V_TRUE;
    else if (ro === V_STRING) {
      const t = this.text(b, F_READ_ONLY);
      if (t === undefined) return undefined;
      if (t.text === "true" || t.text === "false") readOnly = t.text === "true";
    }
    const me = kind[F_MANAGEMENT];
    const managementEvent = me === V_TRUE ? true : me === V_FALSE ? false : undefined;
    let eventCategory: string | undefined;
    if (kind[F_CATEGORY] === V_STRING) {
      const t = this.text(b, F_CATEGORY);
      if (t === undefined) return undefined;
      eventCategory = t.text;
    }
    if (!this.onSkipped) return { file, index, eventSource: source.text, eventName: name.text, eventTime, readOnly, managementEvent, eventCategory };
    if (this.deferring) {
      // Held until the whole file proved readable by the scan (see wholeFile).
      const d = this.deferred;
      d.index.push(index);
      d.eventSource.push(source.text);
      d.eventName.push(name.text);
      d.eventTime.push(eventTime);
      d.readOnly.push(readOnly);
      d.managementEvent.push(managementEvent);
      d.eventCategory.push(eventCategory);
      return SKIPPED_ELSEWHERE;
    }
    this.take(file, index, source.text, name.text, eventTime, readOnly, managementEvent, eventCategory);
    return SKIPPED_ELSEWHERE;
  }

  private take(file: string, index: number, eventSource: string, eventName: string, eventTime?: string, readOnly?: boolean, managementEvent?: boolean, eventCategory?: string): void {
    const r = this.scratch;
    r.file = file;
    r.index = index;
    r.eventSource = eventSource;
    r.eventName = eventName;
    r.eventTime = eventTime;
    r.readOnly = readOnly;
    r.managementEvent = managementEvent;
    r.eventCategory = eventCategory;
    this.onSkipped!(r);
  }

  /** Whether skipped records wait in `deferred` instead of going to onSkipped. */
  private deferring = false;
  /** Skipped records of the file being read whole, column by column (reused from file to file). */
  private readonly deferred = {
    index: [] as number[],
    eventSource: [] as string[],
    eventName: [] as string[],
    eventTime: [] as (string | undefined)[],
    readOnly: [] as (boolean | undefined)[],
    managementEvent: [] as (boolean | undefined)[],
    eventCategory: [] as (string | undefined)[],
  };

  /** Passes the deferred records to onSkipped (when `pass`), then forgets them. */
  private settle(file: string, pass: boolean): void {
    const d = this.deferred;
    if (pass) {
      for (let k = 0; k < d.index.length; k++) {
        this.take(file, d.index[k], d.eventSource[k], d.eventName[k], d.eventTime[k], d.readOnly[k], d.managementEvent[k], d.eventCategory[k]);
      }
    }
    for (const column of Object.values(d)) column.length = 0;
    this.deferring = false;
  }

  /** An ASCII eventTime; records of the same second share the string. */
  private timeText(b: Uint8Array, s: number, e: number): string | undefined {
    const length = e - s;
    const last = this.lastTimeBytes;
    if (length === this.lastTime.length && length <= last.length) {
      let same = true;
      for (let k = 0; k < length; k++) {
        if (b[s + k] !== last[k]) {
          same = false;
          break;
        }
      }
      if (same) return this.lastTime;
    }
    for (let k = s; k < e; k++) if (b[k] >= 128) return undefined;
    const text = Buffer.from(b.buffer, b.byteOffset + s, length).toString("latin1");
    if (length <= last.length) {
      last.set(b.subarray(s, e));
      this.lastTime = text;
    }
    return text;
  }

  /** The record `b[s, e)` parsed in full, as the splitter's path would. */
  parsed(b: Buffer, s: number, e: number, file: string, index: number): StreamItem {
    return classify(file, index, this.decoder.decode(b.subarray(s, e)));
  }

  private joined: Buffer = Buffer.alloc(0);

  /**
   * Chunks joined in a buffer the scanner keeps for the next file, valid until the next call: reading many log
   * files then allocates nothing per file (fresh buffers would each hold memory until a full garbage collection).
   */
  join(chunks: readonly Buffer[]): Buffer {
    let length = 0;
    for (const c of chunks) length += c.length;
    if (this.joined.length < length) this.joined = Buffer.allocUnsafeSlow(Math.max(length, 2 * this.joined.length));
    let at = 0;
    for (const c of chunks) at += c.copy(this.joined, at);
    return this.joined.subarray(0, length);
  }

  /**
   * A run of records cut from a Records array at record boundaries: `b` must hold whole records, each followed by
   * a comma (whitespace allowed). Items are numbered from 0. `ok` is false when `b` is not exactly that (a cut
   * that was not a record boundary, a record JSON.parse would reject, the array's end): the caller then reads
   * these bytes with a QuickStream instead, and drops what this returned (onSkipped included).
   */
  batch(b: Buffer, file: string): { items: StreamItem[]; count: number; ok: boolean } {
    const end = b.length;
    const items: StreamItem[] = [];
    let index = 0;
    let i = skipWs(b, 0, end);
    while (i < end) {
      if (b[i] !== 123) return { items, count: index, ok: false };
      const e = this.scan(b, i, end);
      if (e < 0) return { items, count: index, ok: false };
      const skipped = this.skipped(b, file, index);
      if (!skipped) items.push(this.parsed(b, i, e, file, index));
      else if (skipped !== SKIPPED_ELSEWHERE) items.push({ kind: "skipped", value: skipped });
      index++;
      i = skipWs(b, e, end);
      if (b[i] !== 44) return { items, count: index, ok: false };
      i = skipWs(b, i + 1, end);
    }
    return { items, count: index, ok: true };
  }

  /**
   * A whole `{"Records":[…]}` file, or undefined when the file is anything else or anything in it would make
   * JSON.parse fail: the whole-file parse then reads it, as without the scan.
   */
  wholeFile(b: Buffer, file: string): StreamItem[] | undefined {
    this.deferring = true;
    const items = this.wholeFileItems(b, file);
    this.settle(file, items !== undefined);
    return items;
  }

  private wholeFileItems(b: Buffer, file: string): StreamItem[] | undefined {
    const end = b.length;
    let i = skipWs(b, 0, end);
    if (!sameBytes(b, i, RECORDS_WRAPPER)) return undefined;
    i = skipWs(b, i + RECORDS_WRAPPER.length, end);
    const items: StreamItem[] = [];
    let index = 0;
    if (b[i] !== 93 /* ] */) {
      for (;; index++) {
        if (b[i] !== 123) return undefined;
        const e = this.scan(b, i, end);
        if (e < 0) return undefined;
        const skipped = this.skipped(b, file, index);
        if (skipped) {
          if (skipped !== SKIPPED_ELSEWHERE) items.push({ kind: "skipped", value: skipped });
        } else {
          try {
            items.push(classifyValue(file, index, JSON.parse(b.toString("utf8", i, e))));
          } catch {
            return undefined; // stricter than the scan: the whole-file parse decides
          }
        }
        i = skipWs(b, e, end);
        if (b[i] === 44 /* , */) {
          i = skipWs(b, i + 1, end);
          continue;
        }
        if (b[i] === 93) break;
        return undefined;
      }
    }
    i = skipWs(b, i + 1, end);
    if (b[i] !== 125 /* } */) return undefined;
    if (skipWs(b, i + 1, end) !== end) return undefined;
    return items;
  }
}

/**
 * Streams a large `{"Records":[…]}` file through a quick scanner, a chunk at a time. Where the scan stops being
 * sure (or the file ends early) the rest of the file goes through a JsonValueSplitter started in the same place,
 * so every item is what the splitter's path gives.
 */
export class QuickStream {
  /**
   * Holds the bytes not yet consumed (at most one partial record) followed by the newest chunk; reused from chunk to
   * chunk, so reading a large file allocates no buffer of its own after the first.
   */
  private work: Buffer = Buffer.alloc(0);
  /** Bytes at the start of `work` left from the previous chunk. */
  private pendingLength = 0;
  private state = S_ARR_OPEN;
  private splitter?: JsonValueSplitter;
  private readonly values: string[] = [];
  /** Decodes what the splitter reads from the middle of the file: a U+FEFF there is text, not a byte order mark. */
  private readonly decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  /** Records (and values) emitted so far. */
  index = 0;
  private done = false;

  /**
   * Starts just after the wrapper's `[`, or with `resume`, just after the comma that follows record `index - 1`
   * (when the records before it were read elsewhere: see QuickScanner.batch).
   */
  constructor(
    private readonly scanner: QuickScanner,
    private readonly file: string,
    resume?: { index: number },
  ) {
    if (resume) {
      this.index = resume.index;
      this.state = S_VALUE;
    }
  }

  /** Whether a file's first bytes open a Records wrapper in the form the quick scan follows. */
  static opens(head: Buffer): boolean {
    return head.length >= RECORDS_WRAPPER.length && sameBytes(head, 0, RECORDS_WRAPPER);
  }

  /** Feeds bytes (the first call starts just after the wrapper's `[`); returns the items they complete. */
  push(chunk: Buffer): StreamItem[] {
    if (this.splitter) {
      this.splitter.push(this.decoder.decode(chunk, { stream: true }));
      return this.drain();
    }
    let b: Buffer;
    const inWork = this.pendingLength > 0;
    if (!inWork) b = chunk;
    else {
      const length = this.pendingLength + chunk.length;
      if (this.work.length < length) {
        const grown = Buffer.allocUnsafe(Math.max(length, this.work.length * 2));
        this.work.copy(grown, 0, 0, this.pendingLength);
        this.work = grown;
      }
      chunk.copy(this.work, this.pendingLength);
      b = this.work.subarray(0, length);
    }
    const end = b.length;
    const items: StreamItem[] = [];
    let i = 0;
    for (;;) {
      i = skipWs(b, i, end);
      if (i >= end) break;
      const c = b[i];
      if (this.state === S_ARR_OPEN || this.state === S_VALUE) {
        if (c === 93 && this.state === S_ARR_OPEN) {
          this.state = S_OBJ_OPEN; // the array closed: the wrapper's `}` is next
          i++;
          continue;
        }
        if (c !== 123) return this.handOver(b, i, 2, items);
        const e = this.scanner.scan(b, i, end);
        // A record larger than any CloudTrail writes would be scanned again with every chunk: the splitter takes it.
        if (e === NEED_MORE) {
          if (end - i > QUICK_RECORD_LIMIT) return this.handOver(b, i, 2, items);
          break;
        }
        if (e === INVALID) return this.handOver(b, i, 2, items);
        const index = this.index++;
        const skipped = this.scanner.skipped(b, this.file, index);
        if (!skipped) items.push(this.scanner.parsed(b, i, e, this.file, index));
        else if (skipped !== SKIPPED_ELSEWHERE) items.push({ kind: "skipped", value: skipped });
        i = e;
        this.state = S_AFTER;
      } else if (this.state === S_AFTER) {
        if (c === 44) {
          this.state = S_VALUE;
          i++;
        } else if (c === 93) {
          this.state = S_OBJ_OPEN;
          i++;
        } else return this.handOver(b, i, 2, items);
      } else if (this.state === S_OBJ_OPEN) {
        if (c !== 125) return this.handOver(b, i, 1, items);
        this.state = S_KEY; // the wrapper closed: only whitespace may follow
        this.done = true;
        i++;
      } else {
        // After the wrapper: the splitter reads whatever follows, from depth 0.
        return this.handOver(b, i, 0, items);
      }
    }
    // Keep what is left (a record the chunk cut) at the start of `work`.
    this.pendingLength = end - i;
    if (this.pendingLength > 0) {
      if (inWork) this.work.copyWithin(0, i, end);
      else {
        if (this.work.length < this.pendingLength) this.work = Buffer.allocUnsafe(this.pendingLength + (2 << 20));
        b.copy(this.work, 0, i, end);
      }
    }
    return items;
  }

  /** Ends the stream: the last items, and whether the input ended cleanly (as JsonValueSplitter.end says). */
  end(): { items: StreamItem[]; complete: boolean } {
    if (!this.splitter && this.pendingLength > 0) {
      // The file ends inside a record or separator: the splitter sees what is left.
      const items = this.handOver(this.work.subarray(0, this.pendingLength), 0, this.state === S_OBJ_OPEN ? 1 : this.state === S_KEY ? 0 : 2, []);
      return this.finish(items);
    }
    if (!this.splitter) return { items: [], complete: this.done };
    return this.finish([]);
  }

  private finish(items: StreamItem[]): { items: StreamItem[]; complete: boolean } {
    this.splitter!.push(this.decoder.decode());
    const complete = this.splitter!.end();
    items.push(...this.drain());
    return { items, complete };
  }

  /** Hands the rest of the file, from `b[i]`, to a splitter at `depth` (2 inside the Records array). */
  private handOver(b: Buffer, i: number, depth: 0 | 1 | 2, items: StreamItem[]): StreamItem[] {
    this.splitter = new JsonValueSplitter((text) => this.values.push(text), depth === 0 ? undefined : { depth });
    this.pendingLength = 0;
    this.splitter.push(this.decoder.decode(b.subarray(i), { stream: true }));
    items.push(...this.drain());
    return items;
  }

  private drain(): StreamItem[] {
    return this.values.splice(0).map((text) => classify(this.file, this.index++, text));
  }
}
