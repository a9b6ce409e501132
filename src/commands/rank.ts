// `mirrorkit rank`: measures round trips and throughput of each verified mirror and sorts them best first.
import {join} from 'node:path'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {readMirrorSetsInput} from '../cli/input.js'
import {renderRankTable} from '../cli/rank-table.js'
import {transportFlags, transportOptionsFrom} from '../cli/transport-flags.js'
import {progressPrinter, queueFlag} from '../cli/queue-flags.js'
import {loadUserConfig} from '../cli/user-config.js'
import {UsageError} from '../core/errors.js'
import {ExitCode} from '../core/error-codes.js'
import {renderStatusPage} from '../core/formats/status-page.js'
import {FILE_FORMATS, renderMirrorSet, type FileFormat} from '../core/formats/render-set.js'
import type {MirrorSet} from '../core/model.js'
import {rankMirrors, type RankEvent} from '../core/ranking/rank.js'
import {RANK_BY} from '../core/ranking/score.js'
import {formatRate} from '../core/units.js'
import {DEFAULTS} from '../core/defaults.js'
import {DEFAULT_THROUGHPUT} from '../core/ranking/throughput.js'

/** Priorities follow the rank order, whatever discovery had recorded, so metalink clients try the best first. */
function inRankOrder(set: MirrorSet): MirrorSet {
  return {...set, candidates: set.candidates.map((candidate, index) => ({...candidate, priority: index + 1}))}
}

export default class Rank extends BaseCommand {
  static override description = 'Measure each mirror from here (TCP/TLS/protocol round trips, time to first byte, steady throughput) and sort them best first.'
  static override examples = [
    'mirrorkit verify --input set.json | <%= config.bin %> rank --top 3',
    '<%= config.bin %> rank --input set.json --by throughput --format metalink > f.meta4',
  ]

  static override flags = {
    input: Flags.string({char: 'i', description: 'MirrorSet JSON file ("-" for stdin); default: stdin when piped.'}),
    by: Flags.string({description: 'Order by predicted download time, round trip, or throughput.', options: [...RANK_BY], default: 'score'}),
    top: Flags.integer({description: 'Keep only the best N mirrors.', min: 0}),
    parallel: Flags.integer({description: 'Mirrors measured at once (more is faster but the probes share your link).', default: 1, min: 1}),
    all: Flags.boolean({description: 'Also measure mirrors that verify found mismatched or unreachable.', default: false}),
    'rtt-samples': Flags.integer({description: 'Round trips timed per probe kind.', default: 5, min: 1}),
    'max-time': Flags.integer({description: `Milliseconds a throughput probe may run after its first byte [config: rankBudget; default: ${DEFAULTS.rankBudgetMs}].`, min: 50}),
    'max-bytes': Flags.integer({description: 'Bytes a throughput probe may read.', default: DEFAULT_THROUGHPUT.maxBytes, min: 1024}),
    timeout: Flags.integer({description: 'Seconds to wait for a connection or a first byte.', default: DEFAULTS.rankTimeoutSeconds, min: 1}),
    history: Flags.boolean({description: 'Use and update the per-host history in the data directory (--no-history: neither).', default: true, allowNo: true}),
    format: Flags.string({description: 'Output format (default: table on a terminal, JSON otherwise); html is a self-contained status page.', options: ['table', ...FILE_FORMATS, 'html']}),
    config: Flags.string({description: 'Config file; default: config.json in the mirrorkit config directory.', env: 'MIRRORKIT_CONFIG'}),
    queue: queueFlag,
    vantage: Flags.string({description: 'With --queue: measure from these vantages (comma-separated names) or all live ones; each mirror then carries one entry per vantage.', default: 'all'}),
    ...transportFlags,
  }

  async run(): Promise<MirrorSet | MirrorSet[]> {
    const {flags} = await this.parse(Rank)
    const config = await loadUserConfig(this.config.configDir, flags.config)
    const sets = await readMirrorSetsInput(flags.input)
    if (!sets?.length) throw new UsageError('give a MirrorSet: --input FILE, or pipe one (e.g. from mirrorkit verify)')
    if (sets.length > 1 && flags.format && !['json', 'table', 'aria2', 'mirrorlist', 'csv'].includes(flags.format)) {
      throw new UsageError(`the input holds ${sets.length} files; --format ${flags.format} describes one (use json, table, aria2, mirrorlist or csv)`)
    }
    const options = {
      by: flags.by as (typeof RANK_BY)[number], top: flags.top, parallel: flags.parallel, includeAll: flags.all, rttSamples: flags['rtt-samples'],
      throughput: {maxMs: flags['max-time'] ?? config.rankBudget ?? DEFAULTS.rankBudgetMs, maxBytes: flags['max-bytes'], firstByteTimeoutMs: flags.timeout * 1000},
      timeoutMs: flags.timeout * 1000, historyPath: flags.history && !flags.queue ? join(this.config.dataDir, 'host-history.json') : undefined,
      transportOptions: transportOptionsFrom(flags, config),
    }
    const context = {signal: this.signal, onEvent: (event: RankEvent) => this.verbose && this.note(`measured ${event.url}: ${event.measurement.error?.code ?? formatRate(event.measurement.bytesPerSecond)}`)}
    const rankOne = async (set: MirrorSet): Promise<MirrorSet> => {
      let ranked: MirrorSet
      if (flags.queue) {
        // Loaded only here: BullMQ and ioredis cost start-up time that local runs should not pay.
        const {parseQueueUrl} = await import('../core/queue/connection.js')
        const {queuedRank} = await import('../core/queue/queued-rank.js')
        const vantages = flags.vantage === 'all' ? 'all' : flags.vantage.split(',').map((name) => name.trim()).filter(Boolean)
        ranked = await queuedRank(set, {...options, vantages}, parseQueueUrl(flags.queue), {...context, onProgress: progressPrinter('rank'), onNote: (line) => this.note(line)})
      } else ranked = await rankMirrors(set, options, context)
      if (ranked.candidates.length > 0 && !ranked.candidates.some((candidate) => candidate.rank && !candidate.rank.error)) {
        this.note(`mirrorkit: no mirror of ${ranked.target.name || 'the target'} could be measured (ENOMIRROR)`)
        // Set, not thrown: the set with every failure's reason still goes to stdout.
        process.exitCode = ExitCode.noMirror
      }
      return ranked
    }
    // A stream of sets (one per file) gives a stream of ranked sets.
    const ranked: MirrorSet[] = []
    for (const set of sets) ranked.push(await rankOne(set))
    if (flags.format && flags.format !== 'json' && !this.jsonEnabled()) {
      const render = (one: MirrorSet) =>
        flags.format === 'table' ? renderRankTable(one) + '\n' : flags.format === 'html' ? renderStatusPage(one) : renderMirrorSet(inRankOrder(one), flags.format as FileFormat)
      process.stdout.write(ranked.map(render).join(''))
      return ranked.length === 1 ? ranked[0]! : ranked
    }
    if (ranked.length > 1) return this.presentSets(ranked, renderRankTable)
    if (flags.format === 'json' && !this.jsonEnabled()) {
      process.stdout.write(renderMirrorSet(ranked[0]!, 'json'))
      return ranked[0]!
    }
    return this.present(ranked[0]!, () => renderRankTable(ranked[0]!))
  }
}
