const SAO_PAULO = 'America/Sao_Paulo';

const PARTS_FORMAT = new Intl.DateTimeFormat('en-GB', {
  timeZone: SAO_PAULO,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Parses Tiny's `dd/mm/yyyy` or `dd/mm/yyyy hh:mm[:ss]` (São Paulo wall clock) into the UTC instant. */
export function parseTinyDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d{2})\/(\d{2})\/(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?\s*$/.exec(value);
  if (!match) return undefined;
  const wall: WallClock = {
    day: Number(match[1]),
    month: Number(match[2]),
    year: Number(match[3]),
    hour: Number(match[4] ?? 0),
    minute: Number(match[5] ?? 0),
    second: Number(match[6] ?? 0),
  };
  if (!isValidWallClock(wall)) return undefined;
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  // The offset depends on the instant (São Paulo had DST until 2019); correct once more in case the guess crossed a change.
  let instant = asUtc - offsetMs(asUtc);
  instant = asUtc - offsetMs(instant);
  return new Date(instant);
}

/** `dd/mm/yyyy` of the instant in São Paulo — the form Tiny expects for date parameters. */
export function formatTinyDate(date: Date): string {
  const wall = wallClock(date.getTime());
  return `${pad(wall.day)}/${pad(wall.month)}/${wall.year}`;
}

/** `dd/mm/yyyy hh:mm:ss` of the instant in São Paulo (e.g. `dataAtualizacao`). */
export function formatTinyDateTime(date: Date): string {
  const wall = wallClock(date.getTime());
  return `${formatTinyDate(date)} ${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
}

function offsetMs(instant: number): number {
  const wall = wallClock(instant);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(instant / 1000) * 1000;
}

function wallClock(instant: number): WallClock {
  const parts = Object.fromEntries(PARTS_FORMAT.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    second: Number(parts['second']),
  };
}

function isValidWallClock(wall: WallClock): boolean {
  const probe = new Date(Date.UTC(wall.year, wall.month - 1, wall.day));
  return (
    probe.getUTCFullYear() === wall.year &&
    probe.getUTCMonth() === wall.month - 1 &&
    probe.getUTCDate() === wall.day &&
    wall.hour < 24 &&
    wall.minute < 60 &&
    wall.second < 60
  );
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
