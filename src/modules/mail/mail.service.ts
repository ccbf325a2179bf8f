import { appendFile } from 'node:fs/promises';
import { Injectable, Logger } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '../../config/app-config.js';

export type Mail = { to: string; subject: string; text: string };

/**
 * Sends mail through nodemailer. Transports (MAIL_TRANSPORT): `smtp` for real delivery (the only
 * one production accepts), `log` prints the mail for development, `capture` keeps it in
 * `outbox` for the e2e tests to read. With `log`, MAIL_LOG_FILE (npm run dev: `.data/mail.log`)
 * also gets every mail, so the README's walkthrough can read its links with grep. Sending never
 * fails the request that triggered it.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger('Mail');
  private readonly transporter: Transporter;
  /** Mails sent through the `capture` transport, newest last. */
  readonly outbox: Mail[] = [];

  constructor(private readonly config: AppConfig) {
    const { transport, smtpUrl } = config.mail;
    this.transporter = transport === 'smtp' ? nodemailer.createTransport(smtpUrl) : nodemailer.createTransport({ jsonTransport: true });
  }

  async send(mail: Mail): Promise<void> {
    try {
      await this.transporter.sendMail({ from: this.config.mail.from, ...mail });
      if (this.config.mail.transport === 'capture') this.outbox.push(mail);
      // Development only (production refuses this transport): the mail, link included, in the log.
      if (this.config.mail.transport === 'log') {
        this.logger.log({ mail }, `mail to ${mail.to}: ${mail.subject}`);
        const file = this.config.mail.logFile;
        if (file) await appendFile(file, `--- ${new Date().toISOString()} to ${mail.to}: ${mail.subject}\n${mail.text}\n\n`, { mode: 0o600 });
      }
    } catch (err) {
      this.logger.error({ err: err instanceof Error ? err.message : String(err), subject: mail.subject }, 'could not send mail');
    }
  }
}
