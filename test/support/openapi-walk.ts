// Walks the app's OpenAPI document: its operations, and every place in a request where text goes
// (string path, query and header parameters, string fields of the JSON body at any depth, array
// items included), so a fuzz covers routes added later without being told about them.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The JSON Schema subset that zod-openapi emits for this app. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: (string | null)[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  /** `POST /v1/admin/grants`: the key recipes and the allowlist use. */
  id: string;
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
}

export interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema: Schema }> } }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

/** Where one text value goes: `body` with a path into the JSON body, or a named parameter. */
export type SlotWhere =
  { in: 'body'; at: (string | number)[] } | { in: 'path' | 'query' | 'header'; name: string };

export interface Slot {
  where: SlotWhere;
  /** `body.address.line1`, `body.tags[]`, `header.idempotency-key`, `path.slug`, `query.q`. */
  label: string;
  schema: Schema;
}

export function operations(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        id: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: body && resolve(doc, body),
      });
    }
  }
  return ops;
}

export function resolve(doc: OpenApiDoc, s: Schema): Schema {
  if (!s.$ref) return s;
  const name = s.$ref.replace('#/components/schemas/', '');
  const target = doc.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved $ref ${s.$ref}`);
  return resolve(doc, target);
}

const types = (s: Schema) => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);
const isString = (s: Schema) =>
  types(s).includes('string') || (s.enum?.some((e) => typeof e === 'string') ?? false);

/**
 * Every text slot of an operation for a given valid body. A oneOf body (the learning events)
 * follows the branch whose enum fields match the base body, so each recipe base covers its branch.
 */
export function textSlots(doc: OpenApiDoc, op: Operation, baseBody?: Json): Slot[] {
  const slots: Slot[] = [];
  for (const p of op.parameters) {
    const schema = resolve(doc, p.schema);
    if (isString(schema))
      slots.push({ where: { in: p.in, name: p.name }, label: `${p.in}.${p.name}`, schema });
  }
  const walk = (s: Schema, at: (string | number)[], base: Json | undefined) => {
    s = resolve(doc, s);
    const branches = s.oneOf ?? s.anyOf;
    if (branches) {
      const branch = branches.map((b) => resolve(doc, b)).find((b) => matchesBranch(doc, b, base));
      if (branch) walk(branch, at, base);
      return;
    }
    if (isString(s)) {
      slots.push({
        where: { in: 'body', at },
        label: `body.${at
          .map((k) => (typeof k === 'number' ? '[]' : k))
          .join('.')
          .replace(/\.\[\]/g, '[]')}`,
        schema: s,
      });
    } else if (types(s).includes('array') && s.items) {
      walk(s.items, [...at, 0], Array.isArray(base) ? base[0] : undefined);
    } else if (s.properties) {
      const obj = base && typeof base === 'object' && !Array.isArray(base) ? base : undefined;
      for (const [k, v] of Object.entries(s.properties)) walk(v, [...at, k], obj?.[k]);
    }
  };
  if (op.body) walk(op.body, [], baseBody);
  return slots;
}

function matchesBranch(doc: OpenApiDoc, branch: Schema, base: Json | undefined): boolean {
  if (!branch.properties || !base || typeof base !== 'object' || Array.isArray(base)) return false;
  return Object.entries(branch.properties).every(([k, v]) => {
    const e = resolve(doc, v).enum;
    return !e || e.includes(base[k] as string);
  });
}

/** Whether a string satisfies the slot's own constraints (length, pattern, enum, date-time). */
export function fitsSchema(s: Schema, value: string): boolean {
  if (s.enum) return s.enum.includes(value);
  const trimmed = value.trim();
  if (s.minLength !== undefined && trimmed.length < s.minLength) return false;
  if (s.maxLength !== undefined && value.length > s.maxLength) return false;
  if (s.pattern && !new RegExp(s.pattern).test(value)) return false;
  if (s.format === 'date-time') return false; // none of the fuzz values is a timestamp
  return true;
}

/** A copy of `body` with `value` at `at` (arrays become one-item arrays, missing objects are made). */
export function setAt(body: Json | undefined, at: (string | number)[], value: Json): Json {
  if (!at.length) return value;
  const [k, ...rest] = at;
  if (typeof k === 'number') {
    return [setAt(Array.isArray(body) ? body[0] : undefined, rest, value)];
  }
  const obj = body && typeof body === 'object' && !Array.isArray(body) ? { ...body } : {};
  obj[k] = setAt(obj[k], rest, value);
  return obj;
}

/** Whether the JSON holds a string equal to `value` somewhere (a read-back found the text). */
export function holdsString(json: unknown, value: string): boolean {
  if (typeof json === 'string') return json === value;
  if (Array.isArray(json)) return json.some((v) => holdsString(v, value));
  if (json && typeof json === 'object')
    return Object.values(json).some((v) => holdsString(v, value));
  return false;
}
