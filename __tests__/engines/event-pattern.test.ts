import { EventPatternError, eventPatternWildcardComplexity, matchesEventPattern } from "../../src/engines/event-pattern";

const m = (pattern: object, event: object) => matchesEventPattern(pattern as Record<string, unknown>, event);
const bad = (pattern: object) => expect(() => m(pattern, {})).toThrow(EventPatternError);

// Sources cited per group:
//   EB docs  https://docs.aws.amazon.com/eventbridge/latest/userguide/ (eb-event-patterns, eb-create-pattern-operators,
//            eb-event-patterns-arrays, eb-event-patterns-content-based-filtering, eb-event-patterns-null-values)
//   ruler    aws/event-ruler src/test/software/amazon/event/ruler/<file>#<test>, README.md, src/test/data/*.json
//   AWS-run  TestEventPattern results recorded against AWS in localstack/localstack
//            tests/aws/services/events/event_pattern_templates/<name>.json5 (name_NEG: false, name_EXC: rejected)

describe("event-pattern engine: documented vectors", () => {
  const ec2 = { source: "aws.ec2", "detail-type": "EC2 Instance State-change Notification", detail: { "instance-id": "i-abcd1111", state: "pending" } };

  test("exists matches a present leaf, not an absent one (EB docs: content filtering, Exists matching)", () => {
    expect(m({ detail: { state: [{ exists: true }] } }, ec2)).toBe(true);
    expect(m({ detail: { state: [{ exists: true }] } }, { detail: { "c-count": { c1: 100 } } })).toBe(false);
  });

  test("event-ruler exists table (ruler RulerTest#WHEN_WeTryToMatchExistsRules_THEN_TheyWork)", () => {
    const events = [{ a: 1 }, { b: 2 }, { x: "X" }];
    const rules = [{ a: [{ exists: true }] }, { b: [{ exists: false }] }, { x: [{ exists: true }] }, { x: [{ exists: false }] }];
    expect(events.map((e) => rules.map((r) => m(r, e)))).toEqual([
      [true, true, false, true],
      [false, false, false, true],
      [false, true, true, false],
    ]);
  });

  test("empty string and null match themselves and are not interchangeable (EB docs: eb-event-patterns-null-values)", () => {
    const e = { detail: { eventVersion: "", responseElements: null } };
    expect(m({ detail: { eventVersion: [""] } }, e)).toBe(true);
    expect(m({ detail: { responseElements: [null] } }, e)).toBe(true);
    expect(m({ detail: { eventVersion: [null] } }, e)).toBe(false);
    expect(m({ detail: { responseElements: [""] } }, e)).toBe(false);
    // AWS-run null_value_NEG: the string "null" is not null
    expect(m({ detail: { responseElements: [null] } }, { detail: { responseElements: "null" } })).toBe(false);
  });

  test("an array in the event matches when any element matches (EB docs: eb-event-patterns-arrays)", () => {
    expect(m({ resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"] }, { resources: ["x", "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"] })).toBe(true);
  });

  test("equals-ignore-case, prefix, suffix (EB docs: content filtering)", () => {
    expect(m({ "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }] }, ec2)).toBe(true);
    expect(m({ time: [{ prefix: "2017-10-02" }] }, { time: "2017-10-02T18:43:48Z" })).toBe(true);
    expect(m({ FileName: [{ suffix: ".png" }] }, { FileName: "a.jpg" })).toBe(false);
    // eb-create-pattern-operators: "Begins with (ignore case)" / "Ends with (ignore case)"
    expect(m({ service: [{ prefix: { "equals-ignore-case": "eventb" } }] }, { service: "EventBridge" })).toBe(true);
    expect(m({ FileName: [{ suffix: { "equals-ignore-case": ".png" } }] }, { FileName: "IMG.PNG" })).toBe(true);
    expect(m({ FileName: [{ suffix: { "equals-ignore-case": ".png" } }] }, { FileName: "IMG.PNGX" })).toBe(false);
  });

  test("exact matching is literal: a star is not a wildcard", () => {
    expect(m({ detail: { errorCode: ["AccessDenied*"] } }, { detail: { errorCode: "AccessDenied" } })).toBe(false);
    expect(m({ detail: { errorCode: [{ wildcard: "AccessDenied*" }] } }, { detail: { errorCode: "AccessDenied" } })).toBe(true);
  });

  test("wildcard vectors (ruler RulerTest#WHEN_WeTryWildcardRules_THEN_TheyWork: [false, false, false, true] per rule)", () => {
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
    expect(m({ ip: [{ cidr: "10.0.0.0/8" }] }, { ip: "not-an-ip" })).toBe(false);
    // An IPv4-mapped IPv6 address is an IPv4 address to Java's InetAddress (event-ruler CIDR.ipToBytes), so a /96
    // mask is out of range, and a dotted IPv4 tail does not fit Constants.IPv6_REGEX: it is not an IP at all.
    bad({ ip: [{ cidr: "::ffff:0:0/96" }] });
    expect(m({ ip: [{ cidr: "192.0.2.0/24" }] }, { ip: "::ffff:c000:0280" })).toBe(true);
    expect(m({ ip: [{ cidr: "192.0.2.0/24" }] }, { ip: "::ffff:192.0.2.128" })).toBe(false);
  });

  test("$or branches are alternatives over the same object, combined with its other fields", () => {
    const p = { detail: { a: [1], $or: [{ b: [2] }, { c: [3] }] } };
    expect(m(p, { detail: { a: 1, c: 3 } })).toBe(true);
    expect(m(p, { detail: { a: 2, c: 3 } })).toBe(false);
    expect(m(p, { detail: { a: 1, d: 3 } })).toBe(false);
  });

  test("a repeated key: the last one is used (EB docs: content filtering, Complex example note)", () => {
    // JSON.parse keeps the last duplicate; a dotted key colliding with a nested one is the same field, last wins.
    const p = JSON.parse('{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}');
    expect(m(p, { detail: { location: "eu-west" } })).toBe(true);
    expect(m(p, { detail: { location: "us-east" } })).toBe(false);
    expect(m({ "a.b": ["x"], a: { b: ["y"] } }, { a: { b: "y" } })).toBe(true);
    expect(m({ "a.b": ["x"], a: { b: ["y"] } }, { a: { b: "x" } })).toBe(false);
  });

  test("$or combinations: more than 1000 are rejected (EB docs: Complex example with $or matching, note)", () => {
    const or = (n: number) => ({ $or: Array.from({ length: n }, (_, i) => ({ [`k${i}`]: ["x"] })) });
    expect(() => m({ a: or(10), b: or(10), c: or(10) }, {})).not.toThrow();
    bad({ a: or(10), b: or(10), c: or(11) });
  });
});

describe("event-pattern engine: arrays at any depth (ruler README 'JSON Array Matching')", () => {
  // ruler RulerTest: JSON_WITH_COMPLEX_ARRAYS and WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork
  const event = {
    employees: [
      [
        { firstName: "John", lastName: "Doe", ids: [1234, 1000, 9999] },
        { firstName: "Anna", lastName: "Smith" },
      ],
      [{ firstName: "Peter", lastName: "Jones", ids: [] }],
    ],
  };
  test.each([
    [{ employees: { firstName: ["Anna"] } }, true],
    [{ employees: { firstName: ["John"], ids: [1000] } }, true],
    [{ employees: { firstName: ["Anna"], ids: [{ exists: false }] } }, true],
    [{ employees: { firstName: ["Alice"] } }, false],
    // array consistency: Anna and Jones are different elements of the same array
    [{ employees: { firstName: ["Anna"], lastName: ["Jones"] } }, false],
    [{ employees: { firstName: ["Alice"], lastName: ["Bob"] } }, false],
    [{ a: ["b"] }, false],
    [{ employees: ["b"] }, false],
    [{ employees: { firstName: ["Anna"], ids: [1000] } }, false],
    [{ employees: { firstName: ["Anna"], ids: [{ exists: true }] } }, false],
  ])("%j → %s", (pattern, want) => expect(m(pattern, event)).toBe(want));

  test("an empty array is no value: exists false holds, exists true does not (Peter's ids: [])", () => {
    expect(m({ employees: { firstName: ["Peter"], ids: [{ exists: false }] } }, event)).toBe(true);
    expect(m({ employees: { firstName: ["Peter"], ids: [{ exists: true }] } }, event)).toBe(false);
    // AWS-run exists_list_empty_NEG
    expect(m({ resources: [{ exists: true }] }, { resources: [] })).toBe(false);
    expect(m({ resources: [{ exists: false }] }, { resources: [] })).toBe(true);
  });

  test("nested CloudWatch alarm metrics (ruler GenericMachineTest#nestedArraysTest, src/test/data/array*.json)", () => {
    const rule1 = { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { state: { value: ["ALARM"] }, configuration: { metrics: { metricStat: { metric: { namespace: ["AWS/EC2"] } } } } } };
    const rule2 = { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { state: { value: ["ALARM"] }, configuration: { metrics: { metricStat: { metric: { metricName: ["CPUUtilization"] } } } } } };
    const rule3 = { metrics: { metricName: ["CPUUtilization"], namespace: ["AWS/ES"] } };
    const alarm = (metrics: object[]) => ({ source: "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change", detail: { alarmName: "x", state: { value: "ALARM" }, configuration: { metrics } } });
    const event1 = alarm([{ id: "M1", metricStat: { metric: { dimensions: { instanceId: "1" }, metricName: "CPUUtilization", namespace: "AWS/EC2" }, period: 60, stat: "avg", unit: null } }]);
    const event2 = alarm([
      { id: "M1", metricStat: { metric: { metricName: "ConsumedReadCapacityUnits", namespace: "AWS/DynamoDB" } } },
      { id: "M2", metricStat: { metric: { metricName: "ProvisionedReadCapacityUnits", namespace: "AWS/DynamoDB" } } },
      { id: "E1", expression: "(M1 / M2) * 100" },
    ]);
    const event3 = { metrics: [{ metricName: "CPUUtilization", namespace: "AWS/EC2" }, { metricName: "RequestCount", namespace: "AWS/ES" }] };
    const event4 = { metrics: [{ metricName: "CPUUtilization", namespace: "AWS/ES" }] };
    const matched = (e: object) => [rule1, rule2, rule3].map((r) => m(r, e));
    expect(matched(event1)).toEqual([true, true, false]);
    expect(matched(event2)).toEqual([false, false, false]);
    expect(matched(event3)).toEqual([false, false, false]);
    expect(matched(event4)).toEqual([false, false, true]);
  });

  test("exists false is judged within the array element already chosen (ruler ACMachineTest#testACWithExistFalseRule)", () => {
    const rule = (leaf: string) => ({
      requestContext: { taskInstances: { taskInstanceState: ["ACTIVE"], provider: { id: ["XXXXXXXXXXXX"] }, resources: { additionalContext: { capabilityInterfaces: { [leaf]: [{ exists: false }] } } } } },
    });
    const task = (state: string, id: string, iface?: string) => ({
      taskInstanceId: "id1",
      taskInstanceState: state,
      provider: { id, type: "XXXXXXXX" },
      resources: [{ legacyFocusCategory: "XXXXXFocus", ...(iface ? { additionalContext: { capabilityInterfaces: [{ interfaceName: iface }] } } : {}) }],
    });
    const event1 = { requestContext: { taskInstances: [task("ACTIVE", "XXXXXXXXXXXX"), task("InACTIVE", "SomeRandom", "Dummy.DummyDumDum")] } };
    const event2 = { requestContext: { taskInstances: [task("ACTIVE", "XXXXXXXXXXXX", "XXXX.XXXXXXXXXXXXXX"), task("InACTIVE", "SomeRandom", "XXXX.XXXXXXXXXXXXXX")] } };
    expect([m(rule("interfaceName"), event1), m(rule("abc"), event1)]).toEqual([true, true]);
    expect([m(rule("interfaceName"), event2), m(rule("abc"), event2)]).toEqual([false, true]);
  });

  test("exists false is judged against the keys before it in sorted order, as event-ruler walks them", () => {
    // "arr.a" sorts before "arr.b": when the absence of a is checked no element is chosen yet, and element 0 has an a.
    const event = { arr: [{ a: 1, b: "y" }, { b: "x" }] };
    expect(m({ arr: { a: [{ exists: false }], b: ["x"] } }, event)).toBe(false);
    // "arr.c" sorts after "arr.b": element 1 is chosen first, and it has no c.
    expect(m({ arr: { c: [{ exists: false }], b: ["x"] } }, { arr: [{ c: 1, b: "y" }, { b: "x" }] })).toBe(true);
  });

  test("arrays of arrays of values, and values directly inside nested arrays", () => {
    expect(m({ a: [3] }, { a: [[1, 2], [[3]]] })).toBe(true);
    expect(m({ a: { b: ["x"] } }, { a: [[{ b: "y" }], [[{ b: ["z", "x"] }]]] })).toBe(true);
    expect(m({ a: { b: ["x"], c: ["y"] } }, { a: [[{ b: "x" }], [{ c: "y" }]] })).toBe(false);
    expect(m({ a: { b: ["x"], c: ["y"] } }, { a: [[{ b: "x", c: "y" }]] })).toBe(true);
    // Objects in the same element of an outer array but different elements of an inner one do not combine.
    expect(m({ a: { b: { c: ["1"], d: ["2"] } } }, { a: [{ b: [{ c: "1" }, { d: "2" }] }] })).toBe(false);
    // Values of an array of primitives are all values of one field: no consistency between them.
    expect(m({ a: { b: ["1"], c: ["2"] } }, { a: { b: ["0", "1"], c: ["2", "3"] } })).toBe(true);
  });

  test("every operator applies to each array element, anything-but included (SNS docs numeric-value-matching: [100, 50] contains a value that isn't 100 or 500)", () => {
    expect(m({ price: [{ "anything-but": [100, 500] }] }, { price: [100, 50] })).toBe(true);
    expect(m({ price: [{ "anything-but": [100, 500] }] }, { price: [100, 500] })).toBe(false);
    expect(m({ price: [{ "anything-but": [100, 500] }] }, { price: 100 })).toBe(false);
    expect(m({ s: [{ "anything-but": { prefix: "init" } }] }, { s: ["init-a", "running"] })).toBe(true);
    expect(m({ s: [{ "anything-but": { prefix: "init" } }] }, { s: ["init-a", "init-b"] })).toBe(false);
    expect(m({ n: [{ numeric: [">", 10] }] }, { n: [1, 2, 30] })).toBe(true);
    expect(m({ n: [{ numeric: [">", 10] }] }, { n: [1, 2, "30"] })).toBe(false);
    expect(m({ s: [{ prefix: "a" }] }, { s: [1, "xa", "ab"] })).toBe(true);
    expect(m({ s: [{ suffix: "b" }] }, { s: [{ t: "ab" }] })).toBe(false);
    expect(m({ s: [{ "equals-ignore-case": "AB" }] }, { s: ["x", "ab"] })).toBe(true);
    expect(m({ s: [{ wildcard: "a*c" }] }, { s: ["ab", "abc"] })).toBe(true);
    expect(m({ ip: [{ cidr: "10.0.0.0/24" }] }, { ip: ["192.168.0.1", "10.0.0.7"] })).toBe(true);
    expect(m({ s: [{ exists: true }] }, { s: [null] })).toBe(true);
    expect(m({ d: { $or: [{ a: ["1"] }, { b: ["2"] }] } }, { d: [{ a: "0" }, { b: "2" }] })).toBe(true);
    expect(m({ d: { $or: [{ a: ["1"], c: ["3"] }, { b: ["2"] }] } }, { d: [{ a: "1" }, { c: "3" }] })).toBe(false);
  });
});

describe("event-pattern engine: keys with dots (EB docs eb-event-patterns considerations; ruler README 'JSON keys with dots')", () => {
  test("a dotted pattern key is the nested path, and a dotted event key is a nested path", () => {
    const nested = { detail: { state: { status: "running" } } };
    const dotted = { detail: { "state.status": "running" } };
    for (const p of [{ detail: { state: { status: ["running"] } } }, { detail: { "state.status": ["running"] } }, { "detail.state.status": ["running"] }]) {
      expect([m(p, nested), m(p, dotted)]).toEqual([true, true]);
    }
    expect(m({ "detail.state": { status: ["running"] } }, { detail: { "state.status": "stopped" } })).toBe(false);
  });

  test("README rules against the README event with keys c.count, d.count, x.limit (ruler RulerTest#WHEN_RulesFromReadmeAreTried_THEN_TheyWork)", () => {
    const event = {
      version: "0", id: "ddddd4-aaaa-7777-4444-345dd43cc333", "detail-type": "EC2 Instance State-change Notification", source: "aws.ec2",
      account: "012345679012", time: "2017-10-02T16:24:49Z", region: "us-east-1", resources: ["arn:aws:ec2:us-east-1:012345679012:instance/i-000000aaaaaa00000"],
      detail: { "c.count": 5, "d.count": 3, "x.limit": 301.8, "source-ip": "10.0.0.33", "instance-id": "i-000000aaaaaa00000", state: "running" },
    };
    const rules = [
      { "detail-type": ["EC2 Instance State-change Notification"], resources: ["arn:aws:ec2:us-east-1:012345679012:instance/i-000000aaaaaa00000"], detail: { state: ["initializing", "running"] } },
      { time: [{ prefix: "2017-10-02" }], detail: { state: [{ "anything-but": "initializing" }] } },
      { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }], "c.count": [{ numeric: [">", 0, "<=", 5] }], "d.count": [{ numeric: ["<", 10] }], "x.limit": [{ numeric: ["=", 3.018e2] }] } },
      { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
      { detail: { state: [{ prefix: { "equals-ignore-case": "RuNn" } }] } },
      { detail: { state: [{ suffix: "ning" }] } },
      { detail: { state: [{ suffix: { "equals-ignore-case": "nInG" } }] } },
      { detail: { "source-ip": [{ cidr: "10.0.0.0/8" }] } },
    ];
    for (const r of rules) expect(m(r, event)).toBe(true);
    // the nested form of the dotted keys also matches
    expect(m({ detail: { c: { count: [5] }, x: { limit: [301.8] } } }, event)).toBe(true);
  });

  test("AWS-run dot_joining_event and dot_joining_pattern", () => {
    expect(m({ detail: { state: { status: ["running"] } } }, { detail: { "state.status": "running" } })).toBe(true);
    expect(m({ detail: { "state.status": ["running"] } }, { detail: { state: { status: "running" } } })).toBe(true);
  });
});

describe("event-pattern engine: event-ruler operator tests", () => {
  test("really simple rules: JSON true is not 1, 2 or \"X\" (ruler RulerTest#WHEN_WeTryReallySimpleRules_THEN_TheyWork)", () => {
    expect(m({ a: [1] }, { a: 1 })).toBe(true);
    expect(m({ b: [2] }, { b: 2 })).toBe(true);
    expect(m({ x: ["X"] }, { x: "X" })).toBe(true);
    for (const r of [{ a: [1] }, { b: [2] }, { x: ["X"] }]) expect(m(r, { x: true })).toBe(false);
  });

  test("field combinations on the RFC 8259 image (ruler RulerTest#WHEN_WeWriteRulesToMatchVariousFieldCombos_THEN_TheyWork)", () => {
    const image = { Image: { Width: 800, Height: 600, Title: "View from 15th Floor", Thumbnail: { Url: "http://www.example.com/image/481989943", Height: 125, Width: 100 }, Animated: false, IDs: [116, 943, 234, 38793] } };
    const matching = [
      { Image: { Width: [800], Thumbnail: { Height: [125, 300] } } },
      { Image: { Thumbnail: { Url: [{ prefix: "http" }] } } },
      { Image: { Title: [{ prefix: { "equals-ignore-case": "VIeW" } }] } },
      { Image: { Title: [{ suffix: { "equals-ignore-case": "LoOr" } }] } },
      { Image: { Title: [{ suffix: "loor" }] } },
      {
        Image: {
          Width: [{ numeric: ["<", 1000] }], Height: [{ numeric: ["<=", 600] }], Title: [{ "anything-but": "View from 15th Flood" }],
          Thumbnail: { Url: [{ prefix: "http" }], Height: [{ numeric: [">", 124, "<", 126] }], Width: [{ numeric: [">=", 99.999, "<=", 100] }] },
          Animated: [false],
        },
      },
    ];
    const nonMatching = [
      { Image: { Width: [{ numeric: ["<", 800] }] } },
      { Image: { Height: [{ numeric: ["<", 599] }] } },
      { Image: { Title: [{ "anything-but": "View from 15th Floor" }] } },
      { Image: { Thumbnail: { Url: [{ prefix: "https" }] } } },
      { Image: { Thumbnail: { Height: [{ numeric: [">", 124, "<", 125] }] } } },
      { Image: { Thumbnail: { Width: [{ numeric: [">=", 100.00001, "<=", 1001] }] } } },
      { Image: { Animated: [true] } },
    ];
    expect(matching.map((r) => m(r, image))).toEqual(matching.map(() => true));
    expect(nonMatching.map((r) => m(r, image))).toEqual(nonMatching.map(() => false));
  });

  test("anything-but of every kind, only the first event matches (ruler RulerTest#WHEN_WeTryAnythingButRules_THEN_Theywork)", () => {
    const rule = {
      a: [{ "anything-but": ["dad0", "dad1", "dad2"] }],
      b: [{ "anything-but": [111, 222, 333] }],
      c: [{ "anything-but": "zdd" }],
      d: [{ "anything-but": 444 }],
      z: [{ numeric: [">", 0, "<", 1] }],
      w: [{ "anything-but": { prefix: "zax" } }],
      n: [{ "anything-but": { suffix: "ing" } }],
      o: [{ "anything-but": { "equals-ignore-case": "CamelCase" } }],
      p: [{ "anything-but": { "equals-ignore-case": ["CamelCase", "AbC"] } }],
    };
    const base = { a: "child1", b: "444", c: "child1", d: 123, w: "xaz", z: 0.001, n: "nomatch", o: "nomatch", p: "nomatch" };
    const events = [
      base,
      { ...base, a: "dad789", b: 789, c: "zdd" },
      { ...base, a: "dad789", b: 789, z: 1.01 },
      { ...base, a: "dad1", b: 345 },
      { ...base, a: "abc", b: 111 },
      { ...base, a: "dad1", b: 333 },
      { ...base, a: "abc", b: 0, d: 444, z: 0.999999 },
      { ...base, w: "zaxonie" },
      { ...base, n: "matching" },
      { ...base, o: "camelcase" },
      { ...base, p: "abc" },
    ];
    expect(events.map((e) => m(rule, e))).toEqual([true, false, false, false, false, false, false, false, false, false, false]);
  });

  test("equals-ignore-case (ruler RulerTest#WHEN_WeTryEqualsIgnoreCaseRules_THEN_TheyWork)", () => {
    const rule = { a: [{ "equals-ignore-case": "aBc" }], b: [{ "equals-ignore-case": "Def" }], c: [{ "equals-ignore-case": "xyZ" }] };
    const events = [
      { a: "ABC", b: "defx", c: "xYz", d: "rst" },
      { a: "ABC", c: "xYz", d: "rst" },
      { a: "ABC", b: "xYz", c: "def", d: "rst" },
      { a: "ABC", b: "def", c: "xYz", d: "rst" },
    ];
    expect(events.map((e) => m(rule, e))).toEqual([false, false, false, true]);
  });

  test("equals-ignore-case folds each pattern character to its lower or upper case form (ruler input/EqualsIgnoreCaseParser)", () => {
    expect(m({ a: [{ "equals-ignore-case": "straße" }] }, { a: "STRASSE" })).toBe(true);
    expect(m({ a: [{ "equals-ignore-case": "straße" }] }, { a: "strasse" })).toBe(false);
    expect(m({ a: [{ "equals-ignore-case": "ÄB" }] }, { a: "äb" })).toBe(true);
  });

  test("anything-but prefix, suffix, ignore case, wildcard (ruler ACMachineTest#testAnythingButPrefix…WildcardSet)", () => {
    const v = (pattern: object, values: string[]) => values.map((a) => m({ a: [pattern] }, { a }));
    expect(v({ "anything-but": { prefix: "$" } }, ["value$", "notvalue", "$notvalue"])).toEqual([true, true, false]);
    expect(v({ "anything-but": { prefix: ["$", "%"] } }, ["value$", "notvalue%", "$notvalue", "%notvalue"])).toEqual([true, true, false, false]);
    expect(v({ "anything-but": { suffix: "$" } }, ["value$", "notvalue", "$notvalue"])).toEqual([false, true, true]);
    expect(v({ "anything-but": { suffix: ["$", "%"] } }, ["value$", "notvalue%", "$notvalue", "%notvalue"])).toEqual([false, false, true, true]);
    expect(v({ "anything-but": { "equals-ignore-case": ["yes", "please"] } }, ["value", "YES", "yEs", "pLease", "PLEASE", "please"])).toEqual([true, false, false, false, false, false]);
    expect(v({ "anything-but": { wildcard: "*foo*" } }, ["foo", "foobar", "barfoo", "barfoobar", "barfobarobar"])).toEqual([false, false, false, false, true]);
    expect(v({ "anything-but": { wildcard: ["*foo*", "*bar*"] } }, ["foo", "foos", "sfoo", "sfoos", "bar", "bars", "sbar", "sbars", "fobaor"])).toEqual([false, false, false, false, false, false, false, false, true]);
  });

  test("anything-but accepts values of other types, null included (AWS-run content_anything_*_null, *_int_value, content_anything_wildcard_int)", () => {
    expect(m({ s: [{ "anything-but": "initializing" }] }, { s: null })).toBe(true);
    expect(m({ s: [{ "anything-but": { "equals-ignore-case": "initializing" } }] }, { s: null })).toBe(true);
    expect(m({ s: [{ "anything-but": { prefix: "init" } }] }, { s: null })).toBe(true);
    expect(m({ s: [{ "anything-but": { prefix: "init" } }] }, { s: 12 })).toBe(true);
    expect(m({ s: [{ "anything-but": { prefix: ["init", "test"] } }] }, { s: 12 })).toBe(true);
    expect(m({ s: [{ "anything-but": { wildcard: "*/dir/*" } }] }, { s: 123 })).toBe(true);
    expect(m({ s: [{ "anything-but": 0 }] }, { s: 789 })).toBe(true);
    expect(m({ s: [{ "anything-but": ["stopped", "overloaded"] }] }, {})).toBe(false);
    // a numeric exclusion list does not exclude the string "444" (RulerTest anything-but, event 1)
    expect(m({ s: [{ "anything-but": [444] }] }, { s: "444" })).toBe(true);
  });

  test("several anything-but on one key: every present value passes one of them (ruler MachineTest#testSharedNameStateForMultipleAnythingButPatterns)", () => {
    const p = { bar: [{ "anything-but": "a" }, { "anything-but": "b" }] };
    expect([m(p, { bar: "a" }), m(p, { bar: "b" }), m(p, { bar: "c" }), m(p, { foo: "a" })]).toEqual([true, true, true, false]);
  });

  test("exists alongside other values of the same key (ruler MachineTest#testExists…SharedWithSpecificValueMatch; AWS-run or-exists, or-anything-but, operator_multiple_list)", () => {
    expect(m({ foo: ["a"], bar: [{ exists: false }] }, { foo: "a" })).toBe(true);
    expect(m({ foo: ["b"], bar: [{ exists: false }, "1"] }, { foo: "a" })).toBe(false);
    expect(m({ foo: ["a"], bar: ["1"] }, { foo: "a" })).toBe(false);
    expect(m({ foo: ["a"], bar: [{ exists: true }] }, { foo: "a", bar: "1" })).toBe(true);
    expect(m({ foo: ["b"], bar: [{ exists: true }, "1"] }, { foo: "a", bar: "1" })).toBe(false);
    expect(m({ foo: ["a"], bar: ["1"] }, { foo: "a", bar: "1" })).toBe(true);
    // [value, {exists:false}] is "value, or absent"
    const homemade = { dynamodb: { NewImage: { homemade: { S: [{ "anything-but": ["roses"] }, { exists: false }] } } } };
    expect(m(homemade, { dynamodb: { NewImage: { homemade: { N: "789" } } } })).toBe(true);
    expect(m(homemade, { dynamodb: { NewImage: { purchased: { N: "789" } } } })).toBe(true);
    expect(m(homemade, { dynamodb: { NewImage: { homemade: { S: "ABCD", N: "1234" } } } })).toBe(true);
    expect(m(homemade, { dynamodb: { NewImage: { homemade: { S: "roses" } } } })).toBe(false);
    expect(m({ k: [{ exists: true }, { prefix: "IGNORED" }, { suffix: "IGNORED" }] }, { k: "my-value" })).toBe(true);
    expect(m({ bar: [{ exists: false }], zoo: ["a"] }, { zoo: "a" })).toBe(true);
  });

  test("numbers compare as numbers, in exact match too (AWS-run number_comparison_float, numeric-int-float, numeric-*_NEG; ruler JsonRuleCompiler adds numericEquals)", () => {
    expect(m({ number: [300] }, { number: 300.0 })).toBe(true);
    expect(m({ number: [300] }, { number: 3.0e2 })).toBe(true);
    expect(m({ number: [300] }, { number: "300" })).toBe(false);
    expect(m({ number: ["300"] }, { number: 300 })).toBe(false);
    expect(m({ number: [{ numeric: [">", 100] }] }, { number: 101.0 })).toBe(true);
    expect(m({ number: [{ numeric: [">", 100] }] }, { number: null })).toBe(false);
    expect(m({ number: [{ numeric: [">", 100] }] }, { number: "300" })).toBe(false);
    expect(m({ x: [{ numeric: ["=", 3.018e2] }] }, { x: 301.8 })).toBe(true);
    expect(m({ b: [false] }, { b: true })).toBe(false);
  });

  test("IP addresses in exact match compare as addresses (ruler JsonRuleCompiler: CIDR.ipToRangeIfPossible; CIDRTest#testInvalidIPMatchedByIPv6Regex)", () => {
    expect(m({ ip: ["2001:db8::ff00:42:8329"] }, { ip: "2001:0db8:0000:0000:0000:ff00:0042:8329" })).toBe(true);
    expect(m({ ip: ["10.0.0.1"] }, { ip: "10.0.0.1" })).toBe(true);
    expect(m({ ip: ["10.0.0.1"] }, { ip: "10.0.0.2" })).toBe(false);
    expect(m({ a: ["08:23"] }, { a: ["08:23"] })).toBe(true);
  });

  test("cidr (EB docs IP address matching; AWS-run content_ip_address_v6*, content_ip_address_bad_type_NEG; ruler CIDRTest)", () => {
    expect(m({ s: [{ cidr: "2001:db8:1234:1a00::/64" }] }, { s: "2001:0db8:1234:1a00:0000:0000:0000:0000" })).toBe(true);
    expect(m({ s: [{ cidr: "2001:db8:1234:1a00::/64" }] }, { s: "2001:0db8:123f:1a01:0000:0000:0000:0000" })).toBe(false);
    expect(m({ s: [{ cidr: "10.0.0.0/24" }] }, { s: 123 })).toBe(false);
    expect(m({ s: [{ cidr: "13.32.0.0/15" }] }, { s: "13.33.255.255" })).toBe(true);
    expect(m({ s: [{ cidr: "13.32.0.0/15" }] }, { s: "13.34.0.0" })).toBe(false);
    expect(m({ s: [{ cidr: "54.240.196.171/24" }] }, { s: "54.240.196.0" })).toBe(true);
    for (const c of ["192.168.0.1/33", "192.168.0.1/32", "foo", "foo/bar/baz", "192.168.0.1/foo", "192.168.0.1/-3424", "snorkle/3", "10.10.10.10.10/3", "2.1.0.-1/3", "2400:6500:3:3:3:3:3:3:3:3FF00::36FB:1F80/122", "2400:6500:FF00::36FB:1F80/222", "bad-filter", "xx.11.xx/8", "xxxx:db8:1234:1a00::/64", "10.0.0.0"]) {
      bad({ s: [{ cidr: c }] });
    }
  });

  test("wildcards: escapes, empty, complexity (EB docs wildcard matching; ruler JsonRuleCompilerTest#testWildcard*; AWS-run content_wildcard_*)", () => {
    expect(m({ s: [{ wildcard: "value\\*end" }] }, { s: "value*end" })).toBe(true);
    expect(m({ s: [{ wildcard: "value\\*end" }] }, { s: "valueXend" })).toBe(false);
    expect(m({ s: [{ wildcard: "a\\\\b" }] }, { s: "a\\b" })).toBe(true);
    expect(m({ s: [{ wildcard: "" }] }, { s: "" })).toBe(true);
    expect(m({ s: [{ wildcard: "" }] }, { s: "arn:aws:events:us-east-1:123456789012:event-bus/myEventBus" })).toBe(false);
    expect(m({ s: [{ "anything-but": { wildcard: "" } }] }, { s: "dir/init/file" })).toBe(true);
    expect(m({ s: [{ wildcard: "/Users/*/dir/dir/dir/dir/dir/doc.txt" }] }, { s: "/Users/ls_user/dir/dir/dir/dir/dir/doc.txt" })).toBe(true);
    expect(m({ s: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] }, { s: "arn:aws:events:us-east-1:123456789012:event-bus/myEventBus" })).toBe(true);
    expect(m({ s: [{ wildcard: "a*" }] }, { s: "a\nb" })).toBe(true);
    bad({ s: [{ wildcard: "abc**def" }] });
    bad({ s: [{ wildcard: "a*c\\def" }] });
    bad({ s: [{ wildcard: "abc\\" }] });
    bad({ s: [{ wildcard: "arn:aws:events:us-east-1:**:event-bus/*" }] });
    // AWS-run content_wildcard_complex_EXC: rejected by EventBridge as too complex
    expect(() => m({ s: [{ wildcard: "*:*:*:*:*:event-bus/*" }] }, {})).toThrow(/too complex/);
    expect(() => m({ s: [{ wildcard: "*:*:*:*:*:event-bus/*" }] }, {})).toThrow(EventPatternError);
  });

  test("the combined wildcard complexity estimate ranks known accepted sets below known rejected ones", () => {
    const c = (...globs: string[]) => eventPatternWildcardComplexity({ k: globs.map((wildcard) => ({ wildcard })) });
    expect(c("*.bif", "*.tiff", "*.tif", "*.svs")).toBeLessThanOrEqual(8);
    expect(c("*/datasync/*.bif", "*/datasync/*.tif")).toBeLessThanOrEqual(8);
    expect(c("*/datasync/*.bif", "*/datasync/*.tif", "*/datasync/*.tiff", "*/datasync/*.svs")).toBeGreaterThanOrEqual(10);
    expect(c("arn:aws:events:us-east-1:*:event-bus/*")).toBeLessThanOrEqual(3);
    expect(eventPatternWildcardComplexity({ k: ["x"] })).toBe(0);
  });
});

describe("event-pattern engine: pattern validation (ruler JsonRuleCompilerTest#testCompile, #testNumericExpressions, #testExistsExpression; AWS-run *_EXC)", () => {
  test.each([
    ["values must be in an array", { a: "my-value" }],
    ["numbers too", { a: 42 }],
    ["no empty value arrays", { resources: [] }],
    ["no nested arrays as values", { a: [["x"]] }],
    ["one key per match expression", { a: [{ prefix: "child", foo: [] }] }],
    ["prefix must be a string", { a: [{ prefix: 3 }] }],
    ["suffix must be a string", { a: [{ suffix: 3 }] }],
    ["unknown match type", { a: [{ foo: "child" }] }],
    ["exactly must be a string", { a: [{ exactly: 33 }] }],
    ["mixed anything-but list", { a: [{ "anything-but": ["child0", 111, "child2"] }] }],
    ["null in anything-but list", { a: [{ "anything-but": ["stopped", null] }] }],
    ["anything-but null", { a: [{ "anything-but": null }] }],
    ["unknown anything-but operator", { a: [{ "anything-but": { foo: 3 } }] }],
    ["anything-but prefix number", { a: [{ "anything-but": { prefix: 27 } }] }],
    ["anything-but empty prefix", { a: [{ "anything-but": { prefix: "" } }] }],
    ["anything-but empty suffix", { a: [{ "anything-but": { suffix: "" } }] }],
    ["anything-but prefix with a second key", { a: [{ "anything-but": { prefix: "foo", a: 1 } }] }],
    ["anything-but prefix list with an empty string", { a: [{ "anything-but": { prefix: ["1", ""] } }] }],
    ["anything-but prefix list of numbers", { a: [{ "anything-but": { prefix: [1, 2, 3] } }] }],
    ["anything-but prefix ignore case", { a: [{ "anything-but": { prefix: { "equals-ignore-case": "file" } } }] }],
    ["anything-but suffix list of numbers", { a: [{ "anything-but": { suffix: [1, 2, 3] } }] }],
    ["anything-but ignore-case number", { a: [{ "anything-but": { "equals-ignore-case": 123 } }] }],
    ["anything-but ignore-case numbers", { a: [{ "anything-but": { "equals-ignore-case": [123, 456] } }] }],
    ["anything-but wildcard number", { a: [{ "anything-but": { wildcard: 27 } }] }],
    ["anything-but wildcard list with a number", { a: [{ "anything-but": { wildcard: [123, "*/dir/*"] } }] }],
    ["anything-but wildcard **", { a: [{ "anything-but": { wildcard: ["1", "foo**bar"] } }] }],
    ["equals-ignore-case number", { a: [{ "equals-ignore-case": 5 }] }],
    ["equals-ignore-case list", { a: [{ "equals-ignore-case": ["abc"] }] }],
    ["prefix with unknown inner operator", { a: [{ prefix: { "invalid-expression": ["abc"] } }] }],
    ["prefix ignore-case list", { a: [{ prefix: { "equals-ignore-case": ["abc"] } }] }],
    ["prefix ignore-case with a second key", { a: [{ prefix: { "equals-ignore-case": "abc", test: "def" } }] }],
    ["suffix ignore-case number", { a: [{ suffix: { "equals-ignore-case": 5 } }] }],
    ["wildcard number", { a: [{ wildcard: 5 }] }],
    ["wildcard list", { a: [{ wildcard: ["abc"] }] }],
    ["exists string", { x: [{ exists: "badString" }] }],
    ["exists with an extra key", { x: [{ exists: true, extraKey: "extraValue" }] }],
    ["operator names are case sensitive", { a: [{ Prefix: "x" }] }],
  ])("%s", (_why, pattern) => bad(pattern));

  test.each([
    [["=", true]], [["=", "-4e-6"]], [["="]], [["=", 1e309]], [["<", true]], [[">=", 2.0e422]], [["<=", "-4e-6"]],
    [["<>", 1, ">", 0]], [["==", 1, ">", 0]], [["<", 1, ">", 0]], [[">", 1, "<", 1]], [[">", 30, "<", 1]], [[">", 1, "<", 30, false]],
    [[">", 0, ">", 0]], [["GT", 0]], ["3"],
  ])("bad numeric %j", (spec) => bad({ x: [{ numeric: spec }] }));

  test.each([
    [["=", 3.8]], [["=", -4e-6]], [["<", 55555]], [[">", 0.000033]], [["<=", 3.8]], [[">=", -4e-6]],
    [[">", 0, "<", 1]], [[">=", 0, "<", 1]], [[">", 0, "<=", 1]], [[">=", 0, "<=", 1]],
  ])("good numeric %j", (spec) => expect(() => m({ x: [{ numeric: spec }] }, {})).not.toThrow());

  test("$or: an array of at least two objects without reserved names, else the legacy reading of $or as a field name (ruler data/wrongOrRelationshipRules.json, normalRulesWithOrWording.json, README)", () => {
    bad({ $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }] });
    bad({ detail: { $or: [{ source: ["aws.cloudwatch"] }, { "detail-type": ["CloudWatch Alarm State Change"] }, [{ foo: ["wrong"] }]] } });
    // legacy: "$or" is an ordinary key holding matchers or a nested object
    expect(m({ $or: [{ cidr: "10.0.0.0/24" }] }, { $or: "10.0.0.7" })).toBe(true);
    expect(m({ source: ["aws.cloudwatch"], $or: { metricType: ["MetricType"], namespace: ["AWS/EC2", "AWS/ES"] } }, { source: "aws.cloudwatch", $or: { metricType: "MetricType", namespace: "AWS/ES" } })).toBe(true);
    expect(m({ detail: { $or: [{ numeric: [">", 0, "<=", 5] }, { numeric: [">", 10] }] } }, { detail: { $or: 12 } })).toBe(true);
    expect(m({ detail: { $or: [{ numeric: [">", 0, "<=", 5] }, { numeric: [">", 10] }] } }, { detail: { $or: 7 } })).toBe(false);
  });

  test("$or with nested $or and AND inside (ruler README 'Nested Or and And')", () => {
    const p = { source: ["aws.cloudwatch"], $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { metricType: ["MetricType"], namespace: ["AWS/EC2", "AWS/ES"], $or: [{ metricId: [1234] }, { spaceId: [1000] }] }, { scope: ["Service"] }] };
    expect(m(p, { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/ES", spaceId: 1000 })).toBe(true);
    expect(m(p, { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/ES", spaceId: 1001 })).toBe(false);
    expect(m(p, { source: "aws.cloudwatch", scope: "Service" })).toBe(true);
    expect(m(p, { source: "aws.other", scope: "Service" })).toBe(false);
  });

  test("EventBridge accepts empty objects, and they constrain nothing (AWS-run minimal, list_within_dict)", () => {
    expect(m({}, { id: "1" })).toBe(true);
    expect(m({ detail: { automations: {} } }, { detail: { automations: [{ key1: "value1" }, { key2: "value2" }] } })).toBe(true);
    expect(m({ detail: {}, source: ["x"] }, { source: "y" })).toBe(false);
  });

  test("the pattern must be an object, key names are case sensitive, nested JSON strings are not parsed (AWS-run key_case_sensitive_NEG, nested_json_NEG)", () => {
    expect(() => matchesEventPattern([] as unknown as Record<string, unknown>, {})).toThrow(EventPatternError);
    expect(m({ MY_KEY: ["my-value"] }, { my_key: "my-value" })).toBe(false);
    expect(m({ detail: { "my-key": ["my-value"] } }, { detail: '{"my-key": "my-value"}' })).toBe(false);
    expect(m({ a: ["x"] }, ["x"] as unknown as object)).toBe(false);
  });
});
