/**
 * The Management API under `/api/v2`, shaped like Auth0's Management API v2 so that its official
 * SDK and people's existing migration scripts work unchanged: users, connections, import and
 * export jobs, and migration statistics. Bearer `ADMIN_TOKEN`, rate-limited per token.
 */
import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

import { zValidator } from '@hono/zod-validator';
import busboy from 'busboy';
import { Hono, type Context } from 'hono';
import { z } from 'zod';

import type { ServerConfig } from '../config.js';
import type { AppEnv } from '../env.js';
import { requireAdminToken } from '../middleware/admin-auth.js';
import { methodNotAllowed } from '../middleware/errors.js';
import { ownOrigin } from '../middleware/security.js';
import { invalidBody, requireJson, validateJson } from '../middleware/validation.js';
import { createUserBodySchema, listUsersQuerySchema, updateUserBodySchema } from '../services/admin-users.js';
import type { Services } from '../services/index.js';
import { ServiceError } from '../services/service-error.js';
import { exportOptionsSchema } from '../services/user-export.js';

export const IMPORT_PATH = '/api/v2/jobs/users-imports';

const importFieldsSchema = z.object({
  connection_id: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required: the id from GET /api/v2/connections' : undefined) })
    .min(1)
    .max(64),
  upsert: z.enum(['true', 'false']).default('false'),
  external_id: z.string().max(128).optional(),
  /** Accepted as Auth0 takes it; this server sends no completion mail. */
  send_completion_email: z.enum(['true', 'false']).optional(),
});

const blockQuerySchema = z.object({ identifier: z.string().trim().min(1).max(320) });

const exportBodySchema = z.intersection(exportOptionsSchema, z.object({ connection_id: z.string().min(1).max(64).optional() }));

/** Query parameters are validated like bodies: failures are `invalid_body` with the field named. */
function validateQuery<Schema extends z.ZodType>(schema: Schema) {
  return zValidator('query', schema, (result) => {
    if (!result.success) throw invalidBody(result.error.issues);
  });
}

/**
 * Reads `multipart/form-data` as a stream: the `users` file goes to disk as it arrives (never
 * whole into memory), the small fields into an object. The first failure ends the reading, even
 * while the body still streams in (a file over the size limit), and is answered once the file
 * written so far is gone: a refused upload leaves nothing behind.
 */
async function readImportUpload(
  c: Context<AppEnv>,
  services: Services,
): Promise<{ filePath: string; fields: Record<string, string> }> {
  const contentType = c.req.header('Content-Type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new ServiceError('unsupported_media_type', 'Send the users file as multipart/form-data.');
  }
  const body = c.req.raw.body;
  if (!body) throw new ServiceError('invalid_body', 'The request has no body.');
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, limits: { files: 1, fields: 10, fieldSize: 1024 } });
    } catch (error) {
      reject(new ServiceError('invalid_body', `The multipart body cannot be read: ${(error as Error).message}`));
      return;
    }
    const source = Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
    const fields: Record<string, string> = {};
    let upload: Promise<string> | undefined;
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      // A parser whose file stream was destroyed (the size limit) waits for it forever: stop
      // feeding it, and drain the rest of the body so that the answer still reaches the client.
      source.unpipe(parser);
      source.resume();
      parser.destroy();
      // The upload ends with the parser (see 'file'); a file it wrote belongs to no job. When it
      // fails instead, receiveUpload removes the file itself.
      const removed = upload?.then((filePath) => services.jobs.discardUpload(filePath)) ?? Promise.resolve();
      removed.catch(() => undefined).finally(() => reject(error instanceof Error ? error : new Error(String(error))));
    };
    parser.on('file', (name, stream) => {
      // Busboy reports a body cut short inside a file as an error on the file stream, maybe before
      // anyone listens, which would crash the process. The parser reports the same error, which
      // refuses the request; the upload is simply ended, however the file stream stops.
      stream.on('error', () => undefined);
      // Busboy may go on to the next part in the same write after reporting an error; once the
      // request is refused, no upload starts (nobody would wait for it, or remove its file).
      if (name !== 'users' || upload || settled) {
        stream.resume();
        return;
      }
      const file = new PassThrough();
      stream.on('close', () => {
        if (!file.writableEnded && !file.destroyed) file.end();
      });
      stream.pipe(file);
      upload = services.jobs.receiveUpload(file);
      // A file over the limit fails here while its body still streams in: answer at once.
      upload.catch(fail);
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('error', (error: Error) => fail(new ServiceError('invalid_body', `The multipart body is malformed: ${error.message}`)));
    parser.on('close', () => {
      if (!upload) {
        fail(new ServiceError('invalid_body', 'The users file is missing: send it in the "users" field.', { path: 'users' }));
        return;
      }
      upload.then((filePath) => {
        if (settled) return;
        settled = true;
        resolve({ filePath, fields });
      }, fail);
    });
    source.pipe(parser);
  });
}

export function managementRoutes(services: Services, config: ServerConfig): Hono<AppEnv> {
  const { admin, jobs, connection } = services;
  const api = new Hono<AppEnv>();

  // A signed export link works without the token: it is what `location` hands out.
  api.get('/jobs/:id/download', async (c) => {
    const { stream, format, bytes } = await jobs.download(
      c.req.param('id'),
      c.req.query('expires') ?? '',
      c.req.query('signature') ?? '',
    );
    c.header('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    c.header('Content-Length', String(bytes));
    c.header('Content-Disposition', `attachment; filename="users.${format === 'csv' ? 'csv' : 'ndjson'}"`);
    return c.body(Readable.toWeb(stream) as ReadableStream);
  });

  api.use('*', requireAdminToken(config.adminToken, services.rateLimiter, config.rateLimits.management, config.rateLimits.enabled));

  return api
    .get('/users', validateQuery(listUsersQuerySchema), async (c) => c.json(await admin.list(c.req.valid('query'))))
    .post('/users', requireJson, validateJson(createUserBodySchema), async (c) => c.json(await admin.create(c.req.valid('json')), 201))
    .all('/users', methodNotAllowed(['GET', 'POST']))
    .get('/users/:id', async (c) => c.json(await admin.get(c.req.param('id'))))
    .patch('/users/:id', requireJson, validateJson(updateUserBodySchema), async (c) =>
      c.json(await admin.update(c.req.param('id'), c.req.valid('json'))),
    )
    .delete('/users/:id', async (c) => {
      await admin.delete(c.req.param('id'));
      return c.body(null, 204);
    })
    .all('/users/:id', methodNotAllowed(['GET', 'PATCH', 'DELETE']))
    .get('/user-blocks', validateQuery(blockQuerySchema), async (c) => c.json(await admin.blocksOf(c.req.valid('query'))))
    .delete('/user-blocks', validateQuery(blockQuerySchema), async (c) => {
      await admin.unblock(c.req.valid('query'));
      return c.body(null, 204);
    })
    .all('/user-blocks', methodNotAllowed(['GET', 'DELETE']))
    .get('/user-blocks/:id', async (c) => c.json(await admin.blocksOf({ id: c.req.param('id') })))
    .delete('/user-blocks/:id', async (c) => {
      await admin.unblock({ id: c.req.param('id') });
      return c.body(null, 204);
    })
    .all('/user-blocks/:id', methodNotAllowed(['GET', 'DELETE']))
    .get('/users-by-email', validateQuery(z.object({ email: z.string().min(1).max(254) })), async (c) =>
      c.json(await admin.getByEmail(c.req.valid('query').email)),
    )

    .get(
      '/connections',
      validateQuery(
        z.object({
          include_totals: z.enum(['true', 'false']).default('false'),
          strategy: z.union([z.string(), z.array(z.string())]).optional(),
          name: z.string().optional(),
        }),
      ),
      async (c) => {
        const query = c.req.valid('query');
        const strategies = query.strategy === undefined ? undefined : [query.strategy].flat();
        const matches = (query.name === undefined || query.name === connection.name) && (strategies?.includes('auth0') ?? true);
        const connections = matches ? [await connection.describe()] : [];
        return c.json(
          query.include_totals === 'true'
            ? { start: 0, limit: 50, total: connections.length, connections }
            : connections,
        );
      },
    )
    .get('/connections/:id', async (c) => {
      await connection.assertIsThis({ connectionId: c.req.param('id') });
      return c.json(await connection.describe());
    })

    .post('/jobs/users-imports', async (c) => {
      const { filePath, fields } = await readImportUpload(c, services);
      const parsed = importFieldsSchema.safeParse(fields);
      try {
        if (!parsed.success) throw invalidBody(parsed.error.issues);
        const job = await jobs.createImport(filePath, {
          connectionId: parsed.data.connection_id,
          upsert: parsed.data.upsert === 'true',
          externalId: parsed.data.external_id,
        });
        return c.json(await jobs.describe(job), 202);
      } catch (error) {
        await jobs.discardUpload(filePath);
        throw error;
      }
    })
    .all('/jobs/users-imports', methodNotAllowed(['POST']))
    .post('/jobs/users-exports', requireJson, validateJson(exportBodySchema), async (c) => {
      const { connection_id: connectionId, ...options } = c.req.valid('json');
      const job = await jobs.createExport(options, ownOrigin(c, config.publicUrl), connectionId);
      return c.json(await jobs.describe(job), 202);
    })
    .all('/jobs/users-exports', methodNotAllowed(['POST']))
    .get('/jobs/:id', async (c) => c.json(await jobs.describe(await jobs.get(c.req.param('id')))))
    .get('/jobs/:id/errors', async (c) => c.json(await jobs.errorsOf(c.req.param('id'))))

    .get('/stats/migration', async (c) =>
      c.json({ legacy_store_mode: config.legacyStore?.mode ?? null, ...(await admin.migrationStats()) }),
    );
}
