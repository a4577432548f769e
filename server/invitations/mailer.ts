/**
 * Sends invitation links by e-mail through an SMTP server (nodemailer), when one is configured
 * (`SMTP_URL`). Without one there is no mailer and the owner is handed the link to pass on.
 */
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { OrgRole } from '../../shared/org-roles.ts';
import type { Role } from '../../shared/roles.ts';

/** An SMTP server that has not answered in this long is treated as down: the invite request is
 * waiting on it, and the owner can still copy the link instead. */
export const SMTP_TIMEOUT_MS = 10_000;

const ROLE_LABELS: Record<Role, string> = { viewer: 'a viewer', commenter: 'a commenter', editor: 'an editor', owner: 'an owner' };

export interface InvitationMail {
  to: string;
  url: string;
  configName: string;
  inviterName: string;
  role: Role;
  expiresAt: Date;
}

/** An invitation into an organisation (server/orgs/org-invitation-routes.ts). */
export interface OrgInvitationMail {
  to: string;
  url: string;
  orgName: string;
  inviterName: string;
  role: OrgRole;
  expiresAt: Date;
}

/** The link that makes an ADMIN_EMAILS address's account an instance admin (auth/instance-admins.ts). */
export interface AdminProofMail {
  to: string;
  url: string;
  expiresAt: Date;
}

export interface Mailer {
  sendInvitation(mail: InvitationMail): Promise<void>;
  sendAdminProof(mail: AdminProofMail): Promise<void>;
  sendOrgInvitation(mail: OrgInvitationMail): Promise<void>;
  close(): void;
}

export function invitationText(mail: InvitationMail): { subject: string; text: string } {
  const subject = `${mail.inviterName} invited you to "${mail.configName}" on Boardroom`;
  const text = [
    `${mail.inviterName} invited you to work on the build configuration "${mail.configName}" as ${ROLE_LABELS[mail.role]}.`,
    '',
    `Open this link to accept (sign in or create an account on the way):`,
    mail.url,
    '',
    `The link works once, for whoever opens it first, until ${mail.expiresAt.toUTCString()}.`,
    'If you did not expect this, ignore this message: nothing happens unless the link is opened.',
  ].join('\n');
  return { subject, text };
}

const ORG_ROLE_LABELS: Record<OrgRole, string> = { member: 'a member', admin: 'an admin', owner: 'an owner' };

export function orgInvitationText(mail: OrgInvitationMail): { subject: string; text: string } {
  const subject = `${mail.inviterName} invited you to the organisation "${mail.orgName}" on Boardroom`;
  const text = [
    `${mail.inviterName} invited you to join the organisation "${mail.orgName}" as ${ORG_ROLE_LABELS[mail.role]}.`,
    '',
    `Open this link to accept (sign in or create an account on the way):`,
    mail.url,
    '',
    `The link works once, for whoever opens it first, until ${mail.expiresAt.toUTCString()}.`,
    'If you did not expect this, ignore this message: nothing happens unless the link is opened.',
  ].join('\n');
  return { subject, text };
}

export function adminProofText(mail: AdminProofMail): { subject: string; text: string } {
  const subject = 'Confirm your Boardroom instance admin address';
  const text = [
    `This server's operator listed ${mail.to} as an instance admin of Boardroom (ADMIN_EMAILS).`,
    '',
    'Sign in to the account with this address, then open this link to become admin:',
    mail.url,
    '',
    `The link works until ${mail.expiresAt.toUTCString()}, only for that account.`,
    'If you did not sign up, tell the operator: someone else created an account with your address.',
  ].join('\n');
  return { subject, text };
}

export function createSmtpMailer(options: { smtpUrl: string; from: string; logger: Logger; timeoutMs?: number }): Mailer {
  const timeoutMs = options.timeoutMs ?? SMTP_TIMEOUT_MS;
  // nodemailer is loaded with the first mail, not at start: mail is rare (invitations, admin
  // proofs) and its code is about 3 MB of heap an idle server would otherwise hold.
  let transport: Promise<Transporter> | null = null;
  const transportOf = (): Promise<Transporter> =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport(options.smtpUrl, {
        from: options.from,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      } as never),
    ));
  const send = async (mail: { to: string; subject: string; text: string }) => (await transportOf()).sendMail({ from: options.from, ...mail });
  return {
    async sendInvitation(mail) {
      const info = await send({ to: mail.to, ...invitationText(mail) });
      options.logger.info({ messageId: info.messageId }, 'invitation mailed');
    },
    async sendOrgInvitation(mail) {
      const info = await send({ to: mail.to, ...orgInvitationText(mail) });
      options.logger.info({ messageId: info.messageId }, 'organisation invitation mailed');
    },
    async sendAdminProof(mail) {
      const info = await send({ to: mail.to, ...adminProofText(mail) });
      options.logger.info({ messageId: info.messageId }, 'admin proof link mailed');
    },
    close: () => void transport?.then((t) => t.close(), () => undefined),
  };
}
