import { compileFilterPattern, FilterPatternError } from "../../src/engines/filter-pattern";

const match = (pattern: string, event: string) => compileFilterPattern(pattern).matches(event);

describe("filter-pattern engine: documented JSON vectors", () => {
  const J1 =
    '{"eventType":"UpdateTrail","sourceIPAddress":"111.111.111.111","arrayKey":["value","another value"],"objectList":[{"name":"a","id":1},{"name":"b","id":2}],"SomeObject":null}';
  test.each([
    '{ $.eventType = "UpdateTrail" }',
    "{ $.sourceIPAddress != 123.123.* }",
    '{ $.arrayKey[0] = "value" }',
    "{ $.objectList[1].id = 2 }",
    "{ $.SomeObject IS NULL }",
    "{ $.SomeOtherObject NOT EXISTS }",
    '{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }',
  ])("J1 matches %s", (pattern) => expect(match(pattern, J1)).toBe(true));

  const J2 =
    '{"user":{"id":1,"email":"John.Stiles@example.com"},"users":[{"id":2,"email":"John.Doe@example.com"},{"id":3,"email":"Jane.Doe@example.com"}],"actions":["GET","PUT","DELETE"],"coordinates":[[0,1,2],[4,5,6],[7,8,9]]}';
  test.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }', false],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
  ])("J2 %s → %s (&& binds tighter than ||)", (pattern, want) => expect(match(pattern as string, J2)).toBe(want));

  test("numeric comparisons and scientific notation", () => {
    expect(match("{ $.bandwidth > 75 }", '{"bandwidth":80}')).toBe(true);
    expect(match("{ $.latency < 50 }", '{"latency":50}')).toBe(false);
    expect(match("{ $.refreshRate >= 60 }", '{"refreshRate":60}')).toBe(true);
    expect(match("{ $.number[0] = 1e-3 }", '{"number":[0.001]}')).toBe(true);
    expect(match("{ $.number[0] != 1e+3 }", '{"number":[1000]}')).toBe(false);
  });

  test("a selector pointing at an object or array never matches", () => {
    expect(match('{ $.user = "*" }', '{"user":{"id":1}}')).toBe(false);
    expect(match('{ $.user != "x" }', '{"user":{"id":1}}')).toBe(false);
  });

  test("IS TRUE / IS FALSE test booleans, not strings", () => {
    expect(match("{ $.withDecryption IS TRUE }", '{"withDecryption":true}')).toBe(true);
    expect(match("{ $.withDecryption IS TRUE }", '{"withDecryption":"true"}')).toBe(false);
    expect(match("{ $.withDecryption IS FALSE }", '{"withDecryption":false}')).toBe(true);
  });

  test("the CIS unauthorized-calls wildcards", () => {
    const p = '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}';
    expect(match(p, '{"errorCode":"Client.UnauthorizedOperation"}')).toBe(true);
    expect(match(p, '{"errorCode":"AccessDeniedException"}')).toBe(true);
    expect(match(p, '{"errorCode":"ThrottlingException"}')).toBe(false);
  });

  test("invalid patterns are rejected with position and reason", () => {
    expect(() => compileFilterPattern('{ $.a IS NOT NULL }')).toThrow(FilterPatternError);
    expect(() => compileFilterPattern('{ $.a EXISTS }')).toThrow(/EXISTS is not supported/);
    expect(() => compileFilterPattern('{ $.a = "x" ')).toThrow(/at \d+: expected '}'/);
    expect(() => compileFilterPattern('{ a = "x" }')).toThrow(/expected a selector starting with \$/);
    expect(() => compileFilterPattern('{ $.a > "x" }')).toThrow(/> needs a number/);
  });
});

describe("filter-pattern engine: documented term and space-delimited vectors", () => {
  const E = [
    "[ERROR 400] BAD REQUEST",
    "[ERROR 401] UNAUTHORIZED REQUEST",
    "[ERROR 419] MISSING ARGUMENTS",
    "[ERROR 420] INVALID ARGUMENTS",
    "[ERROR 500] INTERNAL SERVER ERROR",
    "[SUCCESS 200] AUTHORIZED REQUEST",
  ];
  const hits = (p: string) => E.map((e, i) => (match(p, e) ? i + 1 : 0)).filter(Boolean);
  test.each([
    ["ERROR", [1, 2, 3, 4, 5]],
    ["ERROR ARGUMENTS", [3, 4]],
    ["?ERROR ?ARGUMENTS", [1, 2, 3, 4, 5]],
    ['"INTERNAL SERVER ERROR"', [5]],
    ["ERROR -ARGUMENTS", [1, 2, 5]],
  ])("%s matches events %j", (p, want) => expect(hits(p as string)).toEqual(want));

  test("an empty pattern matches everything", () => {
    expect(match("", "anything")).toBe(true);
  });

  const S1 = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534';
  test.each([
    "[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]",
    "[..., request =*.html*, status_code = 4*, bytes]",
    "[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]",
    "[ip, server, username, timestamp, request, status_code, bytes > 1000]",
  ])("S1 matches %s", (p) => expect(match(p, S1)).toBe(true));
  test("S1 does not match a failed numeric condition", () => {
    expect(match("[ip, server, username, timestamp, request, status_code, bytes > 2000]", S1)).toBe(false);
  });
});
