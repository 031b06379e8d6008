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

  // 2: media, faces, labels, models and jobs (docs/DESIGN.md §6).
  `CREATE TABLE videos (
     id            INTEGER PRIMARY KEY,
     kind          TEXT NOT NULL CHECK (kind IN ('video', 'image_sequence')),
     path          TEXT NOT NULL,
     display_name  TEXT NOT NULL,
     content_hash  TEXT NOT NULL UNIQUE,
     size_bytes    INTEGER NOT NULL,
     codec         TEXT,
     width         INTEGER NOT NULL,
     height        INTEGER NOT NULL,
     frame_count   INTEGER NOT NULL DEFAULT 0,
     duration_sec  REAL NOT NULL DEFAULT 0,
     avg_fps       REAL,
     status        TEXT NOT NULL CHECK (status IN ('indexing', 'ready', 'failed')),
     error         TEXT,
     imported_at   TEXT NOT NULL
   ) STRICT;

   -- Frames in decoded order with the decoder's presentation timestamp: never index x nominal fps.
   CREATE TABLE frames (
     video_id     INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
     frame_index  INTEGER NOT NULL CHECK (frame_index >= 0),
     pts_sec      REAL NOT NULL,
     image_file   TEXT,
     PRIMARY KEY (video_id, frame_index)
   ) STRICT, WITHOUT ROWID;

   CREATE TABLE faces (
     id           INTEGER PRIMARY KEY,
     video_id     INTEGER NOT NULL,
     frame_index  INTEGER NOT NULL,
     track_id     INTEGER,
     box_x        REAL NOT NULL,
     box_y        REAL NOT NULL,
     box_w        REAL NOT NULL,
     box_h        REAL NOT NULL,
     score        REAL NOT NULL,
     landmarks    BLOB,
     FOREIGN KEY (video_id, frame_index) REFERENCES frames (video_id, frame_index) ON DELETE CASCADE
   ) STRICT;
   CREATE INDEX faces_by_frame ON faces (video_id, frame_index);

   CREATE TABLE models (
     id          INTEGER PRIMARY KEY,
     kind        TEXT NOT NULL CHECK (kind IN ('encoder', 'pair_head')),
     name        TEXT NOT NULL,
     version     TEXT NOT NULL,
     sha256      TEXT NOT NULL,
     card        TEXT NOT NULL,
     file        TEXT NOT NULL,
     active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
     created_at  TEXT NOT NULL,
     UNIQUE (kind, sha256)
   ) STRICT;

   -- float32 little-endian vectors, keyed by face (hence frame) and the encoder that produced them.
   CREATE TABLE embeddings (
     face_id   INTEGER NOT NULL REFERENCES faces (id) ON DELETE CASCADE,
     model_id  INTEGER NOT NULL REFERENCES models (id),
     dim       INTEGER NOT NULL,
     vector    BLOB NOT NULL CHECK (length(vector) = 4 * dim),
     PRIMARY KEY (face_id, model_id)
   ) STRICT, WITHOUT ROWID;

   CREATE TABLE annotators (
     id          INTEGER PRIMARY KEY,
     name        TEXT NOT NULL UNIQUE,
     kind        TEXT NOT NULL CHECK (kind IN ('human', 'import')),
     created_at  TEXT NOT NULL
   ) STRICT;

   -- Append-only: an edit or a delete is a new row; the current value is the newest row per
   -- (video, frame, annotator). Triggers make the rule hold whatever code runs against the file.
   CREATE TABLE labels (
     id            INTEGER PRIMARY KEY,
     video_id      INTEGER NOT NULL REFERENCES videos (id),
     frame_index   INTEGER NOT NULL,
     annotator_id  INTEGER NOT NULL REFERENCES annotators (id),
     op            TEXT NOT NULL CHECK (op IN ('set', 'delete')),
     valence       REAL,
     arousal       REAL,
     origin        TEXT NOT NULL CHECK (origin IN ('manual', 'live', 'accepted_prediction', 'import')),
     created_at    TEXT NOT NULL,
     FOREIGN KEY (video_id, frame_index) REFERENCES frames (video_id, frame_index),
     CHECK (
       (op = 'delete' AND valence IS NULL AND arousal IS NULL) OR
       (op = 'set' AND valence BETWEEN -1 AND 1 AND arousal BETWEEN -1 AND 1)
     )
   ) STRICT;
   CREATE INDEX labels_by_frame ON labels (video_id, annotator_id, frame_index, id);
   CREATE TRIGGER labels_are_append_only_update BEFORE UPDATE ON labels
   BEGIN SELECT RAISE (ABORT, 'labels are append-only'); END;
   CREATE TRIGGER labels_are_append_only_delete BEFORE DELETE ON labels
   BEGIN SELECT RAISE (ABORT, 'labels are append-only'); END;

   CREATE VIEW current_labels AS
     SELECT l.id, l.video_id, l.frame_index, l.annotator_id, l.valence, l.arousal, l.origin, l.created_at
     FROM labels AS l
     WHERE l.op = 'set'
       AND l.id = (SELECT max(m.id) FROM labels AS m
                   WHERE m.video_id = l.video_id AND m.annotator_id = l.annotator_id
                     AND m.frame_index = l.frame_index);

   CREATE TABLE model_runs (
     id              INTEGER PRIMARY KEY,
     pair_head_id    INTEGER NOT NULL REFERENCES models (id),
     encoder_id      INTEGER NOT NULL REFERENCES models (id),
     video_id        INTEGER REFERENCES videos (id) ON DELETE CASCADE,
     settings        TEXT NOT NULL,
     created_at      TEXT NOT NULL
   ) STRICT;

   CREATE TABLE predictions (
     run_id       INTEGER NOT NULL REFERENCES model_runs (id) ON DELETE CASCADE,
     video_id     INTEGER NOT NULL,
     frame_index  INTEGER NOT NULL,
     valence      REAL NOT NULL,
     arousal      REAL NOT NULL,
     valence_sd   REAL NOT NULL,
     arousal_sd   REAL NOT NULL,
     PRIMARY KEY (run_id, video_id, frame_index),
     FOREIGN KEY (video_id, frame_index) REFERENCES frames (video_id, frame_index) ON DELETE CASCADE
   ) STRICT, WITHOUT ROWID;

   CREATE TABLE suggestions (
     id           INTEGER PRIMARY KEY,
     run_id       INTEGER REFERENCES model_runs (id) ON DELETE CASCADE,
     video_id     INTEGER NOT NULL,
     frame_index  INTEGER NOT NULL,
     rank         INTEGER NOT NULL,
     score        REAL NOT NULL,
     reason       TEXT NOT NULL,
     created_at   TEXT NOT NULL,
     FOREIGN KEY (video_id, frame_index) REFERENCES frames (video_id, frame_index) ON DELETE CASCADE
   ) STRICT;

   -- Long tasks survive a killed app: state and checkpoint are committed as they advance.
   CREATE TABLE jobs (
     id          TEXT PRIMARY KEY,
     kind        TEXT NOT NULL,
     params      TEXT NOT NULL,
     state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
     done        REAL NOT NULL DEFAULT 0,
     total       REAL NOT NULL DEFAULT 0,
     checkpoint  TEXT,
     result      TEXT,
     error       TEXT,
     created_at  TEXT NOT NULL,
     updated_at  TEXT NOT NULL
   ) STRICT;`,

  // 3: face analysis (issue 4). Which frames of a video have been analysed (a frame with no faces row inside
  // the analysed range has no face; beyond it, it is not known yet), and the expression logits of encoders that
  // have an expression head, beside their embedding.
  `CREATE TABLE face_analyses (
     video_id        INTEGER PRIMARY KEY REFERENCES videos (id) ON DELETE CASCADE,
     encoder_id      INTEGER NOT NULL REFERENCES models (id),
     provider        TEXT NOT NULL,
     settings        TEXT NOT NULL,
     frames_done     INTEGER NOT NULL DEFAULT 0,
     frame_count     INTEGER NOT NULL,
     detector_runs   INTEGER NOT NULL DEFAULT 0,
     started_at      TEXT NOT NULL,
     finished_at     TEXT
   ) STRICT;

   CREATE TABLE face_expressions (
     face_id   INTEGER NOT NULL REFERENCES faces (id) ON DELETE CASCADE,
     model_id  INTEGER NOT NULL REFERENCES models (id),
     dim       INTEGER NOT NULL,
     logits    BLOB NOT NULL CHECK (length(logits) = 4 * dim),
     PRIMARY KEY (face_id, model_id)
   ) STRICT, WITHOUT ROWID;`,

  // 4: what an import noticed about a video that still imported (issue 12), e.g. a file whose frames stop
  // before its stated duration; shown with the video wherever it is listed.
  `ALTER TABLE videos ADD COLUMN warning TEXT;`,

  // 5: a model run belongs to a video AND an annotator (issue 13: exports mixed annotators' predictions), and
  // records the annotator's labels revision (their newest labels row id) it was computed from, so a stale run is
  // recognised and recomputed. saved_at stays NULL while a run's rows are being written in chunks: readers skip it.
  // Runs from before say whose labels made them only in settings; those that name one annotator keep it, the
  // rest are dropped (predictions are derived data, recomputed from the labels on demand). The labels index makes
  // an annotator's revision (their newest row id) one lookup, asked on every predictions request.
  `ALTER TABLE model_runs ADD COLUMN annotator_id INTEGER REFERENCES annotators (id) ON DELETE CASCADE;
   ALTER TABLE model_runs ADD COLUMN labels_revision INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE model_runs ADD COLUMN saved_at TEXT;
   UPDATE model_runs SET annotator_id = json_extract(settings, '$.trainingAnnotatorIds[0]'), saved_at = created_at
     WHERE json_valid(settings) AND json_array_length(settings, '$.trainingAnnotatorIds') = 1
       AND json_extract(settings, '$.trainingAnnotatorIds[0]') IN (SELECT id FROM annotators);
   DELETE FROM model_runs WHERE annotator_id IS NULL;
   CREATE INDEX model_runs_by_layer ON model_runs (video_id, annotator_id, id);
   CREATE INDEX labels_by_annotator ON labels (annotator_id, id);`,

  // 6: persons (issue 14). Interaction footage has several people; analysis keeps every face track, and tracks of
  // one person (across cuts and occlusions) are linked into a person of that video. A person's number is local to
  // its video (1, 2, ...), so "person 1" of a project from before is the one subject it followed. `coded` says
  // whether the person is being labelled. A faces row names its person (NULL: not linked, e.g. a face turned away
  // or a passer-by below the linking threshold). Labels, model runs and suggestions belong to a (video, person):
  // everything from before was about the one subject, so it becomes person 1, with a persons row for every video
  // that has faces or labels. The current-label view and the indexes that identify a layer gain the person.
  `CREATE TABLE persons (
     video_id    INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
     person_id   INTEGER NOT NULL CHECK (person_id >= 1),
     name        TEXT NOT NULL,
     coded       INTEGER NOT NULL DEFAULT 1 CHECK (coded IN (0, 1)),
     PRIMARY KEY (video_id, person_id)
   ) STRICT, WITHOUT ROWID;
   ALTER TABLE faces ADD COLUMN person_id INTEGER;
   UPDATE faces SET person_id = 1;
   CREATE INDEX faces_by_person ON faces (video_id, person_id, frame_index);
   ALTER TABLE labels ADD COLUMN person_id INTEGER NOT NULL DEFAULT 1 CHECK (person_id >= 1);
   ALTER TABLE model_runs ADD COLUMN person_id INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE suggestions ADD COLUMN person_id INTEGER NOT NULL DEFAULT 1;
   INSERT INTO persons (video_id, person_id, name, coded)
     SELECT id, 1, 'Person 1', 1 FROM videos
     WHERE id IN (SELECT video_id FROM faces UNION SELECT video_id FROM labels);
   DROP INDEX labels_by_frame;
   CREATE INDEX labels_by_frame ON labels (video_id, person_id, annotator_id, frame_index, id);
   DROP INDEX model_runs_by_layer;
   CREATE INDEX model_runs_by_layer ON model_runs (video_id, person_id, annotator_id, id);
   DROP VIEW current_labels;
   CREATE VIEW current_labels AS
     SELECT l.id, l.video_id, l.person_id, l.frame_index, l.annotator_id, l.valence, l.arousal, l.origin, l.created_at
     FROM labels AS l
     WHERE l.op = 'set'
       AND l.id = (SELECT max(m.id) FROM labels AS m
                   WHERE m.video_id = l.video_id AND m.person_id = l.person_id AND m.annotator_id = l.annotator_id
                     AND m.frame_index = l.frame_index);`,

  // 7: every face track and its person (issue 14). A face turned away (FaceMesh still follows it, but it shows
  // too little of the face to read an expression or an identity) is marked, gets no descriptor and stays with its
  // track. `identity` holds the identity-model embedding of the few sampled faces of each track that linking
  // reads. `previous_persons` is what a re-analysis must keep: each old person and its boxes at labelled frames,
  // saved before the old faces are deleted, so the new persons can be matched to the old ids at the end.
  `ALTER TABLE faces ADD COLUMN turned_away INTEGER NOT NULL DEFAULT 0 CHECK (turned_away IN (0, 1));
   ALTER TABLE faces ADD COLUMN identity BLOB;
   ALTER TABLE face_analyses ADD COLUMN previous_persons TEXT;`,

  // 8: facial actions and the descriptor contract (issue 16). The MediaPipe V2 blendshape model gives each face
  // facing the camera 52 facial-action scores (smile, brow raise, jaw open, blink: the traces psychologists read)
  // and a 64-d expression embedding that the descriptor of version 2 appends. `descriptor_version` says which
  // descriptor contract an analysis was made under: analyses from before are version 1 and keep working (their
  // faces have no actions), and the studio offers to analyse them again.
  `CREATE TABLE face_actions (
     face_id    INTEGER PRIMARY KEY REFERENCES faces (id) ON DELETE CASCADE,
     scores     BLOB NOT NULL CHECK (length(scores) = 4 * 52),
     embedding  BLOB NOT NULL CHECK (length(embedding) = 4 * 64)
   ) STRICT;
   ALTER TABLE face_analyses ADD COLUMN descriptor_version INTEGER NOT NULL DEFAULT 1 CHECK (descriptor_version >= 1);`,

  // 9: a pair head per rater (issue 15). A trained head learnt from some raters' labels: `head_annotators` says
  // whose, and a rater's predictions use a head only if their labels alone trained it, so in blind mode nobody
  // sees a model trained on someone else. Each rater has their own active head (`active_heads`) instead of the
  // project's one (`models.active` stays for encoders). Heads from before named their one annotator only in the
  // card's text ("... annotators: NAME"): matched by name, and the head that was active becomes that rater's;
  // a head whose annotator was renamed since matches nobody and is used by nobody (the prior stands in).
  `CREATE TABLE head_annotators (
     model_id      INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
     annotator_id  INTEGER NOT NULL REFERENCES annotators (id) ON DELETE CASCADE,
     PRIMARY KEY (model_id, annotator_id)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE active_heads (
     annotator_id  INTEGER PRIMARY KEY REFERENCES annotators (id) ON DELETE CASCADE,
     model_id      INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE
   ) STRICT;
   INSERT INTO head_annotators (model_id, annotator_id)
     SELECT m.id, a.id FROM models AS m, annotators AS a
     WHERE m.kind = 'pair_head' AND json_valid(m.card)
       AND substr(json_extract(m.card, '$.trainingData'), -length('annotators: ' || a.name)) = 'annotators: ' || a.name;
   INSERT INTO active_heads (annotator_id, model_id)
     SELECT h.annotator_id, m.id FROM models AS m JOIN head_annotators AS h ON h.model_id = m.id
     WHERE m.kind = 'pair_head' AND m.active = 1;
   UPDATE models SET active = 0 WHERE kind = 'pair_head';`,

  // 10: an encoder's own valence and arousal (issue 16). A lab's encoder may predict them beside its embedding;
  // analysis stores them per face, mapped onto [-1, 1] from the card's affectRange, and the prior pair head reads
  // them. NULL for encoders without them and for every row from before.
  `ALTER TABLE embeddings ADD COLUMN valence REAL CHECK (valence BETWEEN -1 AND 1);
   ALTER TABLE embeddings ADD COLUMN arousal REAL CHECK (arousal BETWEEN -1 AND 1);`,

  // 11: band calibrations kept across reopening (issue 16). A held-back score fits factors that widen or narrow a
  // person's 90% bands for one rater; they were kept in memory only, so after a restart the bands were
  // uncalibrated until the rater scored again. `head` names the head and layout they were fitted under (they apply
  // to that head only), `factors` the factor per distance bin (JSON), and `labels`/`fitted_at` what they were
  // fitted on and when. A new analysis replaces the video's persons rows, so its calibrations go with them.
  `CREATE TABLE band_calibrations (
     video_id      INTEGER NOT NULL,
     person_id     INTEGER NOT NULL,
     annotator_id  INTEGER NOT NULL REFERENCES annotators (id) ON DELETE CASCADE,
     head          TEXT NOT NULL,
     factors       TEXT NOT NULL,
     samples       INTEGER NOT NULL CHECK (samples >= 0),
     labels        INTEGER NOT NULL CHECK (labels >= 0),
     fitted_at     TEXT NOT NULL,
     PRIMARY KEY (video_id, person_id, annotator_id),
     FOREIGN KEY (video_id, person_id) REFERENCES persons (video_id, person_id) ON DELETE CASCADE
   ) STRICT, WITHOUT ROWID;`,
];

export const LATEST_SCHEMA_VERSION = migrations.length;
