// Parses the benchmark's command line: --quick, --scenario, --size, --servers, --shaper, --fault-clock, --clients, --mirrorkit-args, --repeat, --keep.
export const scenarioNames = ['caps', 'caps-rtt', 'caps-https', 'degrade', 'stall', 'short', 'spread', 'spread-published', 'mixed', 'relay', 'unshaped', 'unshaped-https', 'batch-small', 'batch-mixed', 'batch-medium']

const usage = `usage: npm run bench -- [options]
  --quick               64 MiB files, mirrorkit, tuned aria2c and curl only, 30 s per client, unshaped at 512 MiB (a smoke run, ~2 min)
  --scenario NAME       run only NAME (${scenarioNames.join(', ')}); repeatable
  --size MiB            file size for the shaped scenarios (default 256)
  --unshaped-size MiB   file size of the unshaped scenarios (default 1024)
  --servers S           daemons (default: nginx, vsftpd, sshd; Node mirrors where one is missing) or node (the project's own mirrors)
  --shaper tc|server    who enforces the caps: kernel HTB in a network namespace (default with root) or the Node mirrors' token buckets
  --fault-clock C       when the degrade/stall 3 s start: spawn (default: the client's start) or first-byte (when any mirror sends data)
  --clients a,b,...     only these (mirrorkit, mirrorkitNoCheck, mirrorkitBase (the build MIRRORKIT_BASE names), aria2Tuned, aria2Defaults, axel, curl)
  --mirrorkit-args "…"  extra arguments for \`mirrorkit fetch\` (e.g. "--connections 16")
  --repeat N            run every client N times, taking turns, and report each one's median run (default 1)
  --keep                keep the downloaded files in bench/out/downloads/<pid>/
  --help`

export function parseOptions(argv) {
  const options = {quick: false, scenarios: [], size: undefined, unshapedSize: undefined, servers: 'daemons', shaper: undefined, faultClock: 'spawn', clients: undefined, mirrorkitArgs: [], keep: false, repeat: 1}
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]
    const value = () => {
      const next = argv[++index]
      if (next === undefined) fail(`${argument} needs a value`)
      return next
    }
    switch (argument) {
      case '--quick': options.quick = true; break
      case '--keep': options.keep = true; break
      case '--repeat': options.repeat = Number(value()); break
      case '--scenario': options.scenarios.push(value()); break
      case '--size': options.size = Number(value()); break
      case '--unshaped-size': options.unshapedSize = Number(value()); break
      case '--servers': options.servers = value(); break
      case '--shaper': options.shaper = value(); break
      case '--fault-clock': options.faultClock = value(); break
      case '--clients': options.clients = value().split(',').map((name) => name.trim()).filter(Boolean); break
      case '--mirrorkit-args': options.mirrorkitArgs = value().split(/\s+/).filter(Boolean); break
      case '--help': case '-h': process.stdout.write(`${usage}\n`); process.exit(0); break
      default: fail(`unknown option ${argument}`)
    }
  }
  for (const name of options.scenarios) if (!scenarioNames.includes(name)) fail(`unknown scenario ${name}`)
  if (options.size !== undefined && !(options.size > 0)) fail('--size must be a positive number of MiB')
  if (!Number.isInteger(options.repeat) || options.repeat < 1 || options.repeat > 20) fail('--repeat must be a whole number from 1 to 20')
  if (options.unshapedSize !== undefined && !(options.unshapedSize > 0)) fail('--unshaped-size must be a positive number of MiB')
  if (!['daemons', 'node'].includes(options.servers)) fail('--servers must be daemons or node')
  if (options.shaper !== undefined && !['server', 'tc'].includes(options.shaper)) fail('--shaper must be server or tc')
  if (!['first-byte', 'spawn'].includes(options.faultClock)) fail('--fault-clock must be first-byte or spawn')
  if (options.scenarios.length === 0) options.scenarios = [...scenarioNames]
  return options
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n${usage}\n`)
  process.exit(2)
}
