import type { CitySummary } from '../../models/city';
import type { TwinCityInfo } from '../../scene/TwinEngine';

/** What the twin engine needs of a city (the twin room, the story player). */
export function twinInfoOf(c: CitySummary): TwinCityInfo {
  return { slug: c.slug, originLonDeg: c.originLonDeg, originLatDeg: c.originLatDeg, originHeightM: c.originHeightM, extent: c.extent, tilesets: c.tilesets };
}
