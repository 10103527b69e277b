import { App } from "cdktf";
import { MonitorConfig } from "./config/schema";
import { MonitoringStack } from "./stacks/monitoring-stack";
import { StateBootstrapStack } from "./stacks/state-bootstrap-stack";
import { CentralStack } from "./stacks/central-stack";
import { MemberForwardingStack } from "./stacks/member-forwarding-stack";

/** Stack names: directories under cdktf.out/stacks and arguments of `cdktf deploy`. */
export const MONITORING_STACK = "secret-access-monitor";
export const STATE_BOOTSTRAP_STACK = "state-bootstrap";
/** With `organization`: the security account's stack, the management account's two. */
export const CENTRAL_STACK = "org-central";
export const ORG_TRAIL_STACK = "org-trail";
export const MEMBER_FORWARDING_STACK = "org-member-forwarding";

export interface MonitorApp {
  readonly app: App;
  /** The single-account monitor, or with `organization` the organization trail stack (management account). */
  readonly monitoring: MonitoringStack;
  readonly bootstrap?: StateBootstrapStack;
  readonly central?: CentralStack;
  readonly members?: MemberForwardingStack;
}

/** Builds every stack of a configuration; the state bootstrap exists only with the S3 backend. */
export function buildApp(config: MonitorConfig, app: App = new App()): MonitorApp {
  const org = config.organization;
  let central: CentralStack | undefined;
  let members: MemberForwardingStack | undefined;
  let monitoring: MonitoringStack;
  if (org) {
    central = new CentralStack(app, CENTRAL_STACK, config, org);
    // The management account holds no demo secret: it is the trail's account, not a workload's.
    monitoring = new MonitoringStack(app, ORG_TRAIL_STACK, { ...config, demoSecret: { ...config.demoSecret, enabled: false } }, { organization: org });
    members = new MemberForwardingStack(app, MEMBER_FORWARDING_STACK, config, org);
  } else {
    monitoring = new MonitoringStack(app, MONITORING_STACK, config);
  }
  let bootstrap: StateBootstrapStack | undefined;
  if (config.backend.type === "s3") {
    bootstrap = new StateBootstrapStack(app, STATE_BOOTSTRAP_STACK, {
      bucket: config.backend.bucket,
      region: config.backend.region ?? config.region,
      localStateDirectory: "../../..",
      tags: { Project: config.namePrefix, ManagedBy: "cdktf", ...config.tags },
    });
  }
  return { app, monitoring, bootstrap, central, members };
}
