#!/usr/bin/env node
/**
 * The `provision-lock` command: `serve`, `db migrate`, `--help`, `--version`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { exportCommand, importCommand } from './commands.js';
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './main.js';
import { migrateToLatest, openDatabase } from './store/database.js';

const HELP = `provision-lock: the reference identity server for the <provision-lock> widget

Usage:
  provision-lock serve [--config FILE] [--port N]   serve the API (default port 3000)
  provision-lock import FILE [--upsert] [--errors FILE] [--config FILE]
                                                    import users (Auth0's user-import JSON, or NDJSON)
  provision-lock export [--output FILE] [--format json|csv] [--fields a,b] [--include-password-hashes]
                                                    export users (NDJSON in the import format, or CSV)
  provision-lock db migrate [--config FILE]         apply pending database migrations and exit
  provision-lock --help | --version

Configuration: a JSON file given by --config or PROVISION_LOCK_CONFIG.
Environment:   PORT, DATABASE_URL (sqlite:PATH | sqlite::memory: | postgres://…), ADMIN_TOKEN, PUBLIC_URL.
`;

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

async function serveCommand(configPath: string | undefined, port: number | undefined): Promise<void> {
  const server = await startServer({ configPath, port });
  const publicUrl = server.url === server.listeningUrl ? '' : ` (public URL ${server.url})`;
  process.stdout.write(`provision-lock listening on ${server.listeningUrl}${publicUrl}\n`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function migrateCommand(configPath: string | undefined): Promise<void> {
  const config = loadConfig({ configPath });
  const db = openDatabase(config.databaseUrl);
  try {
    const { results = [] } = await migrateToLatest(db);
    const applied = results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n');
  } finally {
    await db.destroy();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      upsert: { type: 'boolean' },
      errors: { type: 'string' },
      output: { type: 'string', short: 'o' },
      format: { type: 'string' },
      fields: { type: 'string' },
      'include-password-hashes': { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const [first = '', ...rest] = positionals;
  if (first === 'import') {
    const [file] = rest;
    if (!file || rest.length > 1) {
      process.stderr.write('Usage: provision-lock import FILE [--upsert] [--errors FILE] [--config FILE]\n');
      return 2;
    }
    return importCommand({ file, upsert: values.upsert ?? false, configPath: values.config, errorsPath: values.errors });
  }
  if (first === 'export' && rest.length === 0) {
    const format = values.format ?? 'json';
    if (format !== 'json' && format !== 'csv') {
      process.stderr.write(`--format is json or csv, not "${format}"\n`);
      return 2;
    }
    return exportCommand({
      output: values.output ?? `users-export.${format === 'csv' ? 'csv' : 'ndjson'}`,
      format,
      fields: values.fields?.split(',').map((field) => field.trim()).filter(Boolean),
      includePasswordHashes: values['include-password-hashes'] ?? false,
      configPath: values.config,
    });
  }
  const command = positionals.join(' ');
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    process.stderr.write(`--port must be a whole number from 0 to 65535, not "${values.port}"\n`);
    return 2;
  }
  switch (command) {
    case 'serve':
    case '':
      await serveCommand(values.config, port);
      return 0;
    case 'db migrate':
      await migrateCommand(values.config);
      return 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError || (error instanceof TypeError && 'code' in error)) {
      // Configuration and argument mistakes get their message, not a stack trace.
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  },
);
