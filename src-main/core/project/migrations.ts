/**
 * Schema migrations, applied in order by `PRAGMA user_version`. Never edit a migration that has shipped:
 * append a new one, so every project on every lab machine reaches the same schema by the same steps.
 */
export const migrations: readonly string[] = [
  // 1: the project itself.
  `CREATE TABLE project_meta (
     key   TEXT PRIMARY KEY,
     value TEXT NOT NULL
   ) STRICT;`,
];

export const LATEST_SCHEMA_VERSION = migrations.length;
