/**
 * What the adapters write at the end of a run, built once for both: the table, the Markdown
 * summary, the result JSON, the output variables and the closing status line.
 */
import { format, Msg, msg } from './engine/messages';
import { countsLine, markdownSummary, resultObjects, RunOutcome, textTable } from './engine/report';
import { json } from './engine/text';

/** The largest `result` variable later steps can take; beyond it, only `resultFile`. */
export const resultVariableLimit = 32 * 1024;

export interface Presented {
  /** The log's table; absent when the run stopped before it reached the feed. */
  table?: string;
  counts: string;
  markdown: string;
  /** The result file's JSON. */
  json: string;
  variables: { changedCount: string; resultFile: string; result: string; feedUrl?: string; downloadedFiles: string };
  /** Warnings to add at the end (the result too large for its variable). */
  warnings: string[];
  /** Failures, in order: the first is the closing message. */
  errors: string[];
  status: RunOutcome['result'];
  /** The closing line: the first failure, or the counts. */
  message: string;
}

export function present(outcome: RunOutcome, title: string, resultFile: string, say: (m: Msg) => string = format): Presented {
  const text = json(resultObjects(outcome.rows));
  const warnings: string[] = [];
  const small = Buffer.byteLength(text) <= resultVariableLimit;
  if (!small) warnings.push(say(msg('ResultTooLarge', Buffer.byteLength(text), resultFile)));
  const errors = outcome.errors.map(say);
  const counts = countsLine(outcome.rows, outcome.show);
  const notes = [...errors, ...outcome.warnings.map(say)];
  return {
    table: outcome.noTable ? undefined : textTable(outcome.rows, outcome.show),
    counts,
    markdown: markdownSummary(title, outcome.rows, outcome.show, notes),
    json: text,
    variables: {
      changedCount: String(outcome.changedCount),
      resultFile,
      result: small ? text : '',
      feedUrl: outcome.feedUrl,
      downloadedFiles: outcome.downloadedFiles.join('\n'),
    },
    warnings,
    errors,
    status: outcome.result,
    message: outcome.result === 'Failed' && errors.length ? errors[0] : counts,
  };
}
