/**
 * The few-shot episode shape a split can support. The protocol asks for 4-way 5-shot 15-query
 * episodes with support and query of a class from disjoint segment groups; a dataset with
 * fewer classes gets way = its classes, a class whose stretch is short gets fewer queries, a
 * class without two groups (or without room for one query) is left out. Every adaptation is a
 * sentence in `adapted`, which the report carries; when fewer than two classes qualify, the
 * protocol is skipped with the reason (never a crash).
 */
import { episodePool } from '../metrics/episodes.js';

export const FEW_SHOT_REQUEST = { way: 4, shot: 5, query: 15 } as const;

export type EpisodeShape =
  | { way: number; shot: number; query: number; classes: number[]; adapted: string[] }
  | { skipped: string };

export function episodeShape(
  labels: ArrayLike<number>, groups: ArrayLike<number>, names: readonly string[], want: { way: number; shot: number; query: number } = FEW_SHOT_REQUEST,
): EpisodeShape {
  const { shot } = want;
  const present = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  // Room for queries once the support has taken whole groups up to `shot` rows (as metrics/episodes.ts fittingQuery).
  const byClass = episodePool(labels, groups, 0, 0).byClass;
  const room = new Map<number, number>();
  for (const [c, byGroup] of byClass) {
    const sizes = byGroup.map((rows) => rows.length);
    room.set(c, sizes.reduce((a, b) => a + b, 0) - (shot - 1 + Math.max(...sizes)));
  }
  const adapted: string[] = [];
  const left = present.filter((c) => !((room.get(c) ?? 0) >= 1));
  if (left.length > 0) {
    adapted.push(`left out (fewer than 2 segment groups, or no room for a query beside ${shot} support windows): ${left.map((c) => names[c]).join(', ')}`);
  }
  const ranked = present.filter((c) => !left.includes(c)).sort((a, b) => room.get(b)! - room.get(a)! || a - b);
  const way = Math.min(want.way, ranked.length);
  if (way < 2) {
    return { skipped: `skipped: ${ranked.length} class${ranked.length === 1 ? '' : 'es'} with room for ${shot}-shot episodes (${present.length} in the split); few-shot needs 2` };
  }
  if (way < want.way) adapted.push(`${way}-way: the data has ${ranked.length} classes that fit (${want.way}-way asked)`);
  const query = Math.min(want.query, room.get(ranked[way - 1])!);
  const classes = ranked.filter((c) => room.get(c)! >= query).sort((a, b) => a - b);
  if (query < want.query) adapted.push(`${query} queries per class (${want.query} asked): the shortest class that fits holds only that many beside its support`);
  return { way, shot, query, classes, adapted };
}
