// `npm run bench -- [name...]`: runs the named benchmarks (all when none is named). Each
// benchmark prints its figure beside a baseline measured in the same run, and ends with one
// JSON line.
const benches: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
  flood: () => import('./flood'),
  import: () => import('./import'),
  live: () => import('./live'),
  scenario: () => import('./scenario'),
  hardening: () => import('./hardening'),
  workspace: () => import('./workspace'),
  cockpit: () => import('./cockpit'),
};

async function main() {
  const args = process.argv.slice(2);
  const names = args.filter((a) => !a.startsWith('-'));
  const flags = args.filter((a) => a.startsWith('-'));
  const chosen = names.length ? names : Object.keys(benches);
  for (const n of chosen) {
    const load = benches[n];
    if (!load) throw new Error(`bench: unknown benchmark "${n}" (known: ${Object.keys(benches).join(', ')})`);
    await (await load()).run(flags);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
export {};
