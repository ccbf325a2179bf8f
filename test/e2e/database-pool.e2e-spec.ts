/**
 * The pool behind Prisma, against real PostgreSQL: a connection the server ends while it is
 * checked out, before its taker has added a listener of its own, must not end the process (an
 * 'error' event without a listener throws). Seen once in CI while PostgreSQL shut down under load.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createDatabasePool } from '../../src/database/prisma.service.js';

describe('database pool: a connection lost while checked out', () => {
  const lost: Error[] = [];
  let pool: pg.Pool;
  let outsider: pg.Client;

  beforeAll(async () => {
    pool = createDatabasePool({ url: process.env.DATABASE_URL!, poolSize: 2 }, (err) => lost.push(err));
    outsider = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await outsider.connect();
  });
  afterAll(async () => {
    await outsider.end();
    await pool.end();
  });

  it('every client has an error listener from the moment it is handed out', async () => {
    const client = await pool.connect();
    try {
      expect(client.listenerCount('error')).toBeGreaterThan(0);
    } finally {
      client.release();
    }
  });

  it('the server ending a checked-out connection is reported, not thrown, and the pool carries on', async () => {
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ended = new Promise((resolve) => client.once('end', resolve));
    // The taker holds the client but is between queries, with no listener of its own.
    await outsider.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await ended;
    client.release(new Error('connection lost'));

    expect(lost.map((err) => err.message).join('\n')).toMatch(/terminating connection due to administrator command|Connection terminated/);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
