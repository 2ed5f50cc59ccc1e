/**
 * What the adapters write at the end of a run, built once for both: the table, the Markdown
 * summary, the result JSON, the output variables and the closing status line.
 */
import { format, Msg, msg } from './engine/messages';
import { countsLine, markdownSummary, resultObjects, RunOutcome, textTable } from './engine/report';
import { json } from './engine/text';

/** The largest `result` variable later steps can take; beyond it, only `resultFile`. */
export const resultVariableLimit = 32 * 1024;

export interface Variables {
  changedCount: string;
  resultFile: string;
  result: string;
  feedUrl?: string;
  downloadedFiles: string;
}

export class Presented {
  readonly counts: string;
  /** Failures, in order: the first is the closing message. */
  readonly errors: string[];
  readonly status: RunOutcome['result'];
  /** The closing line: the first failure, or the counts. */
  readonly message: string;
  private readonly notes: string[];
  private jsonText: string | undefined;

  constructor(
    private readonly outcome: RunOutcome,
    private readonly title: string,
    readonly resultFile: string,
    private readonly say: (m: Msg) => string,
  ) {
    this.errors = outcome.errors.map((m) => say(m));
    this.counts = countsLine(outcome.rows, outcome.show);
    this.notes = [...this.errors, ...outcome.warnings.map((m) => say(m))];
    this.status = outcome.result;
    this.message = outcome.result === 'Failed' && this.errors.length ? this.errors[0] : this.counts;
  }

  /** The log's table; absent when the run stopped before it reached the feed. */
  get table(): string | undefined {
    return this.outcome.noTable ? undefined : textTable(this.outcome.rows, this.outcome.show);
  }

  get markdown(): string {
    return markdownSummary(this.title, this.outcome.rows, this.outcome.show, this.notes);
  }

  /** The result file's JSON. */
  get json(): string {
    return (this.jsonText ??= json(resultObjects(this.outcome.rows)));
  }

  get variables(): Variables {
    return {
      changedCount: String(this.outcome.changedCount),
      resultFile: this.resultFile,
      result: this.small ? this.json : '',
      feedUrl: this.outcome.feedUrl,
      downloadedFiles: this.outcome.downloadedFiles.join('\n'),
    };
  }

  /** Warnings to add at the end (the result too large for its variable). */
  get warnings(): string[] {
    return this.small ? [] : [this.say(msg('ResultTooLarge', Buffer.byteLength(this.json), this.resultFile))];
  }

  private get small(): boolean {
    return Buffer.byteLength(this.json) <= resultVariableLimit;
  }
}

export function present(outcome: RunOutcome, title: string, resultFile: string, say: (m: Msg) => string = format): Presented {
  return new Presented(outcome, title, resultFile, say);
}
