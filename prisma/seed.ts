import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { PrismaPg } from '@prisma/adapter-pg';
import argon2 from 'argon2';
import { ARGON2_MIN } from '../src/config/auth.config.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { Role } from '../src/generated/prisma/enums.js';

export type DemoCredential = { email: string; password: string; role: Role };

const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: 'admin@example.com', name: 'Demo Admin', role: Role.admin },
  { email: 'moderator@example.com', name: 'Demo Moderator', role: Role.moderator },
  { email: 'user@example.com', name: 'Demo User', role: Role.user },
];

/**
 * Development only: one demo user per role, each with a random password made on first seeding
 * (never a hard-coded one), written to `credentialsFile` (mode 600). Returns the credentials
 * when it created the users, or null when they already existed.
 */
export async function seedDemoUsers(databaseUrl: string, credentialsFile: string): Promise<DemoCredential[] | null> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  try {
    if ((await prisma.user.count({ where: { email: { in: DEMO_USERS.map((u) => u.email) } } })) > 0) return null;
    const credentials: DemoCredential[] = [];
    for (const user of DEMO_USERS) {
      const password = randomBytes(12).toString('base64url');
      const passwordHash = await argon2.hash(password, {
        type: argon2.argon2id,
        memoryCost: ARGON2_MIN.memoryKiB,
        timeCost: ARGON2_MIN.timeCost,
        parallelism: ARGON2_MIN.parallelism,
      });
      await prisma.user.create({ data: { ...user, passwordHash, emailVerifiedAt: new Date() }, select: { id: true } });
      credentials.push({ email: user.email, password, role: user.role });
    }
    writeFileSync(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    return credentials;
  } finally {
    await prisma.$disconnect();
  }
}
