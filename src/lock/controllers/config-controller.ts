import type { ReactiveController, ReactiveControllerHost } from 'lit';

import type { PublicConfig, User } from '../../shared/api.js';
import { ApiClient, ApiError } from '../api-client.js';

export type ConfigState =
  | { status: 'loading' }
  | { status: 'ready'; config: PublicConfig }
  | { status: 'failed'; error: ApiError };

interface ConfigHost extends ReactiveControllerHost {
  server: string;
  config: PublicConfig | undefined;
}

/**
 * Loads what the widget needs before it can show a form: the server's public configuration
 * (unless the page passed one in `config`) and the current session, both at once. Loads again
 * when `server` or `config` changes.
 */
export class ConfigController implements ReactiveController {
  state: ConfigState = { status: 'loading' };
  client: ApiClient;
  private loadedFor: { server: string; config: PublicConfig | undefined } | undefined;
  private generation = 0;

  constructor(
    private readonly host: ConfigHost,
    /** Told about the session found at load: a user, or null. */
    private readonly onSession: (user: User | null) => void,
  ) {
    this.client = new ApiClient(host.server);
    host.addController(this);
  }

  hostUpdate(): void {
    const { server, config } = this.host;
    if (this.loadedFor?.server === server && this.loadedFor.config === config) return;
    this.loadedFor = { server, config };
    void this.load();
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    const { server, config } = this.host;
    this.client = new ApiClient(server);
    this.state = config ? { status: 'ready', config } : { status: 'loading' };
    this.host.requestUpdate();

    // A failed session check only means "not logged in": the form still works.
    const session = this.client.session().catch(() => null);
    let next: ConfigState;
    try {
      next = { status: 'ready', config: config ?? (await this.client.config()) };
    } catch (error) {
      next = { status: 'failed', error: error instanceof ApiError ? error : new ApiError('unknown_error', String(error), 0) };
    }
    const user = await session;
    if (generation !== this.generation) return;
    this.state = next;
    this.onSession(user);
    this.host.requestUpdate();
  }
}
