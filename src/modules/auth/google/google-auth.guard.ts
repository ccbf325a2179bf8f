import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import passportOAuth2 from 'passport-oauth2';
import { AppError, UnauthorizedError } from '../../../common/errors/app-error.js';
import { AppConfig } from '../../../config/app-config.js';
import { GoogleNotConfiguredError, SignInProviderError } from '../auth.errors.js';

const { AuthorizationError, TokenError } = passportOAuth2;

const isFilled = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * Runs passport on the Google callback: state and PKCE checked by the store, code exchanged, ID
 * token verified. A slow or broken provider is cut off after GOOGLE_TIMEOUT_MS with a generic error.
 */
@Injectable()
export class GoogleAuthGuard extends AuthGuard('google') {
  constructor(private readonly config: AppConfig) {
    super({ session: false });
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const google = this.config.google;
    if (!google) throw new GoogleNotConfiguredError();
    // Without a code and a state this is no callback (passport would start a new flow instead).
    const { code, state, error } = ctx.switchToHttp().getRequest<Request>().query;
    if (!error && (!isFilled(code) || !isFilled(state))) throw new UnauthorizedError('Google sign-in failed');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SignInProviderError(true)), google.timeoutMs);
    });
    try {
      return (await Promise.race([super.canActivate(ctx) as Promise<boolean>, timeout])) as boolean;
    } finally {
      clearTimeout(timer);
    }
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false): TUser {
    if (err instanceof AppError) throw err;
    // The provider refused the code (invalid_grant and the like): the user's fault, not the provider's.
    if (err instanceof TokenError || err instanceof AuthorizationError) throw new UnauthorizedError('Google sign-in failed');
    if (err) throw new SignInProviderError(false);
    if (!user) throw new UnauthorizedError('Google sign-in failed');
    return user;
  }
}
