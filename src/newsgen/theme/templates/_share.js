{#- Share links (_macros.html, `share`): copy the address, and offer the browser's own share
    sheet where there is one. Inline and deferred (a module): no request. Under 1 KB. -#}
const box = document.querySelector(".share");
if (box) {
  const { url, title } = box.dataset;
  const status = box.querySelector("output");
  const copy = box.querySelector(".share-copy");
  if (navigator.clipboard) copy.addEventListener("click", (event) => {
    event.preventDefault();
    navigator.clipboard.writeText(url).then(() => { status.textContent = "Ligação copiada."; },
      () => { status.textContent = "Não foi possível copiar: use a ligação."; });
  });
  if (navigator.share) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Partilhar…";
    button.addEventListener("click", () => navigator.share({ title, url }).catch(() => {}));
    item.append(button);
    box.querySelector("ul").prepend(item);
  }
}
