import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';
import { AppConfig } from '../../../config/app-config.js';
import { HashingGate } from './hashing-gate.js';

/**
 * argon2id password hashing (OWASP minimum m=19 MiB, t=2, p=1; parameters from config).
 * argon2 hashes on libuv's thread pool, off the event loop, and at most
 * ARGON2_MAX_CONCURRENCY at once (HashingGate): logins cannot take every core from reads.
 */
@Injectable()
export class PasswordHasherService implements OnModuleInit {
  private dummyHash = '';
  private readonly gate: HashingGate;

  constructor(private readonly config: AppConfig) {
    this.gate = new HashingGate(config.auth.argon2.maxConcurrency, config.auth.argon2.maxWaiting);
  }

  private get options(): argon2.HashOptions & { raw?: false } {
    const { memoryCost, timeCost, parallelism } = this.config.auth.argon2;
    return { type: argon2.argon2id, memoryCost, timeCost, parallelism, raw: false };
  }

  async onModuleInit(): Promise<void> {
    // A hash of a random secret nobody knows: unknown emails are verified against it, so they
    // cost the same time as a wrong password and cannot be told apart (account enumeration).
    this.dummyHash = await this.hash(randomBytes(32).toString('base64url'));
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => argon2.hash(password, this.options));
  }

  /** Verifies against the real hash, or the dummy one when there is no user. Never throws on a bad hash. */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    return this.gate.run(async () => {
      try {
        return await argon2.verify(hash ?? this.dummyHash, password);
      } catch {
        return false;
      }
    });
  }

  /** True when a stored hash was made with weaker or different parameters than configured. */
  needsRehash(hash: string): boolean {
    const { memoryCost, timeCost, parallelism } = this.options;
    return argon2.needsRehash(hash, { memoryCost, timeCost, parallelism }) || !hash.startsWith('$argon2id$');
  }
}
