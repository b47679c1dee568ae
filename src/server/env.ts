/** What the middleware leaves on the Hono context for the handlers after it. */
export interface AppEnv {
  Variables: {
    /** The client's IP address as this server trusts it. */
    clientIp: string;
  };
}
