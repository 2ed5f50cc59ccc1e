// Small helpers local to the emulator: stable ids, name and version rules, error bodies.
import { createHash } from 'node:crypto';
import type { ProtocolKey } from './types';

/** A stable GUID derived from the given parts (same input, same id, run after run). */
export function stableGuid(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The service's own protocolType spelling, per protocol. */
export const PROTOCOL_TYPE: Record<ProtocolKey, string> = {
  nuget: 'NuGet', npm: 'Npm', pypi: 'PyPi', maven: 'Maven', upack: 'UPack', cargo: 'Cargo',
};
export const PROTOCOLS: ProtocolKey[] = ['nuget', 'npm', 'pypi', 'maven', 'upack', 'cargo'];

export function protocolFromType(t: string): ProtocolKey | undefined {
  const l = t.toLowerCase();
  if (l === 'python') return 'pypi';
  if (l === 'universal') return 'upack';
  return PROTOCOLS.find((p) => PROTOCOL_TYPE[p].toLowerCase() === l);
}

/** Names compared the way the service compares them. */
export function normalizeName(protocol: ProtocolKey, name: string): string {
  switch (protocol) {
    case 'nuget':
    case 'upack':
      return name.toLowerCase();
    case 'pypi':
      return name.replace(/[-_.]+/g, '-').toLowerCase();
    case 'cargo':
      return name.replace(/_/g, '-').toLowerCase();
    default:
      return name; // npm and Maven: exact
  }
}

/** Versions compared by a normalised string (kept simple: enough for the emulator's lookups). */
export function normalizeVersion(protocol: ProtocolKey, version: string): string {
  let v = version.trim();
  switch (protocol) {
    case 'nuget': {
      v = v.split('+')[0].toLowerCase();
      const dash = v.indexOf('-');
      const core = dash >= 0 ? v.slice(0, dash) : v;
      const label = dash >= 0 ? v.slice(dash) : '';
      const nums = core.split('.').map((n) => (/^\d+$/.test(n) ? String(Number(n)) : n));
      while (nums.length < 3) nums.push('0');
      if (nums.length === 4 && nums[3] === '0') nums.pop();
      return nums.join('.') + label;
    }
    case 'npm':
    case 'cargo':
      return v.replace(/^v/, '').split('+')[0];
    case 'upack':
      return v.split('+')[0].toLowerCase();
    case 'pypi':
      return v.toLowerCase();
    default:
      return v; // Maven: exact
  }
}

/** Split versions, remembered: a listing sorts the same versions on every request. */
const split = new Map<string, { nums: number[]; label: string }>();

function splitVersion(v: string): { nums: number[]; label: string } {
  let found = split.get(v);
  if (!found) {
    const m = /^(\d+(?:\.\d+)*)(.*)$/.exec(v);
    found = m ? { nums: m[1].split('.').map(Number), label: m[2].replace(/^[-.]/, '') } : { nums: [], label: v };
    if (split.size >= 200_000) split.clear();
    split.set(v, found);
  }
  return found;
}

/** A SemVer-like order, good enough to say which version is "latest" in a listing. */
export function compareVersions(a: string, b: string): number {
  const x = splitVersion(a);
  const y = splitVersion(b);
  for (let i = 0; i < Math.max(x.nums.length, y.nums.length); i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  if (!x.label && y.label) return 1;
  if (x.label && !y.label) return -1;
  const xs = x.label.split('.');
  const ys = y.label.split('.');
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    if (xs[i] === undefined) return -1;
    if (ys[i] === undefined) return 1;
    const xn = /^\d+$/.test(xs[i]);
    const yn = /^\d+$/.test(ys[i]);
    if (xn && yn) {
      const d = Number(xs[i]) - Number(ys[i]);
      if (d) return d < 0 ? -1 : 1;
    } else if (xn !== yn) {
      return xn ? -1 : 1;
    } else if (xs[i] !== ys[i]) {
      return xs[i].toLowerCase() < ys[i].toLowerCase() ? -1 : 1;
    }
  }
  return 0;
}

export function isPrerelease(protocol: ProtocolKey, version: string): boolean {
  if (protocol === 'pypi') return /(a|b|rc|alpha|beta|c|pre|preview|dev)\d*/i.test(version.replace(/^\d+(\.\d+)*/, ''));
  if (protocol === 'maven') return /-/.test(version) && !/-(ga|final|release|sp\d*)$/i.test(version);
  return /^[^+]*-/.test(version);
}

export interface WrappedException {
  $id: '1';
  innerException: null;
  message: string;
  typeName: string;
  typeKey: string;
  errorCode: 0;
  eventId: 3000;
}

const TYPE_ASSEMBLY: Record<string, string> = {
  Vss: 'Microsoft.VisualStudio.Services.WebApi',
  Feed: 'Microsoft.VisualStudio.Services.Feed.WebApi',
  Packaging: 'Microsoft.VisualStudio.Services.Packaging.Shared.WebApi',
};

export function wrapped(message: string, typeKey: string, ns: keyof typeof TYPE_ASSEMBLY = 'Feed'): WrappedException {
  const asm = TYPE_ASSEMBLY[ns];
  const full = ns === 'Vss' ? `Microsoft.VisualStudio.Services.Common.${typeKey}, Microsoft.VisualStudio.Services.Common` : `${asm}.Exceptions.${typeKey}, ${asm}`;
  return { $id: '1', innerException: null, message, typeName: full, typeKey, errorCode: 0, eventId: 3000 };
}
