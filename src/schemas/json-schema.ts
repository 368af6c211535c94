// The JSON Schema hpcrun publishes for a file format, generated from its zod
// schema so the two cannot drift apart. `npm run schemas` writes the files;
// test/unit/schemas.test.ts fails when a committed file differs. Pure.

import { z } from 'zod';

/** A file format hpcrun reads: its schema and, if published, where its JSON Schema lives. */
export interface FileFormat {
  /** Short name, e.g. "catalog". */
  name: string;
  schema: z.ZodType;
  /** Path of the published JSON Schema, relative to the package root, and its $id. */
  published?: { path: string; id: string };
}

const SAFE = Number.MAX_SAFE_INTEGER;

/** The JSON Schema (draft 2020-12) of what a file may hold: zod's input side. */
export function jsonSchemaOf(format: FileFormat): Record<string, unknown> {
  const generated = z.toJSONSchema(format.schema, {
    target: 'draft-2020-12',
    io: 'input',
    // z.int() states the safe-integer range on every integer; it says nothing a reader needs.
    override: ({ jsonSchema }) => {
      const s = jsonSchema as { minimum?: number; maximum?: number };
      if (s.maximum === SAFE) delete s.maximum;
      if (s.minimum === -SAFE) delete s.minimum;
    },
  }) as Record<string, unknown>;
  const { $schema, title, description, ...rest } = generated;
  return { $schema, ...(format.published ? { $id: format.published.id } : {}), title, description, ...rest };
}

/** The text of a published schema file, as committed. */
export function jsonSchemaText(format: FileFormat): string {
  return `${JSON.stringify(jsonSchemaOf(format), null, 2)}\n`;
}
