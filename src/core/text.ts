// Words in messages. Pure.

/**
 * An integer with en-US thousands separators (1234567 -> 1,234,567), as
 * toLocaleString('en-US') writes it but without Intl: the first Intl number
 * format in a process costs about 25 ms of ICU start-up, which sat on
 * `hpcrun launch`'s critical path (its preflight summary) just before the
 * daemons were let go. Other numbers fall back to toLocaleString.
 */
export function grouped(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${digits}` : digits;
}

/** `1 thread`, `2 threads`, `1 policy`/`2 policies` with an explicit plural. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${grouped(n)} ${n === 1 ? singular : plural}`;
}

/** The noun alone, for when the number is formatted elsewhere: noun(1, 'rank') = 'rank'. */
export function noun(n: number, singular: string, plural = `${singular}s`): string {
  return n === 1 ? singular : plural;
}

/** `a`, `a and b`, `a, b and c`. */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
