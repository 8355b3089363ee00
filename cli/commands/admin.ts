import type { Command } from "commander";
// Loaded when a command runs (not for --help): Prisma and the database driver cost ~0.7 s.
const load = async () => ({ ...(await import("@/lib/accounts/accounts")), ...(await import("@/lib/db")), ...(await import("@/cli/database")) });

/** `holdout migrate`, `holdout create-instructor` and `holdout create-admin`: database administration. */
export function registerAdminCommands(program: Command) {
  program
    .command("migrate")
    .description("apply pending database migrations (DATABASE_URL, or the embedded database)")
    .action(async () => {
      const { resolveDatabase } = await load();
      const database = await resolveDatabase((line) => console.log(line));
      await database.stop();
      console.log("database is up to date");
    });

  program
    .command("create-instructor")
    .description("create an instructor account (or reset one) and print a one-time password")
    .requiredOption("--email <email>", "the instructor's email")
    .requiredOption("--name <name>", "the instructor's full name")
    .action(async (options: { email: string; name: string }) => {
      const { resolveDatabase, createPrismaClient, createInstructor } = await load();
      const database = await resolveDatabase();
      const prisma = createPrismaClient(database.url, { max: 1 });
      try {
        const { user, password, created } = await createInstructor(prisma, options);
        console.log(`${created ? "Created" : "Reset"} instructor ${user.name} <${user.email}>`);
        console.log(`One-time password: ${password}`);
        console.log("They will be asked to choose their own password after signing in.");
      } finally {
        await prisma.$disconnect();
        await database.stop();
      }
    });

  program
    .command("create-admin")
    .description("create a site administrator account (or reset one) and print a one-time password; administrators create instructor accounts on /admin")
    .requiredOption("--email <email>", "the administrator's email")
    .requiredOption("--name <name>", "the administrator's full name")
    .action(async (options: { email: string; name: string }) => {
      const { resolveDatabase, createPrismaClient, createAdmin } = await load();
      const database = await resolveDatabase();
      const prisma = createPrismaClient(database.url, { max: 1 });
      try {
        const { user, password, created } = await createAdmin(prisma, options);
        console.log(`${created ? "Created" : "Reset"} administrator ${user.name} <${user.email}>`);
        console.log(`One-time password: ${password}`);
        console.log("They will be asked to choose their own password after signing in; then /admin creates instructor accounts.");
      } finally {
        await prisma.$disconnect();
        await database.stop();
      }
    });
}
