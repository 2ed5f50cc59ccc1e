import { LocationsApi } from 'azure-devops-node-api/LocationsApi';
import { VsoClient } from 'azure-devops-node-api/VsoClient';
import { IRequestOptions, IRestResponse, RestClient } from 'typed-rest-client/RestClient';
import { FailureError } from '../engine/failures';
import { packagingAreaId } from '../protocols/areas';
import { fail } from './errors';
import { AzureHttp, Credential, NetworkOptions, RetryPolicy, defaultRetry } from './http';

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
  /** Told once, when the service first announces that it is delaying this run. */
  slowingDown?: () => void;
}

/** Finds hosts through the location service and hands out one HTTP client that trusts only them. */
export class Connection {
  readonly http: AzureHttp;
  readonly collectionUrl: string;
  private readonly areas = new Map<string, Promise<string>>();
  private onPrem: boolean | undefined;
  private locations: LocationsApi | undefined;
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
      slowingDown: settings.slowingDown,
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
   * The location service's answer for one area. One GET of every area, at the api-version Azure
   * DevOps Services' route table names for it, answers every later look-up of the run (sent by us:
   * node-api's getResourceAreas would read the route table first, two requests where one does). A server
   * that refuses that call (an api-version it does not serve, most often) is asked through
   * azure-devops-node-api: its route table (`OPTIONS _apis/Location`), then the list at the
   * api-version negotiated from it; a server without the list (404, or a refusal again) is asked
   * area by area. An area the list lacks, or a 404 for it, is "no such area"; a sign-in page is an
   * authentication failure.
   */
  private async resourceArea(areaId: string): Promise<{ locationUrl?: unknown } | undefined> {
    this.allAreas ??= (async () => {
      const direct = await this.listAreas(async () => (await this.http.json<{ value?: unknown }>({ method: 'GET', url: `${this.collectionUrl}_apis/ResourceAreas`, apiVersion: locationApiVersion })).body?.value);
      if (direct !== 'refused') return direct;
      const listed = await this.listAreas(() => this.nodeApi((api) => api.getResourceAreas()));
      return listed === 'refused' ? 'absent' : listed;
    })();
    const areas = await this.allAreas;
    if (areas !== 'absent') return areas.get(areaId.toLowerCase());
    try {
      const info: unknown = await this.nodeApi((api) => api.getResourceArea(areaId));
      return info && typeof info === 'object' ? info : undefined;
    } catch (e) {
      if (e instanceof FailureError && e.failure.kind === 'notFound') return undefined;
      throw e;
    }
  }

  /** Every area in one GET; `absent` where the server has no such list (404), `refused` where it would not answer this call (an api-version it does not serve, most often). */
  private async listAreas(get: () => Promise<unknown>): Promise<Map<string, { locationUrl?: unknown }> | 'absent' | 'refused'> {
    try {
      const value = await get();
      const areas = new Map<string, { locationUrl?: unknown }>();
      for (const a of Array.isArray(value) ? (value as { id?: unknown; locationUrl?: unknown }[]) : []) {
        if (a && typeof a.id === 'string') areas.set(a.id.toLowerCase(), a);
      }
      return areas;
    } catch (e) {
      if (e instanceof FailureError && e.failure.kind === 'notFound') return 'absent';
      if (e instanceof FailureError && e.failure.kind === 'refused') return 'refused';
      throw e;
    }
  }

  /**
   * A call of azure-devops-node-api's LocationsApi, which negotiates the api-version from the
   * route table and builds the URL. Its REST client is replaced by one that sends through our
   * client (see `Routed`); anything else it throws (no ResourceAreas route in the table, a table
   * it cannot read) is a location failure.
   */
  private async nodeApi<T>(call: (api: LocationsApi) => Promise<T>): Promise<T> {
    if (!this.locations) {
      // Its own redirects and retries off, though its own HTTP client is never used.
      const api = new LocationsApi(this.collectionUrl, [], { allowRedirects: false, allowRetries: false });
      const routed = new Routed(this.http);
      api.rest = routed;
      api.vsoClient = new VsoClient(this.collectionUrl, routed);
      this.locations = api;
    }
    try {
      return await call(this.locations);
    } catch (e) {
      if (e instanceof FailureError) throw e;
      // VsoClient's own failures are Errors, or objects with a message.
      const detail = String((e as { message?: unknown } | undefined)?.message ?? e);
      throw fail({ kind: 'location', collectionUrl: this.collectionUrl, areaId: resourceAreasLocationId, detail: this.http.redact(detail).slice(0, 200) });
    }
  }
}

/**
 * node-api's REST client, with the two calls LocationsApi makes (the route table's OPTIONS, the
 * GETs) sent through our client and its one retry policy. Its own client cannot be used as it is:
 * it reads a sign-in page in place of JSON as an empty answer, drops Retry-After, and would need a
 * credential handler, which sends the token wherever a redirect points. Failures are our typed
 * failures, a 404 too (node-api's own client answers it with an empty result).
 */
class Routed extends RestClient {
  constructor(private readonly azure: AzureHttp) {
    super('PackageLifecycle', undefined, [], { allowRedirects: false, allowRetries: false });
  }

  override options<T>(requestUrl: string): Promise<IRestResponse<T>> {
    return this.send<T>('OPTIONS', requestUrl);
  }

  override get<T>(resource: string, options?: IRequestOptions): Promise<IRestResponse<T>> {
    // node-api asks for its api-version in the Accept header; ours goes in the query, as every other request's.
    const apiVersion = /api-version=([^;,\s]+)/.exec(options?.acceptHeader ?? '')?.[1];
    return this.send<T>('GET', resource, apiVersion);
  }

  private async send<T>(method: 'GET' | 'OPTIONS', url: string, apiVersion?: string): Promise<IRestResponse<T>> {
    const answer = await this.azure.json<T>({ method, url, apiVersion });
    return { statusCode: answer.status, result: answer.body ?? null, headers: answer.headers };
  }
}

/**
 * The api-version of the ResourceAreas route the client asks for: what Azure DevOps Services' route
 * table names for it (maximum 7.2, resource version 1); an older server's own limit is negotiated.
 */
const locationApiVersion = '7.2-preview.1';
/** The ResourceAreas route of the Location area. */
const resourceAreasLocationId = 'e81700f7-3be2-46de-8624-2eb35882fcaa';

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
