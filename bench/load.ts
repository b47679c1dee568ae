/**
 * A small HTTP load generator for the server benchmarks. It runs in a process of its own, so that
 * the server under test keeps its event loop to itself (as it would with the load coming from
 * another machine), and keeps `concurrency` requests in flight over keep-alive connections for a fixed
 * time after a warm-up, recording the latency of every request answered in that time.
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
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

function send(agent: Agent, options: LoadOptions, unique: number): Promise<number> {
  const target = new URL(options.request.path, options.url);
  const body = options.request.body?.replaceAll('{n}', String(unique));
  return new Promise((resolve, reject) => {
    const outgoing = request(
      target,
      {
        agent,
        method: options.request.method,
        headers: { ...options.request.headers, ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }) },
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
        response.once('error', reject);
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

async function generate(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
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

  const loop = async (): Promise<void> => {
    let answered = false;
    while (performance.now() < stopAt) {
      const sentAt = performance.now();
      let status: number;
      try {
        const number = next++;
        status = await send(agent, options, options.cycle === undefined ? number : number % options.cycle);
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
  agent.destroy();
  return {
    requests: latenciesMs.length + errors,
    errors,
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
