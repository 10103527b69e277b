import { App } from "cdktf";
import { MonitorConfig } from "./config/schema";
import { MonitoringStack } from "./stacks/monitoring-stack";
import { StateBootstrapStack } from "./stacks/state-bootstrap-stack";

/** Stack names: directories under cdktf.out/stacks and arguments of `cdktf deploy`. */
export const MONITORING_STACK = "secret-access-monitor";
export const STATE_BOOTSTRAP_STACK = "state-bootstrap";

export interface MonitorApp {
  readonly app: App;
  readonly monitoring: MonitoringStack;
  readonly bootstrap?: StateBootstrapStack;
}

/** Builds every stack of a configuration; the state bootstrap exists only with the S3 backend. */
export function buildApp(config: MonitorConfig, app: App = new App()): MonitorApp {
  const monitoring = new MonitoringStack(app, MONITORING_STACK, config);
  let bootstrap: StateBootstrapStack | undefined;
  if (config.backend.type === "s3") {
    bootstrap = new StateBootstrapStack(app, STATE_BOOTSTRAP_STACK, {
      bucket: config.backend.bucket,
      region: config.backend.region ?? config.region,
      localStateDirectory: "../../..",
      tags: { Project: config.namePrefix, ManagedBy: "cdktf", ...config.tags },
    });
  }
  return { app, monitoring, bootstrap };
}
