"use server";

import { signUp } from "@/lib/accounts/accounts";
import { db } from "@/lib/db";
import { runAction } from "@/web/action-result";
import { requestClientAddress } from "@/web/client-address";

export async function signUpAction(input: { email: string; name: string; password: string; joinCode: string }) {
  return runAction(async () => {
    const user = await signUp(db(), input, { clientAddress: await requestClientAddress() });
    return { email: user.email };
  });
}
