// A job's page, updated in place: poll its JSON and show the progress without reloading.
// Without this file the page refreshes itself (<noscript><meta http-equiv="refresh">).
const job = document.getElementById('job')

function show (state) {
  const running = state.status === 'queued' || state.status === 'running'
  const bar = job.querySelector('#job-progress')
  job.querySelector('.app-job-progress').hidden = !running
  if (state.percent === null) {
    bar.removeAttribute('value')
    bar.textContent = ''
  } else {
    bar.value = state.percent
    bar.textContent = state.percent + '%'
  }
  const status = job.querySelector('#job-status')
  if (status.textContent !== state.text) status.textContent = state.text
  job.querySelector('#job-failed').hidden = state.status !== 'failed'
  if (state.status === 'failed' && !document.title.startsWith('Error: ')) document.title = 'Error: ' + document.title
  job.querySelector('#job-message').textContent = state.message
  const result = job.querySelector('#job-result')
  result.hidden = !state.result_url
  if (state.result_url) {
    const link = job.querySelector('#job-result-link')
    link.href = state.result_url
    link.textContent = state.result_label
  }
  const hint = job.querySelector('#job-hint')
  if (hint && !running) hint.hidden = true
  job.dataset.status = state.status
  return running
}

async function poll () {
  let delay = 1000
  try {
    const response = await fetch(job.dataset.statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    if (response.ok) {
      const state = await response.json()
      if (!show(state)) {
        // A failed import is shown with its problems on the page itself: load it once.
        if (state.status === 'failed' && state.kind === 'staff_import') window.location.reload()
        return
      }
    } else {
      delay = 5000
    }
  } catch (error) {
    delay = 5000 // the server is out of reach for a moment: try again a little later
  }
  window.setTimeout(poll, delay)
}

if (job && (job.dataset.status === 'queued' || job.dataset.status === 'running')) {
  window.setTimeout(poll, 500)
}
