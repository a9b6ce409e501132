// Parses HTTP Link header values (RFC 8288) tolerantly: malformed parts are reported, never thrown.

export type Link = {target: string; params: Record<string, string>}

/** Splits on commas outside <...> and quoted strings, then reads `<target>; key=value; key="value"`. */
export function parseLinkHeader(value: string): {links: Link[]; malformed: string[]} {
  const links: Link[] = []
  const malformed: string[] = []
  for (const part of splitOutside(value, ',')) {
    const text = part.trim()
    if (!text) continue
    const match = /^<([^>]*)>(.*)$/s.exec(text)
    if (!match) {
      malformed.push(text)
      continue
    }
    const params: Record<string, string> = {}
    for (const parameter of splitOutside(match[2]!, ';')) {
      const pair = /^\s*([A-Za-z0-9!#$&+.^_`|~*-]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^\s;]*))?\s*$/.exec(parameter)
      if (!pair) {
        if (parameter.trim()) malformed.push(text)
        continue
      }
      const key = pair[1]!.toLowerCase()
      const raw = pair[2] ?? ''
      // The first occurrence wins (RFC 8288 §3.3), and a bare flag like "pref" gets an empty value.
      if (!(key in params)) params[key] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw
    }
    links.push({target: match[1]!.trim(), params})
  }
  return {links, malformed}
}

/** Whether a link's rel (a space-separated list, case-insensitive) includes `relation`. */
export function hasRelation(link: Link, relation: string): boolean {
  return (link.params.rel ?? '').toLowerCase().split(/\s+/).includes(relation)
}

function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = []
  let current = ''
  let inAngle = false
  let inQuote = false
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!
    if (inQuote && character === '\\') {
      current += character + (text[index + 1] ?? '')
      index++
      continue
    }
    if (character === '"' && !inAngle) inQuote = !inQuote
    else if (character === '<' && !inQuote) inAngle = true
    else if (character === '>' && !inQuote) inAngle = false
    if (character === separator && !inAngle && !inQuote) {
      parts.push(current)
      current = ''
    } else {
      current += character
    }
  }
  parts.push(current)
  return parts
}
