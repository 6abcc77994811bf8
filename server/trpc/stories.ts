// stories.*: planners' guided tours of a city (models/story.ts, server/stories). Published stories
// are read like the twin itself (anyone when the twin is public, the kiosk role, every signed-in
// user); drafts and every change belong to the planning roles, checked here on the server.
import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { mayPlan, PLANNING_ROLES } from '../../models/accounts';
import { storyCityInputSchema, storyIdInputSchema, storyPublishInputSchema, storySaveInputSchema, storySchema } from '../../models/story';
import { publicProcedure, rolesProcedure, router, type Context } from './init';

const storiesOf = (ctx: Context) => {
  if (!ctx.stories) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'stories are not available in this process' });
  return ctx.stories;
};
const planProcedure = rolesProcedure(PLANNING_ROLES);
const by = (ctx: Context) => ctx.user?.name ?? 'unknown';

export const storiesRouter = router({
  /** the city's stories: published ones for everyone, drafts too for planners */
  list: publicProcedure.input(storyCityInputSchema).output(z.array(storySchema))
    .query(({ ctx, input }) => storiesOf(ctx).list(input.city, mayPlan(ctx.user?.role))),
  /** the published city stories only (the kiosk's attract loop, the public list), whoever asks */
  published: publicProcedure.input(storyCityInputSchema).output(z.array(storySchema))
    .query(({ ctx, input }) => storiesOf(ctx).list(input.city, false)),
  /** one story; a draft only for planners (to others it is NOT_FOUND) */
  get: publicProcedure.input(storyIdInputSchema).output(storySchema)
    .query(({ ctx, input }) => storiesOf(ctx).get(input.id, mayPlan(ctx.user?.role))),
  /** creates (no id) or replaces a story's title and scenes */
  save: planProcedure.input(storySaveInputSchema).output(storySchema)
    .mutation(({ ctx, input }) => storiesOf(ctx).save(input, by(ctx))),
  publish: planProcedure.input(storyPublishInputSchema).output(storySchema)
    .mutation(({ ctx, input }) => storiesOf(ctx).setPublished(input.id, input.published, by(ctx))),
  remove: planProcedure.input(storyIdInputSchema).output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => { await storiesOf(ctx).remove(input.id); return { ok: true as const }; }),
});
