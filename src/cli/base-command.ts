// The base of every command: --json, --verbose, one AbortSignal for SIGINT/SIGTERM, and errors as one line with an exit code.
import {Command, Flags, Errors} from '@oclif/core'
import {AbortedError, MirrorError, UsageError} from '../core/errors.js'
import {ExitCode, isErrorCode} from '../core/error-codes.js'
import {redactText} from '../core/redact.js'

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    verbose: Flags.boolean({char: 'v', description: 'Print details on stderr, and a stack trace with errors.', default: false}),
  }

  private readonly controller = new AbortController()
  private readonly onSignal = (name: NodeJS.Signals) => this.interrupt(name)

  /** Aborted on SIGINT or SIGTERM; pass it to every core call. */
  protected get signal(): AbortSignal {
    return this.controller.signal
  }

  protected get verbose(): boolean {
    return this.argv.includes('--verbose') || this.argv.includes('-v')
  }

  override async init(): Promise<void> {
    await super.init()
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
  }

  private interrupt(name: NodeJS.Signals): void {
    if (this.controller.signal.aborted) {
      // A second signal means the user is done waiting for a clean stop.
      process.stderr.write(`\nmirrorkit: ${name} again, exiting now (EABORTED)\n`)
      process.exit(ExitCode.interrupted)
    }
    this.controller.abort(new AbortedError(`interrupted by ${name}`))
    // Cleanup should be quick; never let a stuck socket keep an interrupted process alive.
    setTimeout(() => process.exit(ExitCode.interrupted), 5000).unref()
  }

  /** True when output should be machine-readable: --json, or stdout is not a terminal. */
  protected machineOutput(): boolean {
    return this.jsonEnabled() || !process.stdout.isTTY
  }

  /**
   * Returns `data` for oclif to print with --json; prints it as JSON when stdout is a pipe,
   * and as `human()` on a terminal.
   */
  protected present<R>(data: R, human: () => string): R {
    if (this.jsonEnabled()) return data
    if (!process.stdout.isTTY) process.stdout.write(JSON.stringify(data, null, 2) + '\n')
    else process.stdout.write(human() + '\n')
    return data
  }

  /**
   * Several MirrorSets (one per file): returned for --json (an array), one JSON line each when stdout
   * is a pipe (the next stage reads them as a stream), `human()` of each on a terminal.
   */
  protected presentSets<S>(sets: S[], human: (set: S) => string): S[] {
    if (this.jsonEnabled()) return sets
    if (!process.stdout.isTTY) process.stdout.write(sets.map((set) => JSON.stringify(set) + '\n').join(''))
    else process.stdout.write(sets.map(human).join('\n\n') + '\n')
    return sets
  }

  /** Writes a line to stderr (progress, notes): never to stdout, which belongs to the pipe. */
  protected note(message: string): void {
    process.stderr.write(message + '\n')
  }

  override async catch(error: Error & {exitCode?: number}): Promise<never> {
    const mirrorError = toMirrorError(error, this.signal)
    if (this.jsonEnabled()) {
      this.logJson({error: {code: mirrorError.code, message: redactText(mirrorError.message), exitCode: mirrorError.exitCode}})
    }
    process.stderr.write(`mirrorkit: ${redactText(mirrorError.message)} (${mirrorError.code})\n`)
    if (this.verbose && error.stack) process.stderr.write(redactText(error.stack) + '\n')
    this.exit(mirrorError.exitCode)
  }

  override async finally(error: Error | undefined): Promise<void> {
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    await super.finally(error)
  }
}

/** Maps any thrown value to a MirrorError, so every failure has a code and an exit code. */
function toMirrorError(error: unknown, signal?: AbortSignal): MirrorError {
  if (error instanceof MirrorError) return error
  if (signal?.aborted) return new AbortedError(undefined, error)
  const oclifError = error as {oclif?: {exit?: number}; message?: string; code?: string}
  if (error instanceof Errors.CLIError || oclifError?.oclif?.exit !== undefined) {
    const firstLine = String(oclifError.message ?? 'invalid arguments').split('\n').find((line) => line.trim()) ?? ''
    return new UsageError(firstLine.replace(/^\s*(Error:\s*)?/, '').trim(), 'EUSAGE', error)
  }
  const message = error instanceof Error ? error.message : String(error)
  // A foreign code (a Node ENOENT that escaped its mapping) is not a promise we keep: it is a bug, and says so.
  return new MirrorError(message, isErrorCode(oclifError?.code) ? oclifError.code : 'EINTERNAL', {cause: error})
}
