// Dashboard charts (ECharts, served from this host). Each <div data-chart> carries its labels,
// series and, for every bar, the URL of the drill-down list; clicking a bar opens it. The same
// numbers are in the table beside each chart, so the page reads without scripts too.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.echarts) return;
  document.querySelectorAll("[data-chart]").forEach((el) => {
    const spec = JSON.parse(el.dataset.chart);
    el.style.height = Math.max(220, spec.horizontal ? spec.labels.length * 26 + 60 : 260) + "px";
    const chart = window.echarts.init(el, null, { renderer: "svg", locale: "ZH" });
    const category = { type: "category", data: spec.labels, axisLabel: { interval: 0, rotate: spec.horizontal ? 0 : 20 } };
    const value = { type: "value", name: spec.unit, minInterval: 1 };
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: spec.series.map((s) => ({
        name: s.name, type: "bar", data: s.values, itemStyle: { color: s.color }, cursor: "pointer",
        label: { show: true, position: spec.horizontal ? "right" : "top" },
      })),
    });
    chart.on("click", (params) => {
      const link = spec.series[params.seriesIndex].links[params.dataIndex];
      if (link) window.location.assign(link);
    });
    window.addEventListener("resize", () => chart.resize());
  });
});
