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
  // Pages and API answers; not the hashed static files (they carry the static headers only).
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
