/**
 * The operator's instance admin command (docs/security.md, "Instance admins"):
 *   npm run admin -- grant <email> | revoke <email> | list
 * (`node dist/app/admin.js …` in the images). It works on the database directly, with the
 * server's DATABASE_URL (or the embedded database under DATA_DIR, which only one process can open:
 * stop the server first). Having the database is the proof of being its operator; an address
 * need not be in ADMIN_EMAILS to be granted, and a granted admin stays one until revoked.
 * Exit codes: 0 done, 1 no account with that address, 2 usage.
 */
import { openDatabase } from '../server/db/connect.ts';
import { grantAdmin, listAdmins, revokeAdmin } from '../server/auth/instance-admins.ts';

const USAGE = 'usage: npm run admin -- grant <email> | revoke <email> | list';
const [command, email, ...rest] = process.argv.slice(2);
if (!(command === 'list' && !email) && !((command === 'grant' || command === 'revoke') && email && rest.length === 0)) {
  console.error(USAGE);
  process.exit(2);
}

const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR ?? './data' });
try {
  if (command === 'list') {
    const admins = await listAdmins(database.db);
    if (admins.length === 0) console.log('no instance admins');
    for (const a of admins) console.log(`${a.email}\t${a.name}\t${a.via === 'grant' ? 'granted' : 'ADMIN_EMAILS, proven'}`);
  } else {
    const done = command === 'grant' ? await grantAdmin(database.db, email) : await revokeAdmin(database.db, email);
    if (!done) {
      console.error(`no account with the address ${email}: it must sign up first`);
      process.exitCode = 1;
    } else {
      // Running servers see it within a few seconds (their session cache); live sockets at their next re-check.
      console.log(command === 'grant' ? `${email} is an instance admin` : `${email} is no longer an instance admin`);
    }
  }
} finally {
  await database.close();
}
