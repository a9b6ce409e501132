// `mirrorkit fetch`: downloads one file in segments from many mirrors at once, with checks, resume and a live view.
import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {createBatchProgress} from '../cli/batch-progress.js'
import {readInputText} from '../cli/input.js'
import {createProgress, type ProgressMode} from '../cli/progress.js'
import {sizeFlag} from '../cli/size-flag.js'
import {parseBatchInput, type BatchInput} from '../core/batch/batch-input.js'
import {renderBatchSummary, type BatchSummary} from '../core/batch/batch-report.js'
import {batchDefaults, runBatch} from '../core/batch/batch-runner.js'
import {loadUserConfig} from '../cli/user-config.js'
import {startFetch} from '../core/download/engine.js'
import {unverifiedNotice} from '../core/download/proof-summary.js'
import {fetchDefaults, type FetchOptions} from '../core/download/options.js'
import {renderSummary, type FetchSummary} from '../core/download/summary.js'
import {CROSS_CHECK_WINDOW} from '../core/download/cross-check.js'
import {AbortedError, UsageError} from '../core/errors.js'
import {parseChecksum} from '../core/hashing.js'
import {formatBytes} from '../core/units.js'
import {DEFAULTS, seconds} from '../core/defaults.js'
import {transportFlags, transportOptionsFrom, type TransportFlagValues} from '../cli/transport-flags.js'
import type {Config} from '../core/config.js'

type FetchFlags = Awaited<ReturnType<Fetch['parse']>>['flags']

/** The engine settings a single download and every file of a batch share. */
function engineOptions(flags: FetchFlags, crossCheck: number | 'all', config: Config): Omit<FetchOptions, 'urls' | 'mirrorSet' | 'output' | 'directory' | 'checksums' | 'connections' | 'perMirror'> {
  const lowestSpeed = flags['lowest-speed'] ?? config.lowestSpeed
  const keyring = flags.keyring ?? config.keyring
  return {
    ...(flags['piece-size'] ? {pieceLength: flags['piece-size']} : {}),
    ...(lowestSpeed ? {lowestSpeed} : {}),
    stallTimeoutMs: seconds(flags['stall-timeout'] ?? config.stallTimeout ?? DEFAULTS.stallTimeoutSeconds),
    crossCheck,
    seed: flags.seed,
    restart: flags.restart,
    reference: {lookup: flags['reference-lookup'], require: flags['require-reference'], ...(keyring ? {keyring} : {})},
    transport: transportOptionsFrom(flags as TransportFlagValues, config),
  }
}

export default class Fetch extends BaseCommand {
  static override description = [
    'Download a file in segments from several mirrors at once (HTTP, FTP, SFTP), checking every piece and resuming after a crash.',
    'With --input (or stdin): one MirrorSet, several (JSON lines or a JSON array), or an aria2c input file (-i) download every file they list into --dir,',
    '--jobs at once, under one cap of links in total and per host; each file is checked and renamed on its own; the exit code is the worst file\'s.',
    'The first URL (or the MirrorSet\'s target.primary) defines the file: mirrors with another size are not used.',
    `While it runs, append "drop <url-or-host>" or "undrop <url-or-host>" lines to <output>.mirrorkit.cmd to stop or restore a mirror;`,
    'on a terminal, press a mirror\'s number to drop it and q to stop.',
    `Exit codes: 0 ok, 2 usage or a changed target (EEXISTS_CHANGED, see --restart), 3 the file is missing everywhere, 4 integrity, 5 network, 6 disk, 130 interrupted.`,
  ].join('\n')
  static override strict = false
  static override examples = [
    '<%= config.bin %> fetch https://a.example/f.iso https://b.example/f.iso -o f.iso',
    '<%= config.bin %> fetch https://a.example/f.iso ftp://c.example/pub/f.iso --checksum sha256:<hex>',
    'mirrorkit discover https://a.example/f.iso | mirrorkit verify | mirrorkit rank --top 5 | <%= config.bin %> fetch -o f.iso',
    '<%= config.bin %> fetch --input set.json --progress json 2> events.jsonl',
    '<%= config.bin %> fetch -i list.txt -d downloads --jobs 16',
  ]

  static override flags = {
    output: Flags.string({char: 'o', description: 'Output file (default: the target\'s name in --dir).'}),
    dir: Flags.string({char: 'd', description: 'Directory for the default output name.', default: '.'}),
    input: Flags.string({char: 'i', description: 'MirrorSet JSON, several MirrorSets (JSON lines or array), or an aria2c input file ("-" for stdin); default: stdin when piped and no URL is given.'}),
    jobs: Flags.integer({char: 'j', description: 'Files at once, for a batch input.', default: batchDefaults.jobs, min: 1, max: 256}),
    'whole-below': sizeFlag({description: `In a batch, files up to this size are fetched whole from one host, larger ones segmented (default: ${formatBytes(batchDefaults.wholeBelow)}).`}),
    checksum: Flags.string({char: 'c', description: 'Expected hash of the whole file, algorithm:hex (sha256, sha512, sha1, md5).', multiple: true}),
    connections: Flags.integer({char: 'n', description: `Links at once, in total [config: connections; default: ${DEFAULTS.connections}].`, min: 1, max: 256}),
    'per-mirror': Flags.integer({char: 'x', description: `Links at once per mirror [config: perMirror; default: ${DEFAULTS.perMirror}].`, min: 1, max: 64}),
    'piece-size': sizeFlag({description: 'Piece length, e.g. 1M (default: the metalink piece length, else 256 KiB).'}),
    'lowest-speed': sizeFlag({description: 'Cut a link slower than this many bytes/s after its grace period, e.g. 50K [config: lowestSpeed; default: off].'}),
    'stall-timeout': Flags.integer({description: `Seconds without data before a link is cut [config: stallTimeout; default: ${DEFAULTS.stallTimeoutSeconds}].`, min: 1}),
    'cross-check': Flags.string({description: `Without a reference hash: pieces per mirror compared with another mirror (${formatBytes(CROSS_CHECK_WINDOW)} of each), or "all" (every byte).`, default: String(fetchDefaults.crossCheck)}),
    seed: Flags.integer({description: 'Seed of the cross-check sample.', default: fetchDefaults.seed}),
    keyring: Flags.string({description: 'Exported OpenPGP public keys (gpg --export KEYID > keys.gpg): only a checksum file they sign is used; a missing or bad signature exits 4 (EUNSIGNED, ESIGNATURE) [config: keyring].'}),
    'reference-lookup': Flags.boolean({description: 'Look for a published checksum beside the primary (Digest headers, a describedby metalink, <file>.sha256, SHA256SUMS); --no-reference-lookup: only --checksum and the MirrorSet.', default: true, allowNo: true}),
    'require-reference': Flags.boolean({description: 'Exit 4 (ENOREFERENCE), leaving no file, when no reference hash is found.', default: false}),
    progress: Flags.string({description: 'Progress on stderr: auto (live view on a terminal), json (JSON lines), none.', options: ['auto', 'json', 'none'], default: 'auto'}),
    restart: Flags.boolean({description: 'Discard a partial download whose target changed (or any partial download) and start over.', default: false}),
    config: Flags.string({description: 'Config file (default: config.json in the mirrorkit config directory).', env: 'MIRRORKIT_CONFIG'}),
    ...transportFlags,
  }

  async run(): Promise<FetchSummary | BatchSummary> {
    const {flags, argv} = await this.parse(Fetch)
    const urls = argv as string[]
    // With URLs on the command line, stdin is read only when asked (--input -), so a script's open stdin cannot stall us.
    const text = urls.length === 0 || flags.input !== undefined ? await readInputText(flags.input) : undefined
    const input = text === undefined ? undefined : parseBatchInput(text)
    if (urls.length === 0 && !input) throw new UsageError('give at least one URL, or a MirrorSet or aria2c input file with --input or on stdin')
    const config = await loadUserConfig(this.config.configDir, flags.config)
    const crossCheck = flags['cross-check'] === 'all' ? 'all' : Number.parseInt(flags['cross-check'], 10)
    if (crossCheck !== 'all' && !(crossCheck >= 0)) throw new UsageError('--cross-check wants a number or "all"')
    if (input && input.format !== 'mirrorset') return this.runBatch(input, urls, flags, crossCheck, config)
    const mirrorSet = input?.items[0]?.set
    const stopper = new AbortController()
    const progress = createProgress(flags.progress as ProgressMode)
    const download = startFetch(
      {
        urls,
        ...(mirrorSet ? {mirrorSet} : {}),
        ...(flags.output ? {output: flags.output} : {directory: flags.dir}),
        checksums: (flags.checksum ?? []).map(parseChecksum),
        connections: flags.connections ?? config.connections ?? DEFAULTS.connections,
        perMirror: flags['per-mirror'] ?? config.perMirror ?? DEFAULTS.perMirror,
        ...engineOptions(flags, crossCheck, config),
      },
      {signal: AbortSignal.any([this.signal, stopper.signal]), onEvent: progress.onEvent},
    )
    progress.attach({dropMirror: download.dropMirror, stop: () => stopper.abort(new AbortedError('stopped by the user'))})
    let summary: FetchSummary
    try {
      summary = await download.result
    } finally {
      progress.close()
    }
    const notice = unverifiedNotice(summary.proof)
    if (notice) this.note(`mirrorkit: ${notice}`)
    return this.present(summary, () => renderSummary(summary))
  }

  private async runBatch(input: BatchInput, urls: string[], flags: FetchFlags, crossCheck: number | 'all', config: Config): Promise<BatchSummary> {
    if (urls.length > 0) throw new UsageError('a list of files takes no URLs on the command line')
    if (flags.output) throw new UsageError('a list of files is written into --dir (or each entry\'s dir=), not to one --output')
    if (flags.checksum) throw new UsageError('--checksum names one file; a list gives each file its own (checksum=)')
    for (const warning of input.warnings) this.note(`mirrorkit: warning: ${warning}`)
    const progress = createBatchProgress(flags.progress as ProgressMode)
    let summary: BatchSummary
    try {
      summary = await runBatch(
        {
          items: input.items,
          directory: flags.dir,
          jobs: flags.jobs,
          connections: flags.connections ?? config.connections ?? DEFAULTS.connections,
          perHost: flags['per-mirror'] ?? config.perMirror ?? DEFAULTS.perMirror,
          ...(flags['whole-below'] === undefined ? {} : {wholeBelow: flags['whole-below']}),
          fetch: engineOptions(flags, crossCheck, config),
        },
        {signal: this.signal, onEvent: progress.onEvent},
      )
    } finally {
      progress.close()
    }
    process.exitCode = summary.exitCode
    return this.present(summary, () => renderBatchSummary(summary))
  }
}
