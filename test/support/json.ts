// A parsed JSON body (an API answer, a recorded Bot API payload, a log line) as tests read it.
// Tests walk bodies of many shapes (`r.body.error.code`) and assert on what they find; typing each
// shape would restate the OpenAPI schemas, and a wrong path fails its assertion anyway. This is
// the one place test code opts out of types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
