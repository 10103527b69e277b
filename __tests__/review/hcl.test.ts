import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTemplate, renderHcl, StackShapes } from "../../src/review/hcl";

const NO_SHAPES: StackShapes = { resource: {}, data: {}, provider: {} };

/** The rendering of one resource `aws_x.r` with the given body, without the block's first and last lines. */
function body(args: Record<string, unknown>, shapes: StackShapes = NO_SHAPES): string {
  const hcl = renderHcl({ resource: { aws_x: { r: args } } }, shapes);
  return hcl.split("\n").slice(1, -2).join("\n");
}

describe("templates", () => {
  test("a string that is one interpolation is the bare expression", () => {
    expect(body({ arn: "${aws_sns_topic.t.arn}" })).toBe("  arn = aws_sns_topic.t.arn");
  });

  test("interpolations inside a longer string are kept, the literal text escaped", () => {
    expect(body({ a: 'arn:aws:events:${data.aws_caller_identity.current.account_id}:rule/"x"\\y' })).toBe(
      '  a = "arn:aws:events:${data.aws_caller_identity.current.account_id}:rule/\\"x\\"\\\\y"',
    );
  });

  test("escaped $${ and %%{ stay literal, control characters are escaped", () => {
    expect(body({ a: "cost $${x} at 100%%{y}\t\r\u0001" })).toBe('  a = "cost $${x} at 100%%{y}\\t\\r\\u0001"');
    expect(parseTemplate("a$${b}${c}")).toEqual([{ lit: "a${b}" }, { interp: "${c}" }]);
  });

  test("an interpolation holding quotes and braces is one part", () => {
    expect(parseTemplate('x${replace(var.a, "}", "{")}y')).toEqual([{ lit: "x" }, { interp: '${replace(var.a, "}", "{")}' }, { lit: "y" }]);
    expect(() => parseTemplate("${unterminated")).toThrow(/unterminated interpolation/);
  });
});

describe("JSON documents", () => {
  test("a policy becomes jsonencode over an HCL object: keys that are not identifiers quoted, references bare", () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: "*",
          Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": "${aws_sns_topic.t.arn}", null: "n" } },
        },
      ],
    });
    expect(body({ policy })).toBe(
      [
        "  policy = jsonencode({",
        '    Version = "2012-10-17"',
        "    Statement = [",
        "      {",
        '        Effect   = "Allow"',
        '        Action   = ["kms:Decrypt"]',
        '        Resource = "*"',
        "        Condition = {",
        "          StringEquals = {",
        '            "kms:EncryptionContext:aws:sns:topicArn" = aws_sns_topic.t.arn',
        '            "null"                                   = "n"',
        "          }",
        "        }",
        "      },",
        "    ]",
        "  })",
      ].join("\n"),
    );
  });

  test("numbers keep their text; true, false, null and empty collections are literals", () => {
    expect(body({ event_pattern: '{"a":[1.50,-2e3],"b":true,"c":null,"d":{},"e":[]}' })).toBe(
      ["  event_pattern = jsonencode({", "    a = [1.50, -2e3]", "    b = true", "    c = null", "    d = {}", "    e = []", "  })"].join("\n"),
    );
  });

  test("what is not one JSON document stays a string", () => {
    expect(body({ policy: "not json" })).toBe('  policy = "not json"');
    expect(body({ policy: '{"a":1} trailing' })).toBe('  policy = "{\\"a\\":1} trailing"');
    expect(body({ policy: '{"a":${var.n}}' })).toBe('  policy = "{\\"a\\":${var.n}}"');
    expect(body({ policy: '{"a":1,"a":2}' })).toBe('  policy = "{\\"a\\":1,\\"a\\":2}"');
    // Not a JSON-document argument: a filter pattern's braces are not JSON, an input template's text is kept as is.
    expect(body({ pattern: '{ $.a = "b" }' })).toBe('  pattern = "{ $.a = \\"b\\" }"');
    expect(body({ input_template: '{"a":"<b>"}' })).toBe('  input_template = "{\\"a\\":\\"<b>\\"}"');
  });
});

describe("layout", () => {
  test("blocks and map arguments are told apart by the shapes, blocks after arguments", () => {
    const shapes: StackShapes = { ...NO_SHAPES, resource: { aws_x: { blocks: { rule: { blocks: { inner: { blocks: {} } } } } } } };
    expect(body({ tags: { Name: "n", "a:b": "c" }, rule: [{ id: "1", inner: { x: 1 } }, { id: "2" }], z: 1 }, shapes)).toBe(
      [
        "  tags = {",
        '    Name  = "n"',
        '    "a:b" = "c"',
        "  }",
        "  z = 1",
        "",
        "  rule {",
        '    id = "1"',
        "",
        "    inner {",
        "      x = 1",
        "    }",
        "  }",
        "",
        "  rule {",
        '    id = "2"',
        "  }",
      ].join("\n"),
    );
  });

  test("multi-line strings are heredocs: chomp() when there is no final newline", () => {
    expect(body({ a: "one\n  two ${var.x} $${y}\n\nthree", b: "x\n", c: 1 })).toBe(
      ["  a = chomp(<<-EOT", "    one", "      two ${var.x} $${y}", "", "    three", "    EOT", "  )", "  b = <<-EOT", "    x", "    EOT", "  c = 1"].join("\n"),
    );
    // Every line indented: `<<-` would strip that indentation, so a quoted string says it instead.
    expect(body({ a: "  one\n  two" })).toBe('  a = "  one\\n  two"');
    expect(body({ a: "EOT\nx" })).toContain("<<-EOT2");
  });

  test("meta-arguments: for_each first, depends_on last, references bare", () => {
    const hcl = body({ for_each: "${toset(var.a)}", name: "${each.value}", depends_on: ["aws_y.a"], lifecycle: { ignore_changes: ["tags"] } });
    expect(hcl).toBe(
      ["  for_each = toset(var.a)", "  name     = each.value", "", "  lifecycle {", "    ignore_changes = [tags]", "  }", "", "  depends_on = [aws_y.a]"].join(
        "\n",
      ),
    );
  });

  test("top-level blocks it does not know are refused, not guessed", () => {
    expect(() => renderHcl({ check: {} }, NO_SHAPES)).toThrow(/does not support top-level "check"/);
  });
});

/**
 * The real Terraform CLI, on a configuration of only locals (no provider, no init): the JSON form and the rendered HCL
 * form must evaluate to the same values, and the HCL must be what terraform fmt writes.
 */
describe("edge cases evaluated by Terraform", () => {
  const locals: Record<string, unknown> = {
    arn: "arn:aws:sns:us-east-1:123456789012:t",
    quotes: 'a "quoted" \\ backslash\ttab',
    escapes: "literal $${not} and %%{not} and ${local.arn}",
    dollar: '${"$"}${local.arn}',
    unicode: "clé ✓",
    // A long filter pattern: an interpolation, an operator inside a quoted value, an escaped quote, a `$` before `${`.
    pattern: `{ ($.eventSource = "kms.amazonaws.com" && $.requestParameters.keyId = "\${local.arn}") || ($.userAgent = "a && b || c" && $.x = "say \\"hi\\" || no") || ${'$.eventName = "GetSecretValue" || '.repeat(6)}$.price = "$\${local.arn}" }`,
    multi: "first\n  second ${local.arn}\n\nEOT\nlast",
    multi_newline: "one\ntwo\n",
    indented: "  a\n  b",
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "A", Effect: "Allow", Principal: { AWS: "${local.arn}" }, Resource: ["${local.arn}/*", "x"], Condition: { "aws:x": { "clé": "${local.arn}" } } }],
    }),
    event_pattern: '{"detail-type":["x"],"$or":[{"n":[{"numeric":[">",0,"<=",5.5]}]},{"e":[{"exists":false}]}],"null":[null],"for":{}}',
    dashboard_body: '{"widgets":[],"w":[[ "a", {"label":"b \\"q\\" ${local.arn}"} ]]}',
  };
  let tmp: string;
  let hcl: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "sam-hcl-edge-"));
    mkdirSync(join(tmp, "json"));
    mkdirSync(join(tmp, "hcl"));
    writeFileSync(join(tmp, "json", "main.tf.json"), JSON.stringify({ locals }));
    hcl = renderHcl({ locals }, NO_SHAPES);
    writeFileSync(join(tmp, "hcl", "main.tf"), hcl);
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const env = { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
  const evaluate = (dir: string): string => {
    const exprs = Object.keys(locals).map((k) => (["policy", "event_pattern", "dashboard_body"].includes(k) ? `jsondecode(local.${k})` : `local.${k}`));
    const run = spawnSync("terraform", ["console"], { cwd: join(tmp, dir), input: `jsonencode([${exprs.join(", ")}])\n`, encoding: "utf8", env });
    if (run.status !== 0) throw new Error(`terraform console in ${dir}: ${run.stderr}`);
    return run.stdout.trim();
  };

  test("the HCL evaluates to the JSON's values", () => {
    expect(hcl).toContain("policy = jsonencode({");
    // A long filter pattern is broken after its operators, outside quotes, and joined back.
    expect(hcl).toMatch(/\n {2}pattern *= join\("", \[\n/);
    const pieces = hcl.slice(hcl.indexOf('pattern = join("", [')).split("\n").slice(1, hcl.slice(hcl.indexOf('pattern = join("", [')).split("\n").indexOf("  ])"));
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(110);
    expect(pieces.some((p) => p.includes('a && b || c'))).toBe(true);
    expect(hcl).toContain("multi = chomp(<<-EOT");
    const fromJson = evaluate("json");
    expect(fromJson).toContain("arn:aws:sns:us-east-1:123456789012:t/*");
    expect(evaluate("hcl")).toBe(fromJson);
  });

  test("the comparison sees a difference (the check can fail)", () => {
    const altered = join(tmp, "altered");
    mkdirSync(altered);
    writeFileSync(join(altered, "main.tf"), hcl.replace("literal $${not}", "literal ${local.arn}"));
    expect(evaluate("altered")).not.toBe(evaluate("json"));
  });

  test("the HCL is what terraform fmt writes", () => {
    const run = spawnSync("terraform", ["fmt", "-check", "-diff", join(tmp, "hcl")], { encoding: "utf8", env });
    expect(run.stdout).toBe("");
    expect(run.status).toBe(0);
  });
});
