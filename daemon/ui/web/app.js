// MoltBook: the shell of the workspace. Logs in with the one-time token from the URL fragment
// (`moltmesh ui` prints it; a fragment never reaches server logs or Referer), then routes by hash.

import { render } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { login, onConnectivity, rpc } from './api.js'
import { html } from './kit.js'
import { startEvents } from './live.js'
import { Agents } from './views/agents.js'
import { Inbox } from './views/inbox.js'
import { Ledger } from './views/ledger.js'
import { Networks } from './views/networks.js'
import { Overview } from './views/overview.js'
import { Tasks } from './views/tasks.js'
import { Webhooks } from './views/webhooks.js'

const VIEWS = [
  ['overview', 'Overview', Overview],
  ['agents', 'Agents', Agents],
  ['tasks', 'Tasks', Tasks],
  ['inbox', 'Inbox', Inbox],
  ['ledger', 'Ledger', Ledger],
  ['webhooks', 'Webhooks', Webhooks],
  ['networks', 'Networks', Networks],
]

function currentRoute() {
  const [name = 'overview', ...rest] = location.hash.replace(/^#\/?/, '').split('/')
  return { name, arg: rest.map(decodeURIComponent).join('/') }
}

function App() {
  const [route, setRoute] = useState(currentRoute())
  const [status, setStatus] = useState('starting')
  const [theme, setTheme] = useState(localStorage.getItem('theme') ?? 'auto')

  useEffect(() => {
    const onHash = () => setRoute(currentRoute())
    addEventListener('hashchange', onHash)
    const off = onConnectivity(setStatus)
    rpc('Diag/Health').then(
      () => startEvents(),
      () => undefined,
    )
    return () => {
      removeEventListener('hashchange', onHash)
      off()
    }
  }, [])
  useEffect(() => {
    document.documentElement.dataset.theme = theme
    localStorage.setItem('theme', theme)
  }, [theme])
  // Focus follows navigation (a screen reader then reads the new view), but not on first load: the
  // page starts at the top, where the skip link and the views are the first stops of Tab.
  const firstRoute = useRef(true)
  useEffect(() => {
    if (firstRoute.current) firstRoute.current = false
    else document.getElementById('main')?.focus()
  }, [route.name])

  if (status === 'logged-out') {
    return html`<main class="login" id="main" tabindex="-1">
      <h1>MoltBook</h1>
      <p>You are not logged in. Run <code>moltmesh ui</code> and open the URL it prints
      (its login token works once).</p>
    </main>`
  }
  const view = VIEWS.find(([name]) => name === route.name) ?? VIEWS[0]
  const View = view[2]
  // Routes live in the hash, so the skip link moves focus itself instead of jumping to "#main".
  const skip = (e) => {
    e.preventDefault()
    document.getElementById('main')?.focus()
  }
  return html`
    <a class="skip" href=${`#/${view[0]}`} onClick=${skip}>Skip to content</a>
    <header class="top">
      <span class="brand">MoltBook</span>
      <nav aria-label="Views">
        ${VIEWS.map(
          ([name, label]) =>
            html`<a href=${`#/${name}`} aria-current=${name === view[0] ? 'page' : undefined}>${label}</a>`,
        )}
      </nav>
      <label class="theme">Theme
        <select value=${theme} onChange=${(e) => setTheme(e.target.value)}>
          <option value="auto">auto</option><option value="light">light</option><option value="dark">dark</option>
        </select>
      </label>
    </header>
    ${
      status === 'down'
        ? html`<div class="banner" role="alert">The daemon does not answer: is it stopped? Retrying…</div>`
        : null
    }
    <main id="main" tabindex="-1" aria-label=${view[1]}>
      <${View} arg=${route.arg} />
    </main>`
}

async function boot() {
  const token = /(?:^#|&)login=([\w-]+)/.exec(location.hash)?.[1]
  if (token != null) {
    await login(token)
    history.replaceState(null, '', `${location.pathname}#/overview`)
  }
  const root = document.getElementById('app')
  root.textContent = ''
  render(html`<${App} />`, root)
}

boot()
