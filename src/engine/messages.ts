/**
 * The engine speaks in message keys with arguments; the one catalogue of texts is task.json's
 * `messages` (src/engine/catalog.ts is generated from it), so tsc checks each key and its number
 * of arguments.
 *
 * Each front door speaks its own language: where a message names an input, its argument says
 * which input (`{ input: 'maxVersions' }`), and the door the run came through words it (the task
 * `maxVersions`, the command line `--max-versions`). Where the advice itself differs (a refused
 * token), the argument names the advice and the door supplies it, from the same catalogue.
 */
import { Arity, texts } from './catalog';
import type { InputName } from './request';
import { inline } from './text';

export type MessageKey = keyof Arity;

/** An input, with a value where the message gives one (`dryRun: true`, `--dry-run`). */
export interface InputArg {
  input: InputName;
  value?: string;
}
/** A line of a multi-line input (`packages, line 2`; on the command line, `selector 2`). */
export interface LineArg {
  input: 'packages' | 'packageFiles';
  line: number;
}
/**
 * Advice that depends on the door: what to do about a token the server refused, which proxy or
 * certificate settings to check, and whom to give a role the server found missing (a pipeline's
 * build identity, or a personal access token's owner).
 */
export type AdviceArg =
  | { advice: 'authentication' | 'proxy' | 'certificates' }
  | {
      advice: 'permission';
      /** The identity as the server named it, where it gave a name and not only an id. */
      identity?: string;
      /** The build identities by name: `{Project} Build Service ({Organization})` and the collection's. */
      projectService: string;
      collectionService: string;
    };
export type Arg = string | number | InputArg | LineArg | AdviceArg;
type Args<N extends number, T extends Arg[] = []> = T['length'] extends N ? T : Args<N, [...T, Arg]>;

export interface Msg {
  key: MessageKey;
  args: Arg[];
}

export const msg = <K extends MessageKey>(key: K, ...args: Args<Arity[K]>): Msg => ({ key, args });

/** How a front door words what differs between doors. */
export interface Door {
  /** An input's name, or the input with its value. */
  input(name: InputName, value?: string): string;
  /** A line of a multi-line input. */
  line(name: LineArg['input'], line: number): string;
  /** The advice for a kind of failure. */
  advice(a: AdviceArg): Msg;
}

/** Whom to give a missing role when the token is a pipeline's: the identity the server named, and both build identities by name. */
export const grantBuildIdentity = (a: Extract<AdviceArg, { advice: 'permission' }>): Msg =>
  a.identity ? msg('GrantIdentity', a.identity, a.projectService, a.collectionService) : msg('GrantBuildIdentities', a.projectService, a.collectionService);

/** The pipeline task's words: its inputs as task.json names them. */
export const taskDoor: Door = {
  input: (name, value) => (value === undefined ? name : `${name}: ${value}`),
  line: (name, line) => `${name}, line ${line}`,
  advice: (a) =>
    a.advice === 'permission' ? grantBuildIdentity(a) : a.advice === 'proxy' ? msg('ProxyAdviceAgent') : a.advice === 'certificates' ? msg('CertificateAdviceAgent') : msg('AuthAdvicePipeline'),
};

/** The arguments in words, each made safe for a line of output; what a door words is its own text. */
export function words(m: Msg, door: Door = taskDoor): string[] {
  return m.args.map((a) => {
    if (typeof a !== 'object') return inline(String(a));
    if ('advice' in a) return format(door.advice(a), door);
    if ('line' in a) return door.line(a.input, a.line);
    return door.input(a.input, a.value === undefined ? undefined : inline(a.value));
  });
}

/**
 * A message in words, each argument made safe for a line of output (text from a server is data,
 * never an agent command, and never breaks the line).
 */
export function format(m: Msg, door: Door = taskDoor): string {
  const args = words(m, door);
  let i = 0;
  return texts[m.key].replace(/%[sd]/g, () => (i < args.length ? args[i++] : ''));
}
