import type { NetworkOptions } from './transport';
import { FailureError } from '../engine/failures';
import { packagingAreaId } from '../protocols/areas';
import { fail } from './errors';
import { AzureHttp, Credential, RetryPolicy, defaultRetry } from './http';

export interface ConnectionSettings {
  /** The collection (organization) URL, e.g. https://dev.azure.com/fabrikam/ */
  collectionUrl: string;
  credential: Credential;
  /**
   * On an on-premises server every area is served from the collection URL itself. `detect` (a
   * service connection to another server): a collection whose location service knows no
   * Packaging area is on premises.
   */
  server: 'services' | 'onPremises' | 'detect';
  requestOptions?: NetworkOptions;
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
  debug?: (line: string) => void;
}

/** Finds hosts through the location service and hands out one HTTP client that trusts only them. */
export class Connection {
  readonly http: AzureHttp;
  readonly collectionUrl: string;
  private readonly areas = new Map<string, Promise<string>>();
  private onPrem: boolean | undefined;
  private routes: Promise<ApiRoute> | undefined;
  private allAreas: Promise<Map<string, { locationUrl?: unknown }> | 'absent'> | undefined;

  constructor(private readonly settings: ConnectionSettings) {
    this.collectionUrl = withSlash(settings.collectionUrl);
    this.http = new AzureHttp({
      credential: settings.credential,
      timeoutMs: settings.timeoutMs ?? 60_000,
      retry: settings.retry ?? defaultRetry,
      requestOptions: settings.requestOptions,
      sleep: settings.sleep,
      now: settings.now,
      random: settings.random,
      debug: settings.debug,
    });
    this.http.trust(this.collectionUrl);
  }

  /** Whether the server is on premises; with `detect`, known once the Packaging area was looked up. */
  get onPremises(): boolean {
    if (this.settings.server === 'detect' && this.onPrem === undefined) throw fail({ kind: 'bug', detail: 'server kind not detected yet: look up the Packaging area first' });
    return this.settings.server === 'onPremises' || this.onPrem === true;
  }

  /**
   * The base URL (with a trailing slash) of a resource area. Services: from the location service,
   * once per area per run. On premises, or where the service knows no such area: the collection.
   */
  areaUrl(areaId: string): Promise<string> {
    let found = this.areas.get(areaId);
    if (!found) {
      found = this.lookUp(areaId);
      this.areas.set(areaId, found);
    }
    return found;
  }

  private async lookUp(areaId: string): Promise<string> {
    if (this.settings.server === 'onPremises') return this.collectionUrl;
    if (this.settings.server === 'detect' && areaId !== packagingAreaId) {
      await this.areaUrl(packagingAreaId);
      if (this.onPrem) return this.collectionUrl;
    }
    const info = await this.resourceArea(areaId);
    if (typeof info?.locationUrl !== 'string' || !info.locationUrl) {
      if (this.settings.server === 'detect' && areaId === packagingAreaId) {
        this.settings.debug?.('the location service knows no Packaging area: an on-premises server, served from the collection URL');
        this.onPrem = true;
        return this.collectionUrl;
      }
      // On Services every area has its own host; never guess one.
      throw fail({ kind: 'location', collectionUrl: this.collectionUrl, areaId, detail: '' });
    }
    if (areaId === packagingAreaId) this.onPrem = false;
    let url: string;
    try {
      url = withSlash(new URL(info.locationUrl).toString());
    } catch {
      throw fail({ kind: 'location', collectionUrl: this.collectionUrl, areaId, detail: `not a URL: ${this.http.redact(String(info.locationUrl)).slice(0, 200)}` });
    }
    this.http.trust(url);
    this.settings.debug?.(this.http.redact(`area ${areaId} is at ${url}`));
    return url;
  }

  /**
   * The location service's answer for one area, through our own client and its retries: one GET of
   * every area, at the api-version Azure DevOps Services' route table names for it, answers every
   * later look-up of the run. A server that refuses that call (an api-version it does not serve,
   * most often) is asked as azure-devops-node-api asks: the route table (`OPTIONS _apis/Location`),
   * then the list at the api-version negotiated from it; a server without the list (404, or a
   * refusal again) is asked area by area. An area the
   * list lacks, or a 404 for it, is "no such area"; a sign-in page is an authentication failure.
   */
  private async resourceArea(areaId: string): Promise<{ locationUrl?: unknown } | undefined> {
    this.allAreas ??= (async () => {
      const direct = await this.listAreas(`${this.collectionUrl}_apis/ResourceAreas`, locationApiVersion);
      if (direct !== 'refused') return direct;
      const n = await this.negotiated();
      const listed = await this.listAreas(n.at({}), n.apiVersion);
      return listed === 'refused' ? 'absent' : listed;
    })();
    const areas = await this.allAreas;
    if (areas !== 'absent') return areas.get(areaId.toLowerCase());
    const { at, apiVersion } = await this.negotiated();
    try {
      return (await this.http.json<{ locationUrl?: unknown }>({ method: 'GET', url: at({ areaId }), apiVersion })).body;
    } catch (e) {
      if (e instanceof FailureError && e.failure.kind === 'notFound') return undefined;
      throw e;
    }
  }

  /** Every area in one GET; `absent` where the server has no such list (404), `refused` where it would not answer this call (an api-version it does not serve, most often). */
  private async listAreas(url: string, apiVersion: string): Promise<Map<string, { locationUrl?: unknown }> | 'absent' | 'refused'> {
    try {
      const answer = await this.http.json<{ value?: { id?: unknown; locationUrl?: unknown }[] }>({ method: 'GET', url, apiVersion });
      const areas = new Map<string, { locationUrl?: unknown }>();
      for (const a of Array.isArray(answer.body?.value) ? answer.body.value : []) {
        if (a && typeof a.id === 'string') areas.set(a.id.toLowerCase(), a);
      }
      return areas;
    } catch (e) {
      if (e instanceof FailureError && e.failure.kind === 'notFound') return 'absent';
      if (e instanceof FailureError && e.failure.kind === 'refused') return 'refused';
      throw e;
    }
  }

  /** The ResourceAreas route as the route table gives it, with the api-version negotiated for it. */
  private async negotiated(): Promise<{ at: (values: Record<string, string>) => string; apiVersion: string }> {
    const route = await this.resourceAreasRoute();
    return {
      apiVersion: negotiateApiVersion(route, locationApiVersion),
      at: (values) => new URL(routeUrl(route.routeTemplate ?? '', { area: route.area ?? 'Location', resource: route.resourceName ?? 'ResourceAreas', ...values }), this.collectionUrl).toString(),
    };
  }

  private resourceAreasRoute(): Promise<ApiRoute> {
    this.routes ??= (async () => {
      const url = `${this.collectionUrl}_apis/Location`;
      const answer = await this.http.json<{ value?: ApiRoute[] }>({ method: 'OPTIONS', url });
      const routes = Array.isArray(answer.body?.value) ? answer.body.value : [];
      const route = routes.find((r) => typeof r?.id === 'string' && r.id.toLowerCase() === resourceAreasLocationId);
      if (!route?.routeTemplate) throw fail({ kind: 'location', collectionUrl: this.collectionUrl, areaId: resourceAreasLocationId, detail: 'the location service lists no ResourceAreas route' });
      return route;
    })();
    return this.routes;
  }
}

/** One entry of the route table `OPTIONS _apis/{area}` answers. */
export interface ApiRoute {
  id: string;
  area?: string;
  resourceName?: string;
  routeTemplate?: string;
  resourceVersion?: number;
  minVersion?: string;
  maxVersion?: string;
  releasedVersion?: string;
}

/**
 * The api-version of the ResourceAreas route the client asks for: what Azure DevOps Services' route
 * table names for it (maximum 7.2, resource version 1); an older server's own limit is negotiated.
 */
const locationApiVersion = '7.2-preview.1';
/** The ResourceAreas route of the Location area. */
const resourceAreasLocationId = 'e81700f7-3be2-46de-8624-2eb35882fcaa';

/**
 * The api-version to send for a route, negotiated as azure-devops-node-api's VsoClient does: the
 * version asked for where the route serves it (released, or as a preview within the route's maximum
 * and resource version); otherwise the route's newest.
 */
export function negotiateApiVersion(route: Pick<ApiRoute, 'maxVersion' | 'releasedVersion' | 'resourceVersion'>, wanted: string): string {
  const max = Number(route.maxVersion ?? 0);
  const released = Number(route.releasedVersion ?? 0);
  const m = /^(\d+(?:\.\d+)?)(-preview(?:\.(\d+))?)?$/.exec(wanted);
  if (m) {
    const version = Number(m[1]);
    const preview = m[2] !== undefined;
    const resource = m[3] !== undefined ? Number(m[3]) : undefined;
    if (version <= released
      || (preview && resource === undefined && version <= max)
      || (resource !== undefined && version <= max && resource <= Number(route.resourceVersion ?? 0))) {
      return wanted;
    }
    if (version < max) return `${m[1]}-preview`;
  }
  if (route.maxVersion === route.releasedVersion) return String(route.maxVersion);
  return `${route.maxVersion}-preview.${route.resourceVersion}`;
}

/**
 * A route template with its values put in: `{name}` segments become the encoded value (a segment
 * whose value is missing is left out), `{{` and `}}` stand for braces.
 */
export function routeUrl(template: string, values: Record<string, string>): string {
  const segments: string[] = [];
  for (const part of template.split('/')) {
    let out = '';
    for (let i = 0; i < part.length; i++) {
      const c = part[i];
      if (c === '{' && part[i + 1] === '{') { out += '{'; i++; continue; }
      if (c === '}' && part[i + 1] === '}') { out += '}'; i++; continue; }
      if (c === '{') {
        const close = part.indexOf('}', i);
        if (close < 0) { out += part.slice(i); break; }
        const name = part.slice(i + 1, close);
        const value = values[name] ?? values[name.replace(/[^a-z0-9]/gi, '')];
        if (value) out += encodeURIComponent(value);
        i = close;
        continue;
      }
      out += c;
    }
    if (out) segments.push(out);
  }
  return segments.join('/');
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
