import { PageSkeleton } from "@/components/skeleton";

export default function Loading() {
  return <PageSkeleton label="Loading the comparison" rows={2} />;
}
