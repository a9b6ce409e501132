// The one table of the defaults a user meets: download links, timeouts, samples, probe budgets. Options, config keys and --help all read it.

/** Seconds, because flags and config.json give these in seconds; the `Ms` helpers below convert once. */
export const DEFAULTS = {
  /** Download links at once, in total and per mirror (measured: see download/options.ts). */
  connections: 16,
  perMirror: 4,
  /**
   * Piece length when no metalink gives one. It is also the grain of the endgame's splits: with 1 MiB,
   * the last steals left the slow mirrors idle for up to a second (caps-https at 128 MiB, 5 runs each:
   * 0.933 of the caps with 1 MiB, 0.952 with 256 KiB; CPU 1.56 -> 1.21 s, fewer hedges).
   */
  pieceBytes: 256 * 1024,
  /** Cut a download link below this many bytes/s; 0 is off. */
  lowestSpeed: 0,
  /** Seconds a download link may stay silent before it is cut. */
  stallTimeoutSeconds: 5,
  /** Seconds each transport waits for a connection and its handshake (FTP and SFTP log in within it too). */
  connectTimeoutSeconds: {http: 10, ftp: 30, sftp: 20},
  /** Seconds each discovery source may run. */
  sourceTimeoutSeconds: 20,
  /** Seconds verify allows per mirror, and with --full (a whole download of a big file takes long). */
  verifyTimeoutSeconds: 60,
  verifyFullTimeoutSeconds: 3600,
  /** Ranges verify samples per mirror: thorough as a stage of its own, quick inside get (fetch keeps checking). */
  verifySamples: 4,
  getVerifySamples: 2,
  /** Bytes per sampled range. */
  sampleBytes: 64 * 1024,
  /** Mirrors verify checks at once. */
  verifyConcurrency: 4,
  /** Milliseconds rank's throughput probe may run per mirror: as a stage of its own, and inside get. */
  rankBudgetMs: 3000,
  getRankBudgetMs: 1000,
  /** Seconds rank waits for a connection or a first byte. */
  rankTimeoutSeconds: 10,
} as const

export const seconds = (value: number): number => value * 1000

/** The transports' connect timeouts as one line, for --help and `mirrorkit config`. */
export function connectTimeoutText(): string {
  const {http, ftp, sftp} = DEFAULTS.connectTimeoutSeconds
  return `${http} s for http(s), ${ftp} s for ftp(s), ${sftp} s for sftp`
}
