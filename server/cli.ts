// `npm run twin -- <command> ...`: one entry point, each command in its own module so a
// command loads only what it needs.
const commands: Record<string, { about: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  generate: { about: 'generate a sample city into the database (--preset default|huaibei, --seed N, --name NAME)', load: () => import('./city/cli-generate') },
  user: { about: 'accounts: user add <name> --role <role> [--department D] [--password-stdin] | user list | user unlock <name>', load: () => import('./accounts/cli-user') },
  import: { about: 'import a city from files: import <city> <file>... [--crs EPSG:NNNN] [--name ...] [--replace] [--check]', load: () => import('./city/cli-import') },
  simulate: { about: 'run a flood scenario: simulate <scenario.json> --out <dir> [--asc] [--png] [--frames] [--workers N]', load: () => import('./sim/cli-simulate') },
};

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    if (name && name !== 'help' && name !== '--help') console.error(`twin: unknown command "${name}"`);
    console.error('usage: npm run twin -- <command> [options]\n');
    for (const [n, c] of Object.entries(commands)) console.error(`  ${n.padEnd(10)} ${c.about}`);
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  return (await command.load()).run(rest);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
export {};
