import { WebApi, getBearerHandler, getPersonalAccessTokenHandler } from 'azure-devops-node-api';
import type { IRequestOptions } from 'typed-rest-client/Interfaces';
import { packagingAreaId } from '../protocols/areas';
import { AuthenticationError, HttpError, LocationError } from './errors';
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
  requestOptions?: IRequestOptions;
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  debug?: (line: string) => void;
}

/** Finds hosts through the location service and hands out one HTTP client that trusts only them. */
export class Connection {
  readonly http: AzureHttp;
  readonly collectionUrl: string;
  private readonly areas = new Map<string, Promise<string>>();
  private onPrem: boolean | undefined;
  private webApi: WebApi | undefined;
  private locations: ReturnType<WebApi['getLocationsApi']> | undefined;

  constructor(private readonly settings: ConnectionSettings) {
    this.collectionUrl = withSlash(settings.collectionUrl);
    this.http = new AzureHttp({
      credential: settings.credential,
      timeoutMs: settings.timeoutMs ?? 60_000,
      retry: settings.retry ?? defaultRetry,
      requestOptions: settings.requestOptions,
      sleep: settings.sleep,
      debug: settings.debug,
    });
    this.http.trust(this.collectionUrl);
  }

  /** Whether the server is on premises; with `detect`, known once the Packaging area was looked up. */
  get onPremises(): boolean {
    if (this.settings.server === 'detect' && this.onPrem === undefined) throw new Error('server kind not detected yet: look up the Packaging area first');
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
    if (!info?.locationUrl) {
      if (this.settings.server === 'detect' && areaId === packagingAreaId) {
        this.settings.debug?.('the location service knows no Packaging area: an on-premises server, served from the collection URL');
        this.onPrem = true;
        return this.collectionUrl;
      }
      // On Services every area has its own host; never guess one.
      throw new LocationError(areaId, this.collectionUrl);
    }
    if (areaId === packagingAreaId) this.onPrem = false;
    const url = withSlash(info.locationUrl);
    this.http.trust(url);
    this.settings.debug?.(`area ${areaId} is at ${url}`);
    return url;
  }

  /**
   * The location service's answer for one area. The node API negotiates the route and api-version
   * (one OPTIONS a run); the GET itself goes through our client, which tells a 404 ("no such area")
   * from a sign-in page (an authentication failure), where the node API reads both as null.
   */
  private async resourceArea(areaId: string): Promise<{ locationUrl?: string } | undefined> {
    let route: { requestUrl?: string; apiVersion?: string };
    try {
      this.locations ??= this.api().getLocationsApi();
      const locations = await this.locations;
      route = await locations.vsoClient.getVersioningData(locationApiVersion, 'Location', resourceAreasLocationId, { areaId });
    } catch (e) {
      throw locationError(e, this.collectionUrl);
    }
    if (!route.requestUrl || !route.apiVersion) throw locationError(new Error('Failed to find api location'), this.collectionUrl);
    try {
      return (await this.http.json<{ locationUrl?: string }>({ method: 'GET', url: route.requestUrl, apiVersion: route.apiVersion })).body;
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }

  private api(): WebApi {
    if (!this.webApi) {
      const { credential } = this.settings;
      // Cross-origin authentication off: the location service is asked on the collection host only.
      const handler = credential.kind === 'bearer'
        ? getBearerHandler(credential.token, false)
        : getPersonalAccessTokenHandler(credential.token, false);
      this.webApi = new WebApi(this.collectionUrl, handler, {
        ...this.settings.requestOptions,
        socketTimeout: this.settings.timeoutMs ?? 60_000,
        allowRetries: true,
        maxRetries: 3,
        headers: { 'X-TFS-FedAuthRedirect': 'Suppress' },
      });
    }
    return this.webApi;
  }
}

/** The newest api-version of the ResourceAreas route the client asks for; the server's own limit applies. */
const locationApiVersion = '7.2-preview.1';
/** The ResourceAreas route of the Location area. */
const resourceAreasLocationId = 'e81700f7-3be2-46de-8624-2eb35882fcaa';

function locationError(e: unknown, url: string): Error {
  const status = (e as { statusCode?: number }).statusCode;
  const message = e instanceof Error ? e.message : String(e);
  // The route negotiation (OPTIONS) got an answer that was not the API's: a sign-in page.
  if (!status && /Failed to find api location/i.test(message)) return new AuthenticationError(203, 'OPTIONS', `${url}_apis/Location`, 'the location service answered with a page, not its routes', undefined);
  if (status === 401) return new AuthenticationError(status, 'OPTIONS', `${url}_apis/Location`, message, undefined);
  if (status) return new HttpError(status, 'OPTIONS', `${url}_apis/Location`, message, undefined);
  return e instanceof Error ? e : new Error(message);
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
