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

// Breaks a label into lines of at most `width` characters at its spaces (plotly reads <br>).
function wrapLabel (text, width) {
  if (typeof text !== 'string') return text
  const lines = []
  text.split(' ').forEach(function (word) {
    const last = lines.length - 1
    if (last >= 0 && (lines[last] + ' ' + word).length <= width) lines[last] += ' ' + word
    else lines.push(word)
  })
  return lines.join('<br>')
}

// On a phone, long category labels (competencies down a heatmap, dimensions round a radar) would
// be cut at the chart's edges: wrap them, lay the colour scale under the chart, use a smaller font.
function fitNarrow (figure) {
  const layout = figure.layout || (figure.layout = {})
  layout.font = Object.assign({}, layout.font, { size: 11 })
  figure.data.forEach(function (trace) {
    if (trace.type === 'heatmap') {
      trace.y = (trace.y || []).map(function (label) { return wrapLabel(label, 16) })
      layout.height = 140 + 44 * trace.y.length // room for two lines a row
      trace.x = (trace.x || []).map(function (label) { return wrapLabel(label, 8) })
      trace.colorbar = Object.assign({}, trace.colorbar, { orientation: 'h', y: -0.02, yanchor: 'top', thickness: 12 })
      trace.textfont = Object.assign({}, trace.textfont, { size: 9 })
      layout.yaxis = Object.assign({}, layout.yaxis, { automargin: true })
      layout.xaxis = Object.assign({}, layout.xaxis, { tickangle: 0, automargin: true })
      layout.margin = Object.assign({}, layout.margin, { l: 10, r: 10, b: 60 })
    } else if (trace.type === 'scatterpolar') {
      trace.theta = (trace.theta || []).map(function (label) { return wrapLabel(label, 10) })
      layout.margin = Object.assign({}, layout.margin, { l: 72, r: 72 })
    }
  })
}

document.querySelectorAll('[data-chart]').forEach(function (element) {
  const source = document.getElementById(element.getAttribute('data-chart'))
  if (!source || typeof Plotly === 'undefined') return
  const figure = JSON.parse(source.textContent)
  // On a phone the chart's own title (there for the downloads, which stand alone) would run off its
  // right edge; the page's heading and the figure's caption already name it, so it is left out.
  if (element.clientWidth < NARROW) {
    if (figure.layout && figure.layout.title) figure.layout.title = { text: '' }
    fitNarrow(figure)
  }
  Plotly.newPlot(element, figure.data, figure.layout, CONFIG).then(function () {
    // plotly.js draws nothing focusable without its modebar; make sure of it all the same.
    element.querySelectorAll('a[href], [tabindex]').forEach(function (control) {
      control.setAttribute('tabindex', '-1')
    })
  })
  element.setAttribute('data-rendered', 'true')
})
