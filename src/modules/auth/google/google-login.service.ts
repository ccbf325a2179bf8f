import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import passport from 'passport';
import {
  Strategy as GoogleStrategy,
  type GoogleCallbackParameters,
  type Profile,
  type StrategyOptionsWithRequest,
  type VerifyCallback,
} from 'passport-google-oauth20';
import { ForbiddenError } from '../../../common/errors/app-error.js';
import { requestMetaOf, type RequestMeta } from '../../../common/http/request-meta.js';
import { AppConfig } from '../../../config/app-config.js';
import type { GoogleSettings } from '../../../config/google.config.js';
import { isUniqueViolation } from '../../../common/errors/prisma-errors.js';
import { AuditService } from '../../audit/audit.service.js';
import { MailService } from '../../mail/mail.service.js';
import { createLimiter } from '../../rate-limit/limiters.js';
import { REDIS } from '../../../redis/redis.provider.js';
import type { UserCredentialsRow } from '../../users/user.select.js';
import { UsersService } from '../../users/users.service.js';
import { SecretCipher } from '../mfa/secret-cipher.js';
import { SessionStateCache } from '../../../database/session-state.cache.js';
import { setMfaChallengeCookie, setRefreshCookie } from '../refresh-cookie.js';
import { MfaChallengeTokenService } from '../tokens/mfa-challenge-token.service.js';
import { TokenIssuerService } from '../tokens/token-issuer.service.js';
import { GoogleAccountsRepository } from './google-accounts.repository.js';
import { IdTokenRejectedError, IdTokenVerifier, type GoogleIdentity } from './id-token.verifier.js';
import { SealedCookieStateStore, type FlowRequest } from './oauth-state.store.js';
import { GoogleNotConfiguredError } from '../auth.errors.js';

/** A disabled account cannot sign in through Google either. */
function usable(user: UserCredentialsRow): UserCredentialsRow {
  if (user.disabledAt) throw new ForbiddenError('Sign-in refused');
  return user;
}

type OAuth2Request = (method: string, url: string, headers: unknown, body: unknown, token: unknown, cb: RequestCallback) => void;
type RequestCallback = (err: unknown, data?: string, res?: unknown) => void;

/**
 * node-oauth reads `access_token` from the parsed token response without checking it is an
 * object: a provider answering `null` would throw outside any handler. Such answers become a
 * provider error (502) before it looks.
 */
function refuseNonObjectTokenResponses(strategy: GoogleStrategy): void {
  const oauth2 = (strategy as unknown as { _oauth2: { _request: OAuth2Request } })._oauth2;
  const request = oauth2._request.bind(oauth2);
  oauth2._request = (method, url, headers, body, token, cb) =>
    request(method, url, headers, body, token, (err, data, res) => {
      if (!err && typeof data === 'string' && parsesToNonObject(data)) return cb({ statusCode: 502, data: '' });
      cb(err, data, res);
    });
}

function parsesToNonObject(data: string): boolean {
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed === null || typeof parsed !== 'object';
  } catch {
    return false; // not JSON: node-oauth falls back to form decoding, which cannot throw
  }
}

/**
 * Google sign-in (authorization code + PKCE S256 + state + nonce) on passport-google-oauth20.
 * The ID token is verified here (signature, issuer, audience, expiry, nonce); accounts are keyed
 * by (issuer, subject) and linked to an existing user only through a verified email. The end is
 * a redirect to FRONTEND_URL carrying no token: the refresh token travels in its HttpOnly cookie
 * (or, with MFA on, a challenge cookie for /auth/mfa/verify).
 */
@Injectable()
export class GoogleLoginService implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly accounts: GoogleAccountsRepository,
    private readonly issuer: TokenIssuerService,
    private readonly challenges: MfaChallengeTokenService,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly liveSessions: SessionStateCache,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  onModuleInit(): void {
    const google = this.config.google;
    if (!google) return;
    const cipher = new SecretCipher(this.config.mfa.keys, this.config.mfa.activeKeyId);
    const spent = createLimiter(this.redis, `${this.config.rateLimit.keyPrefix}:oauth-state`, { limit: 1, windowSeconds: 600 });
    passport.use('google', this.strategy(google, new SealedCookieStateStore(cipher, spent)));
  }

  private strategy(google: GoogleSettings, store: SealedCookieStateStore): GoogleStrategy {
    const verifier = new IdTokenVerifier(google);
    const strategy = new GoogleStrategy(
      {
        clientID: google.clientId,
        clientSecret: google.clientSecret,
        callbackURL: google.callbackUrl,
        authorizationURL: google.authorizationUrl,
        tokenURL: google.tokenUrl,
        scope: ['openid', 'email', 'profile'],
        state: true,
        pkce: true,
        store,
        passReqToCallback: true,
        skipUserProfile: true,
        // passport-oauth2 calls a PKCE store with five arguments; its typings know only the older forms.
      } as unknown as StrategyOptionsWithRequest,
      (req: Request, _at: string, _rt: string, params: GoogleCallbackParameters, _profile: Profile, done: VerifyCallback) => {
        verifier
          .verify(params.id_token, (req as FlowRequest).oauthFlow?.nonce ?? '')
          .then((identity) => this.resolveUser(identity, requestMetaOf(req)))
          .then(
            (user) => done(null, user),
            (err: unknown) => (err instanceof IdTokenRejectedError ? done(null, false, { message: err.message }) : done(err)),
          );
      },
    );
    strategy.authorizationParams = (options: { nonce?: string }) => ({ nonce: options.nonce });
    refuseNonObjectTokenResponses(strategy);
    return strategy;
  }

  /** GET /auth/google: prepares the flow (nonce, returnTo) and lets passport redirect to Google. */
  start(req: Request, res: Response): void {
    if (!this.config.google) throw new GoogleNotConfiguredError();
    const flow = { nonce: randomBytes(32).toString('base64url'), returnTo: this.safeReturnTo(req.query.returnTo) };
    (req as FlowRequest).oauthFlow = flow;
    passport.authenticate('google', { session: false, nonce: flow.nonce } as passport.AuthenticateOptions)(req, res, () => undefined);
  }

  /** After the callback passed the guard: a session (or an MFA challenge) and the redirect. */
  async finish(user: UserCredentialsRow, req: FlowRequest, res: Response, meta: RequestMeta): Promise<{ url: string }> {
    const returnTo = req.oauthFlow?.returnTo ?? `${this.config.mail.frontendUrl}/`;
    if (user.mfaEnabled) {
      setMfaChallengeCookie(res, this.challenges.issue(user), 300);
      return { url: `${this.config.mail.frontendUrl}/login/mfa` };
    }
    this.audit.record('LOGIN_SUCCESS', { meta, userId: user.id, metadata: { method: 'google' } });
    const tokens = await this.issuer.startSession(user, meta);
    setRefreshCookie(res, tokens.refreshToken, this.config.auth.refreshTokenTtlSeconds);
    return { url: returnTo };
  }

  /**
   * Which account a verified Google identity signs in to. Linked already: that one. Otherwise an
   * address both sides proved is linked (and its owner told); an address only a password
   * registration named, never proven, is claimed clean (ACCOUNT_CLAIMED: whoever registered it
   * first loses every credential); a new address gets a new, verified account with no password.
   */
  private async resolveUser(identity: GoogleIdentity, meta: RequestMeta): Promise<UserCredentialsRow> {
    const linked = await this.accounts.findUserId(identity.issuer, identity.subject);
    const user = linked ? await this.users.findCredentialsById(linked) : null;
    if (user) return usable(user);
    // Only a verified email may reach an existing account, or claim an address for a new one.
    if (!identity.emailVerified || !identity.email) throw new ForbiddenError('Google account email is not verified');
    const link = { issuer: identity.issuer, subject: identity.subject, email: identity.email };
    const existing = await this.users.findCredentialsByEmail(identity.email);
    if (!existing) {
      // A registration or another sign-in of this address may win the race: then it exists.
      return this.createUser(identity).catch((err: unknown) => (isUniqueViolation(err) ? this.resolveUser(identity, meta) : Promise.reject(err)));
    }
    usable(existing);
    if (!existing.emailVerifiedAt && (await this.accounts.claim(existing.id, { ...link, name: identity.name }))) {
      await this.liveSessions.settle(); // the earlier registrant's tokens are refused from the next request on
      this.audit.record('ACCOUNT_CLAIMED', { meta, userId: existing.id, metadata: { method: 'google' } });
      return this.reload(existing.id);
    }
    await this.accounts.link(existing.id, link);
    this.audit.record('OAUTH_LINKED', { meta, userId: existing.id, metadata: { provider: 'google' } });
    await this.mail.send({
      to: existing.email,
      subject: 'Google sign-in was linked to your account',
      text: 'Your account can now be signed in to with Google, through the Google account that uses this address. If this was not you, reset your password and contact support at once.',
    });
    return this.reload(existing.id);
  }

  /** No password was ever chosen: password login stays impossible until a reset sets one. */
  private async createUser(identity: GoogleIdentity): Promise<UserCredentialsRow> {
    const profile = await this.users.create({ email: identity.email, name: identity.name, passwordHash: null, emailVerifiedAt: new Date() });
    await this.accounts.link(profile.id, { issuer: identity.issuer, subject: identity.subject, email: identity.email });
    return this.reload(profile.id);
  }

  private async reload(id: string): Promise<UserCredentialsRow> {
    const user = await this.users.findCredentialsById(id);
    if (!user) throw new Error('user vanished during sign-in');
    return user;
  }

  /** returnTo may only lead back to the front end: a path, or an allowed origin. */
  private safeReturnTo(value: unknown): string {
    const front = this.config.mail.frontendUrl;
    if (typeof value !== 'string' || value.length > 2000) return `${front}/`;
    if (/^\/(?![/\\])/.test(value)) return `${front}${value}`;
    try {
      const url = new URL(value);
      const allowed = url.origin === new URL(front).origin || this.config.app.allowedOrigins.includes(url.origin);
      return allowed ? url.toString() : `${front}/`;
    } catch {
      return `${front}/`;
    }
  }
}
