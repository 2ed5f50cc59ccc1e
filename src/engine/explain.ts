/** Every kind of failure in words that say what to do. The switch is exhaustive: a new kind does not compile until it is explained here. */
import type { Role } from './actions';
import type { Failure } from './failures';
import { Msg, msg } from './messages';

export interface ExplainContext {
  action: string;
  role: Role;
  /** The feed as the run names it. */
  feed: string;
  /** For the 403 advice: the organization's and the pipeline project's names, when known. */
  organization?: string;
  project?: string;
}

const roleNames: Record<Role, string> = { reader: 'Feed Reader', contributor: 'Feed Publisher (Contributor)', owner: 'Feed Owner' };

export function explain(f: Failure, c: ExplainContext): Msg {
  switch (f.kind) {
    case 'badInput':
      return f.message;
    case 'authentication':
      return msg('AuthFailed', hostOf(f.url), f.status, f.detail || 'no detail', { advice: 'authentication' });
    case 'forbidden': {
      const role = roleNames[c.role];
      // The build identities by name, with the real project and organization: a bare id tells no one whom to grant.
      const org = c.organization ?? '{Organization}';
      const grant = {
        advice: 'permission' as const,
        identity: f.identity && !isId(f.identity) ? f.identity : undefined,
        projectService: `${c.project ?? '{Project}'} Build Service (${org})`,
        collectionService: `Project Collection Build Service (${org})`,
      };
      if (grant.identity) return msg('ForbiddenIdentity', role, c.action, c.feed, grant.identity, f.detail, grant);
      if (f.identity) return msg('ForbiddenId', role, c.action, c.feed, f.identity, f.detail, grant);
      return msg('Forbidden', role, c.action, c.feed, f.detail || 'no detail', grant);
    }
    case 'notFound':
    case 'conflict':
      return msg('HttpFailed', f.method, f.url, f.kind === 'notFound' ? 404 : 409, f.detail || 'no detail');
    case 'refused':
      return msg('HttpFailed', f.method, f.url, f.status, f.detail || 'no detail');
    case 'transient': {
      const asked = f.retryAfterMs !== undefined ? ` (Retry-After: ${Math.ceil(f.retryAfterMs / 1000)} s)` : '';
      return msg('RetriesExhausted', f.method, f.url, f.attempts, trim(f.detail) + asked);
    }
    case 'unreachable':
      return msg(f.reason === 'unknownHost' ? 'HostNotFound' : f.reason === 'refused' ? 'HostRefused' : 'HostUntrusted', f.host, f.method, f.url, trim(f.detail), { advice: f.reason === 'certificate' ? 'certificates' : 'proxy' });
    case 'lostAnswer':
      return msg('LostAnswer', f.method, f.url, trim(f.detail));
    case 'location':
      return msg('LocationUnknown', f.collectionUrl, f.areaId);
    case 'bug':
      return msg('Unexpected', f.detail);
  }
}

/** A failure in a few words, without a closing full stop (messages put it inside a sentence). */
export function trim(text: string): string {
  return text.replace(/[.\s]+$/, '') || 'no detail';
}

/** An identity named only by its id (a GUID, or a descriptor such as `Microsoft.TeamFoundation.ServiceIdentity;…`). */
function isId(identity: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(identity.trim()) || /^[\w.]+;\S+$/.test(identity.trim());
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
