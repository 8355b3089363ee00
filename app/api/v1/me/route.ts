import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** GET /api/v1/me: who the token (or session) belongs to; a cheap way to check a token works. */
export const GET = apiHandler(async (request) => {
  const user = await apiUser(request);
  return apiJson({ user: { id: user.id, email: user.email, name: user.name, role: user.role.toLowerCase() }, via: user.via });
});
