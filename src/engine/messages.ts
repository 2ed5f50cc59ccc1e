/**
 * The engine speaks in message keys with arguments; the one catalogue of texts is task.json's
 * `messages`, formatted by the adapter (tl.loc in the pipeline task).
 */
export interface Msg {
  key: string;
  args: (string | number)[];
}

export const msg = (key: string, ...args: (string | number)[]): Msg => ({ key, args });

/** A failure the user can act on; carries its message key. */
export class UserError extends Error {
  readonly message_: Msg;
  constructor(key: string, ...args: (string | number)[]) {
    super(`${key}: ${args.join(' | ')}`);
    this.name = 'UserError';
    this.message_ = msg(key, ...args);
  }
}
