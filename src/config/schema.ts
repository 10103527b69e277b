import { z } from "zod";
import { AWS_REGIONS, DEFAULT_ENABLED_REGIONS, LOG_RETENTION_DAYS, partitionOf, s3BucketNameProblem } from "./aws-facts";
import { MAX_NAMED_ACCOUNTS } from "../patterns/member-forwarding";

/** IAM/STS principal ARN as CloudTrail records it in `userIdentity.arn`, optionally with `*` wildcards. */
const PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov):(iam|sts)::(\d{12}|\*):[A-Za-z0-9+=,.@_/*:-]+$/;
/** Secrets Manager secret names: 1–512 of `A-Za-z0-9/_+=.@-`. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** Full or partial secret ARN: the part after `secret:` is the name, optionally with AWS's `-XXXXXX` suffix. */
const SECRET_ARN = /^arn:(aws|aws-cn|aws-us-gov):secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
/** SSM parameter names: letters, digits, `_.-/`; hierarchical names start with `/`. */
const PARAMETER_NAME = /^[A-Za-z0-9_.\-/]{1,2048}$/;

const principalPattern = z.string({ invalid_type_error: "must be a principal ARN string" }).superRefine((v, ctx) => {
  const problem =
    v === ""
      ? "must not be empty: name a principal ARN such as arn:aws:iam::123456789012:role/app"
      : v.replace(/\*/g, "") === ""
        ? "a bare wildcard would silence every alert; name a principal ARN such as arn:aws:sts::123456789012:assumed-role/app/*"
        : PRINCIPAL_ARN.test(v)
          ? undefined
          : "must be an IAM or STS principal ARN (arn:aws:iam::<account>:role/<name> or arn:aws:sts::<account>:assumed-role/<role>/<session>, '*' allowed)";
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/**
 * A planned changer (the deployment role): its changes to the monitor are never alerted on, so it must name one
 * principal exactly — a 12-digit account, no wildcard in the role or user name; `*` only as a whole session name
 * (`…:assumed-role/<role>/*`). A wildcard would let anyone who can create a matching role switch the monitor off.
 */
const changerPattern = principalPattern.superRefine((v, ctx) => {
  const m = /^arn:[^:]+:(iam|sts)::([^:]*):(.*)$/.exec(v);
  if (!m) return;
  const [, , account, rest] = m;
  const withoutSession = rest.replace(/^(assumed-role\/[^/*]+)\/\*$/, "$1");
  if (!/^\d{12}$/.test(account) || withoutSession.includes("*")) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: "must name one principal exactly: a 12-digit account and no '*' except a whole session name (arn:aws:sts::123456789012:assumed-role/deployer/*)",
    });
  }
});

const secretId = z
  .string({ invalid_type_error: "must be a secret name or ARN string" })
  .min(1, "must not be empty: give a secret name or ARN")
  .superRefine((v, ctx) => {
    if (v.startsWith("arn:")) {
      if (!SECRET_ARN.test(v)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: "is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>)",
        });
      }
    } else if (!SECRET_NAME.test(v)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: "is not a valid secret name (1–512 of letters, digits and /_+=.@-)",
      });
    }
  });

const parameterName = z
  .string({ invalid_type_error: "must be a parameter name string" })
  .min(1, "must not be empty: give a parameter name such as /prod/db/password")
  .superRefine((v, ctx) => {
    const problem = parameterNameProblem(v);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

function parameterNameProblem(v: string): string | undefined {
  if (!PARAMETER_NAME.test(v)) return "is not a parameter name (letters, digits and _.-/ only)";
  if (v.includes("//")) return "is not a parameter path: it contains an empty level ('//')";
  if (/^\/?(aws|ssm)/i.test(v)) return "uses a prefix reserved by AWS (aws, ssm)";
  if (v.split("/").filter(Boolean).length > 15) return "has more than 15 hierarchy levels";
  if (v.length > 1 && v.endsWith("/")) return "must name a parameter, not end with '/'";
  return undefined;
}

const email = z
  .string({ invalid_type_error: "must be an e-mail address string" })
  .refine((v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), { message: "is not an e-mail address (name@example.com)" });

const bucketName = z.string().superRefine((v, ctx) => {
  const problem = s3BucketNameProblem(v);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `is not a valid S3 bucket name: it ${problem}` });
});

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");

const region = z.enum(AWS_REGIONS, {
  errorMap: () => ({ message: "is not a known AWS region (for example us-east-1, eu-west-1)" }),
});

const retention = z.number().refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
  message: `is not a retention CloudWatch Logs accepts; allowed: ${LOG_RETENTION_DAYS.join(", ")}`,
});

export const monitoredSecretSchema = z
  .object({
    /** Secret name, full ARN or partial ARN (without AWS's random `-XXXXXX`). */
    id: secretId,
    /** Principals whose reads of this secret are expected and not alerted on. */
    allowedReaders: z.array(principalPattern).default([]),
  })
  .strict();

/** A decoy: a realistic name nobody uses, and the description an attacker listing secrets would read. */
const decoySecretSchema = z
  .object({
    /** A plain secret name (not an ARN): the decoy is created under this name. */
    name: z
      .string({ invalid_type_error: "must be a secret name string" })
      .regex(SECRET_NAME, "is not a valid secret name (1–512 of letters, digits and /_+=.@-)"),
    /** Secrets Manager allows 2048 characters. @default a description written like a real one */
    description: z.string().max(2048, "must be at most 2048 characters (Secrets Manager's limit)").optional(),
  })
  .strict();

const decoyParameterSchema = z
  .object({
    name: parameterName,
    /** SSM allows 1024 characters. */
    description: z.string().max(1024, "must be at most 1024 characters (Parameter Store's limit)").optional(),
  })
  .strict();

const s3Backend = z
  .object({
    type: z.literal("s3"),
    bucket: bucketName,
    /** State object key; the stack name is appended so every stack has its own state. */
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()/-]*$/, "may contain only letters, digits and !_.*'()/-")
      .default("secret-access-monitor"),
    /**
     * Region of the state bucket. Defaults to the top-level `region`, where the state-bootstrap stack creates the
     * bucket (resolved below, so the backend block always names it: without it `terraform init` stops with
     * "Missing region value" unless AWS_REGION happens to be set).
     */
    region: region.optional(),
    encrypt: z.boolean().default(true),
    useLockfile: z.boolean().default(true),
  })
  .strict();

const localBackend = z
  .object({
    type: z.literal("local"),
    /** Directory for `<stack>.tfstate` files, relative to the stack's directory in cdktf.out. */
    directory: z.string().min(1).default("../../.."),
  })
  .strict();

const rateLimit = (fallback: number) =>
  z
    .number({ invalid_type_error: "must be a whole number of invocations per second" })
    .int("must be a whole number of invocations per second")
    .min(1, "must be 1 to 300 invocations per second (EventBridge's range)")
    .max(300, "must be 1 to 300 invocations per second (EventBridge's range)")
    .default(fallback);

/** An API destination: off unless enabled; its URL and credentials come from sensitive Terraform variables. */
const destination = (rate: number) =>
  z
    .object({
      enabled: z.boolean().default(false),
      /** EventBridge delivers at most this many requests a second to the endpoint; the rest wait and retry. */
      rateLimitPerSecond: rateLimit(rate),
    })
    .strict()
    .default({});

const HTTP_HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,512}$/;

export const destinationsSchema = z
  .object({
    // Low defaults: a burst of alerts (a harvesting run) should not flood a channel; EventBridge queues and retries.
    slack: destination(1),
    teams: destination(1),
    // PagerDuty adjusts its throttle dynamically and asks senders to retry a 429, which EventBridge does.
    pagerduty: z
      .object({
        enabled: z.boolean().default(false),
        rateLimitPerSecond: rateLimit(2),
        /** The PagerDuty service region of the account: `us` (events.pagerduty.com) or `eu` (events.eu.pagerduty.com). */
        serviceRegion: z.enum(["us", "eu"], { errorMap: () => ({ message: 'must be "us" or "eu"' }) }).default("us"),
      })
      .strict()
      .default({}),
    webhook: z
      .object({
        enabled: z.boolean().default(false),
        rateLimitPerSecond: rateLimit(10),
        /**
         * How the endpoint authenticates EventBridge: `api-key` sends header `headerName` with the secret
         * `webhook_secret`; `basic` sends `username` and the secret as HTTP basic auth.
         */
        auth: z.enum(["api-key", "basic"], { errorMap: () => ({ message: 'must be "api-key" or "basic"' }) }).default("api-key"),
        headerName: z.string().regex(HTTP_HEADER_NAME, "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~, 1–512)").default("Authorization"),
        username: z.string().min(1, "must not be empty").max(512, "must be at most 512 characters").optional(),
        /** Send the whole CloudTrail record as `record` besides the rendered facts. */
        includeRecord: z.boolean().default(true),
      })
      .strict()
      .superRefine((w, ctx) => {
        if (w.auth === "basic" && w.username === undefined) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["username"], message: 'is required when auth is "basic"' });
        }
      })
      .default({}),
    /** Send the monitor's alarms (the metric path) to the destinations too, not only the real-time alerts. */
    alarms: z.boolean().default(true),
    /**
     * Amazon Q Developer in chat applications (formerly AWS Chatbot) subscribed to the alert topic. The workspace
     * or team must be authorised once in the console first.
     */
    chatbot: z
      .object({
        slack: z
          .object({
            workspaceId: z.string().regex(/^[0-9A-Z]{1,255}$/, "must be a Slack workspace ID (upper-case letters and digits, e.g. T0123ABCD)"),
            channelId: z.string().regex(/^[A-Za-z0-9]{1,255}$/, "must be a Slack channel ID (letters and digits, e.g. C0123ABCD)"),
          })
          .strict()
          .optional(),
        teams: z
          .object({
            tenantId: z.string().uuid("must be the Microsoft Entra tenant ID (a UUID)"),
            teamId: z.string().uuid("must be the Microsoft Teams team ID (a UUID)"),
            channelId: z.string().min(1, "must not be empty").max(255, "must be at most 255 characters"),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

export const configSchema = z
  .object({
    region: region.default("us-east-1"),
    namePrefix: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/,
        "must be 3–24 characters: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit (it becomes part of S3 bucket names)",
      )
      .default("secret-access-monitor"),
    suffix: z
      .string()
      .regex(/^[a-z0-9]{4,12}$/, "must be 4–12 lower-case letters or digits (omit it for a random suffix)")
      .optional(),
    alertEmails: z.array(email).min(1, "must list at least one e-mail address"),
    demoSecret: z
      .object({
        enabled: z.boolean().default(true),
        /** The value is write-only, so Terraform cannot see it change: raise this to write a new `demo_secret_value`. */
        valueVersion: z.number().int().min(1, "must be a whole number from 1").default(1),
      })
      .strict()
      .default({}),
    monitoredSecrets: z
      .array(monitoredSecretSchema)
      .min(1, "must list at least one secret; omit the field to watch every secret in the account")
      .optional(),
    allowedReaders: z.array(principalPattern).default([]),
    parameterStore: z
      .object({
        enabled: z.boolean().default(true),
        monitoredParameters: z
          .array(parameterName)
          .min(1, "must list at least one parameter; omit the field to watch every SecureString read")
          .optional(),
      })
      .strict()
      .default({}),
    deniedReads: z.object({ enabled: z.boolean().default(true) }).strict().default({}),
    realtimeAlerts: z
      .object({
        enabled: z.boolean().default(true),
        /**
         * Other regions whose reads alert in real time: forwarding rules there send what the home region's rules need
         * to the home region's bus. `"all"`: every region enabled by default in the home region's partition.
         */
        regions: z
          .union([z.literal("all"), z.array(z.string()).min(1, 'must list at least one region, or be "all"')], {
            errorMap: () => ({ message: 'must be a list of region names (["eu-west-1"]) or "all"' }),
          })
          .superRefine((v, ctx) => {
            if (v === "all") return;
            v.forEach((r, i) => {
              if (!(AWS_REGIONS as readonly string[]).includes(r)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `${r} is not a known AWS region (for example us-east-1, eu-west-1)` });
            });
          })
          .optional(),
      })
      .strict()
      .default({}),
    /**
     * Organization-wide monitoring: a central stack (security account), an organization trail stack (management
     * account) and a member forwarding StackSet instead of the single-account stack.
     */
    organization: z
      .object({
        /** The organization id, `o-` and 10–32 lower-case letters or digits. */
        id: z.string().regex(/^o-[a-z0-9]{10,32}$/, "must be an organization id: o- and 10–32 lower-case letters or digits (aws organizations describe-organization)"),
        managementAccountId: accountId,
        /** The security (audit) account: the central bus, rules and topic live there. */
        securityAccountId: accountId,
        /** Organizational units (or the root, `r-…`) whose accounts get the forwarding rules. */
        organizationalUnits: z
          .array(z.string().regex(/^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/, "must be an OU id (ou-ab12-cd34ef56) or the root id (r-ab12)"))
          .min(1, "must list at least one organizational unit (or the root r-…)"),
        /** Regions of the member accounts (and of the management account) whose reads are forwarded; the home region is always one. */
        regions: z.array(region).min(1, "must list at least one region").optional(),
        /** Friendly account names for the messages: `{ "111122223333": "payments-prod" }`. */
        accountNames: z
          .record(z.string().regex(/^[A-Za-z0-9 ._()+/-]{1,50}$/, "must be 1–50 letters, digits, spaces or ._()+/-"))
          .default({})
          .superRefine((names, ctx) => {
            if (Object.keys(names).length > MAX_NAMED_ACCOUNTS) {
              ctx.addIssue({
                code: z.ZodIssueCode.custom,
                // No fixed count: how many rules a name takes depends on the detections (realtimeRulePatterns).
                message: `at most ${MAX_NAMED_ACCOUNTS} accounts may be named (each takes rules of its own on the central bus, one per outcome and more where a pattern passes 2,048 characters, and 15 characters of every other rule's pattern); the others are named by id with a link to the Organizations console`,
              });
            }
            for (const id of Object.keys(names)) {
              if (!/^\d{12}$/.test(id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [id], message: "keys must be 12-digit account ids" });
            }
          }),
        /**
         * Who creates the StackSet: `SELF` from the management account, `DELEGATED_ADMIN` from a member account
         * registered as a CloudFormation StackSets delegated administrator.
         */
        /**
         * An existing log-archive bucket (usually in the log-archive account) for the organization trail's files,
         * instead of a bucket of its own; its owner adds the statements the trail stack outputs.
         */
        logArchiveBucket: bucketName.optional(),
        stackSetCallAs: z.enum(["SELF", "DELEGATED_ADMIN"], { errorMap: () => ({ message: 'must be "SELF" or "DELEGATED_ADMIN"' }) }).default("SELF"),
      })
      .strict()
      .optional(),
    trail: z
      .object({
        multiRegion: z.boolean().default(true),
        logRetentionDays: retention.default(365),
        bucketForceDestroy: z.boolean().default(false),
        bucketExpirationDays: z.number().int().min(1, "must be at least 1 day").optional(),
        /** High-volume management event sources left out of the trail to cut CloudWatch Logs cost. */
        excludeManagementEventSources: z
          .array(z.enum(["kms.amazonaws.com", "rdsdata.amazonaws.com"], { errorMap: () => ({ message: 'must be "kms.amazonaws.com" or "rdsdata.amazonaws.com"' }) }))
          .default([]),
      })
      .strict()
      .default({}),
    encryption: z
      .object({
        /** `kms`: one customer-managed key for everything; `aws-managed`: AWS keys, and an unencrypted topic. */
        mode: z.enum(["kms", "aws-managed"], { errorMap: () => ({ message: 'must be "kms" or "aws-managed"' }) }).default("kms"),
        keyDeletionWindowDays: z.number().int().min(7, "must be 7 to 30 days").max(30, "must be 7 to 30 days").default(30),
      })
      .strict()
      .default({}),
    selfMonitoring: z
      .object({
        enabled: z.boolean().default(true),
        /** Minutes without any event reaching the log group before the dead-man alarm fires. */
        silenceMinutes: z
          .number()
          .int()
          .refine((v) => v >= 10 && v <= 1440 && v % 5 === 0, { message: "must be a multiple of 5 from 10 to 1440" })
          .default(15),
        /** Principals whose changes to the trail and the monitoring are planned (the deployment role). */
        allowedChangers: z.array(changerPattern).default([]),
      })
      .strict()
      .default({}),
    deployment: z
      .object({
        /**
         * Principals Terraform runs as (the pipeline's role). Their plan/apply/refresh reads of Terraform-managed
         * secrets (the demo secret, `managedSecrets`) are expected, and their changes to the monitor are planned.
         */
        principals: z.array(changerPattern).default([]),
        /** Other secrets whose versions this pipeline manages with Terraform: each plan reads them (GetSecretValue). */
        managedSecrets: z.array(secretId).default([]),
      })
      .strict()
      .default({}),
    /** Secrets and parameters nobody uses: any read or attempted read, by anyone, is a critical alert. */
    decoys: z
      .object({
        secrets: z.array(decoySecretSchema).default([]),
        /** SecureString parameters created once outside Terraform (its refresh would decrypt them on every plan). */
        parameters: z.array(decoyParameterSchema).default([]),
      })
      .strict()
      .default({}),
    /** One principal reading many secrets in a few minutes (Contributor Insights on the trail's log group). */
    harvesting: z
      .object({
        enabled: z.boolean().default(false),
        /** Secret values one principal reads within the window that make an alert. */
        threshold: z.number().int().min(2, "must be a whole number from 2 to 1000").max(1000, "must be a whole number from 2 to 1000").default(20),
        /** Window in minutes: the alarm's period, aligned to the clock as CloudWatch aligns periods. */
        windowMinutes: z.number().int().min(1, "must be a whole number of minutes from 1 to 60").max(60, "must be a whole number of minutes from 1 to 60").default(5),
      })
      .strict()
      .default({}),
    cisAlarms: z.object({ enabled: z.boolean().default(false) }).strict().default({}),
    /** A principal reading a secret for the first time within the retention window alerts (learned in DynamoDB). */
    firstSeenReaders: z
      .object({
        enabled: z.boolean().default(false),
        /** Days after deployment during which new pairs are learned quietly. */
        learningDays: z.number().int("must be a whole number of days").min(0, "must be 0 to 365 days").max(365, "must be 0 to 365 days").default(14),
        /** A pair not read for this many days is forgotten and alerts again. */
        retentionDays: z.number().int("must be a whole number of days").min(1, "must be 1 to 365 days").max(365, "must be 1 to 365 days").default(90),
        /**
         * The workflow replaces the per-read alerts on successful reads (real-time rules and alarm notifications):
         * a known reader stays quiet, a new one pages once. Decoys, denied reads, harvesting and tampering still alert.
         */
        replacesReadAlerts: z.boolean().default(true),
      })
      .strict()
      .default({}),
    metricNamespace: z
      .string()
      .regex(/^[^:*$\s][^:*$]{0,254}$/, "must be 1–255 characters without ':', '*', '$' or leading space")
      .refine((v) => !v.startsWith("AWS/"), { message: "must not start with AWS/ (reserved for AWS metrics)" })
      .default("SecretAccessMonitor"),
    backend: z
      .discriminatedUnion("type", [s3Backend, localBackend], {
        errorMap: (issue, ctx) =>
          issue.code === z.ZodIssueCode.invalid_union_discriminator
            ? { message: "type must be \"s3\" or \"local\"" }
            : { message: ctx.defaultError },
      })
      .default({ type: "local" }),
    tags: z.record(z.string().max(256)).default({}),
    destinations: destinationsSchema,
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.trail.excludeManagementEventSources.includes("kms.amazonaws.com") && (cfg.cisAlarms.enabled || cfg.selfMonitoring.enabled)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["trail", "excludeManagementEventSources"],
        message: "excluding kms.amazonaws.com hides DisableKey/ScheduleKeyDeletion from CloudWatch.7 and the monitoring-change alarm; disable cisAlarms and selfMonitoring, or keep KMS events",
      });
    }
    if (cfg.deployment.managedSecrets.length > 0 && cfg.deployment.principals.length === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["deployment", "managedSecrets"],
        message: "needs deployment.principals: name the role Terraform runs as, whose refresh reads of these secrets are expected",
      });
    }
    const regions = cfg.realtimeAlerts.regions;
    if (Array.isArray(regions)) {
      const other = regions.find((r) => partitionOf(r) !== partitionOf(cfg.region));
      if (other) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["realtimeAlerts", "regions"], message: `${other} is in another partition than region ${cfg.region}: EventBridge cannot forward between partitions` });
      }
    }
    if (cfg.organization) {
      const org = cfg.organization;
      if (cfg.suffix === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["suffix"], message: "is required with organization: every account's stack must build the same names (a random suffix differs per stack)" });
      }
      if (regions !== undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["realtimeAlerts", "regions"], message: "is for one account; with organization, list the regions in organization.regions" });
      }
      const other = org.regions?.find((r) => partitionOf(r) !== partitionOf(cfg.region));
      if (other) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["organization", "regions"], message: `${other} is in another partition than region ${cfg.region}: EventBridge cannot forward between partitions` });
      }
      if (!cfg.realtimeAlerts.enabled) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["realtimeAlerts", "enabled"], message: "must stay true with organization: the central account alerts through the real-time path" });
      }
      if (org.managementAccountId === org.securityAccountId) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["organization", "securityAccountId"], message: "must not be the management account: StackSets never deploy there, and AWS advises keeping workloads out of it" });
      }
    }
    const seenDecoys = new Set<string>();
    cfg.decoys.secrets.forEach((d, i) => {
      const problem = seenDecoys.has(d.name)
        ? "is listed twice"
        : cfg.deployment.managedSecrets.some((m) => m === d.name || m.endsWith(`:secret:${d.name}`))
          ? "is also in deployment.managedSecrets: Terraform would read it on every plan; a decoy must be read by nobody"
          : (cfg.monitoredSecrets ?? []).some((m) => m.id === d.name || m.id.endsWith(`:secret:${d.name}`))
            ? "is also in monitoredSecrets, whose allow-lists a decoy must ignore: list it only as a decoy"
            : undefined;
      seenDecoys.add(d.name);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["decoys", "secrets", i, "name"], message: problem });
    });
    const seenParameters = new Set<string>();
    cfg.decoys.parameters.forEach((d, i) => {
      const problem = seenParameters.has(d.name)
        ? "is listed twice"
        : (cfg.parameterStore.monitoredParameters ?? []).includes(d.name)
          ? "is also in parameterStore.monitoredParameters, whose allow-list a decoy must ignore: list it only as a decoy"
          : undefined;
      seenParameters.add(d.name);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["decoys", "parameters", i, "name"], message: problem });
    });
    const d = cfg.destinations;
    // The real-time path owns the dead-letter queue: without it an alert a destination refused, or that outlived
    // EventBridge's retries, would be dropped without a trace (the alarm routes too).
    if (!cfg.realtimeAlerts.enabled && (d.slack.enabled || d.teams.enabled || d.pagerduty.enabled || d.webhook.enabled)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["destinations"],
        message: "need realtimeAlerts enabled: its dead-letter queue keeps the alerts a destination refused or never took; without it they would be lost",
      });
    }
    if (!cfg.demoSecret.enabled && cfg.monitoredSecrets === undefined && !cfg.parameterStore.enabled) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["monitoredSecrets"],
        message: "nothing to monitor: enable demoSecret, list monitoredSecrets or enable parameterStore",
      });
    }
  })
  // One answer to "which region is the state bucket in", for the backend block and the state-bootstrap stack alike.
  .transform(({ backend, ...cfg }) => ({
    ...cfg,
    backend: backend.type === "s3" ? { ...backend, region: backend.region ?? cfg.region } : backend,
  }));

export type MonitorConfigInput = z.input<typeof configSchema>;
export type MonitorConfig = z.output<typeof configSchema>;
export type MonitoredSecretConfig = z.output<typeof monitoredSecretSchema>;
export type BackendConfig = MonitorConfig["backend"];
export type OrganizationConfig = NonNullable<MonitorConfig["organization"]>;

/** The regions whose reads are forwarded to the home region's bus (never the home region itself). */
export function forwardedRegions(config: Pick<MonitorConfig, "region" | "realtimeAlerts" | "organization">): string[] {
  const listed = config.organization ? config.organization.regions ?? [] : config.realtimeAlerts.regions ?? [];
  const all = listed === "all" ? DEFAULT_ENABLED_REGIONS.filter((r) => partitionOf(r) === partitionOf(config.region)) : listed;
  return [...new Set(all)].filter((r) => r !== config.region);
}
export type DestinationsConfig = MonitorConfig["destinations"];
