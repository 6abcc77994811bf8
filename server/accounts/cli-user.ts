// `npm run twin -- user add <name> --role <role> [--department D] [--password-stdin]`
// `npm run twin -- user list` · `npm run twin -- user unlock <name>`
// Accounts from the command line, in the configured database (PGlite under DATA_DIR: stop the
// server first, one process at a time; or PostgreSQL at DATABASE_URL). The password comes from a
// hidden prompt, or from the first line of stdin with --password-stdin (scripts); never an argument.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { accountAddInputSchema, ROLES } from '../../models/accounts';
import { formatIssues } from '../../models/issues';
import { loadEnv } from '../env';
import { dbOptionsFromEnv, openDb } from '../db';
import { AccountStore } from './store';

const USAGE = `usage: npm run twin -- user add <name> --role <role> [--department NAME] [--password-stdin]
       npm run twin -- user list
       npm run twin -- user unlock <name>
  roles: ${ROLES.join(', ')}`;

/** One hidden line from the terminal. */
async function prompt(question: string): Promise<string> {
  let muted = false;
  const out = new Writable({ write(chunk, _enc, cb) { if (!muted) process.stderr.write(chunk); cb(); } });
  const rl = createInterface({ input: process.stdin, output: out, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, (a) => { process.stderr.write('\n'); resolve(a); });
      muted = true;
    });
  } finally {
    rl.close();
  }
}

async function readStdinLine(): Promise<string> {
  let data = '';
  for await (const c of process.stdin) data += String(c);
  return data.split(/\r?\n/)[0] ?? '';
}

export async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdinLine();
  if (!process.stdin.isTTY) throw new Error('no terminal to ask for the password: pipe it in with --password-stdin');
  const a = await prompt('password: ');
  if (a !== (await prompt('again: '))) throw new Error('the two passwords differ');
  return a;
}

export async function run(argv: string[]): Promise<number> {
  const [sub, name, ...rest] = argv;
  if (sub !== 'add' && sub !== 'list' && sub !== 'unlock') {
    console.error(USAGE);
    return 2;
  }
  let role: string | undefined, department: string | undefined, stdin = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--role') role = rest[++i];
    else if (a === '--department') department = rest[++i];
    else if (a === '--password-stdin') stdin = true;
    else { console.error(`user: unknown option "${a}"\n${USAGE}`); return 2; }
  }
  let input: ReturnType<typeof accountAddInputSchema.parse> | undefined;
  if (sub === 'add') {
    // the name and role are checked before the password is asked for
    const pre = accountAddInputSchema.safeParse({ name, role, department, password: 'x'.repeat(16) });
    if (!pre.success) { console.error(formatIssues(pre.error).join('\n')); return 2; }
    const p = accountAddInputSchema.safeParse({ name, role, department, password: await readPassword(stdin) });
    if (!p.success) { console.error(formatIssues(p.error).join('\n')); return 2; }
    input = p.data;
  }
  const db = await openDb(dbOptionsFromEnv(loadEnv()));
  try {
    const store = new AccountStore(db);
    if (sub === 'list') {
      for (const a of await store.list()) console.log([a.name, a.role, a.department ?? '', a.disabled ? 'disabled' : '', a.lockedUntil ? `locked until ${a.lockedUntil}` : ''].join('\t').trimEnd());
      return 0;
    }
    if (sub === 'unlock') {
      const a = (await store.list()).find((x) => x.name === name);
      if (!a) { console.error(`no account "${name}"`); return 1; }
      await store.update({ id: a.id, unlock: true });
      console.log(`unlocked ${a.name}`);
      return 0;
    }
    const a = await store.add(input!);
    console.log(`added ${a.name} (${a.role}${a.department ? `, ${a.department}` : ''})`);
    return 0;
  } finally {
    await db.close();
  }
}
