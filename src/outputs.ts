/**
 * What the adapters write at the end of a run, built once for both: the table, the Markdown
 * summary, the result JSON, the output variables and the closing status line. The big pieces
 * (table, summary, result JSON) come line by line, so a run over thousands of versions writes them
 * as they are made instead of holding each whole (text made ahead, for at most 5,000 rows, comes
 * in one piece); each is also there as one string.
 */
import { format, Msg, msg } from './engine/messages';
import type { Row } from './engine/plan';
import { countsLine, markdownLines, markdownSummary, resultJsonChunks, RowTexts, RunOutcome, textTable, textTableLines } from './engine/report';

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
  /** The result JSON's size in bytes, and its text where that is small enough for the `result` variable. */
  private size: { bytes: number; small: string | undefined } | undefined;

  constructor(
    private readonly outcome: RunOutcome,
    private readonly title: string,
    readonly resultFile: string,
    private readonly say: (m: Msg) => string,
    /** Rows made into text while the run was under way. */
    private readonly ahead?: RowTexts,
  ) {
    this.errors = outcome.errors.map((m) => say(m));
    this.counts = countsLine(outcome.rows, outcome.show);
    this.notes = [...this.errors, ...outcome.warnings.map((m) => say(m))];
    this.status = outcome.result;
    this.message = outcome.result === 'Failed' && this.errors.length ? this.errors[0] : this.counts;
  }

  /** The log's table, line by line; absent when the run stopped before it reached the feed. */
  tableLines(): Iterable<string> | undefined {
    return this.outcome.noTable ? undefined : textTableLines(this.outcome.rows, this.outcome.show, this.ahead);
  }

  get table(): string | undefined {
    return this.outcome.noTable ? undefined : textTable(this.outcome.rows, this.outcome.show, this.ahead);
  }

  markdownLines(): Iterable<string> {
    return markdownLines(this.title, this.outcome.rows, this.outcome.show, this.notes, this.ahead);
  }

  get markdown(): string {
    return markdownSummary(this.title, this.outcome.rows, this.outcome.show, this.notes, this.ahead);
  }

  /** The result file's JSON in pieces. */
  jsonChunks(): Iterable<string> {
    return resultJsonChunks(this.outcome.rows, this.ahead);
  }

  get json(): string {
    return [...this.jsonChunks()].join('');
  }

  /** Writes the result JSON through `write`, piece by piece, noting its size on the way. */
  writeJson(write: (piece: string) => void): void {
    this.measure(write);
  }

  get variables(): Variables {
    const { small } = this.measure();
    return {
      changedCount: String(this.outcome.changedCount),
      resultFile: this.resultFile,
      result: small ?? '',
      feedUrl: this.outcome.feedUrl,
      downloadedFiles: this.outcome.downloadedFiles.join('\n'),
    };
  }

  /** Warnings to add at the end (the result too large for its variable). */
  get warnings(): string[] {
    const { bytes, small } = this.measure();
    return small === undefined ? [this.say(msg('ResultTooLarge', bytes, this.resultFile))] : [];
  }

  private measure(write?: (piece: string) => void): { bytes: number; small: string | undefined } {
    if (this.size && !write) return this.size;
    let bytes = 0;
    let text: string[] | undefined = [];
    for (const piece of this.jsonChunks()) {
      write?.(piece);
      bytes += Buffer.byteLength(piece);
      if (text && bytes <= resultVariableLimit) text.push(piece);
      else text = undefined;
    }
    this.size = { bytes, small: text?.join('') };
    return this.size;
  }
}

export function present(outcome: RunOutcome, title: string, resultFile: string, say: (m: Msg) => string = format, ahead?: RowTexts): Presented {
  return new Presented(outcome, title, resultFile, say, ahead);
}

/** Beyond this many rows nothing is made ahead: the text would be held whole. */
const aheadAtMost = 5000;
/** Rows made into text between two looks at the network. */
const aheadSlice = 50;

export interface AheadOptions {
  /** Runs a step after pending I/O (by default `setImmediate`). */
  schedule?: (step: () => void) => void;
  /**
   * Called once all the text is made, still within the wait: the adapters collect garbage there,
   * so that the collector's work is not left for the run's last milliseconds (and its end).
   */
  settle?: () => void;
}

export interface Ahead {
  /** What `EngineContext.expect` is given. */
  expect(count: number, rows: () => readonly Row[]): void;
  /** Ends the work, and gives what was made. */
  stop(): RowTexts | undefined;
}

/**
 * The text of the rows a run expects to report, made while its changes are in flight, a few rows
 * at a time between the answers, so that little is left once the read-back arrives.
 */
export function textAhead(options: AheadOptions = {}): Ahead {
  const schedule = options.schedule ?? setImmediate;
  let texts: RowTexts | undefined;
  let started = false;
  let stopped = false;
  return {
    expect(count, rows) {
      if (stopped || started || count > aheadAtMost) return;
      started = true;
      const step = () => {
        if (stopped) return;
        if (!texts) texts = new RowTexts(rows());
        else if (!texts.step(aheadSlice)) {
          if (texts.complete) options.settle?.();
          return;
        }
        schedule(step);
      };
      schedule(step);
    },
    stop() {
      stopped = true;
      return texts;
    },
  };
}

/** Pieces of text gathered into writes of about `size` characters (a bigger piece is one write): few writes. `end()` writes what is left. */
export function gathering(write: (text: string) => void, size = 64 * 1024): { add(piece: string): void; end(): void } {
  let parts: string[] = [];
  let length = 0;
  const end = () => {
    if (parts.length) write(parts.join(''));
    parts = [];
    length = 0;
  };
  return {
    add(piece) {
      parts.push(piece);
      length += piece.length;
      if (length >= size) end();
    },
    end,
  };
}
