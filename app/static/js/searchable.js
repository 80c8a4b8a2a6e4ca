// Type-to-search for long selects (organizations, experts): Tom Select, served from
// app/static/vendor/tom-select. A select is enhanced when it says data-searchable or has more
// than SEARCH_FROM options (data-searchable="off" keeps it plain). The original <select> stays in
// the form and is what gets submitted, so every page still works without JavaScript.
(() => {
  const SEARCH_FROM = 15;
  const enhance = (select) => {
    if (select.tomselect || select.dataset.searchable === "off" || typeof TomSelect === "undefined") return;
    const multiple = select.multiple;
    const options = {
      create: false,
      maxOptions: null,
      allowEmptyOption: true,
      searchField: ["text"],
      // Filter on every keystroke (the options are all in the page). Tom Select's default waits
      // 300 ms: Enter pressed sooner took the option active before the filter, and the late
      // refresh re-opened the dropdown after a pick and took the focus from the next field.
      refreshThrottle: 0,
      placeholder: select.dataset.placeholder || "输入文字筛选…",
      plugins: multiple ? ["remove_button"] : ["dropdown_input"],
      render: {
        no_results: () => '<div class="no-results">没有匹配的选项</div>',
      },
    };
    // eslint-disable-next-line no-new
    new TomSelect(select, options);
  };
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select").forEach((select) => {
      if (select.dataset.searchable !== undefined || select.options.length > SEARCH_FROM) enhance(select);
    });
  });
})();
