import { headers } from "next/headers";
import { clientAddressFrom, parseTrustedProxies, type TrustedProxies } from "@/lib/accounts/client-address";
import { env } from "@/lib/env";

let trusted: TrustedProxies | undefined;

function trustedProxies(): TrustedProxies {
  trusted ??= parseTrustedProxies(env().TRUSTED_PROXIES);
  return trusted;
}

/** The client address of a request's headers (route handlers, next-auth's authorize). */
export function clientAddressOf(source: Parameters<typeof clientAddressFrom>[0]): string {
  return clientAddressFrom(source, trustedProxies());
}

/** The client address of the request a server action or page is running for. */
export async function requestClientAddress(): Promise<string> {
  return clientAddressOf(await headers());
}
