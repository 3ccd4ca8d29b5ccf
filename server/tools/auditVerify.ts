// `npm run audit:verify`: recompute the audit log's hash chain in the store's database (PostgreSQL
// when DATABASE_URL is set, else DATA_DIR's file) and say whether every row is as it was written. Exit 0 when intact, 1 when a row was altered, removed
// or inserted behind the store's back, 2 when the check could not run.

import { loadConfig } from '../config.ts';
import { SqliteStore } from '../store/SqliteStore.ts';
import { PgStore } from '../store/PgStore.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  const store = config.databaseUrl ? await PgStore.open(config.databaseUrl, { max: 1 }) : SqliteStore.open(config.dataDir);
  try {
    const report = await store.verifyAuditChain();
    if (report.ok) {
      console.log(`audit chain intact: ${report.checked} rows checked${report.unchained ? `, ${report.unchained} written before the chain began` : ''}`);
      return 0;
    }
    console.error(`audit chain BROKEN at row ${report.brokenAt!.id}: ${report.brokenAt!.problem} (${report.checked} rows before it are intact)`);
    return 1;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`audit verification could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
