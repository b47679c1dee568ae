/**
 * The JSON body limit over real HTTP, as @hono/node-server hands requests to the app: a body with
 * a declared Content-Length is judged by it, a chunked body (no declared length) is counted as it
 * arrives. Either way a body over 64 KiB is refused with 413 and writes nothing, and a body under
 * it goes through.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { MAX_JSON_BODY_BYTES } from '../../src/server/middleware/validation.js';
import { listenOnLoopback, STRONG_PASSWORD, startTestServer, type LoopbackListener, type TestServer } from './helpers.js';

interface Answer {
  status: number;
  body: unknown;
}

let server: TestServer;
let http: LoopbackListener;
let origin: string;

/** POSTs `body` to the sign-up endpoint, with its length declared or sent in chunks of 4 KiB. */
function postSignup(body: string, framing: 'content-length' | 'chunked'): Promise<Answer> {
  const bytes = Buffer.from(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', origin };
  if (framing === 'content-length') headers['content-length'] = String(bytes.length);
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL('/api/signup', origin), { method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
      });
    });
    // The server may answer a body over the limit before it has all of it, and close.
    outgoing.on('error', reject);
    if (framing === 'chunked') {
      for (let offset = 0; offset < bytes.length; offset += 4096) outgoing.write(bytes.subarray(offset, offset + 4096));
      outgoing.end();
    } else {
      outgoing.end(bytes);
    }
  });
}

function signupBody(email: string, padding: number): string {
  return JSON.stringify({ email, password: STRONG_PASSWORD, name: 'x'.repeat(padding) });
}

async function userCount(): Promise<number> {
  const row = await server.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

function errorCode(answer: Answer): unknown {
  const { body } = answer;
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const { error } = body;
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

describe('the JSON body limit over HTTP', () => {
  before(async () => {
    server = await startTestServer();
    http = await listenOnLoopback(server);
    ({ origin } = http);
  });

  after(async () => {
    await http.close();
    await server.close();
  });

  for (const framing of ['content-length', 'chunked'] as const) {
    it(`refuses a body over the limit with its length ${framing === 'chunked' ? 'undeclared (chunked)' : 'declared'}`, async () => {
      const body = signupBody(`too-big-${framing}@example.com`, MAX_JSON_BODY_BYTES);
      assert.ok(Buffer.byteLength(body) > MAX_JSON_BODY_BYTES);
      const before = await userCount();
      const answer = await postSignup(body, framing);
      assert.equal(answer.status, 413);
      assert.equal(errorCode(answer), 'payload_too_large');
      assert.equal(await userCount(), before);
    });

    it(`takes a body just under the limit with its length ${framing === 'chunked' ? 'undeclared (chunked)' : 'declared'}`, async () => {
      const email = `just-fits-${framing}@example.com`;
      // The name is over the schema's limit, so the body is refused by validation, after the limit let it through.
      const overhead = Buffer.byteLength(signupBody(email, 0));
      const answer = await postSignup(signupBody(email, MAX_JSON_BODY_BYTES - overhead), framing);
      assert.equal(answer.status, 400);
      assert.equal(errorCode(answer), 'invalid_body');
    });

    it(`signs up with a small body with its length ${framing === 'chunked' ? 'undeclared (chunked)' : 'declared'}`, async () => {
      const before = await userCount();
      const answer = await postSignup(signupBody(`small-${framing}@example.com`, 10), framing);
      assert.equal(answer.status, 201);
      assert.equal(await userCount(), before + 1);
    });
  }
});
