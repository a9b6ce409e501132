// `mirrorkit verify`: checks that every candidate serves the target's bytes (name, size, digests, sampled ranges, --full).
import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {readMirrorSetsInput} from '../cli/input.js'
import {transportFlags, transportOptionsFrom} from '../cli/transport-flags.js'
import {progressPrinter, queueFlag} from '../cli/queue-flags.js'
import {loadUserConfig} from '../cli/user-config.js'
import {renderVerifyTable} from '../cli/verify-table.js'
import {UsageError} from '../core/errors.js'
import {ExitCode} from '../core/error-codes.js'
import {renderStatusPage} from '../core/formats/status-page.js'
import {emptyMirrorSet, type MirrorSet} from '../core/model.js'
import {redactText} from '../core/redact.js'
import {verifyMirrors, type VerifyEvent} from '../core/verification/verify.js'
import {DEFAULTS} from '../core/defaults.js'

export default class Verify extends BaseCommand {
  static override description = 'Check that each mirror serves the same file as the primary: name, size, advertised digests, seeded sampled ranges, or the whole file.'
  static override strict = false
  static override examples = [
    'mirrorkit discover https://example.org/f.iso | <%= config.bin %> verify --strict',
    '<%= config.bin %> verify --input set.json --samples 8 --seed 42',
    '<%= config.bin %> verify --primary https://example.org/f.iso https://mirror.example.net/f.iso',
  ]

  static override flags = {
    input: Flags.string({char: 'i', description: 'MirrorSet JSON file ("-" for stdin); default: stdin when piped.'}),
    primary: Flags.string({description: 'URL that defines the target (default: the MirrorSet\'s target.primary). Extra arguments are mirror URLs.'}),
    'ignore-name': Flags.boolean({description: 'Do not require the file name to match.', default: false}),
    samples: Flags.integer({description: `Ranges (or pieces) sampled per mirror; 0 disables sampling [config: verifySamples; default: ${DEFAULTS.verifySamples}].`, min: 0}),
    'sample-size': Flags.integer({description: 'Bytes per sampled range.', default: 64 * 1024, min: 1}),
    seed: Flags.integer({description: 'Seed for the sample offsets, to repeat a run exactly (default: random, shown in each verdict).', min: 0}),
    full: Flags.boolean({description: 'Download each whole file and compare its hash.', default: false}),
    strict: Flags.boolean({description: `Exit with ${ExitCode.integrity} when any mirror serves different bytes.`, default: false}),
    concurrency: Flags.integer({description: 'Mirrors checked at once.', default: DEFAULTS.verifyConcurrency, min: 1}),
    timeout: Flags.integer({description: `Seconds allowed per mirror [config: verifyTimeout; default: ${DEFAULTS.verifyTimeoutSeconds}, or ${DEFAULTS.verifyFullTimeoutSeconds} with --full].`, min: 1}),
    config: Flags.string({description: 'Config file; default: config.json in the mirrorkit config directory.', env: 'MIRRORKIT_CONFIG'}),
    format: Flags.string({description: 'Output format (default: table on a terminal, JSON otherwise); html is a self-contained status page.', options: ['table', 'json', 'html']}),
    queue: queueFlag,
    ...transportFlags,
  }

  async run(): Promise<MirrorSet | MirrorSet[]> {
    const {flags, argv} = await this.parse(Verify)
    const config = await loadUserConfig(this.config.configDir, flags.config)
    const timeout = flags.timeout ?? config.verifyTimeout
    const mirrors = (argv as string[]).map((url) => ({url, foundBy: ['argument']}))
    const sets = (await readMirrorSetsInput(flags.input)) ?? []
    if (sets.length === 0) {
      if (!flags.primary) throw new UsageError('give a MirrorSet (--input FILE or a pipe), or --primary URL with mirror URLs')
      sets.push(emptyMirrorSet({name: '', checksums: []}))
    }
    if (sets.length > 1 && (mirrors.length > 0 || flags.primary)) throw new UsageError('mirror URLs and --primary name one file; the input holds several')
    if (sets.length > 1 && flags.format === 'html') throw new UsageError(`the input holds ${sets.length} files; --format html describes one`)
    const options = {
      primary: flags.primary, ignoreName: flags['ignore-name'], samples: flags.samples ?? config.verifySamples ?? DEFAULTS.verifySamples, sampleSize: flags['sample-size'], seed: flags.seed,
      full: flags.full, concurrency: flags.concurrency, timeoutMs: timeout === undefined ? undefined : timeout * 1000, transportOptions: transportOptionsFrom(flags, config),
    }
    const context = {signal: this.signal, onEvent: (event: VerifyEvent) => this.verbose && this.note(`${event.verdict.status}: ${event.url} ${redactText(event.verdict.summary)}`)}
    const verifyOne = async (set: MirrorSet): Promise<MirrorSet> => {
      set.candidates.push(...mirrors)
      let verified: MirrorSet
      if (flags.queue) {
        // Loaded only here: BullMQ and ioredis cost start-up time that local runs should not pay.
        const {parseQueueUrl} = await import('../core/queue/connection.js')
        const {queuedVerify} = await import('../core/queue/queued-verify.js')
        verified = await queuedVerify(set, options, parseQueueUrl(flags.queue), {...context, onProgress: progressPrinter('verify'), onNote: (line) => this.note(line)})
      } else verified = await verifyMirrors(set, options, context)
      this.judge(verified, flags.strict)
      return verified
    }
    // A stream of sets (one per file, from a multi-file metalink) gives a stream of verified sets.
    if (sets.length > 1) {
      const verified: MirrorSet[] = []
      for (const set of sets) verified.push(await verifyOne(set))
      return this.presentSets(verified, renderVerifyTable)
    }
    const verified = await verifyOne(sets[0]!)
    if (flags.format && !this.jsonEnabled()) {
      process.stdout.write(flags.format === 'html' ? renderStatusPage(verified) : flags.format === 'json' ? JSON.stringify(verified, null, 2) + '\n' : renderVerifyTable(verified) + '\n')
      return verified
    }
    return this.present(verified, () => renderVerifyTable(verified))
  }

  /** Sets the exit code for a set with mismatching mirrors (--strict) or none usable; the set is still printed. */
  private judge(verified: MirrorSet, strict: boolean): void {
    const mismatched = verified.candidates.filter((candidate) => candidate.verify?.status === 'mismatch').length
    if (strict && mismatched > 0) {
      this.note(`mirrorkit: ${mismatched} mirror${mismatched === 1 ? '' : 's'} serve different bytes (EINTEGRITY)`)
      // Set, not thrown: the verified set must still reach stdout for the next stage or the user.
      process.exitCode = ExitCode.integrity
    }
    const usable = verified.candidates.filter((candidate) => candidate.verify?.status === 'ok' || candidate.verify?.status === 'unverified')
    if (verified.candidates.length > 0 && usable.length === 0 && process.exitCode === undefined) {
      this.note(`mirrorkit: no mirror serves ${verified.target.name || 'the target'} (ENOMIRROR)`)
      process.exitCode = ExitCode.noMirror
    }
  }
}
