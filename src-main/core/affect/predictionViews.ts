/** What the API shows of a project's pair heads (predictions and suggestions are use cases: core/app/predictions.ts). */
import type { ProjectSession } from '../studio/projectSession';

export interface HeadVersion {
  modelId: number;
  name: string;
  version: string;
  active: boolean;
  createdAt: string;
  validation: Record<string, number> | null;
}

export function listHeads(session: ProjectSession): HeadVersion[] {
  const rows = session.db
    .prepare(`SELECT id, name, version, active, created_at AS createdAt, card FROM models WHERE kind = 'pair_head' AND file NOT LIKE 'builtin:%' ORDER BY id`)
    .all() as { id: number; name: string; version: string; active: number; createdAt: string; card: string }[];
  return rows.map((row) => {
    const card = JSON.parse(row.card) as { validation?: Record<string, unknown> };
    const validation = card.validation
      ? Object.fromEntries(Object.entries(card.validation).filter((entry): entry is [string, number] => typeof entry[1] === 'number'))
      : null;
    return { modelId: row.id, name: row.name, version: row.version, active: row.active === 1, createdAt: row.createdAt, validation };
  });
}
