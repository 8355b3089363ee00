import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "./password";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("Enter a valid email address, like ada@example.edu."));

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters for your password.`)
  .max(200, "Use at most 200 characters for your password.");

export const nameSchema = z.string().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters for your name.");

export const joinCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9-]{4,32}$/, "A join code is 4 to 32 letters, digits or dashes, as your instructor gave it.");

export const signUpSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
  joinCode: joinCodeSchema,
});
export type SignUpInput = z.input<typeof signUpSchema>;
