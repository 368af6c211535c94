import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FORMATS, check, formatPath, jsonSchemaOf, jsonSchemaText, problemText, problems } from '../../src/schemas/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('published JSON Schemas', () => {
  const published = FORMATS.filter((f) => f.published !== undefined);

  it('publishes the catalog, model, result-set, reference and nightly-config schemas', () => {
    expect(published.map((f) => f.published?.path).sort()).toEqual(['benchmarks/nightly.schema.json', 'placement/catalog.schema.json', 'results/model.schema.json', 'results/references/references.schema.json', 'results/result-set.schema.json']);
  });

  it.each(published.map((f) => [f.published?.path as string, f] as const))('%s is what zod generates (else run `npm run schemas`)', (path, format) => {
    expect(readFileSync(`${root}${path}`, 'utf8')).toBe(jsonSchemaText(format));
  });

  it.each(FORMATS.map((f) => [f.name, f] as const))('the %s schema converts to JSON Schema 2020-12', (_name, format) => {
    const schema = jsonSchemaOf(format);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toMatch(/^hpcrun /);
  });
});

describe('zod issues as hpcrun messages', () => {
  it.each([
    [[], ''],
    [['shapes', 3, 'physicalCores'], 'shapes[3].physicalCores'],
    [['rows', 0], 'rows[0]'],
    [[0, 'a'], '[0].a'],
  ] as const)('path %j reads %j', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });

  const Example = z.strictObject({
    count: z.int().min(1),
    ratio: z.number().positive().optional(),
    kind: z.enum(['a', 'b']).optional(),
    items: z.array(z.string()).min(1).optional(),
    either: z.union([z.number(), z.strictObject({ value: z.number(), date: z.string() })]).optional(),
  });

  it.each([
    [{}, 'count: is required'],
    [{ count: 'two' }, 'count: must be a number, not "two"'],
    [{ count: 1.5 }, 'count: must be a whole number, not 1.5'],
    [{ count: 0 }, 'count: must be >= 1'],
    [{ count: 1, ratio: 0 }, 'ratio: must be a positive number'],
    [{ count: 1, kind: 'c' }, 'kind: must be one of a, b, not "c"'],
    [{ count: 1, items: [] }, 'items: must not be empty'],
    [{ count: 1, items: ['x', 3] }, 'items[1]: must be a string, not 3'],
    [{ count: 1, either: 'x' }, 'either: must be a number or an object, not "x"'],
    [{ count: 1, either: { value: 1 } }, 'either.date: is required'],
    [{ count: 1, extra: 1, more: 2 }, 'unknown field "extra"\nunknown field "more"'],
    [[], 'must be an object, not []'],
  ])('%j -> %s', (data, message) => {
    const result = check(Example, data);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toBe(message);
  });

  it('runs cross-field rules only after the schema passed, with warnings', () => {
    const rules = (v: { count: number }, report: { error(path: PropertyKey[], m: string): void; warn(m: string): void }) => {
      if (v.count > 9) report.error(['count'], 'is more than 9');
      if (v.count > 5) report.warn('count is large');
    };
    expect(check(Example, { count: 10 }, rules)).toEqual({ ok: false, errors: ['count: is more than 9'] });
    expect(check(Example, { count: 6 }, rules)).toEqual({ ok: true, value: { count: 6 }, warnings: ['count is large'] });
    expect(check(Example, { count: 0 }, rules)).toEqual({ ok: false, errors: ['count: must be >= 1'] });
  });

  it('keeps the offending value with each problem', () => {
    const result = Example.safeParse({ count: 'x' }, { reportInput: true });
    const [problem] = problems(result.error?.issues ?? []);
    expect(problem).toMatchObject({ path: ['count'], input: 'x' });
    expect(problem && problemText(problem)).toMatch(/^count: /);
  });
});
