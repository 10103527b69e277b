/** A simulation worker thread: evaluates the files it is given and posts the results (see runTask). */
import { parentPort, workerData } from "node:worker_threads";
import { runTask, WorkerTask } from "./simulate";

runTask(workerData as WorkerTask, (m) => parentPort!.postMessage(m)).catch((err) => {
  throw err;
});
