import { PageSkeleton } from "@/components/skeleton";

export default function Loading() {
  return <PageSkeleton label="Loading all submissions" rows={2} />;
}
