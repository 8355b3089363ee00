import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";
import { mailFrom } from "./config";

let cached: { url: string; transporter: Transporter } | undefined;

/**
 * The SMTP transport for SMTP_URL, as nodemailer reads a connection URL (smtp:// upgrades with
 * STARTTLS when the server offers it; smtps:// is TLS from the start; nodemailer's query options
 * such as ?tls.rejectUnauthorized=false work too).
 */
function transporter(): Transporter {
  const url = env().SMTP_URL;
  if (!url) throw new Error("SMTP_URL is not set on this process, so no mail can be sent. Set it for the web app and the worker alike.");
  if (cached?.url !== url) {
    cached?.transporter.close();
    cached = { url, transporter: nodemailer.createTransport(url) };
  }
  return cached.transporter;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** Sends one plain-text message now; throws with the SMTP server's answer when it is refused. */
export async function sendMailNow(mail: OutgoingMail): Promise<{ messageId: string }> {
  const info = await transporter().sendMail({ from: mailFrom(), to: mail.to, subject: mail.subject, text: mail.text });
  return { messageId: String(info.messageId ?? "") };
}

/** Closes the transport (tests, shutdown). */
export function closeMailTransport(): void {
  cached?.transporter.close();
  cached = undefined;
}
