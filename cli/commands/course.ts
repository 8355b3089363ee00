import type { Command } from "commander";
import { AppError } from "@/lib/errors";

/** `holdout course create`: a course for an existing instructor account, printing its id and join code. */
export function registerCourseCommands(program: Command) {
  const course = program.command("course").description("courses: create one for an instructor");
  course
    .command("create")
    .description("create a course owned by an instructor account and print its id and join code")
    .requiredOption("--name <name>", "the course's name, e.g. \"Deep Learning\"")
    .requiredOption("--instructor <email>", "the email of an existing instructor account (holdout create-instructor)")
    .option("--term <term>", "the term, e.g. \"Fall 2026\"")
    .action(async (options: { name: string; instructor: string; term?: string }) => {
      const [{ createCourse }, { createPrismaClient }, { resolveDatabase }] = await Promise.all([import("@/lib/courses/courses"), import("@/lib/db"), import("@/cli/database")]);
      const database = await resolveDatabase();
      const prisma = createPrismaClient(database.url, { max: 1 });
      try {
        const instructor = await prisma.user.findUnique({ where: { email: options.instructor.trim().toLowerCase() } });
        if (!instructor) throw new AppError("NOT_FOUND", `No account has the email ${options.instructor}. Create it first: holdout create-instructor --email ${options.instructor} --name "..."`);
        const created = await createCourse(prisma, instructor.id, { name: options.name, term: options.term });
        console.log(`Created course ${created.name}${created.term ? ` (${created.term})` : ""} for ${instructor.name} <${instructor.email}>`);
        console.log(`Course id: ${created.id}`);
        console.log(`Join code: ${created.joinCode}`);
      } finally {
        await prisma.$disconnect();
        await database.stop();
      }
    });
}
