import type { Command } from "commander";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
// The database side loads when a command runs: this file is also imported for printTable.
const tokenStore = () => import("@/lib/tokens/tokens");

/** `holdout token create|list|revoke`: API tokens, managed on the server (DATABASE_URL or the embedded database). */
async function withDatabase<T>(work: (prisma: PrismaClient) => Promise<T>): Promise<T> {
  const [{ createPrismaClient }, { resolveDatabase }] = await Promise.all([import("@/lib/db"), import("@/cli/database")]);
  const database = await resolveDatabase();
  const prisma = createPrismaClient(database.url, { max: 1 });
  try {
    return await work(prisma);
  } finally {
    await prisma.$disconnect();
    await database.stop();
  }
}

async function userByEmail(prisma: PrismaClient, email: string) {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) throw new AppError("NOT_FOUND", `No account with the email ${email}. Check the address (holdout create-instructor makes instructors; students sign up with a join code).`);
  return user;
}

const date = (value: Date | null) => (value ? value.toISOString().replace("T", " ").slice(0, 16) : "never");

export function registerTokenCommands(program: Command) {
  const token = program.command("token").description("API tokens for `holdout submit` and notebooks (run on the server)");

  token
    .command("create")
    .description("create an API token for a user and print it (shown once)")
    .requiredOption("--user <email>", "the account's email")
    .option("--name <name>", "what the token is for", "cli")
    .action(async (options: { user: string; name: string }) => {
      await withDatabase(async (prisma) => {
        const user = await userByEmail(prisma, options.user);
        const created = await (await tokenStore()).createApiToken(prisma, user.id, options.name);
        process.stderr.write(`Created token "${created.apiToken.name}" (id ${created.apiToken.id}) for ${user.email}. It is shown only now: keep it secret.\n`);
        process.stdout.write(`${created.token}\n`);
      });
    });

  token
    .command("list")
    .description("list a user's API tokens (never the tokens themselves)")
    .requiredOption("--user <email>", "the account's email")
    .option("--json", "print JSON")
    .action(async (options: { user: string; json?: boolean }) => {
      await withDatabase(async (prisma) => {
        const user = await userByEmail(prisma, options.user);
        const tokens = await (await tokenStore()).listApiTokens(prisma, user.id);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
          return;
        }
        if (tokens.length === 0) {
          console.log(`${user.email} has no API tokens. Create one with: holdout token create --user ${user.email}`);
          return;
        }
        const rows = tokens.map((item) => [item.id, item.name, `${item.prefix}…`, date(item.createdAt), date(item.lastUsedAt), item.revokedAt ? `revoked ${date(item.revokedAt)}` : "active"]);
        printTable(["id", "name", "prefix", "created", "last used", "status"], rows);
      });
    });

  token
    .command("revoke")
    .description("revoke an API token by its id (from `holdout token list`)")
    .requiredOption("--id <id>", "the token's id")
    .action(async (options: { id: string }) => {
      await withDatabase(async (prisma) => {
        const row = await prisma.apiToken.findUnique({ where: { id: options.id }, include: { user: { select: { email: true } } } });
        if (!row) throw new AppError("NOT_FOUND", `No token with id ${options.id}. List a user's tokens with: holdout token list --user EMAIL`);
        const revoked = await (await tokenStore()).revokeApiToken(prisma, row.userId, row.id);
        console.log(`Revoked token "${revoked.name}" (${revoked.prefix}…) of ${row.user.email}.`);
      });
    });
}

/** A plain text table, columns padded to their widest cell. */
export function printTable(headers: string[], rows: string[][]) {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
  console.log(line(headers));
  console.log(line(widths.map((width) => "-".repeat(width))));
  for (const row of rows) console.log(line(row));
}
