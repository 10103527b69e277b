import { EventPatternError, matchesEventPattern } from "../../src/engines/event-pattern";

const m = (pattern: object, event: object) => matchesEventPattern(pattern as Record<string, unknown>, event);

describe("event-pattern engine: documented vectors", () => {
  const ec2 = { source: "aws.ec2", "detail-type": "EC2 Instance State-change Notification", detail: { "instance-id": "i-abcd1111", state: "pending" } };

  test("exists matches a present leaf, not an absent one", () => {
    expect(m({ detail: { state: [{ exists: true }] } }, ec2)).toBe(true);
    expect(m({ detail: { state: [{ exists: true }] } }, { detail: { "c-count": { c1: 100 } } })).toBe(false);
  });

  test("event-ruler exists table", () => {
    const events = [{ a: 1 }, { b: 2 }, { x: "X" }];
    const rules = [{ a: [{ exists: true }] }, { b: [{ exists: false }] }, { x: [{ exists: true }] }, { x: [{ exists: false }] }];
    expect(events.map((e) => rules.map((r) => m(r, e)))).toEqual([
      [true, true, false, true],
      [false, false, false, true],
      [false, true, true, false],
    ]);
  });

  test("empty string and null match themselves and are not interchangeable", () => {
    const e = { detail: { eventVersion: "", responseElements: null } };
    expect(m({ detail: { eventVersion: [""] } }, e)).toBe(true);
    expect(m({ detail: { responseElements: [null] } }, e)).toBe(true);
    expect(m({ detail: { eventVersion: [null] } }, e)).toBe(false);
    expect(m({ detail: { responseElements: [""] } }, e)).toBe(false);
  });

  test("an array in the event matches when any element matches", () => {
    expect(m({ resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"] }, { resources: ["x", "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"] })).toBe(true);
  });

  test("equals-ignore-case, prefix, suffix", () => {
    expect(m({ "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }] }, ec2)).toBe(true);
    expect(m({ time: [{ prefix: "2017-10-02" }] }, { time: "2017-10-02T18:43:48Z" })).toBe(true);
    expect(m({ FileName: [{ suffix: ".png" }] }, { FileName: "a.jpg" })).toBe(false);
  });

  test("exact matching is literal: a star is not a wildcard", () => {
    expect(m({ detail: { errorCode: ["AccessDenied*"] } }, { detail: { errorCode: "AccessDenied" } })).toBe(false);
    expect(m({ detail: { errorCode: [{ wildcard: "AccessDenied*" }] } }, { detail: { errorCode: "AccessDenied" } })).toBe(true);
  });

  test("wildcard vectors from event-ruler ([false, false, false, true] per rule)", () => {
    const cases: [string, string[]][] = [
      ["*bc", ["abcd", "bcx", "xbcd", "abc"]],
      ["d*f", ["deeeefx", "xdf", "dfx", "deef"]],
      ["xy*", ["x", "yx", "axy", "xy"]],
    ];
    for (const [glob, values] of cases) {
      expect(values.map((v) => m({ a: [{ wildcard: glob }] }, { a: v }))).toEqual([false, false, false, true]);
    }
    expect(() => m({ a: [{ wildcard: "a**b" }] }, { a: "ab" })).toThrow(EventPatternError);
  });

  test("anything-but with values, prefix and wildcard lists; never matches an absent field", () => {
    expect(m({ state: [{ "anything-but": ["stopped", "overloaded"] }] }, { state: "initializing" })).toBe(true);
    expect(m({ state: [{ "anything-but": ["stopped", "overloaded"] }] }, { state: "stopped" })).toBe(false);
    expect(m({ arn: [{ "anything-but": { wildcard: ["arn:aws:sts::1:assumed-role/app/*"] } }] }, { arn: "arn:aws:sts::1:assumed-role/app/i-1" })).toBe(false);
    expect(m({ arn: [{ "anything-but": { wildcard: ["arn:aws:sts::1:assumed-role/app/*"] } }] }, { arn: "arn:aws:iam::1:user/x" })).toBe(true);
    expect(m({ arn: [{ "anything-but": { prefix: "arn:aws:iam" } }] }, { other: 1 })).toBe(false);
  });

  test("numeric ranges and cidr", () => {
    expect(m({ c: [{ numeric: [">", 0, "<=", 5] }] }, { c: 5 })).toBe(true);
    expect(m({ c: [{ numeric: [">", 0, "<=", 5] }] }, { c: 0 })).toBe(false);
    expect(m({ ip: [{ cidr: "10.0.0.0/24" }] }, { ip: "10.0.0.255" })).toBe(true);
    expect(m({ ip: [{ cidr: "10.0.0.0/24" }] }, { ip: "10.0.1.0" })).toBe(false);
    expect(m({ ip: [{ cidr: "2001:db8::/32" }] }, { ip: "2001:0db8:85a3::8a2e:370:7334" })).toBe(true);
    expect(m({ ip: [{ cidr: "2001:db8::/32" }] }, { ip: "2001:db9::1" })).toBe(false);
    expect(m({ ip: [{ cidr: "::ffff:0:0/96" }] }, { ip: "::ffff:192.0.2.128" })).toBe(true);
    expect(m({ ip: [{ cidr: "10.0.0.0/8" }] }, { ip: "not-an-ip" })).toBe(false);
  });

  test("$or branches are alternatives over the same object, combined with its other fields", () => {
    const p = { detail: { a: [1], $or: [{ b: [2] }, { c: [3] }] } };
    expect(m(p, { detail: { a: 1, c: 3 } })).toBe(true);
    expect(m(p, { detail: { a: 2, c: 3 } })).toBe(false);
    expect(m(p, { detail: { a: 1, d: 3 } })).toBe(false);
  });
});
