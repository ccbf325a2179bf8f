import { z } from 'zod';

export const mailEnvSchema = z.object({
  // log: print mails (with their links) to the log, for development; capture: keep them in memory
  // for the tests to read; smtp: send through SMTP_URL. Production accepts smtp only.
  MAIL_TRANSPORT: z.enum(['smtp', 'log', 'capture']).optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('Secure API <no-reply@example.com>'),
  // With the log transport, also append every mail to this file, so a link can be read by a
  // script (npm run dev sets .data/mail.log). Ignored by the other transports.
  MAIL_LOG_FILE: z.string().min(1).optional(),
  // Where people use the app: reset links and the end of Google login point here, whatever Host
  // header a request carried.
  FRONTEND_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:5173'),
  PASSWORD_RESET_TTL_SECONDS: z.coerce.number().int().min(300).max(3600).default(1800),
});

export type MailSettings = {
  transport: 'smtp' | 'log' | 'capture';
  smtpUrl?: string;
  from: string;
  /** The log transport's copy of every mail (development), or none. */
  logFile?: string;
  frontendUrl: string;
  passwordResetTtlSeconds: number;
};

type Parsed = z.infer<typeof mailEnvSchema> & { NODE_ENV: string };

export function loadMailSettings(e: Parsed): { settings: MailSettings; problems: string[] } {
  const transport = e.MAIL_TRANSPORT ?? (e.NODE_ENV === 'test' ? 'capture' : e.NODE_ENV === 'production' ? 'smtp' : 'log');
  const problems = [
    ...(transport === 'smtp' && !e.SMTP_URL ? ['SMTP_URL: required when MAIL_TRANSPORT is smtp (always in production)'] : []),
    ...(e.NODE_ENV === 'production' && transport !== 'smtp' ? ['MAIL_TRANSPORT: production sends mail through smtp only'] : []),
  ];
  return {
    problems,
    settings: {
      transport,
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      logFile: transport === 'log' ? e.MAIL_LOG_FILE : undefined,
      frontendUrl: e.FRONTEND_URL.replace(/\/$/, ''),
      passwordResetTtlSeconds: e.PASSWORD_RESET_TTL_SECONDS,
    },
  };
}
