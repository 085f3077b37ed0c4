// Draws every chart on the page from its JSON (in a <script type="application/json"> element),
// so no inline script is needed. Without JavaScript the table beside each chart carries it.
// The chart is a picture of the table beside it: hidden from assistive technology and out of the
// tab order (templates/_macros.html), with no modebar. The PNG, SVG and HTML downloads under each
// chart do what the modebar's buttons would, and nothing offers to send the data to Plotly's cloud.
/* global Plotly */
const CONFIG = {
  displayModeBar: false,
  displaylogo: false,
  showSendToCloud: false,
  showEditInChartStudio: false,
  showLink: false,
  responsive: true
}
const NARROW = 600 // pixels

document.querySelectorAll('[data-chart]').forEach(function (element) {
  const source = document.getElementById(element.getAttribute('data-chart'))
  if (!source || typeof Plotly === 'undefined') return
  const figure = JSON.parse(source.textContent)
  // On a phone the chart's own title (there for the downloads, which stand alone) would run off its
  // right edge; the page's heading and the figure's caption already name it, so it is left out.
  if (element.clientWidth < NARROW && figure.layout && figure.layout.title) figure.layout.title = { text: '' }
  Plotly.newPlot(element, figure.data, figure.layout, CONFIG).then(function () {
    // plotly.js draws nothing focusable without its modebar; make sure of it all the same.
    element.querySelectorAll('a[href], [tabindex]').forEach(function (control) {
      control.setAttribute('tabindex', '-1')
    })
  })
  element.setAttribute('data-rendered', 'true')
})
