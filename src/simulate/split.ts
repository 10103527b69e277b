/**
 * One large CloudTrail log file over several worker threads. A gzip stream inflates on one thread only, and the
 * quick scan of its records would then run on one thread too; instead this thread inflates the file and cuts it
 * into runs of about a megabyte where the next record most likely starts (RECORD_BOUNDARY_HINT), the workers
 * scan and evaluate the runs, and this thread takes their results in file order. A run counts only if the worker
 * found it to be whole records each followed by a comma (QuickScanner.batch); since the first run starts on a
 * record boundary, each run taken in order then ends on one. A run that fails that check — the cut was not a
 * boundary, a record is not valid JSON, the array ends — and everything after it is read here with the serial
 * quick stream, from the last boundary proved. The results are those of the serial path.
 */
import { Readable } from "node:stream";
import type { Worker } from "node:worker_threads";
import {
  batchesOfFile,
  Malformed,
  notJsonReason,
  openFile,
  QUICK_WRAPPER_LENGTH,
  QuickScanner,
  QuickStream,
  RECORD_BOUNDARY_HINT,
  RECORD_BOUNDARY_OFFSET,
  StreamItem,
  WHOLE_FILE_PARSE_LIMIT,
} from "../engines/record-stream";
import { recordRelevance, stackModel } from "../engines/stack-model";
import { Accumulator, AccumulatorData, RecordResult, SimulationOptions } from "./simulate";

/** Bytes of a run: large enough that posting it costs little next to scanning it. */
const RUN_BYTES = 1 << 20;

/** What a split worker is given. */
export interface SplitTask {
  readonly split: true;
  readonly tf: Record<string, any>;
  readonly file: string;
  /** Report every record, not only matches. */
  readonly all: boolean;
}

/**
 * A run's bytes (the first `length` of `buffer`), numbered in the order this thread cut them. The buffer is handed
 * over to the worker and back with the result, to be filled again: cutting a file allocates nothing per run.
 */
export interface RunRequest {
  readonly id: number;
  readonly buffer: ArrayBuffer;
  readonly length: number;
}

/** What a worker found in a run: its records' results in order (indices from 0), and what they add up to. */
export type RunResult = { readonly id: number; readonly buffer: ArrayBuffer } & (
  | { readonly ok: false }
  | {
      readonly ok: true;
      readonly count: number;
      readonly out: (RecordResult | { malformed: Malformed })[];
      readonly data: AccumulatorData;
    }
);

/** The worker side: scans and evaluates each run it is sent, with an accumulator of the run's own. */
export function serveRuns(
  task: SplitTask,
  port: { on(event: "message", f: (m: RunRequest) => void): void; postMessage(m: RunResult, transfer: ArrayBuffer[]): void },
): void {
  const model = stackModel(task.tf);
  const relevance = recordRelevance(model)!;
  let acc = new Accumulator(model);
  const scanner = new QuickScanner(relevance, task.all ? undefined : (r) => acc.countSkipped(r));
  port.on("message", ({ id, buffer, length }) => {
    acc = new Accumulator(model);
    const { items, count, ok } = scanner.batch(Buffer.from(buffer, 0, length), task.file);
    if (!ok) return port.postMessage({ id, buffer, ok: false }, [buffer]);
    const out: (RecordResult | { malformed: Malformed })[] = [];
    for (const item of items) {
      const r = acc.evaluate(item, (m) => out.push({ malformed: m }), task.all);
      if (r) out.push(r);
    }
    port.postMessage({ id, buffer, ok: true, count, out, data: acc.export() }, [buffer]);
  });
}

/** Whether a single input is worth splitting: large enough that it is streamed, not parsed whole. */
export function splittable(file: string, size: number, limit = WHOLE_FILE_PARSE_LIMIT): boolean {
  // CloudTrail's gzip shrinks a log file 10 to 15 times; a smaller file is still read correctly, only here.
  return /\.gz$/i.test(file) ? size * 16 > limit : size > limit;
}

/**
 * Reads one file with `count` worker threads as described above, evaluating into `acc` and reporting through
 * `options` exactly as the serial path does.
 */
export async function splitFile(
  tf: Record<string, any>,
  file: string,
  count: number,
  acc: Accumulator,
  options: SimulationOptions,
  startWorker: (task: SplitTask) => Pick<Worker, "on" | "postMessage" | "terminate">,
  runBytes = RUN_BYTES,
): Promise<void> {
  /** Without a likely boundary in this many bytes the file is read here, serially. */
  const noHintLimit = 16 * runBytes;
  const limit = options.wholeFileLimit ?? WHOLE_FILE_PARSE_LIMIT;
  const wanted = (options.allRecords ?? true) && options.onRecord !== undefined;
  const scanner = acc.scanner(wanted)!;
  const report = (item: StreamItem) => {
    const r = acc.evaluate(item, options.onMalformed, wanted);
    if (r && options.onRecord) options.onRecord(r);
  };
  const opened = openFile(file);
  const chunks = (opened.source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();

  // The head, as the serial path reads it: a file no larger than the limit is parsed whole.
  const head: Buffer[] = [];
  let headBytes = 0;
  let failure: { error: unknown } | undefined;
  let ended = false;
  try {
    while (headBytes <= limit) {
      const next = await chunks.next();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.length;
    }
  } catch (error) {
    failure = { error };
  }
  const first = !failure && !ended ? Buffer.concat(head) : undefined;
  // The checks batchesOfFile makes of a large file's head, made the same way.
  const notJson = first && notJsonReason(new TextDecoder("utf-8").decode(head[0].subarray(0, 4096), { stream: true }));
  if (!first || notJson || !QuickStream.opens(first)) {
    // Not a large Records file: the serial path reads it, from the chunks already read on.
    const replay = (async function* () {
      yield* head;
      if (failure) throw failure.error;
      if (ended) return;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    })();
    for await (const batch of batchesOfFile(file, limit, scanner, { source: Readable.from(replay), close: opened.close })) batch.forEach(report);
    return;
  }

  const workers = Array.from({ length: count }, () => startWorker({ split: true, tf, file, all: wanted }));
  const waiting = new Map<number, { resolve: (r: RunResult) => void; reject: (e: unknown) => void }>();
  const fail = (error: unknown) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  for (const w of workers) {
    w.on("message", (r: RunResult) => {
      waiting.get(r.id)?.resolve(r);
      waiting.delete(r.id);
    });
    w.on("error", fail);
    w.on("exit", (code) => code !== 0 && fail(new Error(`simulation worker exited with code ${code}`)));
  }
  const runs: { id: number; length: number; result: Promise<RunResult> }[] = [];
  /** Run buffers back from the workers, to be filled again. */
  const free: ArrayBuffer[] = [];
  let nextId = 0;
  /** Records taken so far: the index of the next one. */
  let index = 0;
  /** Set once a run is not taken: it and everything after are read here. */
  let serial: QuickStream | undefined;
  const toSerial = (bytes: Buffer) => serial!.push(bytes).forEach(report);

  const take = async () => {
    const run = runs.shift()!;
    const result = await run.result;
    if (!serial && result.ok) {
      for (const o of result.out) {
        if ("malformed" in o) options.onMalformed?.(o.malformed.index === undefined ? o.malformed : { ...o.malformed, index: o.malformed.index + index });
        else options.onRecord?.({ ...o, index: o.index + index });
      }
      acc.merge(result.data);
      index += result.count;
    } else {
      // The first run starts just after the wrapper's `[`, any other just after a comma.
      serial ??= run.id === 0 ? new QuickStream(scanner, file) : new QuickStream(scanner, file, { index });
      toSerial(Buffer.from(result.buffer, 0, run.length));
    }
    free.push(result.buffer);
  };

  // Bytes not yet cut into runs, at the start of a buffer reused from chunk to chunk.
  let work = Buffer.allocUnsafeSlow(Math.max(4 * runBytes, first.length));
  let pendingLength = first.copy(work, 0, QUICK_WRAPPER_LENGTH);
  const append = (chunk: Buffer) => {
    if (work.length < pendingLength + chunk.length) {
      const grown = Buffer.allocUnsafeSlow(2 * (pendingLength + chunk.length));
      work.copy(grown, 0, 0, pendingLength);
      work = grown;
    }
    pendingLength += chunk.copy(work, pendingLength);
  };
  const cut = async () => {
    let from = 0;
    try {
      for (;;) {
        if (serial) {
          // Every run cut before these bytes goes first.
          while (runs.length > 0) await take();
          toSerial(work.subarray(from, pendingLength));
          from = pendingLength;
          return;
        }
        if (pendingLength - from < runBytes) return;
        const at = work.subarray(0, pendingLength).indexOf(RECORD_BOUNDARY_HINT, from + Math.max(0, runBytes - RECORD_BOUNDARY_HINT.length));
        if (at < 0) {
          if (pendingLength - from <= noHintLimit) return;
          // Not written like CloudTrail: read the rest here, once the runs before it are taken.
          while (runs.length > 0) await take();
          serial ??= nextId === 0 ? new QuickStream(scanner, file) : new QuickStream(scanner, file, { index });
          continue;
        }
        const length = at + RECORD_BOUNDARY_OFFSET - from;
        let buffer = free.pop();
        if (!buffer || buffer.byteLength < length) buffer = new ArrayBuffer(Math.max(length, 2 * runBytes));
        work.copy(Buffer.from(buffer), 0, from, from + length);
        from += length;
        const id = nextId++;
        const result = new Promise<RunResult>((resolve, reject) => waiting.set(id, { resolve, reject }));
        result.catch(() => undefined); // taken in order below, where a failure surfaces
        workers[id % count].postMessage({ id, buffer, length }, [buffer]);
        runs.push({ id, length, result });
        // A few runs in flight per worker keep them busy; more would only hold memory.
        while (runs.length >= 3 * count) await take();
      }
    } finally {
      work.copyWithin(0, from, pendingLength);
      pendingLength -= from;
    }
  };

  /** Errors reading the file, as opposed to a worker's. */
  const readError = new WeakSet<object>();
  const read = () =>
    chunks.next().catch((error) => {
      if (typeof error === "object" && error !== null) readError.add(error);
      throw error;
    });
  try {
    try {
      await cut();
      for (let next = await read(); !next.done; next = await read()) {
        append(next.value);
        await cut();
      }
    } catch (error) {
      if (!readError.has(error as object)) throw error;
      // Unreadable from here (a damaged gzip stream): what was read is reported, then the reason, as serially.
      while (runs.length > 0) await take();
      serial ??= nextId === 0 ? new QuickStream(scanner, file) : new QuickStream(scanner, file, { index });
      toSerial(work.subarray(0, pendingLength));
      report({ kind: "malformed", value: { file, reason: `unreadable: ${(error as Error).message}` } });
      return;
    }
    while (runs.length > 0) await take();
    // The tail (the last records and the wrapper's end) is read here.
    serial ??= nextId === 0 ? new QuickStream(scanner, file) : new QuickStream(scanner, file, { index });
    toSerial(work.subarray(0, pendingLength));
    const { items, complete } = serial.end();
    items.forEach(report);
    if (!complete) report({ kind: "malformed", value: { file, index: serial.index, reason: "truncated JSON at end of file" } });
    else if (serial.index === 0) report({ kind: "malformed", value: { file, reason: "no JSON record in file" } });
  } finally {
    opened.close();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
