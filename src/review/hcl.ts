/**
 * Repairs cdktf 0.21's HCL output: its renderer leaves a string unescaped as soon as it contains a `${…}`
 * interpolation, so JSON policies built around references (`"{"Statement":[…"${aws_s3_bucket.x.arn}"…]}"`)
 * come out as broken HCL. This re-escapes the literal parts of such strings — `"` and `\` outside `${…}` —
 * and leaves the interpolations as they are. Pure: no cdktf imports.
 */

/** Escapes the literal text of a template string; interpolations (`${…}`, `%{…}`) are copied unchanged. */
export function escapeTemplate(content: string): string {
  let out = "";
  let i = 0;
  while (i < content.length) {
    const c = content[i];
    if ((c === "$" || c === "%") && content[i + 1] === "{") {
      const end = interpolationEnd(content, i + 2);
      out += content.slice(i, end);
      i = end;
      continue;
    }
    if (c === '"' || c === "\\") out += `\\${c}`;
    else out += c;
    i++;
  }
  return out;
}

/** Index just past the `}` closing an interpolation whose body starts at `from` (skips nested strings). */
function interpolationEnd(s: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < s.length && depth > 0) {
    const c = s[i];
    if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === "\\" ? 2 : 1;
    } else if (c === "{") depth++;
    else if (c === "}") depth--;
    i++;
  }
  return i;
}

/** Re-escapes every single-line `name = "…${…}…"` attribute of a rendered HCL file. */
export function repairHcl(hcl: string): string {
  return hcl
    .split("\n")
    .map((line) => {
      const m = /^(\s*[A-Za-z0-9_"-]+\s*=\s*)"(.*)"\s*$/.exec(line);
      if (!m || !m[2].includes("${")) return line;
      return `${m[1]}"${escapeTemplate(m[2])}"`;
    })
    .join("\n");
}
