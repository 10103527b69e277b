import { renderInputTransformer } from "../../src/engines/input-transformer";

describe("input-transformer renderer: documented vectors", () => {
  const event = { source: "aws.ec2", time: "2026-11-20T00:00:00Z", detail: { "instance-id": "i-0123456789", state: "RUNNING" } };
  const paths = { instance: "$.detail.instance-id", state: "$.detail.state" };

  test("plain-text template inserts strings as they are", () => {
    expect(renderInputTransformer(paths, "instance <instance> is in <state>", event).text).toBe("instance i-0123456789 is in RUNNING");
  });

  test("a JSON template quotes strings outside string literals", () => {
    const out = renderInputTransformer(paths, '{"instance": <instance>, "state": [9, <state>, true], "Transformed": "Yes"}', event).text;
    expect(JSON.parse(out)).toEqual({ instance: "i-0123456789", state: [9, "RUNNING", true], Transformed: "Yes" });
  });

  test("predefined variables: rule name", () => {
    expect(renderInputTransformer({}, "<aws.events.rule-name> triggered", event, { ruleName: "example" }).text).toBe("example triggered");
  });

  test("a path missing from the event creates no variable and renders as nothing", () => {
    const out = renderInputTransformer({ ...paths, ip: "$.detail.sourceIPAddress" }, "from <ip>.", event);
    expect(out.text).toBe("from .");
    expect(out.missing).toEqual(["ip"]);
  });

  test("objects render as compact JSON", () => {
    expect(renderInputTransformer({ d: "$.detail" }, "<d>", event).text).toBe('{"instance-id":"i-0123456789","state":"RUNNING"}');
  });
});

import { inputTransformerProblems, placeholderUses } from "../../src/engines/input-transformer";

/**
 * How EventBridge writes a value depends on where its placeholder stands (EventBridge User Guide, "Amazon
 * EventBridge input transformation", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html):
 * "EventBridge doesn't escape values extracted by Input Path, when populating the Input Template for a target";
 * "If a JSON path references a JSON object or array, but the variable is referenced in a string, EventBridge removes
 * any internal quotes to ensure a valid string"; the documented vector `{"instance" : <instance>, "state": <state>}`
 * → `{"instance" : "i-0123456789", "state": "RUNNING"}` (a string out of quotes is written quoted).
 */
describe("input-transformer renderer: JSON templates, by placeholder position", () => {
  const event = { detail: { ua: 'a "q" \\ b\nc', obj: { k: 'v"1', n: 2 }, arr: [1, "x"] } };
  const paths = { ua: "$.detail.ua", obj: "$.detail.obj", arr: "$.detail.arr", gone: "$.detail.missing" };

  test("a string inside a string literal is inserted unescaped: a quote in the value breaks the JSON (why free text never goes there)", () => {
    const out = renderInputTransformer(paths, '{"text": "agent <ua>"}', event).text;
    expect(out).toBe('{"text": "agent a "q" \\ b\nc"}');
    expect(() => JSON.parse(out)).toThrow();
  });

  test("a string as a whole value is written as a JSON string, so any value stays valid JSON", () => {
    const out = renderInputTransformer(paths, '{"text": <ua>}', event).text;
    expect(JSON.parse(out)).toEqual({ text: event.detail.ua });
  });

  test("an object inside a string loses its quotes (escaped characters stay escaped), an object as a value stays JSON", () => {
    const inString = renderInputTransformer(paths, '{"t": "req <obj>"}', event).text;
    expect(JSON.parse(inString)).toEqual({ t: 'req {k:v"1,n:2}' });
    expect(JSON.parse(renderInputTransformer(paths, '{"t": <obj>, "a": <arr>}', event).text)).toEqual({ t: event.detail.obj, a: event.detail.arr });
  });

  test("a missing path leaves nothing: as a whole value that is invalid JSON, inside an array it is an empty list", () => {
    expect(() => JSON.parse(renderInputTransformer(paths, '{"t": <gone>}', event).text)).toThrow();
    expect(JSON.parse(renderInputTransformer(paths, '{"t": [<gone>]}', event).text)).toEqual({ t: [] });
  });

  test("an escaped quote inside a literal does not end the string", () => {
    const uses = placeholderUses('{"a": "say \\"<ua>\\"", "b": <obj>}');
    expect(uses.map((u) => [u.name, u.context])).toEqual([
      ["ua", "string"],
      ["obj", "value"],
    ]);
  });
});

/**
 * API reference, InputTransformer (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html):
 * InputPathsMap "You can have as many as 100 key-value pairs"; InputTemplate "Length Constraints: Minimum length of 1.
 * Maximum length of 8192"; "The placeholder cannot be used as an object key."
 */
describe("input-transformer limits EventBridge enforces", () => {
  test("at most 100 input paths", () => {
    const paths = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, "$.detail.x"]));
    expect(inputTransformerProblems(paths, '"x"')).toEqual(["101 input paths, at most 100"]);
    delete paths.p100;
    expect(inputTransformerProblems(paths, '"x"')).toEqual([]);
  });

  test("templates of 1 to 8192 characters", () => {
    expect(inputTransformerProblems({}, "x".repeat(8192))).toEqual([]);
    expect(inputTransformerProblems({}, "x".repeat(8193))).toEqual(["the template has 8193 characters, EventBridge accepts 1 to 8192"]);
  });

  test("a placeholder used as an object key", () => {
    expect(inputTransformerProblems({ k: "$.detail.k" }, '{<k>: 1}')).toEqual(["<k> is used as an object key"]);
  });
});
