/**
 * Runs before every page: gives the request a fresh CSP nonce (Next.js reads it from the
 * request's Content-Security-Policy header and puts it on the scripts it renders) and sends the
 * same policy to the browser.
 */
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce } from "@/web/security-headers";

export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, { development: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // Pages only. Not the hashed static files, and not /api: Next buffers the body of every request
  // a proxy sees, which would defeat the upload route's streaming size limit (API answers get a
  // fixed policy from next.config.ts instead; they are JSON, CSV or images, never pages).
  // /api/docs is a page and keeps the nonce policy.
  matcher: [{ source: "/((?!api/(?!docs)|_next/static|_next/image|favicon.ico).*)" }],
};
