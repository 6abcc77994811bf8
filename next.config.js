/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Types are checked by `npm run typecheck` (part of npm test), not twice in `next build`.
  typescript: { ignoreBuildErrors: true },
  // server/ runs in the custom Node process, never bundled by Next.
  serverExternalPackages: ['@electric-sql/pglite', 'pino', 'socket.io'],
  poweredByHeader: false,
};
export default nextConfig;
