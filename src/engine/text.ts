/**
 * The one place where text from outside (feed, package and view names, versions, deprecation
 * messages, server error bodies, input lines) becomes output. The agent runs any line that starts
 * with `##vso[` or `##[`, and it splits lines on CR as well as LF; a Markdown table breaks on `|`
 * and on line breaks. Every log line, table cell, message and summary the task or the command line
 * writes passes its outside values through here.
 */
import { hideSecrets } from './secrets';

const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const named: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };
/** `##vso[` and `##[`, in any case, with anything the agent might skip between the two `#`s. */
const command = /#(#(?:vso)?\[)/gi;

/**
 * A value for inside one line: credentials removed, line breaks and other control characters shown
 * escaped, commands defused.
 */
export function inline(value: string): string {
  return hideSecrets(value)
    .replace(controls, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(command, '#\\$1');
}

/** A value for a Markdown table cell: one line, and nothing that would end the cell or format it. */
export function cell(value: string): string {
  return markdownEscape(inline(value));
}

/** The Markdown step of `cell`, for a value `inline` already made safe. */
export function markdownEscape(line: string): string {
  return line.replace(/[\\`*_[\]|<>~]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`)).replace(/^#/, '\\#');
}

/**
 * JSON for output: the same data (credentials removed), with the characters that could start an agent command or a new
 * line written as escapes (`\u0023`, `\u2028`, and the C1 controls such as NEL, `\u0085`), which every JSON reader turns back into the same text.
 */
export function json(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? hideSecrets(v) : v))
    .replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/#/g, '\\u0023');
}
