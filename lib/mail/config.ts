import { env } from "@/lib/env";

/**
 * Whether Holdout sends mail: SMTP_URL is set (in the web app and the worker alike). Without it,
 * reset and claim links are shown to the instructor to hand out, and no notices go out.
 */
export function mailConfigured(): boolean {
  return Boolean(env().SMTP_URL);
}

/** The From: address: MAIL_FROM, else holdout@<the SMTP host>. */
export function mailFrom(): string {
  const { MAIL_FROM, SMTP_URL } = env();
  if (MAIL_FROM) return MAIL_FROM;
  const host = SMTP_URL ? new URL(SMTP_URL).hostname : "localhost";
  return `Holdout <holdout@${host}>`;
}

/**
 * The site's public address for links in mail (NEXTAUTH_URL, which `holdout start` sets to
 * http://localhost:PORT when it is not configured), without a trailing slash.
 */
export function siteBaseUrl(): string {
  const { NEXTAUTH_URL, PORT } = env();
  return (NEXTAUTH_URL ?? `http://localhost:${PORT}`).replace(/\/+$/, "");
}

/** An absolute link to a path of the site ("/reset-password?token=..."). */
export function siteLink(path: string): string {
  return `${siteBaseUrl()}${path.startsWith("/") ? path : `/${path}`}`;
}
