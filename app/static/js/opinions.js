// The opinion editor's small helpers; the page works without them.
document.addEventListener("DOMContentLoaded", () => {
  const basis = document.getElementById("legal_basis");
  const box = document.getElementById("citation-suggestions");

  const lines = () => (basis ? basis.value.split("\n").map((s) => s.trim()).filter(Boolean) : []);

  // “＋ 《…》第×条”: add a detected citation to the legal-basis list (one per line).
  const addCitation = (text) => {
    if (!basis) return;
    const current = lines();
    if (!current.includes(text)) {
      current.push(text);
      basis.value = current.join("\n");
    }
  };

  // 类案推送 “引用到分析”: put a reference to the precedent (number and title) at the cursor.
  const insertReference = (button) => {
    const field = document.getElementById(button.dataset.target);
    if (!field) return;
    const text = button.dataset.reference;
    const at = typeof field.selectionStart === "number" ? field.selectionStart : field.value.length;
    field.value = field.value.slice(0, at) + text + field.value.slice(field.selectionEnd ?? at);
    field.focus();
    field.selectionStart = field.selectionEnd = at + text.length;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  };

  document.addEventListener("click", (event) => {
    const reference = event.target.closest("[data-insert-reference]");
    if (reference) {
      event.preventDefault();
      insertReference(reference);
      return;
    }
    const add = event.target.closest("[data-add-citation]");
    if (add) {
      event.preventDefault();
      addCitation(add.dataset.addCitation);
      add.disabled = true;
      return;
    }
    // Conflict view: take the other person's text into the editor for that section.
    const take = event.target.closest("[data-take-theirs]");
    if (take) {
      const name = take.dataset.takeTheirs;
      const source = document.getElementById(`theirs-${name}`);
      const target = document.getElementById(name);
      if (source && target) target.value = source.textContent;
    }
  });

  const button = (text) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm btn-outline-primary me-1 mb-1";
    b.dataset.addCitation = text;
    b.textContent = `＋ ${text}`;
    return b;
  };

  // “检测法律分析中的引用”: ask the server which citations the analysis names but the list lacks.
  const check = document.querySelector("[data-check-citations]");
  const form = document.getElementById("opinion-form");
  if (check && form && box) {
    check.addEventListener("click", async () => {
      const token = form.querySelector("input[name=csrf_token]").value;
      const analysis = document.getElementById("analysis");
      let data;
      try {
        const resp = await fetch(check.dataset.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ analysis: analysis ? analysis.value : "", legal_basis: lines() }),
        });
        if (!resp.ok) throw new Error(String(resp.status));
        data = await resp.json();
      } catch (err) {
        box.replaceChildren(Object.assign(document.createElement("div"), {
          className: "small text-danger", textContent: "检测失败，请保存后刷新页面查看建议。",
        }));
        return;
      }
      const nodes = [];
      const note = document.createElement("div");
      note.className = "small text-muted mb-1";
      note.textContent = data.suggestions.length
        ? "法律分析中引用了以下条文，尚未列入法律依据："
        : "法律分析中引用的条文均已列入法律依据。";
      nodes.push(note);
      data.suggestions.forEach((s) => nodes.push(button(s)));
      data.errors.forEach((e) => {
        nodes.push(Object.assign(document.createElement("div"), { className: "small text-danger", textContent: e }));
      });
      (data.warnings || []).forEach((w) => {
        nodes.push(Object.assign(document.createElement("div"), {
          className: "small text-warning-emphasis", textContent: w, role: "status",
        }));
      });
      box.replaceChildren(...nodes);
    });
  }
});
