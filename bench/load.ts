/**
 * A small HTTP load generator for the server benchmarks. It runs in a process of its own, so that
 * the server under test keeps its event loop to itself (as it would with the load coming from
 * another machine), and keeps `concurrency` requests in flight over keep-alive connections for a fixed
 * time after a warm-up, recording the latency of every request answered in that time.
 */
import { fork } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const LOAD_GENERATOR_FLAG = '--load-generator';

/** What each request sends; `{n}` in a body is replaced by a number unique to the request. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  url: string;
  request: LoadRequest;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  /** Statuses that count as success; anything else is counted as an error. */
  okStatuses: number[];
  /** Added to `{n}` so that two runs never send the same unique value. */
  uniqueOffset?: number;
  /** When set, `{n}` counts 0 … cycle-1 over and over (to cycle through existing users). */
  cycle?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** Successful requests per second over the measured period. */
  throughput: number;
  /** Latencies of the measured requests, in milliseconds. */
  latenciesMs: number[];
  /** Statuses of the failed requests, counted. */
  errorStatuses: Record<string, number>;
  /** The load generator's own CPU time (user and system) per request it sent, warm-up included, in ms. */
  cpuMsPerRequest: number;
}

/** Runs the load from a child process and resolves with its figures. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [LOAD_GENERATOR_FLAG], { execArgv: ['--import', 'tsx'] });
    let result: LoadResult | undefined;
    child.once('message', (message) => {
      result = message as LoadResult;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`the load generator exited with code ${code} before reporting`));
    });
    child.send(options);
  });
}

/** Where a complete response ends in the bytes received, and what it said; undefined while incomplete. */
interface ParsedResponse {
  status: number;
  /** Bytes the response took, head and body. */
  length: number;
  /** The server will close the connection after it. */
  closes: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const LINE_END = Buffer.from('\r\n');

/** The end of a chunked body that starts at `from`, or undefined if it has not all arrived. */
function chunkedBodyEnd(received: Buffer, from: number): number | undefined {
  let position = from;
  for (;;) {
    const sizeEnd = received.indexOf(LINE_END, position);
    if (sizeEnd < 0) return undefined;
    const size = Number.parseInt(received.toString('latin1', position, sizeEnd), 16);
    if (Number.isNaN(size)) throw new Error('malformed chunk size in a chunked response');
    if (size === 0) {
      // The last chunk, then trailer lines (none, from our servers) and an empty line.
      const trailersEnd = received.indexOf(HEAD_END, sizeEnd);
      if (received.subarray(sizeEnd + 2, sizeEnd + 4).equals(LINE_END)) return sizeEnd + 4;
      return trailersEnd < 0 ? undefined : trailersEnd + 4;
    }
    position = sizeEnd + 2 + size + 2;
    if (position > received.length) return undefined;
  }
}

function parseResponse(received: Buffer): ParsedResponse | undefined {
  const headEnd = received.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...headerLines] = received.toString('latin1', 0, headEnd).split('\r\n');
  const status = Number(statusLine.slice(9, 12));
  let contentLength: number | undefined;
  let chunked = false;
  let closes = statusLine.startsWith('HTTP/1.0');
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim().toLowerCase();
    if (name === 'content-length') contentLength = Number(value);
    else if (name === 'transfer-encoding') chunked = value.includes('chunked');
    else if (name === 'connection') closes = value === 'close';
  }
  const bodyStart = headEnd + 4;
  let end: number | undefined;
  if (chunked) end = chunkedBodyEnd(received, bodyStart);
  else if (contentLength !== undefined) end = bodyStart + contentLength;
  else if (status === 204 || status === 304 || (status >= 100 && status < 200)) end = bodyStart;
  else throw new Error(`a ${status} response with neither a length nor chunks: the load generator cannot tell where it ends`);
  return end === undefined || end > received.length ? undefined : { status, length: end, closes };
}

/**
 * One keep-alive HTTP/1.1 connection with one request in flight at a time: the request is written
 * as bytes, and only the response's status line and framing headers are read. Node's HTTP client
 * (an agent, request and response objects, header maps, streams) spent half as much CPU per login
 * request as the server's whole event loop did, on the same two cores the server and its hashes
 * run on, and it capped the bare "hello" route at about a third of what it serves: the
 * benchmark's cost, not the server's. (Server, ninth round, in BENCHMARKS.md.)
 */
class KeepAliveConnection {
  private socket: Socket | undefined;
  private received: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  send(message: string): Promise<number> {
    const socket = this.socket ?? this.open();
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(message);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    // A socket replaced after the server closed it may still report its end: it is ignored then.
    socket.on('data', (chunk: Buffer) => {
      if (socket === this.socket) this.receive(chunk);
    });
    socket.on('error', (error) => {
      if (socket === this.socket) this.fail(error);
    });
    socket.on('close', () => {
      if (socket === this.socket) this.fail(new Error('the server closed the connection'));
    });
    this.socket = socket;
    this.received = Buffer.alloc(0);
    return socket;
  }

  private receive(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    let response: ParsedResponse | undefined;
    try {
      response = parseResponse(this.received);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (!response) return;
    this.received = this.received.subarray(response.length);
    const waiting = this.waiting;
    this.waiting = undefined;
    if (response.closes) this.close();
    waiting?.resolve(response.status);
  }

  private fail(error: Error): void {
    this.close();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}

/** The request's bytes, but for its body's length and its body: the same for every request of a load. */
function requestHead({ method, path, headers = {} }: LoadRequest, host: string): string {
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return head;
}

/** The request's bytes, `{n}` in its body replaced by `unique`. */
function requestMessage(head: string, bodyTemplate: string | undefined, unique: number): string {
  if (bodyTemplate === undefined) return `${head}\r\n`;
  const body = bodyTemplate.replaceAll('{n}', String(unique));
  return `${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

async function generate(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const port = Number(target.port || 80);
  // An IPv6 literal's brackets belong to the URL, not to the address.
  const hostname = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const head = requestHead(options.request, target.host);
  const warmUntil = performance.now() + options.warmupMs;
  // The measured period starts after the warm-up, and not before every connection has been
  // answered once. A Node server that is already saturated accepts one new connection per turn of
  // its event loop, so at concurrency 64 the last connections of a sign-up load wait seconds to be
  // accepted: a start-up effect, not the steady state the figures describe.
  let connectionsAnswered = 0;
  let measureFrom: number | undefined;
  let stopAt = Number.POSITIVE_INFINITY;
  const startMeasuringWhenReady = (now: number): void => {
    if (measureFrom !== undefined || connectionsAnswered < options.concurrency || now < warmUntil) return;
    measureFrom = now;
    stopAt = now + options.durationMs;
  };
  const warmUpTimer = setTimeout(() => startMeasuringWhenReady(performance.now()), options.warmupMs);
  let next = options.uniqueOffset ?? 0;
  const latenciesMs: number[] = [];
  const errorStatuses: Record<string, number> = {};
  let errors = 0;

  const connections: KeepAliveConnection[] = [];
  // The load generator shares the machine's cores with the server: its own cost is reported.
  const cpuStart = process.cpuUsage();
  const loop = async (): Promise<void> => {
    const connection = new KeepAliveConnection(hostname, port);
    connections.push(connection);
    let answered = false;
    while (performance.now() < stopAt) {
      const sentAt = performance.now();
      let status: number;
      try {
        const number = next++;
        status = await connection.send(requestMessage(head, options.request.body, options.cycle === undefined ? number : number % options.cycle));
      } catch {
        status = 0;
      }
      const doneAt = performance.now();
      if (!answered) {
        answered = true;
        connectionsAnswered++;
      }
      startMeasuringWhenReady(doneAt);
      // A request counts when it is answered within the measured period, whenever it was sent:
      // throughput is answers per second, as the argon2id bound counts its hashes. Counting only
      // requests also sent within the period would leave out the answers to those sent before it,
      // an undercount of latency ÷ period (14 % for 700 ms latencies over 5 s).
      if (measureFrom === undefined || doneAt < measureFrom || doneAt > stopAt) continue;
      if (options.okStatuses.includes(status)) {
        latenciesMs.push(doneAt - sentAt);
      } else {
        errors++;
        errorStatuses[status] = (errorStatuses[status] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  clearTimeout(warmUpTimer);
  for (const connection of connections) connection.close();
  const cpu = process.cpuUsage(cpuStart);
  const sent = next - (options.uniqueOffset ?? 0);
  return {
    requests: latenciesMs.length + errors,
    errors,
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / sent,
    throughput: latenciesMs.length / (options.durationMs / 1000),
    latenciesMs,
    errorStatuses,
  };
}

if (process.argv.includes(LOAD_GENERATOR_FLAG)) {
  process.once('message', (options) => {
    generate(options as LoadOptions).then(
      (result) => process.send?.(result, () => process.disconnect()),
      (error: unknown) => {
        throw error;
      },
    );
  });
}
