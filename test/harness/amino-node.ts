// A plain js-libp2p node playing one server of the public IPFS (Amino) DHT in the simulated internet
// (test/harness/nat-internet.ts): kad-dht in server mode on /ipfs/kad/1.0.0 with the default mapper
// that drops private addresses, identify, ping (kad-dht needs it), and an AutoNAT v1 service — real
// Amino nodes (Kubo) run one, and it is how a daemon on a public address learns that it is reachable
// before any moltmesh peer knows it. No moltmesh code.
//
// Run inside a namespace: AMINO_ANNOUNCE=<ip> AMINO_PEERS=<multiaddr,...> node test/harness/amino-node.ts
// Prints one JSON line {"peerId","addrs"} once listening, then runs until killed.

import { noise } from '@chainsafe/libp2p-noise'
import { quic } from '@chainsafe/libp2p-quic'
import { yamux } from '@chainsafe/libp2p-yamux'
import { autoNAT } from '@libp2p/autonat'
import { identify } from '@libp2p/identify'
import { kadDHT } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { isMultiaddr, multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

const ip = process.env.AMINO_ANNOUNCE ?? ''
const port = Number(process.env.AMINO_PORT ?? 4001)
const peers = (process.env.AMINO_PEERS ?? '').split(',').filter((p) => p !== '')
if (ip === '') throw new Error("AMINO_ANNOUNCE (this node's public IP) is required")

const node = await createLibp2p({
  addresses: {
    listen: [`/ip4/0.0.0.0/tcp/${port}`, `/ip4/0.0.0.0/udp/${port}/quic-v1`],
    // An operator-known public address, as Amino servers have; announce addresses count as confirmed.
    announce: [`/ip4/${ip}/tcp/${port}`, `/ip4/${ip}/udp/${port}/quic-v1`],
  },
  // TCP and QUIC, like Kubo: AutoNAT dials back only transports it has.
  transports: [tcp(), quic()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({ protocol: '/ipfs/kad/1.0.0', clientMode: false }),
    autonat: autoNAT(),
  },
})
// js-libp2p's AutoNAT v1 server dials the address to check with openConnection, which hands back the
// connection the asking peer already has open to us (its remote port is an ephemeral one), so every
// check fails as "dialed the wrong address" and that connection is closed. Go Amino nodes dial back on
// a new connection; so does this one: a dial to a multiaddr (only AutoNAT dials bare multiaddrs here;
// the DHT dials peer ids) always opens a new connection.
const connectionManager = (node as unknown as { components: { connectionManager: Record<string, unknown> } })
  .components.connectionManager
const openConnection = (connectionManager.openConnection as (...args: unknown[]) => unknown).bind(
  connectionManager,
)
connectionManager.openConnection = (target: unknown, options: Record<string, unknown> = {}) =>
  openConnection(target, isMultiaddr(target) ? { ...options, force: true } : options)

for (const p of peers) await node.dial(multiaddr(p)).catch(() => undefined)
process.stdout.write(
  `${JSON.stringify({ peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map((a) => a.toString()) })}\n`,
)
const stop = () => void Promise.resolve(node.stop()).finally(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
