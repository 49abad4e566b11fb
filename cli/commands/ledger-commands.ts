// `moltmesh ledger balance|history|limit|settle|settlements|respond|receipts|verify`.

import type { Command } from 'commander'
import { a2a, formatCredits, type types } from '../../clients/ts/index.ts'
import { action, withClient } from '../context.ts'
import { intOption } from '../int-option.ts'
import { printFields } from '../output/format.ts'
import { printMessage } from '../output/proto-json.ts'
import { safeText } from '../output/terminal-safe.ts'

function balanceLine(b: types.Balance): string {
  return `${b.peer}  balance ${b.balance.padStart(8)}  reserved ${b.reserved}  limit ${b.creditLimit}  done ${b.tasksCompleted}  failed ${b.tasksFailed}`
}

function settlementLine(s: types.Settlement): string {
  // The reference is the proposer's free text: escaped like every peer string.
  return safeText(
    `${s.id}  ${s.status.padEnd(8)} ${formatCredits(s.amount)}  ${s.proposer} -> ${s.counterparty}${s.reference ? `  (${s.reference})` : ''}`,
  )
}

export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('bilateral credit balances, receipts and settlements')

  ledger
    .command('balance [peer]')
    .description('balance with one agent (DID or name), or with every agent (positive = they owe you)')
    .action(
      action(async (peer: string | undefined, _opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          if (peer != null) {
            const res = await client.a2a.getBalance({ peer })
            if (json) return printMessage(a2a.GetBalanceResponse, res)
            const b = res.balance as types.Balance
            printFields([
              ['Peer', b.peer],
              ['Balance', `${formatCredits(b.balance)} (positive: they owe you)`],
              ['Reserved', b.reserved],
              ['Credit limit', b.creditLimit],
              ['Tasks', `${b.tasksCompleted} completed, ${b.tasksFailed} failed`],
            ])
            return
          }
          const res = await client.a2a.listBalances({})
          if (json) return printMessage(a2a.ListBalancesResponse, res)
          console.log(`default credit limit ${res.defaultCreditLimit}`)
          for (const b of res.balances) console.log(balanceLine(b))
        }),
      ),
    )

  ledger
    .command('history')
    .description('ledger entries, newest first')
    .option('--peer <did|name>', 'only with this agent', '')
    .option('--limit <n>', 'page size (max 1000)', intOption(1, 1000), 50)
    .option('--page-token <token>', 'continue after a previous page', '')
    .action(
      action(async (opts: { peer: string; limit: number; pageToken: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.listLedgerEntries({
            peer: opts.peer,
            pageSize: opts.limit,
            pageToken: opts.pageToken,
          })
          if (json) return printMessage(a2a.ListLedgerEntriesResponse, res)
          for (const e of res.entries)
            console.log(
              `${new Date(e.createdAtMs).toISOString()}  ${e.kind.padEnd(11)} ${e.amount.padStart(8)}  ${e.peer}  ${e.reference}  balance ${e.balanceAfter}`,
            )
          if (res.nextPageToken !== '') console.log(`more: --page-token ${res.nextPageToken}`)
        }),
      ),
    )

  ledger
    .command('limit <amount>')
    .description(
      'set the credit limit granted to one agent (--peer), to members of a network (--network; "" removes it) or the default (--default)',
    )
    .option('--peer <did|name>', 'the agent')
    .option('--network <id>', 'the default for members of this network')
    .option('--default', 'the default for agents without their own limit')
    .action(
      action(
        async (amount: string, opts: { peer?: string; network?: string; default?: boolean }, cmd: Command) =>
          withClient(cmd, async (client, { json }) => {
            const given = [opts.peer != null, opts.network != null, opts.default === true].filter(
              Boolean,
            ).length
            if (given !== 1) throw new Error('give one of --peer <did|name>, --network <id> and --default')
            const res = await client.a2a.setCreditLimit({
              peer: opts.peer ?? '',
              network: opts.network ?? '',
              defaultLimit: opts.default === true,
              amount,
            })
            if (json) return printMessage(a2a.SetCreditLimitResponse, res)
            if (res.balance != null) console.log(balanceLine(res.balance))
            else if (opts.network != null)
              console.log(
                amount === ''
                  ? `network ${opts.network}: default credit limit removed`
                  : `network ${opts.network}: default credit limit ${amount}`,
              )
            else console.log(`default credit limit ${amount}`)
          }),
      ),
    )

  ledger
    .command('settle')
    .description('propose a settlement: you paid the peer `amount` (it moves balances once they countersign)')
    .requiredOption('--peer <did|name>', 'the agent you paid')
    .requiredOption('--amount <credits>', 'amount paid')
    .option('--reference <text>', 'external reference (invoice, transaction id)', '')
    .action(
      action(async (opts: { peer: string; amount: string; reference: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.settleBalance(opts)
          if (json) return printMessage(a2a.SettleBalanceResponse, res)
          console.log(settlementLine(res.settlement as types.Settlement))
        }),
      ),
    )

  ledger
    .command('settlements')
    .description('settlements, newest first')
    .option('--peer <did|name>', 'only with this agent', '')
    .option('--status <status>', 'proposed, accepted or rejected', '')
    .action(
      action(async (opts: { peer: string; status: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.listSettlements(opts)
          if (json) return printMessage(a2a.ListSettlementsResponse, res)
          for (const s of res.settlements) console.log(settlementLine(s))
        }),
      ),
    )

  ledger
    .command('respond <id>')
    .description('countersign (--accept) or refuse (--reject) a settlement proposed to you')
    .option('--accept', 'countersign')
    .option('--reject', 'refuse')
    .action(
      action(async (id: string, opts: { accept?: boolean; reject?: boolean }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          if ((opts.accept === true) === (opts.reject === true)) throw new Error('give --accept or --reject')
          const res = await client.a2a.respondSettlement({ id, accept: opts.accept === true })
          if (json) return printMessage(a2a.RespondSettlementResponse, res)
          console.log(settlementLine(res.settlement as types.Settlement))
        }),
      ),
    )

  ledger
    .command('receipts')
    .description('signed receipts of priced tasks, newest first')
    .option('--peer <did|name>', 'only with this agent', '')
    .action(
      action(async (opts: { peer: string }, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.listReceipts({ peer: opts.peer })
          if (json) return printMessage(a2a.ListReceiptsResponse, res)
          for (const r of res.receipts)
            console.log(
              `${r.taskId}  ${r.status.padEnd(8)} ${formatCredits(r.price)}  ${r.skill}  ${r.requester} -> ${r.provider}`,
            )
        }),
      ),
    )

  ledger
    .command('verify')
    .description('check that every cached balance equals the sum of its entries and receipts verify')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const res = await client.a2a.verifyLedger({})
          if (json) return printMessage(a2a.VerifyLedgerResponse, res)
          printFields([
            ['OK', res.ok],
            ['Peers', res.peersChecked],
            ['Entries', res.entriesChecked],
            ['Problems', res.problems],
          ])
          if (!res.ok) process.exitCode = 1
        }),
      ),
    )
}
