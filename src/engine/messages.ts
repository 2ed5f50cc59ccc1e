/**
 * The engine speaks in message keys with arguments; the one catalogue of texts is task.json's
 * `messages` (src/engine/catalog.ts is generated from it), so tsc checks each key and its number
 * of arguments.
 */
import { Arity, texts } from './catalog';
import { inline } from './text';

export type MessageKey = keyof Arity;
export type Arg = string | number;
type Args<N extends number, T extends Arg[] = []> = T['length'] extends N ? T : Args<N, [...T, Arg]>;

export interface Msg {
  key: MessageKey;
  args: Arg[];
}

export const msg = <K extends MessageKey>(key: K, ...args: Args<Arity[K]>): Msg => ({ key, args });

/**
 * A message in words, each argument made safe for a line of output (text from a server is data,
 * never an agent command, and never breaks the line).
 */
export function format(m: Msg): string {
  let i = 0;
  return texts[m.key].replace(/%[sd]/g, () => (i < m.args.length ? inline(String(m.args[i++])) : ''));
}
