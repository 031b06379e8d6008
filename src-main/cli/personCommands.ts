/**
 * `affect-studio persons`: the persons of a video without the studio's window. Lists them (number, name, frames
 * visible, coded or not), and `rename`, `merge`, `split` and `choose` change them through the same use cases the
 * persons panel calls. `--person ID` is also how label, propagate, predictions, suggest and export name whom they
 * are about (personOption).
 */
import { choosePerson, listPersons, mergePersons, renamePerson, splitPerson, type Person, type PersonChange } from '../core/app/persons';
import type { PersonId, VideoId } from '../core/ids';
import { UsageError, wholeOption, type CliIo, type Values } from './args';
import { videoOption } from './exportCommands';
import { openSession } from './openSession';

const SUBCOMMANDS = ['rename', 'merge', 'split', 'choose'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

/** `--person ID`: a person of the video (1, 2, ...), or undefined when not given. */
export function personOption(values: Values): PersonId | undefined {
  return values.person === undefined ? undefined : personNumber('--person', values.person);
}

function personNumber(flag: string, text: string): PersonId {
  const id = wholeOption(flag, text);
  if (id <= 0) throw new UsageError(`${flag} must be a person of the video (1, 2, ...; see "affect-studio persons"), not ${id}`);
  return id as PersonId;
}

export async function personsCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const sub = SUBCOMMANDS.find((name) => name === rest[0]);
  const [project, ...extra] = sub === undefined ? rest : rest.slice(1);
  if (project === undefined) throw new UsageError(`persons${sub ? ` ${sub}` : ''} needs a project folder and --video ID`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const videoId = videoOption(values);
  if (videoId === undefined) throw new UsageError(`persons${sub ? ` ${sub}` : ''} needs --video ID`);
  const change = sub === undefined ? undefined : changeOf(sub, values);
  const session = await openSession(project, io);
  try {
    if (!change) {
      const persons = await listPersons(session, videoId);
      io.out(values.json ? JSON.stringify({ videoId, persons }) + '\n' : personTable(persons));
      return 0;
    }
    const result = await change(session, videoId);
    if (values.json) io.out(JSON.stringify({ videoId, ...result }) + '\n');
    else {
      if ('labelsMoved' in result) io.out(`${result.facesMoved} face(s) and ${result.labelsMoved} label(s) changed person\n`);
      io.out(personTable('persons' in result ? result.persons : [result]));
    }
    return 0;
  } finally {
    await session.close();
  }
}

type Change = (session: Parameters<typeof listPersons>[0], videoId: VideoId) => Promise<Person | PersonChange>;

/** The subcommand's options checked before the project is opened: a wrong call opens nothing. */
function changeOf(sub: Subcommand, values: Values): Change {
  const person = personOption(values);
  if (person === undefined) throw new UsageError(`persons ${sub} needs --person ID`);
  switch (sub) {
    case 'rename': {
      const name = values.name;
      if (name === undefined) throw new UsageError('persons rename needs --name TEXT');
      return (session, videoId) => renamePerson(session, videoId, person, name);
    }
    case 'merge': {
      if (values.from === undefined) throw new UsageError('persons merge needs --from ID (the person that joins --person)');
      const from = personNumber('--from', values.from);
      return (session, videoId) => mergePersons(session, videoId, person, from);
    }
    case 'split': {
      if ((values.frame === undefined) === (values.track === undefined)) throw new UsageError('persons split needs either --frame N (from that frame on) or --track ID');
      const selection = values.frame !== undefined ? { fromFrame: wholeOption('--frame', values.frame) } : { trackId: wholeOption('--track', values.track as string) };
      return (session, videoId) => splitPerson(session, videoId, person, selection);
    }
    case 'choose': {
      if (values.coded !== 'on' && values.coded !== 'off') throw new UsageError('persons choose needs --coded on or --coded off');
      const coded = values.coded === 'on';
      return (session, videoId) => choosePerson(session, videoId, person, coded);
    }
  }
}

function personTable(persons: readonly Person[]): string {
  const rows = persons.map((p) => `${p.personId}\t${p.name}\t${p.framesVisible}\t${p.coded ? 'yes' : 'no'}\n`);
  return `person\tname\tframes visible\tcoded\n${rows.join('')}`;
}
