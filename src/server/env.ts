/**
 * What the middleware leaves on the Hono context for the handlers after it. Read it with
 * `c.get(name)`: `c.var` copies every variable into a new object on each access.
 */
export interface AppEnv {
  Variables: {
    /** The client's IP address as this server trusts it. */
    clientIp: string;
  };
}
