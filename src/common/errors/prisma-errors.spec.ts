import { describe, expect, it } from '@jest/globals';
import { Prisma } from '../../generated/prisma/client.js';
import { isDatabaseUnavailable, mapPrismaError } from './prisma-errors.js';

const known = (code: string, meta?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError('failed', { code, clientVersion: 'test', meta });
const adapterCause = (cause: Record<string, unknown>) => ({ driverAdapterError: { name: 'DriverAdapterError', cause } });

describe('isDatabaseUnavailable (503, not 500)', () => {
  it.each([
    ['P1001 server unreachable', known('P1001')],
    ['P2028 transaction cut during COMMIT', known('P2028')],
    ['a raw query on an unreachable server (P2010)', known('P2010', adapterCause({ kind: 'DatabaseNotReachable' }))],
    ['a raw query on a closed connection', known('P2010', adapterCause({ kind: 'ConnectionClosed' }))],
    ['57P01 terminating connection (server shutdown)', known('P2010', adapterCause({ kind: 'postgres', originalCode: '57P01' }))],
    ['57P03 the database system is starting up', known('P2010', adapterCause({ kind: 'postgres', originalCode: '57P03' }))],
    ['08006 connection failure', known('P2010', adapterCause({ kind: 'postgres', originalCode: '08006' }))],
    ["node-postgres' own error", new Error('Connection terminated unexpectedly')],
    ['a pool that cannot hand out a connection', new Error('timeout exceeded when trying to connect')],
    ['a socket error', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
  ])('%s', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(mapPrismaError(err)?.status).toBe(503);
  });

  it.each([
    ['a unique violation', known('P2002')],
    ['a syntax error in a raw query (a bug: 500)', known('P2010', adapterCause({ kind: 'postgres', originalCode: '42601' }))],
    ['NUL in text (22021: the request, not the server)', known('P2010', adapterCause({ kind: 'postgres', originalCode: '22021' }))],
    ['any other error', new TypeError('x is undefined')],
  ])('not: %s', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});

describe('mapPrismaError (4xx for conflicts)', () => {
  it.each([
    ['P2002 a unique violation', known('P2002'), 409],
    ['P2003 a referenced row gone (a sign-in racing a deletion)', known('P2003'), 409],
    ['P2025 no such record', known('P2025'), 404],
  ])('%s', (_name, err, status) => {
    expect(mapPrismaError(err)?.status).toBe(status);
  });
});
