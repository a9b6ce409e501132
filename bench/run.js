// `npm run bench`: runs the download scenarios against local mirrors in separate processes and reports the numbers.
import {existsSync} from 'node:fs'
import {cpus, loadavg} from 'node:os'
import path from 'node:path'
import {stopAll} from './children.js'
import {clientVersion, clients} from './clients.js'
import {parseOptions} from './options.js'
import {projectDirectory} from './paths.js'
import {renderTable, renderTargets, writeSummary} from './report.js'
import {mirrorkitStartup} from './startup.js'
import * as caps from './scenarios/caps.js'
import * as faults from './scenarios/faults.js'
import * as unshaped from './scenarios/unshaped.js'
import {checkTargets} from './targets.js'

const scenarios = {
  caps: {description: caps.description, run: caps.run},
  degrade: {description: faults.degradeDescription, run: faults.runDegrade},
  stall: {description: faults.stallDescription, run: faults.runStall},
  unshaped: {description: unshaped.description, run: unshaped.run},
}

const options = parseOptions(process.argv.slice(2))
const log = (message) => process.stderr.write(`bench: ${message}\n`)

if (!existsSync('/usr/bin/time')) {
  log('needs GNU time: apt-get install -y time')
  process.exit(1)
}
const available = new Map()
for (const name of Object.keys(clients)) {
  const version = name.startsWith('mirrorkit') ? mirrorkitVersion() : clientVersion(name)
  if (version) available.set(name, version)
  else log(`${name} is not available and is skipped (${name.startsWith('mirrorkit') ? 'build with npx tsc -p tsconfig.json' : 'apt-get install -y aria2 axel curl'})`)
}

// Loaded only for --shaper tc, so the default run needs no root and no `ip`.
const shaper = options.shaper === 'tc' ? (await import('./shaper-tc.js')).createShaper() : undefined
const context = {options, available, shaper, log}
const startedAt = new Date()
const loadAverageAtStart = loadavg()
log(`load average ${loadAverageAtStart.map((value) => value.toFixed(2)).join(' ')} on ${cpus().length} CPUs (other work on the machine skews CPU-bound rows)`)
const results = {}
const startup = available.has('mirrorkit') ? await mirrorkitStartup() : undefined
if (startup) process.stdout.write(`mirrorkit fetch --help: ${startup.wallSeconds.toFixed(2)} s wall, ${startup.cpuSeconds.toFixed(2)} CPU s, ${startup.peakRssMB.toFixed(0)} MB (start-up cost inside every mirrorkit row)\n`)
try {
  for (const name of options.scenarios) {
    log(`scenario ${name}: ${scenarios[name].description}`)
    results[name] = await scenarios[name].run(context)
    process.stdout.write(`\n${renderTable(name, results[name])}\n`)
  }
} finally {
  await stopAll()
}
const targets = checkTargets(results)
process.stdout.write(`\n${renderTargets(targets)}\n`)
const file = await writeSummary({
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  options,
  machine: {cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAverageAtStart, loadAverageAtEnd: loadavg()},
  clients: Object.fromEntries(available),
  mirrorkitStartup: startup,
  results,
  targets,
})
process.stdout.write(`\nsummary: ${path.relative(process.cwd(), file)}\n`)

function mirrorkitVersion() {
  const built = existsSync(path.join(projectDirectory, 'dist', 'commands', 'fetch.js'))
  return built ? `mirrorkit (dist) on node ${process.version}` : undefined
}
