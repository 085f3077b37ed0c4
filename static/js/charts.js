// Draws every chart on the page from its JSON (in a <script type="application/json"> element),
// so no inline script is needed. Without JavaScript the table beside each chart carries it.
/* global Plotly */
document.querySelectorAll('[data-chart]').forEach(function (element) {
  const source = document.getElementById(element.getAttribute('data-chart'))
  if (!source || typeof Plotly === 'undefined') return
  const figure = JSON.parse(source.textContent)
  Plotly.newPlot(element, figure.data, figure.layout, { displaylogo: false, responsive: true })
  element.setAttribute('data-rendered', 'true')
})
