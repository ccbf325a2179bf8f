import type { INestApplication } from '@nestjs/common';
import { PrismaService } from '../../../../src/database/prisma.service.js';
import { Role } from '../../../../src/generated/prisma/enums.js';
import { TokenIssuerService } from '../../../../src/modules/auth/tokens/token-issuer.service.js';
import { ALL_SCOPES, createApiKey, decodeJwt } from '../../../security/support/auth-flows.js';
import { currentSessionId, http } from '../../../security/support/authz.js';
import { API, bearer, createPost, createUser, type TestUser } from '../../../setup/factories.js';
import type { Wallet } from './credentials.js';
import type { RefName } from './json-model.js';
import type { Captured } from './response-oracle.js';

/** A user with something of everything: a published post, a session, an API key. */
export type Actor = TestUser & { postId: string; sessionId: string; apiKeyId: string; apiKey: string; apiKeyPrefix: string };

async function recruit(app: INestApplication, role: Role = Role.user): Promise<Actor> {
  const user = await createUser(app, role);
  const post = await createPost(app, user, { title: `Post of ${user.email}`, isPublished: true });
  const key = await createApiKey(app, user);
  return { ...user, postId: post.id, sessionId: await currentSessionId(app, user), apiKeyId: key.id, apiKey: key.key, apiKeyPrefix: key.prefix };
}

/**
 * An account export quotes the caller's own audit trail, whose events name the paths the caller
 * itself requested (the fuzzer's attacker asks for the victim's ids all day): that part is left
 * out of the search, every other part of the export is searched.
 */
function ownTrailLeftOut(text: string): string {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && 'auditEvents' in body && 'exportedAt' in body) return JSON.stringify({ ...body, auditEvents: [] });
  } catch {
    // not JSON: searched as it is
  }
  return text;
}

/**
 * The people of the run. The victim (a plain user with a published post, a draft, a session and
 * an API key) never acts; the attacker (a plain user) is whom the fuzzer speaks as; the admin is
 * used on admin-only operations, aimed at the sandbox user only.
 */
export class Cast {
  /** Every attacker account of the run: none may ever gain a role or a plan. */
  readonly attackerIds = new Set<string>();
  /** Re-logins and replacement attackers the run needed (the fuzzer ended sessions, revoked keys...). */
  readonly housekeeping = { relogins: 0, newKeys: 0, newAttackers: 0 };

  private constructor(
    private readonly app: INestApplication,
    readonly victim: Actor & { draftId: string },
    public attacker: Actor,
    readonly admin: TestUser,
    readonly sandbox: Actor,
  ) {
    this.attackerIds.add(attacker.id);
  }

  static async assemble(app: INestApplication): Promise<Cast> {
    const victim = await recruit(app);
    const draft = await createPost(app, victim, { title: 'The victim draft', isPublished: false });
    return new Cast(app, { ...victim, draftId: draft.id }, await recruit(app), await createUser(app, Role.admin), await recruit(app));
  }

  readonly resolve = (name: RefName): string => {
    const [who, field] = name.split('.') as ['victim' | 'attacker' | 'sandbox', string];
    return String((this[who] as Record<string, unknown>)[field] ?? '');
  };

  wallet(): Wallet {
    return { attackerAccessToken: this.attacker.accessToken, attackerApiKey: this.attacker.apiKey, adminAccessToken: this.admin.accessToken, victimId: this.victim.id };
  }

  /**
   * The first of the victim's private marks (draft, session, API key) found in a successful
   * answer: the attacker must never read them (the victim's published post is public, and its
   * email is left out, since the attacker may send it and see it echoed).
   */
  victimPrivateIn(res: Captured): string | undefined {
    if (res.status >= 400) return undefined;
    const text = ownTrailLeftOut(res.text);
    const marks: [string, string][] = [
      ['draft id', this.victim.draftId],
      ['session id', this.victim.sessionId],
      ['API key id', this.victim.apiKeyId],
      ['API key prefix', this.victim.apiKeyPrefix],
    ];
    const seen = marks.find(([, mark]) => text.includes(mark));
    return seen ? `a ${res.status} answer shows the attacker the victim's ${seen[0]}` : undefined;
  }

  /** A password change the attacker made itself: remember it, so re-logins keep working. */
  passwordChanged(newPassword: unknown): void {
    if (typeof newPassword === 'string') this.attacker.password = newPassword;
  }

  /**
   * Makes sure the attacker's token and key still work (the fuzzer may log it out, end its
   * sessions, revoke its key or change its password): re-login, new key, or a new attacker.
   */
  async ensureAttacker(): Promise<void> {
    if (!(await this.works({ Authorization: `Bearer ${this.attacker.accessToken}` }))) await this.relogin();
    if (!(await this.works({ 'X-API-Key': this.attacker.apiKey }))) await this.renewApiKey();
  }

  /** Between operations: a working attacker with a post of its own again (the fuzzer may delete it). */
  async restock(): Promise<void> {
    await this.ensureAttacker();
    if ((await this.app.get(PrismaService).post.count({ where: { id: this.attacker.postId } })) > 0) return;
    this.attacker.postId = (await createPost(this.app, this.attacker, { title: 'A new post of the attacker', isPublished: true })).id;
  }

  private async works(headers: Record<string, string>): Promise<boolean> {
    return (await http(this.app).get(`${API}/users/me`).set(headers)).status === 200;
  }

  /**
   * A new session straight from the token issuer, as a successful login ends: the same tokens
   * without an argon2 hash per re-login (the fuzzer logs the attacker out hundreds of times).
   */
  private async relogin(): Promise<void> {
    // The fuzzer may have deleted the account (DELETE /users/me with the attacker's own password).
    if ((await this.app.get(PrismaService).user.count({ where: { id: this.attacker.id } })) === 0) return this.replaceAttacker();
    const { credentialsChangedAt, disabledAt } = await this.app.get(PrismaService).user.findUniqueOrThrow({ where: { id: this.attacker.id } });
    if (disabledAt) return this.replaceAttacker();
    const signedIn = { id: this.attacker.id, role: Role.user, credentialsChangedAt };
    const tokens = await this.app.get(TokenIssuerService).startSession(signedIn, { ip: '127.0.0.1', userAgent: 'fuzz housekeeping', requestId: null });
    this.housekeeping.relogins++;
    Object.assign(this.attacker, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, sessionId: String(decodeJwt(tokens.accessToken).payload.sid) });
    if (!(await this.works({ Authorization: `Bearer ${this.attacker.accessToken}` }))) await this.replaceAttacker();
  }

  private async renewApiKey(): Promise<void> {
    const res = await http(this.app).post(`${API}/api-keys`).set(bearer(this.attacker.accessToken)).send({ name: 'fuzz attacker key', scopes: ALL_SCOPES });
    if (res.status !== 201) return this.replaceAttacker();
    this.housekeeping.newKeys++;
    Object.assign(this.attacker, { apiKeyId: res.body.id, apiKey: res.body.key, apiKeyPrefix: res.body.prefix });
  }

  private async replaceAttacker(): Promise<void> {
    this.housekeeping.newAttackers++;
    this.attacker = await recruit(this.app);
    this.attackerIds.add(this.attacker.id);
  }
}
