/**
 * Checks a CloudFormation template (the member-forwarding StackSet template) against CloudFormation's published
 * resource provider schemas (vendored unchanged in `cfn-schemas/`, provenance in `cfn-schemas/SOURCES.md`) and
 * against the template-format rules and quotas of the CloudFormation User Guide. Terraform's `terraform validate`
 * only sees `template_body` as an opaque string, so without this a misspelt property or a bad enum would surface
 * only when CloudFormation rolls back the StackSet instance in every member account.
 *
 * Every problem names the template path, what the schema (or the guide) states, and the schema's own description
 * of the property, e.g.
 * `Resources.ForwardReadRole.Properties.State: "ON" is not one of the schema's "enum": ["DISABLED", …]
 * (AWS::Events::Rule: "The state of the rule.")`.
 *
 * Stricter than CloudFormation in one direction only: scalar types are checked as the schema states them (an
 * integer property given the string "5" is refused, though CloudFormation would convert it), so this may refuse a
 * template CloudFormation accepts, never the reverse.
 *
 * Pure: no cdktf imports.
 */
import eventsEventBus from "./cfn-schemas/aws-events-eventbus.json";
import eventsEventBusPolicy from "./cfn-schemas/aws-events-eventbuspolicy.json";
import eventsRule from "./cfn-schemas/aws-events-rule.json";
import iamManagedPolicy from "./cfn-schemas/aws-iam-managedpolicy.json";
import iamPolicy from "./cfn-schemas/aws-iam-policy.json";
import iamRole from "./cfn-schemas/aws-iam-role.json";
import iamRolePolicy from "./cfn-schemas/aws-iam-rolepolicy.json";
import snsTopic from "./cfn-schemas/aws-sns-topic.json";
import snsTopicPolicy from "./cfn-schemas/aws-sns-topicpolicy.json";
import sqsQueue from "./cfn-schemas/aws-sqs-queue.json";
import sqsQueuePolicy from "./cfn-schemas/aws-sqs-queuepolicy.json";

/** A JSON Schema (draft-07) node as the resource provider schemas use it. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** A resource provider schema: the fields of the provider definition meta-schema this checker reads. */
export interface ResourceSchema {
  readonly typeName: string;
  readonly description?: string;
  readonly properties: Record<string, JsonSchema>;
  readonly definitions?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
  /** "A property in the `readOnlyProperties` list cannot be specified by the customer" (resource schema README). */
  readonly readOnlyProperties?: readonly string[];
  readonly additionalProperties?: boolean;
}

/** The vendored schemas, by CloudFormation type name: exactly the types a generated template may use. */
export const CFN_RESOURCE_SCHEMAS: Readonly<Record<string, ResourceSchema>> = Object.fromEntries(
  [eventsRule, eventsEventBus, eventsEventBusPolicy, iamRole, iamPolicy, iamManagedPolicy, iamRolePolicy, snsTopic, snsTopicPolicy, sqsQueue, sqsQueuePolicy].map(
    (s) => [(s as unknown as ResourceSchema).typeName, s as unknown as ResourceSchema],
  ),
);

/**
 * Template quotas. Source: AWS CloudFormation User Guide, "Understand CloudFormation quotas"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html; archived text
 * awsdocs/aws-cloudformation-user-guide@19dc52cd:doc_source/cloudformation-limits.md):
 * "Template body size in a request | Maximum size of a template body that you can pass in a CreateStack,
 * UpdateStack, or ValidateTemplate request. | 51,200 bytes"; "Resources | Maximum number of resources that you can
 * declare in your AWS CloudFormation template. | 500 resources"; "Parameters | … | 200 parameters";
 * "Outputs | … | 200 outputs"; "Mappings | … | 200 mappings"; "Resource name | Maximum size of a resource name. |
 * 255 characters"; "Template description | Maximum size of a template description. | 1,024 bytes".
 * For a StackSet the same body limit applies: CreateStackSet API, TemplateBody: "The structure that contains the
 * template body, with a minimum length of 1 byte and a maximum length of 51,200 bytes."
 */
export const CFN_TEMPLATE_LIMITS = {
  templateBodyBytes: 51_200,
  resources: 500,
  parameters: 200,
  outputs: 200,
  mappings: 200,
  logicalIdChars: 255,
  descriptionBytes: 1_024,
} as const;

/**
 * EventBridge limits the published AWS::Events::Rule schema does not state, enforced by the EventBridge API when
 * CloudFormation calls PutRule/PutTargets.
 * - "You can define up to five targets for each rule." (EventBridge User Guide, Targets;
 *   awsdocs/amazon-eventbridge-user-guide@896fdda:doc_source/eb-targets.md)
 * - "Event pattern size | Each supported Region: 2,048 | Yes | Maximum size of an event pattern, in characters."
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html; adjustable, the default is assumed)
 */
export const EVENTBRIDGE_RULE_LIMITS = { targetsPerRule: 5, eventPatternChars: 2_048 } as const;

/** Template sections: "Template anatomy" (User Guide) lists exactly these; `Resources` "is the only required section". */
const TEMPLATE_SECTIONS = new Set(["AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs"]);
/** Resource attributes (User Guide, "Resource attribute reference"). */
const RESOURCE_KEYS = new Set(["Type", "Properties", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy"]);
const DELETION_POLICIES = ["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"];
/** Parameter properties (User Guide, "Parameters"). */
const PARAMETER_KEYS = new Set(["Type", "Default", "AllowedValues", "AllowedPattern", "ConstraintDescription", "Description", "MaxLength", "MinLength", "MaxValue", "MinValue", "NoEcho"]);
const OUTPUT_KEYS = new Set(["Description", "Value", "Export", "Condition"]);
/** Pseudo parameters (User Guide, "Pseudo parameters reference"). */
const PSEUDO_PARAMETERS = new Set(["AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"]);
/** Logical ids: "The logical ID must be alphanumeric (A-Za-z0-9) and unique within the template" (User Guide, "Resources"). */
const LOGICAL_ID = /^[A-Za-z0-9]+$/;

/** Intrinsic functions allowed in property values, and the condition functions allowed in `Conditions`. */
const VALUE_FUNCTIONS = new Set(["Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::If", "Fn::Select", "Fn::Split", "Fn::Base64", "Fn::GetAZs", "Fn::ImportValue", "Fn::FindInMap", "Fn::Cidr"]);
const CONDITION_FUNCTIONS = new Set(["Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition"]);
/** Functions whose result is a list (Fn::GetAZs, Fn::Split, Fn::Cidr; Ref of a List parameter is handled apart). */
const LIST_FUNCTIONS = new Set(["Fn::GetAZs", "Fn::Split", "Fn::Cidr"]);

/** JSON Schema keywords the evaluator enforces; and those it may skip because they only annotate. */
const ENFORCED_KEYWORDS = new Set(["$ref", "type", "properties", "patternProperties", "additionalProperties", "required", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "items", "uniqueItems", "oneOf", "anyOf", "allOf"]);
/** `insertionOrder` only tells CloudFormation how to diff arrays (resource schema README, "insertionOrder"). */
const ANNOTATION_KEYWORDS = new Set(["description", "insertionOrder", "default", "title", "examples", "$comment", "format", "relationshipRef", "arrayType", "deprecated"]);

export interface CfnSchemaOptions {
  /** The exact body that will be sent (e.g. Terraform's `template_body`); by default the compact JSON of `template`. */
  readonly templateBody?: string;
  /** The schemas to check against. @default CFN_RESOURCE_SCHEMAS */
  readonly schemas?: Readonly<Record<string, ResourceSchema>>;
}

/** Everything wrong with `template`, one line each; empty when CloudFormation's published schemas accept it. */
export function cfnSchemaProblems(template: unknown, options: CfnSchemaOptions = {}): string[] {
  const problems: string[] = [];
  if (!isObject(template)) return ["template: must be a JSON object"];
  const schemas = options.schemas ?? CFN_RESOURCE_SCHEMAS;
  const body = options.templateBody ?? JSON.stringify(template);
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > CFN_TEMPLATE_LIMITS.templateBodyBytes) {
    problems.push(`template: body is ${bytes} bytes; CloudFormation takes at most ${CFN_TEMPLATE_LIMITS.templateBodyBytes} bytes in TemplateBody ("Template body size in a request")`);
  }
  for (const key of Object.keys(template)) {
    if (!TEMPLATE_SECTIONS.has(key)) problems.push(`${key}: not a template section (allowed: ${[...TEMPLATE_SECTIONS].join(", ")})`);
  }
  if ("AWSTemplateFormatVersion" in template && template.AWSTemplateFormatVersion !== "2010-09-09") {
    problems.push(`AWSTemplateFormatVersion: ${JSON.stringify(template.AWSTemplateFormatVersion)}; "2010-09-09" "is currently the only valid value"`);
  }
  if ("Description" in template) {
    if (typeof template.Description !== "string") problems.push(`Description: "must be a literal string"`);
    else if (Buffer.byteLength(template.Description, "utf8") > CFN_TEMPLATE_LIMITS.descriptionBytes) {
      problems.push(`Description: ${Buffer.byteLength(template.Description, "utf8")} bytes; at most ${CFN_TEMPLATE_LIMITS.descriptionBytes} ("Template description")`);
    }
  }
  if ("Transform" in template) {
    // "StackSets does not currently support templates that use macros, including transforms" (quotas page).
    problems.push(`Transform: StackSets do not support templates that use macros, including transforms`);
  }

  const parameters = section(template, "Parameters", problems);
  const mappings = section(template, "Mappings", problems);
  const conditions = section(template, "Conditions", problems);
  const outputs = section(template, "Outputs", problems);
  const resources = section(template, "Resources", problems);
  if (!("Resources" in template)) problems.push(`Resources: missing; it "is the only required section"`);
  else if (Object.keys(resources).length === 0) problems.push(`Resources: declares no resource`);

  const counts: Array<[string, Record<string, unknown>, number]> = [
    ["Resources", resources, CFN_TEMPLATE_LIMITS.resources],
    ["Parameters", parameters, CFN_TEMPLATE_LIMITS.parameters],
    ["Outputs", outputs, CFN_TEMPLATE_LIMITS.outputs],
    ["Mappings", mappings, CFN_TEMPLATE_LIMITS.mappings],
  ];
  for (const [name, entries, limit] of counts) {
    const n = Object.keys(entries).length;
    if (n > limit) problems.push(`${name}: ${n} declared; CloudFormation allows at most ${limit}`);
  }
  for (const [name, entries] of [["Resources", resources], ["Parameters", parameters], ["Outputs", outputs], ["Conditions", conditions], ["Mappings", mappings]] as const) {
    for (const id of Object.keys(entries)) {
      if (!LOGICAL_ID.test(id)) problems.push(`${name}.${id}: a logical ID must be alphanumeric (A-Za-z0-9)`);
      else if (id.length > CFN_TEMPLATE_LIMITS.logicalIdChars) problems.push(`${name}.${id}: logical ID longer than ${CFN_TEMPLATE_LIMITS.logicalIdChars} characters`);
    }
  }
  for (const id of Object.keys(parameters)) {
    if (id in resources) problems.push(`Parameters.${id}: logical ID also used by a resource; it must be unique within the template`);
  }

  const ctx: TemplateContext = { resources, parameters, mappings, conditions, schemas };
  for (const [id, p] of Object.entries(parameters)) checkParameter(`Parameters.${id}`, p, problems);
  for (const [id, c] of Object.entries(conditions)) checkIntrinsics(`Conditions.${id}`, c, ctx, "condition", problems);
  for (const [id, r] of Object.entries(resources)) checkResource(id, r, ctx, problems);
  for (const [id, o] of Object.entries(outputs)) {
    const path = `Outputs.${id}`;
    if (!isObject(o)) {
      problems.push(`${path}: must be an object`);
      continue;
    }
    for (const key of Object.keys(o)) if (!OUTPUT_KEYS.has(key)) problems.push(`${path}.${key}: not an output field (allowed: ${[...OUTPUT_KEYS].join(", ")})`);
    if (!("Value" in o)) problems.push(`${path}: Value is required`);
    if ("Condition" in o && !(typeof o.Condition === "string" && o.Condition in conditions)) problems.push(`${path}.Condition: no condition ${JSON.stringify(o.Condition)} in Conditions`);
    if ("Export" in o && !(isObject(o.Export) && "Name" in o.Export && Object.keys(o.Export).length === 1)) problems.push(`${path}.Export: must be { "Name": … }`);
    checkIntrinsics(path, o, ctx, "value", problems);
  }
  return problems;
}

interface TemplateContext {
  readonly resources: Record<string, unknown>;
  readonly parameters: Record<string, unknown>;
  readonly mappings: Record<string, unknown>;
  readonly conditions: Record<string, unknown>;
  readonly schemas: Readonly<Record<string, ResourceSchema>>;
}

function section(template: Record<string, unknown>, name: string, problems: string[]): Record<string, unknown> {
  if (!(name in template)) return {};
  const value = template[name];
  if (!isObject(value)) {
    problems.push(`${name}: must be an object`);
    return {};
  }
  return value;
}

function checkParameter(path: string, p: unknown, problems: string[]): void {
  if (!isObject(p)) {
    problems.push(`${path}: must be an object`);
    return;
  }
  for (const key of Object.keys(p)) if (!PARAMETER_KEYS.has(key)) problems.push(`${path}.${key}: not a parameter property (allowed: ${[...PARAMETER_KEYS].join(", ")})`);
  const type = p.Type;
  const known =
    typeof type === "string" &&
    (["String", "Number", "List<Number>", "CommaDelimitedList"].includes(type) ||
      /^(List<)?AWS::EC2::[A-Za-z]+::[A-Za-z]+(>)?$/.test(type) ||
      /^AWS::SSM::Parameter::(Name|Value<.+>)$/.test(type));
  if (!known) problems.push(`${path}.Type: ${JSON.stringify(type)} is not a parameter type CloudFormation supports`);
}

function checkResource(id: string, r: unknown, ctx: TemplateContext, problems: string[]): void {
  const path = `Resources.${id}`;
  if (!isObject(r)) {
    problems.push(`${path}: must be an object`);
    return;
  }
  for (const key of Object.keys(r)) if (!RESOURCE_KEYS.has(key)) problems.push(`${path}.${key}: not a resource attribute (allowed: ${[...RESOURCE_KEYS].join(", ")})`);
  const dependsOn = r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
  for (const d of dependsOn) if (!(typeof d === "string" && d in ctx.resources && d !== id)) problems.push(`${path}.DependsOn: ${JSON.stringify(d)} is not another resource of this template`);
  if ("Condition" in r && !(typeof r.Condition === "string" && r.Condition in ctx.conditions)) problems.push(`${path}.Condition: no condition ${JSON.stringify(r.Condition)} in Conditions`);
  for (const policy of ["DeletionPolicy", "UpdateReplacePolicy"] as const) {
    if (policy in r && !DELETION_POLICIES.includes(r[policy] as string)) problems.push(`${path}.${policy}: ${JSON.stringify(r[policy])} is not one of ${DELETION_POLICIES.join(", ")}`);
  }
  if (typeof r.Type !== "string") {
    problems.push(`${path}.Type: required, a resource type name`);
    return;
  }
  const schema = ctx.schemas[r.Type];
  if (!schema) {
    problems.push(`${path}.Type: ${r.Type} has no published schema here (checked types: ${Object.keys(ctx.schemas).sort().join(", ")})`);
    return;
  }
  const properties = r.Properties ?? {};
  checkIntrinsics(path, { Properties: properties, Metadata: r.Metadata }, ctx, "value", problems);
  if (!isObject(properties)) {
    problems.push(`${path}.Properties: must be an object`);
    return;
  }
  for (const pointer of schema.readOnlyProperties ?? []) {
    const name = pointer.replace(/^\/properties\//, "").split("/")[0];
    if (name in properties && pointer === `/properties/${name}`) {
      problems.push(`${path}.Properties.${name}: read-only in ${schema.typeName} ("readOnlyProperties"): a template cannot set it`);
    }
  }
  const root: JsonSchema = { type: "object", properties: schema.properties, required: schema.required ?? [], additionalProperties: schema.additionalProperties ?? false };
  validate(properties, root, { schema, ctx, problems }, `${path}.Properties`, undefined);
  if (schema.typeName === "AWS::Events::Rule") checkEventBridgeRuleLimits(path, properties, problems);
}

function checkEventBridgeRuleLimits(path: string, properties: Record<string, unknown>, problems: string[]): void {
  if (Array.isArray(properties.Targets) && properties.Targets.length > EVENTBRIDGE_RULE_LIMITS.targetsPerRule) {
    problems.push(`${path}.Properties.Targets: ${properties.Targets.length} targets; "You can define up to five targets for each rule" (EventBridge)`);
  }
  if (isObject(properties.EventPattern) || typeof properties.EventPattern === "string") {
    const chars = typeof properties.EventPattern === "string" ? properties.EventPattern.length : JSON.stringify(properties.EventPattern).length;
    if (chars > EVENTBRIDGE_RULE_LIMITS.eventPatternChars) {
      problems.push(`${path}.Properties.EventPattern: ${chars} characters; EventBridge's default "Maximum size of an event pattern, in characters" is ${EVENTBRIDGE_RULE_LIMITS.eventPatternChars}`);
    }
  }
}

// ----- intrinsic functions -----------------------------------------------------------------------------------

/** The single function name of an intrinsic call (`{ "Ref": … }`, `{ "Fn::Sub": … }`), or undefined. */
function intrinsicName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys;
  return key === "Ref" || key === "Condition" || key.startsWith("Fn::") ? key : undefined;
}

/** The attributes `Fn::GetAtt` may name: the schema's readOnlyProperties, as `A` or `A.B` for nested pointers. */
export function getAttAttributes(schema: ResourceSchema): string[] {
  return (schema.readOnlyProperties ?? []).map((p) => p.replace(/^\/properties\//, "").split("/").join("."));
}

function checkRef(path: string, target: unknown, ctx: TemplateContext, problems: string[]): void {
  if (typeof target !== "string") problems.push(`${path}: Ref takes a logical name (a string)`);
  else if (!(target in ctx.resources || target in ctx.parameters || PSEUDO_PARAMETERS.has(target))) {
    problems.push(`${path}: Ref ${JSON.stringify(target)} names no resource, parameter or pseudo parameter of this template`);
  }
}

function checkGetAtt(path: string, resource: unknown, attribute: unknown, ctx: TemplateContext, problems: string[]): void {
  if (typeof resource !== "string" || typeof attribute !== "string") {
    problems.push(`${path}: Fn::GetAtt takes [ "logicalNameOfResource", "attributeName" ]`);
    return;
  }
  const r = ctx.resources[resource];
  if (!isObject(r)) {
    problems.push(`${path}: Fn::GetAtt names ${JSON.stringify(resource)}, which is no resource of this template`);
    return;
  }
  const schema = typeof r.Type === "string" ? ctx.schemas[r.Type] : undefined;
  if (!schema) return; // the unknown type is reported on the resource itself
  const attributes = getAttAttributes(schema);
  if (!attributes.includes(attribute)) {
    problems.push(`${path}: ${schema.typeName} has no attribute ${JSON.stringify(attribute)} for Fn::GetAtt (its schema's readOnlyProperties: ${attributes.join(", ") || "none"})`);
  }
}

/** `${Name}`, `${Resource.Attribute}` and `${!Literal}` in an Fn::Sub string. */
function checkSub(path: string, text: string, variables: Record<string, unknown>, ctx: TemplateContext, problems: string[]): void {
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const name = match[1];
    if (name.startsWith("!")) continue; // ${!Literal} is written out as ${Literal}
    if (name in variables) continue;
    if (name.includes(".") && !PSEUDO_PARAMETERS.has(name)) {
      const dot = name.indexOf(".");
      checkGetAtt(path, name.slice(0, dot), name.slice(dot + 1), ctx, problems);
    } else checkRef(path, name, ctx, problems);
  }
}

/**
 * Walks `value` and checks every intrinsic call in it: known function, argument shape, and that what it names
 * exists (resources, parameters, conditions, mappings, GetAtt attributes). Intrinsics resolve anywhere in a
 * property value, including inside free-form JSON such as an event pattern or a policy document.
 */
function checkIntrinsics(path: string, value: unknown, ctx: TemplateContext, where: "value" | "condition", problems: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkIntrinsics(`${path}[${i}]`, v, ctx, where, problems));
    return;
  }
  if (!isObject(value)) return;
  const fn = intrinsicName(value);
  if (fn === undefined) {
    for (const [k, v] of Object.entries(value)) checkIntrinsics(`${path}.${k}`, v, ctx, where, problems);
    return;
  }
  const args = value[fn];
  const at = `${path}.${fn}`;
  const allowed = where === "condition" ? new Set([...CONDITION_FUNCTIONS, "Ref", "Fn::FindInMap", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::GetAZs", "Fn::Base64"]) : VALUE_FUNCTIONS;
  if (!allowed.has(fn)) {
    const known = VALUE_FUNCTIONS.has(fn) || CONDITION_FUNCTIONS.has(fn);
    if (fn === "Condition" && where === "value") {
      // a property literally named "Condition" (e.g. AWS::Events::EventBusPolicy) is not a function
      checkIntrinsics(`${path}.Condition`, args, ctx, where, problems);
      return;
    }
    problems.push(`${at}: ${known ? `not allowed in ${where === "condition" ? "Conditions" : "a property value"}` : "no such intrinsic function"}`);
    return;
  }
  const list = (n: number) => Array.isArray(args) && args.length === n;
  switch (fn) {
    case "Ref":
      checkRef(at, args, ctx, problems);
      if (where === "condition" && typeof args === "string" && args in ctx.resources) problems.push(`${at}: Conditions can reference parameters and pseudo parameters, not resources`);
      return;
    case "Condition":
      if (!(typeof args === "string" && args in ctx.conditions)) problems.push(`${at}: no condition ${JSON.stringify(args)} in Conditions`);
      return;
    case "Fn::GetAtt":
      if (typeof args === "string" && args.includes(".")) checkGetAtt(at, args.slice(0, args.indexOf(".")), args.slice(args.indexOf(".") + 1), ctx, problems);
      else if (list(2)) checkGetAtt(at, (args as unknown[])[0], (args as unknown[])[1], ctx, problems);
      else problems.push(`${at}: Fn::GetAtt takes [ "logicalNameOfResource", "attributeName" ]`);
      return;
    case "Fn::Sub":
      if (typeof args === "string") checkSub(at, args, {}, ctx, problems);
      else if (list(2) && typeof (args as unknown[])[0] === "string" && isObject((args as unknown[])[1])) {
        const [text, vars] = args as [string, Record<string, unknown>];
        checkSub(at, text, vars, ctx, problems);
        checkIntrinsics(`${at}[1]`, vars, ctx, where, problems);
      } else problems.push(`${at}: Fn::Sub takes a string or [ string, { variables } ]`);
      return;
    case "Fn::Join":
      if (!(list(2) && typeof (args as unknown[])[0] === "string" && (Array.isArray((args as unknown[])[1]) || intrinsicName((args as unknown[])[1])))) {
        problems.push(`${at}: Fn::Join takes [ "delimiter", [ values ] ]`);
        return;
      }
      break;
    case "Fn::If": {
      if (!list(3)) {
        problems.push(`${at}: Fn::If takes [ condition_name, value_if_true, value_if_false ]`);
        return;
      }
      const name = (args as unknown[])[0];
      if (!(typeof name === "string" && name in ctx.conditions)) problems.push(`${at}: no condition ${JSON.stringify(name)} in Conditions`);
      (args as unknown[]).slice(1).forEach((v, i) => checkIntrinsics(`${at}[${i + 1}]`, v, ctx, where, problems));
      return;
    }
    case "Fn::Select":
      if (!list(2)) problems.push(`${at}: Fn::Select takes [ index, list ]`);
      break;
    case "Fn::Split":
      if (!(list(2) && typeof (args as unknown[])[0] === "string")) problems.push(`${at}: Fn::Split takes [ "delimiter", string ]`);
      break;
    case "Fn::FindInMap":
      if (!list(3)) problems.push(`${at}: Fn::FindInMap takes [ MapName, TopLevelKey, SecondLevelKey ]`);
      else if (typeof (args as unknown[])[0] === "string" && !((args as string[])[0] in ctx.mappings)) problems.push(`${at}: no mapping ${JSON.stringify((args as unknown[])[0])} in Mappings`);
      break;
    case "Fn::Equals":
      if (!list(2)) problems.push(`${at}: Fn::Equals takes [ value_1, value_2 ]`);
      break;
    case "Fn::Not":
      if (!list(1)) problems.push(`${at}: Fn::Not takes [ condition ]`);
      break;
    case "Fn::And":
    case "Fn::Or":
      if (!(Array.isArray(args) && args.length >= 2 && args.length <= 10)) problems.push(`${at}: ${fn} takes 2 to 10 conditions`);
      break;
  }
  checkIntrinsics(at, args, ctx, where, problems);
}

/** What an intrinsic call yields where a value is expected: a list, a scalar (string), or either. */
function intrinsicYield(fn: string, args: unknown, ctx: TemplateContext): "list" | "scalar" | "any" {
  if (LIST_FUNCTIONS.has(fn)) return "list";
  if (fn === "Fn::FindInMap") return "any";
  if (fn === "Ref") {
    if (args === "AWS::NotificationARNs") return "list";
    const p = typeof args === "string" ? ctx.parameters[args] : undefined;
    if (isObject(p) && typeof p.Type === "string" && (p.Type.startsWith("List<") || p.Type === "CommaDelimitedList")) return "list";
  }
  if (fn === "Fn::GetAtt") return "any"; // some attributes are lists; the schemas give no type for attributes
  return "scalar";
}

// ----- JSON Schema evaluation ------------------------------------------------------------------------------

interface Evaluation {
  readonly schema: ResourceSchema;
  readonly ctx: TemplateContext;
  readonly problems: string[];
}

/** The schema's own words about a property: its description, first sentence, for the problem line. */
function words(schema: JsonSchema, typeName: string): string {
  const d = typeof schema.description === "string" ? schema.description.trim() : "";
  if (!d) return ` (${typeName})`;
  const sentence = d.split(/(?<=\.)\s/)[0];
  return ` (${typeName}: "${sentence.length > 200 ? `${sentence.slice(0, 197)}...` : sentence}")`;
}

function resolve(node: JsonSchema, schema: ResourceSchema): JsonSchema {
  let n = node;
  for (let depth = 0; typeof n.$ref === "string"; depth++) {
    const m = /^#\/definitions\/(.+)$/.exec(n.$ref as string);
    const target = m ? schema.definitions?.[m[1]] : undefined;
    if (!target || depth > 32) throw new Error(`cfn-schema: ${schema.typeName} has an unresolvable $ref ${String(n.$ref)}`);
    n = { ...target, description: n.description ?? target.description };
  }
  return n;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

/** A JSON Schema `pattern`: an ECMA-262 regular expression, not implicitly anchored (JSON Schema validation §6.3.3). */
function patternMatches(pattern: string, text: string): boolean {
  return new RegExp(pattern).test(text);
}

/** Canonical JSON (sorted keys) for `uniqueItems` and `enum`/`const` comparison. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  return JSON.stringify(value);
}

/** Validates `value` against schema node `node`; problems go to `e.problems`; returns whether it passed. */
function validate(value: unknown, node: JsonSchema, e: Evaluation, path: string, cited: JsonSchema | undefined): boolean {
  const before = e.problems.length;
  const n = resolve(node, e.schema);
  const about = cited ?? n;
  const fail = (message: string) => e.problems.push(`${path}: ${message}${words(about, e.schema.typeName)}`);
  for (const keyword of Object.keys(n)) {
    if (!ENFORCED_KEYWORDS.has(keyword) && !ANNOTATION_KEYWORDS.has(keyword)) throw new Error(`cfn-schema: ${e.schema.typeName} uses JSON Schema keyword "${keyword}", which this checker does not evaluate`);
  }
  const types = n.type === undefined ? undefined : Array.isArray(n.type) ? (n.type as string[]) : [n.type as string];

  const fn = intrinsicName(value);
  if (fn !== undefined && fn !== "Condition") {
    const args = (value as Record<string, unknown>)[fn];
    if (fn === "Fn::If" && Array.isArray(args)) {
      const branches = args.slice(1);
      branches.forEach((b, i) => {
        if (!(isObject(b) && b.Ref === "AWS::NoValue")) validate(b, node, e, `${path}.Fn::If[${i + 1}]`, cited);
      });
      return e.problems.length === before;
    }
    const yields = intrinsicYield(fn, args, e.ctx);
    if (types && yields !== "any") {
      const ok = yields === "list" ? types.includes("array") : types.some((t) => t !== "array" && t !== "object") || (types.includes("object") && fn === "Fn::FindInMap");
      if (!ok) fail(`${fn} yields a ${yields === "list" ? "list" : "string"}, but the schema says "type": ${JSON.stringify(n.type)}`);
    }
    return e.problems.length === before;
  }

  if (types && !types.some((t) => typeMatches(value, t))) {
    fail(`${JSON.stringify(value)} is ${article(typeOf(value))}; the schema says "type": ${JSON.stringify(n.type)}`);
    return false;
  }
  if (Array.isArray(n.enum) && !n.enum.some((v) => canonical(v) === canonical(value))) {
    fail(`${JSON.stringify(value)} is not one of the schema's "enum": ${JSON.stringify(n.enum)}`);
  }
  if ("const" in n && canonical(n.const) !== canonical(value)) fail(`must be ${JSON.stringify(n.const)} ("const")`);

  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof n.minLength === "number" && length < n.minLength) fail(`${length} characters; the schema says "minLength": ${n.minLength}`);
    if (typeof n.maxLength === "number" && length > n.maxLength) fail(`${length} characters; the schema says "maxLength": ${n.maxLength}`);
    if (typeof n.pattern === "string" && !patternMatches(n.pattern, value)) fail(`${JSON.stringify(value)} does not match the schema's "pattern": ${JSON.stringify(n.pattern)}`);
  }
  if (typeof value === "number") {
    if (typeof n.minimum === "number" && value < n.minimum) fail(`${value} is below the schema's "minimum": ${n.minimum}`);
    if (typeof n.maximum === "number" && value > n.maximum) fail(`${value} is above the schema's "maximum": ${n.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof n.minItems === "number" && value.length < n.minItems) fail(`${value.length} items; the schema says "minItems": ${n.minItems}`);
    if (typeof n.maxItems === "number" && value.length > n.maxItems) fail(`${value.length} items; the schema says "maxItems": ${n.maxItems}`);
    if (n.uniqueItems === true) {
      const seen = new Set<string>();
      for (const item of value) {
        const key = canonical(item);
        if (seen.has(key)) fail(`${JSON.stringify(item)} appears twice; the schema says "uniqueItems": true`);
        seen.add(key);
      }
    }
    if (isObject(n.items)) value.forEach((item, i) => validate(item, n.items as JsonSchema, e, `${path}[${i}]`, undefined));
  }
  if (isObject(value)) validateObject(value, n, e, path);

  for (const combinator of ["allOf", "anyOf", "oneOf"] as const) {
    const options = n[combinator];
    if (!Array.isArray(options)) continue;
    const passed = options.map((option) => {
      const trial: Evaluation = { ...e, problems: [] };
      return validate(value, option as JsonSchema, trial, path, cited ?? n);
    });
    const count = passed.filter(Boolean).length;
    if (combinator === "allOf" && count < options.length) fail(`does not satisfy every schema of "allOf"`);
    if (combinator === "anyOf" && count === 0) fail(`matches none of the schema's "anyOf" alternatives`);
    if (combinator === "oneOf" && count !== 1) fail(`matches ${count} of the schema's "oneOf" alternatives; exactly one is required`);
  }
  return e.problems.length === before;
}

function validateObject(value: Record<string, unknown>, n: JsonSchema, e: Evaluation, path: string): void {
  const properties = isObject(n.properties) ? (n.properties as Record<string, JsonSchema>) : {};
  const patternProperties = isObject(n.patternProperties) ? (n.patternProperties as Record<string, JsonSchema>) : {};
  // A property set to { "Ref": "AWS::NoValue" } is removed by CloudFormation: "Removes the corresponding resource
  // property when specified as a return value in the Fn::If intrinsic function" (pseudo parameters reference).
  const present = Object.keys(value).filter((k) => !(isObject(value[k]) && (value[k] as Record<string, unknown>).Ref === "AWS::NoValue"));
  for (const name of Array.isArray(n.required) ? (n.required as string[]) : []) {
    if (!present.includes(name)) {
      const about = properties[name] ? resolve(properties[name], e.schema) : undefined;
      e.problems.push(`${path}: missing ${JSON.stringify(name)}, which the schema lists in "required"${about ? words(about, e.schema.typeName) : ` (${e.schema.typeName})`}`);
    }
  }
  for (const key of present) {
    const child = `${path}.${key}`;
    let matched = false;
    if (properties[key]) {
      matched = true;
      validate(value[key], properties[key], e, child, undefined);
    }
    for (const [pattern, schema] of Object.entries(patternProperties)) {
      if (patternMatches(pattern, key)) {
        matched = true;
        validate(value[key], schema, e, child, undefined);
      }
    }
    if (matched) continue;
    if (n.additionalProperties === false) {
      const allowed = Object.keys(properties).sort();
      e.problems.push(
        `${child}: not a property the schema allows ("additionalProperties": false; allowed: ${allowed.join(", ") || `keys matching ${Object.keys(patternProperties).join(", ")}`})${words(n, e.schema.typeName)}`,
      );
    } else if (isObject(n.additionalProperties)) validate(value[key], n.additionalProperties as JsonSchema, e, child, undefined);
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
