// The shortest possible download time when the mirrors' combined capacity changes over time.

/**
 * `schedule` is [{from: seconds, rate: bytes/s}, ...] sorted by `from`, starting at 0; each rate holds
 * until the next entry's `from`. Returns the seconds a perfect client needs to move `bytes`.
 */
export function idealSeconds(bytes, schedule) {
  let remaining = bytes
  for (let index = 0; index < schedule.length; index++) {
    const {from, rate} = schedule[index]
    const until = schedule[index + 1]?.from ?? Infinity
    const capacity = rate * (until - from)
    if (remaining <= capacity) return from + remaining / rate
    remaining -= capacity
  }
  return Infinity
}
