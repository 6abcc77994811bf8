'use client';
import { useQuery } from '@tanstack/react-query';
import { mayPlan, ROLE_NAMES, type Role, type SessionUser } from '../../../models/accounts';
import { useTRPC } from '../../trpc';

/** The signed-in user (null: anonymous) and what the UI may offer; the server checks it again. */
export function useMe(): { user: SessionUser | null; loading: boolean; canPlan: boolean; setupOpen: boolean } {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.account.me.queryOptions(), staleTime: 60_000 });
  const user = q.data?.user ?? null;
  return { user, loading: q.isPending, canPlan: mayPlan(user?.role), setupOpen: q.data?.setupOpen ?? false };
}

export function roleName(role: Role, lang: 'zh' | 'en'): string {
  return ROLE_NAMES[role][lang];
}
