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
import {droppedVariables} from './measure.js'
import {daemonsInstalled} from './daemons.js'
import {runShaped, shapedScenarios} from './scenarios/shaped.js'
import {batchScenarios, runBatch} from './scenarios/batch.js'
import * as relayCheck from './scenarios/relay-check.js'
import * as unshaped from './scenarios/unshaped.js'
import {tcAvailable} from './shaper-tc.js'
import {checkTargets} from './targets.js'

const scenarios = {
  ...Object.fromEntries(Object.entries(shapedScenarios).map(([name, scenario]) => [name, {description: scenario.description, run: (context) => runShaped(context, name)}])),
  ...Object.fromEntries(Object.entries(batchScenarios).map(([name, scenario]) => [name, {description: scenario.description, run: (context) => runBatch(context, name)}])),
  relay: {description: relayCheck.description, run: relayCheck.run},
  unshaped: {description: unshaped.description, run: unshaped.run},
  'unshaped-https': {description: unshaped.httpsDescription, run: unshaped.runHttps},
}

const options = parseOptions(process.argv.slice(2))
const log = (message) => process.stderr.write(`bench: ${message}\n`)

if (!existsSync('/usr/bin/time')) {
  log('needs GNU time: apt-get install -y time')
  process.exit(1)
}
const available = new Map()
for (const name of Object.keys(clients)) {
  const version = name === 'mirrorkitBase' ? baseVersion() : name.startsWith('mirrorkit') ? mirrorkitVersion() : clientVersion(name)
  if (version) available.set(name, version)
  else log(`${name} is not available and is skipped (${name.startsWith('mirrorkit') ? 'build with npx tsc -p tsconfig.json' : 'apt-get install -y aria2 axel curl'})`)
}

// With root, kernel HTB shapes real daemons; without it the caps fall back to the Node mirrors' token buckets.
const notes = []
const note = (message) => {
  notes.push(message)
  log(message)
}
if (options.shaper === undefined) options.shaper = tcAvailable() ? 'tc' : 'server'
if (options.shaper === 'tc' && !tcAvailable()) {
  log('--shaper tc needs root, `ip` and `tc`')
  process.exit(1)
}
const daemons = daemonsInstalled()
if (options.servers === 'daemons') {
  const missing = Object.entries(daemons).filter(([, installed]) => !installed).map(([protocol]) => protocol)
  if (missing.length > 0) note(`no real server for ${missing.join(', ')} (test/interop/install.sh installs nginx, vsftpd, sshd): HTTP falls back to Node mirrors, the other protocols' scenarios fail`)
  if (options.shaper === 'server') note('no root for tc: the caps are the Node mirrors\' token buckets (a fair share per connection), not real daemons behind one shared queue')
} else {
  note('--servers node: the project\'s own Node mirrors serve every row')
}
if (droppedVariables.length > 0) note(`clients run without ${droppedVariables.join(', ')} (start-up cost of this machine, not of a download; BENCH_KEEP_ENV=1 keeps it)`)
const shaper = options.shaper === 'tc' ? (await import('./shaper-tc.js')).createShaper() : undefined
const context = {options, available, shaper, servers: options.servers, daemons, log}
log(`servers: ${options.servers}; caps: ${shaper ? 'tc HTB (one class and one FIFO per server) in a private namespace' : 'server-side token buckets'}; faults timed from the ${options.faultClock === 'spawn' ? 'client\'s spawn' : 'first body byte'}`)
const startedAt = new Date()
const loadAverageAtStart = loadavg()
log(`load average ${loadAverageAtStart.map((value) => value.toFixed(2)).join(' ')} on ${cpus().length} CPUs (other work on the machine skews CPU-bound rows)`)
const results = {}
const startup = available.has('mirrorkit') ? await mirrorkitStartup() : undefined
if (startup) process.stdout.write(`mirrorkit fetch --help: ${startup.wallSeconds.toFixed(2)} s wall, ${startup.cpuSeconds.toFixed(2)} CPU s, ${startup.peakRssMB.toFixed(0)} MB (start-up cost inside every mirrorkit row)\n`)
try {
  for (const name of options.scenarios) {
    log(`scenario ${name}: ${scenarios[name].description}`)
    try {
      results[name] = await scenarios[name].run(context)
      process.stdout.write(`\n${renderTable(name, results[name])}\n`)
    } catch (error) {
      note(`scenario ${name} failed: ${error.message}`)
    }
  }
} finally {
  await stopAll()
}
const targets = checkTargets(results)
process.stdout.write(`\n${renderTargets(targets)}\n`)
if (notes.length > 0) process.stdout.write(`\nnotes\n${notes.map((each) => `  ${each}`).join('\n')}\n`)
const file = await writeSummary({
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  options,
  machine: {cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAverageAtStart, loadAverageAtEnd: loadavg()},
  clients: Object.fromEntries(available),
  servers: options.servers,
  shaper: options.shaper,
  notes,
  mirrorkitStartup: startup,
  results,
  targets,
})
process.stdout.write(`\nsummary: ${path.relative(process.cwd(), file)}\n`)

/** The build MIRRORKIT_BASE names, when it is set and built (an A/B partner; see clients.js). */
function baseVersion() {
  const base = process.env.MIRRORKIT_BASE
  return base && existsSync(path.join(base, 'dist', 'commands', 'fetch.js')) ? `mirrorkit (dist of ${base}) on node ${process.version}` : undefined
}

function mirrorkitVersion() {
  const built = existsSync(path.join(projectDirectory, 'dist', 'commands', 'fetch.js'))
  return built ? `mirrorkit (dist) on node ${process.version}` : undefined
}
