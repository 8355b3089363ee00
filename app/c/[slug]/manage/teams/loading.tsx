import { PageSkeleton } from "@/components/skeleton";

export default function Loading() {
  return <PageSkeleton label="Loading the teams and extensions" rows={2} />;
}
