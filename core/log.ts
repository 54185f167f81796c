// One logger: pino, JSON lines on stderr (stdout stays free for command
// output), with keys and personal fields redacted wherever they appear.
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Fields never written to a log: credentials and an applicant's personal data. */
const REDACTED = [
  'key',
  'authorization',
  'cookie',
  'surnameLatin',
  'givenNamesLatin',
  'surnameCyrillic',
  'givenNamesCyrillic',
  'dateOfBirth',
  'email',
  'phone',
  'inn',
  'snils',
  'documentNumber',
  'descriptor',
];

/** The service's logger; tests pass their own destination to read what it writes. */
export function createLogger(destination: pino.DestinationStream = pino.destination({ fd: 2, sync: true })) {
  return pino(
    {
      level: (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          ...REDACTED,
          ...REDACTED.map((field) => `*.${field}`),
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export const logger = createLogger();

export function setLogLevel(level: LogLevel): void {
  logger.level = level;
}

type Data = Record<string, unknown>;
export const log = {
  debug: (msg: string, data?: Data) => logger.debug(data ?? {}, msg),
  info: (msg: string, data?: Data) => logger.info(data ?? {}, msg),
  warn: (msg: string, data?: Data) => logger.warn(data ?? {}, msg),
  error: (msg: string, data?: Data) => logger.error(data ?? {}, msg),
};

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
