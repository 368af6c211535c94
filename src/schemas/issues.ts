// Turning zod's findings into hpcrun's messages, and the staged check every
// format uses: parse with the schema, then the format's cross-field rules.
// Result: { ok, value, warnings } or { ok: false, errors }. Pure.
//
// A message names the place as a dotted/indexed path (shapes[3].physicalCores)
// and says what the value must be. Schemas may set their own message (zod's
// `error` option); every other issue gets the plain English of `hpcrunErrorMap`.

import type { z } from 'zod';

export type Checked<T> = { ok: true; value: T; warnings: string[] } | { ok: false; errors: string[] };

/** One thing wrong with a file: where, and what. */
export interface Problem {
  path: PropertyKey[];
  message: string;
  /** The offending value as read (undefined when missing). */
  input: unknown;
  /** zod's issue code; 'rule' for cross-field rules. */
  code: string;
  /** With code 'unrecognized_keys': the one unknown key (in the object at `path`). */
  key?: string;
}

/** `shapes[3].physicalCores`; the empty path is the whole file. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** A value as messages quote it: "two", 0, [64,"x"], or (missing). */
export function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
  null: 'null',
};

const typeName = (expected: string): string => TYPE_NAMES[expected] ?? expected;

function bound(kind: 'min' | 'max', origin: string, limit: number | bigint, inclusive: boolean | undefined): string {
  if (origin === 'array') return kind === 'min' ? (limit === 1 ? 'must not be empty' : `must list at least ${limit} entries`) : `must list at most ${limit} entries`;
  if (origin === 'string') return kind === 'min' ? (limit === 1 ? 'must not be empty' : `must be at least ${limit} characters`) : `must be at most ${limit} characters`;
  if (kind === 'min' && Number(limit) === 0 && !inclusive) return 'must be a positive number';
  return `must be ${kind === 'min' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<'} ${limit}`;
}

/** Root-level type mismatches in every branch of a union: "a number or an object". */
function unionTypes(branches: readonly (readonly z.core.$ZodIssue[])[]): string | undefined {
  const names = branches.map((b) => (b.length === 1 && b[0]?.code === 'invalid_type' && b[0].path.length === 0 ? typeName(b[0].expected) : undefined));
  if (names.some((n) => n === undefined)) return undefined;
  const unique = [...new Set(names)];
  return unique.length === 1 ? unique[0] : `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)}`;
}

/** The plain English for zod's default issues; a schema's own `error` takes precedence. */
export const hpcrunErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined && issue.code !== 'unrecognized_keys') return 'is required';
  const found = `, not ${show(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${typeName(issue.expected)}${found}`;
    case 'too_small':
      return bound('min', issue.origin, issue.minimum, issue.inclusive);
    case 'too_big':
      return bound('max', issue.origin, issue.maximum, issue.inclusive);
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${show(issue.values[0])}${found}` : `must be one of ${issue.values.join(', ')}${found}`;
    case 'invalid_format':
      return `${show(issue.input)} is not in the expected format${issue.pattern ? ` (${issue.pattern})` : ''}`;
    case 'invalid_union': {
      const types = unionTypes(issue.errors);
      return types ? `must be ${types}${found}` : `does not match any of the allowed forms${found}`;
    }
    default:
      return undefined;
  }
};

/**
 * zod issues as problems. A union that failed is explained by the one branch
 * that got past the type check (a figure missing its date is reported at
 * `...physicalCores.date`); unknown keys are reported one by one.
 */
export function problems(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union') {
      const typed = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (typed.length === 1 && typed[0]) {
        out.push(...problems(typed[0], path));
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path, message: `unknown field ${JSON.stringify(key)}`, input: issue.input?.[key], code: issue.code, key });
      continue;
    }
    out.push({ path, message: issue.message, input: issue.input, code: issue.code });
  }
  return out;
}

/** `path: message`, or just the message for the whole file. */
export function problemText(problem: Problem): string {
  const at = formatPath(problem.path);
  return at === '' ? problem.message : `${at}: ${problem.message}`;
}

/** Joins messages for one line, keeping the first `max`. */
export function joinErrors(errors: readonly string[], max = 8): string {
  const more = errors.length - max;
  return `${errors.slice(0, max).join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}

/** Stage one: the schema. Problems carry paths for the caller to phrase. */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown): { ok: true; value: z.output<S> } | { ok: false; problems: Problem[] } {
  const result = schema.safeParse(data, { error: hpcrunErrorMap, reportInput: true });
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: problems(result.error.issues) };
}

/** What cross-field rules report through. */
export interface RuleReport {
  error(path: readonly PropertyKey[], message: string): void;
  warn(message: string): void;
}
export type Rules<T> = (value: T, report: RuleReport) => void;

/** The staged check: the schema, then (only if it passed) the format's cross-field rules. */
export function check<S extends z.ZodType>(schema: S, data: unknown, rules?: Rules<z.output<S>>): Checked<z.output<S>> {
  const parsed = parseWith(schema, data);
  if (!parsed.ok) return { ok: false, errors: parsed.problems.map(problemText) };
  const errors: string[] = [];
  const warnings: string[] = [];
  rules?.(parsed.value, {
    error: (path, message) => void errors.push(problemText({ path: [...path], message, input: undefined, code: 'rule' })),
    warn: (message) => void warnings.push(message),
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: parsed.value, warnings };
}

/** The schemaVersion a file declares (undefined when it is not an object or has none). */
export function declaredVersion(data: unknown): unknown {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as { schemaVersion?: unknown }).schemaVersion : undefined;
}
