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
