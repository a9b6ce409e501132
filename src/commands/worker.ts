// `mirrorkit worker`: a long-running process that takes queued verify and rank checks from Redis and runs them with the core code.
import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {transportFlags, transportOptionsFrom} from '../cli/transport-flags.js'
import {loadUserConfig} from '../cli/user-config.js'

/** SIGTERM gives running checks this long to finish before they are handed back (BaseCommand exits at 5 s). */
const GRACE_MS = 4000

export default class Worker extends BaseCommand {
  static override description = 'Take queued verify and rank checks from Redis (BullMQ) and run them; one log line per job on stderr. SIGTERM stops cleanly.'
  static override examples = [
    '<%= config.bin %> worker --queue redis://127.0.0.1:6379/0',
    '<%= config.bin %> worker --queue redis://queue.example:6379/2 --vantage fra1 --concurrency 8',
  ]

  static override flags = {
    queue: Flags.string({description: 'Redis URL of the queue (redis://[user:password@]HOST:PORT/DB).', env: 'MIRRORKIT_QUEUE', required: true}),
    vantage: Flags.string({description: 'Name of where this worker measures from; rank jobs for it come here (default: the host name).'}),
    concurrency: Flags.integer({description: 'Checks this worker runs at once.', default: 4, min: 1}),
    'per-host': Flags.integer({description: 'Checks of one mirror host at once, across all workers.', default: 2, min: 1}),
    rate: Flags.integer({description: 'Checks started per second across all workers (give every worker the same value).', default: 20, min: 1}),
    'lock-ms': Flags.integer({description: 'Milliseconds a job stays locked; a killed worker\'s jobs go to others after about this long.', default: 30_000, min: 500, hidden: true}),
    config: Flags.string({description: 'Config file; default: config.json in the mirrorkit config directory.', env: 'MIRRORKIT_CONFIG'}),
    ...transportFlags,
  }

  async run(): Promise<{vantage: string; stopped: true}> {
    const {flags} = await this.parse(Worker)
    const config = await loadUserConfig(this.config.configDir, flags.config)
    const {parseQueueUrl} = await import('../core/queue/connection.js')
    const {startWorker} = await import('../core/queue/worker.js')
    const handle = await startWorker({
      target: parseQueueUrl(flags.queue), vantage: flags.vantage, concurrency: flags.concurrency, perHost: flags['per-host'], ratePerSecond: flags.rate,
      lockMs: flags['lock-ms'], transportOptions: transportOptionsFrom(flags, config), log: (line) => this.note(line),
    })
    await new Promise<void>((resolve) => this.signal.addEventListener('abort', () => resolve(), {once: true}))
    this.note('worker: stopping; running checks get a few seconds to finish')
    const graceful = handle.close()
    const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), GRACE_MS).unref())
    if ((await Promise.race([graceful.then(() => 'done' as const), timer])) === 'late') await handle.close(true)
    this.note('worker: stopped')
    process.exitCode = 0
    return {vantage: handle.vantage, stopped: true}
  }
}
