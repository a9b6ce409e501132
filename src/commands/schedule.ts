// `mirrorkit schedule`: registers a recurring round (discover, queued verify, queued rank) that workers run and publish to a status directory.
import {resolve} from 'node:path'
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {buildDiscoverRequest} from '../cli/discover-request.js'
import {loadUserConfig} from '../cli/user-config.js'
import {DEFAULTS} from '../core/defaults.js'

export default class Schedule extends BaseCommand {
  static override description = 'Register a recurring check of a file\'s mirrors on the queue: every round, a worker discovers, verifies and ranks them and writes status JSON and index.html to the status directory.'
  static override examples = [
    '<%= config.bin %> schedule --queue redis://127.0.0.1:6379/0 --every 10m --status-dir /srv/www/status https://example.org/pub/f.iso -l mirrors.txt',
    '<%= config.bin %> schedule --queue redis://127.0.0.1:6379/0 --name f.iso --remove',
  ]

  static override args = {
    target: Args.string({description: 'What to discover each round: the primary URL, a metalink, or a file name (as for discover).', ignoreStdin: true}),
  }

  static override flags = {
    queue: Flags.string({description: 'Redis URL of the queue (redis://[user:password@]HOST:PORT/DB).', env: 'MIRRORKIT_QUEUE', required: true}),
    every: Flags.string({description: 'How often a round runs: 30s, 10m, 1h (at least 10s).', default: '10m'}),
    'status-dir': Flags.string({description: 'Directory the worker running a round writes status.json, status-<round>.json, history.json and index.html to (shared or on that machine).'}),
    name: Flags.string({description: 'Name of the schedule (default: the target); registering a name again replaces it.'}),
    remove: Flags.boolean({description: 'Remove the schedule called --name (or the target) instead of registering it.', default: false}),
    list: Flags.string({char: 'l', description: 'Mirror list file or URL, read each round (repeatable).', multiple: true}),
    var: Flags.string({description: 'Value for a $variable in pacman lists, as name=value (repeatable).', multiple: true}),
    path: Flags.string({description: 'Path appended to base URLs in lists.'}),
    source: Flags.string({description: 'Discovery sources to run (as for discover).', multiple: true, options: ['metalink', 'headers', 'neighbours', 'list', 'search']}),
    samples: Flags.integer({description: 'Ranges sampled per mirror by verify.', default: DEFAULTS.verifySamples, min: 0}),
    'sample-size': Flags.integer({description: 'Bytes per sampled range.', default: 64 * 1024, min: 1}),
    'rtt-samples': Flags.integer({description: 'Round trips timed per probe kind.', default: 5, min: 1}),
    'max-time': Flags.integer({description: 'Milliseconds a throughput probe may run after its first byte.', default: 3000, min: 50}),
    vantage: Flags.string({description: 'Vantages to rank from (comma-separated) or all live ones.', default: 'all'}),
    config: Flags.string({description: 'Config file; default: config.json in the mirrorkit config directory.', env: 'MIRRORKIT_CONFIG'}),
    insecure: Flags.boolean({description: 'Skip TLS certificate checks.', default: false}),
  }

  async run(): Promise<{schedule: string; removed?: boolean; every?: string; statusDir?: string; nextAt?: string}> {
    const {args, flags} = await this.parse(Schedule)
    const {parseQueueUrl} = await import('../core/queue/connection.js')
    const {parseEvery, registerRound, removeRound} = await import('../core/queue/rounds.js')
    const {UsageError} = await import('../core/errors.js')
    const target = parseQueueUrl(flags.queue)
    const name = flags.name ?? args.target
    if (!name) throw new UsageError('give the target to check (a URL or file name), or --name with --remove')
    if (flags.remove) return {schedule: name, removed: await removeRound(target, name)}
    if (!args.target) throw new UsageError('give the target to check: a URL, a metalink or a file name')
    if (!flags['status-dir']) throw new UsageError('give --status-dir: where each round\'s status JSON and index.html go')
    const everyMs = parseEvery(flags.every)
    const config = await loadUserConfig(this.config.configDir, flags.config)
    const request = buildDiscoverRequest(args.target, flags, config, [])
    const vantages = flags.vantage === 'all' ? 'all' : flags.vantage.split(',').map((vantage) => vantage.trim()).filter(Boolean)
    const statusDir = resolve(flags['status-dir'])
    const registered = await registerRound(target, {
      kind: 'round', name, request, statusDir,
      verify: {samples: flags.samples, sampleSize: flags['sample-size']},
      rank: {rttSamples: flags['rtt-samples'], throughput: {maxMs: flags['max-time']}, vantages},
    }, everyMs)
    this.note(`schedule ${name}: every ${flags.every} on ${target.display}, status in ${statusDir}`)
    return {schedule: registered.id, every: flags.every, statusDir, ...(registered.nextAt && {nextAt: registered.nextAt})}
  }
}
