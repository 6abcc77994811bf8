import { z } from 'zod';
import { citySlugSchema, i18nTextSchema } from './city';
import { viewStateSchema } from './viewState';

/**
 * Stories (issue 14): a planner's guided tour of a city, played by /story/<id> and by the kiosk's
 * attract loop. A scene is a twin view (the same ViewState a share link carries: camera, layers
 * off, run and time, selection) plus a caption and a duration. Pure: zod only.
 */

export const storyIdSchema = z.string().uuid('story id: a UUID');

export const storySceneSchema = z.object({
  /** what the twin shows: camera, layers switched off, scenario run and its time, selected object */
  view: viewStateSchema,
  caption: i18nTextSchema,
  /** how long the scene stays before the next one, seconds */
  durationS: z.number().min(2, 'a scene lasts at least 2 s').max(600, 'a scene lasts at most 600 s'),
  /** the camera's flight to the scene's view, seconds (0 = cut) */
  flightS: z.number().min(0).max(30).default(3),
  /** the run's time at the scene's end: the water rises from view.timeS to this through the scene */
  timeToS: z.number().nonnegative().optional(),
});
export type StoryScene = z.infer<typeof storySceneSchema>;

export const storyInputSchema = z.object({
  city: citySlugSchema,
  title: i18nTextSchema,
  scenes: z.array(storySceneSchema).min(1, 'a story needs at least one scene').max(50, 'at most 50 scenes'),
});
export type StoryInput = z.infer<typeof storyInputSchema>;

export const storySchema = storyInputSchema.extend({
  id: storyIdSchema,
  published: z.boolean(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});
export type Story = z.infer<typeof storySchema>;

// ---- the stories API (server/trpc/stories.ts)

export const storyCityInputSchema = z.object({ city: citySlugSchema });
export const storyIdInputSchema = z.object({ id: storyIdSchema });
/** create (no id) or replace (id) a story's title and scenes; publishing is apart */
export const storySaveInputSchema = storyInputSchema.extend({ id: storyIdSchema.optional() });
export type StorySaveInput = z.infer<typeof storySaveInputSchema>;
export const storyPublishInputSchema = z.object({ id: storyIdSchema, published: z.boolean() });
