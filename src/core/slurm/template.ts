// Fills a batch-script template: `{{name}}` placeholders, each replaced by
// its value in one pass (a value is never scanned again, so an argument such
// as "{{step}}" stays text). A placeholder hpcrun does not fill, or one it
// must fill that the template lacks, is an error: a script with a hole in it
// is never submitted. Pure.

import { HpcrunError } from '../../errors.js';

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export interface Template {
  text: string;
  /** Where it came from, for messages: hpcrun's own file, or one the user gave with --template. */
  source: 'builtin' | 'user';
  path: string;
}

/**
 * Replaces every placeholder of `template` with its value. `required` names
 * the placeholders the template must use. An unknown or missing placeholder
 * in the user's template is an input error (65); in hpcrun's own, a bug (70).
 */
export function fillTemplate(template: Template, values: Readonly<Record<string, string>>, required: readonly string[]): string {
  const names = (list: readonly string[]) => list.map((name) => `{{${name}}}`).join(' and ');
  const fail = (problem: string): HpcrunError =>
    templateError(template, 'HPCRUN_TEMPLATE_PLACEHOLDER', problem, `use only ${Object.keys(values).map((name) => `{{${name}}}`).join(', ')}; ${names(required)} must appear`);
  const used = new Set<string>();
  const unknown: string[] = [];
  for (const match of template.text.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (Object.hasOwn(values, name)) used.add(name);
    else unknown.push(`{{${name}}} (line ${lineOf(template.text, match.index)})`);
  }
  if (unknown.length > 0) throw fail(`${unknown.join(', ')} ${unknown.length === 1 ? 'is a placeholder' : 'are placeholders'} hpcrun does not fill`);
  const missing = required.filter((name) => !used.has(name));
  if (missing.length > 0) throw fail(`${names(missing)} ${missing.length === 1 ? 'is' : 'are'} missing, so the job would lack its ${missing.join(' and ')}`);
  return template.text.replace(PLACEHOLDER, (_text, name: string) => values[name] as string);
}

/** A fault of a template: the user's own is invalid input (65); hpcrun's, a bug (70). */
export function templateError(template: Template, code: string, problem: string, hint: string): HpcrunError {
  return template.source === 'user'
    ? new HpcrunError('input', code, `${template.path}: ${problem}`, { hint })
    : new HpcrunError('internal', code, `hpcrun's batch template ${template.path}: ${problem}`, { hint: 'this is a bug in hpcrun (or its installed files were edited); please report it' });
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}
