// placement/published-latency.json: sourced MPI latency figures for shapes
// that have no measured model (plan --recommend falls back to them, with the
// catalog's bandwidth, flagged "published, not measured"). Pure.

import { z } from 'zod';
import { figure } from './catalog.js';
import { check, type Checked } from './issues.js';
import type { FileFormat } from './json-schema.js';

export const PUBLISHED_LATENCY_SCHEMA_VERSION = 1;

export const PublishedLatencySchema = z
  .strictObject({
    $schema: z.string().optional(),
    schemaVersion: z.literal(PUBLISHED_LATENCY_SCHEMA_VERSION),
    description: z.string().optional(),
    figures: z.array(
      z.strictObject({
        provider: z.string().min(1).describe('Catalog provider the figure applies to (gce).'),
        family: z.string().optional().describe('Machine family; absent: every family of the provider.'),
        latencyUs: figure(z.number().positive()).describe('One-way MPI latency (ping-pong half round trip) of a small message, µs.'),
      }),
    ),
  })
  .meta({ title: 'hpcrun published latency figures', description: 'placement/published-latency.json: sourced MPI latencies used when a shape has no measured model.' });

export type PublishedLatency = z.output<typeof PublishedLatencySchema>;

export function checkPublishedLatency(data: unknown): Checked<PublishedLatency> {
  return check(PublishedLatencySchema, data);
}

export const publishedLatencyFormat: FileFormat = { name: 'published-latency', schema: PublishedLatencySchema };
