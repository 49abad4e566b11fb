// When the addresses others should use change (a relay address came or went, p2p/public-network.ts),
// peers must learn the new way in: the card and its provider records are republished, once, shortly
// after the last change (changes come in bursts while relays are found).

import type { Startable } from '../lifecycle/startable.ts'
import type { Logger } from '../log/logger.ts'
import type { CardsService } from './cards-service.ts'

const SETTLE_MS = 2_000

export interface AddressRepublish extends Startable {
  /** Tells it the addresses changed. */
  addressesChanged(): void
}

export function createAddressRepublish(c: {
  cards: Pick<CardsService, 'publish'>
  logger: Logger
}): AddressRepublish {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  return {
    addressesChanged() {
      if (stopped) return
      clearTimeout(timer)
      timer = setTimeout(() => {
        c.cards
          .publish(undefined, 0, false)
          .catch((err: Error) => c.logger.warn({ err: err.message }, 'card republish failed'))
      }, SETTLE_MS)
      timer.unref()
    },
    start: () => undefined,
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
