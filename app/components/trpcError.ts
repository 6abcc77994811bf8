// A tRPC error as a line for the page: the input's issues with their paths (init.ts's
// errorFormatter sends them), else the server's message.
export function trpcErrorText(e: { message: string; data?: unknown }): string {
  const issues = (e.data as { issues?: { path: string; message: string }[] } | null | undefined)?.issues;
  return issues?.length ? issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') : e.message;
}
