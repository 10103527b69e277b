import { escapeTemplate, repairHcl } from "../../src/review/hcl";

describe("HCL repair for review output", () => {
  test("quotes and backslashes of the literal text are escaped, interpolations are left alone", () => {
    expect(escapeTemplate('{"Resource":"${aws_s3_bucket.b.arn}/*","x":"a\\\\b"}')).toBe('{\\"Resource\\":\\"${aws_s3_bucket.b.arn}/*\\",\\"x\\":\\"a\\\\\\\\b\\"}');
  });

  test("strings inside an interpolation keep their quotes and braces", () => {
    const t = '${can(regex("^[^@\\\\s]+{1}$", e))} and "q"';
    expect(escapeTemplate(t)).toBe('${can(regex("^[^@\\\\s]+{1}$", e))} and \\"q\\"');
  });

  test("a broken policy line from cdktf's renderer becomes a valid HCL string", () => {
    const broken = 'policy = "{"Version":"2012-10-17","Statement":[{"Resource":"${aws_sns_topic.t.arn}"}]}"';
    expect(repairHcl(broken)).toBe('policy = "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Resource\\":\\"${aws_sns_topic.t.arn}\\"}]}"');
  });

  test("lines without interpolation, blocks and heredocs are untouched", () => {
    const text = ['name = "plain \\"quoted\\""', "rule {", "  status = \"Enabled\"", "}", "input_template = <<EOF", 'Who: "<principal>"', "EOF"].join("\n");
    expect(repairHcl(text)).toBe(text);
  });
});
