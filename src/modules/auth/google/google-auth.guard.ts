import { HttpStatus, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AppError, UnauthorizedError } from '../../../common/errors/app-error.js';
import { AppConfig } from '../../../config/app-config.js';
import { GoogleNotConfiguredError } from './google-login.service.js';

export class SignInProviderError extends AppError {
  constructor(timedOut: boolean) {
    super(timedOut ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY, timedOut ? 'Sign-in provider did not answer in time' : 'Sign-in provider error');
  }
}

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
    if (err) throw new SignInProviderError(false);
    if (!user) throw new UnauthorizedError('Google sign-in failed');
    return user;
  }
}
