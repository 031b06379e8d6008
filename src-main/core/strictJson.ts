/**
 * JSON from a file a user gives (an AFEW-VA label file, a model card). A `"__proto__"` key survives JSON.parse as
 * an own property, but schema checks and object spreads treat it as the prototype: a key named so was silently
 * dropped (an AFEW-VA file of such frames "imported" nothing) or could swap an object's prototype. No format the
 * studio reads uses that name, so the file is refused like any malformed one.
 */
export function parseUserJson(text: string): unknown {
  return JSON.parse(text, (key: string, value: unknown) => {
    if (key === '__proto__') throw new SyntaxError('a "__proto__" key is not allowed');
    return value;
  });
}
