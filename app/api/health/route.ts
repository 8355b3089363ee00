import { NextResponse } from "next/server";
import { db } from "@/lib/db";
import { checkHealth } from "@/lib/health/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth(db());
  return NextResponse.json(health, { status: health.database.up ? 200 : 503 });
}
