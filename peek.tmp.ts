import { createClient } from './clients/ts/index.ts'
import { readdirSync } from 'node:fs'
const root = process.argv[2]!
const out: string[] = []
for (const h of readdirSync(root).filter(x => /^h\d+$/.test(x)).sort((a,b)=>Number(a.slice(1))-Number(b.slice(1)))) {
  const c = createClient({ socket: `${root}/${h}/s.sock` })
  try { const r = await c.diag.health({}, { deadlineMs: 3000 }); out.push(`${h}:${r.peerCount}`) } catch (e) { out.push(`${h}:ERR`) } finally { c.close() }
}
console.log(out.join(' '))
