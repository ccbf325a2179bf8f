import { HttpStatus } from '@nestjs/common';
import { AppError, BadRequestError, ForbiddenError, NotFoundError, ServiceUnavailableError, UnauthorizedError } from '../../common/errors/app-error.js';

/** The errors the auth module answers with (the global filter turns each into the standard body). */

export class GoogleNotConfiguredError extends NotFoundError {
  constructor() {
    super('Google sign-in is not configured');
  }
}

export class SignInProviderError extends AppError {
  constructor(timedOut: boolean) {
    super(timedOut ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY, timedOut ? 'Sign-in provider did not answer in time' : 'Sign-in provider error');
  }
}

export class InvalidMfaCodeError extends UnauthorizedError {
  constructor() {
    super('Invalid code');
  }
}

export class InvalidChallengeError extends UnauthorizedError {
  constructor() {
    super('Invalid or expired MFA challenge');
  }
}

export class RecentAuthenticationRequiredError extends ForbiddenError {
  constructor() {
    super('Recent authentication required: send your password, or sign in again');
  }
}

export class InvalidRefreshTokenError extends UnauthorizedError {
  constructor() {
    super('Invalid refresh token');
  }
}

/** The credentials changed (or the account was disabled or deleted) while the sign-in was checked. */
export class CredentialsChangedError extends UnauthorizedError {
  constructor() {
    super('Invalid credentials');
  }
}

export class SessionNotFoundError extends NotFoundError {
  constructor() {
    super('Session not found');
  }
}

export class InvalidResetTokenError extends BadRequestError {
  constructor() {
    super('Invalid or expired reset token');
  }
}

export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('Invalid credentials');
  }
}

export class EmailNotVerifiedError extends ForbiddenError {
  constructor() {
    super('Email not verified');
  }
}

export class InvalidVerificationTokenError extends BadRequestError {
  constructor() {
    super('Invalid or expired verification token');
  }
}

export class TokenExpiredAuthError extends UnauthorizedError {
  constructor() {
    super('Token expired');
  }
}

export class HashingBusyError extends ServiceUnavailableError {
  constructor() {
    super('Too many sign-ins at once, try again shortly');
  }
}
