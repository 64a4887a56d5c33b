// The script that runs inside the HTML report (plain browser JavaScript, kept as text): draws
// one uPlot chart per chart group from the embedded data, one line per run, and makes the
// structures table sortable. It marks the page when done so a browser test can check it.
// Bytes and counts are formatted by the same functions as every other report: their source text
// is embedded here (they are self-contained for that reason).

import { formatBytes } from '../format/bytes.js';
import { formatCount } from '../format/numbers.js';

export const CLIENT_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('heapdrift-data').textContent);
  var palette = data.palette;
  ${formatBytes.toString()}
  ${formatCount.toString()}
  function bytes(value) { return value == null ? '' : formatBytes(value); }
  function count(value) { return value == null ? '' : formatCount(value); }
  var plots = [];
  data.charts.forEach(function (chart) {
    var target = document.getElementById(chart.id);
    if (!target || chart.lines.length === 0) return;
    var format = chart.unit === 'bytes' ? bytes : count;
    var tables = chart.lines.map(function (line) { return [line.x, line.y]; });
    var aligned = tables.length === 1 ? tables[0] : uPlot.join(tables);
    var series = [{ label: chart.xLabel }];
    chart.lines.forEach(function (line) {
      series.push({
        label: line.label,
        stroke: palette[line.runIndex % palette.length],
        width: 2,
        spanGaps: true,
        points: { show: true, size: 5 },
        value: function (u, value) { return format(value); },
      });
    });
    var plot = new uPlot({
      width: Math.max(320, target.clientWidth),
      height: 260,
      series: series,
      scales: { x: { time: false } },
      axes: [
        { label: chart.xLabel },
        { size: 80, values: function (u, values) { return values.map(format); } },
      ],
    }, aligned, target);
    plots.push({ id: chart.id, plot: plot, labels: chart.lines.map(function (line) { return line.label; }) });
  });
  window.addEventListener('resize', function () {
    plots.forEach(function (entry) {
      var width = Math.max(320, document.getElementById(entry.id).clientWidth);
      entry.plot.setSize({ width: width, height: 260 });
    });
  });

  // Sortable tables: a click on a header sorts by that column (numbers by data-value).
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var headers = table.querySelectorAll('th');
    Array.prototype.forEach.call(headers, function (header, column) {
      header.addEventListener('click', function () {
        var body = table.tBodies[0];
        var ascending = header.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute('aria-sort'); });
        header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var left = a.cells[column], right = b.cells[column];
          var x = left.getAttribute('data-value'), y = right.getAttribute('data-value');
          var order = x !== null && y !== null
            ? Number(x) - Number(y)
            : left.textContent.localeCompare(right.textContent);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  window.heapdriftCharts = plots.map(function (entry) {
    return {
      id: entry.id,
      series: entry.labels,
      points: entry.plot.data.slice(1).map(function (values) {
        return values.filter(function (value) { return value != null; }).length;
      }),
    };
  });
  document.documentElement.setAttribute('data-charts-rendered', String(plots.length));
})();
`;
