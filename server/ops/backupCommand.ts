// `npm run backup -- [file]`: online backup of the embedded database under DATA_DIR while the
// server runs. `npm run backup -- --restore file`: put a backup back (server stopped).
// PostgreSQL deployments use pg_dump / pg_basebackup instead (README, "Backup and restore").

import path from 'node:path';
import { backupSqlite, restoreSqlite } from './sqliteBackup.ts';

const args = process.argv.slice(2);
const dataDir = path.resolve(process.env.DATA_DIR ?? './data');

try {
  if (process.env.DATABASE_URL) throw new Error('DATABASE_URL is set: back up PostgreSQL with pg_dump (see README)');
  if (args[0] === '--restore') {
    if (!args[1]) throw new Error('usage: npm run backup -- --restore <backup file>');
    console.log(`restored ${args[1]} to ${restoreSqlite(path.resolve(args[1]), dataDir)}`);
  } else {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const out = path.resolve(args[0] ?? path.join(dataDir, 'backups', `city-${stamp}.db`));
    const result = await backupSqlite(path.join(dataDir, 'city.db'), out);
    console.log(`backup ${result.file}: ${result.bytes} bytes, integrity ${result.integrity}, change log at seq ${result.headSeq}, ${result.incidents} incidents`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
