import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { submissionForViewer } from "@/lib/submissions/queries";
import { apiUser } from "@/web/api/auth";
import { apiHandler } from "@/web/api/handler";
import { isFinished } from "@/web/api/submissions";
import { competitionTestImages, isPublicIndex } from "@/lib/competitions/test-images";
import { imagePng } from "@/web/api/test-images";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/submissions/{id}/misclassified/{n}.png[?scale=1..8]: the n-th (0-based) misclassified
 * example of the report, as a PNG. Only public-split images are ever served: the index is checked
 * against the competition's split here, whatever the report says.
 */
export const GET = apiHandler<{ id: string; image: string }>(async (request, { id, image }) => {
  const user = await apiUser(request);
  const match = /^(\d{1,6})\.png$/.exec(image);
  if (!match) throw new AppError("NOT_FOUND", `No such image "${image}". Ask for misclassified/{n}.png with n from 0, in the order of the report's misclassified list.`);
  const n = Number(match[1]);
  const scaleParam = new URL(request.url).searchParams.get("scale");
  const scale = scaleParam === null ? 1 : Number(scaleParam);
  if (!Number.isInteger(scale) || scale < 1 || scale > 8) throw new AppError("BAD_REQUEST", "scale must be a whole number from 1 to 8 (each pixel drawn scale x scale).");

  const prisma = db();
  const view = await submissionForViewer(prisma, id, user.id);
  if (!isFinished(view.status)) {
    throw new AppError("CONFLICT", `The report is not ready: the submission is ${view.status}. Poll GET /api/v1/submissions/${view.id} until it is SCORED.`, { status: view.status });
  }
  const list = view.report?.misclassified ?? [];
  const entry = Array.isArray(list) ? list[n] : undefined;
  if (!entry || typeof entry.index !== "number") {
    throw new AppError("NOT_FOUND", `This report lists ${Array.isArray(list) ? list.length : 0} misclassified examples; ask for 0.png to ${Math.max(0, (Array.isArray(list) ? list.length : 0) - 1)}.png.`);
  }
  const competition = await prisma.competition.findUniqueOrThrow({ where: { id: view.competition.id } });
  const test = await competitionTestImages(prisma, competition);
  if (!Number.isInteger(entry.index) || entry.index < 0 || entry.index >= test.count || !isPublicIndex(test.publicIndices, entry.index)) {
    throw new AppError("FORBIDDEN", "That example is not in the public part of the test set; only public examples can be viewed.");
  }
  const png = imagePng(test.images, entry.index, test.shape, scale);
  return new Response(new Uint8Array(png), {
    headers: { "Content-Type": "image/png", "Content-Length": String(png.byteLength), "Cache-Control": "private, max-age=3600" },
  });
});
