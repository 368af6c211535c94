// journal.jsonl: a write-ahead log of what `up` and `repair` create. A line
// is appended and flushed to disk *before* each create request is sent, and
// each operation's name after it is known, so that `down` can find (and wait
// for) everything, even after hpcrun was SIGKILLed between two lines.

import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HpcrunError, inputError } from '../../errors.js';
import { type JournalEvent, JournalEventSchema, joinErrors, problemText, problems } from '../../schemas/index.js';
import type { OperationRef } from './api.js';
import { CLUSTER_FILES } from './store.js';

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type JournalEntry = Without<JournalEvent, 'at'>;

export async function appendJournal(dir: string, entry: JournalEntry, now: Date = new Date()): Promise<void> {
  const line = `${JSON.stringify({ ...entry, at: now.toISOString() })}\n`;
  try {
    const handle = await open(join(dir, CLUSTER_FILES.journal), 'a', 0o600);
    try {
      await handle.write(line);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    // Creating without a journal could leave VMs nobody knows of: stop first.
    throw new HpcrunError('output', 'HPCRUN_OUTPUT_UNWRITABLE', `cannot write the journal in ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { hint: 'nothing more was created; free space or fix permissions, then run `hpcrun cluster down NAME`' });
  }
}

export async function resetJournal(dir: string): Promise<void> {
  await rm(join(dir, CLUSTER_FILES.journal), { force: true });
}

/** The journal's events; a last line torn by a crash mid-write is ignored. */
export async function readJournal(dir: string): Promise<JournalEvent[]> {
  const path = join(dir, CLUSTER_FILES.journal);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  const events: JournalEvent[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const last = index >= lines.length - 2;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      if (last && !text.endsWith('\n')) return;
      throw inputError('HPCRUN_JOURNAL_INVALID', `${path}:${index + 1} is not JSON`, 'the journal was edited; `hpcrun cluster down NAME --project P --zone Z` still deletes by label');
    }
    const parsed = JournalEventSchema.safeParse(data);
    if (!parsed.success) throw inputError('HPCRUN_JOURNAL_INVALID', `${path}:${index + 1}: ${joinErrors(problems(parsed.error.issues).map(problemText))}`);
    events.push(parsed.data);
  });
  return events;
}

export interface JournalSummary {
  begin: Extract<JournalEvent, { event: 'begin' }> | undefined;
  policies: string[];
  instances: string[];
  operations: OperationRef[];
  /** The last run ended: up-done (a complete cluster) or down-done (nothing left). */
  last: 'up-done' | 'down-done' | undefined;
}

export function summarise(events: readonly JournalEvent[]): JournalSummary {
  const begin = events.find((event): event is Extract<JournalEvent, { event: 'begin' }> => event.event === 'begin');
  // What a create line names was (maybe) created; `begin` only says what was planned.
  const policies = new Set<string>();
  const instances = new Set<string>();
  const operations: OperationRef[] = [];
  let last: JournalSummary['last'];
  for (const event of events) {
    if (event.event === 'create') for (const name of event.names) (event.kind === 'policy' ? policies : instances).add(name);
    if (event.event === 'operation' && begin) operations.push({ scope: event.scope, project: begin.project, location: event.location, name: event.name });
    if (event.event === 'up-done' || event.event === 'down-done') last = event.event;
    if (event.event === 'create' || event.event === 'begin') last = undefined;
  }
  return { begin, policies: [...policies], instances: [...instances], operations, last };
}
