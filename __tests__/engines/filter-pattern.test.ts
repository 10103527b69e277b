import { compileFilterPattern, FilterPatternError } from "../../src/engines/filter-pattern";

const match = (pattern: string, event: string) => compileFilterPattern(pattern).matches(event);
const invalid = (pattern: string, reason?: RegExp) => {
  expect(() => compileFilterPattern(pattern)).toThrow(FilterPatternError);
  if (reason) expect(() => compileFilterPattern(pattern)).toThrow(reason);
};

// Sources cited per group:
//   CWL docs   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html (current page:
//              regex syntax, unstructured, JSON and space-delimited sections) and regex-expressions.html
//   CWL 2018   the same page as first published in awsdocs/amazon-cloudwatch-logs-user-guide
//              (doc_source/FilterAndPatternSyntax.md at e9343db, 2018-03-02)
//   AWS-run    behaviour observed against the service in a public issue (cited where used)

describe("filter-pattern engine: documented JSON vectors", () => {
  const J1 =
    '{"eventType":"UpdateTrail","sourceIPAddress":"111.111.111.111","arrayKey":["value","another value"],"objectList":[{"name":"a","id":1},{"name":"b","id":2}],"SomeObject":null,"cluster.name":"c"}';
  test.each([
    '{ $.eventType = "UpdateTrail" }',
    "{ $.sourceIPAddress != 123.123.* }",
    '{ $.arrayKey[0] = "value" }',
    "{ $.objectList[1].id = 2 }",
    "{ $.SomeObject IS NULL }",
    "{ $.SomeOtherObject NOT EXISTS }",
    '{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }',
    // CWL docs, JSON section: regex values, wildcard selectors and bracket notation
    "{ $.eventType = %Trail% }",
    "{ $.arrayKey[*] = %val.{2}% }",
    "{ $.* = %111\\.111\\.111\\.1[0-9]{1,2}% }",
    "{ $.['cluster.name'] = \"c\" }",
  ])("J1 matches %s (CWL docs)", (pattern) => expect(match(pattern, J1)).toBe(true));

  test.each([
    '{ $.eventType = "Update" }',
    "{ $.eventType = %^Trail% }",
    "{ $.arrayKey[*] = %^x% }",
    "{ $.* = %^222% }",
    "{ $.['cluster.name'] = \"d\" }",
    '{ $.cluster.name = "c" }',
  ])("J1 does not match %s", (pattern) => expect(match(pattern, J1)).toBe(false));

  const J2 =
    '{"user":{"id":1,"email":"John.Stiles@example.com"},"users":[{"id":2,"email":"John.Doe@example.com"},{"id":3,"email":"Jane.Doe@example.com"}],"actions":["GET","PUT","DELETE"],"coordinates":[[0,1,2],[4,5,6],[7,8,9]]}';
  test.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }', false],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
    // CWL 2018: the same compound examples with unquoted strings
    ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', true],
    ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }', false],
    ["{ $.users[*].email = %^Jane% }", true],
    ["{ $.users[*].id > 2 }", true],
    ["{ $.users[*].id > 3 }", false],
    ["{ $.coordinates[1][*] = 5 }", true],
    ["{ $.user.* = 1 }", true],
  ])("J2 %s → %s (&& binds tighter than ||)", (pattern, want) => expect(match(pattern as string, J2)).toBe(want));

  test("numeric comparisons and scientific notation (CWL docs; CWL 2018 Numeric Comparisons)", () => {
    expect(match("{ $.bandwidth > 75 }", '{"bandwidth":80}')).toBe(true);
    expect(match("{ $.latency < 50 }", '{"latency":50}')).toBe(false);
    expect(match("{ $.refreshRate >= 60 }", '{"refreshRate":60}')).toBe(true);
    expect(match("{ $.responseTime <= 5 }", '{"responseTime":5.0}')).toBe(true);
    expect(match("{ $.number[0] = 1e-3 }", '{"number":[0.001]}')).toBe(true);
    expect(match("{ $.number[0] != 1e+3 }", '{"number":[1000]}')).toBe(false);
    expect(match("{ $.numbers[0] < 10e3 }", '{"numbers":[9999]}')).toBe(true);
    expect(match("{ $.numbers[0] < 10e-3 }", '{"numbers":[0.01]}')).toBe(false);
    expect(match("{ $.processes[4].averageRuntime <= 55.5 }", '{"processes":[{},{},{},{},{"averageRuntime":55.5}]}')).toBe(true);
    expect(match("{ $.latency > +1000 }", '{"latency":1001}')).toBe(true);
    expect(match("{ $.errorCode = 400 }", '{"errorCode":400}')).toBe(true);
    expect(match("{ $.errorCode != 500 }", '{"errorCode":400}')).toBe(true);
  });

  test("= * and = \"*\" match any string or number value (CWL docs: { $.latency = * } publishes 50)", () => {
    expect(match("{ $.latency = * }", '{"latency":50,"requestType":"GET"}')).toBe(true);
    expect(match('{ $.requestType = "*" }', '{"latency":50,"requestType":"GET"}')).toBe(true);
    expect(match("{ $.latency = * }", '{"requestType":"GET"}')).toBe(false);
  });

  test("a selector pointing at an object or array never matches, = or != (CWL 2018 JSON Special Considerations: {$.users = 1} and {$.users != 1})", () => {
    expect(match("{ $.users = 1 }", '{"users":[1,2,3]}')).toBe(false);
    expect(match("{ $.users != 1 }", '{"users":[1,2,3]}')).toBe(false);
    expect(match('{ $.user = "*" }', '{"user":{"id":1}}')).toBe(false);
    expect(match('{ $.user != "x" }', '{"user":{"id":1}}')).toBe(false);
  });

  test("a missing property satisfies neither = nor != (AWS-run: DataBiosphere/azul issue 5884, test pattern in the console)", () => {
    const p = '{($.errorCode = "AccessDenied") && ($.userIdentity.invokedBy != "cloudfront.amazonaws.com")}';
    expect(match(p, '{"errorCode":"AccessDenied","userIdentity":{"accountId":"anonymous"}}')).toBe(false);
    expect(match(p, '{"errorCode":"AccessDenied","userIdentity":{"invokedBy":"x.amazonaws.com"}}')).toBe(true);
  });

  test("IS TRUE / IS FALSE / IS NULL test JSON literals, not strings (CWL 2018: { $.ThisFlag IS TRUE })", () => {
    expect(match("{ $.ThisFlag IS TRUE }", '{"ThisFlag":true}')).toBe(true);
    expect(match("{ $.withDecryption IS TRUE }", '{"withDecryption":"true"}')).toBe(false);
    expect(match("{ $.withDecryption IS FALSE }", '{"withDecryption":false}')).toBe(true);
    expect(match("{ $.a IS NULL }", '{"a":"null"}')).toBe(false);
    expect(match("{ $.a[*] IS NULL }", '{"a":[1,null]}')).toBe(true);
  });

  test("the CIS unauthorized-calls wildcards", () => {
    const p = '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}';
    expect(match(p, '{"errorCode":"Client.UnauthorizedOperation"}')).toBe(true);
    expect(match(p, '{"errorCode":"AccessDeniedException"}')).toBe(true);
    expect(match(p, '{"errorCode":"ThrottlingException"}')).toBe(false);
  });

  test("non-JSON messages and JSON that is not an object never match a JSON pattern", () => {
    expect(match('{ $.a = "x" }', "not json")).toBe(false);
    expect(match('{ $.a = "x" }', '"x"')).toBe(false);
    expect(match('{ $.a = "x" }', '{"a":"x"')).toBe(false);
  });

  test("invalid patterns are rejected with position and reason", () => {
    invalid("{ $.a IS NOT NULL }", /IS NOT is not supported/);
    invalid("{ $.a EXISTS }", /EXISTS is not supported/);
    invalid('{ $.a = "x" ', /at \d+: expected '}'/);
    invalid('{ a = "x" }', /expected a selector starting with \$/);
    invalid('{ $.a > "x" }', /> needs a number/);
    invalid('{ $.a == "x" }', /unknown operator/);
    invalid("{ $.a !== 1 }", /unknown operator/);
  });
});

describe("filter-pattern engine: numbers against strings in JSON", () => {
  // The documentation's value nodes are "strings or numbers", and its numeric examples ({ $.errorCode = 400 },
  // { $.sourceIPAddress != 123.123.* } in the 2018 page's "Metric filter that matches number") compare numbers.
  // Decision recorded in the engine: a number operand reads a string holding a number as that number; any other
  // string is not equal to it.
  test.each([
    ["{ $.status = 400 }", '{"status":"400"}', true],
    ["{ $.status = 400 }", '{"status":"400.0"}', true],
    ["{ $.status = 400 }", '{"status":"abc"}', false],
    ["{ $.status != 400 }", '{"status":"abc"}', true],
    ["{ $.status != 400 }", '{"status":"400"}', false],
    ["{ $.status > 399 }", '{"status":"400"}', true],
    ["{ $.status > 399 }", '{"status":"abc"}', false],
    ["{ $.status = 1e3 }", '{"status":"1000"}', true],
    ['{ $.status = "400" }', '{"status":400}', true],
    ['{ $.status = "4*" }', '{"status":404}', true],
    ['{ $.status = "400" }', '{"status":400.5}', false],
    ["{ $.flag = 1 }", '{"flag":true}', false],
    ["{ $.flag != 1 }", '{"flag":true}', false],
    ['{ $.flag != "x" }', '{"flag":null}', false],
    ['{ $.flag = "*" }', '{"flag":false}', false],
  ])("%s on %s → %s", (pattern, event, want) => expect(match(pattern, event)).toBe(want));
});

describe("filter-pattern engine: JSON selectors and their quotas (CWL docs: Wildcard selector, Quotas)", () => {
  test("wildcards select any element or any field; the condition holds when one selected value satisfies it", () => {
    expect(match("{ $.a[*] = 2 }", '{"a":[1,2]}')).toBe(true);
    expect(match("{ $.a[*] != 2 }", '{"a":[2,2]}')).toBe(false);
    expect(match("{ $.a[*] != 2 }", '{"a":[2,3]}')).toBe(true);
    expect(match("{ $.a[*] = 2 }", '{"a":{"x":2}}')).toBe(false);
    expect(match("{ $.a.* = 2 }", '{"a":{"x":1,"y":2}}')).toBe(true);
    expect(match("{ $.a.* = 2 }", '{"a":[2]}')).toBe(false);
    expect(match("{ $.*.id = 7 }", '{"u":{"id":7},"v":1}')).toBe(true);
    expect(match("{ $.a[*].b = 1 }", '{"a":[{"b":2},{"c":1},{"b":1}]}')).toBe(true);
    expect(match("{ $.a[*] = 2 }", '{"a":[[2]]}')).toBe(false);
  });

  test("bracket notation selects keys containing periods, anywhere in the selector", () => {
    expect(match("{ $.['a.b'] = 1 }", '{"a.b":1,"a":{"b":2}}')).toBe(true);
    expect(match("{ $.a.b = 1 }", '{"a.b":1,"a":{"b":2}}')).toBe(false);
    expect(match("{ $.x.['a.b'][0] = 1 }", '{"x":{"a.b":[1]}}')).toBe(true);
  });

  test("at most one wildcard per selector and three per pattern; undocumented forms are unsupported", () => {
    invalid("{ $.a[*].b[*] = 1 }", /one wildcard selector/);
    invalid("{ $.*.b[*] = 1 }", /one wildcard selector/);
    invalid("{ $.a[*] = 1 || $.b[*] = 1 || $.c.* = 1 || $.d[*] = 1 }", /at most 3 wildcard selectors/);
    expect(() => compileFilterPattern("{ $.a[*] = 1 || $.b[*] = 1 || $.c.* = 1 }")).not.toThrow();
    invalid('{ $."a.b" = 1 }', /unsupported: this selector syntax/);
    invalid("{ $['a'] = 1 }", /unsupported: a selector not starting with \$\./);
    invalid("{ $[0] = 1 }", /unsupported: a selector not starting with \$\./);
    invalid('{ $.a["b"] = 1 }', /unsupported: this bracket selector/);
    invalid("{ $.a[*] NOT EXISTS }", /unsupported: NOT EXISTS with a wildcard selector/);
  });
});

describe("filter-pattern engine: regular expressions (CWL docs: Supported regular expressions (regex) syntax)", () => {
  const E = [
    "[ERROR 400] BAD REQUEST",
    "[ERROR 401] UNAUTHORIZED REQUEST",
    "[ERROR 419] MISSING ARGUMENTS",
    "[ERROR 420] INVALID ARGUMENTS",
    "[ERROR 500] INTERNAL SERVER ERROR",
    "[SUCCESS 200] AUTHORIZED REQUEST",
  ];
  test("%AUTHORIZED% matches events 2 and 6", () => {
    expect(E.map((e, i) => (match("%AUTHORIZED%", e) ? i + 1 : 0)).filter(Boolean)).toEqual([2, 6]);
  });

  test.each([
    ["%^[hc]at%", ["hat", "cat", "cats"], ["that", "bat"]],
    ["%[hc]at$%", ["hat", "that", "cat"], ["cats", "bat"]],
    ["%colou?r%", ["color", "colour"], ["colouur"]],
    ["%[abc]%", ["a", "xbx", "c"], ["d", ""]],
    ["%[a-z]%", ["q"], ["Q", "1"]],
    ["%[abcx-z]%", ["y"], ["w"]],
    ["%^a{3,5}$%", ["aaa", "aaaa", "aaaaa"], ["aa", "aaaaaa"]],
    ["%^a{,2}$%", ["", "a", "aa"], ["aaa"]],
    ["%^a{2,}$%", ["aa", "aaaa"], ["a"]],
    ["%gra|ey%", ["gray", "grey"], ["grxy"]],
    ["%^starting|^initializing|^shutting down%", ["starting ...", "initializing ...", "shutting down"], ["skipping initializing ..."]],
    ["%abcc|ab[^c]$%", ["abcc ...", "aba"], ["aac ..."]],
    ["%\\[.\\]%", ["[a]", "[b]", "[7]", "[@]", "[]]", "[ ]"], ["[ab]"]],
    ["%10\\.10\\.0\\.1%", ["10.10.0.1"], ["10010,051"]],
    ["%10.10.0.1%", ["10010,051", "10.10.0.1"], ["10.10.0"]],
    ["%ab*c%", ["ac", "abc", "abbbc"], ["adc"]],
    ["%ab[0-9]*%", ["ab", "ab0", "ab129"], ["a"]],
    ["%ab+c%", ["abc", "abbc", "abbbc"], ["ac"]],
    ["%.at%", ["hat", "cat", "bat", "4at", "#at", " at"], ["at"]],
    ["%^\\d$%", ["7"], ["a"]],
    ["%^\\D$%", ["a"], ["7"]],
    ["%a\\sb%", ["a b", "a\tb", "a\nb"], ["ab"]],
    ["%a\\Sb%", ["axb"], ["a b"]],
    ["%^\\w$%", ["_", "a", "9"], ["-"]],
    ["%^\\W$%", ["-"], ["a"]],
    ["%\\x3A%", [":"], [";"]],
    ["%\\x28%", ["("], ["x"]],
    ["%[Ee]rror|[Ff]ail%", ["Error", "error", "Fail", "fail"], ["ERROR"]],
    ["%\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}%", ["10.0.0.1"], ["10.0.0"]],
  ])("%s", (pattern, yes, no) => {
    for (const s of yes) expect([s, match(pattern, s)]).toEqual([s, true]);
    for (const s of no) expect([s, match(pattern, s)]).toEqual([s, false]);
  });

  test("unsupported characters and constructs are rejected", () => {
    invalid("%something!%", /'!' is not supported/);
    invalid("%(ab)+%", /\( and \) operators are not supported/);
    invalid("%\\(ab%", /\( and \) operators are not supported/);
    invalid("%caf\u00e9%", /multi-byte characters are not supported/);
    invalid("%a\\bc%", /unsupported: the escape \\b/);
    invalid("%ab\"c%", /'"' is not supported/);
    invalid("%%", /empty regular expression/);
    invalid("%abc", /unsupported: a regular expression combined with other terms/);
    invalid("%abc% ERROR", /unsupported: a regular expression combined with other terms/);
    invalid("ERROR %abc%", /unsupported: a regular expression combined with other terms/);
    invalid("%a{x}%", /expected a quantifier/);
  });

  test("at most two regular expressions in a JSON or space-delimited pattern (Quotas)", () => {
    expect(() => compileFilterPattern("{ $.a = %x% && $.b = %y% }")).not.toThrow();
    invalid("{ $.a = %x% && $.b = %y% && $.c = %z% }", /at most 2 regular expressions/);
    expect(() => compileFilterPattern("[a=%x%, b=%y%]")).not.toThrow();
    invalid("[a=%x%, b=%y%, c=%z%]", /at most 2 regular expressions/);
  });
});

describe("filter-pattern engine: documented term vectors", () => {
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
    // "If you combine ? with other filter patterns, all question mark terms will be ignored."
    ["?ERROR ?ARGUMENTS REQUEST", [1, 2, 6]],
    ["?ARGUMENTS -ERROR", [6]],
  ])("%s matches events %j (CWL docs)", (p, want) => expect(hits(p as string)).toEqual(want));

  test("?ERROR ?ARGUMENTS REQUEST matches every event containing REQUEST (CWL docs note)", () => {
    for (const e of ["[INFO] REQUEST FAILED", "[WARN] UNAUTHORIZED REQUEST", "[ERROR] 400 BAD REQUEST"]) expect(match("?ERROR ?ARGUMENTS REQUEST", e)).toBe(true);
  });

  test("terms are case-sensitive substrings (CWL 2018 examples 1–4)", () => {
    expect(match("ERROR", "[ERROR] A fatal exception has occurred")).toBe(true);
    expect(match("ERROR", "Exiting with ERRORCODE: -1")).toBe(true);
    expect(match('"ERROR" - "Exiting"', "Exiting with ERRORCODE: -1")).toBe(false);
    expect(match('"ERROR" - "Exiting"', "[ERROR] A fatal exception has occurred")).toBe(true);
    expect(match("ERROR Exception", "[ERROR] Caught IllegalArgumentException")).toBe(true);
    expect(match("ERROR Exception", "[ERROR] Unhandled Exception")).toBe(true);
    expect(match('"Failed to process the request"', "[ERROR] Unable to continue: Failed to process the request")).toBe(true);
    const four = ["[Error] Unhandled Exception", "[ERROR] A fatal exception has occurred", "[ERROR] Caught IllegalArgumentException", "Exiting with ERRORCODE: -1"];
    expect(four.map((e) => match("?Error ?fatal", e))).toEqual([true, true, false, false]);
    expect(match("error", "ERROR")).toBe(false);
  });

  test('an empty pattern and " " match everything (CWL docs: Example: Match everything)', () => {
    expect(match("", "anything")).toBe(true);
    expect(match('" "', "anything")).toBe(true);
  });

  test("a pattern longer than 1024 characters is rejected (PutMetricFilter / TestMetricFilter: filterPattern maximum length 1024)", () => {
    expect(() => compileFilterPattern("x".repeat(1024))).not.toThrow();
    invalid("x".repeat(1025), /at most 1024 characters/);
  });

  test("malformed term patterns are rejected", () => {
    invalid('ERROR "unterminated', /unterminated quoted phrase/);
    invalid("ERROR -", /expected a term/);
  });
});

describe("filter-pattern engine: documented space-delimited vectors", () => {
  const S1 = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534';
  test.each([
    "[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]",
    "[..., request =*.html*, status_code = 4*, bytes]",
    "[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]",
    "[ip, server, username, timestamp, request, status_code, bytes > 1000]",
    // CWL docs: regex in a field
    "[ip=%127\\.0\\.0\\.[1-9]%, user, username, timestamp, request =*.html*, status_code = 4*, bytes]",
    // CWL 2018
    "[..., status_code, bytes]",
    "[ip, user, ..., status_code, bytes]",
    "[ip, user, ...]",
    "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]",
    "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]",
    "[..., request=*.html*, status_code=4*,]",
  ])("S1 matches %s", (p) => expect(match(p, S1)).toBe(true));

  test.each([
    "[ip, server, username, timestamp, request, status_code, bytes > 2000]",
    "[ip=%127\\.0\\.0\\.[2-9]%, user, username, timestamp, request, status_code, bytes]",
    "[ip, user, username, timestamp, request, status_code = 4* && status_code = 5*, bytes]",
    "[ip, user, username, timestamp, request, status_code = 200, bytes]",
    "[ip, user, username, timestamp, request, status_code, bytes, extra]",
  ])("S1 does not match %s", (p) => expect(match(p, S1)).toBe(false));

  const LOG = [
    "INFO 09/25/2014 12:00:00 GET /service/resource/67 1200",
    "INFO 09/25/2014 12:00:01 POST /service/resource/67/part/111 1310",
    "WARNING 09/25/2014 12:00:02 Invalid user request",
    "ERROR 09/25/2014 12:00:02 Failed to process request",
  ];
  const which = (p: string) => LOG.map((e) => match(p, e));
  test.each([
    ["[w1=ERROR, w2]", [false, false, false, true]],
    ["[w1=ERROR || w1=WARNING, w2]", [false, false, true, true]],
    ["[w1!=ERROR && w1!=WARNING, w2]", [true, true, false, false]],
    ["[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]", [true, false, false, false]],
    ["[logLevel, date, time, method, url=%/service/resource/[0-9]+/part/[0-9]+$%, response_time]", [false, true, false, false]],
    // the rest of the line goes to the last field: without the blank w2, w1 is the whole line
    ["[w1=ERROR]", [false, false, false, false]],
    ["[w1=ERROR*]", [false, false, false, true]],
    ["[w1 = ERROR||w1 = WARNING, w2]", [false, false, true, true]],
    ["[a, b, c, d, e = %^/service%]", [true, true, false, false]],
  ])("%s on the documented INFO/WARNING/ERROR events → %j (CWL docs)", (p, want) => expect(which(p as string)).toEqual(want));

  test("an empty field list names one unnamed field: every event matches", () => {
    expect(match("[]", "anything at all")).toBe(true);
    expect(match("[]", S1)).toBe(true);
  });

  test("an ellipsis first, in the middle or last, and extracted fields are split on spaces, [] and quotes", () => {
    expect(match("[..., status = 404, bytes]", S1)).toBe(true);
    expect(match("[ip = 127.0.0.1, ..., bytes = 1534]", S1)).toBe(true);
    expect(match("[ip = 127.0.0.1, ..., bytes = 1535]", S1)).toBe(false);
    expect(match('[..., request = "GET /index.html HTTP/1.0", status, bytes]', S1)).toBe(true);
    expect(match("[ip, user, username, timestamp = 10/Oct/2000*, ...]", S1)).toBe(true);
    expect(match("[a, ..., b]", "one")).toBe(false);
    expect(match("[a, ..., b]", "one two")).toBe(true);
  });

  test("numeric conditions read the field as a number; = and != with a number compare numbers", () => {
    expect(match("[a, b = 404]", "x 404.0")).toBe(true);
    expect(match("[a, b != 404]", "x abc")).toBe(true);
    expect(match("[a, b > 1]", "x abc")).toBe(false);
    expect(match("[a, b >= 1e3]", "x 1000")).toBe(true);
  });

  test("undocumented delimited syntax is refused, malformed syntax rejected", () => {
    invalid("[a, ..., b, ..., c]", /unsupported: more than one \.\.\./);
    invalid("[w1 = ERROR && (w1 != FOO || w1 = WARNING), w2]", /unsupported: parentheses/);
    invalid("[w1!=ERROR AND w1!=WARNING, w2]", /expected && or \|\|/);
    invalid("[w1==ERROR, w2]", /expected a value/);
    invalid("[w1===ERROR || w1!==WARNING, w2]", /expected a value/);
    invalid("[w1=ERROR && || w1=WARNING, w2]");
    invalid("[a, b", /expected '\]'/);
    invalid('[a = "x, b]', /unterminated/);
    invalid("[a > x]", /> needs a number/);
  });
});
