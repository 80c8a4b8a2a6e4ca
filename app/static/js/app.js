// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions: <form data-confirm="确定…？">
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Auto-submit filter selects: <select data-autosubmit>
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
});
