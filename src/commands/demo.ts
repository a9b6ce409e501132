// `mirrorkit demo`: the whole pipeline against local mirrors it starts itself (no internet, no root), shown stage by stage.
import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {renderDiscoverTable} from '../cli/discover-table.js'
import {createProgress} from '../cli/progress.js'
import {renderRankTable} from '../cli/rank-table.js'
import {renderPipelineReport} from '../cli/report.js'
import {sizeFlag} from '../cli/size-flag.js'
import {renderVerifyTable} from '../cli/verify-table.js'
import type {DemoResult} from '../core/demo/run-demo.js'
import type {DemoMirror} from '../core/demo/demo-mirrors.js'
import {ExitCode} from '../core/error-codes.js'
import type {PipelineEvent} from '../core/pipeline.js'
import {formatBytes, formatRate} from '../core/units.js'

const TITLES = {discover: 'discover: who might have the file', verify: 'verify: who really has the same bytes', rank: 'rank: who is fast from here'}

export default class Demo extends BaseCommand {
  static override description =
    'Run the whole pipeline against local mirrors it starts itself: no internet, no root, about 15 seconds.\n' +
    'It starts mirrors on 127.0.0.1 (HTTP at 8, 4 and 2 MB/s, FTP, SFTP with a generated host key and client key, one HTTP mirror ' +
    'serving corrupted bytes, one that is honest only where verify samples, a search page and a metalink with piece hashes that list them), ' +
    'makes a file, and runs discover -> verify -> rank -> fetch ' +
    'against them. It checks the downloaded file\'s sha256, stops every server and removes its temporary directory (unless --keep). ' +
    'Your ~/.ssh and host history are never touched.'

  static override examples = [
    '<%= config.bin %> demo',
    '<%= config.bin %> demo --size 8M --keep',
    '<%= config.bin %> demo --json | jq \'.report.fetch.mirrors\'',
  ]

  static override flags = {
    size: sizeFlag({description: 'Size of the demo file, e.g. 8M or 48M.', default: 32 * 1024 * 1024, defaultHelp: async () => '32M'}),
    keep: Flags.boolean({description: 'Keep the temporary directory (the file, keys and known_hosts) and print where it is.', default: false}),
  }

  async run(): Promise<DemoResult> {
    const {flags} = await this.parse(Demo)
    const show = !this.jsonEnabled()
    const progress = createProgress(show ? 'auto' : 'none')
    const onEvent = (event: PipelineEvent) => {
      if (event.type === 'fetch') return progress.onEvent(event.event)
      if (!show || event.type !== 'stage-end' || event.stage === 'fetch' || !event.set) return
      const table = {discover: renderDiscoverTable, verify: renderVerifyTable, rank: renderRankTable}[event.stage](event.set)
      this.note(`\n== ${TITLES[event.stage]} (${(event.durationMs / 1000).toFixed(1)} s)\n${table}`)
      if (event.stage === 'rank') this.note('\n== fetch: segments from every verified mirror at once')
    }
    const onReady = (mirrors: DemoMirror[], directory: string) => {
      if (!show) return
      this.note(`mirrorkit demo: ${formatBytes(flags.size)} file on ${mirrors.length} local mirrors, working in ${directory}`)
      for (const mirror of mirrors) {
        this.note(`  ${mirror.role.padEnd(34)} ${mirror.bytesPerSecond ? formatRate(mirror.bytesPerSecond).padStart(11) : ''.padStart(11)}  ${mirror.url}`)
      }
    }
    let result: DemoResult
    try {
      // Loaded here, not at the top: the demo's servers pull in ssh2, which every other command would pay for at start-up.
      const {runDemo} = await import('../core/demo/run-demo.js')
      result = await runDemo({size: flags.size, keep: flags.keep}, {signal: this.signal, onEvent, onReady})
    } finally {
      progress.close()
    }
    if (!result.matched) {
      this.note("mirrorkit: the demo's download does not match the file's SHA-256 (EINTEGRITY)")
      process.exitCode = ExitCode.integrity
    }
    return this.present(result, () =>
      [
        '',
        '== summary',
        renderPipelineReport(result.report),
        '',
        `${result.matched ? 'ok' : 'FAILED'}  sha256 ${result.actualSha256}${result.matched ? ' matches the generated file' : ` expected ${result.expectedSha256}`}`,
        `demo took ${(result.durationMs / 1000).toFixed(1)} s; every server stopped; ${result.kept ? `kept ${result.directory}` : 'temporary directory removed'}`,
        'next: mirrorkit get <URL> -o FILE against real mirrors, or mirrorkit discover URL | mirrorkit verify | mirrorkit rank',
      ].join('\n'),
    )
  }
}
