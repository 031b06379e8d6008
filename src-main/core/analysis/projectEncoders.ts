/**
 * A lab's own encoder inside a project: its ONNX file and model card are copied into the project's `encoders/`
 * folder, so the project keeps working when the lab's copy moves and can be handed on whole. The copies are named
 * after a hash of both files, so a file of that name holding anything else was not written by the studio and is
 * never replaced.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import { cardPathFor } from '../inference/modelCard';
import { writeFileAtomic } from '../paths/atomicWrite';

export const ENCODERS_DIR = 'encoders';

/** Imported encoders are stored relative to the project folder; the shipped one by its path in the install. */
function isImportedEncoder(file: string): boolean {
  return !path.isAbsolute(file) && file.startsWith(`${ENCODERS_DIR}/`);
}

/** The model file of the project's active encoder when a lab imported it; undefined means the shipped one. */
export function importedEncoderFile(projectDir: string, active: { file: string } | undefined): string | undefined {
  return active && isImportedEncoder(active.file) ? path.join(projectDir, active.file) : undefined;
}

export interface EncoderFiles {
  onnxFile: string;
  cardFile: string;
}

/** The model a lab points at and the card beside it, refused with what to do when either is not there. */
export function encoderFilesToImport(onnxInput: string): EncoderFiles {
  const onnxFile = path.resolve(onnxInput);
  if (!/\.onnx$/i.test(onnxFile)) throw new StudioError(`${onnxInput} is not an ONNX file: give the encoder's .onnx file, with its model card (.card.json) beside it.`);
  if (!isFile(onnxFile)) throw new StudioError(`${onnxInput} does not exist or is not a file: give the encoder's .onnx file.`);
  const cardFile = cardPathFor(onnxFile);
  if (!isFile(cardFile)) throw new StudioError(`${onnxInput} has no model card beside it: write ${path.basename(cardFile)} next to it (see models/README.md), then import again.`);
  return { onnxFile, cardFile };
}

/**
 * Copies a checked encoder into the project; returns the model's path relative to the project folder. `sha256` is
 * the model's as checked: a file changed since is refused rather than copied unchecked.
 */
export function copyEncoderIntoProject(projectDir: string, files: EncoderFiles, sha256: string): string {
  const model = fs.readFileSync(files.onnxFile);
  const card = fs.readFileSync(files.cardFile);
  if (hex(model) !== sha256) throw new StudioError(`${files.onnxFile} changed while it was being checked: import it again.`);
  const stem = path.basename(files.onnxFile).replace(/\.onnx$/i, '').replace(/[^\w.-]+/g, '_').slice(0, 60);
  const name = `${createHash('sha256').update(sha256).update(card).digest('hex').slice(0, 12)}-${stem}`;
  const relative = `${ENCODERS_DIR}/${name}.onnx`;
  const targets: [string, Buffer][] = [
    [path.join(projectDir, relative), model],
    [cardPathFor(path.join(projectDir, relative)), card],
  ];
  for (const [target, bytes] of targets) {
    if (fs.existsSync(target) && !fs.readFileSync(target).equals(bytes)) {
      throw new StudioError(`${target} already exists and Affect Studio did not write it: move it out of the project's ${ENCODERS_DIR} folder, then import again.`);
    }
  }
  for (const [target, bytes] of targets) if (!fs.existsSync(target)) writeFileAtomic(target, bytes);
  return relative;
}

function hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
