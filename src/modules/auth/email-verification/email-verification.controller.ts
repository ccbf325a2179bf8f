import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiNoContentResponse, ApiTags, ApiTooManyRequestsResponse, ApiOperation } from '@nestjs/swagger';
import { Public } from '../../../common/auth/public.decorator.js';
import { ErrorResponseDto } from '../../../common/errors/error-response.dto.js';
import { ReqMeta, type RequestMeta } from '../../../common/http/request-meta.js';
import { Throttle } from '@nestjs/throttler';
import { FROM_CONFIG } from '../../../common/auth/throttle.js';
import { ResendVerificationDto, VerifyEmailDto } from '../dto/email-verification.dto.js';
import { AcceptedDto } from '../dto/password.dto.js';
import { EmailVerificationService } from './email-verification.service.js';

@ApiTags('auth')
@Controller({ path: 'auth/verify-email', version: '1' })
export class EmailVerificationController {
  constructor(private readonly verification: EmailVerificationService) {}

  @Post()
  @ApiOperation({
    summary: 'Verify an email address',
    description:
      'Public. Consumes the token mailed at registration; password sign-in works from then on. Refuses a used, expired, cancelled or unknown token with one answer for all (400 `Invalid or expired verification token`).',
  })
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The address is verified: password sign-in works from now on' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A used, expired, cancelled or unknown token (one answer for all)' })
  verify(@Body() dto: VerifyEmailDto, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.verification.verify(dto.token, meta);
  }

  @Post('resend')
  @ApiOperation({
    summary: 'Resend the verification link',
    description:
      'Public. Mails a new verification link when the address has an account waiting for verification; the answer is the same 202 either way. Refuses an invalid body (400) and too many requests (429).',
  })
  @Public()
  @Throttle({ register: FROM_CONFIG })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'Always, whether or not the address has an account waiting' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  resend(@Body() dto: ResendVerificationDto): AcceptedDto {
    return this.verification.resend(dto.email);
  }
}
