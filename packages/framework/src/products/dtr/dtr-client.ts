import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';

export class DtrApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly body: unknown,
    cause?: Error,
  ) {
    const shown = typeof body === 'string' ? body : JSON.stringify(body);
    super(
      `${method} ${url} → ${status ?? cause?.message ?? 'no answer'}${shown ? `: ${shown.slice(0, 300)}` : ''}`,
    );
    this.name = 'DtrApiError';
  }
}

export interface ReplicaHealth {
  [replicaId: string]: string;
}

/** `/_ping`'s answer, as DTR 2.7's load-balancer page documents it. */
export interface PingAnswer {
  Healthy: boolean;
  Error: string;
}

export interface Repository {
  namespace: string;
  name: string;
  [key: string]: unknown;
}

/**
 * DTR's HTTP API (the v0 API of the DTR 2.x reference) over TLS verified against DTR's CA. Each
 * request opens its own connection by default, so requests through the load balancer are spread
 * over the replicas as separate clients' would be.
 */
/** One challenge of a `WWW-Authenticate` header: its scheme and parameters (RFC 7235). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const scheme = /^\s*(\S+)/.exec(header)?.[1] ?? '';
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of header
    .slice(scheme.length)
    .matchAll(/([\w-]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g))
    params[key.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare;
  return { scheme: scheme.toLowerCase(), params };
}

export class DtrApiClient {
  readonly axios: AxiosInstance;
  private readonly agent: https.Agent;
  private readonly credentials?: { username: string; password: string };
  /** The release's unauthenticated health path (its profile's `driver.dtr.healthPath`). */
  readonly healthPath: string;

  constructor(
    readonly baseURL: string,
    caPem: string,
    auth?: { username: string; password: string },
    options: { keepAlive?: boolean; timeoutMs?: number; healthPath?: string } = {},
  ) {
    this.healthPath = options.healthPath ?? '/_ping';
    this.agent = new https.Agent({ ca: caPem, keepAlive: options.keepAlive ?? false });
    // Not enumerable, and not in the instance's defaults: a client printed, serialised or shown in a
    // failed test's diff (through the suite that holds it) never shows the password.
    Object.defineProperty(this, 'credentials', { value: auth, enumerable: false });
    this.axios = axios.create({
      baseURL,
      timeout: options.timeoutMs ?? 10_000,
      httpsAgent: this.agent,
      validateStatus: () => true,
    });
    // Each request gets the credentials as it is made, unless it brings its own.
    this.axios.interceptors.request.use((config) => {
      if (auth && config.auth === undefined) config.auth = auth;
      return config;
    });
  }

  /**
   * A GET of the registry API (`/v2/…`) as the docker client makes it: first without credentials;
   * on 401 it follows the `WWW-Authenticate` challenge — `Bearer realm=…,service=…,scope=…` (the
   * registry token flow: a token from the realm, asked for with the credentials, then the request
   * again with it) or `Basic` (the request again with the credentials). Resolves to the last answer.
   */
  async registryGet(
    path: string,
    options: { headers?: Record<string, string>; responseType?: 'json' | 'arraybuffer' } = {},
  ): Promise<AxiosResponse> {
    const request = (headers: Record<string, string>, url = path) =>
      axios.request({
        baseURL: this.baseURL,
        url,
        headers: { ...options.headers, ...headers },
        responseType: options.responseType ?? 'json',
        httpsAgent: this.agent,
        timeout: 30_000,
        validateStatus: () => true,
      });
    const first = await request({});
    const header = first.headers['www-authenticate'];
    if (first.status !== 401 || typeof header !== 'string' || !this.credentials) return first;
    const basic = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    const { scheme, params } = parseChallenge(header);
    if (scheme === 'basic') return request({ Authorization: basic });
    if (scheme !== 'bearer' || !params.realm)
      throw new DtrApiError(
        'GET',
        `${this.baseURL}${path}`,
        401,
        `a challenge this client cannot answer: ${header}`,
      );
    const query = new URLSearchParams();
    if (params.service) query.set('service', params.service);
    if (params.scope) query.set('scope', params.scope);
    const tokenUrl = `${params.realm}${params.realm.includes('?') ? '&' : '?'}${query}`;
    const answer = await axios.get<{ token?: string; access_token?: string }>(tokenUrl, {
      headers: { Authorization: basic },
      httpsAgent: this.agent,
      timeout: 10_000,
      validateStatus: () => true,
    });
    const token = answer.data?.token ?? answer.data?.access_token;
    if (answer.status !== 200 || !token) throw new DtrApiError('GET', tokenUrl, answer.status, answer.data);
    return request({ Authorization: `Bearer ${token}` });
  }

  private async call<T>(
    method: 'get' | 'post' | 'delete',
    path: string,
    data?: unknown,
    ok = [200],
  ): Promise<{ data: T }> {
    let response;
    try {
      response = await this.axios.request<T>({ method, url: path, data });
    } catch (error) {
      throw new DtrApiError(
        method.toUpperCase(),
        `${this.baseURL}${path}`,
        undefined,
        undefined,
        error as AxiosError,
      );
    }
    if (!ok.includes(response.status)) {
      throw new DtrApiError(method.toUpperCase(), `${this.baseURL}${path}`, response.status, response.data);
    }
    return { data: response.data };
  }

  /**
   * The release's health path answered 200: for DTR 2.7 `/_ping`'s `{ Healthy, Error }`, for DTR
   * 2.0 `/load_balancer_status`'s answer (its pages state only the status). Throws DtrApiError
   * (with the status and the failing part) otherwise. Through the load balancer nothing in the
   * answer says which replica gave it: HAProxy's statistics do (`haproxyServerStats`).
   */
  async ping(): Promise<PingAnswer | unknown> {
    return (await this.call<PingAnswer | unknown>('get', this.healthPath)).data;
  }

  async health(): Promise<unknown> {
    return (await this.call('get', '/health')).data;
  }

  async clusterStatus(): Promise<{ replica_health: ReplicaHealth; [key: string]: unknown }> {
    return (await this.call<{ replica_health: ReplicaHealth }>('get', '/api/v0/meta/cluster_status')).data;
  }

  async createRepository(
    namespace: string,
    name: string,
    visibility: 'public' | 'private' = 'public',
  ): Promise<Repository> {
    const path = `/api/v0/repositories/${encodeURIComponent(namespace)}`;
    return (await this.call<Repository>('post', path, { name, visibility }, [200, 201])).data;
  }

  async listRepositories(namespace: string): Promise<Repository[]> {
    const { data } = await this.call<{ repositories: Repository[] }>(
      'get',
      `/api/v0/repositories/${encodeURIComponent(namespace)}`,
    );
    return data.repositories;
  }

  async getRepository(namespace: string, name: string): Promise<Repository> {
    return (
      await this.call<Repository>(
        'get',
        `/api/v0/repositories/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
      )
    ).data;
  }

  async deleteRepository(namespace: string, name: string): Promise<void> {
    await this.call(
      'delete',
      `/api/v0/repositories/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
      undefined,
      [200, 202, 204],
    );
  }
}

/**
 * The CA a DTR that made its own certificate (2.0: install takes none) serves at `caPath`, read as
 * its "configure your Docker Engine" page does (`curl -k https://<dtr>/ca`): unverified, since
 * nothing else can vouch for it. It is then pinned: kept in the state directory, and every later
 * connection is verified against it (a replica serving a certificate it did not sign fails there).
 */
export async function fetchServedCa(baseURL: string, caPath: string): Promise<string> {
  const response = await axios.get<string>(`${baseURL}${caPath}`, {
    httpsAgent: new https.Agent({ rejectUnauthorized: false }),
    responseType: 'text',
    timeout: 5_000,
    validateStatus: () => true,
  });
  if (response.status !== 200)
    throw new Error(`DTR at ${baseURL} answered ${caPath} with HTTP ${response.status}, not its CA`);
  try {
    new X509Certificate(response.data);
  } catch {
    throw new Error(`DTR at ${baseURL} served no PEM certificate at ${caPath}`);
  }
  return response.data.endsWith('\n') ? response.data : `${response.data}\n`;
}
