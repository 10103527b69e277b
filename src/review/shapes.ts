/**
 * Which keys of each resource, data source and provider body are nested blocks, learned from cdktf's provider
 * bindings: their HCL form (`toHclTerraform()`) marks every argument with `isBlock`. Terraform's JSON syntax cannot
 * tell a block (`rule { … }`) from a map or object argument (`tags = { … }`); the HCL renderer needs this to.
 */
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformStack, Tokenization } from "cdktf";
import { IConstruct } from "constructs";
import { BlockShape, StackShapes } from "./hcl";

type Mutable = { blocks: Record<string, Mutable> };

/** The block shapes of every element of `stack`, and the construct order of its resources and data sources. */
export function stackShapes(stack: TerraformStack): StackShapes {
  const resource: Record<string, Mutable> = {};
  const data: Record<string, Mutable> = {};
  const provider: Record<string, Mutable> = {};
  const order: string[] = [];
  const resolver = new DefaultTokenResolver(new StringConcat());
  for (const element of elements(stack)) {
    const fragment = Tokenization.resolve(element.toHclTerraform(), { scope: stack, preparing: false, resolver }) as Record<string, unknown>;
    for (const kind of ["resource", "data"] as const) {
      const target = kind === "resource" ? resource : data;
      for (const [type, byName] of entries(fragment[kind])) {
        for (const [name, body] of entries(byName)) {
          merge((target[type] ??= { blocks: {} }), shapeOf(body));
          order.push(`${kind === "data" ? "data." : ""}${type}.${name}`);
        }
      }
    }
    for (const [name, instances] of entries(fragment.provider)) {
      for (const body of Array.isArray(instances) ? instances : [instances]) merge((provider[name] ??= { blocks: {} }), shapeOf(body));
    }
  }
  return { resource, data, provider, order };
}

/** The elements of a stack in construct order (depth first), as cdktf synthesizes them; nested stacks excluded. */
function elements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) elements(child, into);
  return into;
}

function entries(v: unknown): Array<[string, unknown]> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? Object.entries(v) : [];
}

/** A body in cdktf's HCL form: each argument is `{ value, isBlock | is_block, type, storageClassType }` or a raw value. */
function shapeOf(body: unknown): Mutable {
  const shape: Mutable = { blocks: {} };
  for (const [key, arg] of entries(body)) {
    if (typeof arg !== "object" || arg === null || Array.isArray(arg) || !("value" in arg)) continue;
    const { isBlock, is_block: isBlockSnake, value } = arg as { isBlock?: boolean; is_block?: boolean; value: unknown };
    if (!isBlock && !isBlockSnake) continue;
    const child = (shape.blocks[key] ??= { blocks: {} });
    for (const item of Array.isArray(value) ? value : [value]) merge(child, shapeOf(item));
  }
  return shape;
}

function merge(into: Mutable, from: BlockShape): void {
  for (const [key, child] of Object.entries(from.blocks)) merge((into.blocks[key] ??= { blocks: {} }), child);
}
