import {describe, expect, it} from 'vitest'
import {extractResults, walk} from '../../../src/plugins/sources/search-results.js'
import {builtinEngines} from '../../../src/plugins/sources/engines/builtin.js'

const engine = (name: string) => builtinEngines.find((candidate) => candidate.name === name)!
const PAGE = 'https://engine.example/search?q=x'

describe('extractResults', () => {
  it('unwraps DuckDuckGo uddg links and leaves plain links alone', () => {
    const body = `<a class="result__a" href="//duckduckgo.com/l/?uddg=${encodeURIComponent('ftp://m.example/f.iso?a=1&b=2')}&amp;rut=1">t</a><a class="result__a" href="https://direct.example/f.iso">u</a><a class="other" href="https://ignored.example/">v</a>`
    expect(extractResults(engine('duckduckgo'), body, PAGE)).toEqual([
      {url: 'ftp://m.example/f.iso?a=1&b=2', title: 't'},
      {url: 'https://direct.example/f.iso', title: 'u'},
    ])
  })

  it('unwraps Bing a1+base64url links, and keeps links whose payload is not a URL', () => {
    const wrapped = `https://www.bing.com/ck/a?!&&p=1&u=a1${Buffer.from('https://m.example/f.iso').toString('base64url')}&ntb=1`
    const junk = `https://www.bing.com/ck/a?u=a1${Buffer.from('not a url').toString('base64url')}`
    const body = `<ol><li class="b_algo"><h2><a href="${wrapped.replace(/&/g, '&amp;')}">A</a></h2></li><li class="b_algo"><h2><a href="${junk}">B</a></h2></li></ol>`
    expect(extractResults(engine('bing'), body, PAGE).map((link) => link.url)).toEqual(['https://m.example/f.iso', junk])
  })

  it('takes the last link of each line in the pre.list block only', () => {
    const body = `<a href="http://outside.example/f.iso">no</a><pre class=list>\n<a href="ftp://h1/">h1</a> <a href="ftp://h1/pub/">pub</a> <a href="ftp://h1/pub/f.iso">f.iso</a>\nno links here\n<a href="ftp://h2/f.iso">f.iso</a>\n</pre>`
    expect(extractResults(engine('filesearching'), body, PAGE).map((link) => link.url)).toEqual(['ftp://h1/pub/f.iso', 'ftp://h2/f.iso'])
  })

  it('reads SearXNG JSON with titles, tolerates broken JSON, and caps results at 200', () => {
    const body = JSON.stringify({results: [{url: 'https://a.example/f.iso', title: 'Index of /'}, {title: 'no url'}, {url: 'https://b.example/f.iso'}]})
    expect(extractResults(engine('searxng'), body, PAGE)).toEqual([
      {url: 'https://a.example/f.iso', title: 'Index of /'},
      {url: 'https://b.example/f.iso', title: ''},
    ])
    expect(extractResults(engine('searxng'), '{not json', PAGE)).toEqual([])
    const many = JSON.stringify({results: Array.from({length: 500}, (_, index) => ({url: `https://m${index}.example/f.iso`}))})
    expect(extractResults(engine('searxng'), many, PAGE)).toHaveLength(200)
  })

  it('walks paths through arrays and objects', () => {
    expect(walk({a: [{b: [1, 2]}, {b: [3]}, {c: 4}]}, 'a[].b[]')).toEqual([1, 2, 3])
    expect(walk({a: {b: 'x'}}, 'a.b')).toEqual(['x'])
    expect(walk(null, 'a[].b')).toEqual([])
  })
})
