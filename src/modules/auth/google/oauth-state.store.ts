import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Limiter } from '../../rate-limit/limiters.js';
import type { SecretCipher } from '../mfa/secret-cipher.js';

export const OAUTH_COOKIE = '__Host-oauth_google';
const MAX_AGE_SECONDS = 600;
const CONTEXT = 'oauth-google';

/** What one authorization request must find again at its callback. */
export type OAuthFlow = { nonce: string; returnTo: string };
type Sealed = { handle: string; verifier: string; flow: OAuthFlow; createdAt: number };

export type FlowRequest = Request & { oauthFlow?: OAuthFlow };

const equal = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * passport-oauth2 state store that keeps `state`, the PKCE verifier, the OIDC nonce and returnTo
 * in a sealed (AES-GCM) HttpOnly cookie, binding the flow to the browser that started it: a
 * callback with a missing, foreign or tampered state is refused. Each state is accepted once
 * (remembered for its lifetime in the shared store), and lives at most 10 minutes.
 * SameSite=Lax, because the callback arrives as a top-level navigation from the provider.
 */
export class SealedCookieStateStore {
  constructor(
    private readonly cipher: SecretCipher,
    private readonly spent: Limiter,
  ) {}

  store(req: FlowRequest, verifier: string, _state: unknown, _meta: unknown, callback: (err: Error | null, handle?: string) => void): void {
    const flow = req.oauthFlow;
    if (!flow || !req.res) return callback(new Error('OAuth flow not prepared'));
    const handle = randomBytes(32).toString('base64url');
    const sealed = this.cipher.seal(JSON.stringify({ handle, verifier, flow, createdAt: Date.now() } satisfies Sealed), CONTEXT);
    req.res.cookie(OAUTH_COOKIE, `${sealed.keyId}.${sealed.ciphertext}`, {
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      path: '/',
      maxAge: MAX_AGE_SECONDS * 1000,
    });
    callback(null, handle);
  }

  verify(req: FlowRequest, providedState: unknown, callback: (err: Error | null, ok: string | false, info?: unknown) => void): void {
    req.res?.clearCookie(OAUTH_COOKIE, { httpOnly: true, secure: true, sameSite: 'lax', path: '/' });
    const sealed = this.open(req);
    const fresh = sealed && Date.now() - sealed.createdAt < MAX_AGE_SECONDS * 1000;
    if (!sealed || !fresh || typeof providedState !== 'string' || !equal(sealed.handle, providedState)) {
      return callback(null, false, { message: 'Invalid authorization state' });
    }
    this.spent.consume(sealed.handle).then(
      () => {
        req.oauthFlow = sealed.flow;
        callback(null, sealed.verifier, sealed.flow);
      },
      (rejection: unknown) => (rejection instanceof Error ? callback(rejection, false) : callback(null, false, { message: 'State already used' })),
    );
  }

  private open(req: Request): Sealed | undefined {
    const raw = (req.cookies as Record<string, unknown> | undefined)?.[OAUTH_COOKIE];
    if (typeof raw !== 'string') return undefined;
    const dot = raw.indexOf('.');
    try {
      return JSON.parse(this.cipher.open({ keyId: raw.slice(0, dot), ciphertext: raw.slice(dot + 1) }, CONTEXT)) as Sealed;
    } catch {
      return undefined;
    }
  }
}
