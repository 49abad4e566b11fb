import { createClient } from './clients/ts/index.ts'
const root = process.argv[2]!
const c0 = createClient({ socket: `${root}/h0/s.sock` })
const info = await c0.diag.getInfo({})
console.log(info.listenAddresses)
const c = createClient({ socket: `${root}/h50/s.sock` })
const i50 = await c.diag.getInfo({})
console.log('h50', i50.listenAddresses)
const t0 = Date.now()
try { console.log(await c.diag.connectPeer({ target: info.listenAddresses.find(a => a.includes('/tcp/'))! })) } catch (e) { console.log('connect err', (e as Error).message) }
console.log('ms', Date.now() - t0)
console.log((await c.diag.health({})).peerCount)
c.close(); c0.close()
