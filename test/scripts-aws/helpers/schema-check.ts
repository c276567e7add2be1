/**
 * @module Checks a request input against the API model the real SDK client carries: its static Smithy schemas
 * (e.g. `CreateEndpointConfigInput$` exported by @aws-sdk/client-sagemaker). A structure schema is
 * [3, namespace, name, traits, memberNames, memberSchemas, requiredCount], with the required members listed first;
 * lists are [1, ns, name, traits, value], maps [2, ns, name, traits, key, value], numbers are simple types
 * (0 string, 1 number, 2 boolean, 4-7 timestamps, 15 document, 21/42 blob; +64 list of, +128 map of).
 * Every missing required member, unknown member and wrong JSON type is reported with its path.
 */

type SchemaRef = unknown;

const deref = (ref: SchemaRef): unknown => (typeof ref === 'function' ? (ref as () => unknown)() : ref);

/** Strips member wrappers [schema, traits] and simple-schema wrappers [0, ns, name, traits, schema]. */
function resolve(ref: SchemaRef): unknown {
  let schema = deref(ref);
  for (;;) {
    if (Array.isArray(schema) && schema.length === 2) schema = deref(schema[0]);
    else if (Array.isArray(schema) && schema[0] === 0 && schema.length >= 5) schema = deref(schema[4]);
    else return schema;
  }
}

/** Member traits of a struct member reference (httpHeader, httpLabel, ...), decoded from Smithy's bit set. */
export function memberTraits(ref: SchemaRef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let schema = deref(ref);
  while (Array.isArray(schema) && schema.length === 2) {
    const traits = schema[1];
    if (typeof traits === 'object' && traits !== null) Object.assign(out, traits);
    else {
      const names = ['httpLabel', 'idempotent', 'idempotencyToken', 'sensitive', 'httpPayload', 'httpResponseCode', 'httpQueryParams'];
      names.forEach((name, i) => {
        if (((Number(traits) >> i) & 1) === 1) out[name] = 1;
      });
    }
    schema = deref(schema[0]);
  }
  return out;
}

export interface StructShape {
  name: string;
  members: { name: string; schema: SchemaRef; required: boolean }[];
}

/** The members of a structure schema, with which of them are required. */
export function structShape(ref: SchemaRef): StructShape {
  const schema = resolve(ref);
  if (!Array.isArray(schema) || (schema[0] !== 3 && schema[0] !== -3)) throw new Error(`not a structure schema: ${String(schema)}`);
  const names = schema[4] as string[];
  const schemas = schema[5] as SchemaRef[];
  const requiredCount = (schema[6] as number | undefined) ?? 0;
  return {
    name: String(schema[2]),
    members: names.map((name, i) => ({ name, schema: schemas[i], required: i < requiredCount })),
  };
}

/** Names of the required members of a structure schema. */
export function requiredMembers(ref: SchemaRef): string[] {
  return structShape(ref).members.filter((m) => m.required).map((m) => m.name);
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value;
}

/**
 * Problems of `value` against the schema, each "path: what". Empty when the value has every required member, no
 * unknown member, and JSON types that fit (blobs may be strings or bytes; timestamps strings, numbers or Dates).
 */
export function checkAgainstSchema(ref: SchemaRef, value: unknown, path = '$'): string[] {
  const schema = resolve(ref);
  const problems: string[] = [];
  const got = typeOf(value);
  const expect = (ok: boolean, wanted: string) => {
    if (!ok) problems.push(`${path}: expected ${wanted}, got ${got}`);
    return ok;
  };
  if (typeof schema === 'number') {
    if (schema >= 128) {
      if (expect(got === 'object', 'a map')) {
        for (const [k, v] of Object.entries(value as object)) problems.push(...checkAgainstSchema(schema & 0b0011_1111, v, `${path}.${k}`));
      }
    } else if (schema >= 64) {
      if (expect(got === 'array', 'a list')) {
        (value as unknown[]).forEach((v, i) => problems.push(...checkAgainstSchema(schema & 0b0011_1111, v, `${path}[${i}]`)));
      }
    } else if (schema === 0) expect(got === 'string', 'a string');
    else if (schema === 1 || schema === 17 || schema === 19) expect(got === 'number', 'a number');
    else if (schema === 2) expect(got === 'boolean', 'a boolean');
    else if (schema >= 4 && schema <= 7) expect(got === 'string' || got === 'number' || value instanceof Date, 'a timestamp');
    else if (schema === 21 || schema === 42) expect(got === 'string' || got === 'bytes', 'a blob');
    return problems;
  }
  if (!Array.isArray(schema)) return problems; // document or unit: anything goes
  const kind = schema[0];
  if (kind === 1) {
    if (expect(got === 'array', 'a list')) {
      (value as unknown[]).forEach((v, i) => problems.push(...checkAgainstSchema(schema[4], v, `${path}[${i}]`)));
    }
  } else if (kind === 2) {
    if (expect(got === 'object', 'a map')) {
      for (const [k, v] of Object.entries(value as object)) problems.push(...checkAgainstSchema(schema[5], v, `${path}.${k}`));
    }
  } else if (kind === 3 || kind === 4) {
    if (!expect(got === 'object', `a ${String(schema[2])} structure`)) return problems;
    const shape = structShape(schema);
    const object = value as Record<string, unknown>;
    for (const member of shape.members) {
      const present = object[member.name] !== undefined;
      if (member.required && !present) problems.push(`${path}.${member.name}: required member of ${shape.name} is missing`);
      if (present) problems.push(...checkAgainstSchema(member.schema, object[member.name], `${path}.${member.name}`));
    }
    const known = new Set(shape.members.map((m) => m.name));
    for (const key of Object.keys(object)) {
      if (!known.has(key)) problems.push(`${path}.${key}: not a member of ${shape.name}`);
    }
  }
  return problems;
}

/** The input schema of an operation schema ([9, ns, name, traits, input, output]). */
export function operationInput(operationSchema: unknown): SchemaRef {
  const op = deref(operationSchema);
  if (!Array.isArray(op) || op[0] !== 9) throw new Error('not an operation schema');
  return op[4];
}

/** The HTTP binding of an operation schema: method and URI template, e.g. ["POST", "/schedules/{Name}"]. */
export function operationHttp(operationSchema: unknown): [method: string, uri: string] | undefined {
  const op = deref(operationSchema) as unknown[];
  const traits = op[3] as { http?: [string, string, number] } | number;
  return typeof traits === 'object' && traits.http ? [traits.http[0], traits.http[1]] : undefined;
}
