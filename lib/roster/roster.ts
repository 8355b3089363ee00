import { z } from "zod";
import { AppError } from "@/lib/errors";
import { Prisma, type PrismaClient } from "@/lib/db";
import { emailSchema, nameSchema } from "@/lib/accounts/schemas";
import { recordAudit } from "@/lib/audit/record";
import { requireCourseInstructor } from "@/lib/competitions/permissions";
import { parseCsv } from "./csv";

export interface RosterLineError {
  /** Line of the file (the header is line 1). */
  line: number;
  message: string;
}

export interface RosterImportResult {
  /** Accounts created (no password yet: each student sets one with their claim link). */
  created: number;
  /** Users newly enrolled in the course, created ones included. */
  enrolled: number;
  /** Users who were already in the course (as student or instructor); only this course's name and number on the list are updated. */
  alreadyEnrolled: number;
  /**
   * Emails of accounts that already have a password: not enrolled, but pending until the student
   * opens their claim link signed in as that account (anybody can sign up with any email, so the
   * account's owner is not known to be the student on the list).
   */
  pending: string[];
  /** Emails of instructor accounts on the list: never enrolled as students. */
  instructorsSkipped: string[];
  errors: RosterLineError[];
}

export const MAX_ROSTER_BYTES = 2 * 1024 * 1024;
export const MAX_ROSTER_LINES = 5000;

const studentIdSchema = z.string().trim().max(64, "Keep the student id under 64 characters.");

const HEADER_ALIASES: Record<string, "email" | "name" | "studentId"> = {
  email: "email",
  e_mail: "email",
  email_address: "email",
  name: "name",
  full_name: "name",
  student_id: "studentId",
  studentid: "studentId",
  student_number: "studentId",
};

function columnName(text: string): string {
  return text.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

type LineOutcome = "created" | "enrolled" | "alreadyEnrolled" | "pending" | "instructor";

/**
 * One line of the list. It changes only this course: the enrolment (or pending enrolment) with the
 * list's name and student number. A user's own name and number are written only when the import
 * creates the account.
 */
async function importLine(prisma: PrismaClient, courseId: string, row: { email: string; name: string; studentId: string | null }): Promise<LineOutcome> {
  return prisma.$transaction(async (tx) => {
    const roster = { rosterName: row.name, studentNumber: row.studentId };
    const user = await tx.user.findUnique({ where: { email: row.email } });
    if (!user) {
      await tx.user.create({
        data: { email: row.email, name: row.name, studentNumber: row.studentId, passwordHash: null, role: "STUDENT", enrollments: { create: { courseId, role: "STUDENT", ...roster } } },
      });
      return "created";
    }
    const enrollment = await tx.enrollment.findUnique({ where: { userId_courseId: { userId: user.id, courseId } } });
    if (enrollment) {
      if (enrollment.role === "STUDENT") await tx.enrollment.update({ where: { id: enrollment.id }, data: roster });
      return "alreadyEnrolled";
    }
    if (user.role === "INSTRUCTOR") return "instructor";
    if (user.passwordHash) {
      await tx.pendingEnrollment.upsert({
        where: { userId_courseId: { userId: user.id, courseId } },
        create: { userId: user.id, courseId, ...roster },
        update: roster,
      });
      return "pending";
    }
    // An imported account nobody has claimed yet (another course's list): its claim link is the proof.
    await tx.enrollment.create({ data: { userId: user.id, courseId, role: "STUDENT", ...roster } });
    return "enrolled";
  });
}

/**
 * Imports a class list: a CSV with the header email,name[,student_id] (any order, any case; a BOM,
 * CRLF, quoted fields and blank lines are fine). Missing users are created as students without a
 * password and enrolled; each student sets a password with the claim link the instructor hands out
 * (lib/accounts/claim.ts). The list's name and student number are kept on this course's enrolment:
 * an import never changes a user's own name or number, nor any other course. Instructor accounts
 * are not enrolled (reported), and accounts that already have a password get a pending enrolment
 * that their claim link accepts. Each line is its own transaction: a bad line is
 * reported with its line number and writes nothing, the others still go in.
 * Instructors of the course only; audited once as "roster.import".
 */
export async function importRoster(prisma: PrismaClient, actorId: string, courseId: string, csvText: string): Promise<RosterImportResult> {
  await requireCourseInstructor(prisma, actorId, courseId, "import the class list");
  if (typeof csvText !== "string") throw new AppError("BAD_REQUEST", "Upload the class list as a CSV text file.");
  if (Buffer.byteLength(csvText, "utf8") > MAX_ROSTER_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "The class list is larger than 2 MB. Split it into several files.");

  const parsed = parseCsv(csvText);
  const [header, ...records] = parsed.records;
  if (!header) throw new AppError("BAD_REQUEST", 'The file is empty. Upload a CSV whose first line is "email,name" or "email,name,student_id".');
  if (records.length > MAX_ROSTER_LINES) throw new AppError("BAD_REQUEST", `The class list has more than ${MAX_ROSTER_LINES} students. Split it into several files.`);
  const columns = header.fields.map((field) => HEADER_ALIASES[columnName(field)]);
  const index = { email: columns.indexOf("email"), name: columns.indexOf("name"), studentId: columns.indexOf("studentId") };
  if (index.email < 0 || index.name < 0) {
    throw new AppError("BAD_REQUEST", `The first line must be the header "email,name" or "email,name,student_id"; it is "${header.fields.join(",").slice(0, 100)}". Add the header line and upload again.`);
  }

  const result: RosterImportResult = { created: 0, enrolled: 0, alreadyEnrolled: 0, pending: [], instructorsSkipped: [], errors: [] };
  const seen = new Map<string, number>();
  for (const record of records) {
    const fail = (message: string) => result.errors.push({ line: record.line, message });
    if (record.fields.length > header.fields.length) {
      fail(`This line has ${record.fields.length} fields but the header has ${header.fields.length}. Put a name that contains a comma in double quotes, like "Lovelace, Ada".`);
      continue;
    }
    const value = (i: number) => (i >= 0 ? (record.fields[i] ?? "") : "");
    const email = emailSchema.safeParse(value(index.email));
    if (!email.success) {
      fail(value(index.email).trim() ? `"${value(index.email).trim()}" is not a valid email address. Fix it, like ada@example.edu.` : "The email is missing. Every line needs an email and a name.");
      continue;
    }
    const name = nameSchema.safeParse(value(index.name));
    if (!name.success) {
      fail(value(index.name).trim() ? (name.error.issues[0]?.message ?? "Fix the name.") : `The name of ${email.data} is missing. Every line needs an email and a name.`);
      continue;
    }
    const studentId = studentIdSchema.safeParse(value(index.studentId));
    if (!studentId.success) {
      fail(studentId.error.issues[0]?.message ?? "Fix the student id.");
      continue;
    }
    const earlier = seen.get(email.data);
    if (earlier !== undefined) {
      fail(`${email.data} is already on line ${earlier}. List each student once.`);
      continue;
    }
    seen.set(email.data, record.line);
    const row = { email: email.data, name: name.data, studentId: studentId.data || null };
    let outcome: LineOutcome | null = null;
    for (let attempt = 0; attempt < 2 && outcome === null; attempt++) {
      try {
        outcome = await importLine(prisma, courseId, row);
      } catch (error) {
        // A sign-up or a second import of the same person at the same moment: look again once.
        if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") || attempt === 1) {
          fail(`${email.data} could not be added (${error instanceof Error ? error.message.split("\n")[0] : String(error)}). Import the file again.`);
          break;
        }
      }
    }
    if (outcome === "created") {
      result.created++;
      result.enrolled++;
    } else if (outcome === "enrolled") result.enrolled++;
    else if (outcome === "alreadyEnrolled") result.alreadyEnrolled++;
    else if (outcome === "pending") result.pending.push(row.email);
    else if (outcome === "instructor") result.instructorsSkipped.push(row.email);
  }
  if (parsed.error) result.errors.push(parsed.error);

  await recordAudit(prisma, {
    actorId,
    courseId,
    action: "roster.import",
    targetType: "Course",
    targetId: courseId,
    details: {
      created: result.created,
      enrolled: result.enrolled,
      alreadyEnrolled: result.alreadyEnrolled,
      pending: result.pending.length,
      instructorsSkipped: result.instructorsSkipped.length,
      errors: result.errors.length,
      rows: records.length,
    },
  });
  return result;
}

/**
 * Takes a student out of a course. Their account, submissions and scores stay (re-enrolling
 * restores them), but the leaderboards and grades only show enrolled users, so they disappear from
 * both. Instructors cannot be removed this way. Instructors of the course only; audited as "roster.remove".
 */
export async function removeStudent(prisma: PrismaClient, actorId: string, courseId: string, userId: string): Promise<void> {
  await requireCourseInstructor(prisma, actorId, courseId, "remove students");
  if (userId === actorId) throw new AppError("BAD_REQUEST", "You cannot remove yourself from the course.");
  const enrollment = await prisma.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } }, include: { user: { select: { email: true, name: true } } } });
  if (!enrollment) {
    // Someone on the list who has not accepted yet: withdraw the pending enrolment and its links.
    const pending = await prisma.pendingEnrollment.findUnique({ where: { userId_courseId: { userId, courseId } }, include: { user: { select: { email: true } } } });
    if (!pending) throw new AppError("NOT_FOUND", "This person is not enrolled in the course. Reload the class list.");
    await prisma.$transaction(async (tx) => {
      await tx.pendingEnrollment.delete({ where: { id: pending.id } });
      await tx.claimToken.deleteMany({ where: { userId, courseId, usedAt: null } });
      await recordAudit(tx, { actorId, courseId, action: "roster.remove", targetType: "User", targetId: userId, details: { email: pending.user.email, name: pending.rosterName, pending: true } });
    });
    return;
  }
  if (enrollment.role !== "STUDENT") throw new AppError("BAD_REQUEST", `${enrollment.user.name} is an instructor of this course, not a student; instructors are not removed from the class list.`);
  await prisma.$transaction(async (tx) => {
    await tx.enrollment.delete({ where: { id: enrollment.id } });
    await recordAudit(tx, {
      actorId,
      courseId,
      action: "roster.remove",
      targetType: "User",
      targetId: userId,
      details: { email: enrollment.user.email, name: enrollment.user.name, enrolledAt: enrollment.createdAt.toISOString() },
    });
  });
}
