import { beforeAll, describe, expect, it } from '@jest/globals';
import argon2 from 'argon2';
import type { AppConfig } from '../../../config/app-config.js';
import { ARGON2_MIN } from '../../../config/auth.config.js';
import { PasswordHasherService } from './password-hasher.service.js';

const configWith = (memoryCost: number, timeCost: number) =>
  ({ auth: { argon2: { memoryCost, timeCost, parallelism: 1 } } }) as unknown as AppConfig;

describe('PasswordHasherService', () => {
  const hasher = new PasswordHasherService(configWith(ARGON2_MIN.memoryKiB, ARGON2_MIN.timeCost));
  beforeAll(() => hasher.onModuleInit());

  it('hashes with argon2id at OWASP minimum parameters (m=19456, t=2, p=1)', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    const [, type, , params] = hash.split('$');
    expect(type).toBe('argon2id');
    expect(Object.fromEntries((params ?? '').split(',').map((kv) => kv.split('=')))).toEqual({ m: '19456', t: '2', p: '1' });
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapl')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('verifies unknown users against the dummy hash, and never throws on a corrupt hash', async () => {
    expect(await hasher.verify(undefined, 'anything at all')).toBe(false);
    expect(await hasher.verify('not-a-hash', 'anything at all')).toBe(false);
  });

  it('asks for a rehash when the stored parameters are weaker than configured', async () => {
    const old = await argon2.hash('pw', { type: argon2.argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    const argon2i = await argon2.hash('pw', { type: argon2.argon2i, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(hasher.needsRehash(old)).toBe(true);
    expect(hasher.needsRehash(argon2i)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
    expect(new PasswordHasherService(configWith(32768, 3)).needsRehash(await hasher.hash('pw'))).toBe(true);
  });
});
