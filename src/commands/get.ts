// `mirrorkit get`: discover, verify, rank and fetch in one call, with a one-screen report of what each stage did.
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {createBatchProgress} from '../cli/batch-progress.js'
import {buildGetRequest} from '../cli/get-request.js'
import {createProgress} from '../cli/progress.js'
import {renderPipelineReport} from '../cli/report.js'
import {sizeFlag} from '../cli/size-flag.js'
import {loadUserConfig} from '../cli/user-config.js'
import {runBatchPipeline, type BatchPipelineReport} from '../core/batch/batch-pipeline.js'
import {renderBatchSummary} from '../core/batch/batch-report.js'
import {batchDefaults} from '../core/batch/batch-runner.js'
import {discoverEach} from '../core/batch/discover-each.js'
import {UsageError} from '../core/errors.js'
import {unverifiedNotice} from '../core/download/proof-summary.js'
import type {MirrorSet} from '../core/model.js'
import {redactUrl} from '../core/redact.js'
import {RANK_BY} from '../core/ranking/score.js'
import {runPipeline, type PipelineEvent, type PipelineReport, type StageName} from '../core/pipeline.js'
import {DEFAULTS} from '../core/defaults.js'
import {transportFlags} from '../cli/transport-flags.js'

const USABLE = new Set(['ok', 'unverified'])

/** What a stage is about to do, from the set the previous stage produced. */
function stageNote(stage: StageName, previous: MirrorSet | undefined): string {
  const usable = previous?.candidates.filter((candidate) => USABLE.has(candidate.verify?.status ?? 'unverified')).length ?? 0
  if (stage === 'discover') return 'discovering mirrors…'
  if (stage === 'verify') return `verifying ${previous?.candidates.length ?? 0} candidates…`
  if (stage === 'rank') return `ranking ${usable} verified mirrors…`
  return 'downloading…'
}

export default class Get extends BaseCommand {
  static override description =
    'Download a file the whole way: discover its mirrors, verify they serve the same bytes, rank them from here, and fetch from the best at once.\n' +
    'Equivalent to: mirrorkit discover URL | mirrorkit verify --samples 2 | mirrorkit rank --max-time 1000 | mirrorkit fetch -o FILE, ' +
    'with a one-screen report of every stage (JSON with --json or when stdout is not a terminal). ' +
    'Defaults come from config.json (see `mirrorkit config`); flags and MIRRORKIT_* variables override it.\n' +
    'Exit codes: 0 ok, 2 usage, 3 no usable mirror, 4 integrity, 5 network, 6 disk, 130 interrupted.'

  static override examples = [
    '<%= config.bin %> get https://example.org/pub/f.iso -o f.iso',
    '<%= config.bin %> get https://example.org/pub/f.iso --list mirrors.txt --top 5 --connections 8',
    '<%= config.bin %> get https://example.org/pub/f.iso.meta4 --checksum sha256:<hex> --json > report.json',
    'MIRRORKIT_CONNECTIONS=4 <%= config.bin %> get https://example.org/pub/f.iso --engine searxng --engine-base searxng=https://searx.example',
  ]

  static override strict = false

  static override args = {
    target: Args.string({description: 'The primary URL, a metalink URL (.meta4), or a bare file name (searched for); several targets are fetched as one batch.', required: true, ignoreStdin: true}),
  }

  static override flags = {
    output: Flags.string({char: 'o', description: 'Output file (default: the target\'s name in --dir).'}),
    dir: Flags.string({char: 'd', description: 'Directory for the default output name.', default: '.'}),
    select: Flags.string({description: 'For a metalink of several files: only these files, by name (repeatable; as aria2\'s --select-file).', multiple: true}),
    jobs: Flags.integer({char: 'j', description: 'Files at once, when there are several.', default: batchDefaults.jobs, min: 1, max: 256, helpGroup: 'FETCH'}),
    config: Flags.string({description: 'Config file (default: config.json in the mirrorkit config directory).', env: 'MIRRORKIT_CONFIG'}),
    source: Flags.string({description: 'Discovery sources (default: metalink, headers, neighbours, list; plus search when --engine is given).', multiple: true, options: ['metalink', 'headers', 'neighbours', 'list', 'search'], helpGroup: 'DISCOVER'}),
    list: Flags.string({char: 'l', description: 'Mirror list file or URL, added to config "lists" (repeatable).', multiple: true, helpGroup: 'DISCOVER'}),
    metalink: Flags.string({description: 'Metalink file or URL to read (repeatable).', multiple: true, helpGroup: 'DISCOVER'}),
    engine: Flags.string({description: 'Search engine to query (repeatable; turns on the search source).', multiple: true, helpGroup: 'DISCOVER'}),
    'engine-base': Flags.string({description: 'Base URL for an engine, as name=URL (repeatable).', multiple: true, helpGroup: 'DISCOVER'}),
    limit: Flags.integer({description: 'Most candidates to keep (the primary counts).', min: 1, helpGroup: 'DISCOVER'}),
    'source-timeout': Flags.integer({description: `Seconds each source may run [config: sourceTimeout; default: ${DEFAULTS.sourceTimeoutSeconds}].`, min: 1, helpGroup: 'DISCOVER'}),
    samples: Flags.integer({description: `Ranges sampled per mirror; 0: none [config: verifySamples; default: ${DEFAULTS.getVerifySamples}].`, min: 0, env: 'MIRRORKIT_VERIFY_SAMPLES', helpGroup: 'VERIFY'}),
    full: Flags.boolean({description: 'Download each mirror\'s whole file to compare hashes (slow).', default: false, helpGroup: 'VERIFY'}),
    'ignore-name': Flags.boolean({description: 'Do not require mirrors to use the same file name.', default: false, helpGroup: 'VERIFY'}),
    'verify-timeout': Flags.integer({description: `Seconds allowed per mirror [config: verifyTimeout; default: ${DEFAULTS.verifyTimeoutSeconds}].`, min: 1, helpGroup: 'VERIFY'}),
    top: Flags.integer({description: 'Download from the best N mirrors only (default: every verified mirror).', min: 1, helpGroup: 'RANK'}),
    by: Flags.string({description: 'Rank by predicted time, round trip, or throughput.', options: [...RANK_BY], default: 'score', helpGroup: 'RANK'}),
    'rank-budget': Flags.integer({description: `Milliseconds of throughput probe per mirror [config: rankBudget; default: ${DEFAULTS.getRankBudgetMs}].`, min: 50, env: 'MIRRORKIT_RANK_BUDGET', helpGroup: 'RANK'}),
    history: Flags.boolean({description: 'Use and update the per-host speed history (--no-history: neither).', default: true, allowNo: true, helpGroup: 'RANK'}),
    checksum: Flags.string({char: 'c', description: 'Expected hash of the whole file, algorithm:hex (repeatable).', multiple: true, helpGroup: 'FETCH'}),
    connections: Flags.integer({char: 'n', description: `Links at once, in total [config: connections; default: ${DEFAULTS.connections}].`, min: 1, max: 256, env: 'MIRRORKIT_CONNECTIONS', helpGroup: 'FETCH'}),
    'per-mirror': Flags.integer({char: 'x', description: `Links at once per mirror [config: perMirror; default: ${DEFAULTS.perMirror}].`, min: 1, max: 64, env: 'MIRRORKIT_PER_MIRROR', helpGroup: 'FETCH'}),
    'lowest-speed': sizeFlag({description: 'Cut a link slower than this many bytes/s, e.g. 50K [config: lowestSpeed; default: off].', env: 'MIRRORKIT_LOWEST_SPEED', helpGroup: 'FETCH'}),
    'stall-timeout': Flags.integer({description: `Seconds without data before a link is cut [config: stallTimeout; default: ${DEFAULTS.stallTimeoutSeconds}].`, min: 1, env: 'MIRRORKIT_STALL_TIMEOUT', helpGroup: 'FETCH'}),
    keyring: Flags.string({description: 'Exported OpenPGP public keys (gpg --export KEYID > keys.gpg): only a checksum file they sign is used; a missing or bad signature exits 4 (EUNSIGNED, ESIGNATURE) [config: keyring].', helpGroup: 'FETCH'}),
    'reference-lookup': Flags.boolean({description: 'Look for a published checksum beside the primary (Digest headers, a describedby metalink, <file>.sha256, SHA256SUMS); --no-reference-lookup: only --checksum and the MirrorSet.', default: true, allowNo: true, helpGroup: 'FETCH'}),
    'require-reference': Flags.boolean({description: 'Exit 4 (ENOREFERENCE), leaving no file, when no reference hash is found.', default: false, helpGroup: 'FETCH'}),
    progress: Flags.string({description: 'Download progress on stderr: auto (live on a terminal), json (JSON lines), none.', options: ['auto', 'json', 'none'], default: 'auto', helpGroup: 'FETCH'}),
    restart: Flags.boolean({description: 'Discard a partial download of a changed file and start over.', default: false, helpGroup: 'FETCH'}),
    ...transportFlags,
  }

  async run(): Promise<PipelineReport | BatchPipelineReport> {
    const {flags, argv} = await this.parse(Get)
    const targets = argv as string[]
    const config = await loadUserConfig(this.config.configDir, flags.config)
    const request = buildGetRequest(targets[0]!, flags, config, this.config.dataDir)
    const transportOptions = {...request.transportOptions, ...request.discover?.transportOptions}
    const found = await Promise.all(
      targets.map((argument) => discoverEach({...request.discover, argument, transportOptions, ...(flags.select ? {select: flags.select} : {})}, {signal: this.signal})),
    )
    const sets = found.flat()
    if (sets.length > 1) {
      if (flags.output) throw new UsageError(`${sets.length} files are written into --dir, not to one --output`)
      if (flags.checksum) throw new UsageError('--checksum names one file; with several, each is checked against its own (metalink) hash')
      const progress = createBatchProgress(flags.progress as 'auto' | 'json' | 'none')
      let report: BatchPipelineReport
      try {
        const {discover: _discover, ...rest} = request
        report = await runBatchPipeline({...rest, sets, arguments: targets, batch: {jobs: flags.jobs, ...(request.fetch?.connections ? {connections: request.fetch.connections} : {}), ...(request.fetch?.perMirror ? {perHost: request.fetch.perMirror} : {})}}, {signal: this.signal, onEvent: progress.onEvent})
      } finally {
        progress.close()
      }
      process.exitCode = report.batch.exitCode
      return this.present(report, () => renderBatchSummary(report.batch))
    }
    request.discovered = sets[0]!
    const progress = createProgress(flags.progress as 'auto' | 'json' | 'none')
    const chatty = process.stderr.isTTY || this.verbose
    let previous: MirrorSet | undefined
    const onEvent = (event: PipelineEvent) => {
      if (event.type === 'fetch') progress.onEvent(event.event)
      else if (event.type === 'stage-end') previous = event.set
      else if (event.type === 'stage-start' && chatty) this.note(`mirrorkit: ${stageNote(event.stage, previous)}`)
      else if (event.type === 'verify' && this.verbose) this.note(`  ${event.event.verdict.status}: ${redactUrl(event.event.url)}`)
    }
    let report: PipelineReport
    try {
      report = await runPipeline(request, {signal: this.signal, onEvent})
    } finally {
      progress.close()
    }
    const notice = unverifiedNotice(report.fetch.proof)
    if (notice) this.note(`mirrorkit: ${notice}`)
    return this.present(report, () => renderPipelineReport(report))
  }
}
