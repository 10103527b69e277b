/** A simulation worker thread: evaluates the files (see runTask) or the runs of one file (see serveRuns) it is given. */
import { parentPort, workerData } from "node:worker_threads";
import { runTask, WorkerTask } from "./simulate";
import { serveRuns, SplitTask } from "./split";

if ((workerData as SplitTask).split) serveRuns(workerData as SplitTask, parentPort!);
else {
  runTask(workerData as WorkerTask, (m) => parentPort!.postMessage(m)).catch((err) => {
    throw err;
  });
}
